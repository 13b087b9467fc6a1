"""One checkout's data-path figures, for bench/datapath.py: its kernels loaded from its plpython/,
its passes as its drivers run them, its fits timed; and the helpers they share (timing, the test
table, a backend's peak memory)."""
from __future__ import annotations

import importlib.util
import statistics
import sys
import threading
import time
import types

D = 20


class Paced:
    """The bare scan a figure is divided by, run between the figure's own runs (before the first,
    between each two, after the last): on a shared VM the speed drifts within a minute, and a scan
    timed only before the figure can land in a faster or slower moment than the figure itself."""
    scan = None            # callable: one bare scan (None: not pacing)
    seconds: list = []

    @classmethod
    def tick(cls):
        if cls.scan is not None:
            t0 = time.perf_counter()
            cls.scan()
            cls.seconds.append(time.perf_counter() - t0)

    @classmethod
    def around(cls, scan, measure):
        """(seconds of ``measure()``, median of the bare scans run between its timed runs)."""
        cls.scan, cls.seconds = scan, []
        try:
            secs = measure()
        finally:
            cls.scan = None
        if not cls.seconds:
            cls.seconds.append(0.0)
            t0 = time.perf_counter()
            scan()
            cls.seconds[0] = time.perf_counter() - t0
        return secs, statistics.median(cls.seconds)


def timed(fn, repeat):
    """Median seconds of ``repeat`` runs of fn(), with Paced's scans between them when pacing."""
    runs = []
    for _ in range(repeat):
        Paced.tick()
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    Paced.tick()
    return statistics.median(runs)


