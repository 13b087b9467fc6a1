"""Opt-in change tracking (migrations/0007, sql/change_tracking.sql, plpython/change_log.py).

A tracked source's freshness check reads its change log instead of scanning it. Every cache case
of test_cache_freshness is played on a tracked table and must give fresh results; a refit on a
tracked table scans nothing of the source (pg_stat_get_xact_* of the source in the refit's
transaction); a source with an untracked leaf is scanned; non-owners can neither track another
role's table nor forge, change or delete change rows.
"""
import zlib

import numpy as np
import psycopg
import pytest
from psycopg import sql

from test_cache_freshness import fit, lstsq, make
from test_multi_user import alice, analysts, bob, make_regression, train  # noqa: F401 (fixtures)


def data(conn, table):
    rows = np.array(conn.execute(sql.SQL("SELECT a, b, y FROM {}").format(sql.Identifier(table))).fetchall(),
                    dtype=float).reshape(-1, 3)
    return rows[:, 0], rows[:, 1], rows[:, 2]


def fresh(conn, table):
    a, b, y = data(conn, table)
    return lstsq(a, b, y=y)


def tracked(conn, table, n=300, seed=0):
    make(conn, table, n=n, seed=seed)
    assert conn.execute("SELECT indb_ml.track_changes(%s)", [table]).fetchone()[0] == 1


_READS = ("WITH RECURSIVE tree(oid) AS (SELECT %s::regclass::oid UNION SELECT i.inhrelid FROM pg_inherits i "
          "JOIN tree t ON i.inhparent = t.oid) "
          "SELECT sum(pg_stat_get_xact_numscans(oid))::int, "
          "sum(pg_stat_get_xact_tuples_returned(oid) + pg_stat_get_xact_tuples_fetched(oid))::int FROM tree")


def source_reads(conn, table, statement, params=()):
    """Run statement in a transaction of its own; -> (seq/TID scans, tuples read) meanwhile of table and
    every partition / inheritance child of it (this backend's not yet reported counters, read before and
    after within the transaction: they are flushed only between transactions)."""
    with conn.transaction():
        before = conn.execute(_READS, [table]).fetchone()
        conn.execute(statement, params)
        after = conn.execute(_READS, [table]).fetchone()
    return after[0] - before[0], after[1] - before[1]


def refit_reads(conn, table, out):
    return source_reads(conn, table, "SELECT indb_ml.linregr_train(%s, %s, 'y', 'ARRAY[1, a, b]')", [table, out])


def reused(conn, out):
    return conn.execute(sql.SQL("SELECT reused_prepared_data FROM {}").format(
        sql.Identifier(out + "_summary"))).fetchone()[0]


def check_fresh(conn, table, out, expect_reused=False):
    coef, was_reused = fit(conn, table, out)
    assert was_reused == expect_reused
    np.testing.assert_allclose(coef, fresh(conn, table), rtol=1e-9)


# ------------------------------------------------------------------ no scan on a refit

def test_refit_on_a_tracked_table_scans_nothing_of_the_source(conn):
    make(conn, "ct_plain", n=3000)
    fit(conn, "ct_plain", "ct_plain_0")
    scans, tuples = refit_reads(conn, "ct_plain", "ct_plain_1")          # untracked: the freshness scan
    assert reused(conn, "ct_plain_1") and scans >= 1 and tuples >= 3000
    conn.execute("SELECT indb_ml.track_changes('ct_plain')")
    fit(conn, "ct_plain", "ct_plain_2")                                  # tracking began: packs once more
    scans, tuples = refit_reads(conn, "ct_plain", "ct_plain_3")
    assert reused(conn, "ct_plain_3")
    assert (scans, tuples) == (0, 0)
    conn.execute("INSERT INTO ct_plain VALUES (1, 2, 3)")
    check_fresh(conn, "ct_plain", "ct_plain_4")
    assert conn.execute("SELECT indb_ml.untrack_changes('ct_plain')").fetchone()[0] == 1
    scans, _ = refit_reads(conn, "ct_plain", "ct_plain_5")
    assert scans >= 1                                                    # scanned again


