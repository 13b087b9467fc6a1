"""engine => 'sql': every fixed point and schedule, reading the CSR through SQL, matches networkx and the memory engine.

wiki-Vote (7k vertices, 104k edges, directed). Each test also checks that no temp table of the engine
(``_indb_g*``) and no stray table is left behind.
"""
import networkx as nx
import psycopg
import pytest

from conftest import tables_in
from graph_testdata import column, wiki_vote


def _l1(ours: dict, ref: dict) -> float:
    assert set(ours) == set(ref)
    return float(sum(abs(ours[k] - ref[k]) for k in ref))


def _no_engine_tables(conn):
    left = conn.execute("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_indb\\_g%'").fetchone()[0]
    assert left == 0


def _history(conn, model_id):
    return conn.execute("SELECT iteration, rows, elapsed_ms, info FROM indb_ml.model_iterations "
                        "WHERE model_id = %s ORDER BY iteration", [model_id]).fetchall()


def _user_tables(conn):
    """Tables outside the prepared-graph cache (indb_ml_data._graph_*)."""
    return {t for t in tables_in(conn) if not t.startswith(("indb_ml._graph_", "indb_ml_data."))}


@pytest.fixture
def wv_ref(conn):
    table, g = wiki_vote(conn)
    return table, g, nx.pagerank(g, alpha=0.85, tol=1e-14, max_iter=10000)


def test_sql_pagerank_matches_networkx_and_memory(conn, wv_ref):
    table, _, ref = wv_ref
    before = _user_tables(conn)
    touched = {}
    for schedule in ("sync", "dynamic", "chromatic"):
        res = {}
        for engine in ("memory", "sql"):
            out = f"prsql_{schedule}_{engine}"
            conn.execute("DROP TABLE IF EXISTS {0}, {0}_summary".format(out))
            before -= {f"public.{out}", f"public.{out}_summary"}
            conn.notices.clear()
            msg = conn.execute("SELECT indb_ml.pagerank(NULL, 'id', %s, 'src=src, dest=dst', %s, tolerance => 1e-11, "
                               "max_iter => 500, schedule => %s, engine => %s)",
                               [table, out, schedule, engine]).fetchone()[0]
            assert "converged" in msg and "NOT" not in msg
            ours = column(conn, out, "id", "pagerank")
            assert _l1(ours, ref) < 1e-6, (schedule, engine)
            assert abs(sum(ours.values()) - 1.0) < 1e-9
            s = conn.execute(f"SELECT __iterations__, converged, edges_touched, model_id FROM {out}_summary").fetchone()
            hist = _history(conn, s[3])
            assert s[1] is True and len(hist) == s[0]
            assert sum(h[3]["edges_touched"] for h in hist) == s[2]
            assert all({"scheduled", "edges_touched", "max_change", "mode"} <= set(h[3]) for h in hist)
            assert sum(1 for _, m in conn.notices if m.startswith("pagerank: round")) == len(hist)
            res[engine] = (ours, s, [(h[1], h[3]["edges_touched"], h[3]["mode"]) for h in hist])
        # same rounds, same scheduling, same values (up to summation order)
        assert res["sql"][2] == res["memory"][2], schedule
        assert _l1(res["sql"][0], res["memory"][0]) < 1e-12
        touched[schedule] = conn.execute(
            "SELECT sum((info->>'edges_touched')::bigint) FROM indb_ml.model_iterations WHERE model_id = %s",
            [res["sql"][1][3]]).fetchone()[0]
        params = conn.execute("SELECT params->>'engine' FROM indb_ml.models WHERE model_id = %s",
                              [res["sql"][1][3]]).fetchone()[0]
        assert params == "sql"
    # the dirty-vertex schedule touches fewer edges than whole-graph Jacobi rounds at equal tolerance
    assert touched["dynamic"] < touched["sync"], touched
    _no_engine_tables(conn)
    assert _user_tables(conn) - before == {f"public.prsql_{s}_{e}{x}" for s in ("sync", "dynamic", "chromatic")
                                           for e in ("memory", "sql")
                              for x in ("", "_summary")}


