"""MADlib's k-means call shapes (kmeanspp, kmeans_random, kmeans with given centroids) over indb_ml.kmeans.

MADlib returns one composite row (centroids, cluster_variance, objective_fn, frac_reassigned,
num_iterations) instead of writing a model table; these drivers call ``indb_ml.kmeans`` into a
temporary table, read it back and drop it: fn_dist squared_dist_norm2 or dist_norm2 (the same
nearest centroid), agg_centroid avg. MADlib's min_frac_reassigned stopping rule is replaced by our
centroid-shift tolerance; frac_reassigned is reported as NULL (not tracked). fn_dist dist_norm1
(from given initial centroids) runs MADlib's own iteration instead (``run_l1``: 1-norm assignments,
mean centroids, its frac_reassigned stop), one kmeans_l1_agg pass per iteration.
"""
import time

from . import blocks, identifiers

_DISTANCES = {"squared_dist_norm2", "dist_norm2", "dist_norm1"}


def _short(name):
    return (name or "").strip().strip('"').split(".")[-1].lower()


def check(plpy, fname, fn_dist, agg_centroid, max_num_iterations, given_centroids=False):
    if is_l1(fn_dist) and not given_centroids:
        plpy.error(f"{fname}: fn_dist dist_norm1 needs given initial centroids here: kmeans(rel_source, expr_point, "
                   f"initial_centroids, 'dist_norm1') (seeding is Euclidean)")
    if fn_dist is not None and _short(fn_dist) not in _DISTANCES:
        plpy.error(f"{fname}: fn_dist {fn_dist!r} is not supported; only squared_dist_norm2, dist_norm2 (the same "
                   f"assignments) and dist_norm1 (with given initial centroids)")
    if agg_centroid is not None and _short(agg_centroid) != "avg":
        plpy.error(f"{fname}: agg_centroid {agg_centroid!r} is not supported; only avg")
    if max_num_iterations is not None and max_num_iterations < 1:
        plpy.error(f"{fname}: max_num_iterations must be >= 1, got {max_num_iterations}")


def is_l1(fn_dist):
    return _short(fn_dist) == "dist_norm1"


