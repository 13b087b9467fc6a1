"""The graph engine's numpy kernels: fixed points with dirty-vertex scheduling.

No database access here: every function takes arrays (a prepared graph in
compressed sparse row form) and returns arrays, so the math is unit-testable
without a server. The SQL drivers (sql/pagerank.sql, sql/wcc.sql, ...) load a
prepared graph, call these kernels, and write the result tables and the
per-round history.

The scheduler is GraphLab's dynamic scheduling: a set of *scheduled* vertices
whose inputs changed by more than the tolerance. Each round applies the update
function to scheduled vertices only and schedules their out-neighbours when
their own value changes. Each round picks how to do the work:

* ``frontier``: gather only over the edges of scheduled vertices (CSR slices),
  when those edges are a minority of the graph;
* ``whole-graph``: one vectorised pass over all edges (cheaper per edge), when
  most vertices are scheduled.

Every kernel reports, per round: the number of scheduled vertices, edges
touched, the largest change and the pass used (``on_round`` callback).
"""
import time

import numpy as np

WHOLE_GRAPH_FRACTION = 0.4   # frontier edges above this share of all edges -> whole-graph pass


class Graph:
    """A directed graph on vertices 0..n-1; edges (src[i] -> dst[i]), both CSR orders precomputed."""

    def __init__(self, n, src, dst, weight=None):
        self.n = int(n)
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        order = np.lexsort((dst, src))
        self.src, self.dst = src[order], dst[order]
        self.weight = None if weight is None else np.asarray(weight, dtype=np.float64)[order]
        self.m = len(self.src)
        self.out_degree = np.bincount(self.src, minlength=self.n).astype(np.int64)
        self.in_degree = np.bincount(self.dst, minlength=self.n).astype(np.int64)
        self.out_ptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(self.out_degree, out=self.out_ptr[1:])
        self.in_order = np.argsort(self.dst, kind="stable")      # edge ids sorted by dst
        self.in_ptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(self.in_degree, out=self.in_ptr[1:])
        self.in_src = self.src[self.in_order]
        self._undirected = None

    def undirected(self):
        """Both directions of every edge (self-loops once), duplicates merged; for WCC and colouring."""
        if self._undirected is None:
            s = np.concatenate([self.src, self.dst])
            d = np.concatenate([self.dst, self.src])
            w = None if self.weight is None else np.concatenate([self.weight, self.weight])
            key = s * self.n + d
            _, idx = np.unique(key, return_index=True)
            self._undirected = Graph(self.n, s[idx], d[idx], None if w is None else w[idx])
        return self._undirected


def edge_ids_of(g, vertices):
    """Ids of the out-edges of the given vertices (CSR slices concatenated)."""
    starts = g.out_ptr[vertices]
    counts = g.out_degree[vertices]
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return offsets + np.arange(total, dtype=np.int64)


def in_edge_positions_of(g, vertices):
    """Positions in the in-CSR (g.in_order) of the in-edges of the given vertices."""
    starts = g.in_ptr[vertices]
    counts = g.in_degree[vertices]
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), counts
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return offsets + np.arange(total, dtype=np.int64), counts


def _use_whole_graph(g, frontier_edges):
    return frontier_edges > WHOLE_GRAPH_FRACTION * g.m


def _segment_sum(values, counts):
    """Sums of consecutive segments of the given lengths (empty segments -> 0)."""
    out = np.zeros(len(counts), dtype=np.float64)
    nz = counts > 0
    if values.size:
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        out[nz] = np.add.reduceat(values, starts[nz])
    return out


def _report(on_round, rnd, scheduled, edges, max_change, mode, t0, **extra):
    if on_round is not None:
        on_round(dict(round=rnd, scheduled=int(scheduled), edges_touched=int(edges),
                      max_change=float(max_change), mode=mode,
                      elapsed_ms=(time.perf_counter() - t0) * 1000.0, **extra))


# ------------------------------------------------------------------ PageRank


def personalization_vector(n, vertices=None):
    p = np.zeros(n) if vertices is not None and len(vertices) else np.full(n, 1.0 / n)
    if vertices is not None and len(vertices):
        p[np.asarray(vertices, dtype=np.int64)] = 1.0
        p /= p.sum()
    return p


