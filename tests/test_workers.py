"""Parallel workers of a pass (plpython/workers.py, passes.settings): by packed bytes and by whether the
server preloads numpy; the cap reaches the pass's settings and never exceeds the caller's own."""
import psycopg
import pytest

from plpython import passes, workers

MB = 1 << 20


class ServerPlpy:
    """plpy.execute / plpy.prepare over a real connection (rows as dicts), for driver helpers that only
    read and set parameters."""

    def __init__(self, conn):
        self.conn = conn

    def prepare(self, query, types):
        for i in range(len(types), 0, -1):
            query = query.replace(f"${i}", "%s")
        return query

    def execute(self, query, args=None):
        cur = self.conn.execute(query, args)
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


def test_workers_at_most_one_per_cpu_besides_a_working_leader():
    big = 100 << 30
    assert workers.for_bytes(big, preloaded=True, cpus=2) == 1            # the leader takes blocks too
    assert workers.for_bytes(big, preloaded=True, cpus=2, leader_works=False) == 2   # it only gathers
    assert workers.for_bytes(big, preloaded=True, cpus=1) == 0
    assert workers.for_bytes(big, preloaded=True, cpus=64) == workers.MAX_WORKERS
    assert workers.for_bytes(100 * MB, preloaded=True, cpus=16) == 1      # bytes still decide first


def test_usable_cpus_from_affinity_and_a_cgroup_quota():
    assert workers.usable_cpus(affinity=8, cpu_max="max 100000") == 8
    assert workers.usable_cpus(affinity=8, cpu_max="150000 100000") == 2   # 1.5 CPUs: rounded up
    assert workers.usable_cpus(affinity=2, cpu_max="400000 100000") == 2
    assert workers.usable_cpus(affinity=4, cpu_max="") == 4
    assert workers.usable_cpus(affinity=4, cpu_max="10000 100000") == 1
    assert workers.usable_cpus() >= 1                                     # this process's own reading


def test_pass_settings_carry_the_cap():
    plain = {"group_sql": [], "source": {"relkind": "r"}}
    grouped = {"group_sql": ['"g"'], "source": {"relkind": "r"}}
    s = passes.settings(plain, max_workers=2)
    assert s["max_parallel_workers_per_gather"] == 2 and s["parallel_leader_participation"] == "on"
    s = passes.settings(grouped, max_workers=0)
    assert s["max_parallel_workers_per_gather"] == 0 and s["parallel_leader_participation"] == "off"
    assert "max_parallel_workers_per_gather" not in passes.settings(plain)
    assert passes.settings(plain, ordered=True)["parallel_leader_participation"] == "off"


def test_preload_named_in_the_setting():
    assert workers.lists_preload("/tmp/x/lib/indb_ml_preload")
    assert workers.lists_preload("pg_stat_statements, '$libdir/indb_ml_preload.so'".replace("'", '"'))
    assert workers.lists_preload("indb_ml_preload")
    assert not workers.lists_preload("")
    assert not workers.lists_preload("plpython3, indb_ml_preload_old")


def test_preload_read_from_the_server(conn):
    libs = conn.execute("SELECT current_setting('shared_preload_libraries')").fetchone()[0]
    workers._preloaded.clear()
    try:
        assert workers.preloaded(ServerPlpy(conn)) == ("indb_ml_preload" in libs)
    finally:
        workers._preloaded.clear()


def test_a_plain_role_sees_the_preload_through_its_own_setting(conn):
    """shared_preload_libraries is readable by superusers and pg_read_all_settings only; the library's
    indb_ml.preloaded is readable by every role (and settable by none), so a plain role's passes get
    the same workers as the owner's."""
    libs = conn.execute("SELECT current_setting('shared_preload_libraries')").fetchone()[0]
    conn.execute("DROP ROLE IF EXISTS wk_plain")
    conn.execute("CREATE ROLE wk_plain NOLOGIN")
    workers._preloaded.clear()
    try:
        conn.execute("SET ROLE wk_plain")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT current_setting('shared_preload_libraries')")
        assert workers.preloaded(ServerPlpy(conn)) == ("indb_ml_preload" in libs)
        if "indb_ml_preload" in libs:
            with pytest.raises(psycopg.errors.CantChangeRuntimeParam):
                conn.execute("SET indb_ml.preloaded = off")
    finally:
        conn.execute("RESET ROLE")
        conn.execute("DROP ROLE wk_plain")
        workers._preloaded.clear()


def test_pass_settings_given_back_and_never_above_the_callers_cap(conn):
    """passes.run_settings through session.settings, in one transaction: the cap by bytes, lowered to
    the caller's own max_parallel_workers_per_gather, and every value given back on the way out."""
    from plpython import session

    big = {"group_sql": [], "source": {"relkind": "r"}, "n_rows": 40_000_000, "n_features": 20}  # 6.7 GB
    small = dict(big, n_rows=1000)
    plpy = ServerPlpy(conn)

    def inside(prep, mine):
        with conn.transaction():
            conn.execute(f"SET LOCAL max_parallel_workers_per_gather = {mine}")
            with session.settings(plpy, **passes.run_settings(plpy, prep)):
                got = conn.execute("SELECT current_setting('max_parallel_workers_per_gather'), "
                                   "current_setting('jit')").fetchone()
            after = conn.execute("SELECT current_setting('max_parallel_workers_per_gather'), "
                                 "current_setting('jit')").fetchone()
        return got, after
    try:
        jit = conn.execute("SHOW jit").fetchone()[0]
        cap = workers.for_bytes(workers.packed_bytes(big), workers.preloaded(plpy), workers.usable_cpus())
        assert inside(big, 1) == ((str(min(1, cap)), "off"), ("1", jit))
        assert inside(big, 0) == (("0", "off"), ("0", jit))
        assert inside(big, 8)[0][0] == str(min(8, cap))
        assert inside(small, 8) == (("0", "off"), ("8", jit))
    finally:
        workers._preloaded.clear()
