"""The SQL graph engine (engine => 'sql'): the edges stay in the database, read piece by piece each round.

The memory engine loads a prepared graph's CSR arrays whole. This engine
keeps them in the prepared graph's table and reads, through SQL, only the
pieces a round needs: a whole-graph pass streams the CSR in pieces of about
``PIECE`` edges (``substring`` of an uncompressed, EXTERNAL
``bytea`` reads just the TOAST chunks of that range), a frontier pass reads
the pieces that hold the scheduled vertices. The backend holds the
per-vertex state (degrees, values, the scheduled set: O(vertices)) and one
piece of edges at a time, never the whole edge list - so it runs graphs whose
edges do not fit one backend's memory (``engine => 'auto'`` picks it when the
arrays exceed ``indb_ml.graph_memory_limit``).

It presents the same interface as ``graph_engine.Graph`` (``pieces``,
``fetch``, degrees), so every algorithm and schedule runs the same kernels on
either engine: same rounds, same scheduled vertices, same results.
"""
import numpy as np

from . import graph_csr, graph_engine

ge = graph_engine
PIECE = ge.PIECE      # edges per SQL read (a kernel's parts of graph_engine.CHUNK edges share the last piece read)


class StreamedGraph:
    """A prepared graph whose CSR slices are read through SQL on demand (driver code: holds ``plpy``)."""
    def __init__(self, plpy, prep):
        self.plpy, self.table = plpy, prep["csr_sql"]
        self.n, self.m = int(prep["n_vertices"]), int(prep["n_edges"])
        self.directed = bool(prep["directed"])
        self.weighted = bool(prep["weight"])
        row = plpy.execute(f"SELECT out_deg, in_deg FROM {self.table}")[0]
        self.out_degree = graph_csr.unpack("out_deg", row["out_deg"]).astype(np.int64)
        self.in_degree = graph_csr.unpack("in_deg", row["in_deg"]).astype(np.int64)
        self.out_ptr, self.in_ptr = graph_csr.ptr(self.out_degree), graph_csr.ptr(self.in_degree)
        self._plans = {}
        self._last = None          # (direction, lo, hi, neighbours, weights) of the last piece read
        self.pieces_read = 0
        self.edges_read = 0

    def _csr(self, direction):
        if direction == "in":
            return self.in_ptr, self.in_degree, "in_src", "in_w"
        return self.out_ptr, self.out_degree, "out_dst", "out_w"

    def _read(self, direction, lo, hi):
        """Edges [lo, hi) of one CSR direction: (neighbours int32, weights float64 or None)."""
        if self._last is not None and self._last[:3] == (direction, lo, hi):
            return self._last[3:]
        _, _, col, wcol = self._csr(direction)
        plan = self._plans.get(direction)
        if plan is None:
            w = f", substring({wcol} FROM $1 * 2 - 1 FOR $2 * 2) AS w" if self.weighted else ""
            plan = self.plpy.prepare(f"SELECT substring({col} FROM $1 FOR $2) AS nb{w} FROM {self.table}",
                                     ["int4", "int4"])
            self._plans[direction] = plan
        row = self.plpy.execute(plan, [lo * 4 + 1, (hi - lo) * 4])[0]
        self.pieces_read += 1
        self.edges_read += hi - lo
        nb = graph_csr.unpack(col, row["nb"])
        w = graph_csr.unpack(wcol, row["w"]) if self.weighted else None
        self._last = (direction, lo, hi, nb, w)
        return nb, w

    def read(self, column, lo, hi):
        """Elements [lo, hi) of an int32 CSR column (e.g. ``cin_src``, the in-edges by colour)."""
        plan = self._plans.get(column)
        if plan is None:
            plan = self.plpy.prepare(f"SELECT substring({column} FROM $1 FOR $2) AS nb FROM {self.table}",
                                     ["int4", "int4"])
            self._plans[column] = plan
        self.pieces_read += 1
        self.edges_read += hi - lo
        return graph_csr.unpack(column, self.plpy.execute(plan, [lo * 4 + 1, (hi - lo) * 4])[0]["nb"])

    def pieces(self, direction):
        ptr = self._csr(direction)[0]
        for a, b in ge.vertex_ranges(ptr, PIECE):
            lo, hi = int(ptr[a]), int(ptr[b])
            nb, w = self._read(direction, lo, hi)
            yield a, b, nb, w

    def piece(self, direction, a, b):
        """(neighbours, weights) of vertices [a, b): one read of that byte range of the CSR."""
        ptr = self._csr(direction)[0]
        return self._read(direction, int(ptr[a]), int(ptr[b]))

    def fetch(self, direction, vertices):
        """(per-vertex counts, neighbours, weights) of ``vertices`` (order kept), reading only the
        pieces that hold them."""
        ptr, deg, _, _ = self._csr(direction)
        vertices = np.asarray(vertices, dtype=np.int64)
        counts = deg[vertices]
        if vertices.size == 0 or counts.sum() == 0:
            return counts, np.zeros(0, dtype=np.int32), (np.zeros(0) if self.weighted else None)
        order = np.argsort(vertices, kind="stable")
        sv = vertices[order]
        nbs, ws = [], []
        for a, b in ge.vertex_ranges(ptr, PIECE):
            i, j = np.searchsorted(sv, [a, b])
            if j <= i or deg[sv[i:j]].sum() == 0:
                continue
            lo, hi = int(ptr[a]), int(ptr[b])
            nb, w = self._read(direction, lo, hi)
            pos, _ = ge.slices(ptr - lo, deg, sv[i:j])
            nbs.append(nb[pos])
            if w is not None:
                ws.append(w[pos])
        nb_sorted = np.concatenate(nbs)
        w_sorted = np.concatenate(ws) if self.weighted else None
        # back to the caller's order: segment k of the sorted result belongs to vertices[order[k]]
        sc = counts[order]
        starts = np.concatenate(([0], np.cumsum(sc)[:-1]))
        inv = np.empty_like(order)
        inv[order] = np.arange(order.size)
        pos, _ = _segments(starts, sc, inv)
        return counts, nb_sorted[pos], (None if w_sorted is None else w_sorted[pos])

    def out_src(self):
        return np.repeat(np.arange(self.n, dtype=np.int32), self.out_degree)


def _segments(starts, lengths, which):
    """Positions of segments ``which`` (each [starts[k], starts[k] + lengths[k])) concatenated."""
    counts = lengths[which]
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), counts
    offsets = np.repeat(starts[which] - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return offsets + np.arange(total, dtype=np.int64), counts


def open_graph(plpy, prep):
    return StreamedGraph(plpy, prep)
