"""Data path benchmark: packing, passes, first fits and refits, parallel workers (1M and 4M x 20).

    python bench/datapath.py [--dsn DSN] [--rows 1000000] [--big-rows 4000000] [--repeat 3]
                             [--root DIR] [--legacy-pass]

Every figure is the median of ``--repeat`` runs and is reported as a ratio to a reference measured
in the same run: a bare scan of the same rows (``SELECT sum(x[2])``), or COPY (binary) export +
scikit-learn. Rows go to bench/report.py's table. ``--root DIR`` benchmarks another checkout's
code (e.g. the main branch, for a before/after table); ``--legacy-pass`` times passes the way the
old drivers ran them (``GROUP BY part``, default settings) instead of as plpython/passes.py does.
Without --dsn a throwaway local cluster is started.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import threading
import time
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
D = 20
GROUP = "data path"


def timed(fn, repeat):
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def kernel(root, name):
    """Load plpython/<name>.py of the benchmarked checkout (kernels import siblings relatively)."""
    pkg = sys.modules.get("bench_plk")
    if pkg is None:
        pkg = types.ModuleType("bench_plk")
        pkg.__path__ = [str(root / "plpython")]
        sys.modules["bench_plk"] = pkg
    spec = importlib.util.spec_from_file_location(f"bench_plk.{name}", root / "plpython" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_plk.{name}"] = mod
    spec.loader.exec_module(mod)
    return mod


def make_table(c, name, n):
    c.execute(f"DROP TABLE IF EXISTS {name} CASCADE")
    c.execute("SELECT setseed(0.42)")
    coefs = ", ".join(f"{(-1) ** j * 0.1 * (j % 5 + 1)}" for j in range(D - 1))
    c.execute(f"""CREATE TABLE {name} AS
        SELECT i AS id, array_prepend(1.0::float8, x) AS x,
               (random() < 1 / (1 + exp(-(0.3 + (SELECT sum(a * b) FROM unnest(x, ARRAY[{coefs}]) t(a, b))))))
               AS y
        FROM (SELECT i, ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, {D - 1}) WHERE i > 0)::float8[] AS x
              FROM generate_series(1, {n}) i) s""")
    c.execute(f"VACUUM ANALYZE {name}")


class PeakRss:
    """Peak anonymous (private) memory of one backend, sampled from /proc every 20 ms."""

    def __init__(self, pid):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()

    def _sample(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        self.peak = max(self.peak, int(line.split()[1]) * 1024)
        except OSError:
            pass

    def _run(self):
        while not self._stop.is_set():
            self._sample()
            time.sleep(0.02)

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class Bench:
    def __init__(self, c, root, repeat, legacy_pass):
        self.c, self.root, self.repeat, self.legacy = c, root, repeat, legacy_pass
        self.opt = kernel(root, "optimizers")
        self.data_schema = "indb_ml_data" if c.execute(
            "SELECT to_regnamespace('indb_ml_data') IS NOT NULL").fetchone()[0] else "indb_ml"

    def q(self, sql, params=None):
        cur = self.c.execute(sql, params)
        return cur.fetchall() if cur.description else None

    def scan(self, table):
        return timed(lambda: self.q(f"SELECT sum(x[2]) FROM {table}"), self.repeat)

    def prepare(self, table):
        self.q("SELECT indb_ml.drop_prepared(%s)", [table])
        self.q("SELECT indb_ml.prepare(%s, 'y', 'x')", [table])

    def packed(self, table):
        return self.q("SELECT table_name FROM indb_ml.prepared_data WHERE source_table = %s AND y_expr <> '' "
                      "ORDER BY prepared_id DESC LIMIT 1", [f"public.{table}"])[0][0]

    def pass_sql(self, packed, mode):
        task = bytes(self.opt.make_task("logistic", mode, D, 1, [0.01] * D))
        table = f'{self.data_schema}."{packed}"'
        if self.legacy:
            return (f"SELECT part, indb_ml.glm_pass(x, y, n, shuffle_key, %s) FROM {table} WHERE n > 0 "
                    f"GROUP BY part"), [task], []
        return (f"SELECT indb_ml.glm_pass(p.x, p.y, p.n, p.shuffle_key, %s) FROM {table} AS p WHERE p.n > 0",
                [task], ["SET jit = off", "SET parallel_leader_participation = off"])

    def time_pass(self, packed, mode, workers=None):
        sql, params, settings = self.pass_sql(packed, mode)
        for s in settings + ([f"SET max_parallel_workers_per_gather = {workers}"] if workers is not None else []):
            self.q(s)
        try:
            self.q(sql, params)   # warm: numpy imported, blocks cached, as in a training loop
            return timed(lambda: self.q(sql, params), self.repeat)
        finally:
            self.q("RESET ALL")

    def explain_workers(self, packed, mode):
        """EXPLAIN ANALYZE of the pass: (workers launched, rows each worker processed)."""
        sql, params, settings = self.pass_sql(packed, mode)
        for s in settings:
            self.q(s)
        try:
            plan = [r[0] for r in self.q("EXPLAIN (ANALYZE, VERBOSE, COSTS OFF) " + sql, params)]
        finally:
            self.q("RESET ALL")
        launched = next((int(line.split(":")[1]) for line in plan if "Workers Launched" in line), 0)
        per_worker = []
        for i, line in enumerate(plan):
            if "Seq Scan on" in line:
                for follow in plan[i + 1:]:
                    if follow.strip().startswith("Worker ") and "rows=" in follow:
                        per_worker.append(int(follow.split("rows=")[1].split()[0]))
                    elif "Worker" not in follow:
                        break
        return launched, per_worker, plan

    def train(self, sql, params, first, table, out):
        def run():
            if first:
                self.q("SELECT indb_ml.drop_prepared(%s)", [table])
            self.q(f"DROP TABLE IF EXISTS {out}, {out}_summary")
            self.q(sql, params)
        return timed(run, self.repeat)


def export_and_sklearn(c, table):
    """COPY (binary) export into numpy, then scikit-learn's logistic regression."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    t0 = time.perf_counter()
    xs, ys = [], []
    with c.cursor().copy(f"COPY (SELECT x, y FROM {table}) TO STDOUT (FORMAT binary)") as cp:
        cp.set_types(["float8[]", "bool"])
        for x, y in cp.rows():
            xs.append(x)
            ys.append(y)
    X, y = np.array(xs), np.array(ys, dtype=float)
    export = time.perf_counter() - t0
    t0 = time.perf_counter()
    LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-4, max_iter=200).fit(X, y)
    return export, time.perf_counter() - t0


