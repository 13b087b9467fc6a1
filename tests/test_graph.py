"""Prepared graphs, edge_args grammar and errors, BFS / k-hop / reachability, colouring."""
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import psycopg
import pytest

from graph_testdata import facebook, wiki_vote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import graph as graph_py  # noqa: E402  (pure parser, no server needed)
from plpython import graph_color as gc  # noqa: E402
from plpython import graph_engine as ge  # noqa: E402


def test_parse_edge_args():
    assert graph_py.parse_edge_args('src=a, dest="B c", weight=w') == {
        "src": ("a", False), "dest": ("B c", True), "weight": ("w", False)}
    assert graph_py.parse_edge_args(" DEST = x ") == {"dest": ("x", False)}
    for bad, msg in [("src=a; drop table x", "expected ','"), ("source=a", "unknown key"),
                     ("src=a, src=b", "twice"), ("src=", "must be followed"), ("src=a b", "expected ','"),
                     ("src=(select 1)", "must be followed")]:
        with pytest.raises(graph_py.EdgeArgsError, match=msg):
            graph_py.parse_edge_args(bad)


def test_prepared_graph_reused_until_the_source_changes(conn):
    conn.execute("DROP TABLE IF EXISTS pg_e")
    conn.execute("CREATE TABLE pg_e (a bigint, b int)")
    conn.execute("INSERT INTO pg_e VALUES (10, 20), (20, 30), (30, 10), (10, 20), (5, 5)")
    g1 = conn.execute("SELECT indb_ml.graph_prepare(NULL, NULL, 'pg_e', 'src=a, dest=b')").fetchone()[0]
    g2 = conn.execute("SELECT indb_ml.graph_prepare(NULL, NULL, 'pg_e', 'src=a, dest=b')").fetchone()[0]
    assert g1 == g2
    row = conn.execute("SELECT n_vertices, n_edges, n_duplicates, n_self_loops, id_type, table_prefix "
                       "FROM indb_ml.prepared_graphs WHERE graph_id = %s", [g1]).fetchone()
    assert row[:5] == (4, 4, 1, 1, "int8")
    # dense ids in id order, degrees stored, indexes both ways
    v = conn.execute(f"SELECT vid, id, out_degree, in_degree FROM indb_ml_data.{row[5]}_v ORDER BY vid").fetchall()
    assert v == [(0, 5, 1, 1), (1, 10, 1, 1), (2, 20, 1, 1), (3, 30, 1, 1)]
    # both CSR directions stored in final order (edges 1->2, 2->3, 3->1, 0->0): nothing to sort per call
    csr = conn.execute(f"SELECT n, m, out_deg, out_dst, in_deg, in_src FROM indb_ml_data.{row[5]}_csr").fetchone()
    arr = [np.frombuffer(b, dtype="<i4").tolist() for b in csr[2:]]
    assert csr[:2] == (4, 4)
    assert arr == [[1, 1, 1, 1], [0, 2, 3, 1], [1, 1, 1, 1], [0, 3, 1, 2]]
    # the row-per-edge table (SQL engine, traversals) is built on first use, indexed both ways
    assert conn.execute("SELECT to_regclass(%s)", [f"indb_ml_data.{row[5]}_e"]).fetchone()[0] is None
    conn.execute("DROP TABLE IF EXISTS pg_bfs, pg_bfs_summary")
    conn.execute("SELECT indb_ml.graph_bfs(NULL, NULL, 'pg_e', 'src=a, dest=b', 10::bigint, 'pg_bfs', "
                 "directed => true)")
    idx = conn.execute("SELECT count(*) FROM pg_indexes WHERE schemaname = 'indb_ml_data' AND tablename = %s",
                       [row[5] + "_e"]).fetchone()[0]
    assert idx == 2
    g3 = conn.execute("SELECT indb_ml.graph_prepare(NULL, NULL, 'pg_e', 'src=a, dest=b', false)").fetchone()[0]
    assert g3 != g1
    assert conn.execute("SELECT n_edges FROM indb_ml.prepared_graphs WHERE graph_id = %s", [g3]).fetchone()[0] == 7
    conn.execute("INSERT INTO pg_e VALUES (30, 40)")
    g4 = conn.execute("SELECT indb_ml.graph_prepare(NULL, NULL, 'pg_e', 'src=a, dest=b')").fetchone()[0]
    assert g4 not in (g1, g3)
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_graphs WHERE graph_id = %s", [g1]).fetchone()[0] == 0
    assert conn.execute("SELECT indb_ml.graph_drop_prepared('pg_e')").fetchone()[0] == 2


