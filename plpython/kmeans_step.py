"""The Lloyd pass of k-means over packed blocks (the ``kmeans_step_agg`` kernel), for several runs at once.

Per run, each row goes to its nearest centroid (squared Euclidean, ties to the lowest index); per run
and cluster the state adds the row count, the sum of the rows and the squared distances. It is the
pass every Lloyd iteration pays, so it is a module of its own: every parallel worker compiles the
modules of its aggregate on each pass, and this one reads blocks with ``np.frombuffer`` itself rather
than importing ``blocks``. The distance helpers the other k-means kernels share live here too.
"""
import numpy as np

F8 = np.dtype("<f8")

# ------------------------------------------------------------------ distances


def scores(X, C, M=None, cc=None):
    """|c|² - 2x·c for every row and centroid, (n, m) (argmin = nearest centroid): one BLAS product.

    ``M`` = -2Cᵀ (contiguous) and ``cc`` = |c|² when the caller has them. The server's numpy links the
    system BLAS; scripts/bootstrap.sh installs OpenBLAS (Debian's reference BLAS makes these products
    several times slower)."""
    if M is None:
        M = np.ascontiguousarray(-2.0 * C.T)
        cc = np.einsum("ij,ij->i", C, C)
    P = X @ M
    P += cc
    return P


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
    S = scores(X, C, M, cc)
    j = S.reshape(n, R, k).argmin(axis=2)
    g = j + np.arange(0, R * k, k)[None, :]
    dist = S[np.arange(n)[:, None], g]
    if xx is None:
        xx = np.einsum("ij,ij->i", X, X)
    dist += xx[:, None]
    guard(X, C, g, dist, xx, cc)
    return g, dist


def guard(X, C, g, dist, xx, cc):
    """Recompute from x - c the distances the expansion may have cancelled away (in place), clip at 0."""
    risky = (xx[:, None] + cc[g]) > 1e6 * dist
    if risky.any():
        rows, runs = np.nonzero(risky)
        diff = X[rows] - C[g[rows, runs]]
        dist[rows, runs] = np.einsum("ij,ij->i", diff, diff)
    np.maximum(dist, 0.0, out=dist)


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


class Centroids:
    """A pass's centroids and what every block needs of them, derived once per pass."""

    def __init__(self, raw, d, k):
        C = np.frombuffer(raw, dtype=F8)
        if not C.size:
            raise ValueError("k-means centroids are empty")
        if C.size % (d * k):
            raise ValueError(f"centroids have {C.size} values, not a multiple of k = {k} x {d} features")
        self.raw, self.d, self.k = bytes(raw), d, k
        self.C = C.reshape(-1, d)
        self.M = np.ascontiguousarray(-2.0 * self.C.T)          # (d, m): scores = x @ M + |c|²
        self.MT = self.M.T
        self.cc = np.einsum("ij,ij->i", self.C, self.C)
        self.cc_col = self.cc[:, None]
        self.cc_max = float(self.cc.max())
        self.m = self.C.shape[0]
        self.R = self.m // k


_last = [None]      # the current pass's Centroids (a worker sees one set of centroids per pass)


def centroids(raw, d, k):
    c = _last[0]
    if c is None or c.d != d or c.k != k or c.raw != raw:
        c = _last[0] = Centroids(raw, d, k)
    return c


# ------------------------------------------------------------------ the Lloyd step
# state: [R, k, d, n, counts (R*k), sums (R*k*d), sse (R*k)]; a run's objective is the sum of its sse


def unpack(s):
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


class _Work:
    """Arrays reused from block to block for one (rows, runs, k, features) shape (no allocation, no page
    faults per block), with the views the kernel takes of them."""

    def __init__(self, n, R, k, d):
        m = R * k
        self.shape = (n, R, k, d)
        self.v = np.zeros(4 + m * (d + 2))              # this block's share, laid out as the state (header 0)
        self.acc = np.empty_like(self.v)                # the state plus this block's share
        self.counts, self.sse = self.v[4:4 + m], self.v[4 + m + m * d:]
        self.sums = self.v[4 + m:4 + m + m * d].reshape(m, d)
        self.S = np.empty((m, n))                       # scores, centroid-major
        self.S3 = self.S.reshape(R, k, n)
        self.H = np.empty((m, n))                       # 1 where a centroid is the row's nearest
        self.H3 = self.H.reshape(R, k, n)
        self.low = np.empty((R, n))                     # the best score per run and row
        self.low3 = self.low[:, None, :]
        self.xx = np.empty(n)
        self.sq = np.empty((n, d))
        self.ones = np.ones(d)
        self.offsets = np.arange(0, m, k)[None, :]


