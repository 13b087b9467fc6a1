"""graph_results.write_vertex_table through a real server: every column kind written exactly (floats bit for
bit, NULLs, vertex-id columns in the id's own type, large ids, a subset of rows), and each algorithm's
result table with MADlib's names and types and no stray NULLs."""
import struct

import numpy as np
import pytest

SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 2.5e-310, 2.2250738585072014e-308, 1.7976931348623157e308,
           -1.7976931348623157e308, 1.0, -1.5, 1.0 + 2.0 ** -52, float("inf"), float("-inf")]

# Calls graph_results.write_vertex_table with the modules the graph functions loaded in this backend: the
# columns given as float8[] / int8[] parameters (exact in both directions), the result read back by the test.
WRITE_FN = r"""
CREATE OR REPLACE FUNCTION pg_temp.gr_write(edge_table text, out_name text, f float8[], i int8[], v int8[],
                                            nan_null boolean, skip boolean, piece int)
RETURNS void LANGUAGE plpython3u AS $py$
import sys
import numpy as np
mods = {k.rsplit('.', 1)[1]: m for k, m in sys.modules.items() if k.endswith(('.graph_results', '.graph_prepare'))}
row = dict(plpy.execute(plpy.prepare(
    "SELECT * FROM indb_ml.prepared_graphs WHERE edge_oid = $1::regclass ORDER BY graph_id DESC LIMIT 1",
    ["text"]), [edge_table])[0])
prep = mods['graph_prepare'].with_tables('indb_ml', row)
prep['schema'] = 'indb_ml'
fl = np.array([np.nan if x is None else x for x in f], dtype=np.float64)
cols = [("f", "float8", fl) + ((np.nan,) if nan_null else ()),
        ("i", "int8", np.array([-1 if x is None else x for x in i], dtype=np.int64), -1),
        ("v", "vid", np.array(v, dtype=np.int64))]
gr = mods['graph_results']
rows_per_piece = gr.WRITE_ROWS
gr.WRITE_ROWS = piece or rows_per_piece         # several pieces: scales shared, ids sliced per piece
try:
    gr.write_vertex_table(plpy, prep, {"sql": plpy.quote_ident(out_name)}, "id", cols,
                          skip_null="v" if skip else None)
finally:
    gr.WRITE_ROWS = rows_per_piece
$py$;
"""


def _graph(conn, id_type, offset, n=300):
    rng = np.random.default_rng(5)
    s, d = rng.integers(0, n, 3 * n), rng.integers(0, n, 3 * n)
    s[:n] = np.arange(n)                                   # every vertex has an edge
    conn.execute("DROP TABLE IF EXISTS gr_edges")
    conn.execute(f"CREATE TABLE gr_edges (a {id_type}, b {id_type})")
    with conn.cursor().copy("COPY gr_edges FROM STDIN") as cp:
        for a, b in zip(s, d):
            cp.write_row((str(a + offset), str(b + offset)) if id_type == "text" else (int(a + offset), int(b + offset)))
    conn.execute("SELECT indb_ml.graph_prepare(NULL, NULL, 'gr_edges', 'src=a, dest=b')")
    conn.execute("DROP TABLE IF EXISTS gr_warm, gr_warm_summary")
    conn.execute("SELECT indb_ml.graph_color(NULL, 'id', 'gr_edges', 'src=a, dest=b', 'gr_warm', engine => 'memory')")
    conn.execute(WRITE_FN)
    prefix = conn.execute("SELECT table_prefix FROM indb_ml.prepared_graphs WHERE edge_oid = 'gr_edges'::regclass "
                          "ORDER BY graph_id DESC LIMIT 1").fetchone()[0]
    ids = [r[0] for r in conn.execute(f'SELECT unnest(ids)::text FROM indb_ml_data."{prefix}_csr"').fetchall()]
    assert sorted(ids) == sorted({str(int(x) + offset) for x in np.concatenate([s, d])})
    return ids                      # the original ids in vid order (text ids: the order of the numbering)