def test_sql_pagerank_personalization_errors_and_cleanup(conn):
    conn.execute("DROP TABLE IF EXISTS prsql_e, prsql_p, prsql_p_summary, prsql_bad")
    conn.execute("CREATE TABLE prsql_e (a text, b text)")
    conn.execute("INSERT INTO prsql_e VALUES ('x','y'), ('y','z'), ('z','x'), ('z','w'), ('x','x')")
    g = nx.DiGraph([("x", "y"), ("y", "z"), ("z", "x"), ("z", "w"), ("x", "x")])
    for schedule in ("sync", "dynamic", "chromatic"):
        conn.execute("DROP TABLE IF EXISTS prsql_p, prsql_p_summary")
        conn.execute("SELECT indb_ml.pagerank(NULL, 'node', 'prsql_e', 'src=a, dest=b', 'prsql_p', tolerance => 1e-13, "
                     "schedule => %s, personalization_vertices => ARRAY['y'], engine => 'sql')", [schedule])
        ref = nx.pagerank(g, tol=1e-15, max_iter=1000, personalization={"y": 1})
        assert _l1(column(conn, "prsql_p", "node", "pagerank"), ref) < 1e-9
    for args, msg in [("schedule => 'gauss', engine => 'sql'", "schedule must be"),
                      ("engine => 'gpu'", "engine must be 'auto', 'memory' or 'sql'")]:
        with pytest.raises(psycopg.Error, match=msg):
            conn.execute(f"SELECT indb_ml.pagerank(NULL, 'id', 'prsql_e', 'src=a, dest=b', 'prsql_bad', {args})")
    # a failure mid-run (max_iter reached is a warning; a bad id is an error after the graph is prepared)
    with pytest.raises(psycopg.Error, match="is not a vertex"):
        conn.execute("SELECT indb_ml.pagerank(NULL, 'id', 'prsql_e', 'src=a, dest=b', 'prsql_bad', engine => 'sql', "
                     "personalization_vertices => ARRAY['nope'])")
    assert not conn.execute("SELECT to_regclass('prsql_bad') IS NOT NULL").fetchone()[0]
    _no_engine_tables(conn)


def _run_both(conn, call, out_prefix, args):
    """Run call (with %s for out_table and engine) under both engines; rows, summary, history per engine."""
    res = {}
    for engine in ("memory", "sql"):
        out = f"{out_prefix}_{engine}"
        conn.execute("DROP TABLE IF EXISTS {0}, {0}_summary".format(out))
        conn.notices.clear()
        conn.execute(call, args + [out, engine])
        model_id = conn.execute(f"SELECT model_id FROM {out}_summary").fetchone()[0]
        hist = _history(conn, model_id)
        fn = call.split("indb_ml.")[1].split("(")[0]
        assert sum(1 for _, m in conn.notices if m.startswith(f"{fn}: round")) == len(hist) > 0
        res[engine] = (conn.execute(f"SELECT * FROM {out} ORDER BY 1").fetchall(),
                       [(h[1], {k: h[3][k] for k in ("edges_touched", "mode", "max_change")}) for h in hist], out)
    return res


def test_sql_wcc_partition_matches_networkx(conn, wv_ref):
    table, g, _ = wv_ref
    res = _run_both(conn, "SELECT indb_ml.wcc(NULL, 'id', %s, 'src=src, dest=dst', %s, engine => %s)",
                    "wccsql", [table])
    rows, hist, out = res["sql"]
    expected = {v: min(c) for c in nx.connected_components(g.to_undirected()) for v in c}
    assert dict(rows) == expected
    assert rows == res["memory"][0] and hist == res["memory"][1]
    assert hist[-1][1]["edges_touched"] < hist[0][1]["edges_touched"]      # the frontier shrinks
    s = conn.execute(f"SELECT num_components, largest_component_size FROM {out}_summary").fetchone()
    assert s == (nx.number_weakly_connected_components(g), max(map(len, nx.weakly_connected_components(g))))
    _no_engine_tables(conn)


