"""k-means (Lloyd) over packed blocks, with k-means++ seeding done by the same kind of pass.

Two aggregates, both one pass over the prepared blocks, parallel safe, with
float64 ``bytea`` states that merge associatively:

* ``sample``: weighted sampling without replacement of ``m`` rows (the
  Efraimidis-Spirakis "A-ES" scheme: every row draws ``u`` in (0, 1) and gets
  the key ``log(u) / w``; the ``m`` largest keys win, and keeping the top
  ``m`` keys is a merge that any split of the data reproduces). With the
  weight ``w`` = squared distance to the nearest centroid chosen so far this
  is one k-means++ draw; with ``w = 1`` it is a uniform sample. The random
  numbers come from a generator seeded by (seed, round, partition, block), so
  the result does not depend on how the blocks are spread over workers. The
  same pass also sums x and x² (for the tolerance scale).
* ``step``: one Lloyd pass: each row goes to its nearest centroid (squared
  Euclidean); per cluster the state adds the row count, the sum of the rows
  and the squared distances; it also keeps the ``k`` rows farthest from their
  centroid, which re-seed clusters that end up empty (as scikit-learn does:
  the farthest row leaves its cluster and becomes the empty cluster's
  centroid).
"""
import numpy as np

from . import blocks

# ------------------------------------------------------------------ distances


def assign(X, C):
    """Nearest centroid per row -> (labels, squared distance to it).

    The argmin uses the expansion |x|² - 2x·c + |c|² (one matrix product); the
    distance reported is recomputed directly from x - c for accuracy.
    """
    if X.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    cc = np.einsum("ij,ij->i", C, C)
    scores = cc[None, :] - 2.0 * (X @ C.T)
    labels = scores.argmin(axis=1)
    diff = X - C[labels]
    return labels, np.einsum("ij,ij->i", diff, diff)


# ------------------------------------------------------------------ sampling (k-means++ / random)
# state: [d, m, n, filled, keys (m), points (m*d), sum_x (d), sum_x2 (d)]


def _sample_size(d, m):
    return 4 + m + m * d + 2 * d


def _sample_unpack(s):
    d, m = int(s[0]), int(s[1])
    keys = s[4:4 + m]
    pts = s[4 + m:4 + m + m * d].reshape(m, d)
    o = 4 + m + m * d
    return d, m, keys, pts, s[o:o + d], s[o + d:o + 2 * d]


def _top(keys, pts, m):
    """The m largest keys (ties broken by position, i.e. deterministically)."""
    order = np.argsort(-keys, kind="stable")[:m]
    return keys[order], pts[order]


def sample_transition(state, x_raw, n, part, block, centroids_raw, seed, round_, m):
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    d = X.shape[1]
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFFFFFFFFFF, int(round_), int(part), int(block)])
    u = rng.random(n)
    u[u == 0.0] = np.finfo(float).tiny
    if centroids_raw:
        C = blocks.vector(centroids_raw).reshape(-1, d)
        _, w = assign(X, C)
        with np.errstate(divide="ignore"):
            keys = np.where(w > 0, np.log(u) / np.where(w > 0, w, 1.0), -np.inf)
    else:
        keys = np.log(u)
    bk, bp = _top(keys, X, m)
    if state is None:
        s = np.full(_sample_size(d, m), 0.0)
        s[0], s[1] = d, m
        s[4:4 + m] = -np.inf
    else:
        s = blocks.from_bytes(state)
        if int(s[0]) != d:
            raise ValueError(f"blocks have {int(s[0])} and {d} features: ragged feature arrays")
    _, _, keys0, pts0, sx, sx2 = _sample_unpack(s)
    nk, npts = _top(np.concatenate([keys0, bk]), np.vstack([pts0, bp]), m)
    keys0[:] = -np.inf
    keys0[:len(nk)] = nk
    pts0[:len(nk)] = npts
    s[2] += n
    s[3] = min(m, s[3] + len(bk))
    sx += X.sum(axis=0)
    sx2 += np.einsum("ij,ij->j", X, X)
    return blocks.to_bytes(s)


def sample_merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    sa, sb = blocks.from_bytes(a), blocks.from_bytes(b)
    if sa[0] != sb[0] or sa[1] != sb[1]:
        raise ValueError("partial k-means sampling states of different shapes")
    d, m, ka, pa, sxa, sx2a = _sample_unpack(sa)
    _, _, kb, pb, sxb, sx2b = _sample_unpack(sb)
    nk, npts = _top(np.concatenate([ka, kb]), np.vstack([pa, pb]), m)
    ka[:] = nk
    pa[:] = npts
    sa[2] += sb[2]
    sa[3] = min(m, sa[3] + sb[3])
    sxa += sxb
    sx2a += sx2b
    return blocks.to_bytes(sa)


def sample_result(state):
    """-> dict(points (rows with a finite key, best first), n, mean, var (population))."""
    s = np.asarray(state, dtype=float)
    d, m, keys, pts, sx, sx2 = _sample_unpack(s)
    n = s[2]
    ok = np.isfinite(keys)
    mean = sx / n if n else np.zeros(d)
    var = np.clip(sx2 / n - mean ** 2, 0, None) if n else np.zeros(d)
    return {"points": pts[ok], "n": int(n), "mean": mean, "var": var}


