"""Packed data and prepared graphs are never served stale (issue 8, cache cases).

Each case changes a source in a way the old fingerprint (row count, xmin sum, last ctid) missed,
trains again, and asserts the result equals a fresh fit (numpy / a fresh copy of the table), or
that the copies are gone.
"""
import numpy as np
import psycopg
import pytest
from psycopg import sql


def make(conn, table, n=300, seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    y = 1 + 2 * a - 3 * b + rng.normal(scale=0.1, size=n)
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
    conn.execute(sql.SQL("CREATE TABLE {} (a float8, b float8, y float8)").format(sql.Identifier(table)))
    with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as cp:
        for i in range(n):
            cp.write_row((a[i], b[i], y[i]))
    return a, b, y


def fit(conn, source, out, features="ARRAY[1, a, b]", label="y"):
    conn.execute("SELECT indb_ml.linregr_train(%s, %s, %s, %s)", [source, out, label, features])
    coef = np.array(conn.execute(sql.SQL("SELECT coef FROM {}").format(sql.Identifier(out))).fetchone()[0])
    reused = conn.execute(sql.SQL("SELECT reused_prepared_data FROM {}").format(
        sql.Identifier(out + "_summary"))).fetchone()[0]
    return coef, reused


def lstsq(*cols, y):
    X = np.column_stack([np.ones(len(y)), *cols])
    return np.linalg.lstsq(X, y, rcond=None)[0]


def test_column_name_swap(conn):
    a, b, y = make(conn, "cf_swap")
    first, _ = fit(conn, "cf_swap", "cf_swap_1")
    np.testing.assert_allclose(first, lstsq(a, b, y=y), rtol=1e-9)
    for stmt in ("ALTER TABLE cf_swap RENAME a TO tmp", "ALTER TABLE cf_swap RENAME b TO a",
                 "ALTER TABLE cf_swap RENAME tmp TO b"):
        conn.execute(stmt)
    second, reused = fit(conn, "cf_swap", "cf_swap_2")
    assert not reused
    np.testing.assert_allclose(second, lstsq(b, a, y=y), rtol=1e-9)     # column "a" now holds the old b
    np.testing.assert_allclose(second[[0, 2, 1]], first, rtol=1e-9)


def test_drop_and_add_column_with_default(conn):
    a, b, y = make(conn, "cf_default")
    fit(conn, "cf_default", "cf_default_1")
    conn.execute("ALTER TABLE cf_default DROP COLUMN y")
    conn.execute("ALTER TABLE cf_default ADD COLUMN y float8 DEFAULT 1")
    coef, reused = fit(conn, "cf_default", "cf_default_2")
    assert not reused
    np.testing.assert_allclose(coef, lstsq(a, b, y=np.ones(len(a))), atol=1e-9)
    np.testing.assert_allclose(coef, [1, 0, 0], atol=1e-9)


def test_drop_and_add_all_null_column(conn):
    make(conn, "cf_null")
    fit(conn, "cf_null", "cf_null_1")
    conn.execute("ALTER TABLE cf_null DROP COLUMN b")
    conn.execute("ALTER TABLE cf_null ADD COLUMN b float8")    # every row's b is now NULL
    conn.execute("CREATE TABLE cf_null_fresh AS SELECT * FROM cf_null")
    with pytest.raises(psycopg.Error) as fresh:
        fit(conn, "cf_null_fresh", "cf_null_fresh_m")
    with pytest.raises(psycopg.Error) as again:
        fit(conn, "cf_null", "cf_null_2")
    assert again.value.diag.message_primary == fresh.value.diag.message_primary.replace("cf_null_fresh", "cf_null")
    assert conn.execute("SELECT to_regclass('cf_null_2') IS NULL").fetchone()[0]


def test_unchanged_source_is_reused_and_dml_is_caught(conn):
    a, b, y = make(conn, "cf_dml")
    fit(conn, "cf_dml", "cf_dml_1")
    _, reused = fit(conn, "cf_dml", "cf_dml_2")
    assert reused
    conn.execute("UPDATE cf_dml SET y = y + 1 WHERE ctid = (SELECT min(ctid) FROM cf_dml)")   # count unchanged
    coef, reused = fit(conn, "cf_dml", "cf_dml_3")
    assert not reused
    y2 = np.array([r[0] for r in conn.execute("SELECT y FROM cf_dml ORDER BY a").fetchall()])
    a2 = np.array([r[0] for r in conn.execute("SELECT a FROM cf_dml ORDER BY a").fetchall()])
    b2 = np.array([r[0] for r in conn.execute("SELECT b FROM cf_dml ORDER BY a").fetchall()])
    np.testing.assert_allclose(coef, lstsq(a2, b2, y=y2), rtol=1e-9)


def test_views_are_never_reused(conn):
    make(conn, "cf_view_src")
    conn.execute("CREATE VIEW cf_view AS SELECT * FROM cf_view_src")
    fit(conn, "cf_view", "cf_view_1")
    _, reused = fit(conn, "cf_view", "cf_view_2")
    assert not reused
    # and the never-reusable copy of the view is replaced, not piled up
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_data WHERE source_oid = 'cf_view'::regclass"
                        ).fetchone()[0] == 1