@pytest.mark.parametrize("args,msg", [
    ("'src=a, dest=nope'", r"column nope \(dest in edge_args\) does not exist"),
    ("'src=a; dest=b'", "expected ','"),
    ("'from=a, dest=b'", "unknown key"),
    ("'src=a, dest=a'", "same column"),
    ("'src=a, dest=t'", "incompatible types"),
])
def test_bad_edge_args_are_clear_errors(conn, args, msg):
    conn.execute("DROP TABLE IF EXISTS bad_e")
    conn.execute("CREATE TABLE bad_e (a int, b int, t text)")
    before = conn.execute("SELECT count(*) FROM indb_ml.prepared_graphs").fetchone()[0]
    with pytest.raises(psycopg.Error, match=msg):
        conn.execute(f"SELECT indb_ml.wcc(NULL, 'id', 'bad_e', {args}, 'bad_out')")
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_graphs").fetchone()[0] == before


def test_missing_tables_and_existing_output(conn):
    with pytest.raises(psycopg.Error, match="does not exist"):
        conn.execute("SELECT indb_ml.wcc(NULL, 'id', 'no_such_edges', 'src=a, dest=b', 'x_out')")
    conn.execute("DROP TABLE IF EXISTS ex_e, ex_out")
    conn.execute("CREATE TABLE ex_e (src int, dest int)")
    conn.execute("INSERT INTO ex_e VALUES (1, 2)")
    with pytest.raises(psycopg.Error, match="vertex_table 'no_vertices' does not exist"):
        conn.execute("SELECT indb_ml.wcc('no_vertices', 'id', 'ex_e', NULL, 'ex_out')")
    conn.execute("CREATE TABLE ex_out (x int)")
    with pytest.raises(psycopg.Error, match="already exists"):
        conn.execute("SELECT indb_ml.wcc(NULL, 'id', 'ex_e', NULL, 'ex_out')")   # default src/dest names


@pytest.mark.parametrize("loader,directed,source", [(wiki_vote, True, 30), (facebook, False, 0)],
                         ids=["wiki-Vote", "ego-Facebook"])
def test_bfs_levels_match_networkx(conn, loader, directed, source):
    table, g = loader(conn)
    out = f"bfs_{table}"
    conn.execute("DROP TABLE IF EXISTS {0}, {0}_summary".format(out))
    conn.execute("SELECT indb_ml.graph_bfs(NULL, 'id', %s, 'src=src, dest=dst', %s, %s, directed => %s)",
                 [table, source, out, directed])
    got = {v: (d, p) for v, d, p in conn.execute(f"SELECT id, dist, parent FROM {out}")}
    ref = nx.single_source_shortest_path_length(g, source)
    assert {v: d for v, (d, _) in got.items()} == ref
    for v, (d, p) in got.items():
        if v == source:
            assert p == source          # MADlib: the source is its own parent
        else:
            assert g.has_edge(p, v) and ref[p] == d - 1
    # bounded, and from a set of sources
    conn.execute("DROP TABLE IF EXISTS {0}_2, {0}_2_summary".format(out))
    srcs = [source, max(ref, key=ref.get)]
    conn.execute("SELECT indb_ml.graph_bfs(NULL, 'id', %s, 'src=src, dest=dst', %s::int[], %s, 2, %s)",
                 [table, srcs, out + "_2", directed])
    got2 = dict(conn.execute(f"SELECT id, dist FROM {out}_2").fetchall())
    ref2 = nx.multi_source_dijkstra_path_length(g, srcs, cutoff=2)
    assert got2 == ref2


