"""How packed copies are stored (issue 10): UNLOGGED (no WAL for a cache of the source), the
float bytes out of line without a compression attempt, and a copy emptied by crash recovery is
packed again, never served empty."""
import tempfile
from pathlib import Path

import numpy as np
import psycopg
from psycopg import sql

from indb_ml import installer
from indb_ml.local import LocalCluster


def make(conn, table, n, d=20, seed=0, partitioned=False):
    """A table (id, x float8[d], y float8) with y linear in x; partitioned: 3 range partitions by id."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, d))
    y = X @ np.arange(1, d + 1) + 0.5 + rng.normal(scale=0.01, size=n)
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(table)))
    tail = sql.SQL(" PARTITION BY RANGE (id)") if partitioned else sql.SQL("")
    conn.execute(sql.SQL("CREATE TABLE {} (id int, x float8[], y float8){}").format(sql.Identifier(table), tail))
    if partitioned:
        for i, (lo, hi) in enumerate(((0, n // 3), (n // 3, 2 * n // 3), (2 * n // 3, n))):
            conn.execute(sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES FROM ({}) TO ({})").format(
                sql.Identifier(f"{table}_{i}"), sql.Identifier(table), sql.Literal(lo), sql.Literal(hi)))
    with conn.cursor().copy(sql.SQL("COPY {} (id, x, y) FROM STDIN").format(sql.Identifier(table))) as cp:
        for i in range(n):
            cp.write_row((i, X[i].tolist(), float(y[i])))
    return X, y


def packed_relations(conn, table):
    """[(relname, relkind, relpersistence, storage of x, storage of y)] of the newest packed copy of table."""
    name = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_table = %s "
                        "ORDER BY prepared_id DESC LIMIT 1", [f"public.{table}"]).fetchone()[0]
    return conn.execute(
        "SELECT c.relname, c.relkind, c.relpersistence, "
        "(SELECT attstorage FROM pg_attribute WHERE attrelid = c.oid AND attname = 'x'), "
        "(SELECT attstorage FROM pg_attribute WHERE attrelid = c.oid AND attname = 'y') "
        "FROM pg_class c LEFT JOIN pg_partition_tree(('indb_ml_data.' || quote_ident(%s))::regclass) t ON c.oid = t.relid "
        "WHERE c.relnamespace = 'indb_ml_data'::regnamespace AND (c.relname = %s OR t.relid IS NOT NULL) "
        "ORDER BY t.level NULLS FIRST, c.relname", [name, name]).fetchall()


def test_packed_copy_is_unlogged_and_stored_out_of_line(conn):
    make(conn, "ps_plain", 500)
    conn.execute("SELECT indb_ml.prepare('ps_plain', 'y', 'x')")
    assert [r[1:] for r in packed_relations(conn, "ps_plain")] == [("r", "u", "e", "e")]


def test_partitioned_source_packs_into_unlogged_partitions(conn):
    X, y = make(conn, "ps_parts", 600, partitioned=True)
    conn.execute("SELECT indb_ml.prepare('ps_parts', 'y', 'x')")
    rels = packed_relations(conn, "ps_parts")
    # the partitioned parent has no storage of its own (and cannot be UNLOGGED); its 3 partitions are
    assert [r[1:3] for r in rels] == [("p", "p")] + [("r", "u")] * 3
    assert all(r[3:] == ("e", "e") for r in rels)
    conn.execute("SELECT indb_ml.linregr_train('ps_parts', 'ps_parts_m', 'y', 'x')")
    coef = np.array(conn.execute("SELECT coef FROM ps_parts_m").fetchone()[0])
    np.testing.assert_allclose(coef, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-9, atol=1e-12)


def test_packing_writes_no_wal_for_the_packed_bytes(conn):
    # 20,000 rows x 20 float8: 3.2 MB of packed features; logged, they would take more than that in WAL
    make(conn, "ps_wal", 20_000)
    before = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
    conn.execute("SELECT indb_ml.prepare('ps_wal', 'y', 'x')")
    wal = conn.execute("SELECT pg_current_wal_insert_lsn() - %s::pg_lsn", [before]).fetchone()[0]
    packed = conn.execute("SELECT n_rows * n_features * 8 FROM indb_ml.prepared_data "
                          "WHERE source_table = 'public.ps_wal'").fetchone()[0]
    assert packed == 20_000 * 20 * 8
    assert wal < packed / 20, (wal, packed)


def test_a_copy_emptied_by_crash_recovery_is_packed_again():
    """A real crash (immediate shutdown: no checkpoint) empties every UNLOGGED table; the catalog row
    survives. The next training must not reuse the empty copy: it packs again and fits all rows."""
    cluster = LocalCluster(Path(tempfile.mkdtemp(prefix="indb_ml_crash_")), ephemeral=True)
    try:
        dsn = cluster.start()
        installer.install(dsn)
        with psycopg.connect(dsn, autocommit=True) as conn:
            X, y = make(conn, "ps_crash", 3000)
            expected = np.linalg.lstsq(X, y, rcond=None)[0]
            fits = []
            for i in range(2):
                conn.execute(f"SELECT indb_ml.linregr_train('ps_crash', 'ps_crash_{i}', 'y', 'x')")
                fits.append(conn.execute(f"SELECT m.coef, s.reused_prepared_data, s.num_rows_processed "
                                         f"FROM ps_crash_{i} m, ps_crash_{i}_summary s").fetchone())
            assert [f[1] for f in fits] == [False, True]
        cluster.stop(mode="immediate")
        dsn = cluster.start()
        with psycopg.connect(dsn, autocommit=True) as conn:
            name = conn.execute("SELECT table_name FROM indb_ml.prepared_data").fetchone()[0]
            # what recovery left: the catalog row, and its packed table emptied
            assert conn.execute(sql.SQL("SELECT count(*) FROM indb_ml_data.{}").format(
                sql.Identifier(name))).fetchone()[0] == 0
            conn.execute("SELECT indb_ml.linregr_train('ps_crash', 'ps_crash_2', 'y', 'x')")
            coef, reused, rows = conn.execute("SELECT m.coef, s.reused_prepared_data, s.num_rows_processed "
                                              "FROM ps_crash_2 m, ps_crash_2_summary s").fetchone()
            assert not reused and rows == 3000
            np.testing.assert_allclose(coef, expected, rtol=1e-9, atol=1e-12)
            # the emptied copy is gone, one copy is left
            assert conn.execute("SELECT count(*) FROM indb_ml.prepared_data").fetchone()[0] == 1
            assert conn.execute("SELECT to_regclass(%s) IS NULL", [f"indb_ml_data.{name}"]).fetchone()[0]
    finally:
        cluster.destroy()
