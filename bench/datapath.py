"""Data path benchmark: packing, passes, first fits and refits, parallel workers (1M and 4M x 20).

    python bench/datapath.py [--dsn DSN] [--rows 1000000] [--big-rows 4000000] [--repeat 3]
                             [--before DIR] [--only packing|passes]

Every figure is the median of ``--repeat`` runs and is reported as a ratio to a reference measured
in the same run: a bare scan of the same rows (``SELECT sum(x[2])``, run again between each figure's
own runs - before the first, between each two, after the last - and its median taken, since a shared
machine's speed drifts within a minute), or COPY (binary) export + scikit-learn. Rows go to bench/report.py's table. ``--before DIR`` also installs another
checkout's code (e.g. the main branch before a change) as schema ``indb_before`` on the same
server and measures every figure with it too, interleaved with this checkout's, against the same
references; its passes are timed the way its drivers ran them (``GROUP BY part``, default
settings, or passes.py's settings when it has one). ``--only packing`` measures the bare scans and the
1M / 4M packing only (the same figures, the same references); ``--only passes`` the bare scans, the
1M gradient and Hessian passes, the logistic IRLS refit and the 4M passes with 0 and 2 workers, and
with the drivers' own count when it differs (what the pass path decides; the packings it needs are
not timed). Without --dsn a throwaway local cluster is started.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
GROUP = "data path"

from datapath_bench import D, Bench, Paced, PeakRss, make_table, timed  # noqa: E402

def scan_workers(c, table):
    """The reference scan's parallelism, as EXPLAIN ANALYZE shows it (server defaults, as timed)."""
    plan = [r[0] for r in c.execute(f"EXPLAIN (ANALYZE, COSTS OFF) SELECT sum(x[2]) FROM {table}").fetchall()]
    launched = next((int(line.split(":")[1]) for line in plan if "Workers Launched" in line), 0)
    return f"SELECT sum(x[2]): {launched} parallel workers + leader" if launched else "SELECT sum(x[2]): no workers"


def scan_by_workers(c, table, repeat):
    """Medians of the bare scan with 0 and with 2 workers, alternating run by run."""
    runs = {0: [], 2: []}
    try:
        for _ in range(repeat):
            for w in runs:
                c.execute(f"SET max_parallel_workers_per_gather = {w}")
                t0 = time.perf_counter()
                c.execute(f"SELECT sum(x[2]) FROM {table}").fetchall()
                runs[w].append(time.perf_counter() - t0)
    finally:
        c.execute("RESET max_parallel_workers_per_gather")
    return statistics.median(runs[0]), statistics.median(runs[2])