def test_foreign_partition_is_never_reused(conn):
    conn.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
    conn.execute("DROP TABLE IF EXISTS cf_parted CASCADE")
    conn.execute("CREATE TABLE cf_parted (k int, a float8, b float8, y float8) PARTITION BY LIST (k)")
    conn.execute("CREATE TABLE cf_parted_0 PARTITION OF cf_parted FOR VALUES IN (0)")
    make(conn, "cf_parted_src")
    conn.execute("INSERT INTO cf_parted SELECT 0, a, b, y FROM cf_parted_src")
    fit(conn, "cf_parted", "cf_parted_1")
    _, reused = fit(conn, "cf_parted", "cf_parted_2")
    assert reused
    # a foreign partition (xmin reads 0 through postgres_fdw): never reused
    info = psycopg.conninfo.conninfo_to_dict(conn.info.dsn)
    password = conn.info.password
    conn.execute("DROP SERVER IF EXISTS cf_loop CASCADE")
    conn.execute(sql.SQL("CREATE SERVER cf_loop FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host {}, port {}, dbname {})")
                 .format(sql.Literal(conn.info.host), sql.Literal(str(conn.info.port)), sql.Literal(info["dbname"])))
    conn.execute(sql.SQL("CREATE USER MAPPING FOR CURRENT_USER SERVER cf_loop OPTIONS (user {}, password {})")
                 .format(sql.Literal(conn.info.user), sql.Literal(password)))
    conn.execute("CREATE TABLE cf_remote AS SELECT 1 AS k, a + 1 AS a, b, y + 2 AS y FROM cf_parted_src")
    conn.execute("CREATE FOREIGN TABLE cf_parted_1f PARTITION OF cf_parted FOR VALUES IN (1) SERVER cf_loop "
                 "OPTIONS (table_name 'cf_remote')")

    def expected():
        rows = np.array(conn.execute("SELECT a, b, y FROM cf_parted").fetchall(), dtype=float)
        return lstsq(rows[:, 0], rows[:, 1], y=rows[:, 2])

    coef, reused = fit(conn, "cf_parted", "cf_parted_3")
    assert not reused
    np.testing.assert_allclose(coef, expected(), rtol=1e-9)
    conn.execute("UPDATE cf_remote SET y = y * 2")     # a change the local xmin cannot see
    coef, reused = fit(conn, "cf_parted", "cf_parted_4")
    assert not reused
    np.testing.assert_allclose(coef, expected(), rtol=1e-9)


def _bfs_reached(conn, edges, out):
    conn.execute("SELECT indb_ml.graph_bfs(NULL, 'id', %s, 'src=src, dest=dest', 1, %s, directed => true)",
                 [edges, out])
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(out))).fetchone()[0]


def test_graph_src_dest_swap(conn):
    # a star: 1 -> 2..41; from vertex 1 (directed) every vertex is reached; swapped, none
    conn.execute("DROP TABLE IF EXISTS cf_star")
    conn.execute("CREATE TABLE cf_star AS SELECT 1 AS src, g AS dest FROM generate_series(2, 41) g")
    assert _bfs_reached(conn, "cf_star", "cf_bfs_1") == 41
    for stmt in ("ALTER TABLE cf_star RENAME src TO tmp", "ALTER TABLE cf_star RENAME dest TO src",
                 "ALTER TABLE cf_star RENAME tmp TO dest"):
        conn.execute(stmt)
    conn.execute("CREATE TABLE cf_star_fresh AS SELECT * FROM cf_star")
    fresh = _bfs_reached(conn, "cf_star_fresh", "cf_bfs_fresh")
    assert fresh == 0           # vertex 1 now has no out-edge: no rows at all (MADlib's isolated source)
    assert _bfs_reached(conn, "cf_star", "cf_bfs_2") == fresh


