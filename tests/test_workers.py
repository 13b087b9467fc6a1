"""Parallel workers of a pass (plpython/workers.py, passes.settings): by packed bytes and by whether the
server preloads numpy; the cap reaches the pass's settings and never exceeds the caller's own."""
from plpython import passes, workers

MB = 1 << 20


class ServerPlpy:
    """plpy.execute over a real connection (rows as dicts), for driver helpers that only read settings."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, query):
        cur = self.conn.execute(query)
        names = [c.name for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


def test_workers_by_bytes_and_start_cost():
    # without the preload a worker imports numpy itself: only 256 MB of blocks per worker pay for it
    assert workers.for_bytes(160 * MB, preloaded=False) == 0
    assert workers.for_bytes(300 * MB, preloaded=False) == 1
    assert workers.for_bytes(670 * MB, preloaded=False) == 2
    # with it a worker starts in ~0.02 s: 64 MB each
    assert workers.for_bytes(40 * MB, preloaded=True) == 0
    assert workers.for_bytes(160 * MB, preloaded=True) == 2
    assert workers.for_bytes(100 << 30, preloaded=True) == workers.MAX_WORKERS
    # 1M rows x 20 features + a label, float64
    assert workers.packed_bytes({"n_rows": 1_000_000, "n_features": 20}) == 168_000_000


def test_pass_settings_carry_the_cap():
    plain = {"group_sql": [], "source": {"relkind": "r"}}
    grouped = {"group_sql": ['"g"'], "source": {"relkind": "r"}}
    s = passes.settings(plain, max_workers=2)
    assert s["max_parallel_workers_per_gather"] == 2 and s["parallel_leader_participation"] == "on"
    s = passes.settings(grouped, max_workers=0)
    assert s["max_parallel_workers_per_gather"] == 0 and s["parallel_leader_participation"] == "off"
    assert "max_parallel_workers_per_gather" not in passes.settings(plain)
    assert passes.settings(plain, ordered=True)["parallel_leader_participation"] == "off"


def test_preload_read_from_the_server(conn):
    libs = conn.execute("SELECT current_setting('shared_preload_libraries')").fetchone()[0]
    workers._preloaded.clear()
    try:
        assert workers.preloaded(ServerPlpy(conn)) == (workers.PRELOAD_LIBRARY in libs)
    finally:
        workers._preloaded.clear()


def test_worker_cap_never_above_the_callers_setting(conn):
    big = {"n_rows": 40_000_000, "n_features": 20}          # 6.7 GB of blocks: the most workers either way
    plpy = ServerPlpy(conn)
    try:
        conn.execute("SET max_parallel_workers_per_gather = 1")
        assert passes.worker_cap(plpy, big) == 1
        conn.execute("SET max_parallel_workers_per_gather = 0")
        assert passes.worker_cap(plpy, big) == 0
        conn.execute("SET max_parallel_workers_per_gather = 8")
        assert passes.worker_cap(plpy, {"n_rows": 1000, "n_features": 20}) == 0
    finally:
        conn.execute("RESET max_parallel_workers_per_gather")
        workers._preloaded.clear()
