"""WCC against networkx: identical partition, component id = smallest vertex id; helpers."""
import networkx as nx
import numpy as np
import psycopg
import pytest

from graph_testdata import column, facebook, wiki_vote


@pytest.mark.parametrize("loader", [wiki_vote, facebook], ids=["wiki-Vote", "ego-Facebook"])
def test_wcc_partition_matches_networkx(conn, loader):
    table, g = loader(conn)
    out = f"wcc_{table}"
    conn.execute("DROP TABLE IF EXISTS {0}, {0}_summary".format(out))
    conn.execute("SELECT indb_ml.wcc(NULL, 'id', %s, 'src=src, dest=dst', %s)", [table, out])
    comp = column(conn, out, "id", "component_id")
    ug = g.to_undirected() if g.is_directed() else g
    expected = {v: min(c) for c in nx.connected_components(ug) for v in c}
    assert comp == expected
    assert conn.execute("SELECT indb_ml.graph_wcc_num_cpts(%s)", [out]).fetchone()[0] == \
        nx.number_connected_components(ug)
    hist = dict(conn.execute("SELECT component_size, num_components FROM indb_ml.graph_wcc_histogram(%s)",
                             [out]).fetchall())
    sizes = [len(c) for c in nx.connected_components(ug)]
    assert hist == {s: sizes.count(s) for s in set(sizes)}
    conn.execute("DROP TABLE IF EXISTS {0}_largest".format(out))
    conn.execute("SELECT indb_ml.graph_wcc_largest_cpt(%s, %s)", [out, out + "_largest"])
    assert conn.execute(f"SELECT num_vertices FROM {out}_largest").fetchone()[0] == max(sizes)


def test_wcc_text_ids_isolated_and_self_loops(conn):
    conn.execute("DROP TABLE IF EXISTS wcc_tv, wcc_te, wcc_t, wcc_t_summary")
    conn.execute("CREATE TABLE wcc_tv (name varchar(10))")
    conn.execute("INSERT INTO wcc_tv VALUES ('alone'), ('b'), ('zz'), (NULL)")
    conn.execute("CREATE TABLE wcc_te (\"From\" text, \"To\" text)")
    conn.execute("INSERT INTO wcc_te VALUES ('b','c'), ('c','d'), ('x','y'), ('y','y'), ('d','b'), ('q', NULL)")
    conn.execute("SELECT indb_ml.wcc('wcc_tv', 'name', 'wcc_te', 'src=\"From\", dest=\"To\"', 'wcc_t')")
    comp = column(conn, "wcc_t", "name", "component_id")
    assert comp == {"alone": "alone", "b": "b", "c": "b", "d": "b", "x": "x", "y": "x", "zz": "zz"}
    assert conn.execute("SELECT num_null_endpoints_skipped, num_self_loops FROM wcc_t_summary").fetchone() == (1, 1)


def test_wcc_round_history(conn):
    table, _ = wiki_vote(conn)
    conn.execute("DROP TABLE IF EXISTS wcc_hist, wcc_hist_summary")
    conn.notices.clear()
    conn.execute("SELECT indb_ml.wcc(NULL, 'id', %s, 'src=src, dest=dst', 'wcc_hist')", [table])
    rows = conn.execute("SELECT iteration, rows, elapsed_ms, info FROM indb_ml.model_iterations i "
                        "JOIN indb_ml.models m USING (model_id) WHERE m.name = 'public.wcc_hist' "
                        "ORDER BY iteration").fetchall()
    assert len(rows) >= 2 and rows[0][1] == len(column(conn, "wcc_hist", "id", "component_id"))
    assert all({"scheduled", "edges_touched", "max_change", "mode"} <= set(r[3]) for r in rows)
    assert rows[-1][3]["edges_touched"] < rows[0][3]["edges_touched"]   # the frontier shrinks
    assert sum(1 for _, m in conn.notices if m.startswith("wcc: round")) == len(rows)


def test_wcc_helpers_reject_other_tables(conn):
    conn.execute("DROP TABLE IF EXISTS wcc_not")
    conn.execute("CREATE TABLE wcc_not (a int, b int)")
    with pytest.raises(psycopg.Error, match="not a wcc"):
        conn.execute("SELECT indb_ml.graph_wcc_num_cpts('wcc_not')")


def _grouped_graph(conn):
    """Two groups of a random graph (group 2 drops a third of group 1's edges), a shared vertex table."""
    rng = np.random.default_rng(3)
    edges = [(int(a), int(b)) for a, b in rng.integers(0, 80, size=(70, 2))]
    conn.execute("DROP TABLE IF EXISTS wg_v, wg_e")
    conn.execute("CREATE TABLE wg_v AS SELECT generate_series(0, 79) AS vid")
    conn.execute("CREATE TABLE wg_e (a int, b int, grp int)")
    rows = [(a, b, 1) for a, b in edges] + [(a, b, 2) for i, (a, b) in enumerate(edges) if i % 3]
    with conn.cursor().copy("COPY wg_e FROM STDIN") as cp:
        for r in rows:
            cp.write_row(r)
    graphs = {}
    for a, b, grp in rows:
        graphs.setdefault(grp, nx.Graph()).add_edge(a, b)
    return graphs