def run_l1(plpy, schema, fname, rel_source, expr_point, initial, max_num_iterations, min_frac_reassigned):
    """MADlib's k-means iteration with the 1-norm from given centroids: the iteration count starts at 1
    with the initial state, each pass assigns by the 1-norm and moves the centroids to their clusters'
    means, until max_num_iterations or frac_reassigned <= min_frac_reassigned. cluster_variance and
    objective_fn are the 1-norm distances to the centroids the last pass assigned to (MADlib's)."""
    import numpy as np
    from . import kmeans_l1, passes, prepare
    max_iter = 20 if max_num_iterations is None else int(max_num_iterations)
    min_frac = 0.001 if min_frac_reassigned is None else float(min_frac_reassigned)
    if not 0 <= min_frac <= 1:
        plpy.error(f"{fname}: min_frac_reassigned must be a fraction between 0 and 1, got {min_frac}")
    try:
        C = np.asarray(initial, dtype=float)
    except (TypeError, ValueError):
        plpy.error(f"{fname}: the initial centroids must be a k x d array of numbers without NULLs")
    prep = prepare.ensure(plpy, schema, rel_source, None, expr_point)
    if C.ndim != 2 or C.shape[1] != prep["n_features"]:
        plpy.error(f"{fname}: the initial centroids have shape {list(C.shape)}, the points "
                   f"{prep['n_features']} coordinates")
    if prep["n_rows"] < C.shape[0]:
        plpy.error(f"{fname}: {C.shape[0]} centroids but only {prep['n_rows']} usable points in {rel_source}")
    prep["caller"] = fname
    P, it, res = None, 1, (C, [None] * C.shape[0], None, 1.0)
    while it < max_iter and res[3] > min_frac:
        states, _ = passes.run(plpy, prep, f"{schema}.kmeans_l1_agg(p.x, p.n, {{task}})",
                               {"": kmeans_l1.task(C, P)})
        res = kmeans_l1.update(blocks.from_bytes(passes.combine(states[""], kmeans_l1.merge)), C)
        P, C = C, res[0]
        it += 1
    return {"centroids": C.tolist(), "cluster_variance": [None if v is None else float(v) for v in res[1]],
            "objective_fn": res[2], "frac_reassigned": res[3], "num_iterations": it}


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
    """indb_ml.kmeans into a temporary table -> MADlib's result row (one run, as MADlib seeds once)."""
    tmp = f"madlib_kmeans_{int(time.time() * 1e6) % 10**12}"
    out = f"pg_temp.{tmp}"
    args = [rel_source, out, expr_point, int(k), int(max_num_iterations or 20), init, initial]
    plan = plpy.prepare(f"SELECT {schema}.kmeans(source_table => $1, out_table => $2, features => $3, k => $4, "
                        f"max_iter => $5, init => $6, initial_centroids => $7, n_init => 1)",
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


# ------------------------------------------------------------------ silhouettes and k selection

_POINT_DISTANCES = ("squared_dist_norm2", "dist_norm2", "dist_norm1")


def distance_name(plpy, fname, fn_dist):
    name = _short(fn_dist) if fn_dist else "squared_dist_norm2"
    if name not in _POINT_DISTANCES:
        plpy.error(f"{fname}: fn_dist {fn_dist!r} is not supported here; use one of {', '.join(_POINT_DISTANCES)}")
    return name


def silhouette_point(x, centroids, fn_dist):
    """MADlib's simplified silhouette of one point: [closest id, second closest id, (b - a) / max(a, b)]
    with a, b its distances to the two closest centroids (0-based ids); NULL for an unusable point."""
    import numpy as np
    if x is None or any(v is None for v in x):
        return None
    C = np.asarray(centroids, dtype=float).reshape(-1, len(x))
    diff = C - np.asarray(x, dtype=float)
    if fn_dist == "dist_norm1":
        dist = np.abs(diff).sum(axis=1)
    else:
        dist = (diff * diff).sum(axis=1)
        if fn_dist == "dist_norm2":
            dist = np.sqrt(dist)
    if len(dist) < 2:
        return [0.0, None, None]
    order = np.argsort(dist, kind="stable")
    a, b = dist[order[0]], dist[order[1]]
    top = max(a, b)
    return [float(order[0]), float(order[1]), float((b - a) / top) if top > 0 else 0.0]


def _points(plpy, fname, rel_source, expr_point):
    src = identifiers.resolve_table(plpy, rel_source, "rel_source")
    cols = identifiers.table_columns(plpy, src["oid"])
    x_sql, _, _ = _feature(plpy, expr_point, cols, rel_source)
    return src, cols, x_sql


def mean_silhouette(plpy, schema, fname, rel_source, expr_point, centroids, fn_dist):
    src, _, x_sql = _points(plpy, fname, rel_source, expr_point)
    plan = plpy.prepare(f"SELECT avg(s[3]) AS v FROM (SELECT {schema}.silhouette_point({x_sql}, $1, $2) AS s "
                        f"FROM {src['sql']}) AS t", ["float8[]", "text"])
    return plpy.execute(plan, [centroids, fn_dist])[0]["v"]


def silhouette_points(plpy, schema, fname, rel_source, output_table, pid, expr_point, centroids, fn_dist):
    """MADlib's simple_silhouette_points: output_table (pid, centroid_id, neighbor_centroid_id, silh);
    points with NULL coordinates are left out."""
    dist = distance_name(plpy, fname, fn_dist)
    src, cols, x_sql = _points(plpy, fname, rel_source, expr_point)
    pid_col = identifiers.resolve_one_column(plpy, cols, pid, rel_source, "pid", f"{fname}: ")
    out = identifiers.resolve_output_table(plpy, output_table, "output_table")
    plpy.execute(plpy.prepare(
        f"CREATE TABLE {out['sql']} AS SELECT {plpy.quote_ident(pid_col)} AS {plpy.quote_ident(pid_col)}, "
        f"s[1]::integer AS centroid_id, s[2]::integer AS neighbor_centroid_id, s[3] AS silh "
        f"FROM (SELECT {plpy.quote_ident(pid_col)}, {schema}.silhouette_point({x_sql}, $1, $2) AS s "
        f"FROM {src['sql']}) AS t WHERE s IS NOT NULL", ["float8[]", "text"]), [centroids, dist])
    return f"{fname}: {out['sql']}"


_SELECTIONS = ("silhouette", "elbow", "both")


def selection(plpy, fname, text):
    t = (text or "silhouette").strip().lower()
    found = [s for s in _SELECTIONS if s.startswith(t)] if t else []
    if len(found) != 1:
        plpy.error(f"{fname}: k_selection_algorithm {text!r} is not one of silhouette, elbow, both")
    return found[0]


def auto(plpy, schema, fname, rel_source, output_table, expr_point, ks, fn_dist, agg_centroid, max_num_iterations,
         init, k_selection_algorithm):
    """MADlib's kmeanspp_auto / kmeans_random_auto: one k-means run per k; output_table (k, centroids,
    cluster_variance, objective_fn, frac_reassigned, num_iterations, silhouette and/or elbow) and
    output_table_summary (the chosen k's row and selection_algorithm)."""
    import numpy as np
    check(plpy, fname, fn_dist, agg_centroid, max_num_iterations)
    rule = selection(plpy, fname, k_selection_algorithm)
    if not ks or any(k is None or k < 2 for k in ks):
        plpy.error(f"{fname}: k must be an array of integers >= 2")
    ks = sorted(set(int(k) for k in ks))
    if rule != "silhouette" and len(ks) < 3:
        plpy.error(f"{fname}: the elbow needs at least 3 values of k")
    out = identifiers.resolve_output_table(plpy, output_table, "output_table")
    summ = identifiers.sibling_table(plpy, out, "_summary", "summary table")
    dist = distance_name(plpy, fname, fn_dist)
    runs = []
    for k in ks:
        r = run(plpy, schema, fname, rel_source, expr_point, k, init, max_num_iterations)
        if rule in ("silhouette", "both"):
            r["silhouette"] = mean_silhouette(plpy, schema, fname, rel_source, expr_point, r["centroids"], dist)
        runs.append(r)
    cols = ["k integer", "centroids float8[]", "cluster_variance float8[]", "objective_fn float8",
            "frac_reassigned float8", "num_iterations integer"]
    if rule in ("silhouette", "both"):
        cols.append("silhouette float8")
    elbow = None
    if rule in ("elbow", "both"):
        cols.append("elbow float8")
        obj = np.array([r["objective_fn"] for r in runs], dtype=float)
        elbow = np.gradient(np.gradient(obj, ks), ks)
        for r, e in zip(runs, elbow):
            r["elbow"] = float(e)
    plpy.execute(f"CREATE TABLE {out['sql']} ({', '.join(cols)})")
    names = [c.split()[0] for c in cols]
    ins = plpy.prepare(f"INSERT INTO {out['sql']} VALUES ({', '.join(f'${i + 1}' for i in range(len(names)))})",
                       [c.split()[1] for c in cols])
    for k, r in zip(ks, runs):
        r["k"] = k
        plpy.execute(ins, [r.get(n) for n in names])
    if rule in ("silhouette", "both"):
        best, algo = ks[int(np.argmax([r["silhouette"] for r in runs]))], "silhouette"
    else:
        best, algo = ks[int(np.argmax(elbow))], "elbow"
    plpy.execute(plpy.prepare(f"CREATE TABLE {summ['sql']} AS SELECT *, $1::varchar AS selection_algorithm "
                              f"FROM {out['sql']} WHERE k = $2", ["text", "int4"]), [algo, best])
    return f"{fname}: {out['sql']}: k = {best} by {algo}"
