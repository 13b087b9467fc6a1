"""k-means seeding over packed blocks: D² sampling for several runs and hypotheses in one pass.

One aggregate, ``sample``, serves every seeding method. Per run ``r`` it knows
the centres chosen so far (``centers``, R x c x d) and optionally ``L``
candidate centres (``cands``, R x L x d; NaN rows are absent candidates). Each
candidate j is a hypothesis "add c_j": per row the weight is
w_j = min(D², |x - c_j|²) (D = distance to the chosen centres; w = 1 when none
are chosen yet). In one pass the state adds, per run and hypothesis,

* the potential Σ w_j (the k-means cost if c_j were added) - greedy k-means++
  keeps the candidate with the lowest potential, and
* a weighted sample without replacement of ``m`` rows with weights w_j
  (Efraimidis-Spirakis "A-ES": key log(u) / w, the m largest keys win; keeping
  the top m keys is a merge that any split of the data reproduces) - the next
  step's candidates under that hypothesis.

So greedy k-means++ (Arthur & Vassilvitskii; scikit-learn's 2 + ⌊ln k⌋
candidates per step) scores step t's candidates and draws step t+1's in the
same pass: k + 1 passes for k centres, all runs at once; the last of them also draws
the local-search candidates, and one more aggregate, ``swap``, scores every
(candidate, centre) swap (k + 2 passes in all). Plain k-means++ is
m = 1 without candidates (k passes); ``random`` is one pass with m = k and
w = 1; k-means|| (Bahmani et al. 2012) is a few passes with m = 2k, then a
weighted k-means++ on the ~2k·rounds sampled rows (``local_kmeans``, no pass).
The random numbers come from a generator seeded by (seed, round, partition,
block), so the result does not depend on how blocks are spread over workers
(partition 0 for a one-partition source, so not on its OID either).
The first pass (round 0) also sums x and x² (the tolerance scale).
"""
import numpy as np

from . import blocks, kmeans

# state: [R, H, m, d, n, pot (R*H), keys (R*H*m), pts (R*H*m*d), sum_x (d), sum_x2 (d)]


def _unpack(s):
    R, H, m, d = (int(v) for v in s[:4])
    o = 5
    pot = s[o:o + R * H].reshape(R, H); o += R * H
    keys = s[o:o + R * H * m].reshape(R, H, m); o += R * H * m
    pts = s[o:o + R * H * m * d].reshape(R, H, m, d); o += R * H * m * d
    return R, H, m, d, pot, keys, pts, s[o:o + d], s[o + d:o + 2 * d]


def _size(R, H, m, d):
    return 5 + R * H + R * H * m * (d + 1) + 2 * d


def _merge_top(keys, pts, bkeys, bpts, m):
    """Keep the m largest keys of both, for every (run, hypothesis) at once (ties: existing first, then by
    position). keys (G, m), pts (G, m, d), bkeys (G, t), bpts (G, t, d); keys and pts updated in place."""
    allk = np.concatenate([keys, bkeys], axis=1)
    order = np.argsort(-allk, axis=1, kind="stable")[:, :m]
    keys[:] = np.take_along_axis(allk, order, axis=1)
    pts[:] = np.take_along_axis(np.concatenate([pts, bpts], axis=1), order[:, :, None], axis=1)


def _nearest_sq(X, C, xx):
    """Squared distance of every row to each centre of C (m, d), centre-major: (m, n), clipped at 0."""
    S = C @ X.T
    S *= -2.0
    S += np.einsum("ij,ij->i", C, C)[:, None]
    S += xx
    np.maximum(S, 0.0, out=S)
    return S


def weights(X, centers, cands, xx=None):
    """-> (R, H, n) D² weights per run and hypothesis (H = 1: no candidates, or L), row index last.

    D = distance to the nearest chosen centre, from the expansion |x|² - 2x·c + |c|² except where it may
    have cancelled (|x|² + |c|² a million times the distance: recomputed from x - c); w = min(D², |x - c_j|²)
    under hypothesis j; w = 1 when no centre is chosen yet."""
    n = X.shape[0]
    R = centers.shape[0] if centers is not None else (cands.shape[0] if cands is not None else 1)
    if xx is None:
        xx = np.einsum("ij,ij->i", X, X)
    if centers is None or centers.shape[1] == 0:
        D = np.full((R, n), np.inf)
    else:
        c = centers.shape[1]
        flat = centers.reshape(R * c, -1)
        D = np.minimum.reduce(_nearest_sq(X, flat, xx).reshape(R, c, n), axis=1)
        if not D.min() * 1e6 >= xx.max() + np.einsum("ij,ij->i", flat, flat).max():
            _, Dx = kmeans.assign_runs(X, flat, c, xx=xx)
            D = np.ascontiguousarray(Dx.T)
    if cands is None or cands.shape[1] == 0:
        return np.where(np.isfinite(D), D, 1.0)[:, None, :]
    L = cands.shape[1]
    flat = cands.reshape(R * L, -1)
    ok = np.isfinite(flat).all(axis=1)
    sq = _nearest_sq(X, np.where(ok[:, None], flat, 0.0), xx)
    sq[~ok] = np.nan
    return np.minimum(D[:, None, :], sq.reshape(R, L, n))


