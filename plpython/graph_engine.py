"""The memory engine's shared core: a prepared graph as two CSRs and the round machinery.

No database access here. The algorithm kernels (``pagerank``, ``wcc``,
``sssp``, ``label_propagation``, ``graph_color``) take a ``Graph`` and return
arrays; the SQL drivers load the packed CSR of a prepared graph
(``graph_csr``), call them, and write the results.

Scheduling is GraphLab's: a set of *scheduled* vertices whose inputs changed;
each round picks the cheaper pass - a ``frontier`` pass over the CSR slices of
the scheduled vertices, or a ``whole-graph`` pass over every edge when their
edges exceed ``WHOLE_GRAPH_FRACTION`` of the graph. Whole-graph passes run in
parts of ``part_edges(m)`` edges (``CHUNK``, or a sixteenth of a smaller graph's
edges) so that per-edge temporaries stay small next to the CSR arrays (the peak
memory of a call is the CSR arrays plus per-vertex state). Every kernel
reports each round through ``on_round``.
"""
import time

import numpy as np

from . import graph_csr

WHOLE_GRAPH_FRACTION = 0.4   # frontier edges above this share of all edges -> whole-graph pass
CHUNK = 1 << 16              # edges per piece of a whole-graph pass (at most)
MIN_PART, PARTS = 1 << 12, 16  # a graph under PARTS * CHUNK edges is passed in PARTS parts (of at least MIN_PART)
PIECE = 1 << 18              # edges per piece of ``piece_blocks`` (both engines: same layout, same schedule) and
                             # per SQL read of the sql engine


class Graph:
    """Vertices 0..n-1; out-CSR (out_dst sorted by src, dst) and in-CSR (in_src sorted by dst, src)."""
    def __init__(self, n, out_deg, out_dst, in_deg, in_src, out_w=None, in_w=None, directed=True, m=None):
        self.n = int(n)
        self.directed = bool(directed)     # False: both directions are stored, the two CSRs are equal
        self.out_dst, self.in_src = out_dst, in_src
        self.m = int(len(out_dst) or len(in_src)) if m is None else int(m)   # a call may load one direction or none
        self.out_degree = np.asarray(out_deg, dtype=np.int64)
        self.in_degree = np.asarray(in_deg, dtype=np.int64)
        self.out_ptr = graph_csr.ptr(self.out_degree)
        self.in_ptr = graph_csr.ptr(self.in_degree)
        self.weight, self.in_weight = out_w, in_w
        self.weighted = out_w is not None or in_w is not None

    @classmethod
    def from_edges(cls, n, src, dst, weight=None, directed=True):
        """From an edge list (tests, references): duplicates merged, both orders built."""
        arrays, _, _ = graph_csr.build(n, src, dst, weight, directed)
        return cls(n, arrays["out_deg"], arrays["out_dst"], arrays["in_deg"], arrays["in_src"],
                   arrays.get("out_w"), arrays.get("in_w"), directed)

    def _csr(self, direction):
        if direction == "in":
            return self.in_ptr, self.in_degree, self.in_src, self.in_weight
        return self.out_ptr, self.out_degree, self.out_dst, self.weight

    def pieces(self, direction):
        """(a, b, neighbours, weights) for vertex ranges [a, b) of about ``part_edges`` edges, in order."""
        ptr, _, nbrs, w = self._csr(direction)
        for a, b in vertex_ranges(ptr):
            lo, hi = int(ptr[a]), int(ptr[b])
            yield a, b, nbrs[lo:hi], None if w is None else w[lo:hi]

    def piece(self, direction, a, b):
        """(neighbours, weights) of the CSR slices of vertices [a, b): one contiguous range."""
        ptr, _, nbrs, w = self._csr(direction)
        lo, hi = int(ptr[a]), int(ptr[b])
        return nbrs[lo:hi], None if w is None else w[lo:hi]

    def fetch(self, direction, vertices):
        """(per-vertex counts, neighbours, weights) of the CSR slices of ``vertices`` (order kept)."""
        ptr, deg, nbrs, w = self._csr(direction)
        pos, counts = slices(ptr, deg, vertices)
        return counts, nbrs[pos], None if w is None else w[pos]

    def drop_edges(self):
        """Free both CSR arrays (a chromatic sweep reads its colour classes' in-edges from ``cin_src``);
        degrees, pointers and ``m`` stay."""
        self.out_dst = self.in_src = np.zeros(0, dtype=np.int32)
        self.weight = self.in_weight = None

    def out_src(self):
        """The source of every out-CSR edge (built on demand: 4 bytes per edge)."""
        return np.repeat(np.arange(self.n, dtype=np.int32), self.out_degree)


def slices(ptr, deg, vertices):
    """Positions of the CSR slices of ``vertices`` concatenated (vertex order kept), and their counts."""
    vertices = np.asarray(vertices, dtype=np.int64)
    counts = deg[vertices]
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), counts
    starts = ptr[vertices]
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return offsets + np.arange(total, dtype=np.int64), counts


