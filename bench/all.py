"""``make bench``: every benchmark on one throwaway server, then one table of every figure.

    python bench/all.py [--dsn DSN] [--only datapath,graph] [SCRIPT ARGS after --]

Each script in SCRIPTS runs as its own process with ``--dsn`` and adds its rows through
bench/report.py (the file named by INDB_ML_BENCH_REPORT); its own output passes through.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(1, str(HERE))

# script -> arguments that keep the whole run under 10 minutes on a 2-core machine
SCRIPTS = {
    "datapath": [],
    "factorization": [],
    "graph": [],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dsn", help="a database with indb_ml installed (default: a throwaway local cluster)")
    ap.add_argument("--only", help="comma-separated subset of " + ", ".join(SCRIPTS))
    args = ap.parse_args()
    names = args.only.split(",") if args.only else list(SCRIPTS)
    from common import cpu_times, server, startup_row, steal_share
    from report import ENV as ENV_REPORT
    from report import add, load, print_table

    report_file = Path(tempfile.mkdtemp(prefix="indb_ml_bench_report_")) / "rows.jsonl"
    env = dict(os.environ, INDB_ML_BENCH_REPORT=str(report_file))
    t0 = time.perf_counter()
    failed = []
    with server(args.dsn) as dsn:
        os.environ[ENV_REPORT] = str(report_file)
        startup_row(dsn)
        for name in names:
            print(f"\n== bench/{name}.py", flush=True)
            before = cpu_times()
            rc = subprocess.call([sys.executable, str(HERE / f"{name}.py"), "--dsn", dsn, *SCRIPTS[name]], env=env)
            if rc:
                failed.append(name)
            steal = steal_share(before, cpu_times())
            if steal is not None:
                add(f"CPU time taken by other guests (steal) during bench/{name}.py", None, 100 * steal, "%",
                    "context", None, "machine", "from /proc/stat; 0 on a dedicated machine")
    print(f"\n== all benchmarks: {time.perf_counter() - t0:.0f} s\n")
    print_table(load(str(report_file)))
    if failed:
        sys.exit(f"bench: {', '.join(failed)} failed")


if __name__ == "__main__":
    main()
