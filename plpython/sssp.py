"""Shortest paths on the memory engine: Bellman-Ford with dirty-vertex scheduling.

Only vertices whose distance dropped relax their out-edges in the next round.
Parent ties: the smallest parent id. No database access here.
"""
import time

import numpy as np

from . import graph_engine

ge = graph_engine


def sssp(g, sources, weight=None, max_iter=None, on_round=None):
    """Returns (dist float64[n] with inf for unreachable, parent int64[n] with -1, rounds).

    ``weight`` is per out-CSR edge (None: 1 per edge)."""
    n = g.n
    dist = np.full(n, np.inf)
    parent = np.full(n, -1, dtype=np.int64)
    sources = np.unique(np.asarray(sources, dtype=np.int64))
    dist[sources] = 0.0
    sched = sources
    rnd = 0
    while sched.size:
        rnd += 1
        if max_iter is not None and rnd > max_iter:
            return dist, parent, rnd - 1
        t0 = time.perf_counter()
        frontier_edges = int(g.out_degree[sched].sum())
        scheduled = sched.size
        if ge.use_whole_graph(g.m, frontier_edges):
            mode, touched = "whole-graph", g.m
            sched = np.arange(n)      # relax every edge: same result, one sequential pass over the CSR
        else:
            mode, touched = "frontier", frontier_edges
        pos, es = ge.out_edges(g, sched)
        ed = g.out_dst[pos].astype(np.int64)
        cw = dist[es] + (1.0 if weight is None else weight[pos])
        best = dist.copy()
        np.minimum.at(best, ed, cw)
        improved = np.flatnonzero(best < dist)
        max_change = 0.0
        if improved.size:
            old = dist[improved]
            finite = np.isfinite(old)
            max_change = float((old[finite] - best[improved][finite]).max()) if finite.any() else float("inf")
            is_imp = np.zeros(n, dtype=bool)
            is_imp[improved] = True
            win = is_imp[ed] & (cw == best[ed])
            par = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(par, ed[win], es[win])
            parent[improved] = par[improved]
        dist = best
        ge.report(on_round, rnd, scheduled, touched, max_change, mode, t0)
        sched = improved
    return dist, parent, rnd
