"""graph_apsp and MADlib's measures (closeness, diameter, average path length, degrees) against
networkx on seeded random graphs."""
import networkx as nx
import numpy as np
import psycopg
import pytest


def _dag(conn, table, n=40, m=160, seed=9):
    """A DAG (edges from lower to higher ids) with negative weights but no negative cycle."""
    rng = np.random.default_rng(seed)
    pairs = sorted({(int(a), int(b)) for a, b in rng.integers(0, n, size=(m, 2)) if a < b})
    rows = [(a, b, round(float(rng.uniform(-2.0, 6.0)), 4)) for a, b in pairs]
    conn.execute(f"DROP TABLE IF EXISTS {table}, {table}_v")
    conn.execute(f"CREATE TABLE {table} (s int, d int, w float8)")
    with conn.cursor().copy(f"COPY {table} FROM STDIN") as cp:
        for r in rows:
            cp.write_row(r)
    conn.execute(f"CREATE TABLE {table}_v AS SELECT generate_series(0, {n - 1}) AS id")
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(rows)
    return g


def test_apsp_and_measures_match_networkx(conn):
    g = _dag(conn, "ap_e")
    for t in ("ap_out", "ap_out_summary", "ap_path", "ap_close", "ap_diam", "ap_avg", "ap_deg"):
        conn.execute(f"DROP TABLE IF EXISTS {t}")
    conn.execute("SELECT indb_ml.graph_apsp('ap_e_v', NULL, 'ap_e', 'src=s, dest=d, weight=w', 'ap_out')")
    got = {(s, d): (w, p) for s, d, w, p in conn.execute("SELECT s, d, w, parent FROM ap_out")}
    ref = dict(nx.all_pairs_bellman_ford_path_length(g))
    assert set(got) == {(s, d) for s in ref for d in ref[s]}          # only reachable pairs, self included
    assert max(abs(got[s, d][0] - ref[s][d]) for s, d in got) < 1e-9
    assert all(p == s if s == d else abs(ref[s][p] + g[p][d]["weight"] - w) < 1e-9
               for (s, d), (w, p) in got.items())
    far = max(((s, d) for s, d in got if s != d), key=lambda k: len(nx.bellman_ford_path(g, *k)))
    conn.execute("SELECT indb_ml.graph_apsp_get_path('ap_out', %s, %s, 'ap_path')", list(far))
    path = conn.execute("SELECT path FROM ap_path").fetchone()[0]
    assert path[0] == far[0] and path[-1] == far[1]
    assert abs(nx.path_weight(g, path, "weight") - ref[far[0]][far[1]]) < 1e-9
    # closeness as MADlib defines it, from networkx's distances
    conn.execute("SELECT indb_ml.graph_closeness('ap_out', 'ap_close')")
    close = {r[0]: r[1:] for r in conn.execute(
        "SELECT s, inverse_sum_dist, inverse_avg_dist, sum_inverse_dist, k_degree FROM ap_close")}
    for s, dist in ref.items():
        others = [d for v, d in dist.items() if v != s]
        inv_sum, inv_avg, sum_inv, k = close[s]
        assert k == len(others)
        assert abs(sum_inv - sum(0.0 if d == 0 else 1.0 / d for d in dist.values())) < 1e-9
        if others and sum(others) != 0:
            assert abs(inv_sum - 1.0 / sum(others)) < 1e-9 and abs(inv_avg - len(others) / sum(others)) < 1e-9
        elif not others:
            assert inv_sum is None
    conn.execute("SELECT indb_ml.graph_diameter('ap_out', 'ap_diam')")
    diam, ends = conn.execute("SELECT diameter, diameter_end_vertices FROM ap_diam").fetchone()
    finite = {(s, d): w for s in ref for d, w in ref[s].items()}
    assert abs(diam - max(finite.values())) < 1e-9
    assert sorted(map(tuple, ends)) == sorted(k for k, w in finite.items() if abs(w - diam) < 1e-12)
    conn.execute("SELECT indb_ml.graph_avg_path_length('ap_out', 'ap_avg')")
    avg = conn.execute("SELECT avg_path_length FROM ap_avg").fetchone()[0]
    assert abs(avg - np.mean([w for (s, d), w in finite.items() if s != d])) < 1e-9
    conn.execute("SELECT indb_ml.graph_vertex_degrees('ap_e_v', 'id', 'ap_e', 'src=s, dest=d', 'ap_deg')")
    deg = {v: (i, o) for v, i, o in conn.execute("SELECT id, indegree, outdegree FROM ap_deg")}
    assert deg == {v: (g.in_degree(v), g.out_degree(v)) for v in g if g.degree(v)}
    with pytest.raises(psycopg.Error, match="vertex_filter_expr is not supported"):
        conn.execute("SELECT indb_ml.graph_closeness('ap_out', 'ap_x', 's > 3; DROP TABLE ap_e')")


def test_apsp_negative_cycle_is_an_error(conn):
    conn.execute("DROP TABLE IF EXISTS ap_neg, ap_neg_out, ap_neg_out_summary")
    conn.execute("CREATE TABLE ap_neg (src int, dest int, weight float8)")
    conn.execute("INSERT INTO ap_neg VALUES (1, 2, 1), (2, 3, -2), (3, 1, 0.5), (3, 4, 1)")
    with pytest.raises(psycopg.Error, match="negative cycle"):
        conn.execute("SELECT indb_ml.graph_apsp(NULL, NULL, 'ap_neg', NULL, 'ap_neg_out')")
    assert conn.execute("SELECT to_regclass('ap_neg_out')").fetchone()[0] is None
