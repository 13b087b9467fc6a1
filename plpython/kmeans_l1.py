"""One iteration of MADlib's k-means with fn_dist = dist_norm1 over packed blocks.

MADlib assigns each point to its closest centroid by the given distance (here the 1-norm) and
recomputes each centroid with agg_centroid, whose default is avg: the mean, not the coordinate-wise
median that would minimise the 1-norm (MADlib's documentation: it provides no median aggregate).
One pass adds per group, for the current centroids C (and the previous ones P):
    [n, d, k, Σ x per cluster (k×d), points per cluster (k), Σ ‖x - c‖₁ per cluster (k), reassigned]
where a point is reassigned when its closest centroid in C and in P differ (every point on the first
iteration, which has no P) - MADlib's frac_reassigned. The state is flat float64, partial states add.
"""
import numpy as np

from . import blocks

HEAD = 3


def task(C, P=None):
    C = np.asarray(C, dtype=float)
    k, d = C.shape
    prev = np.asarray(P, dtype=float).ravel() if P is not None else np.zeros(0)
    return blocks.to_bytes(np.concatenate([[k, d, 1.0 if P is not None else 0.0], C.ravel(), prev]))


def _parse_task(raw):
    t = blocks.from_bytes(bytes(raw))
    k, d, has_prev = int(t[0]), int(t[1]), t[2] > 0
    C = t[3:3 + k * d].reshape(k, d)
    return C, (t[3 + k * d:3 + 2 * k * d].reshape(k, d) if has_prev else None)


def closest(X, C):
    """-> (index of the closest centroid by the 1-norm, the first on ties; that distance) per row."""
    D = np.abs(X[:, None, :] - C[None, :, :]).sum(axis=2)
    a = np.argmin(D, axis=1)
    return a, D[np.arange(X.shape[0]), a]


def block_state(X, C, P=None):
    n, d = X.shape
    k = C.shape[0]
    if C.shape[1] != d:
        raise ValueError(f"points have {d} coordinates but the centroids {C.shape[1]}")
    a, dist = closest(X, C)
    M = np.zeros((n, k))
    M[np.arange(n), a] = 1.0
    moved = n if P is None else int((closest(X, P)[0] != a).sum())
    return np.concatenate([[n, d, k], (M.T @ X).ravel(), M.sum(axis=0), M.T @ dist, [moved]])


def transition(state, x_raw, n, task_raw):
    if x_raw is None or not n:
        return state
    C, P = _parse_task(task_raw)
    st = block_state(blocks.matrix(x_raw, n), C, P)
    if state is None:
        return blocks.to_bytes(st)
    return blocks.to_bytes(blocks.add_shaped(blocks.from_bytes(state), st, HEAD))


def merge(a, b):
    return blocks.merge_states(a, b, lambda x, y: blocks.add_shaped(x, y, HEAD))


def update(state, C):
    """-> (new centroids (the mean of each cluster; an empty cluster keeps its centroid), per-cluster
    Σ ‖x - c‖₁ at C, objective, fraction reassigned)."""
    s = np.asarray(state, dtype=float)
    n, d, k = s[0], int(s[1]), int(s[2])
    o = HEAD
    sums = s[o:o + k * d].reshape(k, d)
    counts = s[o + k * d:o + k * d + k]
    dsum = s[o + k * d + k:o + k * d + 2 * k]
    moved = s[o + k * d + 2 * k]
    new = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1.0)[:, None], C)
    return new, dsum, float(dsum.sum()), float(moved / n) if n else 0.0
