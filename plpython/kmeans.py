"""k-means (Lloyd) passes over packed blocks, for several runs at once.

A fit with ``n_init`` restarts keeps the centroids of every run in one array
(``R`` runs x ``k`` centroids x ``d``), so one pass over the blocks serves all
runs: one matrix product per block scores every row against every centroid of
every run. Aggregates (one pass each, parallel safe, float64 ``bytea`` states
that merge by adding):

* ``step``: one Lloyd pass: per run, each row goes to its nearest centroid
  (squared Euclidean); per run and cluster the state adds the row count, the
  sum of the rows and the squared distances.
* ``far``: only when a Lloyd pass left clusters empty (rare): per run, the
  ``m`` rows farthest from their nearest centroid; they re-seed the empty
  clusters as scikit-learn does (the farthest row leaves its cluster and
  becomes the empty cluster's centroid).
* ``silhouette``: the simplified silhouette of several clusterings at once
  (a = distance to the own centroid, b = to the second nearest).

Seeding (k-means++, greedy k-means++, k-means||, random) is in ``kmeans_seed``.
"""
import numpy as np

from . import blocks

# ------------------------------------------------------------------ distances


def _scores(X, C, M=None, cc=None):
    """|c|² - 2x·c for every row and centroid (argmin = nearest centroid): one BLAS product.

    ``M`` = -2Cᵀ (contiguous) and ``cc`` = |c|² when the caller has them (``_centroids`` keeps them
    for a pass). The server's numpy links the system BLAS; scripts/bootstrap.sh installs OpenBLAS
    (Debian's reference BLAS makes these products several times slower)."""
    if M is None:
        M = np.ascontiguousarray(-2.0 * C.T)
        cc = np.einsum("ij,ij->i", C, C)
    P = X @ M
    P += cc
    return P


def assign(X, C):
    """Nearest centroid per row -> (labels, squared distance to it)."""
    if X.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    g, dist = assign_runs(X, C, C.shape[0])
    return g[:, 0], dist[:, 0]


def assign_runs(X, C, k, M=None, cc=None, xx=None):
    """Rows against R runs of k centroids (C is (R*k, d)) -> (global labels (n, R), squared distances (n, R)).

    Global label r*k + j is centroid j of run r. The argmin uses the expansion
    |x|² - 2x·c + |c|² (one product); so does the distance, |x|² + the smallest
    score, except where |x|² + |c|² exceeds it a million-fold (cancellation could
    cost more than ~1e-10 relative): those distances are recomputed from x - c.
    """
    n = X.shape[0]
    R = C.shape[0] // k
    if M is None:
        M = np.ascontiguousarray(-2.0 * C.T)
        cc = np.einsum("ij,ij->i", C, C)
    S = _scores(X, C, M, cc)
    j = S.reshape(n, R, k).argmin(axis=2)
    g = j + np.arange(0, R * k, k)[None, :]
    dist = S[np.arange(n)[:, None], g]
    if xx is None:
        xx = np.einsum("ij,ij->i", X, X)
    dist += xx[:, None]
    _guard(X, C, g, dist, xx, cc)
    return g, dist


def _guard(X, C, g, dist, xx, cc):
    """Recompute from x - c the distances the expansion may have cancelled away (in place), clip at 0."""
    risky = (xx[:, None] + cc[g]) > 1e6 * dist
    if risky.any():
        rows, runs = np.nonzero(risky)
        diff = X[rows] - C[g[rows, runs]]
        dist[rows, runs] = np.einsum("ij,ij->i", diff, diff)
    np.maximum(dist, 0.0, out=dist)


_last = [None, None, None]      # (d, k), derived arrays, bytes of the current pass's centroids


def _centroids(centroids_raw, d, k):
    """-> (C (R*k, d), -2Cᵀ, |c|²), derived once per pass (cached on the bytes)."""
    if _last[0] is not None and _last[0] == (d, k) and _last[2] == centroids_raw:
        return _last[1]
    C = blocks.vector(centroids_raw)
    if C.size % (d * k):
        raise ValueError(f"centroids have {C.size} values, not a multiple of k = {k} x {d} features")
    C = C.reshape(-1, d)
    _last[:] = [(d, k), (C, np.ascontiguousarray(-2.0 * C.T), np.einsum("ij,ij->i", C, C)), bytes(centroids_raw)]
    return _last[1]


def group_sums(labels, X, m):
    """Per-label row sums (m labels) by sorting the labels (no per-row Python, no BLAS)."""
    out = np.zeros((m, X.shape[1]))
    if len(labels) == 0:
        return out
    order = np.argsort(labels, kind="stable")
    ls = labels[order]
    starts = np.flatnonzero(np.r_[True, ls[1:] != ls[:-1]])
    out[ls[starts]] = np.add.reduceat(X[order], starts, axis=0)
    return out


# ------------------------------------------------------------------ Lloyd step
# state: [R, k, d, n, counts (R*k), sums (R*k*d), sse (R*k)]; a run's objective is the sum of its sse


def _step_unpack(s):
    R, k, d = int(s[0]), int(s[1]), int(s[2])
    o = 4
    counts = s[o:o + R * k]; o += R * k
    sums = s[o:o + R * k * d].reshape(R * k, d); o += R * k * d
    sse = s[o:o + R * k]
    return R, k, d, counts, sums, sse


