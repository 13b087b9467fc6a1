"""Benchmark: ALS on MovieLens 100K and k-means on 1M x 20 synthetic rows, inside PostgreSQL.

    python bench/factorization.py                 # starts a throwaway local cluster
    python bench/factorization.py --dsn "host=... dbname=..."   # an existing database (indb_ml is installed)

ALS: u1.base / u1.test of MovieLens 100K (read from ../shared/data/movielens-100k,
never copied into the repository): seconds per iteration (both half-steps) and the
final test RMSE (users/items without factors predicted by the global mean).

k-means: 1M x 20 synthetic rows (10 Gaussian blobs), k = 10: seconds per Lloyd
iteration against a bare scan of the same rows measured in the same run
(``SELECT sum(x[2])``) and against scikit-learn's KMeans from the same initial
centroids after exporting the rows with psycopg (export time reported apart).
MADlib's ``lmf_igd_run`` is the in-database anchor for matrix factorisation; it is
not installed here, so no MADlib figure is printed.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psycopg

PROJECT = Path(__file__).resolve().parent.parent
MOVIELENS = PROJECT.parent / "shared" / "data" / "movielens-100k"


def _timed(conn, query, params=None):
    t = time.perf_counter()
    cur = conn.execute(query, params)
    rows = cur.fetchall() if cur.description else []
    return time.perf_counter() - t, rows


def _history(conn, name):
    return conn.execute("SELECT i.iteration, i.loss, i.elapsed_ms FROM indb_ml.model_iterations i "
                        "JOIN indb_ml.models m USING (model_id) WHERE m.name = %s ORDER BY i.iteration",
                        [name]).fetchall()


def bench_als(conn, rank, lam, iters):
    for name, fname in (("bench_u1_base", "u1.base.gz"), ("bench_u1_test", "u1.test.gz")):
        conn.execute(f"DROP TABLE IF EXISTS {name}")
        conn.execute(f"CREATE TABLE {name} (user_id int, item_id int, rating int, ts bigint)")
        with conn.cursor().copy(f"COPY {name} FROM STDIN") as cp:
            cp.write(gzip.open(MOVIELENS / fname).read())
    conn.execute("DROP TABLE IF EXISTS bench_als, bench_als_users, bench_als_items")
    total, _ = _timed(conn, "SELECT indb_ml.als_train('bench_u1_base', 'user_id', 'item_id', 'rating', 'bench_als', "
                            "rank => %s, lambda => %s, max_iter => %s, tolerance => 0)", [rank, lam, iters])
    hist = _history(conn, "public.bench_als")
    rmse = conn.execute(
        "SELECT sqrt(avg((t.rating - coalesce(m.global_mean + u.bias + i.bias + indb_ml.als_dot(u.factor, i.factor), "
        "m.global_mean))^2)) FROM bench_u1_test t CROSS JOIN bench_als m "
        "LEFT JOIN bench_als_users u ON u.id = t.user_id LEFT JOIN bench_als_items i ON i.id = t.item_id").fetchone()[0]
    per_iter = [h[2] / 1000.0 for h in hist]
    return {"rank": rank, "lambda": lam, "iterations": len(hist), "train_seconds": round(total, 2),
            "seconds_per_iteration_median": round(statistics.median(per_iter), 3),
            "train_rmse": round(hist[-1][1], 5), "test_rmse": round(rmse, 5)}


def bench_kmeans(conn, rows, dims, k, iters):
    conn.execute("DROP TABLE IF EXISTS bench_km_points, bench_km, bench_km_summary")
    conn.execute("SELECT setseed(0.25)")
    # k blobs: centre j of blob c is ((c * 7 + j * 3) % 11) - 5, plus uniform noise in [-1, 1)
    t, _ = _timed(conn, f"""
        CREATE TABLE bench_km_points AS
        SELECT g AS id, ARRAY(SELECT ((g % {int(k)}) * 7 + j * 3) % 11 - 5.0 + (random() - 0.5) * 2
                              FROM generate_series(1, {int(dims)}) AS j) AS x
        FROM generate_series(1, {int(rows)}) AS g""")
    conn.execute("ANALYZE bench_km_points")
    make_s = t
    scans = [_timed(conn, "SELECT sum(x[2]) FROM bench_km_points")[0] for _ in range(3)]
    prep_s, _ = _timed(conn, "SELECT indb_ml.prepare('bench_km_points', NULL, 'x')")
    total, _ = _timed(conn, "SELECT indb_ml.kmeans('bench_km_points', 'bench_km', 'x', %s, max_iter => %s, "
                            "tolerance => 0, seed => 1)", [k, iters])
    hist = _history(conn, "public.bench_km")
    seeding = hist[0][2] / 1000.0
    per_iter = [h[2] / 1000.0 for h in hist[1:]]
    init, objective = conn.execute("SELECT initial_centroids, objective FROM bench_km_summary").fetchone()
    # scikit-learn after export
    t = time.perf_counter()
    with conn.cursor(binary=True) as cur:
        cur.execute("SELECT x FROM bench_km_points ORDER BY id")
        X = np.array([r[0] for r in cur.fetchall()], dtype=float)
    export_s = time.perf_counter() - t
    from sklearn.cluster import KMeans

    t = time.perf_counter()
    sk = KMeans(k, init=np.array(init), n_init=1, max_iter=len(per_iter), tol=0.0, algorithm="lloyd").fit(X)
    sk_s = time.perf_counter() - t
    return {"rows": rows, "dims": dims, "k": k, "make_table_seconds": round(make_s, 2),
            "bare_scan_seconds_median": round(statistics.median(scans), 3),
            "prepare_seconds": round(prep_s, 2), "kmeanspp_seeding_seconds": round(seeding, 2),
            "seconds_per_iteration_median": round(statistics.median(per_iter), 3),
            "iteration_over_scan": round(statistics.median(per_iter) / statistics.median(scans), 2),
            "iterations": len(per_iter), "train_seconds_total": round(total, 2), "objective": objective,
            "sklearn_export_seconds": round(export_s, 2), "sklearn_fit_seconds": round(sk_s, 2),
            "sklearn_seconds_per_iteration": round(sk_s / max(sk.n_iter_, 1), 3),
            "sklearn_objective": float(sk.inertia_),
            "objective_relative_difference": abs(objective - sk.inertia_) / sk.inertia_}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dsn", help="an existing database with indb_ml installed (default: a throwaway cluster)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dims", type=int, default=20)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--kmeans-iter", type=int, default=10)
    ap.add_argument("--als-rank", type=int, default=20)
    ap.add_argument("--als-lambda", type=float, default=0.14)
    ap.add_argument("--als-iter", type=int, default=15)
    ap.add_argument("--skip", choices=["als", "kmeans"], action="append", default=[])
    args = ap.parse_args(argv)
    cluster = None
    dsn = args.dsn
    if dsn is None:
        from indb_ml import installer
        from indb_ml.local import LocalCluster

        cluster = LocalCluster(Path(tempfile.mkdtemp(prefix="indb_ml_bench_")), ephemeral=True)
        dsn = cluster.start()
        installer.install(dsn)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            result = {"server": conn.execute("SELECT version()").fetchone()[0]}
            if "als" not in args.skip:
                if not (MOVIELENS / "u1.base.gz").exists():
                    sys.exit(f"MovieLens 100K not found at {MOVIELENS}")
                result["als_movielens_100k_u1"] = bench_als(conn, args.als_rank, args.als_lambda, args.als_iter)
                print(json.dumps(result["als_movielens_100k_u1"]), flush=True)
            if "kmeans" not in args.skip:
                result["kmeans"] = bench_kmeans(conn, args.rows, args.dims, args.k, args.kmeans_iter)
                print(json.dumps(result["kmeans"]), flush=True)
    finally:
        if cluster is not None:
            cluster.destroy()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
