"""The sufficient statistics stored at packing: what they cost there and what they save per fit (1M x 20).

    python bench/suffstats.py [--dsn DSN] [--rows 1000000] [--rounds 7]

On one packed copy, the same fits with the stored statistics (the default) and through the passes
(``SET indb_ml.sufficient_stats = off``), interleaved round by round so the machine's drift lands on
both alike; every figure is the median over the rounds, and its ratio is to the bare scan
(``SELECT sum(x[2])``) timed in the same round. Also: reading the statistics alone (one
``suffstats_agg`` over the packed table, no workers), the linregr pass it replaces, and the
per-block numpy cost of ``f8_clean`` with the statistics (``suffstats.clean_block``) and without
(``blocks.clean``), in this process's numpy. Without --dsn a throwaway local cluster is started.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))   # this checkout's indb_ml installs the server
sys.path.insert(1, str(HERE))
GROUP = "stored statistics"


def _secs(c, sql, params=None):
    t0 = time.perf_counter()
    c.execute(sql, params)
    return time.perf_counter() - t0


def kernel_costs(rows=1014, d=20, calls=2000):
    """Per-block µs (10th percentile) of f8_clean's numpy with and without the statistics."""
    from datapath_bench import kernel
    root = HERE.parent
    blocks, suffstats = kernel(root, "blocks", "ss"), kernel(root, "suffstats", "ss")
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(rows, d)).tobytes()
    y = (rng.random(rows) < 0.5).astype(float).tobytes()
    out = {}
    for name, fn in (("without", blocks.clean), ("with", suffstats.clean_block)):
        runs = []
        for _ in range(calls):
            t0 = time.perf_counter()
            fn(x, y, rows)
            runs.append(time.perf_counter() - t0)
        out[name] = float(np.percentile(runs, 10)) * 1e6
    return out


def run(dsn, rows, rounds):
    import psycopg

    from datapath_bench import make_table
    from report import add, print_table

    c = psycopg.connect(dsn, autocommit=True)
    c.execute("SET jit = off")   # as every pass sets it (passes.PASS_SETTINGS)
    table = "bench_ss"
    make_table(c, table, rows)
    c.execute("SELECT indb_ml.drop_prepared(%s)", [table])
    c.execute("SELECT indb_ml.prepare(%s, 'y', 'x')", [table])
    packed, = c.execute("SELECT 'indb_ml_data.' || quote_ident(table_name) FROM indb_ml.prepared_data "
                        "WHERE source_table = %s ORDER BY prepared_id DESC LIMIT 1", [f"public.{table}"]).fetchone()
    heap, toast = c.execute("SELECT pg_relation_size(c.oid), pg_relation_size(c.reltoastrelid) FROM pg_class c "
                            "WHERE c.oid = %s::regclass", [packed]).fetchone()
    irls = f"SELECT indb_ml.logregr_train('{table}', 'bench_ss_m', 'y', 'x', NULL, 20, 'irls', 1e-4)"
    lin = f"SELECT indb_ml.linregr_train('{table}', 'bench_ss_m', 'y', 'x')"
    figures = {
        "reading the stored statistics (suffstats_agg, no workers)":
            lambda: _secs(c, f"SELECT indb_ml.suffstats_agg(stats) FROM {packed} WHERE n > 0"),
        "the linregr pass it replaces (linregr_agg, default workers)":
            lambda: _secs(c, f"SELECT indb_ml.linregr_agg(x, y, n) FROM {packed} WHERE n > 0"),
    }
    first_ms = {"on": [], "off": []}   # IRLS's first iteration as the fit recorded it (model_iterations)
    for name, call in (("logistic IRLS refit", irls), ("linregr refit", lin)):
        for setting in ("on", "off"):
            def fit(call=call, setting=setting, name=name):
                c.execute("DROP TABLE IF EXISTS bench_ss_m, bench_ss_m_summary")
                c.execute(f"SET indb_ml.sufficient_stats = {setting}")
                try:
                    return _secs(c, call)
                finally:
                    c.execute("RESET indb_ml.sufficient_stats")
                    if name.startswith("logistic"):
                        first_ms[setting].append(c.execute(
                            "SELECT i.elapsed_ms FROM indb_ml.model_iterations i JOIN indb_ml.models m USING "
                            "(model_id) WHERE m.name = 'public.bench_ss_m' AND i.iteration = 1").fetchone()[0])
            figures[f"{name}, {'stored statistics' if setting == 'on' else 'passes only'}"] = fit
    for f in figures.values():   # warm up: every fit once (model tables, plans, caches)
        f()
    times = {k: [] for k in figures}
    ratios = {k: [] for k in figures}
    for _ in range(rounds):
        scan = _secs(c, f"SELECT sum(x[2]) FROM {table}")
        for k, f in figures.items():
            if k.startswith("reading"):
                c.execute("SET max_parallel_workers_per_gather = 0")
            secs = f()
            c.execute("RESET max_parallel_workers_per_gather")
            times[k].append(secs)
            ratios[k].append(secs / scan)
    add(f"packed table {rows // 1000}k x 20: heap (block rows + statistics) / TOAST (x, y)", None, None, "", "",
        None, GROUP, f"{heap / 2 ** 20:.1f} MB / {toast / 2 ** 20:.1f} MB")
    for k in figures:
        add(k, statistics.median(times[k]), statistics.median(ratios[k]), "scans", "", None, GROUP)
    on, off = statistics.median(first_ms["on"]) / 1e3, statistics.median(first_ms["off"]) / 1e3
    add("logistic IRLS iteration 1 (w = 0): stored statistics / its Hessian pass", on, on / off, "x the pass", "",
        None, GROUP, f"{on * 1e3:.0f} / {off * 1e3:.0f} ms (elapsed_ms recorded by the fits)")
    k = kernel_costs()
    add("f8_clean per 1,014 x 20 block, numpy: with / without the statistics", k["with"] * 1e-6,
        k["with"] / k["without"], "x without", "", None, GROUP,
        f"{k['with']:.0f} / {k['without']:.0f} µs (this process's numpy)")
    print_table()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dsn")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    from common import server
    with server(args.dsn) as dsn:
        run(dsn, args.rows, args.rounds)


if __name__ == "__main__":
    main()
