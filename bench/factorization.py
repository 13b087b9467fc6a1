"""Benchmarks of the factorisation module: ALS (bench/als.py) and k-means (bench/kmeans.py), one server.

    python bench/factorization.py                 # a throwaway local cluster
    python bench/factorization.py --dsn "host=... dbname=..."
    python bench/factorization.py --quick         # smaller tables (minutes -> a minute)

Each part prints its table; ``--json`` also dumps every figure.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import als  # noqa: E402
import kmeans  # noqa: E402
from common import server  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dsn", help="an existing database with indb_ml installed (default: a throwaway cluster)")
    ap.add_argument("--skip", choices=["als", "kmeans"], action="append", default=[])
    ap.add_argument("--quick", action="store_true", help="smaller k-means tables, a 1M-rating Netflix-shaped table")
    ap.add_argument("--before", help="a checkout whose k-means to compare (installed in schema indb_ml_before)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = {}
    with server(args.dsn) as dsn:
        if "als" not in args.skip:
            result["als"] = als.bench(dsn, 10, 0.05, 5, 1_000_000 if args.quick else 10_000_000,
                                      20_000 if args.quick else 200_000, 20_000, 3)
            als.print_table(result["als"])
        if "kmeans" not in args.skip:
            if args.before:
                kmeans.install_before(dsn, args.before)
            with kmeans.connect(dsn) as conn:
                result["kmeans"] = kmeans.bench(conn, 200_000 if args.quick else 1_000_000, 20, 10, 5, 20,
                                                args.before, 100, 100_000 if args.quick else 200_000,
                                                50_000 if args.quick else 200_000)
            kmeans.print_table(result["kmeans"])
    if args.json:
        print(json.dumps(result, indent=2, default=float))
    return result


if __name__ == "__main__":
    main()