def pagerank(g, damping=0.85, tolerance=1e-8, max_iter=100, schedule="sync", personalization=None,
             colors=None, on_round=None):
    """PageRank with networkx's semantics (dangling mass redistributed by the personalization vector).

    Returns (rank, rounds, converged). ``tolerance`` is per vertex: sync and chromatic stop when no
    vertex changed by more than it in a round; dynamic when no vertex has more than it pending.
    """
    n = g.n
    p = personalization if personalization is not None else np.full(n, 1.0 / n)
    dangling = g.out_degree == 0
    inv_out = np.zeros(n)
    inv_out[~dangling] = 1.0 / g.out_degree[~dangling]
    if schedule == "sync":
        return _pagerank_sync(g, damping, tolerance, max_iter, p, dangling, inv_out, on_round)
    if schedule == "dynamic":
        return _pagerank_dynamic(g, damping, tolerance, max_iter, p, dangling, inv_out, on_round)
    if schedule == "chromatic":
        if colors is None:
            colors, _ = color(g)
        return _pagerank_chromatic(g, damping, tolerance, max_iter, p, dangling, inv_out, colors, on_round)
    raise ValueError(f"unknown schedule {schedule!r}: use 'sync', 'dynamic' or 'chromatic'")


def _pagerank_sync(g, d, tol, max_iter, p, dangling, inv_out, on_round):
    x = np.full(g.n, 1.0 / g.n)
    in_src = g.in_src
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        contrib = (x * inv_out)[in_src]
        gathered = _segment_sum(contrib, g.in_degree)
        new = d * (gathered + x[dangling].sum() * p) + (1.0 - d) * p
        change = np.abs(new - x)
        x = new
        mx = float(change.max()) if g.n else 0.0
        _report(on_round, rnd, g.n, g.m, mx, "whole-graph", t0)
        if mx < tol:
            return x, rnd, True
    return x, max_iter, False


def _pagerank_dynamic(g, d, tol, max_iter, p, dangling, inv_out, on_round):
    """Residual push (delta PageRank): x accumulates, r holds each vertex's pending change.

    A scheduled vertex (r > tol) adds its residual to its rank and pushes d*r/outdeg to each
    out-neighbour; a dangling vertex pushes d*r*p to every vertex (one vector add per round).
    At the fixed point x = d*(P^T x + dangling mass * p) + (1-d)*p, exactly as sync.
    """
    n = g.n
    x = np.zeros(n)
    r = (1.0 - d) * p + 0.0
    # start from the uniform vector like sync: x0 = 1/n, residual = one sync step's change
    x0 = np.full(n, 1.0 / n)
    gathered = _segment_sum((x0 * inv_out)[g.in_src], g.in_degree)
    x = x0
    r = d * (gathered + x0[dangling].sum() * p) + (1.0 - d) * p - x0
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        sched = np.flatnonzero(np.abs(r) > tol)
        if sched.size == 0:
            _report(on_round, rnd, 0, 0, 0.0, "frontier", t0)
            return _normalized(x), rnd, True
        rs = r[sched]
        mx = float(np.abs(rs).max())
        x[sched] += rs
        r[sched] = 0.0
        push = np.zeros(n)
        push[sched] = rs
        eids = None
        frontier_edges = int(g.out_degree[sched].sum())
        if _use_whole_graph(g, frontier_edges):
            mode = "whole-graph"
            r += d * _segment_sum((push * inv_out)[g.in_src], g.in_degree)
            touched = g.m
        else:
            mode = "frontier"
            eids = edge_ids_of(g, sched)
            if eids.size:
                r += d * np.bincount(g.dst[eids], weights=(push * inv_out)[g.src[eids]], minlength=n)
            touched = eids.size
        dmass = push[dangling].sum()
        if dmass != 0.0:
            r += d * dmass * p
        _report(on_round, rnd, sched.size, touched, mx, mode, t0)
    return _normalized(x), max_iter, not np.any(np.abs(r) > tol)


def _normalized(x):
    """The fixed point sums to 1; residuals left below the tolerance are spread back proportionally."""
    total = x.sum()
    return x / total if total > 0 else x


def _pagerank_chromatic(g, d, tol, max_iter, p, dangling, inv_out, colors, on_round):
    """Gauss-Seidel by colour: one colour per sub-step, each reading the values just written.

    No edge joins two vertices of the same colour, so a colour's updates are independent
    (serializable under edge consistency). The dangling mass is kept up to date incrementally.
    """
    n = g.n
    x = np.full(n, 1.0 / n)
    ncolors = int(colors.max()) + 1 if n else 0
    classes = [np.flatnonzero(colors == c) for c in range(ncolors)]
    positions = [in_edge_positions_of(g, cls) for cls in classes]
    in_src = g.in_src
    dmass = x[dangling].sum()
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        mx = 0.0
        prev = x.copy()
        for cls, (pos, counts) in zip(classes, positions):
            srcs = in_src[pos]
            gathered = _segment_sum(x[srcs] * inv_out[srcs], counts)
            new = d * (gathered + dmass * p[cls]) + (1.0 - d) * p[cls]
            delta = new - x[cls]
            if delta.size:
                mx = max(mx, float(np.abs(delta).max()))
            x[cls] = new
            dm = dangling[cls]
            if dm.any():
                dmass += delta[dm].sum()
        # the fixed point sums to 1; a Gauss-Seidel sweep does not keep the sum, so project back
        # (the changes are measured against the normalised previous sweep)
        total = x.sum()
        if total > 0:
            x /= total
            mx = float(np.abs(x - prev).max()) if n else 0.0
        dmass = x[dangling].sum()       # re-sum once per sweep: no drift
        _report(on_round, rnd, n, g.m, mx, "whole-graph", t0, colors=ncolors)
        if mx < tol:
            return x, rnd, True
    return x, max_iter, False


