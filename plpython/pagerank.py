"""PageRank kernels on the memory engine: sync (Jacobi), dynamic (residual push), chromatic (Gauss-Seidel).

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
    """Returns (rank, rounds, converged). ``tolerance`` is per vertex: sync and chromatic stop when no
    vertex changed by more than it in a round; dynamic when no vertex has more than it pending.
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


def _dynamic(g, d, tol, max_iter, p, dangling, inv_out, on_round):
    """Residual push (delta PageRank): x accumulates, r holds each vertex's pending change.

    A scheduled vertex (|r| > tol) adds its residual to its rank and pushes d*r/outdeg to each
    out-neighbour; a dangling vertex pushes d*r*p to every vertex (one vector add per round).
    At the fixed point x = d*(P^T x + dangling mass * p) + (1-d)*p, exactly as sync.
    """
    n = g.n
    x = np.full(n, 1.0 / n)
    r = _step(g, d, x, p, dangling, inv_out) - x
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        sched = np.flatnonzero(np.abs(r) > tol)
        if sched.size == 0:
            ge.report(on_round, rnd, 0, 0, 0.0, "frontier", t0)
            return _normalized(x), rnd, True
        rs = r[sched]
        mx = float(np.abs(rs).max())
        x[sched] += rs
        r[sched] = 0.0
        push = np.zeros(n)
        push[sched] = rs * inv_out[sched]
        frontier_edges = int(g.out_degree[sched].sum())
        if ge.use_whole_graph(g.m, frontier_edges):
            mode, touched = "whole-graph", g.m
            r += d * ge.gather(g, lambda nb, w: push[nb])
        else:
            mode = "frontier"
            touched = 0
            for part in ge.groups(g.out_degree, sched):
                srcs, dsts, _ = ge.out_nbrs(g, part)
                if dsts.size:
                    r += d * np.bincount(dsts, weights=push[srcs], minlength=n)
                touched += dsts.size
        dmass = rs[dangling[sched]].sum()
        if dmass != 0.0:
            r += d * dmass * p
        ge.report(on_round, rnd, sched.size, touched, mx, mode, t0)
    return _normalized(x), max_iter, not np.any(np.abs(r) > tol)


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
