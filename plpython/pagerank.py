"""PageRank kernels of both engines: sync (Jacobi), dynamic (prioritised residual push), chromatic (Gauss-Seidel).

networkx's semantics: dangling vertices (no out-edges) spread their rank like
the personalization vector; edge weights are ignored. No database access here.
"""
import time

import numpy as np

from . import graph_engine

ge = graph_engine


def personalization_vector(n, vertices=None):
    if vertices is not None and len(vertices):
        p = np.zeros(n)
        p[np.asarray(vertices, dtype=np.int64)] = 1.0
        return p / p.sum()
    return np.full(n, 1.0 / n)


def pagerank(g, damping=0.85, tolerance=1e-8, max_iter=100, schedule="sync", personalization=None,
             colors=None, on_round=None, class_sources=None):
    """Returns (rank, rounds, converged). Sync and chromatic stop when no vertex changed by more than
    ``tolerance`` in a round; dynamic when the total pending change (L1) is at most ``tolerance``.
    ``class_sources(k)`` (chromatic, optional) gives the in-edge sources of colour k's vertices in one
    piece (the prepared graph stores them regrouped by colour)."""
    n = g.n
    p = personalization if personalization is not None else np.full(n, 1.0 / n)
    dangling = g.out_degree == 0
    inv_out = np.zeros(n)
    inv_out[~dangling] = 1.0 / g.out_degree[~dangling]
    args = (g, damping, tolerance, max_iter, p, dangling, inv_out)
    if schedule == "sync":
        return _sync(*args, on_round)
    if schedule == "dynamic":
        return _dynamic(*args, on_round)
    if schedule == "chromatic":
        if colors is None:
            from . import graph_color
            colors, _ = graph_color.color(g)
        return _chromatic(*args, colors, on_round, class_sources)
    raise ValueError(f"unknown schedule {schedule!r}: use 'sync', 'dynamic' or 'chromatic'")


def _step(g, d, x, p, dangling, inv_out):
    """One Jacobi step: d * (P^T x + dangling mass * p) + (1 - d) * p, gathered in chunks."""
    xs = x * inv_out
    gathered = ge.gather(g, lambda nb, w: xs[nb])
    return d * (gathered + x[dangling].sum() * p) + (1.0 - d) * p


def _sync(g, d, tol, max_iter, p, dangling, inv_out, on_round):
    x = np.full(g.n, 1.0 / g.n)
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        new = _step(g, d, x, p, dangling, inv_out)
        mx = float(np.abs(new - x).max()) if g.n else 0.0
        x = new
        ge.report(on_round, rnd, g.n, g.m, mx, "whole-graph", t0)
        if mx < tol:
            return x, rnd, True
    return x, max_iter, False


PRIORITY_DECAY = 0.5    # dynamic: the priority threshold falls by this factor per round