def test_graph_call_on_a_tracked_edge_table_scans_nothing_and_sees_writes(conn):
    conn.execute("DROP TABLE IF EXISTS ct_edges")
    conn.execute("CREATE TABLE ct_edges AS SELECT g AS src, g % 50 + 1 AS dest FROM generate_series(1, 200) g")
    conn.execute("SELECT indb_ml.track_changes('ct_edges')")

    def pagerank(out):
        conn.execute("SELECT indb_ml.pagerank(NULL, 'id', 'ct_edges', 'src=src, dest=dest', %s)", [out])
        return dict(conn.execute(sql.SQL("SELECT id, pagerank FROM {}").format(sql.Identifier(out))).fetchall())

    first = pagerank("ct_pr_1")
    scans, tuples = source_reads(conn, "ct_edges",
                                 "SELECT indb_ml.pagerank(NULL, 'id', 'ct_edges', 'src=src, dest=dest', 'ct_pr_2')")
    assert (scans, tuples) == (0, 0)
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_graphs WHERE edge_oid = 'ct_edges'::regclass"
                        ).fetchone()[0] == 1
    conn.execute("INSERT INTO ct_edges SELECT 1, g FROM generate_series(100, 150) g")
    after = pagerank("ct_pr_3")
    conn.execute("DROP TABLE IF EXISTS ct_edges_copy")
    conn.execute("CREATE TABLE ct_edges_copy AS SELECT * FROM ct_edges")
    conn.execute("SELECT indb_ml.pagerank(NULL, 'id', 'ct_edges_copy', 'src=src, dest=dest', 'ct_pr_copy')")
    copy = dict(conn.execute("SELECT id, pagerank FROM ct_pr_copy").fetchall())
    assert after.keys() == copy.keys() == first.keys() and after != first
    np.testing.assert_allclose([after[k] for k in sorted(after)], [copy[k] for k in sorted(copy)], atol=1e-12)


# ------------------------------------------------------------------ the cache cases, tracked

@pytest.mark.parametrize("change", [
    "INSERT INTO {t} VALUES (0.5, 0.5, 10)",
    "UPDATE {t} SET y = y + 1 WHERE ctid = (SELECT min(ctid) FROM {t})",       # row count unchanged
    "DELETE FROM {t} WHERE ctid = (SELECT min(ctid) FROM {t})",
    "COPY {t} FROM PROGRAM 'echo 1,1,1' WITH (FORMAT csv)",
    "MERGE INTO {t} USING (SELECT 1) s ON false WHEN NOT MATCHED THEN INSERT VALUES (2, 2, 2)",
    "INSERT INTO {t} VALUES (3, 3, 3) ON CONFLICT DO NOTHING",
])
def test_dml_on_a_tracked_table_is_caught(conn, change):
    t = f"ct_dml_{zlib.crc32(change.encode())}"
    tracked(conn, t)
    fit(conn, t, t + "_1")
    check_fresh(conn, t, t + "_2", expect_reused=True)
    conn.execute(change.format(t=t))
    check_fresh(conn, t, t + "_3")
    check_fresh(conn, t, t + "_4", expect_reused=True)


def test_truncate_and_reload_on_a_tracked_table(conn):
    tracked(conn, "ct_trunc")
    a, b, y = data(conn, "ct_trunc")
    fit(conn, "ct_trunc", "ct_trunc_1")
    conn.execute("TRUNCATE ct_trunc")
    conn.execute("INSERT INTO ct_trunc SELECT a, b, 2 * y FROM unnest(%s::float8[], %s::float8[], %s::float8[]) "
                 "AS u(a, b, y)", [list(a), list(b), list(y)])
    check_fresh(conn, "ct_trunc", "ct_trunc_2")
    np.testing.assert_allclose(fresh(conn, "ct_trunc"), 2 * lstsq(a, b, y=y), rtol=1e-9)


def test_column_swap_ddl_on_a_tracked_table(conn):
    tracked(conn, "ct_swap")
    a, b, y = data(conn, "ct_swap")
    fit(conn, "ct_swap", "ct_swap_1")
    for stmt in ("ALTER TABLE ct_swap RENAME a TO tmp", "ALTER TABLE ct_swap RENAME b TO a",
                 "ALTER TABLE ct_swap RENAME tmp TO b"):
        conn.execute(stmt)
    check_fresh(conn, "ct_swap", "ct_swap_2")
    np.testing.assert_allclose(fresh(conn, "ct_swap"), lstsq(b, a, y=y), rtol=1e-9)


def test_statement_changing_zero_rows_only_invalidates(conn):
    tracked(conn, "ct_zero")
    fit(conn, "ct_zero", "ct_zero_1")
    conn.execute("UPDATE ct_zero SET y = 0 WHERE false")
    check_fresh(conn, "ct_zero", "ct_zero_2")           # a spurious repack, the same model