# cluster sums as one product with a 0/1 matrix (k <= ONEHOT_K and at most ONEHOT_CELLS centroid x row
# scores), else by sorted labels: the product wins up to k ~ 100-200 per run (measured, bench/kmeans.py)
ONEHOT_K = 128
ONEHOT_CELLS = 1 << 20
_work = {}          # work arrays reused from block to block (no fresh allocation, no page faults per block)


def _buffer(name, shape):
    buf = _work.get(name)
    if buf is None or buf.shape != shape:
        buf = _work[name] = np.empty(shape)
    return buf


def step_transition(state, x_raw, n, centroids_raw, k):
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    d = X.shape[1]
    C, M, cc = _centroids(centroids_raw, d, k)
    m = C.shape[0]
    R = m // k
    size = 4 + m * (d + 2)
    if state is not None and len(state) != 8 * size:
        raise ValueError("k-means state and block disagree on runs, k or the number of features")
    v = _buffer("step", (size,))         # this block's share, laid out as the state
    v[:4] = (R, k, d, n) if state is None else (0.0, 0.0, 0.0, n)
    counts, sums, sse = v[4:4 + m], v[4 + m:4 + m + m * d].reshape(m, d), v[4 + m + m * d:]
    if not (k <= ONEHOT_K and m * n <= ONEHOT_CELLS and _step_onehot(X, C, M, cc, R, k, counts, sums, sse)):
        _step_sorted(X, C, M, cc, R, k, counts, sums, sse)
    return v.tobytes() if state is None else (blocks.vector(state) + v).tobytes()


def _step_onehot(X, C, M, cc, R, k, counts, sums, sse):
    """A block's Lloyd sums for few centroids into counts, sums, sse -> False on a tie (nothing usable).

    Scores come centroid-major ((R*k, n): the minimum per row is a fast reduction over the first axis);
    the 0/1 matrix "row x is nearest to centroid c" is scores == minimum, and one product with it gives
    every cluster's row sum. A row tied between two centroids (duplicate centroids): False, and the
    caller takes the argmin path, which breaks ties by the lowest index."""
    n = X.shape[0]
    m = R * k
    S = _buffer("scores", (m, n))
    np.matmul(M.T, X.T, out=S)
    S += cc[:, None]
    S3 = S.reshape(R, k, n)
    low = np.minimum.reduce(S3, axis=1)
    H = _buffer("nearest", (m, n))
    np.equal(S3, low[:, None, :], out=H.reshape(R, k, n), casting="unsafe")
    np.add.reduce(H, axis=1, out=counts)
    if counts.sum() != R * n:
        return False
    xx = np.einsum("ij,ij->i", X, X)
    dist = low
    dist += xx
    # the expansion may cancel where |x|² + |c|² >> the distance: a cheap bound first, rows only if needed
    if not dist.min() * 1e6 >= xx.max() + cc.max():
        g = H.reshape(R, k, n).argmax(axis=1).T + np.arange(0, m, k)[None, :]
        distT = np.ascontiguousarray(dist.T)
        _guard(X, C, g, distT, xx, cc)
        dist = np.ascontiguousarray(distT.T)
    np.matmul(H, X, out=sums)
    if R == 1:
        np.matmul(H, dist[0], out=sse)
    else:
        np.matmul(H.reshape(R, k, n), dist[:, :, None], out=sse.reshape(R, k, 1))
    return True


def _step_sorted(X, C, M, cc, R, k, counts, sums, sse):
    """A block's Lloyd sums by labels (argmin) and sorted row sums, into counts, sums, sse."""
    g, dist = assign_runs(X, C, k, M, cc)
    flat = g.ravel()
    counts[:] = np.bincount(flat, minlength=R * k)
    sse[:] = np.bincount(flat, weights=dist.ravel(), minlength=R * k)
    for r in range(R):
        sums[r * k:(r + 1) * k] = group_sums(g[:, r] - r * k, X, k)


def step_merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    sa, sb = blocks.from_bytes(a), blocks.from_bytes(b)
    if sa.size != sb.size or sa[0] != sb[0] or sa[1] != sb[1]:
        raise ValueError("partial k-means states of different shapes")
    sa[3:] += sb[3:]
    return blocks.to_bytes(sa)


def step_result(state):
    """A finished Lloyd pass -> per run: dict(counts (k), sums (k, d), sse (k), objective), and n."""
    s = np.asarray(state, dtype=float)
    R, k, d, counts, sums, sse = _step_unpack(s)
    runs = [{"counts": counts[r * k:(r + 1) * k].copy(), "sums": sums[r * k:(r + 1) * k].copy(),
             "sse": sse[r * k:(r + 1) * k].copy(), "objective": float(sse[r * k:(r + 1) * k].sum())}
            for r in range(R)]
    return runs, int(s[3])


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
    C, M, cc = _centroids(centroids_raw, d, k)
    R = C.shape[0] // k
    g, dist = assign_runs(X, C, k, M, cc)
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
    S = _scores(X, C) + np.einsum("ij,ij->i", X, X)[:, None]
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