# ------------------------------------------------------------------ colouring


def color(g, seed=0, on_round=None):
    """Jones-Plassmann colouring of the undirected version (self-loops ignored), seeded priorities.

    Each round, every uncoloured vertex whose priority beats all its uncoloured neighbours takes the
    smallest colour none of its neighbours has. Returns (colors int64[n], rounds).
    """
    u = g.undirected()
    n = g.n
    keep = u.src != u.dst
    s, t = u.src[keep], u.dst[keep]          # both directions, no self-loops
    nu = Graph(n, s, t)
    rng = np.random.default_rng(seed)
    prio = rng.permutation(n)              # distinct priorities
    col = np.full(n, -1, dtype=np.int64)
    rnd = 0
    while True:
        t0 = time.perf_counter()
        unc = col < 0
        if not unc.any():
            break
        rnd += 1
        # edges between uncoloured vertices only (the list shrinks every round)
        live = unc[s] & unc[t]
        s, t = s[live], t[live]
        loses = np.zeros(n, dtype=bool)
        loses[s[prio[t] > prio[s]]] = True
        winners = np.flatnonzero(unc & ~loses)
        # smallest colour absent among the winners' coloured neighbours (mex)
        eids = edge_ids_of(nu, winners)
        es, et = nu.src[eids], nu.dst[eids]
        sel = col[et] >= 0
        pairs_v, pairs_c = es[sel], col[et[sel]]
        newcol = np.zeros(n, dtype=np.int64)
        if pairs_v.size:
            key = np.unique(pairs_v * (n + 1) + pairs_c)
            pv, pc = key // (n + 1), key % (n + 1)
            starts = np.flatnonzero(np.concatenate(([True], pv[1:] != pv[:-1])))
            sizes = np.diff(np.concatenate((starts, [pv.size])))
            rank = np.arange(pv.size) - np.repeat(starts, sizes)
            cand = np.where(pc != rank, rank, np.repeat(sizes, sizes))
            newcol[pv[starts]] = np.minimum.reduceat(cand, starts)
        col[winners] = newcol[winners]
        _report(on_round, rnd, winners.size, int(live.sum()) + eids.size, 0.0, "frontier", t0)
    return col, rnd


def is_proper(g, colors):
    keep = g.src != g.dst
    return bool(np.all(colors[g.src[keep]] != colors[g.dst[keep]]))


# ------------------------------------------------------------------ WCC


def wcc(g, max_iter=None, on_round=None):
    """Weakly connected components by min-label propagation; component id = smallest vertex id.

    A vertex is scheduled when its label dropped in the previous round; the first round schedules all.
    """
    u = g.undirected()
    n = g.n
    label = np.arange(n, dtype=np.int64)
    sched = np.arange(n, dtype=np.int64)
    rnd = 0
    while sched.size:
        rnd += 1
        if max_iter is not None and rnd > max_iter:
            return label, rnd - 1, False
        t0 = time.perf_counter()
        frontier_edges = int(u.out_degree[sched].sum())
        if _use_whole_graph(u, frontier_edges):
            mode = "whole-graph"
            cand = label.copy()
            nz = u.in_degree > 0
            vals = label[u.in_src]
            if vals.size:
                cand[nz] = np.minimum(label[nz], np.minimum.reduceat(vals, u.in_ptr[:-1][nz]))
            touched = u.m
        else:
            mode = "frontier"
            eids = edge_ids_of(u, sched)
            cand = label.copy()
            np.minimum.at(cand, u.dst[eids], label[u.src[eids]])
            touched = eids.size
        changed = np.flatnonzero(cand < label)
        max_change = float((label[changed] - cand[changed]).max()) if changed.size else 0.0
        label = cand
        _report(on_round, rnd, sched.size, touched, max_change, mode, t0)
        sched = changed
    return label, rnd, True


# ------------------------------------------------------------------ SSSP