def test_dropping_a_source_drops_its_copies(conn):
    make(conn, "cf_gone")
    fit(conn, "cf_gone", "cf_gone_1")
    conn.execute("CREATE TABLE cf_gone_edges AS SELECT g AS src, g + 1 AS dest FROM generate_series(1, 20) g")
    conn.execute("SELECT indb_ml.graph_prepare(NULL, NULL, 'cf_gone_edges', 'src=src, dest=dest', true)")
    oid = conn.execute("SELECT 'cf_gone'::regclass::oid").fetchone()[0]
    eoid = conn.execute("SELECT 'cf_gone_edges'::regclass::oid").fetchone()[0]
    packed = [r[0] for r in conn.execute("SELECT 'indb_ml_data.' || table_name FROM indb_ml.prepared_data "
                                         "WHERE source_oid = %s", [oid])]
    prefix = conn.execute("SELECT table_prefix FROM indb_ml.prepared_graphs WHERE edge_oid = %s", [eoid]).fetchone()[0]
    # (the row-per-edge table _e is built only when the SQL traversals first need it)
    conn.execute("SELECT indb_ml.graph_reachable(NULL, NULL, 'cf_gone_edges', 'src=src, dest=dest', 1, 5)")
    graph_tables = [f"indb_ml_data.{prefix}{s}" for s in ("_v", "_e", "_csr")]
    assert packed and all(conn.execute("SELECT to_regclass(%s) IS NOT NULL", [t]).fetchone()[0]
                          for t in packed + graph_tables)
    conn.execute("DROP TABLE cf_gone, cf_gone_edges")
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_data WHERE source_oid = %s", [oid]).fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_graphs WHERE edge_oid = %s", [eoid]).fetchone()[0] == 0
    for t in packed + graph_tables:
        assert conn.execute("SELECT to_regclass(%s) IS NULL", [t]).fetchone()[0], t
    # dropping a packed table by hand forgets its catalog row
    make(conn, "cf_gone2")
    fit(conn, "cf_gone2", "cf_gone2_1")
    name = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_oid = 'cf_gone2'::regclass"
                        ).fetchone()[0]
    conn.execute(sql.SQL("DROP TABLE indb_ml_data.{}").format(sql.Identifier(name)))
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_data WHERE table_name = %s", [name]).fetchone()[0] == 0


def test_packed_copy_of_a_temporary_source_is_swept_after_its_session(conn, db_dsn):
    """A temporary table vanishes at session end without firing the sql_drop event trigger: its
    packed copy is dropped by the owner's next packing (and by drop_orphans)."""
    with psycopg.connect(db_dsn, autocommit=True) as other:
        make(other, "cf_tmp_src")
        other.execute("CREATE TEMP TABLE cf_tmp AS SELECT * FROM cf_tmp_src")
        other.execute("SELECT indb_ml.linregr_train('cf_tmp', 'cf_tmp_out', 'y', 'ARRAY[1, a, b]')")
        tmp_oid = other.execute("SELECT 'cf_tmp'::regclass::oid").fetchone()[0]
        packed = other.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_oid = %s",
                               [tmp_oid]).fetchone()[0]
        other.execute("DROP TABLE cf_tmp_src")
    # that session ended: the temporary source is gone, its packed copy is not yet
    assert conn.execute("SELECT to_regclass(%s) IS NOT NULL", [f"indb_ml_data.{packed}"]).fetchone()[0]
    make(conn, "cf_tmp_next")
    fit(conn, "cf_tmp_next", "cf_tmp_next_out")           # the next packing sweeps it
    assert conn.execute("SELECT to_regclass(%s) IS NULL", [f"indb_ml_data.{packed}"]).fetchone()[0]
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_data WHERE source_oid = %s",
                        [tmp_oid]).fetchone()[0] == 0