def test_concurrent_commit_after_the_fingerprint_was_read(conn, db_dsn):
    tracked(conn, "ct_conc")
    fit(conn, "ct_conc", "ct_conc_1")
    with psycopg.connect(db_dsn) as writer:             # an open transaction that wrote first (smaller id)
        writer.execute("UPDATE ct_conc SET y = y + 5 WHERE ctid = (SELECT min(ctid) FROM ct_conc)")
        with psycopg.connect(db_dsn, autocommit=True) as other:   # a later writer commits first
            other.execute("INSERT INTO ct_conc VALUES (1, 1, 1)")
        check_fresh(conn, "ct_conc", "ct_conc_2")       # sees the insert, not the open update
        check_fresh(conn, "ct_conc", "ct_conc_3", expect_reused=True)
        writer.commit()
    check_fresh(conn, "ct_conc", "ct_conc_4")           # the update committed after the reading: caught


def test_replica_role_and_disabled_trigger_writes_are_caught(conn):
    tracked(conn, "ct_repl")
    fit(conn, "ct_repl", "ct_repl_1")
    conn.execute("SET session_replication_role = replica")     # what logical replication's apply runs as
    conn.execute("INSERT INTO ct_repl VALUES (1, 1, 50)")
    conn.execute("RESET session_replication_role")
    check_fresh(conn, "ct_repl", "ct_repl_2")
    # a write while the trigger is disabled: the trigger row changes, the log is no longer trusted as is
    conn.execute("ALTER TABLE ct_repl DISABLE TRIGGER indb_ml_track_changes")
    check_fresh(conn, "ct_repl", "ct_repl_3")                   # scanned while disabled
    conn.execute("INSERT INTO ct_repl VALUES (2, 2, 60)")
    conn.execute("ALTER TABLE ct_repl ENABLE ALWAYS TRIGGER indb_ml_track_changes")
    check_fresh(conn, "ct_repl", "ct_repl_4")


def test_cascaded_delete_through_a_foreign_key_is_caught(conn):
    conn.execute("DROP TABLE IF EXISTS ct_child, ct_parent")
    conn.execute("CREATE TABLE ct_parent (k int PRIMARY KEY)")
    conn.execute("INSERT INTO ct_parent VALUES (0), (1)")
    make(conn, "ct_child")
    conn.execute("ALTER TABLE ct_child ADD COLUMN k int REFERENCES ct_parent ON DELETE CASCADE")
    conn.execute("UPDATE ct_child SET k = (ctid::text::point)[1]::int % 2")
    conn.execute("SELECT indb_ml.track_changes('ct_child')")
    fit(conn, "ct_child", "ct_child_1")
    conn.execute("DELETE FROM ct_parent WHERE k = 1")
    check_fresh(conn, "ct_child", "ct_child_2")


def _parted(conn, name, track=True):
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(name)))
    conn.execute(sql.SQL("CREATE TABLE {} (k int, a float8, b float8, y float8) PARTITION BY LIST (k)")
                 .format(sql.Identifier(name)))
    for k in (0, 1):
        conn.execute(sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES IN ({})").format(
            sql.Identifier(f"{name}_{k}"), sql.Identifier(name), sql.Literal(k)))
    make(conn, name + "_src", n=600)
    conn.execute(sql.SQL("INSERT INTO {} SELECT (row_number() OVER ()) % 2, a, b, y FROM {}").format(
        sql.Identifier(name), sql.Identifier(name + "_src")))
    if track:
        assert conn.execute("SELECT indb_ml.track_changes(%s)", [name]).fetchone()[0] == 3


def test_partition_writes_direct_and_through_the_parent(conn):
    _parted(conn, "ct_parted")
    fit(conn, "ct_parted", "ct_parted_m1")
    scans, tuples = refit_reads(conn, "ct_parted", "ct_parted_m2")
    assert (scans, tuples) == (0, 0) and reused(conn, "ct_parted_m2")
    conn.execute("UPDATE ct_parted_1 SET y = y + 1 WHERE ctid = (SELECT min(ctid) FROM ct_parted_1)")   # direct
    check_fresh(conn, "ct_parted", "ct_parted_m3")
    conn.execute("UPDATE ct_parted SET y = y - 1 WHERE k = 0 AND a > 0")                              # parent
    check_fresh(conn, "ct_parted", "ct_parted_m4")
    conn.execute("UPDATE ct_parted SET k = 1 - k WHERE a > 1")                     # rows move between leaves
    check_fresh(conn, "ct_parted", "ct_parted_m5")
    check_fresh(conn, "ct_parted", "ct_parted_m6", expect_reused=True)


