"""The freshness fingerprint's cheaper readings give the values of the exact ones (issue 10).

A first packing takes the fingerprint from the blocks it packs (the xmin term per block, the
last ctid from the tail pages); a refit reads it with one parallel scan through
``xid_bits(xmin)``. Each case checks that the two agree (the copy is reused) where nothing
changed, that a change is still caught, and that the readings equal the slow exact formulas.
"""
import numpy as np
from psycopg import sql

from test_cache_freshness import fit, lstsq, make


def _fingerprint(conn, source):
    return conn.execute("SELECT fingerprint FROM indb_ml.prepared_data WHERE source_oid = %s::regclass "
                        "ORDER BY prepared_id DESC LIMIT 1", [source]).fetchone()[0]


def _exact(conn, source):
    """count, sum(3 - xmin) mod 2^32 and max(ctid), read the slow way (text cast, full scan)."""
    n, s, last = conn.execute(sql.SQL("SELECT count(*), coalesce(sum(xmin::text::int8), 0), max(ctid)::text FROM {}")
                              .format(sql.Identifier(source))).fetchone()
    return f"{n}:{(3 * n - int(s)) % (1 << 32)}:{last}"


def _data(conn, source):
    rows = np.array(conn.execute(sql.SQL("SELECT a, b, y FROM {}").format(sql.Identifier(source))).fetchall(),
                    dtype=float)
    return rows[:, 0], rows[:, 1], rows[:, 2]


def test_packing_fingerprint_equals_the_scan_and_frozen_rows_count(conn):
    make(conn, "fp_plain", n=5000)
    conn.execute("VACUUM (FREEZE) fp_plain")                 # frozen rows read xmin 2
    conn.execute("INSERT INTO fp_plain SELECT a + 1, b, y FROM fp_plain LIMIT 100")
    fit(conn, "fp_plain", "fp_plain_1")
    assert _fingerprint(conn, "fp_plain").endswith(_exact(conn, "fp_plain"))
    _, reused = fit(conn, "fp_plain", "fp_plain_2")            # the refit's scan gives the same text
    assert reused


def test_partitioned_source_packed_per_leaf_is_reused_and_an_update_is_caught(conn):
    conn.execute("DROP TABLE IF EXISTS fp_parted CASCADE")
    conn.execute("CREATE TABLE fp_parted (k int, a float8, b float8, y float8) PARTITION BY LIST (k)")
    conn.execute("CREATE TABLE fp_parted_0 PARTITION OF fp_parted FOR VALUES IN (0)")
    conn.execute("CREATE TABLE fp_parted_1 PARTITION OF fp_parted FOR VALUES IN (1)")
    make(conn, "fp_parted_src", n=4000)
    conn.execute("INSERT INTO fp_parted SELECT (row_number() OVER ()) % 2, a, b, y FROM fp_parted_src")
    fit(conn, "fp_parted", "fp_pmodel_1")
    assert _fingerprint(conn, "fp_parted").endswith(_exact(conn, "fp_parted"))
    _, reused = fit(conn, "fp_parted", "fp_pmodel_2")
    assert reused
    conn.execute("UPDATE fp_parted_1 SET y = y + 1 WHERE ctid = (SELECT min(ctid) FROM fp_parted_1)")
    coef, reused = fit(conn, "fp_parted", "fp_pmodel_3")
    assert not reused
    a, b, y = _data(conn, "fp_parted")
    np.testing.assert_allclose(coef, lstsq(a, b, y=y), rtol=1e-9)


def test_empty_tail_pages_fall_back_to_the_whole_table(conn):
    make(conn, "fp_tail", n=20000)
    pages = conn.execute("SELECT pg_relation_size('fp_tail') / current_setting('block_size')::int").fetchone()[0]
    assert pages > 40
    # the last 20 pages lose every row (no VACUUM: the pages stay, empty of visible rows)
    conn.execute(f"DELETE FROM fp_tail WHERE ctid >= '({pages - 20},0)'::tid")
    fit(conn, "fp_tail", "fp_tail_1")
    assert _fingerprint(conn, "fp_tail").endswith(_exact(conn, "fp_tail"))
    _, reused = fit(conn, "fp_tail", "fp_tail_2")
    assert reused
    conn.execute("DELETE FROM fp_tail WHERE ctid = (SELECT max(ctid) FROM fp_tail)")
    coef, reused = fit(conn, "fp_tail", "fp_tail_3")
    assert not reused
    a, b, y = _data(conn, "fp_tail")
    np.testing.assert_allclose(coef, lstsq(a, b, y=y), rtol=1e-9)