def test_wcc_grouped_and_madlib_helpers_match_networkx(conn):
    graphs = _grouped_graph(conn)
    conn.execute("DROP TABLE IF EXISTS wg_out, wg_out_summary, wg_big, wg_hist, wg_vc, wg_reach, wg_cnt")
    # MADlib's positions: grouping_cols 6th; a group's vertices are its edges' endpoints
    conn.execute("SELECT indb_ml.weakly_connected_components('wg_v', 'vid', 'wg_e', 'src=a, dest=b', 'wg_out', 'grp')")
    for grp, g in graphs.items():
        got = dict(conn.execute("SELECT vid, component_id FROM wg_out WHERE grp = %s", [grp]).fetchall())
        assert got == {v: min(c) for c in nx.connected_components(g) for v in c}
    conn.execute("SELECT indb_ml.graph_wcc_num_cpts('wg_out', 'wg_cnt')")
    assert dict(conn.execute("SELECT grp, num_components FROM wg_cnt").fetchall()) == \
        {grp: nx.number_connected_components(g) for grp, g in graphs.items()}
    conn.execute("SELECT indb_ml.graph_wcc_histogram('wg_out', 'wg_hist')")
    hist = {(grp, c): n for grp, c, n in conn.execute("SELECT grp, component_id, num_vertices FROM wg_hist")}
    assert hist == {(grp, min(c)): len(c) for grp, g in graphs.items() for c in nx.connected_components(g)}
    conn.execute("SELECT indb_ml.graph_wcc_largest_cpt('wg_out', 'wg_big')")
    big = conn.execute("SELECT grp, component_id, num_vertices FROM wg_big ORDER BY 1, 2").fetchall()
    expected = []
    for grp, g in sorted(graphs.items()):
        top = max(map(len, nx.connected_components(g)))
        expected += sorted((grp, min(c), top) for c in nx.connected_components(g) if len(c) == top)
    assert big == expected
    g1 = graphs[1]
    comp = max(nx.connected_components(g1), key=len)
    u, w = sorted(comp)[:2]
    conn.execute("SELECT indb_ml.graph_wcc_vertex_check('wg_out', ARRAY[%s, %s], 'wg_vc')", [u, w])
    vc = conn.execute("SELECT grp, component_id FROM wg_vc ORDER BY 1").fetchall()
    assert vc == [(grp, min(c)) for grp, g in sorted(graphs.items()) for c in nx.connected_components(g)
                  if u in c and w in c]
    conn.execute("SELECT indb_ml.graph_wcc_reachable_vertices('wg_out', %s, 'wg_reach')", [u])
    for grp, g in graphs.items():
        got = {d for (d,) in conn.execute("SELECT dest FROM wg_reach WHERE grp = %s", [grp])}
        assert got == (nx.node_connected_component(g, u) - {u} if u in g else set())


def test_wcc_iteration_limit_and_warm_start(conn):
    """MADlib's resumable run: stopped after one round, continued round by round, the same partition."""
    table, g = wiki_vote(conn)
    conn.execute("DROP TABLE IF EXISTS ws_out, ws_out_summary, ws_out_message")
    conn.execute("SELECT indb_ml.wcc(NULL, 'id', %s, 'src=src, dest=dst', 'ws_out', NULL, 1)", [table])
    pending = conn.execute("SELECT nodes_to_update FROM ws_out_summary").fetchone()[0]
    assert pending > 0 and conn.execute("SELECT count(*) FROM ws_out_message").fetchone()[0] == pending
    for _ in range(100):
        conn.execute("SELECT indb_ml.wcc(NULL, 'id', %s, 'src=src, dest=dst', 'ws_out', NULL, 1, true)", [table])
        if conn.execute("SELECT nodes_to_update FROM ws_out_summary").fetchone()[0] == 0:
            break
    assert conn.execute("SELECT to_regclass('ws_out_message')").fetchone()[0] is None
    expected = {v: min(c) for c in nx.connected_components(g.to_undirected()) for v in c}
    assert column(conn, "ws_out", "id", "component_id") == expected
    with pytest.raises(psycopg.Error, match="is missing"):
        conn.execute("SELECT indb_ml.wcc(NULL, 'id', %s, 'src=src, dest=dst', 'ws_out', NULL, 1, true)", [table])


def test_wcc_grouped_warm_start(conn):
    graphs = _grouped_graph(conn)
    conn.execute("DROP TABLE IF EXISTS wgw, wgw_summary, wgw_message")
    conn.execute("SELECT indb_ml.wcc('wg_v', 'vid', 'wg_e', 'src=a, dest=b', 'wgw', 'grp', 1)")
    assert conn.execute("SELECT count(*) FROM wgw_summary WHERE nodes_to_update > 0").fetchone()[0] == 2
    for _ in range(100):
        conn.execute("SELECT indb_ml.wcc('wg_v', 'vid', 'wg_e', 'src=a, dest=b', 'wgw', 'grp', 1, true)")
        if conn.execute("SELECT max(nodes_to_update) FROM wgw_summary").fetchone()[0] == 0:
            break
    for grp, g in graphs.items():
        got = dict(conn.execute("SELECT vid, component_id FROM wgw WHERE grp = %s", [grp]).fetchall())
        assert got == {v: min(c) for c in nx.connected_components(g) for v in c}
