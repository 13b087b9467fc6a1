"""Alternating least squares (ALS-WR) kernels over packed rating blocks.

The ratings are packed once per training into blocks of consecutive vertices
(users, or items) in CSR form: per block the number of ratings of each vertex,
the dense index of the other side's vertex of each rating (int32) and the
rating (float64), all raw little-endian bytes. A half-step is one kernel call
per block: with the other side's factors in memory, it builds every vertex's
normal equations with array operations and solves them in one batched call:

    (FᵀF + λ·n·I) x = Fᵀt          (weighted-λ regularisation, Zhou et al. 2008)

where n is the vertex's number of ratings and F the factors of its
neighbours. With biases the model is r ≈ μ + b_u + b_i + p_u·q_i: solving a
user, f = [q_i, 1] and t = r - μ - b_i, and x = [p_u, b_u] (mirrored for
items), so the biases are regularised like the factors. Factors are rows of
rank + 1 values (factor, then bias; bias 0 without biases). The kernel also
returns each vertex's training residual Σ(t - f·x)², from the normal
equations, so the train RMSE needs no extra pass.
"""
import hashlib

import numpy as np



HEADER = 4           # float64: pairs (ratings after averaging duplicates), duplicated pairs, extra rows, Σ rating


def block_arrays(data, nvert):
    """A packed block -> (counts int64 (nvert), other index int64 (nnz), ratings float64 (nnz)).

    Layout: HEADER float64 stats, float64 rating per rating, int32 count per vertex, int32
    neighbour index per rating (ratings grouped by vertex, in vertex order; aligned reads)."""
    nnz = int(np.frombuffer(data, dtype="<f8", count=1)[0])
    o = 8 * HEADER
    r = np.frombuffer(data, dtype="<f8", count=nnz, offset=o)
    counts = np.frombuffer(data, dtype="<i4", count=nvert, offset=o + 8 * nnz).astype(np.int64)
    other = np.frombuffer(data, dtype="<i4", count=nnz, offset=o + 8 * nnz + 4 * nvert).astype(np.int64)
    return counts, other, r


def block_stats(data):
    """[pairs, duplicated pairs, extra rows averaged away, Σ rating over pairs] of a packed block."""
    return np.frombuffer(data, dtype="<f8", count=HEADER).tolist()


def pack_block(v_send, o_send, r_send, first, nvert):
    """array_send'ed vertex indexes, neighbour indexes and ratings of one block's rows, in any order ->
    the packed block (``block_arrays``): sorted by (vertex, neighbour) here rather than by SQL, and
    rows of the same (vertex, neighbour) pair averaged into one rating."""
    v = np.frombuffer(pack_ints(v_send), dtype="<i4").astype(np.int64) - int(first)
    o = np.frombuffer(pack_ints(o_send), dtype="<i4").astype(np.int64)
    r = _f8_send(r_send)
    order = np.lexsort((o, v))
    v, o, r = v[order], o[order], r[order]
    new = np.r_[True, (v[1:] != v[:-1]) | (o[1:] != o[:-1])] if len(v) else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(new)
    rows = np.diff(np.r_[starts, len(v)])
    if len(starts) != len(v):
        r = np.add.reduceat(r, starts) / rows
        v, o = v[starts], o[starts]
    counts = np.bincount(v, minlength=int(nvert)).astype("<i4")
    head = np.array([len(v), float((rows > 1).sum()), float((rows - 1).sum()), float(r.sum())])
    return (head.astype("<f8").tobytes() + r.astype("<f8").tobytes() + counts.tobytes()
            + o.astype("<i4").tobytes())


