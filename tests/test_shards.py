"""Sharded training over postgres_fdw: a coordinator and 2 shard clusters on loopback (real PostgreSQL).

``pts`` on the coordinator is list-partitioned by region; its partitions are
foreign tables on shard1 and shard2. ``ref`` holds the same rows in local
partitions (same partitions, same row order): the single-node reference. Every
trainer's sharded model must equal the single-node one to 1e-9.
"""
from __future__ import annotations

import re
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psycopg
import pytest

from indb_ml.shard_lab import ShardLab

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import shard_passes  # noqa: E402

COLS = "(region int, a float8, b float8, c float8, y float8, lbl boolean, cls int, cnt int)"
FEATURES = "ARRAY[1, a, b, c]"
SEED = "0.25"


def make_rows(rng, n, region):
    X = rng.normal(size=(n, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 + rng.normal(size=n)
    cls = np.argmax(X @ rng.normal(size=(3, 3)) + rng.gumbel(size=(n, 3)), axis=1)
    cnt = rng.poisson(np.exp(0.2 + 0.3 * X[:, 0] - 0.2 * X[:, 1]))
    return [(region, *map(float, x), float(v), bool(v > 0.3), int(k), int(m))
            for x, v, k, m in zip(X, y, cls, cnt)]


def insert(conn, table, rows):
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)


@pytest.fixture(scope="module")
def lab():
    lab = ShardLab(2).start()
    try:
        yield lab
    finally:
        lab.destroy()


@pytest.fixture(scope="module")
def coord(lab):
    rng = np.random.default_rng(7)
    data = [make_rows(rng, 1500, 1), make_rows(rng, 1000, 2)]
    with psycopg.connect(lab.dsn, autocommit=True) as c:
        c.notices = []
        c.add_notice_handler(lambda d: c.notices.append(d.message_primary))
        for i, rows in enumerate(data):
            with lab.shard_conn(i) as s:
                s.execute(f"CREATE TABLE pts {COLS}")
                insert(s, "pts", rows)
        c.execute(f"CREATE TABLE pts {COLS} PARTITION BY LIST (region)")
        c.execute(f"CREATE TABLE ref {COLS} PARTITION BY LIST (region)")
        for i in range(2):
            c.execute(f"CREATE FOREIGN TABLE pts_{i + 1} PARTITION OF pts FOR VALUES IN ({i + 1}) "
                      f"SERVER shard{i + 1} OPTIONS (table_name 'pts')")
            c.execute(f"CREATE TABLE ref_{i + 1} PARTITION OF ref FOR VALUES IN ({i + 1})")
            insert(c, "ref", data[i])
        for server in ("shard1", "shard2"):
            c.execute("SELECT indb_ml.add_shard(%s)", [server])
        c.execute(f"SET indb_ml.shuffle_seed = '{SEED}'")   # the same recorded block order for SGD
        yield c


def both(conn, call, out, columns, args=()):
    """Train on the sharded and the single-node table -> (sharded row, single-node row)."""
    rows = []
    for src, name in (("pts", out), ("ref", out + "_ref")):
        conn.execute(f"DROP TABLE IF EXISTS {name}, {name}_summary")
        conn.execute(call.format(src=src, out=name), list(args))
        rows.append(conn.execute(f"SELECT {columns} FROM {name}").fetchone())
    return rows


def close(a, b, tol=1e-9):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    assert np.max(np.abs(a - b)) <= tol * max(1.0, np.max(np.abs(b))), (a, b)


def shard_tables(lab, i):
    with lab.shard_conn(i) as s:
        return {r[0] for r in s.execute("SELECT relname FROM pg_class WHERE relnamespace = 'indb_ml_data'::regnamespace "
                                         "AND relkind IN ('r', 'p', 'f')").fetchall()}


def coordinator_state(conn):
    return (conn.execute("SELECT count(*) FROM indb_ml.prepared_data").fetchone()[0],
            conn.execute("SELECT count(*) FROM indb_ml.models").fetchone()[0],
            {r[0] for r in conn.execute("SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'p', 'f') "
                                        "AND c.relnamespace::regnamespace::text IN ('indb_ml', 'indb_ml_data', "
                                        "'public')")})


# ------------------------------------------------------------------------- kernels (no server)


def test_combine_merges_partial_states_like_one_aggregate():
    from plpython import blocks, linregr
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    whole = linregr.transition(None, blocks.to_bytes(X), blocks.to_bytes(y), 30)
    parts = [linregr.transition(None, blocks.to_bytes(X[i:i + 10]), blocks.to_bytes(y[i:i + 10]), 10)
             for i in (0, 10, 20)]
    as_lists = [blocks.from_bytes(p).tolist() for p in parts]          # what a FINALFUNC returns
    close(shard_passes.combine(as_lists, linregr.merge), blocks.from_bytes(whole), 1e-12)
    close(blocks.from_bytes(shard_passes.combine(parts + [None], linregr.merge)), blocks.from_bytes(whole), 1e-12)
    assert shard_passes.combine([None], linregr.merge) is None


def test_remote_scans_reads_an_explain_plan():
    plan = [{"Plan": {"Node Type": "Append", "Plans": [
        {"Node Type": "Foreign Scan", "Relations": "Aggregate on (a_1 a)", "Remote SQL": "SELECT part, f(x)",
         "Async Capable": True},
        {"Node Type": "Foreign Scan", "Relations": "a_2 a", "Remote SQL": "SELECT part, x FROM t"}]}}]
    assert shard_passes.remote_scans(plan) == [("Aggregate on (a_1 a)", "SELECT part, f(x)", True),
                                               ("a_2 a", "SELECT part, x FROM t", False)]


# ------------------------------------------------------------------------- registration


def test_a_role_without_select_on_the_sharded_parent_is_refused(coord):
    """The shards read with the user mapping's rights; the coordinator still requires SELECT through the parent."""
    coord.execute("CREATE ROLE sh_reader NOLOGIN")
    try:
        coord.execute("GRANT indb_ml_user TO sh_reader")
        coord.execute("CREATE SCHEMA sh_reader AUTHORIZATION sh_reader")
        coord.execute("GRANT USAGE ON SCHEMA public TO sh_reader")
        coord.execute("SET ROLE sh_reader")
        try:
            with pytest.raises(psycopg.Error, match=r"permission denied.*pts"):
                coord.execute(f"SELECT indb_ml.linregr_train('public.pts', 'sh_reader.m', 'y', '{FEATURES}')")
        finally:
            coord.execute("RESET ROLE")
    finally:
        coord.execute("DROP SCHEMA IF EXISTS sh_reader CASCADE")
        coord.execute("REVOKE USAGE ON SCHEMA public FROM sh_reader")
        coord.execute("REVOKE indb_ml_user FROM sh_reader")
        coord.execute("DROP ROLE sh_reader")


def test_shards_view_and_options(coord, lab):
    rows = coord.execute("SELECT server_name, host, port, remote_version, remote_numpy FROM indb_ml.shards "
                         "ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == ["shard1", "shard2"]
    assert [int(r[2]) for r in rows] == [s.port for s in lab.shards]
    version = coord.execute("SELECT extversion FROM pg_extension WHERE extname = 'indb_ml'").fetchone()[0]
    assert all(r[3] == version and r[4] for r in rows)
    opts = dict(o.split("=", 1) for o in coord.execute(
        "SELECT srvoptions FROM pg_foreign_server WHERE srvname = 'shard1'").fetchone()[0])
    assert opts["extensions"] == "indb_ml" and opts["async_capable"] == "true"
    assert float(opts["fdw_tuple_cost"]) >= 10


def test_add_shard_errors(coord, lab):
    with pytest.raises(psycopg.Error, match="foreign server 'nosuch' does not exist"):
        coord.execute("SELECT indb_ml.add_shard('nosuch')")
    # a server whose database has no indb_ml
    with lab.shard_conn(0) as s:
        s.execute("DROP DATABASE IF EXISTS bare")
        s.execute("CREATE DATABASE bare")
    coord.execute(f"CREATE SERVER bare_srv FOREIGN DATA WRAPPER postgres_fdw "
                  f"OPTIONS (host '127.0.0.1', port '{lab.shards[0].port}', dbname 'bare')")
    try:
        with pytest.raises(psycopg.Error, match="no user mapping"):
            coord.execute("SELECT indb_ml.add_shard('bare_srv')")
        params = psycopg.conninfo.conninfo_to_dict(lab.shard_dsns[0])
        coord.execute("CREATE USER MAPPING FOR CURRENT_USER SERVER bare_srv OPTIONS (user %s, password %s)"
                      .replace("%s", "'{}'").format(params["user"], params["password"]))
        port = lab.shards[0].port
        with pytest.raises(psycopg.Error, match=rf"shard bare_srv \(127\.0\.0\.1:{port}\) has no indb_ml extension"):
            coord.execute("SELECT indb_ml.add_shard('bare_srv')")
        with pytest.raises(psycopg.Error, match="not a registered shard"):
            coord.execute("SELECT indb_ml.drop_shard('bare_srv')")
        assert coord.execute("SELECT count(*) FROM indb_ml.shards").fetchone()[0] == 2
    finally:
        coord.execute("DROP SERVER bare_srv CASCADE")


def test_unregistered_server_is_pulled_with_a_notice(coord, lab):
    """A foreign partition on a server that is not a registered shard: rows pulled and packed here, as
    without shards, and a NOTICE says how to train where they live."""
    params = psycopg.conninfo.conninfo_to_dict(lab.shard_dsns[0])
    coord.execute(f"CREATE SERVER other_srv FOREIGN DATA WRAPPER postgres_fdw "
                  f"OPTIONS (host '127.0.0.1', port '{lab.shards[0].port}', dbname 'postgres')")
    coord.execute("CREATE USER MAPPING FOR CURRENT_USER SERVER other_srv OPTIONS (user '{}', password '{}')"
                  .format(params["user"], params["password"]))
    coord.execute(f"CREATE TABLE unreg {COLS} PARTITION BY LIST (region)")
    try:
        coord.execute("CREATE FOREIGN TABLE unreg_1 PARTITION OF unreg FOR VALUES IN (1) SERVER other_srv "
                      "OPTIONS (table_name 'pts')")
        coord.notices.clear()
        coord.execute(f"SELECT indb_ml.linregr_train('unreg', 'unreg_m', 'y', '{FEATURES}')")
        assert any("not registered shards (other_srv)" in n and "add_shard" in n for n in coord.notices)
        ref = coord.execute(f"SELECT indb_ml.linregr_train('ref_1', 'unreg_ref', 'y', '{FEATURES}')")
        close(coord.execute("SELECT coef FROM unreg_m").fetchone()[0],
              coord.execute("SELECT coef FROM unreg_ref").fetchone()[0])
        assert ref
    finally:
        coord.execute("DROP TABLE IF EXISTS unreg, unreg_m, unreg_m_summary, unreg_ref, unreg_ref_summary")
        coord.execute("DROP SERVER other_srv CASCADE")


# ------------------------------------------------------------------------- every trainer, sharded == single node


def test_linregr(coord):
    s, r = both(coord, f"SELECT indb_ml.linregr_train('{{src}}', '{{out}}', 'y', '{FEATURES}')", "sh_lin",
                "coef, r2, std_err, num_rows_processed")
    close(s[0], r[0]); close(s[1], r[1]); close(s[2], r[2])
    assert s[3] == r[3] == 2500


@pytest.mark.parametrize("optimizer", ["irls", "lbfgs", "sgd"])
def test_logregr(coord, optimizer):
    s, r = both(coord, f"SELECT indb_ml.logregr_train('{{src}}', '{{out}}', 'lbl', '{FEATURES}', NULL, 20, %s)",
                f"sh_log_{optimizer}", "coef, log_likelihood, std_err, num_iterations", [optimizer])
    close(s[0], r[0]); close(s[1], r[1]); close(s[2], r[2])
    assert s[3] == r[3]


def test_svm(coord):
    s, r = both(coord, "SELECT indb_ml.svm_classification('{src}', '{out}', 'lbl', 'ARRAY[1, a, b, c]')", "sh_svm",
                "coef, loss")
    close(s[0], r[0]); close(s[1], r[1])


def test_elastic_net(coord):
    s, r = both(coord, "SELECT indb_ml.elastic_net_train('{src}', '{out}', 'y', 'ARRAY[a, b, c]', 'gaussian', "
                       "0.5, 0.05)", "sh_en", "coef_all, intercept, objective")
    close(s[0], r[0]); close(s[1], r[1]); close(s[2], r[2])


def test_softmax(coord):
    s, r = both(coord, f"SELECT indb_ml.softmax_train('{{src}}', '{{out}}', 'cls', '{FEATURES}')", "sh_sm",
                "coef, loss")
    close(s[0], r[0]); close(s[1], r[1])


def test_glm_poisson(coord):
    s, r = both(coord, f"SELECT indb_ml.glm('{{src}}', '{{out}}', 'cnt', '{FEATURES}', 'family=poisson, link=log')",
                "sh_glm", "coef, log_likelihood, std_err")
    close(s[0], r[0]); close(s[1], r[1]); close(s[2], r[2])


def test_multinom(coord):
    s, r = both(coord, f"SELECT indb_ml.multinom('{{src}}', '{{out}}', 'cls', '{FEATURES}', '0', 'logit', NULL, "
                       f"'tolerance=1e-10')", "sh_mn", "array_agg(coef ORDER BY category), sum(log_likelihood)")
    close(s[0], r[0]); close(s[1], r[1])


def test_svm_regression(coord):
    s, r = both(coord, f"SELECT indb_ml.svm_regression('{{src}}', '{{out}}', 'y', '{FEATURES}', NULL, NULL, NULL, "
                       f"'init_stepsize=0.05, decay_factor=0.95, max_iter=20, lambda=0, epsilon=0.01')", "sh_svr",
                "coef")
    close(s[0], r[0])


def test_ordinal(coord):
    s, r = both(coord, f"SELECT indb_ml.ordinal('{{src}}', '{{out}}', 'cls', 'ARRAY[a, b, c]', '0<1<2', 'logit')",
                "sh_ord", "*")
    close([v for v in s if isinstance(v, float)], [v for v in r if isinstance(v, float)])
    close([x for v in s if isinstance(v, list) for x in v if isinstance(x, float)],
          [x for v in r if isinstance(v, list) for x in v if isinstance(x, float)])


def test_kmeans(coord):
    init = [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [-1.0, 0.5, -1.0]]
    s, r = both(coord, "SELECT indb_ml.kmeans('{src}', '{out}', 'ARRAY[a, b, c]', 3, initial_centroids => %s)",
                "sh_km", "array_agg(centroid ORDER BY cluster_id)", [init])
    close(s[0], r[0])


def test_pca(coord):
    s, r = both(coord, "SELECT indb_ml.pca_train('{src}', '{out}', NULL, 2, features => 'ARRAY[a, b, c]')",
                "sh_pca", "array_agg(std_dev ORDER BY row_id), array_agg(abs(principal_components[1]) ORDER BY row_id)")
    close(s[0], r[0]); close(s[1], r[1])
    s, r = both(coord, "SELECT indb_ml.pca_train('{src}', '{out}', NULL, 2, 'cls', features => 'ARRAY[a, b, c]')",
                "sh_gpca", "array_agg(std_dev ORDER BY cls, row_id)")
    close(s[0], r[0])


# ------------------------------------------------------------------------- pushdown


def packed_table(conn, model):
    """The coordinator's packed table a model was trained on."""
    return conn.execute("SELECT 'indb_ml_data.' || quote_ident(d.table_name) FROM indb_ml.prepared_data d "
                        "JOIN indb_ml.models m USING (prepared_id) WHERE m.name = %s", [model]).fetchone()[0]


@pytest.mark.parametrize("aggregate", ["linregr_agg(x, y, n)",
                                       "glm_pass(x, y, n, shuffle_key, '\\x00'::bytea ORDER BY shuffle_key)",
                                       "pca_cov_agg(x, n)", "kmeans_step_agg(x, n, NULL::bytea, 1)"])
def test_explain_shows_one_remote_aggregate_per_shard(coord, aggregate):
    coord.execute("DROP TABLE IF EXISTS sh_x, sh_x_summary")
    coord.execute(f"SELECT indb_ml.linregr_train('pts', 'sh_x', 'y', '{FEATURES}')")
    table = packed_table(coord, "public.sh_x")
    with coord.transaction():
        coord.execute("SET LOCAL enable_partitionwise_aggregate = on")
        plan = coord.execute(f"EXPLAIN (VERBOSE, FORMAT JSON) SELECT part, indb_ml.{aggregate} "
                             f"FROM {table} WHERE n > 0 GROUP BY part").fetchone()[0]
    scans = shard_passes.remote_scans(plan)
    assert len(scans) == 2                                  # one foreign scan per shard ...
    for relations, remote_sql, is_async in scans:
        assert relations.startswith("Aggregate on")         # ... that computes the aggregate remotely
        assert f"indb_ml.{aggregate.split('(')[0]}(" in remote_sql and "GROUP BY" in remote_sql
        assert is_async                                     # ... at the same time as the other


def test_pushdown_check_names_the_server(coord, lab):
    coord.execute("ALTER SERVER shard2 OPTIONS (SET extensions 'plpgsql')")
    try:
        port = lab.shards[1].port
        # the first aggregate of a fit: the statistics stored at packing (suffstats_driver) ...
        with pytest.raises(psycopg.Error, match=rf"shard shard2 \(127\.0\.0\.1:{port}\) would not compute "
                                                r"suffstats_agg remotely"):
            coord.execute(f"SELECT indb_ml.linregr_train('pts', 'sh_np', 'y', '{FEATURES}')")
        # ... or, without them, the passes
        coord.execute("SET indb_ml.sufficient_stats = off")
        with pytest.raises(psycopg.Error, match=rf"shard shard2 \(127\.0\.0\.1:{port}\) would not compute "
                                                r"linregr_agg remotely"):
            coord.execute(f"SELECT indb_ml.linregr_train('pts', 'sh_np', 'y', '{FEATURES}')")
        with pytest.raises(psycopg.Error, match=rf"logregr_train: shard shard2 \(127\.0\.0\.1:{port}\) would not "
                                                r"compute glm_pass remotely.*SELECT indb_ml\.add_shard\('shard2'\)"):
            coord.execute(f"SELECT indb_ml.logregr_train('pts', 'sh_np', 'lbl', '{FEATURES}')")
    finally:
        coord.execute("RESET indb_ml.sufficient_stats")
        coord.execute("SELECT indb_ml.add_shard('shard2')")
    assert not coord.execute("SELECT to_regclass('sh_np')").fetchone()[0]


# ------------------------------------------------------------------------- faults and changes


def assert_clean_error(message, shard, port, step):
    assert re.search(rf"shard {shard} \(127\.0\.0\.1:{port}\) .*during {step}", message), message
    assert not re.search(r"[0-9a-fA-F]{64}", message), message


def test_shard_down_before_training(coord, lab):
    coord.execute(f"CREATE TABLE pts_new {COLS} PARTITION BY LIST (region)")
    for i in range(2):
        coord.execute(f"CREATE FOREIGN TABLE pts_new_{i + 1} PARTITION OF pts_new FOR VALUES IN ({i + 1}) "
                      f"SERVER shard{i + 1} OPTIONS (table_name 'pts')")
    before = coordinator_state(coord)
    shard1_before = shard_tables(lab, 0)
    port = lab.shards[1].port
    lab.stop_shard(1)
    try:
        with pytest.raises(psycopg.Error) as err:
            coord.execute(f"SELECT indb_ml.logregr_train('pts_new', 'sh_down', 'lbl', '{FEATURES}')")
        assert_clean_error(str(err.value), "shard2", port, r"packing public\.pts_new_2 \(prepare\)")
        assert coordinator_state(coord) == before
        assert shard_tables(lab, 0) == shard1_before     # shard1 packed, then rolled back
    finally:
        lab.start_shard(1)
    coord.execute(f"SELECT indb_ml.logregr_train('pts_new', 'sh_down', 'lbl', '{FEATURES}')")
    assert coord.execute("SELECT num_rows_processed FROM sh_down").fetchone()[0] == 2500


def test_failure_on_one_shard_leaves_no_packing_anywhere(coord, lab):
    """shard2's table lacks a column: its packing fails, shard1's (already done) is rolled back."""
    with lab.shard_conn(1) as s:
        s.execute("CREATE TABLE pts_noc (region int, a float8, b float8, y float8, lbl boolean, cls int, cnt int)")
    coord.execute(f"CREATE TABLE pts_bad {COLS} PARTITION BY LIST (region)")
    coord.execute("CREATE FOREIGN TABLE pts_bad_1 PARTITION OF pts_bad FOR VALUES IN (1) SERVER shard1 "
                  "OPTIONS (table_name 'pts')")
    coord.execute("CREATE FOREIGN TABLE pts_bad_2 PARTITION OF pts_bad FOR VALUES IN (2) SERVER shard2 "
                  "OPTIONS (table_name 'pts_noc')")
    before, shard1_before = coordinator_state(coord), shard_tables(lab, 0)
    with lab.shard_conn(0) as s1:
        packs_before = s1.execute("SELECT count(*) FROM indb_ml.prepared_data").fetchone()[0]
    with pytest.raises(psycopg.Error) as err:
        coord.execute("SELECT indb_ml.linregr_train('pts_bad', 'sh_bad', 'y', 'ARRAY[2, c, a, b]')")
    assert_clean_error(str(err.value), "shard2", lab.shards[1].port, r"packing public\.pts_bad_2 \(prepare\)")
    assert "column c (independent_varname) does not exist" in str(err.value)
    assert coordinator_state(coord) == before
    assert shard_tables(lab, 0) == shard1_before
    with lab.shard_conn(0) as s1:
        assert s1.execute("SELECT count(*) FROM indb_ml.prepared_data").fetchone()[0] == packs_before


def test_grouped_linregr_and_logregr(coord):
    """grouping_cols: one pushed-down query per pass serves every group (a CASE picks each group's model)."""
    s, r = both(coord, f"SELECT indb_ml.linregr_train('{{src}}', '{{out}}', 'y', '{FEATURES}', 'cls')", "sh_glin",
                "array_agg(cls ORDER BY cls), array_agg(coef ORDER BY cls), array_agg(num_rows_processed ORDER BY cls)")
    assert s[0] == r[0] == [0, 1, 2]
    close(s[1], r[1]); assert s[2] == r[2]
    # (SGD is left out here: grouped packing orders a group's rows by a sort that is not stable, so the
    # single-node blocks of a group hold other rows than a shard's; ungrouped SGD is compared above)
    for opt in ("irls", "lbfgs"):
        s, r = both(coord, f"SELECT indb_ml.logregr_train('{{src}}', '{{out}}', 'lbl', '{FEATURES}', 'cls', 20, %s)",
                    f"sh_glog_{opt}", "array_agg(coef ORDER BY cls), array_agg(num_iterations ORDER BY cls)", [opt])
        close(s[0], r[0]); assert s[1] == r[1]


def test_grouping_expression_refused_on_a_sharded_source(coord, lab):
    """grouping_cols as an expression (plpython/grouping.py) is not packed on shards: a clear error, and
    nothing packed on the coordinator or the shards."""
    before, shard1_before = coordinator_state(coord), shard_tables(lab, 0)
    with pytest.raises(psycopg.Error, match=r"grouping by an expression \(cls % 2\) is not supported on a sharded"):
        coord.execute(f"SELECT indb_ml.linregr_train('pts', 'sh_gexpr', 'y', '{FEATURES}', 'cls % 2')")
    assert coordinator_state(coord) == before
    assert shard_tables(lab, 0) == shard1_before


def test_shard_down_during_training(coord, lab):
    call = f"SELECT indb_ml.logregr_train('pts', 'sh_mid', 'lbl', '{FEATURES}', NULL, 20, 'lbfgs')"
    coord.execute("DROP TABLE IF EXISTS sh_mid, sh_mid_summary")
    coord.execute(call)                                   # packs; the next call reuses the packing
    coord.execute("DROP TABLE sh_mid, sh_mid_summary")
    remote = coord.execute("SELECT srvname, ftoptions FROM pg_foreign_table ft JOIN pg_foreign_server s "
                           "ON s.oid = ft.ftserver JOIN pg_inherits i ON i.inhrelid = ft.ftrelid "
                           "WHERE i.inhparent = %s::regclass AND srvname = 'shard2'",
                           [packed_table(coord, "public.sh_mid")]).fetchone()
    shard2_table = dict(o.split("=", 1) for o in remote[1])["table_name"]
    before = coordinator_state(coord)
    port = lab.shards[1].port
    target = f"indb_ml_data.{shard2_table}"
    waiting = ("SELECT coalesce(array_agg(pid), '{}') FROM pg_locks WHERE NOT granted AND relation = %s::regclass")
    # shard2's reuse check reads its packed copy (packing.intact: crash recovery empties UNLOGGED copies), in
    # the packing's remote transaction; to park the training in its first pass rather than there, a second
    # exclusive lock is queued behind that transaction (committed before any pass) and the pass behind it
    locker, queued = lab.shard_conn(1), lab.shard_conn(1)
    queued_pid = queued.execute("SELECT pg_backend_pid()").fetchone()[0]
    locker.execute("BEGIN")
    locker.execute(f"LOCK TABLE {target} IN ACCESS EXCLUSIVE MODE")     # the reuse check waits here
    errors = []

    def train():
        with psycopg.connect(lab.dsn, autocommit=True) as c:
            try:
                c.execute(call)
            except psycopg.Error as exc:
                errors.append(str(exc))

    def queue():
        try:
            queued.execute("BEGIN")
            queued.execute(f"LOCK TABLE {target} IN ACCESS EXCLUSIVE MODE")   # the first pass waits here
        except psycopg.Error:
            pass                                                # shard2 stopped

    def wait_for(check, what):
        for _ in range(600):
            pids = watch.execute(waiting, [target]).fetchone()[0]
            if check(pids):
                return
            time.sleep(0.05)
        pytest.fail(f"{what}: {errors}")

    worker = threading.Thread(target=train)
    worker.start()
    queuer = threading.Thread(target=queue)
    with lab.shard_conn(1) as watch:
        wait_for(lambda pids: pids, "the training never reached shard2's packed copy")
        queuer.start()
        wait_for(lambda pids: queued_pid in pids and len(pids) >= 2, "the second lock never queued")
        locker.execute("COMMIT")
        wait_for(lambda pids: pids and queued_pid not in pids, "the training pass never reached shard2")
    try:
        lab.stop_shard(1)                                  # shard2 dies mid-pass
        worker.join(120)
        queuer.join(120)
    finally:
        locker.close()
        queued.close()
        lab.start_shard(1)
    assert errors, "training should fail when a shard dies during a pass"
    # the fit's first aggregate over the packed copy sums the statistics stored at packing (suffstats_agg)
    assert_clean_error(errors[0], "shard2", port, r"a training pass \(suffstats_agg\)"), errors[0]
    assert coordinator_state(coord) == before
    coord.execute(call)                                    # the same call succeeds once the shard is back
    assert coord.execute("SELECT num_rows_processed FROM sh_mid").fetchone()[0] == 2500


def test_change_on_one_shard_is_picked_up(coord, lab):
    call = f"SELECT indb_ml.linregr_train('{{src}}', '{{out}}', 'y', '{FEATURES}')"
    both(coord, call, "sh_chg", "coef")
    ids = lambda: {r[0]: r[1] for r in coord.execute(  # noqa: E731
        "SELECT srvname, ftoptions FROM pg_foreign_table ft JOIN pg_foreign_server s ON s.oid = ft.ftserver "
        "JOIN pg_inherits i ON i.inhrelid = ft.ftrelid WHERE i.inhparent = %s::regclass",
        [packed_table(coord, "public.sh_chg")]).fetchall()}
    first = ids()
    rows = make_rows(np.random.default_rng(99), 40, 1)
    with lab.shard_conn(0) as s:
        insert(s, "pts", rows)
    insert(coord, "ref", rows)
    s, r = both(coord, call, "sh_chg", "coef, num_rows_processed")
    close(s[0], r[0])
    assert s[1] == r[1] == 2540
    second = ids()
    assert second["shard1"] != first["shard1"]            # shard1 repacked
    assert second["shard2"] == first["shard2"]            # shard2's packing reused
    with lab.shard_conn(0) as s1:
        s1.execute("DELETE FROM pts WHERE ctid IN (SELECT ctid FROM pts ORDER BY ctid DESC LIMIT 40)")
    coord.execute("DELETE FROM ref_1 WHERE ctid IN (SELECT ctid FROM ref_1 ORDER BY ctid DESC LIMIT 40)")


def test_local_partition_mixed_in(coord, lab):
    rows = make_rows(np.random.default_rng(5), 700, 3)
    coord.execute(f"CREATE TABLE pts_3 PARTITION OF pts FOR VALUES IN (3)")
    coord.execute(f"CREATE TABLE ref_3 PARTITION OF ref FOR VALUES IN (3)")
    try:
        insert(coord, "pts_3", rows)
        insert(coord, "ref_3", rows)
        s, r = both(coord, f"SELECT indb_ml.logregr_train('{{src}}', '{{out}}', 'lbl', '{FEATURES}')", "sh_mix",
                    "coef, num_rows_processed")
        close(s[0], r[0])
        assert s[1] == r[1] == 3200
        # crash recovery empties the local partition's UNLOGGED blocks (simulated: a TRUNCATE leaves the
        # same state); the coordinator must pack again, not reuse a copy without pts_3's rows
        local = coord.execute("SELECT c.oid::regclass::text FROM indb_ml.prepared_data d JOIN pg_inherits i "
                              "ON i.inhparent = ('indb_ml_data.' || quote_ident(d.table_name))::regclass "
                              "JOIN pg_class c ON c.oid = i.inhrelid WHERE d.source_oid = 'pts'::regclass "
                              "AND c.relkind = 'r'").fetchall()
        assert len(local) == 1 and coord.execute(f"SELECT relpersistence FROM pg_class "
                                                 f"WHERE oid = '{local[0][0]}'::regclass").fetchone()[0] == "u"
        coord.execute(f"TRUNCATE {local[0][0]}")
        coord.execute("DROP TABLE IF EXISTS sh_mix, sh_mix_summary")
        coord.execute(f"SELECT indb_ml.logregr_train('pts', 'sh_mix', 'lbl', '{FEATURES}')")
        again = coord.execute("SELECT coef, num_rows_processed FROM sh_mix").fetchone()
        close(again[0], r[0])
        assert again[1] == 3200
    finally:
        coord.execute("SELECT indb_ml.drop_prepared('pts')")
        coord.execute("DROP TABLE pts_3, ref_3")


def test_drop_shard_drops_packed_tables(coord, lab):
    coord.execute(f"SELECT indb_ml.linregr_train('pts', 'sh_drop', 'y', '{FEATURES}')")
    n = coord.execute("SELECT count(*) FROM indb_ml.prepared_data WHERE source_oid = 'pts'::regclass").fetchone()[0]
    assert n >= 1
    msg = coord.execute("SELECT indb_ml.drop_shard('shard2')").fetchone()[0]
    assert "shard2 unregistered" in msg
    assert coord.execute("SELECT count(*) FROM indb_ml.prepared_data WHERE source_oid = 'pts'::regclass"
                         ).fetchone()[0] == 0
    coord.notices.clear()
    coord.execute(f"SELECT indb_ml.linregr_train('pts', 'sh_drop2', 'y', '{FEATURES}')")   # pulled, as before
    assert any("not registered shards (shard2)" in n for n in coord.notices)
    close(coord.execute("SELECT coef FROM sh_drop2").fetchone()[0], coord.execute("SELECT coef FROM sh_drop").fetchone()[0])
    coord.execute("SELECT indb_ml.add_shard('shard2')")



@pytest.mark.parametrize("grouping", [None, "cls"])
def test_stored_statistics_on_shards_equal_the_passes(coord, grouping):
    """Every shard's packing stores its blocks' sufficient statistics (it says so to the coordinator):
    linregr and IRLS's first iteration read them through one pushed-down suffstats_agg per shard, and
    give the models of the pass path (SET indb_ml.sufficient_stats = off) on the same packed copies."""
    g = "NULL" if grouping is None else f"'{grouping}'"
    calls = {"lin": f"SELECT indb_ml.linregr_train('pts', 'sh_st_lin', 'y', '{FEATURES}', {g})",
             "log": f"SELECT indb_ml.logregr_train('pts', 'sh_st_log', 'lbl', '{FEATURES}', {g}, 20, 'irls')"}
    got = {}
    for setting in ("on", "off"):
        coord.execute(f"SET indb_ml.sufficient_stats = {setting}")
        try:
            for name, call in calls.items():
                out = f"sh_st_{name}"
                coord.execute(f"DROP TABLE IF EXISTS {out}, {out}_summary")
                coord.execute(call)
                coefs = coord.execute(f"SELECT array_agg(coef ORDER BY {grouping or 'coef'}) FROM {out}").fetchone()[0]
                passes = coord.execute("SELECT metrics->>'passes' FROM indb_ml.models WHERE name = %s",
                                       [f"public.{out}"]).fetchone()[0]
                got[name, setting] = (coefs, passes)
        finally:
            coord.execute("RESET indb_ml.sufficient_stats")
    for name in calls:
        close(got[name, "on"][0], got[name, "off"][0], 1e-10)
    assert int(got["log", "on"][1]) == int(got["log", "off"][1]) - 1
