"""Benchmark: one k-means Lloyd pass (k = 10, 1M x 20) against a bare scan, interleaved with another checkout's.

    python bench/kmeans_pass.py --before /work/main [--reps 8] [--rows 1000000]

The pass is ``kmeans_step_agg`` over the packed blocks as the driver runs it (one-shot SQL, the pass
settings: JIT off, the leader taking blocks, 2 workers), for this checkout's kernel and for the
``--before`` checkout's (installed in schema ``indb_ml_before``), and each also with 0 workers (a
pass planned from ``plpy.prepare``, as k-means' passes were until turn 5, never runs in parallel).
Cases alternate rep by rep so the machine's drift lands on all of them. Per case: median wall time,
in bare scans (``SELECT sum(x[2])``, 2 workers + the leader) of the same run, and the mean CPU time
of all its processes (the backend's ``/proc/<pid>/schedstat`` plus the workers', which the postmaster
reaps: its ``cutime + cstime``) - the figure the machine's load disturbs least.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(1, str(HERE))
from common import connect, server  # noqa: E402
from kmeans import install_before, make_blobs  # noqa: E402


def _cpu(pid, postmaster):
    """Seconds of CPU of the backend and of the postmaster's reaped children (the parallel workers)."""
    own = int(open(f"/proc/{pid}/schedstat").read().split()[0]) / 1e9
    f = open(f"/proc/{postmaster}/stat").read().rsplit(")", 1)[1].split()
    return own + (int(f[13]) + int(f[14])) / os.sysconf("SC_CLK_TCK")


def bench(conn, rows, reps, before):
    make_blobs(conn, "bench_kmp_points", rows, 20, 10)
    conn.execute("SELECT indb_ml.prepare('bench_kmp_points', NULL, 'x')")
    packed = conn.execute("SELECT table_name FROM indb_ml.prepared_data "
                          "WHERE source_oid = 'bench_kmp_points'::regclass").fetchone()[0]
    C = np.array([r[0] for r in conn.execute("SELECT x FROM bench_kmp_points ORDER BY id LIMIT 10")], dtype="<f8")
    cents = C.tobytes().hex()                 # one row of each blob: centroids near the blob means
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    data_dir = conn.execute("SELECT current_setting('data_directory')").fetchone()[0]
    try:
        postmaster = int(open(Path(data_dir) / "postmaster.pid").readline())
        _cpu(pid, postmaster)
    except OSError:
        postmaster = None                       # a server on another machine: wall time only
    conn.execute("SET jit = off; SET parallel_leader_participation = on")
    cases = {"bare scan": ("SELECT sum(x[2]) FROM bench_kmp_points", 2)}
    for label, schema in [("this checkout", "indb_ml")] + ([("before", "indb_ml_before")] if before else []):
        q = (f"SELECT {schema}.kmeans_step_agg(p.x, p.n, decode('{cents}', 'hex'), 10) "
             f"FROM indb_ml_data.{packed} AS p WHERE p.n > 0")
        cases[f"{label}, 2 workers"] = (q, 2)
        cases[f"{label}, 0 workers"] = (q, 0)
    res = {name: ([], []) for name in cases}
    for _ in range(reps):
        for name, (q, workers) in cases.items():
            conn.execute(f"SET max_parallel_workers_per_gather = {workers}")
            c0 = _cpu(pid, postmaster) if postmaster else 0.0
            t0 = time.perf_counter()
            conn.execute(q).fetchall()
            res[name][0].append(time.perf_counter() - t0)
            res[name][1].append((_cpu(pid, postmaster) - c0) if postmaster else float("nan"))
    scan = statistics.median(res["bare scan"][0])
    print(f"k-means Lloyd pass, k = 10, {rows} x 20; medians of {reps}, interleaved; bare scan {scan:.3f} s")
    for name, (wall, cpu) in res.items():
        w = statistics.median(wall)
        print(f"  {name:28s} {w:6.3f} s = {w / scan:5.2f} bare scans   CPU {statistics.mean(cpu):6.3f} s")
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dsn", help="an existing database with indb_ml installed (default: a throwaway cluster)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=8)
    ap.add_argument("--before", help="a checkout whose kernel to compare (installed in schema indb_ml_before)")
    args = ap.parse_args(argv)
    with server(args.dsn) as dsn:
        if args.before:
            install_before(dsn, args.before)
        with connect(dsn) as conn:
            bench(conn, args.rows, args.reps, args.before)


if __name__ == "__main__":
    main()
