"""Shortest paths: Bellman-Ford with dirty-vertex scheduling (both engines).

Only vertices whose distance dropped relax their out-edges in the next round;
when their edges exceed the whole-graph share, every edge is relaxed piece by
piece instead. Parent ties: the smallest parent id. Negative weights are fine (MADlib's
semantics); a distance that still drops after n rounds means a negative cycle reachable
from a source (``NegativeCycle``). No database access here.
"""
import time

import numpy as np

from . import graph_engine

ge = graph_engine
NO_PARENT = np.iinfo(np.int64).max


class NegativeCycle(ValueError):
    """Distances still drop after n rounds: a negative cycle is reachable from a source."""


def _relax(dist, best, par, es, ed, w):
    """Merge one piece of edges into (best, par): smaller distance wins, ties the smaller parent."""
    if ed.size == 0:
        return
    ed = ed.astype(np.int64)
    cw = dist[es] + (1.0 if w is None else w)
    keep = cw < dist[ed]                       # only improvements over the last round matter
    es, ed, cw = es[keep], ed[keep], cw[keep]
    if ed.size == 0:
        return
    order = np.lexsort((es, cw, ed))           # per target: smallest distance, then smallest parent
    ed, cw, es = ed[order], cw[order], es[order]
    first = np.ones(ed.size, dtype=bool)
    first[1:] = ed[1:] != ed[:-1]
    v, c, p = ed[first], cw[first], es[first]
    better = c < best[v]
    tie = (c == best[v]) & (p < par[v])
    upd = better | tie
    best[v[upd]] = c[upd]
    par[v[upd]] = p[upd]


def sssp(g, sources, max_iter=None, on_round=None):
    """Returns (dist float64[n] with inf for unreachable, parent int64[n] with -1, rounds).

    Without a max_iter, more than n rounds of improvement raise NegativeCycle (Bellman-Ford:
    shortest paths have at most n-1 edges, and round k settles the paths of k edges)."""
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
        if max_iter is None and rnd > n:
            raise NegativeCycle(f"distances still drop after {n} rounds: a negative cycle is reachable")
        t0 = time.perf_counter()
        frontier_edges = int(g.out_degree[sched].sum())
        best, par = dist.copy(), np.full(n, NO_PARENT, dtype=np.int64)
        if ge.use_whole_graph(g.m, frontier_edges):
            mode, touched = "whole-graph", g.m
            for es, ed, w in ge.out_stream(g):
                _relax(dist, best, par, es, ed, w)
        else:
            mode, touched = "frontier", frontier_edges
            for part in ge.groups(g.out_degree, sched):
                _relax(dist, best, par, *ge.out_nbrs(g, part))
        improved = np.flatnonzero(best < dist)
        max_change = 0.0
        if improved.size:
            old = dist[improved]
            finite = np.isfinite(old)
            max_change = float((old[finite] - best[improved][finite]).max()) if finite.any() else float("inf")
            parent[improved] = par[improved]
        dist = best
        ge.report(on_round, rnd, sched.size, touched, max_change, mode, t0)
        sched = improved
    return dist, parent, rnd
