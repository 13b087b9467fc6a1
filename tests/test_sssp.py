"""SSSP against networkx (Dijkstra; Bellman-Ford with negative weights), paths, negative cycles, grouping."""
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
    conn.execute("SELECT indb_ml.graph_sssp(NULL, 'id', %s, 'src=a, dest=b, weight=cost', %s, %s, directed => %s)",
                 [table, source, out, directed])
    res = conn.execute(f"SELECT id, cost, parent FROM {out}").fetchall()   # MADlib: named after the weight
    dist = {v: d for v, d, _ in res}
    assert set(dist) == set(ref)                 # only the reached vertices, as MADlib
    assert all(abs(dist[v] - ref[v]) <= 1e-12 * max(1.0, ref[v]) for v in ref)
    # parent pointers: dist[v] == dist[parent] + w(parent, v); the source is its own parent
    for v, d, p in res:
        if v == source:
            assert p == source and d == 0
        else:
            assert abs(dist[p] + g[p][v]["weight"] - d) <= 1e-9
    far = max(ref, key=ref.get)
    path_ids = conn.execute("SELECT indb_ml.graph_sssp_path(%s, %s)", [out, far]).fetchone()[0]
    assert path_ids[0] == source and path_ids[-1] == far
    assert abs(nx.path_weight(g, path_ids, "weight") - ref[far]) < 1e-9


def test_sssp_errors_and_edge_cases(conn):
    conn.execute("DROP TABLE IF EXISTS sp_neg, sp_unw, sp_o, sp_o_summary, sp_u, sp_u_summary")
    conn.execute("CREATE TABLE sp_neg (s int, d int, w float8)")
    conn.execute("INSERT INTO sp_neg VALUES (1,2,1.0), (2,3,-0.5), (3,1,-1.0)")
    with pytest.raises(psycopg.Error, match="negative cycle"):
        conn.execute("SELECT indb_ml.graph_sssp(NULL, 'id', 'sp_neg', 'src=s, dest=d, weight=w', 1, 'sp_o')")
    with pytest.raises(psycopg.Error, match="is not a vertex"):
        conn.execute("SELECT indb_ml.graph_sssp(NULL, 'id', 'sp_neg', 'src=s, dest=d', 99, 'sp_o')")
    assert not conn.execute("SELECT to_regclass('sp_o') IS NOT NULL").fetchone()[0]
    # no weight column: hop counts; duplicates keep the smallest weight
    conn.execute("CREATE TABLE sp_unw (s text, d text)")
    conn.execute("INSERT INTO sp_unw VALUES ('a','b'), ('b','c'), ('a','b'), ('c','c'), ('e', 'f')")
    conn.execute("SELECT indb_ml.graph_sssp(NULL, 'v', 'sp_unw', 'src=s, dest=d', 'a'::text, 'sp_u')")
    got = dict(conn.execute("SELECT v, weight FROM sp_u").fetchall())
    assert got == {"a": 0, "b": 1, "c": 2}
    assert conn.execute("SELECT indb_ml.graph_sssp_path('sp_u', 'c'::text)").fetchone()[0] == ["a", "b", "c"]
    assert conn.execute("SELECT indb_ml.graph_sssp_path('sp_u', 'e'::text)").fetchone()[0] is None


def test_sssp_negative_weights_match_bellman_ford(conn):
    """MADlib's semantics: negative edge weights are allowed (Bellman-Ford); checked against networkx."""
    rng = np.random.default_rng(5)
    n = 60
    # a DAG (edges from lower to higher ids) can hold negative weights without a negative cycle
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, n, size=(400, 2)) if a < b}
    rows = [(a, b, round(float(rng.uniform(-3.0, 5.0)), 4)) for a, b in sorted(pairs)]
    conn.execute("DROP TABLE IF EXISTS sp_bf, sp_bf_out, sp_bf_out_summary, sp_bf_path")
    conn.execute("CREATE TABLE sp_bf (s int, d int, w float8)")
    with conn.cursor().copy("COPY sp_bf FROM STDIN") as cp:
        for r in rows:
            cp.write_row(r)
    g = nx.DiGraph()
    g.add_weighted_edges_from(rows)
    source = min(a for a, _, _ in rows)
    ref = nx.single_source_bellman_ford_path_length(g, source)
    conn.execute("SELECT indb_ml.graph_sssp(NULL, NULL, 'sp_bf', 'src=s, dest=d, weight=w', %s, 'sp_bf_out')",
                 [source])
    got = dict(conn.execute("SELECT id, w FROM sp_bf_out").fetchall())
    assert set(got) == set(ref)
    assert max(abs(got[v] - ref[v]) for v in ref) < 1e-9
    far = min(ref, key=ref.get)
    conn.execute("SELECT indb_ml.graph_sssp_get_path('sp_bf_out', %s, 'sp_bf_path')", [far])
    path = conn.execute("SELECT path FROM sp_bf_path").fetchone()[0]
    assert path[0] == source and path[-1] == far
    assert abs(nx.path_weight(g, path, "weight") - ref[far]) < 1e-9
    assert nx.negative_edge_cycle(g) is False


def test_sssp_grouped_drops_a_group_with_a_negative_cycle(conn):
    conn.execute("DROP TABLE IF EXISTS sp_gr, sp_gr_out, sp_gr_out_summary, sp_gr_path")
    conn.execute("CREATE TABLE sp_gr (s int, d int, w float8, grp int)")
    conn.execute("INSERT INTO sp_gr VALUES (1,2,1,0), (2,3,-0.5,0), (1,3,2,0), "
                 "(1,2,1,1), (2,3,-2,1), (3,2,1,1)")
    conn.execute("SELECT indb_ml.graph_sssp(NULL, NULL, 'sp_gr', 'src=s, dest=d, weight=w', 1, 'sp_gr_out', 'grp')")
    rows = conn.execute("SELECT grp, id, w, parent FROM sp_gr_out ORDER BY grp, id").fetchall()
    assert rows == [(0, 1, 0.0, 1), (0, 2, 1.0, 1), (0, 3, 0.5, 2)]       # group 1 has 2 -> 3 -> 2 at -1
    conn.execute("SELECT indb_ml.graph_sssp_get_path('sp_gr_out', 3, 'sp_gr_path')")
    assert conn.execute("SELECT grp, path FROM sp_gr_path").fetchall() == [(0, [1, 2, 3])]