# ------------------------------------------------------------------ Lloyd step
# state: [k, d, n, objective, counts (k), sums (k*d), sse (k), far_dist (k), far_label (k), far_x (k*d)]


def _step_size(k, d):
    return 4 + k + k * d + k + k + k + k * d


def _step_unpack(s):
    k, d = int(s[0]), int(s[1])
    o = 4
    counts = s[o:o + k]; o += k
    sums = s[o:o + k * d].reshape(k, d); o += k * d
    sse = s[o:o + k]; o += k
    far_d = s[o:o + k]; o += k
    far_l = s[o:o + k]; o += k
    far_x = s[o:o + k * d].reshape(k, d)
    return k, d, counts, sums, sse, far_d, far_l, far_x


def step_transition(state, x_raw, n, centroids_raw):
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    d = X.shape[1]
    C = blocks.vector(centroids_raw)
    if C.size % d:
        raise ValueError(f"centroids have {C.size} values, not a multiple of {d} features")
    C = C.reshape(-1, d)
    k = C.shape[0]
    labels, dist = assign(X, C)
    if state is None:
        s = np.zeros(_step_size(k, d))
        s[0], s[1] = k, d
        _, _, _, _, _, far_d, far_l, _ = _step_unpack(s)
        far_d[:] = -1.0
    else:
        s = blocks.from_bytes(state)
        if int(s[0]) != k or int(s[1]) != d:
            raise ValueError("k-means state and block disagree on k or the number of features")
    _, _, counts, sums, sse, far_d, far_l, far_x = _step_unpack(s)
    s[2] += n
    s[3] += dist.sum()
    counts += np.bincount(labels, minlength=k)
    if k > 256:
        np.add.at(sums, labels, X)
    else:
        _add_rows(sums, labels, X, k)
    sse += np.bincount(labels, weights=dist, minlength=k)
    top = np.argsort(-dist, kind="stable")[:k]
    cd = np.concatenate([far_d, dist[top]])
    cl = np.concatenate([far_l, labels[top].astype(float)])
    cx = np.vstack([far_x, X[top]])
    order = np.argsort(-cd, kind="stable")[:k]
    far_d[:], far_l[:], far_x[:] = cd[order], cl[order], cx[order]
    return blocks.to_bytes(s)


def _add_rows(sums, labels, X, k):
    """Per-cluster row sums as one matrix product with a one-hot matrix (fast for small k)."""
    onehot = np.zeros((k, X.shape[0]))
    onehot[labels, np.arange(X.shape[0])] = 1.0
    sums += onehot @ X


def step_merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    sa, sb = blocks.from_bytes(a), blocks.from_bytes(b)
    if sa[0] != sb[0] or sa[1] != sb[1]:
        raise ValueError("partial k-means states of different shapes")
    k, d, ca, ua, ea, fda, fla, fxa = _step_unpack(sa)
    _, _, cb, ub, eb, fdb, flb, fxb = _step_unpack(sb)
    sa[2] += sb[2]
    sa[3] += sb[3]
    ca += cb
    ua += ub
    ea += eb
    cd = np.concatenate([fda, fdb])
    cl = np.concatenate([fla, flb])
    cx = np.vstack([fxa, fxb])
    order = np.argsort(-cd, kind="stable")[:k]
    fda[:], fla[:], fxa[:] = cd[order], cl[order], cx[order]
    return blocks.to_bytes(sa)


def step_result(state, old_centroids):
    """A finished Lloyd pass -> dict(centroids, counts, sse, objective, n, reseeded).

    ``objective``, ``sse`` and ``counts`` are measured against ``old_centroids``
    (the centroids the pass assigned to). Empty clusters take the rows farthest
    from their centroids, one each, farthest first; that row is moved out of
    its old cluster (as scikit-learn's Lloyd does). A cluster that stays empty
    (no candidate left) keeps its old centroid.
    """
    s = np.asarray(state, dtype=float)
    k, d, counts, sums, sse, far_d, far_l, far_x = _step_unpack(s)
    counts = counts.copy()
    sums = sums.copy()
    reseeded = []
    empty = np.flatnonzero(counts == 0)
    cand = [j for j in range(k) if far_d[j] >= 0]
    for c_id, j in zip(empty, cand):
        old = int(far_l[j])
        if counts[old] <= 1:
            continue
        sums[old] -= far_x[j]
        counts[old] -= 1
        sums[c_id] = far_x[j]
        counts[c_id] = 1
        reseeded.append(int(c_id))
    old_c = np.asarray(old_centroids, dtype=float).reshape(k, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        C = np.where(counts[:, None] > 0, sums / np.where(counts > 0, counts, 1)[:, None], old_c)
    return {"centroids": C, "counts": s[4:4 + k].copy(), "sse": sse.copy(), "objective": float(s[3]),
            "n": int(s[2]), "reseeded": reseeded}


def nearest(centroids, x):
    """0-based index of the centroid nearest to x (ties: the lowest index)."""
    C = np.asarray(centroids, dtype=float)
    x = np.asarray(x, dtype=float)
    C = C.reshape(-1, x.size)
    dist = ((C - x[None, :]) ** 2).sum(axis=1)
    return int(dist.argmin())