def sample_transition(state, x_raw, n, part, block, centers_raw, cands_raw, runs, m, seed, round_):
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    d = X.shape[1]
    R = int(runs)
    centers = blocks.vector(centers_raw).reshape(R, -1, d) if centers_raw else None
    cands = blocks.vector(cands_raw).reshape(R, -1, d) if cands_raw else None
    xx = np.einsum("ij,ij->i", X, X)
    W = weights(X, centers, cands, xx)
    H = W.shape[1]
    if W.shape[0] != R:                 # nothing chosen yet: the same uniform weights for every run
        W = np.broadcast_to(W, (R, H, n))
    if state is None:
        s = np.zeros(_size(R, H, m, d))
        s[:4] = R, H, m, d
        _unpack(s)[5][:] = -np.inf
    else:
        s = blocks.from_bytes(state)
        if int(s[3]) != d:
            raise ValueError(f"blocks have {int(s[3])} and {d} features: ragged feature arrays")
    _, _, _, _, pot, keys, pts, sx, sx2 = _unpack(s)
    s[4] += n
    pot += W.sum(axis=2)
    if int(round_) == 0:                # the first pass: the data's mean and variance (tolerance scale)
        sx += X.sum(axis=0)
        sx2 += np.einsum("ij,ij->j", X, X)
    if m:
        rng = np.random.default_rng([int(seed) & 0xFFFFFFFFFFFFFFFF, int(round_), int(part), int(block)])
        u = rng.random((n, R))
        u[u == 0.0] = np.finfo(float).tiny
        with np.errstate(divide="ignore", invalid="ignore"):
            K = np.log(u).T[:, None, :] / W
        K[~(W > 0)] = -np.inf          # weight 0 (a chosen centre) or NaN (an absent candidate): never drawn
        K = K.reshape(R * H, n)
        top = min(m, n)
        idx = np.argpartition(K, n - top, axis=1)[:, n - top:] if top < n else np.broadcast_to(
            np.arange(n), (R * H, n))
        _merge_top(keys.reshape(R * H, m), pts.reshape(R * H, m, d), np.take_along_axis(K, idx, axis=1),
                   X[idx], m)
    return blocks.to_bytes(s)


def _same_shape(sa, sb, what):
    if sa.size != sb.size or (sa[:4] != sb[:4]).any():
        raise ValueError(f"partial k-means {what} states of different shapes")


def sample_merge(a, b):
    return blocks.merge_states(a, b, _sample_combine)


def _sample_combine(sa, sb):
    _same_shape(sa, sb, "sampling")
    R, H, m, d, pot, keys, pts, sx, sx2 = _unpack(sa)
    _, _, _, _, bpot, bkeys, bpts, bsx, bsx2 = _unpack(sb)
    sa[4] += sb[4]
    pot += bpot
    sx += bsx
    sx2 += bsx2
    if m:
        _merge_top(keys.reshape(R * H, m), pts.reshape(R * H, m, d), bkeys.reshape(R * H, m),
                   bpts.reshape(R * H, m, d), m)
    return sa


def sample_result(state):
    """-> dict(potential (R, H), samples [run][hypothesis] -> rows (best key first, only finite keys),
    n, mean, var (population))."""
    s = np.asarray(state, dtype=float)
    R, H, m, d, pot, keys, pts, sx, sx2 = _unpack(s)
    n = s[4]
    samples = [[pts[r, h][np.isfinite(keys[r, h])].copy() for h in range(H)] for r in range(R)]
    mean = sx / n if n else np.zeros(d)
    var = np.clip(sx2 / n - mean ** 2, 0, None) if n else np.zeros(d)
    return {"potential": pot.copy(), "samples": samples, "n": int(n), "mean": mean, "var": var}


def n_candidates(k):
    """Greedy k-means++ candidates per step: 2 + ⌊ln k⌋ (as scikit-learn)."""
    return 2 + int(np.log(k))


def pad(rows, L, d):
    """Candidate rows padded with NaN rows (absent candidates) to L."""
    out = np.full((L, d), np.nan)
    out[:len(rows)] = rows
    return out


# ------------------------------------------------------------------ local search: one swap pass
# state: [R, k, Z, d, n, current cost (R), base (R*Z), delta (R*k*Z)]


def _swap_unpack(s):
    R, k, Z, d = (int(v) for v in s[:4])
    o = 5
    cur = s[o:o + R]; o += R
    base = s[o:o + R * Z].reshape(R, Z); o += R * Z
    return R, k, Z, d, cur, base, s[o:o + R * k * Z].reshape(R, k, Z)


