"""Alternating least squares (ALS-WR) kernels: GraphLab's vertex update as an aggregate.

A half-step updates every vertex of one side (users, or items) from the
factors of its neighbours on the other side. In SQL that is a join of the
ratings with the other side's factors, ``GROUP BY`` the vertex, and this
aggregate: per rating it adds f fᵀ and f·t to the vertex's normal equations
(f: the neighbour's factor vector, t: the rating target), and its final
function solves

    (FᵀF + λ·n·I) x = Fᵀt          (weighted-λ regularisation, Zhou et al. 2008)

where n is the vertex's number of ratings. With biases the model is
r ≈ μ + b_u + b_i + p_u·q_i: solving a user, f = [q_i, 1] and
t = r - μ - b_i, and x = [p_u, b_u] (the same for items, mirrored), so the
biases are regularised like the factors.

Factor vectors travel as raw float64 ``bytea`` of rank + 1 values (factor,
then bias; bias 0 without biases). The state is [p, n, Σt², λ, biases, μ, FᵀF
(p·p), Fᵀt (p)] plus a small buffer of rows not yet folded in: rows are
buffered and folded with one matrix product per ``BUFFER`` rows, which keeps
the per-row Python work to a byte copy. States merge by adding (parallel
safe). The final value is [n, sse, x..., (bias)]: sse is the training
residual Σ(t - f·x)² of this vertex, computed from the normal equations, so
the train RMSE needs no extra pass.
"""
import hashlib
import struct

import numpy as np

from . import blocks

BUFFER = 256
_HEAD = 6          # p, n, tt, lambda, biases, mu


def _dims(p):
    return _HEAD + p * p + p


def _fold(s, p, rows):
    """Fold buffered raw rows (each: the neighbour's [factor (rank), bias], then the rating)
    into FᵀF, Fᵀt and Σt², as matrix products."""
    if rows.size == 0:
        return 0
    biases = bool(s[4])
    w = (p + 1) if biases else (p + 2)
    R = rows.reshape(-1, w)
    rating = R[:, -1]
    if biases:
        F = R[:, :p].copy()
        t = rating - s[5] - F[:, p - 1]
        F[:, p - 1] = 1.0
    else:
        F = R[:, :p]
        t = rating
    s[_HEAD:_HEAD + p * p] += (F.T @ F).ravel()
    s[_HEAD + p * p:_HEAD + p * p + p] += F.T @ t
    s[2] += t @ t
    return R.shape[0]


def transition(state, other, rating, lam, mu, biases):
    """Add one rating (other = the neighbour's [factor, bias] bytes). The row is only appended to a
    buffer (a byte copy); every BUFFER rows the buffer is folded in with one matrix product."""
    if other is None or rating is None:
        return state
    row = other + _F8.pack(rating)
    if state is None:
        rank = len(other) // 8 - 1
        p = rank + 1 if biases else rank
        head = np.zeros(_dims(p))
        head[0], head[3], head[4], head[5] = p, lam, 1.0 if biases else 0.0, mu
        return head.tobytes() + row
    if len(state) < _LIMIT.get(len(row), 0):
        return state + row
    s = np.frombuffer(state + row, dtype="<f8").copy()
    p = int(s[0])
    w = (p + 1) if s[4] else (p + 2)
    if w * 8 != len(row):
        raise ValueError("ALS: factor vectors of different lengths in one group")
    _LIMIT[len(row)] = _dims(p) * 8 + BUFFER * len(row)
    head = s[:_dims(p)]
    head[1] += _fold(head, p, s[_dims(p):])
    return head.tobytes()


_F8 = struct.Struct("<d")
_LIMIT = {}     # row width in bytes -> state length at which the buffer is folded


def _flush(state):
    s = np.frombuffer(state, dtype="<f8").copy()
    p = int(s[0])
    head = s[:_dims(p)]
    head[1] += _fold(head, p, s[_dims(p):])
    return head, p


def merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    sa, pa = _flush(a)
    sb, pb = _flush(b)
    if pa != pb:
        raise ValueError(f"ALS: partial states with factor vectors of length {pa} and {pb}")
    sa[1] += sb[1]
    sa[2] += sb[2]
    sa[_HEAD:] += sb[_HEAD:]
    return sa.tobytes()


def solve_state(state):
    """Final: -> raw bytes [n, sse, factor (rank), bias] for the vertex."""
    s, p = _flush(state)
    n, tt, lam, biases = s[1], s[2], s[3], bool(s[4])
    A = s[_HEAD:_HEAD + p * p].reshape(p, p)
    b = s[_HEAD + p * p:_HEAD + p * p + p]
    x = solve(A, b, lam, n)
    sse = max(tt - 2.0 * x @ b + x @ A @ x, 0.0)
    out = np.empty(2 + (p if biases else p + 1))
    out[0], out[1] = n, sse
    out[2:2 + p] = x
    if not biases:
        out[-1] = 0.0
    return out.tobytes()


def solve(A, b, lam, n):
    """(A + λ n I) x = b; the minimum-norm least-squares answer if that matrix is singular (λ = 0)."""
    M = A + lam * n * np.eye(A.shape[0])
    try:
        if lam > 0:
            return np.linalg.solve(M, b)
    except np.linalg.LinAlgError:
        pass
    return np.linalg.lstsq(M, b, rcond=None)[0]


def stats(raw):
    """[n, sse] of a final value."""
    v = np.frombuffer(raw, dtype="<f8")
    return [float(v[0]), float(v[1])]


def initial_factor(id_text, rank, seed):
    """The starting factor of an item: N(0, 0.1²) per component, from a generator seeded by
    sha256(seed, id) - reproducible, independent of row order, computable by anyone."""
    digest = hashlib.sha256(f"{int(seed)}:{id_text}".encode()).digest()
    words = np.frombuffer(digest, dtype="<u4")
    return np.random.default_rng(words.tolist()).normal(0.0, 0.1, int(rank))


def initial_bytes(id_text, rank, seed):
    """Initial [factor, bias = 0] as raw bytes (what the half-step joins read)."""
    return blocks.to_bytes(np.append(initial_factor(id_text, rank, seed), 0.0))
