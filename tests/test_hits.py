"""HITS against networkx on a seeded random graph (MADlib's own values: tests/madlib_compat hits cases)."""
import networkx as nx
import numpy as np


def test_hits_matches_networkx(conn):
    rng = np.random.default_rng(4)
    edges = sorted({(int(a), int(b)) for a, b in rng.integers(0, 60, size=(300, 2)) if a != b})
    conn.execute("DROP TABLE IF EXISTS hi_e, hi_out, hi_out_summary")
    conn.execute("CREATE TABLE hi_e (src int, dest int)")
    with conn.cursor().copy("COPY hi_e FROM STDIN") as cp:
        for r in edges:
            cp.write_row(r)
    conn.execute("SELECT indb_ml.hits(NULL, NULL, 'hi_e', NULL, 'hi_out', 1000, 1e-14)")
    rows = conn.execute("SELECT id, authority, hub FROM hi_out").fetchall()
    hubs, auths = nx.hits(nx.DiGraph(edges), max_iter=10000, tol=1e-14)
    a = {v: x for v, x, _ in rows}
    h = {v: x for v, _, x in rows}
    assert abs(sum(x * x for x in a.values()) - 1) < 1e-9       # MADlib's L2 normalisation
    sa, sh = sum(a.values()), sum(h.values())                    # networkx normalises to sum 1
    assert max(abs(a[v] / sa - auths[v]) for v in a) < 1e-8
    assert max(abs(h[v] / sh - hubs[v]) for v in h) < 1e-8
    assert conn.execute("SELECT converged FROM hi_out_summary").fetchone()[0] is True