def export_and_sklearn(c, table):
    """COPY (binary) export into numpy (bench/export.py: parsed by numpy, no per-value Python), then
    scikit-learn's logistic regression."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from export import copy_to_numpy

    t0 = time.perf_counter()
    X, y = copy_to_numpy(c, table, D)
    export = time.perf_counter() - t0
    t0 = time.perf_counter()
    LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-4, max_iter=200).fit(X, y)
    return export, time.perf_counter() - t0


def run(dsn, rows, big_rows, repeat, benches, only=None):
    from report import add, print_table

    c = benches[0].c
    small, big = "bench_dp_1m", "bench_dp_4m"
    label = f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1000}k"
    big_label = f"{big_rows // 1_000_000}M" if big_rows >= 1_000_000 else f"{big_rows // 1000}k"
    make_table(c, small, rows)
    scan = benches[0].scan(small)

    def bare_scan():
        benches[0].q(f"SELECT sum(x[2]) FROM {small}")
    add(f"bare scan {label} x {D}", scan, 1.0, "scans", "reference", None, GROUP, scan_workers(c, small))
    if only == "packing":
        for b in benches:
            secs, here = Paced.around(bare_scan, lambda: timed(lambda: b.prepare(small), repeat))
            add(f"packing (prepare) {label}", secs, secs / here, "scans", "<= 8", secs / here <= 8, b.label)
            b.q(f"SELECT {b.s}.drop_prepared(%s)", [small])
        pack_4m(c, dsn, small, big, label, big_label, big_rows, scan, repeat, benches)
        for b in benches:
            b.q(f"SELECT {b.s}.drop_prepared(%s)", [big])
        print_table()
        return
    if only == "passes":
        passes_only(c, small, big, big_label, big_rows, repeat, benches)
        print_table()
        return
    exp_s, skl_s = export_and_sklearn(c, small)
    add("COPY (binary) export to numpy", exp_s, exp_s / scan, "scans", "reference", None, GROUP,
        "bench/export.py: parsed by numpy in one go (row by row through psycopg: 6.3-7.1 s)")
    add("scikit-learn logistic (lbfgs) on the export", skl_s, skl_s / scan, "scans", "reference", None, GROUP)
    ref = exp_s + skl_s

    def each(figure, measure, target=None, test=None, unit="scans", base=None, note=None):
        """Measure one figure with every checkout, one after the other. Unless another base is
        given, the ratio is to the median of bare scans run between the figure's runs (Paced)."""
        for b in benches:
            if base is not None:
                here, secs = base, measure(b)
            else:
                secs, here = Paced.around(bare_scan, lambda: measure(b))
            ratio = secs / here
            add(figure, secs, ratio, unit, target or "", None if test is None else test(ratio), b.label,
                note(b) if note else "")

    each(f"packing (prepare) {label}", lambda b: timed(lambda: b.prepare(small), repeat), "<= 8", lambda r: r <= 8)
    each("freshness check paid by a refit (prepare, reused)",
         lambda b: timed(lambda: b.q(f"SELECT {b.s}.prepare(%s, 'y', 'x')", [small]), repeat),
         "exact and cheap", None, note=lambda b: "fingerprint.py: one scan of the source")
    def pass_note(mode):
        return lambda b: b.workers_note(b.packed(small), mode) if b.workers is not None else ""
    each("gradient pass", lambda b: b.time_pass(b.packed(small), "grad"), "<= 1.2", lambda r: r <= 1.2,
         note=pass_note("grad"))
    each("Hessian pass", lambda b: b.time_pass(b.packed(small), "hess"), "<= 2", lambda r: r <= 2,
         note=pass_note("hess"))
    irls = "SELECT {s}.logregr_train(%s, 'bench_dp_m', 'y', 'x', NULL, 20, 'irls', 1e-4)"
    first = {}

    def irls_first(b):
        first[b.label] = b.train(irls, [small], True, small, "bench_dp_m")
        return first[b.label]
    each("logistic IRLS first fit (packs)", irls_first, "<= 15", lambda r: r <= 15)
    each("logistic IRLS refit", lambda b: b.train(irls, [small], False, small, "bench_dp_m"), "<= 6",
         lambda r: r <= 6)
    each("logistic IRLS first fit / (export + scikit-learn)", lambda b: first[b.label], "< 1", lambda r: r < 1,
         "x ref", ref)
    lin = "SELECT {s}.linregr_train(%s, 'bench_dp_m', 'y', 'x')"
    each("linregr first fit (packs)", lambda b: b.train(lin, [small], True, small, "bench_dp_m"), "<= 10",
         lambda r: r <= 10)
    each("linregr refit", lambda b: b.train(lin, [small], False, small, "bench_dp_m"), "<= 3", lambda r: r <= 3)
    # the same refits with the table tracked (track_changes: the freshness check reads the change log);
    # a checkout without change tracking has no such rows
    for b in benches:
        if b.q("SELECT to_regprocedure(%s) IS NOT NULL", [f"{b.s}.track_changes(regclass)"])[0][0]:
            b.q(f"SELECT {b.s}.track_changes(%s)", [small])
            b.prepare(small)                # the fingerprint's form changed: packs once more
            for query in (irls, lin):       # and each refit once untimed (its model table, its packing)
                b.train(query, [small], False, small, "bench_dp_m")
            check = lambda b: timed(lambda: b.q(f"SELECT {b.s}.prepare(%s, 'y', 'x')", [small]), repeat)  # noqa: E731
            for figure, measure in (
                    ("freshness check paid by a refit, tracked source (prepare, reused)", check),
                    ("logistic IRLS refit, tracked source",
                     lambda b: b.train(irls, [small], False, small, "bench_dp_m")),
                    ("linregr refit, tracked source", lambda b: b.train(lin, [small], False, small, "bench_dp_m"))):
                secs, here = Paced.around(bare_scan, lambda: measure(b))
                add(figure, secs, secs / here, "scans", "", None, b.label,
                    "change_log.py: an index read of source_changes, no scan" if "freshness" in figure else "")
            # a log with 1,000 write statements in it (zero-row UPDATEs: logged, the data unchanged)
            for _ in range(1000):
                b.q(f"UPDATE {small} SET y = y WHERE false")
            b.prepare(small)
            secs, here = Paced.around(bare_scan, lambda: check(b))
            add("freshness check paid by a refit, tracked source, 1,000 logged statements", secs, secs / here,
                "scans", "", None, b.label, "an index read of 1,000 change rows")
            b.q(f"SELECT {b.s}.untrack_changes(%s)", [small])
    pca = "SELECT {s}.pca_train(%s, 'bench_dp_m', NULL, 5, features => 'x')"
    each("PCA first fit (packs)", lambda b: b.train(pca, [small], True, small, "bench_dp_m"), "<= 10",
         lambda r: r <= 10)
    for b in benches:
        b.q(f"SELECT {b.s}.drop_prepared(%s)", [small])

    big_scan = pack_4m(c, dsn, small, big, label, big_label, big_rows, scan, repeat, benches)
    big_passes(c, big, big_label, big_scan, repeat, benches)
    for b in benches:
        b.q(f"SELECT {b.s}.drop_prepared(%s)", [big])
    print_table()