def test_khop_and_reachable(conn):
    table, g = wiki_vote(conn)
    conn.execute("DROP TABLE IF EXISTS khop_wv, khop_wv_summary")
    conn.execute("SELECT indb_ml.graph_khop(NULL, 'id', %s, 'src=src, dest=dst', 30, 'khop_wv', 2)", [table])
    got = dict(conn.execute("SELECT id, hops FROM khop_wv").fetchall())
    assert got == nx.single_source_shortest_path_length(g, 30, cutoff=2)
    reach = nx.descendants(g, 30)
    unreachable = next(v for v in sorted(g.nodes) if v not in reach and v != 30)
    q = "SELECT indb_ml.graph_reachable(NULL, 'id', %s, 'src=src, dest=dst', %s, %s)"
    assert conn.execute(q, [table, 30, max(reach)]).fetchone()[0] is True
    assert conn.execute(q, [table, 30, unreachable]).fetchone()[0] is False
    assert conn.execute(q, [table, 30, 30]).fetchone()[0] is True
    with pytest.raises(psycopg.Error, match="is not a vertex"):
        conn.execute(q, [table, 30, 999999])


def test_cycles_text_ids_and_self_loops_in_traversals(conn):
    conn.execute("DROP TABLE IF EXISTS cyc_e, cyc_b, cyc_b_summary")
    conn.execute("CREATE TABLE cyc_e (s text, d text)")
    conn.execute("INSERT INTO cyc_e VALUES ('a','b'), ('b','c'), ('c','a'), ('c','c'), ('d','a')")
    conn.execute("SELECT indb_ml.graph_bfs(NULL, 'v', 'cyc_e', 'src=s, dest=d', 'a'::text, 'cyc_b', "
                 "directed => true)")
    assert dict(conn.execute("SELECT v, dist FROM cyc_b").fetchall()) == {"a": 0, "b": 1, "c": 2}
    assert conn.execute("SELECT indb_ml.graph_reachable(NULL, 'v', 'cyc_e', 'src=s, dest=d', 'a'::text, "
                        "'d'::text)").fetchone()[0] is False
    assert conn.execute("SELECT indb_ml.graph_reachable(NULL, 'v', 'cyc_e', 'src=s, dest=d', 'a'::text, "
                        "'d'::text, directed => false)").fetchone()[0] is True


def test_colouring_is_proper(conn):
    table, g = facebook(conn)
    conn.execute("DROP TABLE IF EXISTS col_fb, col_fb_summary")
    conn.execute("SELECT indb_ml.graph_color(NULL, 'id', %s, 'src=src, dest=dst', 'col_fb', 7)", [table])
    col = dict(conn.execute("SELECT id, color FROM col_fb").fetchall())
    assert set(col) == set(g.nodes)
    assert all(col[u] != col[v] for u, v in g.edges if u != v)
    k = conn.execute("SELECT num_colors FROM col_fb_summary").fetchone()[0]
    assert k == len(set(col.values())) and k <= max(d for _, d in g.degree) + 1


def test_engine_colour_and_bfs_kernels_without_server():
    G = nx.gnp_random_graph(200, 0.05, seed=2, directed=True)
    e = list(G.edges)
    g = ge.Graph.from_edges(200, [a for a, _ in e], [b for _, b in e])
    col, _ = gc.color(g, seed=1)
    assert gc.is_proper(g, col)
    lv = ge.bfs_levels(g, [0])
    ref = nx.single_source_shortest_path_length(G, 0)
    assert {i: int(x) for i, x in enumerate(lv) if x >= 0} == ref


def test_renumber_dense_and_sparse_ids():
    from plpython import graph_csr
    for ids in (np.array([7, 3, 9, 3, 12]), np.array([7, 3, 10**15, 3, -5])):   # presence map / sort
        got, (dense,) = graph_csr.renumber(ids)
        assert got.tolist() == sorted(set(ids.tolist())) and (got[dense] == ids).all()


