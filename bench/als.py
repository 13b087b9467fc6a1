"""Benchmark: ALS inside PostgreSQL against a plain numpy ALS, and on a Netflix-shaped table.

    python bench/als.py                         # a throwaway local cluster
    python bench/als.py --dsn "host=... dbname=..."

1M ratings (ML-1M shaped: 6,040 users x 3,706 items, generated from a rank-5
model plus noise): seconds per iteration of ``als_train`` (both half-steps,
from its iteration history) against a plain numpy ALS-WR with the same model,
initial factors and update order (one solve per vertex, the ratings in memory),
run by the server's python3 (the numpy that PL/Python uses); both train RMSEs
are printed (they agree to ~1e-9). Netflix-shaped: ``--netflix-ratings`` ratings (default 10M)
of many users x ~20k items (skewed item popularity), generated in SQL:
seconds per iteration, packing seconds and the training backend's peak
private memory (RssAnon, sampled every 20 ms) and its peak resident memory (VmHWM, which also counts
the shared buffers it touched) from /proc (the server must run on this host).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
sys.path.insert(0, str(PROJECT))
from plpython import als  # noqa: E402


def synthetic(n_users, n_items, n_ratings, seed=0):
    """(user, item, rating) rows from a rank-5 model plus noise; ratings rounded to 1..5."""
    rng = np.random.default_rng(seed)
    P, Q = rng.normal(0, 0.5, (n_users, 5)), rng.normal(0, 0.5, (n_items, 5))
    pop = 1.0 / np.arange(1, n_items + 1) ** 0.8          # Zipf-like item popularity
    u = rng.integers(0, n_users, int(n_ratings * 1.25))
    i = rng.permutation(n_items)[rng.choice(n_items, len(u), p=pop / pop.sum())]
    pairs = np.unique(u.astype(np.int64) * n_items + i)
    pairs = np.sort(rng.permutation(pairs)[:n_ratings])
    u, i = pairs // n_items, pairs % n_items
    r = np.clip(np.rint(3.5 + (P[u] * Q[i]).sum(1) + rng.normal(0, 0.8, len(u))), 1, 5)
    return np.column_stack([u + 1, i + 1, r]).astype(np.int64)


def numpy_als(R, rank, lam, iters, seed):
    """Plain numpy ALS-WR (biases, weighted λ), the same model and initial factors as als_train.
    -> (seconds per iteration, train RMSE)."""
    users, items = np.unique(R[:, 0]), np.unique(R[:, 1])
    ui, ii, r = np.searchsorted(users, R[:, 0]), np.searchsorted(items, R[:, 1]), R[:, 2].astype(float)
    mu = r.mean()
    V = als.initial_factors([str(x) for x in items], rank, seed)

    def half(n, own, other_idx, other):
        order = np.argsort(own, kind="stable")
        bounds = np.searchsorted(own[order], np.arange(n + 1))
        out, sse = np.zeros((n, rank + 1)), 0.0
        for a in range(n):
            sel = order[bounds[a]:bounds[a + 1]]
            O = other[other_idx[sel]]
            F = O.copy()
            F[:, rank] = 1.0
            t = r[sel] - mu - O[:, rank]
            out[a] = np.linalg.solve(F.T @ F + lam * len(sel) * np.eye(rank + 1), F.T @ t)
            sse += ((t - F @ out[a]) ** 2).sum()
        return out, sse

    times = []
    for _ in range(iters):
        t = time.perf_counter()
        U, _ = half(len(users), ui, ii, V)
        V, sse = half(len(items), ii, ui, U)
        times.append(time.perf_counter() - t)
    return statistics.median(times), float(np.sqrt(sse / len(r)))


def numpy_als_in(python, R, rank, lam, iters, seed, tmp):
    """numpy_als run by another interpreter (the server's python3: the numpy PL/Python uses)."""
    np.save(tmp, R)
    code = (f"import sys, json, numpy as np; sys.path.insert(0, {str(PROJECT / 'bench')!r}); import als; "
            f"print(json.dumps(als.numpy_als(np.load({str(tmp)!r}), {int(rank)}, {float(lam)!r}, {int(iters)}, "
            f"{int(seed)})))")
    return json.loads(subprocess.run([python, "-c", code], check=True, capture_output=True, text=True).stdout)


def load(conn, table, R):
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} (user_id int, item_id int, rating float8)")
    with conn.cursor().copy(f"COPY {table} (user_id, item_id, rating) FROM STDIN WITH (FORMAT binary)") as cp:
        cp.set_types(["int4", "int4", "float8"])
        for u, i, r in R.tolist():
            cp.write_row((u, i, float(r)))
    conn.execute(f"ANALYZE {table}")


def train(conn, table, out, rank, lam, iters):
    conn.execute(f"DROP TABLE IF EXISTS {out}, {out}_users, {out}_items")
    t = time.perf_counter()
    conn.execute(f"SELECT indb_ml.als_train('{table}', 'user_id', 'item_id', 'rating', '{out}', rank => {int(rank)}, "
                 f"lambda => {float(lam)!r}, max_iter => {int(iters)}, tolerance => 0)")
    total = time.perf_counter() - t
    hist = conn.execute("SELECT i.elapsed_ms, i.loss FROM indb_ml.model_iterations i JOIN indb_ml.models m "
                        "USING (model_id) WHERE m.name = %s ORDER BY i.iteration", [f"public.{out}"]).fetchall()
    pack_ms = conn.execute("SELECT (metrics->>'pack_ms')::float8 FROM indb_ml.models WHERE name = %s",
                           [f"public.{out}"]).fetchone()[0]
    return {"seconds_per_iteration": statistics.median(h[0] for h in hist) / 1000.0, "train_rmse": hist[-1][1],
            "total_seconds": total, "pack_seconds": (pack_ms or 0.0) / 1000.0}


