"""Huber-White sandwich variance and logistic marginal effects (robust_variance_*, margins_logregr).

Given fitted coefficients b, one pass over the packed blocks adds per group
    bread = Σ w_i x_i x_iᵀ          (XᵀX for linear, Xᵀ diag(p(1-p)) X for logistic)
    meat  = Σ s_i s_iᵀ,  s_i = x_i r_i  (r = y - ŷ: the score of row i)
and, for the logistic marginal effects, Σ p(1-p) and Σ p(1-p)(1-2p) x_i.
The state is a flat float64 vector, so partial states from parallel workers add.
The HC0 covariance is bread⁻¹ meat bread⁻¹ (MADlib, statsmodels cov_type='HC0').
"""
import numpy as np

from . import blocks, stats

# state layout: [n, d, bread (d*d), meat (d*d), sum p(1-p), sum p(1-p)(1-2p) x (d), sum of scores (d)]


def state_size(d):
    return 3 + 2 * d * d + 2 * d


def _sigmoid(eta):
    out = np.empty_like(eta)
    pos = eta >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-eta[pos]))
    e = np.exp(eta[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def block_state(X, y, coef, family):
    """The state of one block (rows X, labels y) at coefficients coef."""
    n, d = X.shape
    b = np.asarray(coef, dtype=float)
    if b.shape != (d,):
        raise ValueError(f"{d} features but {b.size} coefficients")
    eta = X @ b
    st = np.zeros(state_size(d))
    st[0], st[1] = n, d
    if family == "linear":
        r = y - eta
        bread = X.T @ X
    else:
        p = _sigmoid(eta)
        r = y - p
        w = p * (1.0 - p)
        bread = (X * w[:, None]).T @ X
        o = 2 + 2 * d * d
        st[o] = w.sum()
        st[o + 1:o + 1 + d] = X.T @ (w * (1.0 - 2.0 * p))
    S = X * r[:, None]
    st[2:2 + d * d] = bread.ravel()
    st[2 + d * d:2 + 2 * d * d] = (S.T @ S).ravel()
    st[3 + 2 * d * d + d:] = S.sum(axis=0)
    return st


def transition(state, x_raw, y_raw, n, coef, family):
    """Add one packed block of n rows to the state (bytes or None)."""
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    y = blocks.vector(y_raw)
    if isinstance(coef, (bytes, bytearray, memoryview)):
        coef = blocks.from_bytes(bytes(coef))
    st = block_state(X, y, coef, family)
    if state is None:
        return blocks.to_bytes(st)
    return blocks.to_bytes(blocks.add_counted(blocks.from_bytes(state), st, "blocks", ": ragged feature arrays"))


def merge(a, b):
    return blocks.merge_states(a, b, blocks.add_counted)


def unpack(state):
    s = np.asarray(state, dtype=float)
    n, d = s[0], int(s[1])
    bread = s[2:2 + d * d].reshape(d, d)
    meat = s[2 + d * d:2 + 2 * d * d].reshape(d, d)
    o = 2 + 2 * d * d
    return n, d, bread, meat, s[o], s[o + 1:o + 1 + d]


def score_sum(state):
    s = np.asarray(state, dtype=float)
    d = int(s[1])
    return s[3 + 2 * d * d + d:3 + 2 * d * d + 2 * d]


def pinv(A):
    """Pseudo-inverse of a symmetric matrix, equilibrated to a unit diagonal first."""
    # equilibrate to a unit diagonal so badly scaled columns keep their accuracy
    dg = np.sqrt(np.clip(np.diag(A), 0, None))
    sc = np.where(dg > 0, 1.0 / np.where(dg > 0, dg, 1.0), 1.0)
    return sc[:, None] * np.linalg.pinv(A * sc[:, None] * sc[None, :], hermitian=True) * sc[None, :]


def wald(est, cov, df=None):
    """-> (std_err, z or t, two-sided p) of estimates with covariance cov; df None: normal, else Student t."""
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, est / se, np.where(est == 0, 0.0, np.inf * np.sign(est)))
    if df is None:
        p = np.array([stats.normal_two_sided_p(float(v)) for v in z])
    else:
        p = np.array([stats.t_two_sided_p(float(v), df) if df > 0 else np.nan for v in z])
    return se, z, p


def hc0(bread, meat):
    """The HC0 sandwich bread⁻¹ meat bread⁻¹ (pseudo-inverse, as MADlib)."""
    inv = pinv(bread)
    cov = inv @ meat @ inv
    return (cov + cov.T) / 2.0


def cluster_robust(bread, U, n):
    """Cluster-robust covariance: bread⁻¹ (UᵀU) bread⁻¹ · G/(G-1)·(n-1)/(n-p), U one score sum per
    cluster (G rows), p parameters (MADlib's clustered_errors.cpp, statsmodels cov_type='cluster')."""
    G, p = U.shape
    inv = pinv(bread)
    factor = (G / (G - 1.0)) * ((n - 1.0) / (n - p)) if G > 1 and n > p else np.nan
    cov = inv @ (U.T @ U) @ inv * factor
    return (cov + cov.T) / 2.0


def sandwich(state, coef, family):
    """-> (std_err, t or z, p-values, covariance) of the HC0 sandwich. Linear: Student t with
    n - d degrees of freedom (MADlib); logistic: normal."""
    n, d, bread, meat, _, _ = unpack(state)
    cov = hc0(bread, meat)
    se, z, p = wald(np.asarray(coef, dtype=float), cov, n - d if family == "linear" else None)
    return se, z, p, cov


def clustered(cluster_states, coef, family):
    """Cluster-robust covariance from one state per cluster: bread summed, meat = Σ_c u_c u_cᵀ with
    u_c the cluster's score sum, times the small-sample factor G/(G-1)·(n-1)/(n-d) (MADlib's
    clustered_errors.cpp, statsmodels cov_type='cluster'). p-values as MADlib: Student t with n - d
    degrees of freedom (linear), normal (logistic)."""
    parts = [unpack(s) for s in cluster_states]
    d = parts[0][1]
    n = sum(p[0] for p in parts)
    bread = sum(p[2] for p in parts)
    U = np.array([score_sum(s) for s in cluster_states]).reshape(-1, d)
    cov = cluster_robust(bread, U, n)
    se, z, p = wald(np.asarray(coef, dtype=float), cov, n - d if family == "linear" else None)
    return se, z, p, cov


def margins(state, coef, indices=None):
    """Average marginal effects of a logistic model, (1/n) Σ β_j p_i(1-p_i), with delta-method
    standard errors from the model covariance bread⁻¹. indices: 0-based variables to report."""
    n, d, bread, _, s1, s2 = unpack(state)
    b = np.asarray(coef, dtype=float)
    V = pinv(bread)
    me = b * s1 / n
    J = (np.eye(d) * s1 + np.outer(b, s2)) / n
    cov = J @ V @ J.T
    idx = list(range(d)) if indices is None else list(indices)
    se, z, p = wald(me[idx], cov[np.ix_(idx, idx)], None)
    return me[idx], se, z, p


# MADlib's aggregate form robust_linregr(y, x, coef): per-row state = robust state + coef (d)
def row_transition(state, y, x, coef):
    d = len(x)
    st = block_state(np.asarray([x], dtype=float), np.asarray([y], dtype=float), coef, "linear")
    st = np.concatenate([st, np.asarray(coef, dtype=float)])
    if state is None:
        return blocks.to_bytes(st)
    acc = blocks.from_bytes(state)
    if int(acc[1]) != d:
        raise ValueError(f"rows have {int(acc[1])} and {d} features: ragged feature arrays")
    acc[0] += st[0]
    acc[2:state_size(d)] += st[2:state_size(d)]
    return blocks.to_bytes(acc)


def row_merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    sa, sb = blocks.from_bytes(a), blocks.from_bytes(b)
    d = int(sa[1])
    sa[0] += sb[0]
    sa[2:state_size(d)] += sb[2:state_size(d)]
    return blocks.to_bytes(sa)


def row_final(state):
    s = blocks.from_bytes(state)
    d = int(s[1])
    coef = s[state_size(d):]
    se, t, p, _ = sandwich(s[:state_size(d)], coef, "linear")
    return {"coef": coef.tolist(), "std_err": se.tolist(), "t_stats": t.tolist(), "p_values": p.tolist()}