def test_an_untracked_leaf_forces_the_scan(conn):
    _parted(conn, "ct_leaf")
    fit(conn, "ct_leaf", "ct_leaf_m1")
    conn.execute("CREATE TABLE ct_leaf_2 PARTITION OF ct_leaf FOR VALUES IN (2)")   # attached later: untracked
    conn.execute("INSERT INTO ct_leaf_2 VALUES (2, 1, 1, 7)")
    check_fresh(conn, "ct_leaf", "ct_leaf_m2")
    scans, _ = refit_reads(conn, "ct_leaf", "ct_leaf_m3")
    assert scans >= 1 and reused(conn, "ct_leaf_m3")                  # the leaf is scanned
    conn.execute("INSERT INTO ct_leaf_2 VALUES (2, 2, 2, 8)")
    check_fresh(conn, "ct_leaf", "ct_leaf_m4")
    assert conn.execute("SELECT indb_ml.track_changes('ct_leaf')").fetchone()[0] == 4
    fit(conn, "ct_leaf", "ct_leaf_m5")
    scans, tuples = refit_reads(conn, "ct_leaf", "ct_leaf_m6")
    assert (scans, tuples) == (0, 0) and reused(conn, "ct_leaf_m6")


def test_compaction_keeps_fingerprints_and_drops_rows_of_untracked_tables(conn):
    tracked(conn, "ct_compact")
    for i in range(5):
        conn.execute("INSERT INTO ct_compact VALUES (%s, 1, 1)", [i])
    fit(conn, "ct_compact", "ct_compact_1")
    make(conn, "ct_gone")
    conn.execute("SELECT indb_ml.track_changes('ct_gone')")
    conn.execute("INSERT INTO ct_gone VALUES (1, 1, 1)")
    gone = conn.execute("SELECT 'ct_gone'::regclass::oid").fetchone()[0]
    conn.execute("DROP TABLE ct_gone")
    conn.execute("SELECT indb_ml.compact_source_changes()")
    assert conn.execute("SELECT count(*), sum(n) FROM indb_ml.source_changes WHERE relid = 'ct_compact'::regclass"
                        ).fetchone() == (1, 5)                # 5 inserts, in one row
    assert conn.execute("SELECT count(*) FROM indb_ml.source_changes WHERE relid = %s", [gone]).fetchone()[0] == 0
    check_fresh(conn, "ct_compact", "ct_compact_2", expect_reused=True)
    conn.execute("INSERT INTO ct_compact VALUES (9, 9, 9)")
    check_fresh(conn, "ct_compact", "ct_compact_3")


# ------------------------------------------------------------------ roles

