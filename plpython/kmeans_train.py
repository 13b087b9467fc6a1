"""The SQL functions ``kmeans`` and ``kmeans_auto`` (take ``plpy``): validation, fits, output tables.

A fit = seeding + Lloyd for ``n_init`` runs sharing passes (``kmeans_driver``);
the run with the lowest final objective wins, the summary keeps every run's
objective. ``kmeans_auto`` fits each k of a list, then one pass computes the
simplified silhouette of all of them, and picks k by a stated rule.
"""
import time

import numpy as np

from . import kmeans_driver, registry

AUTO_RULES = ("silhouette", "elbow")


def check_args(plpy, fn, k, max_iter, tolerance, seed, init, n_init, initial_centroids):
    """-> (init kind, n_init). Raises plpy.error naming the argument at fault."""
    if k is None or k < 1:
        plpy.error(f"{fn}: k must be a positive number of clusters, got {k}")
    if max_iter is None or max_iter < 1:
        plpy.error(f"{fn}: max_iter must be at least 1, got {max_iter}")
    if tolerance is None or not np.isfinite(tolerance) or tolerance < 0:
        plpy.error(f"{fn}: tolerance must be a finite number >= 0, got {tolerance}")
    if seed is None:
        plpy.error(f"{fn}: seed must not be NULL")
    kind = "given" if initial_centroids is not None else (init or "").strip().lower()
    if kind not in kmeans_driver.INITS or (kind == "given" and initial_centroids is None):
        plpy.error(f"{fn}: init must be 'kmeans++', 'kmeans++plain', 'kmeans||' or 'random' "
                   f"(or pass initial_centroids), got {init!r}")
    if n_init is None:     # scikit-learn's n_init='auto': 10 runs for random seeding, 1 otherwise
        n_init = 10 if kind == "random" else 1
    if n_init < 1 or n_init > 1000:
        plpy.error(f"{fn}: n_init must be between 1 and 1000, got {n_init}")
    if kind == "given" and n_init != 1:
        plpy.error(f"{fn}: n_init must be 1 with initial_centroids (every run would start the same), got {n_init}")
    return kind, int(n_init)


def check_data(plpy, fn, prep, source_table, features, k):
    if prep["n_rows"] == 0:
        if prep["n_skipped"]:
            plpy.error(f"{fn}: all {prep['n_skipped']} rows of {source_table} have NULL, NaN or infinite "
                       f"values in {features}; nothing to cluster")
        plpy.error(f"{fn}: source table {source_table} is empty")
    if k > prep["n_rows"]:
        plpy.error(f"{fn}: k = {k} is larger than the number of usable rows ({prep['n_rows']}) in {source_table}")


def given_centroids(plpy, fn, initial_centroids, k, d):
    flat = np.ravel(np.asarray(initial_centroids, dtype=object))
    C0 = np.asarray(initial_centroids, dtype=float) if all(v is not None for v in flat) else None
    if C0 is None or C0.ndim != 2 or C0.shape != (k, d):
        plpy.error(f"{fn}: initial_centroids must be a {k} x {d} array (k rows of {d} features) without NULLs")
    if not np.isfinite(C0).all():
        plpy.error(f"{fn}: initial_centroids contain NaN or infinite values")
    return C0


def fit(plpy, schema, fn, passes, prep, model_id, k, kind, n_init, seed, max_iter, tolerance, C0=None,
        source_table="", features="", key_prefix=""):
    """Seed and run Lloyd for n_init runs; record history. -> dict(best, runs, initial, seed_ms, ...)."""
    ts = time.perf_counter()
    p0 = passes.count
    try:
        if kind == "given":
            var = float(passes.sample(None, None, 1, 0, seed, 0)["var"].mean())
            init = C0[None, :, :]
        else:
            init, var = kmeans_driver.seed_runs(passes, kind, k, n_init, seed, prep["n_features"])
    except kmeans_driver.TooFewPoints as exc:
        plpy.error(f"{fn}: {source_table} has only {exc.args[0]} distinct points in {features}, fewer than k = {k}")
    seed_ms = (time.perf_counter() - ts) * 1000.0
    seed_passes = passes.count - p0
    for r in range(n_init):
        registry.iteration(plpy, schema, model_id, 0, group_key=_key(key_prefix, r, n_init), rows=prep["n_rows"],
                           elapsed_ms=seed_ms, info={"phase": "seeding", "init": kind, "k": k, "passes": seed_passes})
    plpy.notice(f"{fn}: seeded {n_init} x {k} centroids ({kind}) in {seed_passes} passes, {seed_ms:.0f} ms")

    def log(r, it, res, shift, reseeded, n, ms):
        registry.iteration(plpy, schema, model_id, it, group_key=_key(key_prefix, r, n_init), loss=res["objective"],
                           step_size=shift, rows=n, elapsed_ms=ms,
                           info={"reseeded": reseeded, "empty": int((res["counts"] == 0).sum()), "k": k})
        msg = (f"{fn}: " + (f"run {r}: " if n_init > 1 else "") + f"iteration {it}: objective "
               f"{res['objective']:.10g}, centroid shift {shift:.3g}, {ms:.0f} ms")
        if reseeded:
            msg += f", re-seeded empty cluster(s) {reseeded}"
        registry.progress.report(plpy, fn, it, max_iter, msg, objective=res["objective"], run=r)

    p1 = passes.count
    runs = kmeans_driver.lloyd_runs(passes, init, k, max_iter, tolerance * var, log)
    objectives = [r["result"]["objective"] for r in runs]
    best = int(np.argmin(objectives))
    return {"best": best, "runs": runs, "objectives": objectives, "initial": init, "seed_ms": seed_ms,
            "seed_passes": seed_passes, "lloyd_passes": passes.count - p1, "run": runs[best],
            "centroids": runs[best]["C"], "objective": objectives[best]}