def test_sql_wcc_undirected_text_ids(conn):
    conn.execute("DROP TABLE IF EXISTS wccsql_te, wccsql_tv")
    conn.execute("CREATE TABLE wccsql_tv (name varchar(10))")
    conn.execute("INSERT INTO wccsql_tv VALUES ('alone'), ('b'), ('zz'), (NULL)")
    conn.execute("CREATE TABLE wccsql_te (\"From\" text, \"To\" text)")
    conn.execute("INSERT INTO wccsql_te VALUES ('b','c'), ('d','c'), ('x','y'), ('y','y'), ('q', NULL)")
    for directed in (True, False):
        conn.execute("DROP TABLE IF EXISTS wccsql_t, wccsql_t_summary")
        conn.execute("SELECT indb_ml.weakly_connected_components('wccsql_tv', 'name', 'wccsql_te', "
                     "'src=\"From\", dest=\"To\"', 'wccsql_t', directed => %s, engine => 'sql')", [directed])
        assert column(conn, "wccsql_t", "name", "component_id") == \
            {"alone": "alone", "b": "b", "c": "b", "d": "b", "x": "x", "y": "x", "zz": "zz"}
    _no_engine_tables(conn)


def test_sql_sssp_matches_dijkstra(conn, wv_ref):
    import numpy as np
    table, _, _ = wv_ref
    conn.execute("DROP TABLE IF EXISTS ssspsql_w")
    conn.execute(f"CREATE TABLE ssspsql_w (a int, b int, cost float8)")
    edges = conn.execute(f"SELECT src, dst FROM {table}").fetchall()
    w = np.random.default_rng(11).uniform(0.5, 10.0, len(edges)).round(6)
    with conn.cursor().copy("COPY ssspsql_w FROM STDIN") as cp:
        for (s, d), c in zip(edges, w.tolist()):
            cp.write_row((s, d, c))
    g = nx.DiGraph()
    for (s, d), c in zip(edges, w.tolist()):
        if not g.has_edge(s, d) or g[s][d]["weight"] > c:
            g.add_edge(s, d, weight=c)
    source = 30
    ref = nx.single_source_dijkstra_path_length(g, source)
    res = _run_both(conn, "SELECT indb_ml.graph_sssp(NULL, 'id', 'ssspsql_w', 'src=a, dest=b, weight=cost', "
                          "30, %s, engine => %s)", "ssspsql", [])
    rows, hist, out = res["sql"]
    assert rows == res["memory"][0] and hist == res["memory"][1]
    dist = {v: d for v, d, _ in rows}           # (id, cost, parent): MADlib names the column after the weight
    assert set(dist) == set(ref)                 # only the reached vertices (MADlib)
    assert all(abs(dist[v] - ref[v]) <= 1e-12 * max(1.0, ref[v]) for v in ref)
    for v, d, p in rows:
        if v == source:
            assert p == source                   # the source is its own parent
        else:
            assert abs(dist[p] + g[p][v]["weight"] - d) <= 1e-9
    far = max(ref, key=ref.get)
    path = conn.execute("SELECT indb_ml.graph_sssp_path(%s, %s)", [out, far]).fetchone()[0]
    assert path[0] == source and path[-1] == far
    # unweighted, text ids, multi-source; errors leave nothing behind
    conn.execute("DROP TABLE IF EXISTS ssspsql_u, ssspsql_o, ssspsql_o_summary, ssspsql_neg")
    conn.execute("CREATE TABLE ssspsql_u (s text, d text)")
    conn.execute("INSERT INTO ssspsql_u VALUES ('a','b'), ('b','c'), ('a','b'), ('c','c'), ('e', 'f')")
    conn.execute("SELECT indb_ml.graph_sssp(NULL, 'v', 'ssspsql_u', 'src=s, dest=d', ARRAY['a', 'e'], 'ssspsql_o', "
                 "engine => 'sql')")
    assert dict(conn.execute("SELECT v, weight FROM ssspsql_o").fetchall()) == \
        {"a": 0, "b": 1, "c": 2, "e": 0, "f": 1}
    conn.execute("CREATE TABLE ssspsql_neg (s int, d int, w float8)")
    conn.execute("INSERT INTO ssspsql_neg VALUES (1,2,1.0), (2,3,-0.5), (3,2,0.25)")
    with pytest.raises(psycopg.Error, match="negative cycle"):
        conn.execute("SELECT indb_ml.graph_sssp(NULL, 'id', 'ssspsql_neg', 'src=s, dest=d, weight=w', 1, 'ssspsql_x', "
                     "engine => 'sql')")
    assert not conn.execute("SELECT to_regclass('ssspsql_x') IS NOT NULL").fetchone()[0]
    _no_engine_tables(conn)