def test_only_the_owner_tracks_and_nobody_forges_change_rows(analysts, alice, bob, db_dsn):
    make_regression(alice, "ct_owned")
    alice.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
        sql.Identifier(analysts["alice"].role), sql.Identifier(analysts["bob"].role)))
    alice.execute("SELECT indb_ml.track_changes('ct_owned')")
    train(alice, "ct_owned", "ct_owned_1")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        bob.execute(sql.SQL("SELECT indb_ml.untrack_changes({})").format(
            sql.Literal(f"{analysts['alice'].role}.ct_owned")))
    make_regression(bob, "ct_bobs")
    alice.execute(sql.SQL("GRANT SELECT ON ct_owned TO {}").format(sql.Identifier(analysts["bob"].role)))
    alice.execute(sql.SQL("GRANT TRIGGER ON ct_owned TO {}").format(sql.Identifier(analysts["bob"].role)))
    alice_table = f"{analysts['alice'].role}.ct_owned"
    # TRIGGER privilege alone does not make an ALWAYS trigger: only the owner tracks
    alice.execute("SELECT indb_ml.untrack_changes('ct_owned')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only the owner"):
        bob.execute("SELECT indb_ml.track_changes(%s)", [alice_table])
    alice.execute("SELECT indb_ml.track_changes('ct_owned')")
    oid = alice.execute("SELECT 'ct_owned'::regclass::oid").fetchone()[0]
    for stmt, params in (("INSERT INTO indb_ml.source_changes (relid) VALUES (%s)", [oid]),
                         ("UPDATE indb_ml.source_changes SET n = n + 1 WHERE relid = %s", [oid]),
                         ("DELETE FROM indb_ml.source_changes WHERE relid = %s", [oid]),
                         ("SELECT nextval('indb_ml.source_changes_id_seq')", []),
                         ("SELECT indb_ml.compact_source_changes()", []),
                         ("SELECT indb_ml._source_changed()", [])):
        with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.FeatureNotSupported)):
            bob.execute(stmt, params)
    alice.execute("INSERT INTO ct_owned VALUES (-1, 0, 0, 0)")
    # bob sees the change rows of tables he may read, and no others
    n_alice = alice.execute("SELECT count(*) FROM indb_ml.source_changes WHERE relid = %s", [oid]).fetchone()[0]
    assert n_alice >= 1
    assert bob.execute("SELECT count(*) FROM indb_ml.source_changes WHERE relid = %s", [oid]).fetchone()[0] == n_alice
    alice.execute(sql.SQL("REVOKE SELECT ON ct_owned FROM {}").format(sql.Identifier(analysts["bob"].role)))
    assert bob.execute("SELECT count(*) FROM indb_ml.source_changes WHERE relid = %s", [oid]).fetchone()[0] == 0
    # alice's own refit: no scan of her table; bob's writes (had he any) could only add rows
    train(alice, "ct_owned", "ct_owned_2")
    scans, tuples = source_reads(alice, "ct_owned",
                                 "SELECT indb_ml.linregr_train('ct_owned', 'ct_owned_3', 'y', 'ARRAY[1, a, b]')")
    assert (scans, tuples) == (0, 0)
    alice.execute("UPDATE ct_owned SET y = y * 3")
    coef3, reused3 = train(alice, "ct_owned", "ct_owned_4")
    assert not reused3
    np.testing.assert_allclose(coef3, fresh(alice, "ct_owned"), rtol=1e-9)


def test_a_reader_of_the_parent_sees_the_leaves_change_rows(analysts, alice, bob):
    """Reading a partitioned table reads its leaves: their change rows are visible to a reader of the parent."""
    alice.execute("CREATE TABLE ct_p (k int, a float8) PARTITION BY LIST (k)")
    alice.execute("CREATE TABLE ct_p0 PARTITION OF ct_p FOR VALUES IN (0)")
    alice.execute("CREATE TABLE ct_other (k int)")
    assert alice.execute("SELECT indb_ml.track_changes('ct_p')").fetchone()[0] == 2
    alice.execute("SELECT indb_ml.track_changes('ct_other')")
    alice.execute("INSERT INTO ct_p0 VALUES (0, 1)")
    alice.execute("INSERT INTO ct_other VALUES (0)")
    leaf, other = (alice.execute("SELECT %s::regclass::oid", [t]).fetchone()[0] for t in ("ct_p0", "ct_other"))
    seen = "SELECT count(*) FROM indb_ml.source_changes WHERE relid = %s"
    assert alice.execute(seen, [leaf]).fetchone()[0] == 1
    assert bob.execute(seen, [leaf]).fetchone()[0] == 0
    alice.execute(sql.SQL("GRANT SELECT ON ct_p TO {}").format(sql.Identifier(analysts["bob"].role)))
    assert bob.execute(seen, [leaf]).fetchone()[0] == 1
    assert bob.execute(seen, [other]).fetchone()[0] == 0


# ------------------------------------------------------------------ uninstalling

def test_uninstall_refuses_while_a_table_is_tracked(server_dsn):
    from conftest import create_database, drop_database

    from indb_ml import installer
    dsn = create_database(server_dsn)
    try:
        installer.install(dsn, write_extension=False)
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute("CREATE TABLE ct_keep (a float8)")
            c.execute("SELECT indb_ml.track_changes('ct_keep')")
        with pytest.raises(installer.InstallError, match="indb_ml_track_changes"):
            installer.uninstall(dsn)
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute("SELECT indb_ml.untrack_changes('ct_keep')")
        installer.uninstall(dsn)
        with psycopg.connect(dsn, autocommit=True) as c:
            assert c.execute("SELECT to_regclass('ct_keep') IS NOT NULL").fetchone()[0]
    finally:
        drop_database(server_dsn, dsn)