def big_passes(c, big, big_label, big_scan, repeat, benches):
    """The big table's gradient and Hessian passes with 0 and 2 workers (alternating runs), per checkout."""
    from report import add

    # what two workers give a plain scan of the 4M source on this machine: the ceiling a pass can reach
    scan_serial, scan_parallel = scan_by_workers(c, big, repeat)
    add(f"bare scan {big_label}, 2 workers vs 0", scan_parallel, scan_serial / scan_parallel, "x faster",
        "reference", None, GROUP, f"0 workers {scan_serial:.3f} s; alternating runs, medians")
    for mode, name in (("grad", "gradient"), ("hess", "Hessian")):
        for b in benches:
            packed = b.packed(big)
            cap = b.worker_cap(packed) if b.workers is not None else 2
            # 5 runs of each count at least: one run of three lands in a slow minute of the VM often enough
            by_count = b.time_workers(packed, mode, counts=(0, 2) if cap in (0, 2) else (0, 2, cap),
                                      repeat=max(repeat, 5))
            serial, parallel = by_count[0], by_count[2]
            launched, per_worker, _ = b.explain_workers(packed, mode, workers=2)
            add(f"{name} pass {big_label}, 0 workers", serial, serial / big_scan, "scans", "", None, b.label)
            add(f"{name} pass {big_label}, 2 workers", parallel, serial / parallel, "x faster", ">= 1.6",
                serial / parallel >= 1.6, b.label,
                f"workers launched {launched}, blocks per worker {per_worker}")
            if cap not in (0, 2):   # what the drivers choose here: by size, at most one worker per CPU but the leader's
                add(f"{name} pass {big_label}, the drivers' {cap} worker(s)", by_count[cap], serial / by_count[cap],
                    "x faster", "", None, b.label, b.workers_note(packed, mode))


