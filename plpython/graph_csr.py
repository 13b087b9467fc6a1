"""A prepared graph in its final order: both CSR directions and the degrees, packed once.

Preparation (``build``) renumbers nothing - it takes dense vertex numbers -
but merges duplicate edges (keeping the smallest weight), adds the reverse of
every edge of an undirected graph, and sorts the edges twice: by (src, dst)
for the out-CSR and by (dst, src) for the in-CSR. ``pack`` turns the arrays
into little-endian bytes for the catalog and ``unpack`` reads them back
without copying or sorting, so an algorithm call only pays for loading the
bytes it needs. No database access here.
"""
import numpy as np

INT = "<i4"
FLOAT = "<f8"


def renumber(*id_arrays):
    """Sorted distinct ids and each array mapped to dense numbers 0..n-1 in id order.

    When the ids span a range not much larger than their count (SNAP files, serials), a presence
    map does it in linear time; otherwise sort (np.unique + searchsorted)."""
    arrays = [np.asarray(a, dtype=np.int64) for a in id_arrays]
    total = sum(a.size for a in arrays)
    if total == 0:
        return np.zeros(0, dtype=np.int64), arrays
    lo = min(int(a.min()) for a in arrays if a.size)
    hi = max(int(a.max()) for a in arrays if a.size)
    if hi - lo <= 4 * total + 1024:
        present = np.zeros(hi - lo + 1, dtype=bool)
        for a in arrays:
            present[a - lo] = True
        ids = np.flatnonzero(present) + lo
        dense = np.cumsum(present, dtype=np.int64) - 1
        return ids, [dense[a - lo] for a in arrays]
    ids = np.unique(np.concatenate(arrays))
    return ids, [np.searchsorted(ids, a) for a in arrays]


def dedupe(n, src, dst, weight=None, directed=True):
    """Merge duplicate edges; returns (src, dst, weight, n_duplicates, n_self_loops) sorted by (src, dst).

    Undirected edges are stored once per pair as (min, max) here; ``build`` adds the reverse.
    The smallest weight of a merged group is kept (NaN - a NULL weight - only if all are NaN).
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    if not directed:
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        src, dst = lo, hi
    key = src * np.int64(n) + dst
    if weight is not None:
        weight = np.asarray(weight, dtype=np.float64)
        order = np.lexsort((weight, key))
    else:
        order = np.argsort(key)           # equal keys are identical edges: any order will do
    key = key[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    keep = order[first]
    n_dup = int(key.size - keep.size)
    del key, order, first
    s, d = src[keep], dst[keep]
    w = weight[keep] if weight is not None else None
    return s, d, w, n_dup, int(np.count_nonzero(s == d))


def build(n, src, dst, weight=None, directed=True):
    """Both CSR directions of the merged graph; returns (arrays dict, n_duplicates, n_self_loops)."""
    s, d, w, n_dup, n_loops = dedupe(n, src, dst, weight, directed)
    if not directed:
        rev = s != d
        s, d = np.concatenate([s, d[rev]]), np.concatenate([d, s[rev]])
        if w is not None:
            w = np.concatenate([w, w[rev]])
        order = np.argsort(s * np.int64(n) + d)       # keys are distinct after merging
        s, d = s[order], d[order]
        w = w[order] if w is not None else None
    out = {"out_deg": np.bincount(s, minlength=n).astype(np.int32), "out_dst": d.astype(np.int32)}
    in_order = np.argsort(d * np.int64(n) + s)        # keys are distinct after merging
    out["in_deg"] = np.bincount(d, minlength=n).astype(np.int32)
    out["in_src"] = s[in_order].astype(np.int32)
    if w is not None:
        out["out_w"] = w
        out["in_w"] = w[in_order]
    return out, n_dup, n_loops


def pack(arrays):
    """name -> little-endian bytes (int32 for ids and degrees, float64 for weights)."""
    return {k: np.ascontiguousarray(v, dtype=FLOAT if k.endswith("_w") else INT).tobytes()
            for k, v in arrays.items()}


def unpack(name, raw):
    """bytes from ``pack`` -> a read-only numpy view (no copy)."""
    return np.frombuffer(raw, dtype=FLOAT if name.endswith("_w") else INT)


def ptr(deg):
    """CSR row pointers (int64, n+1) from degrees."""
    p = np.zeros(len(deg) + 1, dtype=np.int64)
    np.cumsum(deg, out=p[1:])
    return p


def memory_bytes(n, m, weighted):
    """Bytes of numpy arrays the memory engine holds for a graph (both CSRs, pointers, per-vertex state)."""
    per_edge = 8 + (16 if weighted else 0)
    return int(m * per_edge + n * 64)
