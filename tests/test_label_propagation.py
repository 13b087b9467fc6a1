"""Label propagation against an independent numpy reference (dense Jacobi iteration with clamped seeds)."""
import numpy as np
import psycopg
import pytest

from graph_testdata import facebook


def _reference(n, edges, seeds, k, directed, tol=1e-12, max_iter=100000):
    W = np.zeros((n, n))
    for s, d in edges:
        W[d, s] = 1.0            # v gathers from in-neighbours
        if not directed:
            W[s, d] = 1.0
    deg = W.sum(axis=1)
    F = np.zeros((n, k))
    idx = np.array(list(seeds))
    F[idx, [seeds[i] for i in idx]] = 1.0
    free = np.ones(n, dtype=bool)
    free[idx] = False
    for _ in range(max_iter):
        new = F.copy()
        ok = free & (deg > 0)
        new[ok] = (W[ok] @ F) / deg[ok, None]
        if np.abs(new - F).max() < tol:
            return new
        F = new
    return F


def test_label_propagation_matches_numpy(conn):
    table, g = facebook(conn)
    # a connected sub-graph of ego-Facebook (first 600 vertex ids), 3 labels on 12 seeds
    nodes = sorted(v for v in g.nodes if v < 600)
    conn.execute("DROP TABLE IF EXISTS lp_fb_e, lp_fb_seeds, lp_fb, lp_fb_summary")
    conn.execute(f"CREATE TABLE lp_fb_e AS SELECT src, dst FROM {table} WHERE src < 600 AND dst < 600")
    rng = np.random.default_rng(3)
    seed_nodes = rng.choice(nodes, 12, replace=False)
    labels = ["blue", "green", "red"]
    conn.execute("CREATE TABLE lp_fb_seeds (node int, tag text)")
    seeds = {}
    for i, v in enumerate(seed_nodes):
        conn.execute("INSERT INTO lp_fb_seeds VALUES (%s, %s)", [int(v), labels[i % 3]])
        seeds[int(v)] = labels[i % 3]
    conn.execute("SELECT indb_ml.label_propagation(NULL, 'node', 'lp_fb_e', 'src=src, dest=dst', 'lp_fb_seeds', "
                 "'lp_fb', label_col => 'tag', tolerance => 1e-12, max_iter => 5000)")
    edges = conn.execute("SELECT src, dst FROM lp_fb_e").fetchall()
    verts = sorted({v for e in edges for v in e})
    pos = {v: i for i, v in enumerate(verts)}
    F = _reference(len(verts), [(pos[s], pos[d]) for s, d in edges],
                   {pos[v]: labels.index(t) for v, t in seeds.items()}, 3, directed=False)
    got = {v: (lab, conf) for v, lab, conf in conn.execute("SELECT node, tag, confidence FROM lp_fb")}
    assert set(got) == set(verts)
    for v in verts:
        row = F[pos[v]]
        if row.sum() == 0:
            assert got[v] == (None, None)
        else:
            assert got[v][0] == labels[int(row.argmax())]
            assert abs(got[v][1] - row.max() / row.sum()) < 1e-6
    assert conn.execute("SELECT converged, num_seeds FROM lp_fb_summary").fetchone() == (True, 12)


def test_label_propagation_directed_bipartite_and_errors(conn):
    conn.execute("DROP TABLE IF EXISTS lp_b_e, lp_b_s, lp_b, lp_b_summary")
    # CoEM-style bipartite graph: noun phrases (np_*) and contexts (ctx_*)
    conn.execute("CREATE TABLE lp_b_e (a text, b text)")
    conn.execute("INSERT INTO lp_b_e VALUES ('np_paris','ctx_cityof'), ('np_rome','ctx_cityof'), "
                 "('np_rome','ctx_visit'), ('np_dog','ctx_pet'), ('np_cat','ctx_pet'), ('np_lone','ctx_none')")
    conn.execute("CREATE TABLE lp_b_s (id text, label text)")
    conn.execute("INSERT INTO lp_b_s VALUES ('np_paris','city'), ('np_dog','animal')")
    conn.execute("SELECT indb_ml.label_propagation(NULL, 'id', 'lp_b_e', 'src=a, dest=b', 'lp_b_s', 'lp_b', "
                 "tolerance => 1e-10, max_iter => 1000)")
    got = dict(conn.execute("SELECT id, label FROM lp_b").fetchall())
    assert got["np_rome"] == "city" and got["ctx_visit"] == "city" and got["np_cat"] == "animal"
    assert got["np_lone"] is None and got["ctx_none"] is None
    conn.execute("INSERT INTO lp_b_s VALUES ('np_paris', 'animal')")
    with pytest.raises(psycopg.Error, match="two labels"):
        conn.execute("SELECT indb_ml.label_propagation(NULL, 'id', 'lp_b_e', 'src=a, dest=b', 'lp_b_s', 'lp_b2')")
