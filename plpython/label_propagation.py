"""Semi-supervised label propagation on the memory engine (Zhu & Ghahramani; CoEM on bipartite graphs).

Every vertex holds a distribution over classes; seeds are clamped to their
class; every other vertex takes the weighted average of its in-neighbours'
distributions (an undirected graph stores both directions, so: of all
neighbours). Jacobi rounds on the scheduled vertices: a vertex is rescheduled
when one of its in-neighbours changed by more than the tolerance. No
database access here.
"""
import time

import numpy as np

from . import graph_engine

ge = graph_engine


def label_propagation(g, seed_vertices, seed_classes, n_classes, tolerance=1e-8, max_iter=100,
                      on_round=None):
    """Returns (F float64[n, k], rounds, converged)."""
    n = g.n
    wsum = ge.gather(g, lambda nb, w: w) if g.weighted else g.in_degree.astype(np.float64)
    seed_vertices = np.asarray(seed_vertices, dtype=np.int64)
    is_seed = np.zeros(n, dtype=bool)
    is_seed[seed_vertices] = True
    F = np.zeros((n, n_classes))
    F[seed_vertices, np.asarray(seed_classes, dtype=np.int64)] = 1.0
    sched = np.flatnonzero(~is_seed & (g.in_degree > 0))
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        if sched.size == 0:
            ge.report(on_round, rnd, 0, 0, 0.0, "frontier", t0)
            return F, rnd, True
        touched = int(g.in_degree[sched].sum())
        mode = "whole-graph" if ge.use_whole_graph(g.m, touched) else "frontier"
        agg = np.zeros((sched.size, n_classes))
        # in groups of about part_edges in-edges, so the per-edge class rows (k floats each) stay small
        a = 0
        for part in ge.groups(g.in_degree, sched):
            b = a + part.size
            counts, srcs, w = ge.in_nbrs(g, part)
            if srcs.size:
                starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
                nz = counts > 0
                vals = F[srcs] if w is None else F[srcs] * w[:, None]
                agg[a:b][nz] = np.add.reduceat(vals, starts[nz], axis=0)
            a = b
        ws = wsum[sched][:, None]
        np.divide(agg, ws, out=agg, where=ws > 0)       # in place; a row without in-weight stays 0
        old = F[sched]
        np.subtract(agg, old, out=old)
        change = np.abs(old, out=old).max(axis=1) if n_classes else np.zeros(sched.size)
        del old
        F[sched] = agg
        mx = float(change.max()) if change.size else 0.0
        moved = sched[change > tolerance]
        ge.report(on_round, rnd, sched.size, touched, mx, mode, t0)
        if moved.size == 0:
            return F, rnd, True
        nxt = np.zeros(n, dtype=bool)
        for part in ge.groups(g.out_degree, moved):      # by parts: no per-edge array of the whole graph
            nxt[ge.out_nbrs(g, part)[1]] = True
        nxt &= ~is_seed
        sched = np.flatnonzero(nxt)
    return F, max_iter, False