def kernel(root, name, tag):
    """Load plpython/<name>.py of a checkout (kernels import siblings relatively)."""
    pkg_name = f"bench_plk_{tag}"
    if pkg_name not in sys.modules:
        pkg = types.ModuleType(pkg_name)
        pkg.__path__ = [str(root / "plpython")]
        sys.modules[pkg_name] = pkg
    spec = importlib.util.spec_from_file_location(f"{pkg_name}.{name}", root / "plpython" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[f"{pkg_name}.{name}"] = mod
    spec.loader.exec_module(mod)
    return mod


def make_table(c, name, n, copy_of=None):
    """The benchmark's table of n rows (id, x float8[D] with a leading 1, y a logistic label). With
    ``copy_of`` (a table made here whose row count divides n) the rows are that table's, repeated with
    new ids: the big table's figures (packing growth, passes by worker count) do not depend on the
    values, and copying is ~5x cheaper than drawing 4M rows again (keeps make bench under 10 min)."""
    c.execute(f"DROP TABLE IF EXISTS {name} CASCADE")
    if copy_of is not None:
        m = c.execute(f"SELECT count(*) FROM {copy_of}").fetchone()[0]
        if m and n % m == 0:
            c.execute(f"CREATE TABLE {name} AS SELECT s.id + k * {m} AS id, s.x, s.y "
                      f"FROM generate_series(0, {n // m - 1}) AS k CROSS JOIN LATERAL "
                      f"(SELECT id, x, y FROM {copy_of} ORDER BY id) AS s")
            c.execute(f"VACUUM ANALYZE {name}")
            return
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
    """The figures of one checkout's code, installed as ``schema``."""

    def __init__(self, c, root, schema, repeat, legacy_pass, label):
        self.c, self.root, self.s, self.repeat, self.legacy, self.label = c, root, schema, repeat, legacy_pass, label
        self.opt = kernel(root, "optimizers", schema)
        self.passes = kernel(root, "passes", schema)
        # a checkout that caps a pass's workers by packed bytes and the server's preload (workers.py)
        self.workers = kernel(root, "workers", schema) if (root / "plpython" / "workers.py").exists() else None
        self.data_schema = f"{schema}_data" if c.execute(
            "SELECT to_regnamespace(%s) IS NOT NULL", [f"{schema}_data"]).fetchone()[0] else schema

    def q(self, sql, params=None):
        cur = self.c.execute(sql, params)
        return cur.fetchall() if cur.description else None

    def scan(self, table):
        return timed(lambda: self.q(f"SELECT sum(x[2]) FROM {table}"), self.repeat)

    def prepare(self, table):
        self.q(f"SELECT {self.s}.drop_prepared(%s)", [table])
        self.q(f"SELECT {self.s}.prepare(%s, 'y', 'x')", [table])

    def packed(self, table):
        return self.q(f"SELECT table_name FROM {self.s}.prepared_data WHERE source_table = %s AND y_expr <> '' "
                      "ORDER BY prepared_id DESC LIMIT 1", [f"public.{table}"])[0][0]

    def pass_sql(self, packed, mode):
        task = bytes(self.opt.make_task("logistic", mode, D, 1, [0.01] * D))
        table = f'{self.data_schema}."{packed}"'
        if self.legacy:
            return (f"SELECT part, {self.s}.glm_pass(x, y, n, shuffle_key, %s) FROM {table} WHERE n > 0 "
                    f"GROUP BY part"), [task], []
        # the settings passes.run gives an ungrouped pass over a plain table's packed copy
        prep = {"group_sql": [], "source": {"relkind": "r"}}
        if self.workers is not None:
            settings = self.passes.settings(prep, max_workers=self.worker_cap(packed))
        else:
            settings = getattr(self.passes, "settings", lambda p: self.passes.PASS_SETTINGS)(prep)
        return (f"SELECT {self.s}.glm_pass(p.x, p.y, p.n, p.shuffle_key, %s) FROM {table} AS p WHERE p.n > 0",
                [task], [f"SET {k} = {v}" for k, v in settings.items()])

    def preloaded(self):
        libs = self.q("SELECT current_setting('shared_preload_libraries')")[0][0]
        return self.workers is not None and self.workers.lists_preload(libs)

    def worker_cap(self, packed):
        """The workers passes.worker_cap gives a pass over ``packed`` on this server."""
        rows, d = self.q(f"SELECT n_rows, n_features FROM {self.s}.prepared_data WHERE table_name = %s", [packed])[0]
        mine = int(self.q("SELECT current_setting('max_parallel_workers_per_gather')")[0][0])
        nbytes = self.workers.packed_bytes({"n_rows": rows, "n_features": d})
        if "cpus" in self.workers.for_bytes.__code__.co_varnames:   # a checkout that caps by CPUs too
            cpus = self.q(f"SELECT ({self.s}.server_info() ->> 'cpus')::int")[0][0]
            cap = self.workers.for_bytes(nbytes, self.preloaded(), cpus)
        else:
            cap = self.workers.for_bytes(nbytes, self.preloaded())
        return min(cap, mine)

    def workers_note(self, packed, mode):
        """What EXPLAIN ANALYZE shows of the pass as the drivers run it: workers and blocks per process."""
        launched, per_worker, plan = self.explain_workers(packed, mode)
        leader = next((int(line.split("rows=")[1].split()[0]) for line in plan if "Seq Scan on" in line), None)
        pre = "preload" if self.preloaded() else "no preload"
        if not launched:
            return f"{pre}: no workers (the leader alone)"
        # the Seq Scan line's rows are per process (averaged over leader and workers), the Worker lines each one's
        return f"{pre}: {launched} workers launched, blocks per worker {per_worker} (scan rows/process {leader})"

    def time_pass(self, packed, mode):
        """The pass as the drivers run it (their settings and worker cap)."""
        sql, params, settings = self.pass_sql(packed, mode)
        for s in settings:
            self.q(s)
        try:
            self.q(sql, params)   # warm: numpy imported, blocks cached, as in a training loop
            return timed(lambda: self.q(sql, params), self.repeat)
        finally:
            self.q("RESET ALL")

    def time_workers(self, packed, mode, counts=(0, 2), repeat=None):
        """Medians of the pass run with each worker count in ``counts``, the counts alternating run by
        run (0, 2, 0, 2, ...): the machine's speed drifts, and back-to-back blocks of runs would give
        the drift to whichever count ran in the slower minute. ``repeat``: runs per count (default
        the bench's)."""
        sql, params, settings = self.pass_sql(packed, mode)
        runs = {w: [] for w in counts}
        for s in settings:
            self.q(s)
        try:
            for w in counts:              # warm each plan: numpy imported, blocks cached
                self.q(f"SET max_parallel_workers_per_gather = {int(w)}")
                self.q(sql, params)
            for _ in range(repeat or self.repeat):
                for w in counts:
                    self.q(f"SET max_parallel_workers_per_gather = {int(w)}")
                    t0 = time.perf_counter()
                    self.q(sql, params)
                    runs[w].append(time.perf_counter() - t0)
        finally:
            self.q("RESET ALL")
        return {w: statistics.median(r) for w, r in runs.items()}

    def explain_workers(self, packed, mode, workers=None):
        """EXPLAIN ANALYZE of the pass: (workers launched, rows each worker processed); ``workers``: that
        many instead of the drivers' cap."""
        sql, params, settings = self.pass_sql(packed, mode)
        for s in settings:
            self.q(s)
        if workers is not None:
            self.q(f"SET max_parallel_workers_per_gather = {int(workers)}")
        try:
            plan = [r[0] for r in self.q("EXPLAIN (ANALYZE, VERBOSE, COSTS OFF) " + sql, params)]
        finally:
            self.q("RESET ALL")
        launched = next((int(line.split(":")[1]) for line in plan if "Workers Launched" in line), 0)
        per_worker = []
        for i, line in enumerate(plan):
            if "Seq Scan on" in line:
                for follow in plan[i + 1:]:
                    if "->" in follow:
                        break
                    if follow.strip().startswith("Worker ") and "rows=" in follow:
                        per_worker.append(int(follow.split("rows=")[1].split()[0]))
        return launched, per_worker, plan

    def train(self, sql, params, first, table, out):
        def run():
            if first:
                self.q(f"SELECT {self.s}.drop_prepared(%s)", [table])
            self.q(f"DROP TABLE IF EXISTS {out}, {out}_summary, {out}_mean")
            self.q(sql.format(s=self.s), params)
        return timed(run, self.repeat)
