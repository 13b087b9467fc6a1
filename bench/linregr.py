#!/usr/bin/env python3
"""Linear regression on 1M rows x 20 features: bare scan vs prepare vs training.

Prints medians of 3 and their ratios to a bare ``SELECT sum(x[2])`` scan of
the same table, measured in the same run. Reference anchor (not measured
here): Apache MADlib 2.1 ``linregr_train`` takes 1.6-2.4 s on this machine
class for such a table.

    python bench/linregr.py [--dsn DSN] [--rows 1000000]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import connect, server, timed  # noqa: E402

MADLIB_SECONDS = (1.6, 2.4)


def make_table(conn, rows: int, features: int = 20) -> None:
    conn.execute("DROP TABLE IF EXISTS bench_linregr")
    conn.execute("SELECT setseed(0.42)")
    beta = ", ".join(f"{(i % 7) - 3.0 + 0.25 * i}" for i in range(features + 1))
    conn.execute(f"""
        CREATE TABLE bench_linregr AS
        SELECT id, x, (SELECT sum(v * b) FROM unnest(x, ARRAY[{beta}]::float8[]) AS t(v, b)) + noise AS y
        FROM (SELECT id, ARRAY[1::float8] || ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, {features})
                                                   WHERE id > 0) AS x,
                     random() - 0.5 AS noise
              FROM generate_series(1, {rows}) AS id) AS s""")
    conn.execute("VACUUM ANALYZE bench_linregr")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dsn", help="superuser DSN of a database with indb_ml installed (default: a throwaway cluster)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with server(args.dsn) as dsn, connect(dsn) as conn:
        print(f"generating {args.rows} rows x 20 features (+ intercept column) ...", flush=True)
        make_table(conn, args.rows)

        scan, _ = timed(lambda: conn.execute("SELECT sum(x[2]) FROM bench_linregr").fetchone(), args.repeat)

        def prepare():
            conn.execute("SELECT indb_ml.drop_prepared('bench_linregr')")
            conn.execute("SELECT indb_ml.prepare('bench_linregr', 'y', 'x')")
        prep, _ = timed(prepare, args.repeat)
        table = conn.execute("SELECT table_name, n_blocks FROM indb_ml.prepared_data "
                             "ORDER BY prepared_id DESC LIMIT 1").fetchone()

        def agg_pass():
            conn.execute(f"SELECT indb_ml.linregr_agg(x, y, n) FROM indb_ml_data.{table[0]}").fetchone()
        one_pass, _ = timed(agg_pass, args.repeat)

        def train():
            conn.execute("DROP TABLE IF EXISTS bench_linregr_model, bench_linregr_model_summary")
            conn.execute("SELECT indb_ml.linregr_train('bench_linregr', 'bench_linregr_model', 'y', 'x')")
        fit, _ = timed(train, args.repeat)
        reused = conn.execute("SELECT reused_prepared_data FROM bench_linregr_model_summary").fetchone()[0]
        workers = conn.execute("SHOW max_parallel_workers_per_gather").fetchone()[0]
        plan = "\n".join(r[0] for r in conn.execute(
            f"EXPLAIN SELECT indb_ml.linregr_agg(x, y, n) FROM indb_ml_data.{table[0]}").fetchall())

    print(f"\n{'step':<52}{'median s':>10}{'x scan':>9}")
    print(f"{'bare scan: SELECT sum(x[2])':<52}{scan:>10.3f}{1.0:>9.2f}")
    print(f"{'prepare (pack into ' + str(table[1]) + ' blocks)':<52}{prep:>10.3f}{prep / scan:>9.2f}")
    print(f"{'one aggregate pass over the blocks (XtX, Xty)':<52}{one_pass:>10.3f}{one_pass / scan:>9.2f}")
    print(f"{'linregr_train on prepared data (reused=' + str(reused) + ')':<52}{fit:>10.3f}{fit / scan:>9.2f}")
    print(f"\nmax_parallel_workers_per_gather={workers}; plan of the pass: "
          f"{'parallel (Partial Aggregate)' if 'Partial Aggregate' in plan else 'serial'}")
    lo, hi = MADLIB_SECONDS
    print(f"anchor: Apache MADlib linregr_train {lo}-{hi} s on this machine class (not measured here): "
          f"training here is {fit / hi:.2f}-{fit / lo:.2f}x of it; prepare is {prep / scan:.1f}x a bare scan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