def _dynamic(g, d, tol, max_iter, p, dangling, inv_out, on_round):
    """Prioritised residual push: GraphLab's dynamic PageRank in Gauss-Southwell order, in rounds.

    ``r = G x - x`` is each vertex's pending change under the Google matrix
    ``G = d P^T + d p dangling^T + (1-d) p 1^T`` (column-stochastic, so ``sum(r) = 0`` stays exact).
    Pushing vertex v adds ``r_v`` to ``x_v`` and ``r_v (G e_v - e_v)`` to ``r``: ``d r_v / outdeg`` to
    each out-neighbour (the only edge work) and a multiple of ``p`` - the teleport share ``(1-d) r_v``,
    or all of ``r_v`` for a dangling vertex - summed into one scalar per round and added to every
    residual at the round's end, no edges. A round pushes the vertices whose pending change per
    out-edge, ``|r_v| / max(outdeg, 1)``, exceeds a threshold that falls by ``PRIORITY_DECAY`` per
    round (restarting just below the highest priority when nothing exceeds it): highest residuals
    per unit of work first. It visits the vertices in blocks of about ``n`` out-edges, in order,
    each block choosing its vertices from residuals that already hold the earlier blocks' pushes
    (Gauss-Seidel between blocks; the per-block vector work is about its edge work). Round 1 is
    one whole-graph pass that evaluates ``r`` for the uniform start. Stops when the total pending
    change ``sum |r|`` is at most ``tol``: the L1 error is about ``tol`` or less, never less
    accurate than sync at the same tolerance. Returns the normalised ``x + r`` (no edges).
    """
    n = g.n
    if n == 0:
        return np.zeros(0), 1, True
    x = np.full(n, 1.0 / n)
    t0 = time.perf_counter()
    r = _step(g, d, x, p, dangling, inv_out) - x
    pending = float(np.abs(r).sum())
    ge.report(on_round, 1, n, g.m, float(np.abs(r).max()), "whole-graph", t0, pending=pending)
    inv_cost = 1.0 / np.maximum(g.out_degree, 1)
    share = np.where(dangling, 1.0, 1.0 - d)      # the part of a pushed change that teleports (to p)
    scale = d * inv_out
    layout = ge.piece_blocks(g, "out", n)
    theta = None
    for rnd in range(2, max_iter + 1):
        if pending <= tol:
            return _normalized(x + r), rnd - 1, True
        t0 = time.perf_counter()
        top = float((np.abs(r) * inv_cost).max())
        if theta is None or theta >= top:
            theta = PRIORITY_DECAY * top
        scheduled = touched = 0
        biggest = teleport = 0.0
        for (pa, pb), blocks in layout:
            nbrs = None
            for a, b in blocks:
                sched = a + np.flatnonzero(np.abs(r[a:b]) * inv_cost[a:b] > theta)
                if sched.size == 0:
                    continue
                rs = r[sched]
                x[sched] += rs
                r[sched] = 0.0
                if nbrs is None:
                    nbrs = g.piece("out", pa, pb)[0]
                counts, dsts = ge.piece_edges(g, "out", pa, nbrs, sched)
                if dsts.size:
                    r += np.bincount(dsts, weights=np.repeat(rs * scale[sched], counts), minlength=n)
                teleport += float((rs * share[sched]).sum())
                scheduled += sched.size
                touched += dsts.size
                biggest = max(biggest, float(np.abs(rs).max()))
        r += teleport * p
        theta *= PRIORITY_DECAY
        pending = float(np.abs(r).sum())
        ge.report(on_round, rnd, scheduled, touched, biggest, "frontier", t0, pending=pending)
    return _normalized(x + r), max_iter, pending <= tol


def _normalized(x):
    """The fixed point sums to 1; residuals left below the tolerance are spread back proportionally."""
    total = x.sum()
    return x / total if total > 0 else x


def _chromatic(g, d, tol, max_iter, p, dangling, inv_out, colors, on_round, class_sources=None):
    """Gauss-Seidel by colour: one colour per sub-step, each reading the values just written.

    No edge joins two vertices of the same colour, so a colour's updates are independent
    (serializable under edge consistency). The dangling mass is kept up to date incrementally.
    """
    n = g.n
    x = np.full(n, 1.0 / n)
    order = np.argsort(colors, kind="stable")
    bounds = np.searchsorted(colors[order], np.arange(int(colors.max()) + 2 if n else 1))
    classes = [order[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    dmass = x[dangling].sum()
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        prev = x.copy()
        for k, cls in enumerate(classes):
            if class_sources is not None:
                counts, srcs = g.in_degree[cls], class_sources(k)
            else:
                counts, srcs, _ = ge.in_nbrs(g, cls)
            gathered = ge.segment_sum(x[srcs] * inv_out[srcs], counts)
            new = d * (gathered + dmass * p[cls]) + (1.0 - d) * p[cls]
            delta = new - x[cls]
            x[cls] = new
            dm = dangling[cls]
            if dm.any():
                dmass += delta[dm].sum()
        # the fixed point sums to 1; a Gauss-Seidel sweep does not keep the sum, so project back
        total = x.sum()
        if total > 0:
            x /= total
        mx = float(np.abs(x - prev).max()) if n else 0.0
        dmass = x[dangling].sum()       # re-sum once per sweep: no drift
        ge.report(on_round, rnd, n, g.m, mx, "whole-graph", t0, colors=len(classes))
        if mx < tol:
            return x, rnd, True
    return x, max_iter, False