def test_kernels_on_small_pieces_match_networkx(monkeypatch):
    """Whole-graph passes run piece by piece: with tiny pieces every kernel still matches networkx."""
    from plpython import graph_csr, pagerank, sssp, wcc
    monkeypatch.setattr(ge, "CHUNK", 37)
    G = nx.gnp_random_graph(300, 0.02, seed=4, directed=True)
    G.add_edge(5, 5)
    e = np.array(list(G.edges))
    rng = np.random.default_rng(0)
    w = rng.uniform(0.5, 3.0, len(e))
    for a, b, c in zip(e[:, 0], e[:, 1], w):
        G[a][b]["weight"] = c
    arrays, dup, loops = graph_csr.build(300, e[:, 0], e[:, 1], w)
    assert dup == 0 and loops == 1
    back = {k: graph_csr.unpack(k, v) for k, v in graph_csr.pack(arrays).items()}
    g = ge.Graph(300, back["out_deg"], back["out_dst"], back["in_deg"], back["in_src"], back["out_w"], back["in_w"])
    ref = nx.pagerank(G, tol=1e-14, max_iter=1000, weight=None)
    for schedule in ("sync", "dynamic", "chromatic"):
        x, _, ok = pagerank.pagerank(g, tolerance=1e-13, max_iter=1000, schedule=schedule)
        assert ok and sum(abs(x[v] - ref[v]) for v in ref) < 1e-9, schedule
    label, _, _ = wcc.wcc(g)
    for comp in nx.weakly_connected_components(G):
        assert {int(label[v]) for v in comp} == {min(comp)}
    dist, parent, _ = sssp.sssp(g, [0])
    sp = nx.single_source_dijkstra_path_length(G, 0)
    assert all(abs(dist[v] - sp[v]) < 1e-12 for v in sp) and np.isinf(dist[[v for v in G if v not in sp]]).all()
    assert all(abs(dist[parent[v]] + G[parent[v]][v]["weight"] - dist[v]) < 1e-12 for v in sp if v != 0)