def peak_rss_mb(conn):
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024.0


def connect(dsn):
    from common import connect as c
    return c(dsn)


def netflix(dsn, n_ratings, n_users, n_items, rank, lam, iters):
    with connect(dsn) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_netflix")
        t = time.perf_counter()
        # item popularity skewed (a power of a uniform), users uniform; duplicate pairs are averaged by als_train
        conn.execute(f"""
            CREATE TABLE bench_netflix AS
            SELECT u AS user_id, i AS item_id,
                   least(5, greatest(1, round(3.5 + ((u * 7 + i * 13) % 5 - 2) * 0.5 + (random() - 0.5) * 2)))::float8
                       AS rating
            FROM (SELECT 1 + (random() * ({int(n_users)} - 1))::int AS u,
                         1 + (power(random(), 2.5) * ({int(n_items)} - 1))::int AS i
                  FROM generate_series(1, {int(n_ratings)})) AS g""")
        conn.execute("ANALYZE bench_netflix")
        make_s = time.perf_counter() - t
    with connect(dsn) as conn:           # a fresh backend: its peak memory is the training's
        from datapath_bench import PeakRss     # RssAnon sampled every 20 ms: the backend's private memory
        with PeakRss(conn.execute("SELECT pg_backend_pid()").fetchone()[0]) as anon:
            res = train(conn, "bench_netflix", "bench_netflix_als", rank, lam, iters)
        # VmHWM also counts the shared buffers the backend touched (up to shared_buffers)
        res["peak_backend_rss_mb"] = peak_rss_mb(conn)
        res["peak_backend_anon_mb"] = anon.peak / 2 ** 20
        res["ratings"], res["users"], res["items"] = conn.execute(
            "SELECT num_ratings, num_users, num_items FROM bench_netflix_als").fetchone()
        res["make_table_seconds"] = make_s
        conn.execute("DROP TABLE bench_netflix, bench_netflix_als, bench_netflix_als_users, bench_netflix_als_items")
    return res


def bench(dsn, rank, lam, iters, netflix_ratings, netflix_users, netflix_items, netflix_iters,
          server_python="/usr/bin/python3"):
    R = synthetic(6040, 3706, 1_000_000)
    with connect(dsn) as conn:
        load(conn, "bench_als_1m", R)
        ours = train(conn, "bench_als_1m", "bench_als_1m_fit", rank, lam, iters)
    import tempfile
    ref_s, ref_rmse = numpy_als_in(server_python, R, rank, lam, iters, 0, Path(tempfile.mkdtemp()) / "r.npy")
    out = {"ratings_1m": len(R), "rank": rank, "iterations": iters, "indb": ours,
           "numpy_python": server_python, "numpy_seconds_per_iteration": ref_s, "numpy_train_rmse": ref_rmse,
           "ratio_to_numpy": ours["seconds_per_iteration"] / ref_s}
    if netflix_ratings:
        out["netflix"] = netflix(dsn, netflix_ratings, netflix_users, netflix_items, rank, lam, netflix_iters)
    return out


def print_table(out):
    o = out["indb"]
    print(f"\nALS rank {out['rank']} on {out['ratings_1m']} ratings (6,040 x 3,706), {out['iterations']} iterations:")
    print(f"  in-database  {o['seconds_per_iteration']:.3f} s/iteration, train RMSE {o['train_rmse']:.6f} "
          f"(packing {o['pack_seconds']:.2f} s, total {o['total_seconds']:.2f} s)")
    print(f"  plain numpy  {out['numpy_seconds_per_iteration']:.3f} s/iteration, train RMSE "
          f"{out['numpy_train_rmse']:.6f} ({out['numpy_python']}: the numpy PL/Python runs)")
    print(f"  ratio {out['ratio_to_numpy']:.2f} (target <= 1.5)")
    if "netflix" in out:
        n = out["netflix"]
        print(f"Netflix-shaped: {n['ratings']} ratings, {n['users']} users x {n['items']} items: "
              f"{n['seconds_per_iteration']:.2f} s/iteration, packing {n['pack_seconds']:.1f} s, total "
              f"{n['total_seconds']:.1f} s, peak backend private memory (RssAnon) {n['peak_backend_anon_mb']:.0f} MB, "
              f"peak RSS with the shared buffers it touched {n['peak_backend_rss_mb']:.0f} MB")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dsn")
    ap.add_argument("--rank", type=int, default=10)
    ap.add_argument("--lam", type=float, default=0.05)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--netflix-ratings", type=int, default=10_000_000)
    ap.add_argument("--netflix-users", type=int, default=200_000)
    ap.add_argument("--netflix-items", type=int, default=20_000)
    ap.add_argument("--netflix-iters", type=int, default=3)
    ap.add_argument("--server-python", default="/usr/bin/python3",
                    help="the interpreter whose numpy PL/Python uses, for the numpy reference")
    args = ap.parse_args(argv)
    from common import server
    with server(args.dsn) as dsn:
        out = bench(dsn, args.rank, args.lam, args.iters, args.netflix_ratings, args.netflix_users,
                    args.netflix_items, args.netflix_iters, args.server_python)
    print_table(out)
    return out


if __name__ == "__main__":
    main()
