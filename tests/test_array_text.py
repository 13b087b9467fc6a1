"""array_text: numpy columns -> PostgreSQL array literals, exact through a real server; graph results
written through them (integer ids of every width translated in numpy, NULLs kept)."""
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import array_text  # noqa: E402


def _floats_back(conn, x, nan_null=False):
    """The values as the graph results rebuild them: mantissa::float8 * scales[index]."""
    mant, index, isnull, scales = array_text.float_parts(x, nan_null)
    rows = conn.execute("SELECT u.m::float8 * (%s::float8[])[u.k] FROM unnest(%s::text::int8[], %s::text::int4[]) "
                        "WITH ORDINALITY u(m, k, o) ORDER BY u.o",
                        [scales, array_text.integers(mant, isnull=isnull), array_text.integers(index)]).fetchall()
    return [r[0] for r in rows]


def test_floats_round_trip_exactly(conn):
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.random(5000) / 7, rng.normal(size=500) * 1e300, rng.normal(size=500) * 1e-300,
                        rng.normal(size=500) * 1e-315, np.ldexp(1.0, np.arange(-1074, 1024)),
                        -np.ldexp(1.0 + 2.0 ** -52, np.arange(-1022, 1024)),
                        [np.inf, -np.inf, np.nan, 0.0, -0.0, 5e-324, -5e-324, 2.5e-310, 2.2250738585072014e-308,
                         1.7976931348623157e308, -1.7976931348623157e308, 1.0, -1.5, 1.0 + 2.0 ** -52]])
    back = np.array(_floats_back(conn, x), dtype=np.float64)
    assert back.shape == x.shape
    assert np.array_equal(back.view(np.uint64)[~np.isnan(x)], x.view(np.uint64)[~np.isnan(x)])  # bit for bit
    assert np.isnan(back[np.isnan(x)]).all()
    assert _floats_back(conn, np.zeros(0)) == []
    assert len(array_text.float_parts(rng.random(1000) * 1e-5)[3]) <= 20     # a few scales, not one per value


def test_nan_as_null_and_integers_with_nulls(conn):
    assert _floats_back(conn, np.array([np.nan, 1.5, np.inf, -0.0]), nan_null=True)[:3] == [None, 1.5, float("inf")]
    cases = [(np.array([0, 5, -3, 123456789, -1, 2 ** 62, -(2 ** 62), 2 ** 63 - 1, -(2 ** 63), 9999, 10000]), None, None),
             (np.array([3, -1, 0, 7]), -1, None), (np.array([-1, -1]), -1, None), (np.zeros(0, int), None, None),
             (np.array([4, 5, 6]), None, np.array([False, True, False]))]
    for values, null, mask in cases:
        got = conn.execute("SELECT %s::text::int8[]", [array_text.integers(values, null, mask)]).fetchone()[0]
        isnull = mask if mask is not None else (values == null if null is not None else np.zeros(values.size, bool))
        assert got == [None if z else int(v) for v, z in zip(values, isnull)]


@pytest.mark.parametrize("id_type, offset", [("int2", 0), ("int8", 5_000_000_000), ("text", 0)])
def test_wcc_and_sssp_results_for_every_id_type(conn, id_type, offset):
    """Result columns of vertex ids (WCC's component, SSSP's parent) in the id's own type."""
    g = nx.DiGraph(nx.gnm_random_graph(60, 70, seed=3, directed=True).edges())     # vertices with edges only
    conn.execute("DROP TABLE IF EXISTS at_edges, at_wcc, at_wcc_summary, at_sp, at_sp_summary")
    conn.execute(f"CREATE TABLE at_edges (a {id_type}, b {id_type})")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO at_edges VALUES (%s, %s)",
                        [(str(u + offset) if id_type == "text" else u + offset,
                          str(v + offset) if id_type == "text" else v + offset) for u, v in g.edges()])
    conn.execute("SELECT indb_ml.wcc(NULL, 'id', 'at_edges', 'src=a, dest=b', 'at_wcc', engine => 'memory')")
    comp = dict(conn.execute("SELECT id::text, component_id::text FROM at_wcc").fetchall())
    def key(v):
        return str(v + offset)
    for cc in nx.weakly_connected_components(g):
        expect = min(cc, key=key) if id_type == "text" else min(cc)      # the smallest id (text: in text order)
        assert {comp[key(v)] for v in cc} == {key(expect)}
    assert conn.execute("SELECT pg_typeof(component_id)::text FROM at_wcc LIMIT 1").fetchone()[0] == \
        {"int2": "smallint", "int8": "bigint", "text": "text"}[id_type]
    src = min(g.nodes(), key=lambda v: -g.out_degree(v))
    conn.execute(f"SELECT indb_ml.graph_sssp(NULL, 'id', 'at_edges', 'src=a, dest=b', %s::text::{id_type}, 'at_sp', "
                 f"engine => 'memory')", [key(src)])
    rows = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id::text, weight, parent::text FROM at_sp").fetchall()}
    dist = nx.single_source_shortest_path_length(g, src)
    assert set(rows) == {key(v) for v in dist}
    for v, d in dist.items():
        w, p = rows[key(v)]
        assert w == d
        assert p == key(src) if v == src else dist[int(p) - offset if id_type != "text" else int(p)] == d - 1
