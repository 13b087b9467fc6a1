"""WCC against networkx: identical partition, component id = smallest vertex id; helpers."""
import networkx as nx
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