def sssp(g, sources, weight=None, max_iter=None, on_round=None):
    """Single-source (or multi-source) shortest paths: Bellman-Ford with dirty-vertex scheduling.

    Only vertices whose distance dropped relax their out-edges in the next round.
    Returns (dist float64[n] with inf for unreachable, parent int64[n] with -1, rounds).
    Parent ties are broken by the smallest parent vertex.
    """
    n = g.n
    w = np.ones(g.m) if weight is None else weight
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
        if _use_whole_graph(g, frontier_edges):
            mode, eids = "whole-graph", None
            es, ed, cw = g.src, g.dst, dist[g.src] + w
            touched = g.m
        else:
            mode = "frontier"
            eids = edge_ids_of(g, sched)
            es, ed = g.src[eids], g.dst[eids]
            cw = dist[es] + w[eids]
            touched = eids.size
        best = dist.copy()
        np.minimum.at(best, ed, cw)
        improved = np.flatnonzero(best < dist)
        max_change = 0.0
        if improved.size:
            finite_old = np.isfinite(dist[improved])
            if finite_old.any():
                max_change = float((dist[improved][finite_old] - best[improved][finite_old]).max())
            else:
                max_change = float("inf")
            is_imp = np.zeros(n, dtype=bool)
            is_imp[improved] = True
            win = is_imp[ed] & (cw == best[ed])
            par = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(par, ed[win], es[win])
            parent[improved] = par[improved]
        dist = best
        _report(on_round, rnd, sched.size, touched, max_change, mode, t0)
        sched = improved
    return dist, parent, rnd


# ------------------------------------------------------------------ label propagation


def label_propagation(g, seed_vertices, seed_classes, n_classes, tolerance=1e-8, max_iter=100,
                      on_round=None):
    """Semi-supervised label propagation (Zhu & Ghahramani; CoEM on bipartite graphs).

    Every vertex holds a distribution over classes; seed vertices are clamped to their class;
    every other vertex takes the weighted average of its in-neighbours' distributions (for an
    undirected graph: of all neighbours). Jacobi rounds on the scheduled vertices: a vertex is
    rescheduled when one of its in-neighbours changed by more than the tolerance.
    Returns (F float64[n, k], rounds, converged).
    """
    n = g.n
    w = np.ones(g.m) if g.weight is None else g.weight
    w_in = w[g.in_order]
    wsum = _segment_sum(w_in, g.in_degree)
    seed_vertices = np.asarray(seed_vertices, dtype=np.int64)
    is_seed = np.zeros(n, dtype=bool)
    is_seed[seed_vertices] = True
    F = np.zeros((n, n_classes))
    F[seed_vertices, np.asarray(seed_classes, dtype=np.int64)] = 1.0
    # first round: every non-seed vertex with in-edges
    sched = np.flatnonzero(~is_seed & (g.in_degree > 0))
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        if sched.size == 0:
            _report(on_round, rnd, 0, 0, 0.0, "frontier", t0)
            return F, rnd, True
        pos, counts = in_edge_positions_of(g, sched)
        touched = pos.size
        mode = "whole-graph" if _use_whole_graph(g, touched) else "frontier"
        srcs = g.in_src[pos]
        agg = np.zeros((sched.size, n_classes))
        if pos.size:
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            nz = counts > 0
            agg[nz] = np.add.reduceat(F[srcs] * w_in[pos][:, None], starts[nz], axis=0)
        ws = wsum[sched]
        new = np.where(ws[:, None] > 0, agg / np.where(ws > 0, ws, 1.0)[:, None], 0.0)
        change = np.abs(new - F[sched]).max(axis=1) if n_classes else np.zeros(sched.size)
        F[sched] = new
        mx = float(change.max()) if change.size else 0.0
        moved = sched[change > tolerance]
        _report(on_round, rnd, sched.size, touched, mx, mode, t0)
        if moved.size == 0:
            return F, rnd, True
        eids = edge_ids_of(g, moved)
        nxt = np.zeros(n, dtype=bool)
        nxt[g.dst[eids]] = True
        nxt &= ~is_seed
        sched = np.flatnonzero(nxt)
    return F, max_iter, False


# ------------------------------------------------------------------ BFS (for unit tests / reference)


def bfs_levels(g, sources):
    level = np.full(g.n, -1, dtype=np.int64)
    frontier = np.unique(np.asarray(sources, dtype=np.int64))
    level[frontier] = 0
    k = 0
    while frontier.size:
        k += 1
        eids = edge_ids_of(g, frontier)
        nxt = np.unique(g.dst[eids])
        nxt = nxt[level[nxt] < 0]
        level[nxt] = k
        frontier = nxt
    return level
