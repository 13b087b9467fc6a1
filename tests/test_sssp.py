"""SSSP against networkx Dijkstra with seeded random positive weights; paths; negative weights rejected."""
import networkx as nx
import numpy as np
import psycopg
import pytest

from graph_testdata import edges_of, load_edges, WIKI_VOTE, FACEBOOK


def _weighted(conn, table, path, seed):
    edges = load_edges(conn, table + "_plain", path)
    if not conn.execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()[0]:
        w = np.random.default_rng(seed).uniform(0.5, 10.0, len(edges)).round(6)
        conn.execute(f"CREATE TABLE {table} (a int, b int, cost float8)")
        with conn.cursor().copy(f"COPY {table} FROM STDIN") as cp:
            for (s, d), c in zip(edges.tolist(), w.tolist()):
                cp.write_row((s, d, c))
    return [(int(s), int(d), float(c)) for s, d, c in conn.execute(f"SELECT a, b, cost FROM {table}")]


@pytest.mark.parametrize("path,directed,source", [(WIKI_VOTE, True, 30), (FACEBOOK, False, 0)],
                         ids=["wiki-Vote", "ego-Facebook"])
def test_sssp_matches_dijkstra(conn, path, directed, source):
    table = "sssp_" + ("wv" if directed else "fb")
    rows = _weighted(conn, table, path, 7)
    g = nx.DiGraph() if directed else nx.Graph()
    for s, d, c in rows:
        if not g.has_edge(s, d) or g[s][d]["weight"] > c:
            g.add_edge(s, d, weight=c)
    ref = nx.single_source_dijkstra_path_length(g, source)
    out = table + "_out"
    conn.execute("DROP TABLE IF EXISTS {0}, {0}_summary".format(out))
    conn.execute("SELECT indb_ml.graph_sssp(NULL, 'id', %s, 'src=a, dest=b, weight=cost', %s, %s, %s)",
                 [table, source, out, directed])
    res = conn.execute(f"SELECT id, distance, parent FROM {out}").fetchall()
    dist = {v: d for v, d, _ in res}
    assert set(dist) == set(g.nodes)
    reached = {v: d for v, d in dist.items() if d != float("inf")}
    assert set(reached) == set(ref)
    assert all(abs(reached[v] - ref[v]) <= 1e-12 * max(1.0, ref[v]) for v in ref)
    # parent pointers: dist[v] == dist[parent] + w(parent, v)
    for v, d, p in res:
        if p is not None:
            assert abs(dist[p] + g[p][v]["weight"] - d) <= 1e-9
        else:
            assert v == source or d == float("inf")
    far = max(ref, key=ref.get)
    path_ids = conn.execute("SELECT indb_ml.graph_sssp_path(%s, %s)", [out, far]).fetchone()[0]
    assert path_ids[0] == source and path_ids[-1] == far
    assert abs(nx.path_weight(g, path_ids, "weight") - ref[far]) < 1e-9


def test_sssp_errors_and_edge_cases(conn):
    conn.execute("DROP TABLE IF EXISTS sp_neg, sp_unw, sp_o, sp_o_summary, sp_u, sp_u_summary")
    conn.execute("CREATE TABLE sp_neg (s int, d int, w float8)")
    conn.execute("INSERT INTO sp_neg VALUES (1,2,1.0), (2,3,-0.5)")
    with pytest.raises(psycopg.Error, match="negative edge weight"):
        conn.execute("SELECT indb_ml.graph_sssp(NULL, 'id', 'sp_neg', 'src=s, dest=d, weight=w', 1, 'sp_o')")
    with pytest.raises(psycopg.Error, match="is not a vertex"):
        conn.execute("SELECT indb_ml.graph_sssp(NULL, 'id', 'sp_neg', 'src=s, dest=d', 99, 'sp_o')")
    assert not conn.execute("SELECT to_regclass('sp_o') IS NOT NULL").fetchone()[0]
    # no weight column: hop counts; duplicates keep the smallest weight
    conn.execute("CREATE TABLE sp_unw (s text, d text)")
    conn.execute("INSERT INTO sp_unw VALUES ('a','b'), ('b','c'), ('a','b'), ('c','c'), ('e', 'f')")
    conn.execute("SELECT indb_ml.graph_sssp(NULL, 'v', 'sp_unw', 'src=s, dest=d', 'a'::text, 'sp_u')")
    got = dict(conn.execute("SELECT v, distance FROM sp_u").fetchall())
    assert got == {"a": 0, "b": 1, "c": 2, "e": float("inf"), "f": float("inf")}
    assert conn.execute("SELECT indb_ml.graph_sssp_path('sp_u', 'c'::text)").fetchone()[0] == ["a", "b", "c"]
    assert conn.execute("SELECT indb_ml.graph_sssp_path('sp_u', 'e'::text)").fetchone()[0] is None