def test_auto_engine_follows_the_memory_budget(conn, wv_ref):
    """engine => 'auto' (the default) picks memory when the arrays fit indb_ml.graph_memory_limit, else sql."""
    table, _, ref = wv_ref
    chosen = {}
    for limit in ("1GB", "64kB"):
        out = f"prauto_{limit.lower()}"
        conn.execute("DROP TABLE IF EXISTS {0}, {0}_summary".format(out))
        conn.execute("SELECT set_config('indb_ml.graph_memory_limit', %s, false)", [limit])
        conn.execute("SELECT indb_ml.pagerank(NULL, 'id', %s, 'src=src, dest=dst', %s, tolerance => 1e-11, "
                     "max_iter => 500, schedule => 'sync')", [table, out])
        engine, reason = conn.execute(f"SELECT engine, engine_reason FROM {out}_summary").fetchone()
        assert reason.startswith("auto:") and "graph_memory_limit" in reason
        chosen[limit] = engine
        assert _l1(column(conn, out, "id", "pagerank"), ref) < 1e-6
    conn.execute("RESET indb_ml.graph_memory_limit")
    assert chosen == {"1GB": "memory", "64kB": "sql"}
    out = "prauto_forced"
    conn.execute("DROP TABLE IF EXISTS {0}, {0}_summary".format(out))
    conn.execute("SELECT indb_ml.wcc(NULL, 'id', %s, 'src=src, dest=dst', %s, engine => 'memory')", [table, out])
    assert conn.execute(f"SELECT engine, engine_reason FROM {out}_summary").fetchone() == ("memory", "requested")
    _no_engine_tables(conn)


def test_sql_label_propagation_and_colouring_match_memory(conn):
    """The two remaining fixed points on both engines: identical rounds and results."""
    import numpy as np
    from graph_testdata import facebook
    table, g = facebook(conn)
    conn.execute("DROP TABLE IF EXISTS lpsql_seeds")
    conn.execute("CREATE TABLE lpsql_seeds (id int, tag text)")
    rng = np.random.default_rng(5)
    for i, v in enumerate(rng.choice(sorted(g.nodes), 30, replace=False)):
        conn.execute("INSERT INTO lpsql_seeds VALUES (%s, %s)", [int(v), ("a", "b", "c")[i % 3]])
    res = _run_both(conn, f"SELECT indb_ml.label_propagation(NULL, 'id', %s, 'src=src, dest=dst', 'lpsql_seeds', "
                          f"%s, label_col => 'tag', tolerance => 1e-9, max_iter => 1000, engine => %s)",
                    "lpsql", [table])
    assert res["sql"][1] == res["memory"][1]
    mem = {r[0]: r for r in res["memory"][0]}
    for r in res["sql"][0]:
        assert r[1] == mem[r[0]][1] and abs(r[2] - mem[r[0]][2]) < 1e-12
    res = _run_both(conn, "SELECT indb_ml.graph_color(NULL, 'id', %s, 'src=src, dest=dst', %s, 3, engine => %s)",
                    "colsql", [table])
    assert res["sql"][0] == res["memory"][0] and res["sql"][1] == res["memory"][1]
    col = dict(res["sql"][0])
    assert all(col[u] != col[v] for u, v in g.edges if u != v)
    _no_engine_tables(conn)
