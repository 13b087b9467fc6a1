#!/usr/bin/env python3
"""The reuse check of prepared data: the fingerprint's data scan vs the former ones vs a bare count.

A packed copy is reused only after one scan of the source (plpython/fingerprint.py): row count and
sum of xmin through ``xid_bits(xmin)`` (the xid's bits as int4: parallel safe, no lock; the last
ctid comes from the tail pages). Before, the scan summed ``mxid_age(xmin)`` (a lock per row), before
that ``age(xmin)`` (parallel restricted) and ``max(ctid)``, and first ``xmin::text::bigint``. Prints
best-of-N times (serial and with parallel workers) and ratios to ``count(*)``, all measured in the
same run, plus a whole reuse (``prepare`` of an unchanged source) against packing afresh.

    python bench/fingerprint.py [--dsn DSN] [--rows 2000000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import connect, server  # noqa: E402

SCANS = {
    "count(*)": "SELECT count(*) FROM bench_fp",
    "now: count(*), sum(xid_bits(xmin))": "SELECT count(*), sum(indb_ml.xid_bits(xmin)) FROM bench_fp",
    "before: count(*), sum(mxid_age(xmin))": "SELECT count(*), sum(mxid_age(xmin)) FROM bench_fp",
    "earlier: + sum(age(xmin)), max(ctid)": "SELECT count(*), sum(age(xmin)::int8) - count(*) * age('3'::xid)::int8, "
                                            "max(ctid) FROM bench_fp",
    "first: + sum(xmin::text::bigint)": "SELECT count(*), sum(xmin::text::bigint), max(ctid) FROM bench_fp",
}


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dsn", help="superuser DSN of a database with indb_ml installed (default: a throwaway cluster)")
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with server(args.dsn) as dsn, connect(dsn) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_fp")
        conn.execute(f"CREATE TABLE bench_fp AS SELECT g AS id, random() AS a, random() AS b, random() AS y "
                     f"FROM generate_series(1, {args.rows}) g")
        conn.execute("VACUUM ANALYZE bench_fp")
        print(f"{args.rows} rows; best of {args.repeat}\n")
        print(f"{'scan':<42}{'serial s':>10}{'x count':>9}{'parallel s':>12}{'x count':>9}")
        res = {}
        conn.execute("SET jit = off")
        for workers in (0, 2):
            conn.execute(f"SET max_parallel_workers_per_gather = {workers}")
            for name, q in SCANS.items():
                res[(name, workers)] = best(lambda: conn.execute(q).fetchall(), args.repeat)
        base0, base2 = res[(next(iter(SCANS)), 0)], res[(next(iter(SCANS)), 2)]
        for name in SCANS:
            s, p = res[(name, 0)], res[(name, 2)]
            print(f"{name:<42}{s:>10.3f}{s / base0:>9.2f}{p:>12.3f}{p / base2:>9.2f}")
        conn.execute("RESET max_parallel_workers_per_gather")

        def pack():
            conn.execute("SELECT indb_ml.drop_prepared('bench_fp')")
            conn.execute("SELECT indb_ml.prepare('bench_fp', 'y', 'ARRAY[a, b]')")
        fresh = best(pack, max(1, args.repeat // 2))
        reuse = best(lambda: conn.execute("SELECT indb_ml.prepare('bench_fp', 'y', 'ARRAY[a, b]')"), args.repeat)
        print(f"\nprepare, packing afresh: {fresh:.3f} s; prepare of the unchanged source (reuse): {reuse:.3f} s "
              f"= {reuse / fresh:.2f}x")
        conn.execute("SELECT indb_ml.drop_prepared('bench_fp')")
        conn.execute("DROP TABLE bench_fp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