def test_piece_blocks_cover_the_graph(monkeypatch):
    """Dynamic PageRank's blocks: consecutive vertex ranges inside the CSR pieces covering 0..n-1, and
    ``piece_edges`` gives the out-edges of any vertices of a block from its piece."""
    monkeypatch.setattr(ge, "PIECE", 150)
    G = nx.gnp_random_graph(200, 0.03, seed=7, directed=True)
    e = np.array(list(G.edges))
    g = ge.Graph.from_edges(200, e[:, 0], e[:, 1])
    layout = ge.piece_blocks(g, "out", 40)
    assert [p for p, _ in layout] == ge.vertex_ranges(g.out_ptr, 150) and len(layout) > 1
    blocks = [blk for _, bl in layout for blk in bl]
    assert len(blocks) > len(layout) and blocks[0][0] == 0 and blocks[-1][1] == 200
    assert all(b1[1] == b2[0] for b1, b2 in zip(blocks[:-1], blocks[1:]))
    rng = np.random.default_rng(1)
    for (pa, pb), bl in layout:
        nbrs = g.piece("out", pa, pb)[0]
        for a, b in bl:
            assert pa <= a < b <= pb
            vs = np.sort(rng.choice(np.arange(a, b), max(1, (b - a) // 2), replace=False))
            counts, dst = ge.piece_edges(g, "out", pa, nbrs, vs)
            want = sorted((int(u), int(v)) for u in vs for v in G.successors(int(u)))
            assert sorted(zip(np.repeat(vs, counts).tolist(), dst.tolist())) == want


def test_python_api(db_dsn, conn):
    from indb_ml import graph as G
    from indb_ml.client import Database

    table, g = facebook(conn)
    with Database(db_dsn) as db:
        pr = G.pagerank(db, table, "src=src, dest=dst", out_table="api_pr", tolerance=1e-11, directed=False,
                        schedule="sync", replace=True)
        ref = nx.pagerank(g, tol=1e-14, max_iter=1000)
        assert isinstance(pr.values, np.ndarray) and pr.values.dtype == np.float64
        assert sum(abs(v - ref[k]) for k, v in pr.as_dict().items()) < 1e-6
        assert pr.summary["converged"] and len(pr.history) == pr.summary["__iterations__"]
        assert {"scheduled", "edges_touched", "max_change"} <= set(pr.history[0])
        cc = G.wcc(db, table, "src=src, dest=dst", out_table="api_wcc", replace=True)
        assert len(np.unique(cc.values)) == 1
        b = G.bfs(db, table, 0, "src=src, dest=dst", out_table="api_bfs", directed=False, replace=True)
        assert dict(zip(b.ids.tolist(), b.values.tolist())) == nx.single_source_shortest_path_length(g, 0)
        assert G.reachable(db, table, 0, 4038, "src=src, dest=dst", directed=False)
        pr.drop()
        assert not db.table_exists("api_pr")




def test_bfs_madlib_semantics(conn):
    """MADlib's graph_bfs: undirected by default, the source its own parent, no rows for an isolated
    source, a bare edge_args key keeps the default name, vertex_id NULL means 'id', grouping_cols 9th."""
    conn.execute("DROP TABLE IF EXISTS mb_v, mb_e, mb_1, mb_1_summary, mb_2, mb_2_summary, mb_3, mb_3_summary, "
                 "mb_g, mb_g_summary")
    conn.execute("CREATE TABLE mb_v AS SELECT generate_series(0, 11) AS id")
    conn.execute('CREATE TABLE mb_e ("SRC" int, dest int, g int)')
    edges = [(0, 5), (1, 0), (1, 3), (2, 6), (3, 4), (3, 5), (4, 2), (8, 9), (9, 10), (9, 11), (10, 8)]
    conn.execute("INSERT INTO mb_e SELECT s, d, 1 FROM unnest(%s::int[], %s::int[]) AS t(s, d)",
                 [[s for s, _ in edges], [d for _, d in edges]])
    conn.execute("INSERT INTO mb_e SELECT \"SRC\", dest, 2 FROM mb_e WHERE \"SRC\" >= 8")
    conn.execute("""SELECT indb_ml.graph_bfs('mb_v', NULL, 'mb_e', 'src="SRC", dest', 3, 'mb_1')""")
    got = {v: (d, p) for v, d, p in conn.execute("SELECT id, dist, parent FROM mb_1")}
    ug = nx.Graph(edges)
    assert {v: d for v, (d, _) in got.items()} == nx.single_source_shortest_path_length(ug, 3)
    assert got[3] == (0, 3) and all(ug.has_edge(p, v) for v, (_, p) in got.items() if v != 3)
    conn.execute("""SELECT indb_ml.graph_bfs('mb_v', 'id', 'mb_e', 'src="SRC"', 7, 'mb_2')""")
    assert conn.execute("SELECT count(*) FROM mb_2").fetchone()[0] == 0          # 7 has no edge
    conn.execute("""SELECT indb_ml.graph_bfs('mb_v', 'id', 'mb_e', 'src="SRC"', 3, 'mb_3', NULL, true)""")
    assert {v for (v,) in conn.execute("SELECT id FROM mb_3")} == set(nx.descendants(nx.DiGraph(edges), 3)) | {3}
    conn.execute("""SELECT indb_ml.graph_bfs('mb_v', NULL, 'mb_e', 'src="SRC"', 9, 'mb_g', NULL, NULL, 'g')""")
    for grp in (1, 2):
        got = dict(conn.execute("SELECT id, dist FROM mb_g WHERE g = %s", [grp]).fetchall())
        assert got == nx.single_source_shortest_path_length(nx.Graph([(8, 9), (9, 10), (9, 11), (10, 8)]), 9)