def part_edges(m):
    """Edges per part of a pass over a graph of ``m`` edges: ``CHUNK``, or for a small graph a sixteenth of
    its edges (parts of a fixed 65,536 edges would hold temporaries as big as the whole CSR of a 100k-edge
    graph: measured on wiki-Vote, colouring peaked at 52 B per edge, 25 in parts of m / 16). Results do not depend on it (every per-vertex reduction
    stays within one part)."""
    return int(min(CHUNK, max(MIN_PART, m // PARTS)))


def vertex_ranges(ptr, chunk=None):
    """Vertex ranges [a, b) whose CSR slices hold about ``chunk`` (default ``part_edges``) edges each."""
    chunk = chunk or part_edges(int(ptr[-1]))
    m, n = int(ptr[-1]), len(ptr) - 1
    cuts = np.unique(np.searchsorted(ptr, np.arange(chunk, m, chunk), side="right") - 1)
    bounds = [0] + [int(c) for c in cuts if 0 < c < n] + [n]
    return [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def groups(deg, vertices, chunk=None):
    """``vertices`` split into consecutive parts of about ``chunk`` (default ``part_edges`` of the degrees'
    total) edges each (a frontier pass runs part by part, so its per-edge temporaries stay small)."""
    chunk = chunk or part_edges(int(deg.sum()))
    vertices = np.asarray(vertices, dtype=np.int64)
    ends = np.cumsum(deg[vertices])
    total = int(ends[-1]) if ends.size else 0
    cuts = np.searchsorted(ends, np.arange(chunk, total, chunk), side="right")
    bounds = np.concatenate(([0], cuts, [vertices.size]))
    return [vertices[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def piece_blocks(g, direction, block_edges):
    """The CSR pieces (``vertex_ranges`` of ``PIECE`` edges) cut into blocks of about ``block_edges`` edges,
    in vertex order:
    ``[((pa, pb), [(a, b), ...]), ...]``. A pass that visits the blocks in turn reads a piece once, when a
    block of it first needs edges (``piece_edges``), so on the SQL engine a scattered frontier costs one
    read per piece and one piece in memory at a time."""
    ptr = g.out_ptr if direction == "out" else g.in_ptr
    layout = []
    for pa, pb in vertex_ranges(ptr, PIECE):
        local = ptr[pa:pb + 1] - ptr[pa]
        layout.append(((pa, pb), [(pa + a, pa + b) for a, b in vertex_ranges(local, max(int(block_edges), 1))]))
    return layout


def piece_edges(g, direction, pa, nbrs, vertices):
    """(per-vertex counts, neighbours) of sorted ``vertices`` of the piece starting at vertex ``pa`` whose
    neighbours ``nbrs`` were read with ``g.piece``."""
    ptr = g.out_ptr if direction == "out" else g.in_ptr
    deg = g.out_degree if direction == "out" else g.in_degree
    pos, counts = slices(ptr, deg, vertices)
    return counts, nbrs[pos - ptr[pa]]


def out_nbrs(g, vertices):
    """(src, dst, weight) of the out-edges of ``vertices``."""
    vertices = np.asarray(vertices, dtype=np.int64)
    counts, dst, w = g.fetch("out", vertices)
    return np.repeat(vertices, counts), dst, w


def in_nbrs(g, vertices):
    """(per-vertex counts, src, weight) of the in-edges of ``vertices`` (grouped by vertex, in order)."""
    return g.fetch("in", np.asarray(vertices, dtype=np.int64))


def out_stream(g):
    """Every edge as (src, dst, weight) pieces of about ``part_edges`` edges."""
    for a, b, nbrs, w in g.pieces("out"):
        yield np.repeat(np.arange(a, b, dtype=np.int64), g.out_degree[a:b]), nbrs, w


def segment_reduce(ufunc, values, counts, empty):
    """ufunc.reduceat over consecutive segments of the given lengths (empty segments -> ``empty``)."""
    out = np.full(len(counts), empty, dtype=values.dtype if values.size else type(empty))
    nz = counts > 0
    if values.size:
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        out[nz] = ufunc.reduceat(values, starts[nz])
    return out


def segment_sum(values, counts):
    return segment_reduce(np.add, values, counts, 0.0)


def gather(g, per_edge, reduce=np.add, empty=0.0, direction="in"):
    """For every vertex, reduce ``per_edge(neighbours, weights)`` over its in- (or out-) neighbours.

    The pass runs piece by piece (about ``part_edges`` edges each), so only that many per-edge values exist
    at a time - and the SQL engine reads only one piece of the CSR at a time.
    """
    deg = g.in_degree if direction == "in" else g.out_degree
    out = np.full(g.n, empty, dtype=np.int64 if isinstance(empty, (int, np.integer)) else np.float64)
    for a, b, nbrs, w in g.pieces(direction):
        if nbrs.size:
            out[a:b] = segment_reduce(reduce, per_edge(nbrs, w), deg[a:b], empty)
    return out


def use_whole_graph(m, frontier_edges):
    return frontier_edges > WHOLE_GRAPH_FRACTION * m


def report(on_round, rnd, scheduled, edges, max_change, mode, t0, **extra):
    if on_round is not None:
        on_round(dict(round=rnd, scheduled=int(scheduled), edges_touched=int(edges),
                      max_change=float(max_change), mode=mode,
                      elapsed_ms=(time.perf_counter() - t0) * 1000.0, **extra))


def bfs_levels(g, sources):
    """Hop distance from the sources (-1: unreached); a reference for tests."""
    level = np.full(g.n, -1, dtype=np.int64)
    frontier = np.unique(np.asarray(sources, dtype=np.int64))
    level[frontier] = 0
    k = 0
    while frontier.size:
        k += 1
        _, dst, _ = out_nbrs(g, frontier)
        nxt = np.unique(dst)
        nxt = nxt[level[nxt] < 0]
        level[nxt] = k
        frontier = nxt
    return level