def run(dsn, rows, big_rows, repeat, root, legacy):
    import psycopg

    from report import add, print_table

    c = psycopg.connect(dsn, autocommit=True)
    b = Bench(c, root, repeat, legacy)
    small, big = "bench_dp_1m", "bench_dp_4m"
    label = f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1000}k"
    big_label = f"{big_rows // 1_000_000}M" if big_rows >= 1_000_000 else f"{big_rows // 1000}k"
    make_table(c, small, rows)
    scan = b.scan(small)
    add(f"bare scan {label} x {D}", scan, 1.0, "scans", "reference", None, GROUP)

    pack = timed(lambda: b.prepare(small), repeat)
    add(f"packing (prepare) {label}", pack, pack / scan, "scans", "<= 8", pack / scan <= 8, GROUP)
    check = timed(lambda: b.q("SELECT indb_ml.prepare(%s, 'y', 'x')", [small]), repeat)
    add("freshness check paid by a refit (prepare, reused)", check, check / scan, "scans", "exact and cheap",
        None, GROUP, "fingerprint: i8-security")
    packed = b.packed(small)
    grad = b.time_pass(packed, "grad")
    add("gradient pass", grad, grad / scan, "scans", "<= 1.2", grad / scan <= 1.2, GROUP)
    hess = b.time_pass(packed, "hess")
    add("Hessian pass", hess, hess / scan, "scans", "<= 2", hess / scan <= 2, GROUP)

    irls = "SELECT indb_ml.logregr_train(%s, 'bench_dp_m', 'y', 'x', NULL, 20, 'irls', 1e-4)"
    first = b.train(irls, [small], True, small, "bench_dp_m")
    add("logistic IRLS first fit (packs)", first, first / scan, "scans", "<= 15", first / scan <= 15, GROUP)
    refit = b.train(irls, [small], False, small, "bench_dp_m")
    add("logistic IRLS refit", refit, refit / scan, "scans", "<= 6", refit / scan <= 6, GROUP)
    lin = "SELECT indb_ml.linregr_train(%s, 'bench_dp_m', 'y', 'x')"
    lin_first = b.train(lin, [small], True, small, "bench_dp_m")
    add("linregr first fit (packs)", lin_first, lin_first / scan, "scans", "<= 10", lin_first / scan <= 10, GROUP)
    lin_refit = b.train(lin, [small], False, small, "bench_dp_m")
    add("linregr refit", lin_refit, lin_refit / scan, "scans", "<= 3", lin_refit / scan <= 3, GROUP)
    pca = "SELECT indb_ml.pca_train(%s, 'bench_dp_m', 'x')"
    pca_first = b.train(pca, [small], True, small, "bench_dp_m")
    add("PCA first fit (packs)", pca_first, pca_first / scan, "scans", "<= 10", pca_first / scan <= 10, GROUP)

    exp_s, skl_s = export_and_sklearn(c, small)
    add("COPY (binary) export to numpy", exp_s, exp_s / scan, "scans", "reference", None, GROUP)
    add("scikit-learn logistic (lbfgs) on the export", skl_s, skl_s / scan, "scans", "reference", None, GROUP)
    ref = exp_s + skl_s
    add("logistic IRLS first fit / (export + scikit-learn)", first, first / ref, "x ref", "< 1", first / ref < 1,
        GROUP)

    make_table(c, big, big_rows)
    big_scan = b.scan(big)
    add(f"bare scan {big_label} x {D}", big_scan, big_scan / scan, f"x {label} scan", "reference", None, GROUP)
    peaks = []

    def pack_big():
        with psycopg.connect(dsn, autocommit=True) as c2:
            c2.execute("SELECT indb_ml.drop_prepared(%s)", [big])
            pid = c2.execute("SELECT pg_backend_pid()").fetchone()[0]
            with PeakRss(pid) as rss:
                c2.execute("SELECT indb_ml.prepare(%s, 'y', 'x')", [big])
            peaks.append(rss.peak)
    big_pack = timed(pack_big, repeat)
    growth = big_pack / pack
    add(f"packing (prepare) {big_label}", big_pack, growth, f"x {label} packing", "<= 4.5 (linear)", growth <= 4.5,
        GROUP, f"peak backend RssAnon {max(peaks) / 2**20:.0f} MB")
    big_packed = b.packed(big)
    for mode, name in (("grad", "gradient"), ("hess", "Hessian")):
        serial = b.time_pass(big_packed, mode, workers=0)
        parallel = b.time_pass(big_packed, mode, workers=2)
        launched, per_worker, _ = b.explain_workers(big_packed, mode)
        add(f"{name} pass {big_label}, 0 workers", serial, serial / big_scan, "scans", "", None, GROUP)
        add(f"{name} pass {big_label}, 2 workers", parallel, serial / parallel, "x faster", ">= 1.6",
            serial / parallel >= 1.6, GROUP, f"workers launched {launched}, blocks per worker {per_worker}")
    print_table()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dsn", help="a database with indb_ml installed (default: a throwaway local cluster)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--big-rows", type=int, default=4_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--root", type=Path, default=HERE.parent, help="the checkout whose code is benchmarked")
    ap.add_argument("--legacy-pass", action="store_true", help="time passes as the old drivers ran them")
    args = ap.parse_args()
    sys.path.insert(0, str(args.root))
    sys.path.insert(1, str(HERE))
    from common import server

    with server(args.dsn) as dsn:
        run(dsn, args.rows, args.big_rows, args.repeat, args.root.resolve(), args.legacy_pass)


if __name__ == "__main__":
    main()