def _key(prefix, r, n_init):
    """The registry's group_key of a run: '' for a single fit of one run."""
    return " ".join(p for p in (prefix, "" if n_init == 1 else f"run {r}") if p)


def write_centroids(plpy, out_sql, C, result):
    plpy.execute(f"CREATE TABLE {out_sql} (cluster_id integer PRIMARY KEY, centroid float8[] NOT NULL, "
                 f"size bigint NOT NULL, sse float8 NOT NULL)")
    plpy.execute(plpy.prepare(
        f"INSERT INTO {out_sql} SELECT i - 1, $1[(i - 1) * $5 + 1:i * $5], $2[i], $3[i] "
        f"FROM generate_series(1, $4) AS i", ["float8[]", "int8[]", "float8[]", "int4", "int4"]),
        [C.ravel().tolist(), [int(c) for c in result["counts"]], [float(v) for v in result["sse"]], C.shape[0],
         C.shape[1]])


SUMMARY_COLUMNS = [
    ("method", "text"), ("source_table", "text"), ("out_table", "text"), ("features", "text"),
    ("feature_names", "text[]"), ("k", "int4"), ("init", "text"), ("seed", "int8"),
    ("initial_centroids", "float8[]"), ("objective", "float8"), ("iterations", "int4"), ("converged", "bool"),
    ("num_rows_processed", "int8"), ("num_missing_rows_skipped", "int8"), ("model_id", "int8"),
    ("prepared_id", "int8"), ("n_init", "int4"), ("best_run", "int4"), ("run_objectives", "float8[]"),
    ("seeding_passes", "int4"), ("lloyd_passes", "int4")]


def write_summary(plpy, summary_sql, method, prep, out_sql, features, k, kind, seed, f, model_id, extra=()):
    cols = SUMMARY_COLUMNS + [(name, typ) for name, typ, _ in extra]
    sel = ", ".join(f"${i + 1}::{typ} AS {name}" for i, (name, typ) in enumerate(cols))
    run = f["run"]
    values = [method, prep["source"]["sql"], out_sql, features, prep["feature_names"], k, kind, seed,
              f["initial"][f["best"]].tolist(), f["objective"], run["iterations"], run["converged"],
              prep["n_rows"], prep["n_skipped"], model_id, prep["prepared_id"], len(f["runs"]), f["best"],
              f["objectives"], f["seed_passes"], f["lloyd_passes"]] + [v for _, _, v in extra]
    plpy.execute(plpy.prepare(f"CREATE TABLE {summary_sql} AS SELECT {sel}", [t for _, t in cols]), values)


def select_k(ks, objectives, silhouettes, rule):
    """-> (chosen k, elbow scores). silhouette: the highest simplified silhouette (ties: the smaller k).
    elbow: the largest ratio of successive decreases of the objective over the sorted list of k,
    (obj[i-1] - obj[i]) / (obj[i] - obj[i+1]) - the point after which adding clusters stops paying
    (the ends have no score; a flat tail gives +inf)."""
    elbow = [None] * len(ks)
    for i in range(1, len(ks) - 1):
        before, after = objectives[i - 1] - objectives[i], objectives[i] - objectives[i + 1]
        elbow[i] = before / after if after > 0 else (float("inf") if before > 0 else 0.0)
    if rule == "elbow":
        return -max((e, -ks[i]) for i, e in enumerate(elbow) if e is not None)[1], elbow
    return -max((s, -k) for k, s in zip(ks, silhouettes))[1], elbow