def swap_transition(state, x_raw, n, centers_raw, cands_raw, runs):
    """Local search (Lattanzi & Sohler 2019): per run, the k-means cost if candidate z replaced centre j,
    for every z and j, in one pass. With D1/D2 the squared distances to the nearest/second nearest centre
    and a the nearest, cost(z, j) = Σ min(D1, |x - c_z|²) + Σ_{a = j} [min(D2, |x - c_z|²) - min(D1, ...)]:
    the state adds the first sum per z and the second per (j, z). NaN candidates are absent (NaN costs)."""
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    d = X.shape[1]
    R = int(runs)
    C = blocks.vector(centers_raw).reshape(R, -1, d)
    Zc = blocks.vector(cands_raw).reshape(R, -1, d)
    k, Z = C.shape[1], Zc.shape[1]
    xx = np.einsum("ij,ij->i", X, X)
    D = _nearest_sq(X, C.reshape(R * k, d), xx).reshape(R, k, n)       # centre-major: (run, centre, row)
    a = D.argmin(axis=1)
    D1 = np.take_along_axis(D, a[:, None, :], axis=1)[:, 0, :]
    np.put_along_axis(D, a[:, None, :], np.inf, axis=1)
    D2 = np.minimum.reduce(D, axis=1)                                   # inf when k = 1
    flat = Zc.reshape(R * Z, d)
    ok = np.isfinite(flat).all(axis=1)
    dc = _nearest_sq(X, np.where(ok[:, None], flat, 0.0), xx)
    dc[~ok] = np.nan
    dc = dc.reshape(R, Z, n)
    m1 = np.minimum(D1[:, None, :], dc)
    gain = np.minimum(D2[:, None, :], dc)
    gain -= m1
    A = np.zeros((R, k, n))
    np.put_along_axis(A, a[:, None, :], 1.0, axis=1)                    # row x is nearest to centre j
    if state is None:
        s = np.zeros(5 + R + R * Z + R * k * Z)
        s[:4] = R, k, Z, d
    else:
        s = blocks.from_bytes(state)
        if (s[:4] != (R, k, Z, d)).any():
            raise ValueError("k-means swap state and block disagree on runs, k, candidates or features")
    _, _, _, _, cur, base, delta = _swap_unpack(s)
    s[4] += n
    cur += D1.sum(axis=1)
    base += m1.sum(axis=2)
    delta += np.matmul(A, gain.transpose(0, 2, 1))
    return blocks.to_bytes(s)


def swap_merge(a, b):
    return blocks.merge_states(a, b, _swap_combine)


def _swap_combine(sa, sb):
    _same_shape(sa, sb, "swap")
    sa[4:] += sb[4:]
    return sa


def swap_result(state):
    """-> dict(current (R): the cost of the centres as they are, cost (R, Z, k): with candidate z in place
    of centre j (NaN for absent candidates), n)."""
    s = np.asarray(state, dtype=float)
    R, k, Z, d, cur, base, delta = _swap_unpack(s)
    return {"current": cur.copy(), "cost": base[:, :, None] + delta.transpose(0, 2, 1), "n": int(s[4])}


def best_swap(current, cost):
    """-> (z, j) of the swap that lowers one run's cost most (by more than 1e-9 relative), or None."""
    c = np.where(np.isfinite(cost), cost, np.inf)
    z, j = np.unravel_index(int(np.argmin(c)), c.shape)
    return (int(z), int(j)) if c[z, j] < current * (1.0 - 1e-9) else None


# ------------------------------------------------------------------ k-means|| : the local step


def local_kmeans(P, w, k, rng, max_iter=100):
    """Weighted greedy k-means++ then weighted Lloyd on the k-means|| sample (no pass over the data).

    P: candidate rows, w: how many data rows each is nearest to. -> k centroids.
    """
    w = np.asarray(w, dtype=float)
    keep = w > 0
    P, w = P[keep], w[keep]
    if len(P) < k:
        raise ValueError(f"only {len(P)} distinct candidate rows for k = {k}")
    L = n_candidates(k)
    first = rng.choice(len(P), p=w / w.sum())
    C = [P[first]]
    D = ((P - P[first]) ** 2).sum(axis=1)
    for _ in range(1, k):
        pot = w * D
        if pot.sum() <= 0:
            raise ValueError(f"only {len(C)} distinct candidate rows for k = {k}")
        cand = rng.choice(len(P), size=L, p=pot / pot.sum())
        Dc = np.minimum(D[None, :], ((P[None, :, :] - P[cand][:, None, :]) ** 2).sum(axis=2))
        best = int(np.argmin(Dc @ w))
        C.append(P[cand[best]])
        D = Dc[best]
    C = np.array(C)
    for _ in range(max_iter):
        labels, _ = kmeans.assign(P, C)
        counts = np.bincount(labels, weights=w, minlength=k)
        sums = kmeans.group_sums(labels, P * w[:, None], k)
        newC = np.where(counts[:, None] > 0, sums / np.where(counts > 0, counts, 1)[:, None], C)
        if np.allclose(newC, C, rtol=0, atol=0):
            break
        C = newC
    return C
