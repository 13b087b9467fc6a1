"""MADlib's k-means call shapes (kmeanspp, kmeans_random, kmeans with given centroids) over indb_ml.kmeans.

MADlib returns one composite row (centroids, cluster_variance, objective_fn, frac_reassigned,
num_iterations) instead of writing a model table; these drivers call ``indb_ml.kmeans`` into a
temporary table, read it back and drop it. Only the squared Euclidean geometry of Lloyd's
algorithm is available: fn_dist squared_dist_norm2 or dist_norm2 (the same nearest centroid),
agg_centroid avg. MADlib's min_frac_reassigned stopping rule is replaced by our centroid-shift
tolerance; frac_reassigned is reported as NULL (not tracked).
"""
import time

from . import identifiers

_DISTANCES = {"squared_dist_norm2", "dist_norm2"}


def _short(name):
    return (name or "").strip().strip('"').split(".")[-1].lower()


def check(plpy, fname, fn_dist, agg_centroid, max_num_iterations):
    if fn_dist is not None and _short(fn_dist) not in _DISTANCES:
        plpy.error(f"{fname}: fn_dist {fn_dist!r} is not supported; only squared_dist_norm2 (or dist_norm2, "
                   f"which gives the same assignments) - k-means here is Lloyd's algorithm in Euclidean space")
    if agg_centroid is not None and _short(agg_centroid) != "avg":
        plpy.error(f"{fname}: agg_centroid {agg_centroid!r} is not supported; only avg")
    if max_num_iterations is not None and max_num_iterations < 1:
        plpy.error(f"{fname}: max_num_iterations must be >= 1, got {max_num_iterations}")


def centroids_from_table(plpy, fname, rel, expr):
    """MADlib's rel_initial_centroids / expr_centroid -> a list of centroid rows."""
    src = identifiers.resolve_table(plpy, rel, "rel_initial_centroids")
    cols = identifiers.table_columns(plpy, src["oid"])
    try:
        x_sql, _, _ = _feature(plpy, expr, cols, rel)
    except identifiers.NameError_ as exc:
        plpy.error(f"{fname}: expr_centroid {expr!r}: {exc}")
    rows = plpy.execute(f"SELECT {x_sql} AS c FROM {src['sql']}")
    cents = [r["c"] for r in rows if r["c"] is not None]
    if not cents:
        plpy.error(f"{fname}: rel_initial_centroids {rel} holds no centroids")
    return cents


def _feature(plpy, expr, cols, rel):
    from . import prepare
    return prepare._feature_sql(plpy, expr, cols, rel)


def run(plpy, schema, fname, rel_source, expr_point, k, init, max_num_iterations, initial=None):
    """indb_ml.kmeans into a temporary table -> MADlib's result row."""
    tmp = f"madlib_kmeans_{int(time.time() * 1e6) % 10**12}"
    out = f"pg_temp.{tmp}"
    args = [rel_source, out, expr_point, int(k), int(max_num_iterations or 20), init, initial]
    plan = plpy.prepare(f"SELECT {schema}.kmeans(source_table => $1, out_table => $2, features => $3, k => $4, "
                        f"max_iter => $5, init => $6, initial_centroids => $7)",
                        ["text", "text", "text", "int4", "int4", "text", "float8[]"])
    try:
        plpy.execute(plan, args)
        rows = plpy.execute(f"SELECT centroid, sse FROM pg_temp.{plpy.quote_ident(tmp)} ORDER BY cluster_id")
        summ = plpy.execute(f"SELECT objective, iterations FROM pg_temp.{plpy.quote_ident(tmp + '_summary')}")[0]
    finally:
        plpy.execute(f"DROP TABLE IF EXISTS pg_temp.{plpy.quote_ident(tmp)}, "
                     f"pg_temp.{plpy.quote_ident(tmp + '_summary')}")
    return {"centroids": [r["centroid"] for r in rows], "cluster_variance": [r["sse"] for r in rows],
            "objective_fn": summ["objective"], "frac_reassigned": None, "num_iterations": summ["iterations"]}