def normal_equations(counts, other, r, Other, mu, biases):
    """Per vertex FᵀF (m, p, p), Fᵀt (m, p) and tᵀt (m), for a block's ratings against Other's factors.

    E = [F | t] holds every rating's row; one small product E_vᵀE_v per vertex
    gives all three (measured faster on the server's numpy than per-rating outer
    products summed by segment, or than bincounts per column pair).
    """
    rank = Other.shape[1] - 1
    p = rank + 1 if biases else rank
    E = np.empty((len(other), p + 1))
    if biases:
        E[:, :p] = Other[other]
        E[:, p] = r - mu - E[:, rank]
        E[:, rank] = 1.0
    else:
        E[:, :p] = Other[other, :rank]
        E[:, p] = r
    G = np.empty((len(counts), p + 1, p + 1))
    lo = 0
    for v, c in enumerate(counts.tolist()):
        Ev = E[lo:lo + c]
        np.matmul(Ev.T, Ev, out=G[v])
        lo += c
    return G[:, :p, :p], G[:, :p, p], G[:, p, p]


def solve_block(data, nvert, Other, lam, mu, biases):
    """One packed block of a half-step -> (X (m, rank + 1): factor and bias per vertex, n (m), sse (m))."""
    counts, other, r = block_arrays(data, nvert)
    A, b, tt = normal_equations(counts, other, r, Other, mu, biases)
    x = solve(A, b, lam, counts.astype(float))
    sse = np.maximum(tt - 2.0 * np.einsum("mp,mp->m", x, b) + np.einsum("mp,mpq,mq->m", x, A, x), 0.0)
    rank = Other.shape[1] - 1
    X = np.zeros((len(counts), rank + 1))
    X[:, :x.shape[1]] = x
    return X, counts, sse


def solve(A, b, lam, n):
    """Batched (A + λ n I) x = b; the minimum-norm least-squares answer where that matrix is singular (λ = 0)."""
    p = A.shape[1]
    M = A + (lam * n)[:, None, None] * np.eye(p)[None, :, :]
    try:
        if lam > 0:
            return np.linalg.solve(M, b[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        pass
    return np.array([np.linalg.lstsq(M[v], b[v], rcond=None)[0] for v in range(len(b))]).reshape(b.shape)


def pack_ints(buf):
    """PostgreSQL's binary int4[] (array_send) -> raw little-endian int32 bytes (what blocks store)."""
    buf = bytes(buf)
    ndim = int.from_bytes(buf[0:4], "big")
    count = int.from_bytes(buf[12:16], "big") if ndim else 0
    elems = np.frombuffer(buf, dtype=[("len", ">i4"), ("value", ">i4")], count=count, offset=12 + 8 * ndim)
    if count and (elems["len"] != 4).any():
        raise ValueError("array contains NULL or non-int4 elements")
    return elems["value"].astype("<i4").tobytes()


def _f8_send(buf):
    """PostgreSQL's binary float8[] (array_send) -> float64 values."""
    buf = bytes(buf)
    ndim = int.from_bytes(buf[0:4], "big")
    count = int.from_bytes(buf[12:16], "big") if ndim else 0
    elems = np.frombuffer(buf, dtype=[("len", ">i4"), ("value", ">f8")], count=count, offset=12 + 8 * ndim)
    if count and (elems["len"] != 8).any():
        raise ValueError("array contains NULL or non-float8 elements")
    return elems["value"].astype("<f8")


def initial_factor(id_text, rank, seed):
    """The starting factor of an item: N(0, 0.1²) per component, from a generator seeded by
    sha256(seed, id) - reproducible, independent of row order, computable by anyone."""
    digest = hashlib.sha256(f"{int(seed)}:{id_text}".encode()).digest()
    words = np.frombuffer(digest, dtype="<u4")
    return np.random.default_rng(words.tolist()).normal(0.0, 0.1, int(rank))


def initial_factors(ids_text, rank, seed):
    """Initial [factor, bias = 0] rows for items given as text ids."""
    out = np.zeros((len(ids_text), int(rank) + 1))
    for j, i in enumerate(ids_text):
        out[j, :rank] = initial_factor(i, rank, seed)
    return out
