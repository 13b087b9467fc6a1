"""engine => 'sql': the fixed points driven by SQL scheduling tables match networkx and the memory engine.

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
    """Tables outside the prepared-graph cache (indb_ml._graph_*)."""
    return {t for t in tables_in(conn) if not t.startswith("indb_ml._graph_")}


@pytest.fixture
def wv_ref(conn):
    table, g = wiki_vote(conn)
    return table, g, nx.pagerank(g, alpha=0.85, tol=1e-14, max_iter=10000)


def test_sql_pagerank_matches_networkx_and_memory(conn, wv_ref):
    table, _, ref = wv_ref
    before = _user_tables(conn)
    touched = {}
    for schedule in ("sync", "dynamic"):
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
    assert _user_tables(conn) - before == {f"public.prsql_{s}_{e}{x}" for s in ("sync", "dynamic") for e in ("memory", "sql")
                              for x in ("", "_summary")}


def test_sql_pagerank_personalization_errors_and_cleanup(conn):
    conn.execute("DROP TABLE IF EXISTS prsql_e, prsql_p, prsql_p_summary, prsql_bad")
    conn.execute("CREATE TABLE prsql_e (a text, b text)")
    conn.execute("INSERT INTO prsql_e VALUES ('x','y'), ('y','z'), ('z','x'), ('z','w'), ('x','x')")
    g = nx.DiGraph([("x", "y"), ("y", "z"), ("z", "x"), ("z", "w"), ("x", "x")])
    for schedule in ("sync", "dynamic"):
        conn.execute("DROP TABLE IF EXISTS prsql_p, prsql_p_summary")
        conn.execute("SELECT indb_ml.pagerank(NULL, 'node', 'prsql_e', 'src=a, dest=b', 'prsql_p', tolerance => 1e-13, "
                     "schedule => %s, personalization_vertices => ARRAY['y'], engine => 'sql')", [schedule])
        ref = nx.pagerank(g, tol=1e-15, max_iter=1000, personalization={"y": 1})
        assert _l1(column(conn, "prsql_p", "node", "pagerank"), ref) < 1e-9
    for args, msg in [("schedule => 'chromatic', engine => 'sql'", "not available with engine 'sql'"),
                      ("engine => 'gpu'", "engine must be 'memory' or 'sql'")]:
        with pytest.raises(psycopg.Error, match=msg):
            conn.execute(f"SELECT indb_ml.pagerank(NULL, 'id', 'prsql_e', 'src=a, dest=b', 'prsql_bad', {args})")
    # a failure mid-run (max_iter reached is a warning; a bad id is an error after the graph is prepared)
    with pytest.raises(psycopg.Error, match="is not a vertex"):
        conn.execute("SELECT indb_ml.pagerank(NULL, 'id', 'prsql_e', 'src=a, dest=b', 'prsql_bad', engine => 'sql', "
                     "personalization_vertices => ARRAY['nope'])")
    assert not conn.execute("SELECT to_regclass('prsql_bad') IS NOT NULL").fetchone()[0]
    _no_engine_tables(conn)
