"""k-means (Lloyd) passes over packed blocks, for several runs at once.

A fit with ``n_init`` restarts keeps the centroids of every run in one array
(``R`` runs x ``k`` centroids x ``d``), so one pass over the blocks serves all
runs: one matrix product per block scores every row against every centroid of
every run. Aggregates (one pass each, parallel safe, float64 ``bytea`` states
that merge by adding):

* ``step``: one Lloyd pass: per run, each row goes to its nearest centroid
  (squared Euclidean); per run and cluster the state adds the row count, the
  sum of the rows and the squared distances. Its kernel is ``kmeans_step``
  (re-exported here), with the distance helpers all k-means kernels share.
* ``far``: only when a Lloyd pass left clusters empty (rare): per run, the
  ``m`` rows farthest from their nearest centroid; they re-seed the empty
  clusters as scikit-learn does (the farthest row leaves its cluster and
  becomes the empty cluster's centroid).
* ``silhouette``: the simplified silhouette of several clusterings at once
  (a = distance to the own centroid, b = to the second nearest).

Seeding (k-means++, greedy k-means++, k-means||, random) is in ``kmeans_seed``.
"""
import numpy as np

from . import blocks, kmeans_step

# the Lloyd pass and the distance helpers every k-means kernel shares (kmeans_step: the per-iteration
# kernel in a module of its own, small for the workers that compile it on every pass)
assign_runs, group_sums, centroids = kmeans_step.assign_runs, kmeans_step.group_sums, kmeans_step.centroids
step_transition, step_merge, step_result = (kmeans_step.step_transition, kmeans_step.step_merge,
                                            kmeans_step.step_result)


def assign(X, C):
    """Nearest centroid per row -> (labels, squared distance to it)."""
    if X.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    g, dist = assign_runs(X, C, C.shape[0])
    return g[:, 0], dist[:, 0]


def update(run, old_centroids, far=None):
    """New centroids from a run's Lloyd pass (``step_result``), re-seeding empty clusters.

    Empty clusters take the rows farthest from their centroids (``far``, from the
    ``far`` pass: distances, labels, rows, farthest first), one each; that row
    leaves its old cluster (as scikit-learn's Lloyd does). A cluster that stays
    empty (no candidate left) keeps its old centroid. -> (centroids, re-seeded ids).
    """
    counts, sums = run["counts"].copy(), run["sums"].copy()
    reseeded = []
    empty = np.flatnonzero(counts == 0)
    if len(empty) and far is not None:
        for c_id, (dist, old, x) in zip(empty, far):
            if counts[old] <= 1:
                continue
            sums[old] -= x
            counts[old] -= 1
            sums[c_id] = x
            counts[c_id] = 1
            reseeded.append(int(c_id))
    with np.errstate(invalid="ignore", divide="ignore"):
        C = np.where(counts[:, None] > 0, sums / np.where(counts > 0, counts, 1)[:, None], old_centroids)
    return C, reseeded


# ------------------------------------------------------------------ farthest rows (empty clusters)
# state: [R, k, d, m, per run: far_d (m), far_l (m), far_x (m*d)]


def _far_unpack(s):
    R, k, d, m = (int(v) for v in s[:4])
    w = m * (d + 2)
    runs = []
    for r in range(R):
        o = 4 + r * w
        runs.append((s[o:o + m], s[o + m:o + 2 * m], s[o + 2 * m:o + w].reshape(m, d)))
    return R, k, d, m, runs


def _keep_far(fd, fl, fx, cd, cl, cx, m):
    order = np.argsort(-np.concatenate([fd, cd]), kind="stable")[:m]
    allx = np.vstack([fx, cx])
    fd[:], fl[:], fx[:] = np.concatenate([fd, cd])[order], np.concatenate([fl, cl])[order], allx[order]


def far_transition(state, x_raw, n, centroids_raw, k, m):
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    d = X.shape[1]
    c = centroids(centroids_raw, d, k)
    R = c.R
    g, dist = assign_runs(X, c.C, k, c.M, c.cc)
    if state is None:
        s = np.zeros(4 + R * m * (d + 2))
        s[:4] = R, k, d, m
        for fd, _, _ in _far_unpack(s)[4]:
            fd[:] = -1.0
    else:
        s = blocks.from_bytes(state)
    for r, (fd, fl, fx) in enumerate(_far_unpack(s)[4]):
        top = np.argsort(-dist[:, r], kind="stable")[:m]
        _keep_far(fd, fl, fx, dist[top, r], (g[top, r] - r * k).astype(float), X[top], m)
    return blocks.to_bytes(s)


def far_merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    sa, sb = blocks.from_bytes(a), blocks.from_bytes(b)
    m = int(sa[3])
    for (fd, fl, fx), (bd, bl, bx) in zip(_far_unpack(sa)[4], _far_unpack(sb)[4]):
        _keep_far(fd, fl, fx, bd.copy(), bl.copy(), bx.copy(), m)
    return blocks.to_bytes(sa)


def far_result(state):
    """-> per run: [(distance, 0-based label, row), ...] farthest first."""
    s = np.asarray(state, dtype=float)
    return [[(float(fd[j]), int(fl[j]), fx[j].copy()) for j in range(len(fd)) if fd[j] >= 0]
            for fd, fl, fx in _far_unpack(s)[4]]


# ------------------------------------------------------------------ simplified silhouette
# state: [Q, d, n, sum of s per clustering (Q)]; ks lists the k of each clustering, centroids concatenated


def silhouette_transition(state, x_raw, n, centroids_raw, ks):
    """Simplified silhouette s = (b - a) / max(a, b), a = distance to the nearest centroid, b = to the
    second nearest (Euclidean); s = 0 for a clustering with k = 1."""
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    d = X.shape[1]
    C = blocks.vector(centroids_raw).reshape(-1, d)
    S = kmeans_step.scores(X, C) + np.einsum("ij,ij->i", X, X)[:, None]
    np.maximum(S, 0.0, out=S)
    if state is None:
        s = np.zeros(3 + len(ks))
        s[0], s[1] = len(ks), d
    else:
        s = blocks.from_bytes(state)
    s[2] += n
    o = 0
    for q, k in enumerate(ks):
        if k > 1:
            two = np.sqrt(np.partition(S[:, o:o + k], 1, axis=1)[:, :2])
            a, b = two[:, 0], two[:, 1]
            den = np.maximum(a, b)
            with np.errstate(invalid="ignore", divide="ignore"):
                s[3 + q] += np.where(den > 0, (b - a) / np.where(den > 0, den, 1.0), 0.0).sum()
        o += k
    return blocks.to_bytes(s)


def silhouette_merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    sa, sb = blocks.from_bytes(a), blocks.from_bytes(b)
    sa[2:] += sb[2:]
    return blocks.to_bytes(sa)


def silhouette_result(state):
    s = np.asarray(state, dtype=float)
    return (s[3:] / s[2]).tolist() if s[2] else [float("nan")] * int(s[0])


def nearest(centroids, x):
    """0-based index of the centroid nearest to x (ties: the lowest index)."""
    C = np.asarray(centroids, dtype=float)
    x = np.asarray(x, dtype=float)
    C = C.reshape(-1, x.size)
    dist = ((C - x[None, :]) ** 2).sum(axis=1)
    return int(dist.argmin())