_work = [None]


def _buffers(n, R, k, d):
    w = _work[0]
    if w is None or w.shape != (n, R, k, d):
        w = _work[0] = _Work(n, R, k, d)
    return w


def step_transition(state, x_raw, n, centroids_raw, k):
    if x_raw is None or not n:
        return state
    flat = np.frombuffer(x_raw, dtype=F8)
    d = flat.size // n
    X = flat.reshape(n, d)
    c = centroids(centroids_raw, d, k)
    m, R = c.m, c.R
    w = _buffers(n, R, k, d)
    if state is not None and len(state) != 8 * w.v.size:
        raise ValueError("k-means state and block disagree on runs, k or the number of features")
    w.v[3] = n
    if not (k <= ONEHOT_K and m * n <= ONEHOT_CELLS and _step_onehot(X, c, w)):
        _step_sorted(X, c, w)
    if state is None:                    # a process's first block: the state's header (R, k, d)
        first = w.v.copy()
        first[:3] = R, k, d
        return first.tobytes()
    return np.add(np.frombuffer(state, dtype=F8), w.v, out=w.acc).tobytes()


def _step_onehot(X, c, w):
    """A block's Lloyd sums for few centroids into w.counts, w.sums, w.sse -> False on a tie (nothing usable).

    Scores come centroid-major ((R*k, n): the minimum per row is a fast reduction over the first axis);
    the 0/1 matrix "row x is nearest to centroid c" is scores == minimum, and one product with it gives
    every cluster's row sum. A row tied between two centroids (duplicate centroids) counts twice: False,
    and the caller takes the argmin path, which breaks ties by the lowest index."""
    n = X.shape[0]
    np.matmul(c.MT, X.T, out=w.S)
    w.S += c.cc_col
    np.minimum.reduce(w.S3, axis=1, out=w.low)
    np.equal(w.S3, w.low3, out=w.H3, casting="unsafe")
    np.add.reduce(w.H, axis=1, out=w.counts)
    if w.counts.sum() != n * c.R:
        return False
    xx = np.matmul(np.multiply(X, X, out=w.sq), w.ones, out=w.xx)      # |x|² per row
    dist = w.low
    dist += xx
    # the expansion may cancel where |x|² + |c|² >> the distance: a cheap bound first, rows only if needed
    if not dist.min() * 1e6 >= xx.max() + c.cc_max:
        g = w.H3.argmax(axis=1).T + w.offsets
        distT = np.ascontiguousarray(dist.T)
        guard(X, c.C, g, distT, xx, c.cc)
        dist = np.ascontiguousarray(distT.T)
    if c.R == 1:
        np.matmul(w.H, dist[0], out=w.sse)
    else:
        np.matmul(w.H3, dist[:, :, None], out=w.sse.reshape(c.R, c.k, 1))
    np.matmul(w.H, X, out=w.sums)
    return True


def _step_sorted(X, c, w):
    """A block's Lloyd sums by labels (argmin) and sorted row sums, into w.counts, w.sums, w.sse."""
    R, k = c.R, c.k
    g, dist = assign_runs(X, c.C, k, c.M, c.cc)
    flat = g.ravel()
    w.counts[:] = np.bincount(flat, minlength=R * k)
    w.sse[:] = np.bincount(flat, weights=dist.ravel(), minlength=R * k)
    for r in range(R):
        w.sums[r * k:(r + 1) * k] = group_sums(g[:, r] - r * k, X, k)


def step_merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    sa, sb = np.frombuffer(a, dtype=F8).copy(), np.frombuffer(b, dtype=F8)
    if sa.size != sb.size or sa[0] != sb[0] or sa[1] != sb[1]:
        raise ValueError("partial k-means states of different shapes")
    sa[3:] += sb[3:]
    return sa.tobytes()


def step_result(state):
    """A finished Lloyd pass -> per run: dict(counts (k), sums (k, d), sse (k), objective), and n."""
    s = np.asarray(state, dtype=float)
    R, k, d, counts, sums, sse = unpack(s)
    runs = [{"counts": counts[r * k:(r + 1) * k].copy(), "sums": sums[r * k:(r + 1) * k].copy(),
             "sse": sse[r * k:(r + 1) * k].copy(), "objective": float(sse[r * k:(r + 1) * k].sum())}
            for r in range(R)]
    return runs, int(s[3])
