"""What a fresh process pays before its first block: new backends and parallel workers (issue 10).

    python bench/first_call.py [--root DIR] [--repeat 9]

A parallel worker is a fresh process on every pass, and so is a new connection's backend: each
starts PL/Python and loads the kernels its first call needs. Measured here, medians of --repeat:
a trivial PL/Python function's first call in a new connection (PL/Python's own start: with the
preload library, only what the postmaster has not done), glm_pass's first call on one block in a
new connection (plus loading the logistic kernels), and a pass forced onto 2 parallel workers over
40 tiny blocks with the leader not participating (the fixed cost of a parallel pass). ``--root``
runs another checkout's server and code instead (its indb_ml package, preload library and SQL), so
two checkouts compare by running this twice, one after the other, each on its own throwaway cluster.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def first_calls(dsn: str, repeat: int) -> dict:
    import numpy as np
    import psycopg

    task = (np.concatenate([[0, 2, 20, 1, 0, 0, 0, 0, 0], np.full(20, 0.01)])).astype("<f8").tobytes()
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("CREATE OR REPLACE FUNCTION public.bench_trivial() RETURNS int LANGUAGE plpython3u AS 'return 1'")
        c.execute("DROP TABLE IF EXISTS bench_blocks")
        c.execute("CREATE TABLE bench_blocks AS SELECT 10 AS n, decode(repeat('3f', 8 * 20 * 10), 'hex') AS x, "
                  "decode(repeat('00', 8 * 10), 'hex') AS y FROM generate_series(1, 40)")
    calls = {"trivial PL/Python function, first call in a new connection": ("SELECT public.bench_trivial()", None),
             "glm_pass on one block, first call in a new connection":
                 ("SELECT indb_ml.glm_pass(x, y, n, 0, %s) FROM bench_blocks LIMIT 1", [task])}
    out = {k: [] for k in calls}
    out["pass over 40 tiny blocks forced onto 2 workers (leader off)"] = []
    for _ in range(repeat):
        for name, (sql, params) in calls.items():
            with psycopg.connect(dsn, autocommit=True) as c:
                c.execute("SELECT 1")
                t = time.perf_counter()
                c.execute(sql, params).fetchall()
                out[name].append(time.perf_counter() - t)
    with psycopg.connect(dsn, autocommit=True) as c:
        for s in ("parallel_setup_cost = 0", "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0",
                  "max_parallel_workers_per_gather = 2", "parallel_leader_participation = off", "jit = off"):
            c.execute(f"SET {s}")
        sql = "SELECT indb_ml.glm_pass(x, y, n, 0, %s) FROM bench_blocks"
        c.execute(sql, [task]).fetchall()
        for _ in range(repeat):
            t = time.perf_counter()
            c.execute(sql, [task]).fetchall()
            out["pass over 40 tiny blocks forced onto 2 workers (leader off)"].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=HERE.parent, help="the checkout whose server and code to run")
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    sys.path.insert(1, str(HERE))
    from common import server

    import indb_ml
    assert Path(indb_ml.__file__).resolve().is_relative_to(args.root.resolve()), indb_ml.__file__
    with server(None) as dsn:
        got = first_calls(dsn, args.repeat)
    print(f"checkout {args.root.resolve()}: medians of {args.repeat}")
    for name, secs in got.items():
        print(f"  {name:62s} {secs * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
