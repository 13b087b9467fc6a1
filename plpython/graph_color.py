"""Proper vertex colouring of the undirected version of a graph (self-loops ignored).

Jones-Plassmann with seeded random priorities: each round, every uncoloured
vertex whose priority beats all its uncoloured neighbours takes the smallest
colour none of its neighbours has. On power-law graphs the last rounds colour
only a handful of core vertices each while still scanning the core's edges, so
once colouring the rest one at a time in priority order is estimated cheaper
than ``SEQUENTIAL_ROUNDS`` more rounds, the rest are coloured greedily in that
order. That gives exactly the colours JP would give: in both, a vertex takes
the smallest colour absent among its higher-priority neighbours. Vertices of one colour share no edge: the chromatic
schedules update a colour at a time (serializable under edge consistency).
No database access here.
"""
import time

import numpy as np

from . import graph_engine

ge = graph_engine

SEQUENTIAL_ROUNDS = 10      # switch when the rest costs less than this many rounds
SECONDS_PER_VERTEX = 3e-5   # of the one-at-a-time greedy


def _neighbours(g, v):
    return np.concatenate([g.out_dst[g.out_ptr[v]:g.out_ptr[v + 1]], g.in_src[g.in_ptr[v]:g.in_ptr[v + 1]]])


def _mex(colours):
    """Smallest non-negative integer not in ``colours``."""
    used = np.zeros(colours.size + 1, dtype=bool)
    c = colours[(colours >= 0) & (colours <= colours.size)]
    used[c] = True
    return int(np.argmin(used))


def color(g, seed=0, on_round=None):
    """Returns (colors int64[n], rounds)."""
    n = g.n
    rng = np.random.default_rng(seed)
    deg = g.out_degree + g.in_degree
    prio = np.empty(n, dtype=np.int64)                # distinct priorities: degree first, ties seeded
    prio[np.lexsort((rng.permutation(n), deg))] = np.arange(n)
    col = np.full(n, -1, dtype=np.int64)
    src = g.out_src()
    keep = src != g.out_dst
    s, t = src[keep].astype(np.int64), g.out_dst[keep].astype(np.int64)   # each edge once, no self-loops
    del src, keep
    rnd, last = 0, 0.0
    while True:
        t0 = time.perf_counter()
        unc = col < 0
        if not unc.any():
            break
        rnd += 1
        live = unc[s] & unc[t]
        s, t = s[live], t[live]
        loses = np.zeros(n, dtype=bool)
        hi = prio[t] > prio[s]
        loses[s[hi]] = True
        loses[t[~hi]] = True
        winners = np.flatnonzero(unc & ~loses)
        rest = np.flatnonzero(unc)
        if rest.size * SECONDS_PER_VERTEX < SEQUENTIAL_ROUNDS * last:
            rest = rest[np.argsort(-prio[rest])]
            touched = 0
            for v in rest:
                nb = _neighbours(g, v)
                touched += nb.size
                col[v] = _mex(col[nb[nb != v]])
            ge.report(on_round, rnd, rest.size, touched, 0.0, "sequential", t0)
            break
        pos, _ = ge.out_edges(g, winners)
        ipos, icounts = ge.in_edges(g, winners)
        pv = np.concatenate([np.repeat(winners, g.out_degree[winners]), np.repeat(winners, icounts)])
        pn = np.concatenate([g.out_dst[pos], g.in_src[ipos]]).astype(np.int64)
        sel = col[pn] >= 0
        pv, pc = pv[sel], col[pn[sel]]
        newcol = np.zeros(n, dtype=np.int64)
        if pv.size:
            key = np.unique(pv * (n + 1) + pc)
            kv, kc = key // (n + 1), key % (n + 1)
            starts = np.flatnonzero(np.concatenate(([True], kv[1:] != kv[:-1])))
            sizes = np.diff(np.concatenate((starts, [kv.size])))
            rank = np.arange(kv.size) - np.repeat(starts, sizes)
            cand = np.where(kc != rank, rank, np.repeat(sizes, sizes))
            newcol[kv[starts]] = np.minimum.reduceat(cand, starts)
        col[winners] = newcol[winners]
        ge.report(on_round, rnd, winners.size, int(live.sum()) + pn.size, 0.0, "frontier", t0)
        last = time.perf_counter() - t0
    return col, rnd


def is_proper(g, colors):
    src = g.out_src()
    keep = src != g.out_dst
    return bool(np.all(colors[src[keep]] != colors[g.out_dst[keep]]))