@pytest.mark.parametrize("id_type, offset", [("int4", 0), ("int8", 9_000_000_000_000_000), ("text", 7)])
@pytest.mark.parametrize("subset, piece", [(False, None), (True, None), (False, 64), (True, 37)])
def test_write_vertex_table_exact(conn, id_type, offset, subset, piece):
    ids = _graph(conn, id_type, offset)
    n = len(ids)
    rng = np.random.default_rng(11)
    f = np.concatenate([rng.random(n - 40) / n, rng.normal(size=20) * 10.0 ** rng.integers(-300, 300, 20),
                        SPECIAL, [None] * (40 - 20 - len(SPECIAL))])
    i = rng.integers(-2 ** 62, 2 ** 62, n)
    i[::9] = -1                                            # NULL
    v = rng.integers(-1, n, n)                             # -1: NULL
    rows = np.flatnonzero(v >= 0) if subset else None       # skip_null='v': the rows with a vertex in v
    for nan_null in (True, False):
        conn.execute("DROP TABLE IF EXISTS gr_out")
        conn.execute("SELECT pg_temp.gr_write('gr_edges', 'gr_out', %s, %s, %s, %s, %s, %s)",
                     [[None if x is None else float(x) for x in f], [int(x) for x in i], [int(x) for x in v],
                      nan_null, subset, piece])
        types = dict(conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                                  "WHERE attrelid = 'gr_out'::regclass AND attnum > 0").fetchall())
        idname = {"int4": "integer", "int8": "bigint", "text": "text"}[id_type]
        assert types == {"id": idname, "f": "double precision", "i": "bigint", "v": idname}
        got = {r[0]: r[1:] for r in conn.execute("SELECT id::text, float8send(f), i, v::text FROM gr_out")}
        want_rows = range(n) if rows is None else rows
        assert sorted(got) == sorted(ids[r] for r in want_rows)           # one row per written vertex
        for r in want_rows:
            gf, gi, gv = got[ids[r]]
            x = f[r]
            if x is None:
                assert gf is None if nan_null else struct.unpack(">d", gf)[0] != struct.unpack(">d", gf)[0]
            else:
                assert gf == struct.pack(">d", x)                              # bit for bit
            assert gi == (None if i[r] == -1 else int(i[r]))
            assert gv == (None if v[r] < 0 else ids[v[r]])


def test_result_tables_types_and_no_nulls(conn):
    """Each algorithm's table: MADlib's columns and types, one row per vertex (SSSP: reached ones), no NULL."""
    _graph(conn, "int8", 5_000_000_000)
    conn.execute("DROP TABLE IF EXISTS gr_seeds")
    conn.execute("CREATE TABLE gr_seeds AS SELECT a AS id, (a % 2)::text AS label FROM gr_edges "
                 "GROUP BY a ORDER BY a LIMIT 10")
    calls = {
        "pr": ("SELECT indb_ml.pagerank(NULL, 'id', 'gr_edges', 'src=a, dest=b', 'gr_pr', engine => 'memory')",
               {"id": "bigint", "pagerank": "double precision"}),
        "wcc": ("SELECT indb_ml.wcc(NULL, 'id', 'gr_edges', 'src=a, dest=b', 'gr_wcc', engine => 'memory')",
                {"id": "bigint", "component_id": "bigint"}),
        "sp": ("SELECT indb_ml.graph_sssp(NULL, 'id', 'gr_edges', 'src=a, dest=b', 5000000000, 'gr_sp', "
               "engine => 'memory')", {"id": "bigint", "weight": "double precision", "parent": "bigint"}),
        "col": ("SELECT indb_ml.graph_color(NULL, 'id', 'gr_edges', 'src=a, dest=b', 'gr_col', engine => 'memory')",
                {"id": "bigint", "color": "integer"}),
        "hits": ("SELECT indb_ml.hits(NULL, 'id', 'gr_edges', 'src=a, dest=b', 'gr_hits')",
                 {"id": "bigint", "authority": "double precision", "hub": "double precision"}),
    }
    for name, (q, cols) in calls.items():
        out = "gr_" + name
        conn.execute(f"DROP TABLE IF EXISTS {out}, {out}_summary")
        conn.execute(q)
        types = dict(conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                                  "WHERE attrelid = %s::regclass AND attnum > 0", [out]).fetchall())
        assert types == cols, name
        nulls = " OR ".join(f"{c} IS NULL" for c in cols)
        assert conn.execute(f"SELECT count(*) FROM {out} WHERE {nulls}").fetchone()[0] == 0, name
        count, distinct = conn.execute(f"SELECT count(*), count(DISTINCT id) FROM {out}").fetchone()
        assert count == distinct, name
        if name != "sp":
            assert count == conn.execute(f"SELECT num_vertices FROM {out}_summary").fetchone()[0], name
    assert abs(conn.execute("SELECT sum(pagerank) FROM gr_pr").fetchone()[0] - 1.0) < 1e-12
