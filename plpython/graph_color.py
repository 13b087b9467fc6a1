"""Proper vertex colouring of the undirected version of a graph (self-loops ignored).

Jones-Plassmann with seeded random priorities: each round, every uncoloured
vertex whose priority beats all its uncoloured neighbours takes the smallest
colour none of its neighbours has. On power-law graphs the last rounds colour
only a handful of core vertices each while still scanning the core's edges, so
once a round colours fewer than ``SLOW_ROUND`` of the uncoloured vertices, the
rest are coloured greedily one at a time in priority order (a deterministic
switch: both engines take the same rounds). That gives exactly the colours JP would give: in both, a vertex takes
the smallest colour absent among its higher-priority neighbours. Vertices of one colour share no edge: the chromatic
schedules update a colour at a time (serializable under edge consistency).
No database access here.
"""
import time

import numpy as np

from . import graph_engine

ge = graph_engine

SLOW_ROUND = 0.01      # a round colouring fewer than this share of the uncoloured vertices ends the rounds


def _mex(colours):
    """Smallest non-negative integer not in ``colours``."""
    used = np.zeros(colours.size + 1, dtype=bool)
    c = colours[(colours >= 0) & (colours <= colours.size)]
    used[c] = True
    return int(np.argmin(used))


def _both(g, vertices):
    """(per-vertex counts, neighbours) of ``vertices`` over out- and in-edges, grouped by vertex."""
    oc, od, _ = g.fetch("out", vertices)
    ic, isrc, _ = g.fetch("in", vertices)
    owner = np.concatenate([np.repeat(np.arange(len(vertices)), oc), np.repeat(np.arange(len(vertices)), ic)])
    order = np.argsort(owner, kind="stable")
    return oc + ic, np.concatenate([od, isrc]).astype(np.int64)[order]


def color(g, seed=0, on_round=None):
    """Returns (colors int64[n], rounds).

    The rounds work on the list of edges between uncoloured vertices (built once from the out-CSR
    pieces, shrinking every round): 16 bytes per edge while colouring, on either engine."""
    n = g.n
    rng = np.random.default_rng(seed)
    prio = rng.permutation(n)                         # distinct priorities
    col = np.full(n, -1, dtype=np.int64)
    parts = [(es, ed.astype(np.int64)) for es, ed, _ in ge.out_stream(g)]
    s = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    t = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    del parts
    keep = s != t
    s, t = s[keep], t[keep]
    rnd, last = 0, None
    while True:
        t0 = time.perf_counter()
        unc = col < 0
        if not unc.any():
            break
        rnd += 1
        rest = np.flatnonzero(unc)
        if last is not None and last < SLOW_ROUND * (rest.size + last):
            rest = rest[np.argsort(-prio[rest])]
            counts, nbrs = _both(g, rest)
            ends = np.cumsum(counts)
            for i, v in enumerate(rest):
                nb = nbrs[ends[i] - counts[i]:ends[i]]
                col[v] = _mex(col[nb[nb != v]])
            ge.report(on_round, rnd, rest.size, nbrs.size, 0.0, "sequential", t0)
            break
        live = unc[s] & unc[t]
        s, t = s[live], t[live]
        loses = np.zeros(n, dtype=bool)
        hi = prio[t] > prio[s]
        loses[s[hi]] = True
        loses[t[~hi]] = True
        winners = np.flatnonzero(unc & ~loses)
        counts, pn = _both(g, winners)
        pv = np.repeat(winners, counts)
        sel = (col[pn] >= 0) & (pn != pv)
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
        last = winners.size
    return col, rnd


def is_proper(g, colors):
    src = g.out_src()
    keep = src != g.out_dst
    return bool(np.all(colors[src[keep]] != colors[g.out_dst[keep]]))
