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


def _edge_list(g):
    """(s, t) int32 of every out-CSR edge but self-loops, filled piece by piece (8 bytes per edge)."""
    s = np.empty(g.m, dtype=np.int32)
    t = np.empty(g.m, dtype=np.int32)
    k = 0
    for es, ed, _ in ge.out_stream(g):
        keep = es != ed
        c = int(np.count_nonzero(keep))
        s[k:k + c], t[k:k + c] = es[keep], ed[keep]
        k += c
    return s[:k], t[:k]


def _first_free(g, n, col, winners):
    """The colour each winner takes: the smallest colour none of its coloured neighbours has (by parts of
    about ``part_edges`` edges, so the per-edge temporaries stay small). Returns (colours, edges read)."""
    out = np.zeros(winners.size, dtype=np.int64)
    deg = g.out_degree + g.in_degree
    a, read = 0, 0
    for part in ge.groups(deg, winners):
        b = a + part.size
        counts, pn = _both(g, part)
        read += pn.size
        pv = np.repeat(np.arange(a, b), counts)
        sel = (col[pn] >= 0) & (pn != part[pv - a])
        pv, pc = pv[sel], col[pn[sel]]
        if pv.size:
            key = np.unique(pv * (n + 1) + pc)
            kv, kc = key // (n + 1), key % (n + 1)
            starts = np.flatnonzero(np.concatenate(([True], kv[1:] != kv[:-1])))
            sizes = np.diff(np.concatenate((starts, [kv.size])))
            rank = np.arange(kv.size) - np.repeat(starts, sizes)
            cand = np.where(kc != rank, rank, np.repeat(sizes, sizes))
            out[kv[starts]] = np.minimum.reduceat(cand, starts)
        a = b
    return out, read


def color(g, seed=0, on_round=None):
    """Returns (colors int64[n], rounds).

    The rounds work on the list of edges between uncoloured vertices (built once from the out-CSR
    pieces, compacted in place every round): 8 bytes per edge while colouring, on either engine."""
    n = g.n
    rng = np.random.default_rng(seed)
    prio = rng.permutation(n).astype(np.int32)       # distinct priorities
    col = np.full(n, -1, dtype=np.int64)
    s, t = _edge_list(g)
    chunk = ge.part_edges(g.m)
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
            read = 0
            for part in ge.groups(g.out_degree + g.in_degree, rest):     # in priority order, part by part
                counts, nbrs = _both(g, part)
                ends = np.cumsum(counts)
                for i, v in enumerate(part):
                    nb = nbrs[ends[i] - counts[i]:ends[i]]
                    col[v] = _mex(col[nb[nb != v]])
                read += nbrs.size
            ge.report(on_round, rnd, rest.size, read, 0.0, "sequential", t0)
            break
        loses = np.zeros(n, dtype=bool)
        k = 0
        for a in range(0, s.size, chunk):            # keep the edges between uncoloured vertices, in place
            ss, tt = s[a:a + chunk], t[a:a + chunk]
            live = unc[ss] & unc[tt]
            ss, tt = ss[live], tt[live]
            hi = prio[tt] > prio[ss]
            loses[ss[hi]] = True
            loses[tt[~hi]] = True
            s[k:k + ss.size], t[k:k + tt.size] = ss, tt
            k += ss.size
        s, t = s[:k], t[:k]
        winners = np.flatnonzero(unc & ~loses)
        newcol, read = _first_free(g, n, col, winners)
        col[winners] = newcol
        ge.report(on_round, rnd, winners.size, k + read, 0.0, "frontier", t0)
        last = winners.size
    return col, rnd


def is_proper(g, colors):
    src = g.out_src()
    keep = src != g.out_dst
    return bool(np.all(colors[src[keep]] != colors[g.out_dst[keep]]))
