"""Multinomial logit statistics at fixed coefficients (MADlib's mlogregr family): one pass adds per group

    bread = Σ_i (diag(p_i) - p_i p_iᵀ) ⊗ x_i x_iᵀ        (the information matrix XᵀAX)
    meat  = Σ_i g_i g_iᵀ,   g_i = (y_i - p_i) ⊗ x_i       (the per-row score)
    score = Σ_i g_i                                         (a cluster's score sum)
    M     = Σ_i diag(p_i) (B - 1 (Bᵀp_i)ᵀ)                 (marginal effects, (K-1) × d)
    D     = Σ_i ∂M_i/∂β                                     (their Jacobian, for the delta method)

p_i are the K-1 non-reference probabilities, y_i the one-hot label without the reference category,
B the (K-1) × d coefficients. Parameters are ordered as MADlib's: feature-major, category-minor
(index j·(K-1) + c), the order of its variance_covariance and of our softmax passes' free
coefficients. The state is a flat float64 vector, so partial states from parallel workers add.
"""
import numpy as np

from . import blocks

HEAD = 3   # n, d, K-1


def task(ref_index, B):
    """The pass's constant: the reference category's label index and B ((K-1) × d)."""
    B = np.asarray(B, dtype=float)
    return blocks.to_bytes(np.concatenate([[ref_index, B.shape[0]], B.ravel()]))


def _parse_task(raw):
    t = blocks.from_bytes(bytes(raw)) if isinstance(raw, (bytes, bytearray, memoryview)) else np.asarray(raw)
    r, m = int(t[0]), int(t[1])
    return r, t[2:].reshape(m, -1)


def sizes(d, m):
    p = d * m
    return {"bread": p * p, "meat": p * p, "score": p, "margins": m * d, "delta": p * p}


def state_size(d, m):
    return HEAD + sum(sizes(d, m).values())


def probabilities(X, B):
    """Non-reference probabilities P (n × (K-1)) of the softmax with the reference logit at 0."""
    eta = X @ B.T
    top = np.maximum(eta.max(axis=1, keepdims=True), 0.0)
    e = np.exp(eta - top)
    return e / (np.exp(-top) + e.sum(axis=1, keepdims=True))


def block_state(X, y, r, B):
    n, d = X.shape
    m = B.shape[0]
    if B.shape[1] != d:
        raise ValueError(f"{d} features but coefficients for {B.shape[1]}")
    P = probabilities(X, B)
    lab = np.asarray(y, dtype=np.int64)
    col = np.where(lab > r, lab - 1, lab)
    Y = np.zeros((n, m))
    hit = lab != r
    Y[np.nonzero(hit)[0], col[hit]] = 1.0
    # bread[(j,c),(l,e)] = Σ x_ij x_il (p_ic δ_ce - p_ic p_ie)
    bread = np.zeros((d, m, d, m))
    for c in range(m):
        for e in range(c, m):
            w = P[:, c] * ((1.0 if c == e else 0.0) - P[:, e])
            blk = (X * w[:, None]).T @ X
            bread[:, c, :, e] = blk
            bread[:, e, :, c] = blk
    S = (X[:, :, None] * (Y - P)[:, None, :]).reshape(n, d * m)
    Bbar = P @ B                                   # n × d: Σ_l p_l β_l
    M = P[:, :, None] * (B[None, :, :] - Bbar[:, None, :])   # n × (K-1) × d
    # D[(k,j),(K,J)] = Σ_i (δ_jJ - p_iJ) x_iK M_ijk + p_ij (δ_jJ δ_kK - p_iJ δ_kK - x_iK M_iJk)
    D = np.zeros((d, m, d, m))
    MX = np.einsum("ijk,iK->kjK", M, X)
    for j in range(m):
        D[:, j, :, j] += MX[:, j, :]
    D -= np.einsum("ijk,iK,iJ->kjKJ", M, X, P, optimize=True)
    D -= np.einsum("ij,iK,iJk->kjKJ", P, X, M, optimize=True)
    psum = P.sum(axis=0)
    pp = P.T @ P
    for k in range(d):
        D[k, :, k, :] += np.diag(psum) - pp
    p = d * m
    return np.concatenate([[n, d, m], bread.reshape(-1), (S.T @ S).ravel(), S.sum(axis=0),
                           M.sum(axis=0).ravel(), D.reshape(p * p)])


def transition(state, x_raw, y_raw, n, task_raw):
    """Add one packed block of n rows (labels are 0-based category indices) to the state."""
    if x_raw is None or not n:
        return state
    r, B = _parse_task(task_raw)
    st = block_state(blocks.matrix(x_raw, n), blocks.vector(y_raw), r, B)
    if state is None:
        return blocks.to_bytes(st)
    return blocks.to_bytes(blocks.add_shaped(blocks.from_bytes(state), st, HEAD))


def merge(a, b):
    return blocks.merge_states(a, b, lambda x, y: blocks.add_shaped(x, y, HEAD))


def unpack(state):
    """-> dict n, d, m, bread (P×P), meat (P×P), score (P), margins ((K-1)×d sum), delta (P×P)."""
    s = np.asarray(state, dtype=float)
    n, d, m = s[0], int(s[1]), int(s[2])
    p = d * m
    out, o = {"n": n, "d": d, "m": m}, HEAD
    for name, size in sizes(d, m).items():
        out[name] = s[o:o + size]
        o += size
    out["bread"] = out["bread"].reshape(p, p)
    out["meat"] = out["meat"].reshape(p, p)
    out["margins"] = out["margins"].reshape(m, d)
    out["delta"] = out["delta"].reshape(p, p)
    return out


def flat(B):
    """(K-1) × d coefficients -> MADlib's feature-major parameter vector."""
    return np.asarray(B, dtype=float).T.ravel()


def by_category(v, m):
    """Feature-major vector (length d·(K-1)) -> (K-1) × d, one row per non-reference category."""
    return np.asarray(v, dtype=float).reshape(-1, m).T


def margins(st, V):
    """Average marginal effects (feature-major vector) and their delta-method covariance D V Dᵀ / n²."""
    n = st["n"]
    me = st["margins"].T.ravel() / n
    J = st["delta"] / n
    return me, J @ V @ J.T


def predict_prob(coef, ref, x):
    """P(category | x) for the categories 0..K-1 from the (K-1) × d coefficients of the others."""
    B = np.atleast_2d(np.asarray(coef, dtype=float))
    p = probabilities(np.asarray(x, dtype=float)[None, :], B)[0]
    return np.insert(p, int(ref), max(0.0, 1.0 - p.sum())).tolist()