def passes_only(c, small, big, big_label, big_rows, repeat, benches):
    """``--only passes``: the pass figures of ``run`` without the packing, fit and export figures."""
    from report import add

    irls = "SELECT {s}.logregr_train(%s, 'bench_dp_m', 'y', 'x', NULL, 20, 'irls', 1e-4)"
    for b in benches:
        b.prepare(small)
        b.train(irls, [small], False, small, "bench_dp_m")    # untimed: its model table exists after it
    for figure, measure, target, test in (
            ("gradient pass", lambda b: b.time_pass(b.packed(small), "grad"), "<= 1.2", lambda r: r <= 1.2),
            ("Hessian pass", lambda b: b.time_pass(b.packed(small), "hess"), "<= 2", lambda r: r <= 2),
            ("logistic IRLS refit", lambda b: b.train(irls, [small], False, small, "bench_dp_m"), "<= 6",
             lambda r: r <= 6)):
        for b in benches:
            secs, here = Paced.around(lambda: benches[0].q(f"SELECT sum(x[2]) FROM {small}"), lambda: measure(b))
            note = b.workers_note(b.packed(small), "hess" if "Hessian" in figure else "grad") \
                if b.workers is not None and "pass" in figure else ""
            add(figure, secs, secs / here, "scans", target, test(secs / here), b.label, note)
    for b in benches:
        b.q(f"SELECT {b.s}.drop_prepared(%s)", [small])
    make_table(c, big, big_rows, copy_of=small)
    big_scan = benches[0].scan(big)
    add(f"bare scan {big_label} x {D}", big_scan, None, "", "reference", None, GROUP, scan_workers(c, big))
    for b in benches:
        b.prepare(big)
    big_passes(c, big, big_label, big_scan, repeat, benches)
    for b in benches:
        b.q(f"SELECT {b.s}.drop_prepared(%s)", [big])


def pack_4m(c, dsn, small, big, label, big_label, big_rows, scan, repeat, benches):
    """The big table, its bare scan and its packing (as a multiple of the 1M packing timed right
    before it, with the backend's peak memory); returns the big scan's seconds."""
    from common import connect
    from report import add

    make_table(c, big, big_rows, copy_of=small)
    big_scan = benches[0].scan(big)
    add(f"bare scan {big_label} x {D}", big_scan, big_scan / scan, f"x {label} scan", "reference", None, GROUP,
        scan_workers(c, big))
    peaks = {}

    def pack_fresh(b, table):
        """One packing in a connection of its own (each of the 1M and 4M packings pays a new backend's
        first calls alike), sampling that backend's peak private memory."""
        with connect(dsn) as c2:
            c2.execute(f"SELECT {b.s}.drop_prepared(%s)", [table])
            pid = c2.execute("SELECT pg_backend_pid()").fetchone()[0]
            with PeakRss(pid) as rss:
                c2.execute(f"SELECT {b.s}.prepare(%s, 'y', 'x')", [table])
            peaks[b.label, table] = max(peaks.get((b.label, table), 0), rss.peak)
    for b in benches:
        # the 1M packing timed again right before the 4M one: the growth is not a drift of the load
        pack_1m = timed(lambda: pack_fresh(b, small), repeat)
        b.q(f"SELECT {b.s}.drop_prepared(%s)", [small])
        secs = timed(lambda: pack_fresh(b, big), repeat)
        growth = secs / pack_1m
        add(f"packing (prepare) {big_label}", secs, growth, f"x {label} packing", "<= 4.5 (linear)", growth <= 4.5,
            b.label, f"peak backend RssAnon {peaks[b.label, big] / 2**20:.0f} MB "
                     f"({peaks[b.label, small] / 2**20:.0f} MB packing {label})")
    return big_scan


def install_before(dsn, root):
    """Install another checkout's code as schema indb_before (in a subprocess: its own indb_ml)."""
    import subprocess
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from indb_ml import installer; "
            "installer.install(sys.argv[2], schema='indb_before', write_extension=False)")
    subprocess.run([sys.executable, "-c", code, str(root), dsn], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dsn", help="a database with indb_ml installed (default: a throwaway local cluster)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--big-rows", type=int, default=4_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", type=Path, help="another checkout to measure side by side (schema indb_before)")
    ap.add_argument("--only", choices=["packing", "passes"],
                    help="measure only the bare scans and the packing figures, or the pass figures")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(1, str(HERE))
    from common import connect, server

    with server(args.dsn) as dsn:
        c = connect(dsn)
        benches = [Bench(c, HERE.parent, "indb_ml", args.repeat, False, GROUP)]
        if args.before:
            install_before(dsn, args.before.resolve())
            root = args.before.resolve()
            # a checkout without plpython/passes.py ran its passes GROUP BY part with default settings
            benches.append(Bench(c, root, "indb_before", args.repeat, not (root / "plpython" / "passes.py").exists(),
                                 f"before ({args.before.name})"))
        run(dsn, args.rows, args.big_rows, args.repeat, benches, args.only)


if __name__ == "__main__":
    main()
