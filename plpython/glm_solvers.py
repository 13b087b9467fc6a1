"""The step math the GLM-family drivers run between passes (pure numpy, no database access).

After a ``glm_pass`` (plpython/optimizers.py) returns the summed gradient and
Hessian, a driver turns them into a step: a robust Newton solve, an L-BFGS
direction, coordinate descent for the elastic net, and the standardising
parametrisation w = T v that keeps L-BFGS and SGD well conditioned. Kept
apart from the aggregate kernel, which runs in parallel workers.
"""
import math

import numpy as np


def transform_from_stats(st, dd, add_intercept):
    """T with w = T v: centre on the constant column (if any) and scale by the standard deviation.
    Returns (T, index of the constant column or -1)."""
    n = max(st["rows"], 1.0)
    mean = st["sum_x"] / n
    msq = st["sum_x2"] / n
    var = np.maximum(msq - mean ** 2, 0.0)
    const = np.flatnonzero((var <= 1e-12 * np.maximum(msq, 1e-300)) & (np.abs(mean) > 0))
    if add_intercept:
        c = dd - 1
    elif const.size:
        c = int(const[0])
    else:
        c = -1
    T = np.zeros((dd, dd))
    if c < 0:
        rms = np.sqrt(msq)
        rms[rms == 0] = 1.0
        np.fill_diagonal(T, 1.0 / rms)
        return T, -1
    sd = np.sqrt(var)
    sd[sd == 0] = 1.0
    for j in range(dd):
        if j == c:
            continue
        if var[j] <= 1e-12 * max(msq[j], 1e-300) and j in const:
            # another constant column: scale only
            T[j, j] = 1.0 / max(abs(mean[j]), 1e-300)
            continue
        T[j, j] = 1.0 / sd[j]
        T[c, j] = -mean[j] / sd[j] / mean[c]
    T[c, c] = 1.0 / mean[c]
    return T, c


def equilibrated_solve(H, g):
    """Solve H x = g for symmetric PSD H robustly: unit-diagonal scaling, then eigen pseudo-inverse.
    Returns (x, H^+) so the caller can reuse the inverse for standard errors."""
    scale = np.sqrt(np.abs(np.diag(H))).copy()
    scale[scale == 0] = 1.0
    A = H / np.outer(scale, scale)
    wv, V = np.linalg.eigh(A)
    cutoff = max(wv.max(), 0.0) * A.shape[0] * np.finfo(float).eps if wv.size else 0.0
    keep = wv > cutoff
    inv_w = np.zeros_like(wv)
    inv_w[keep] = 1.0 / wv[keep]
    inv = (V * inv_w) @ V.T / np.outer(scale, scale)
    return inv @ g, inv


def lbfgs_direction(g, s_hist, y_hist):
    """Two-loop recursion: -H_k g from the stored (s, y) pairs (oldest first)."""
    q = g.copy()
    alphas = []
    for s, yv in reversed(list(zip(s_hist, y_hist))):
        rho = 1.0 / (yv @ s)
        a = rho * (s @ q)
        alphas.append((rho, a))
        q -= a * yv
    if s_hist:
        s, yv = s_hist[-1], y_hist[-1]
        q *= (s @ yv) / (yv @ yv)
    for (s, yv), (rho, a) in zip(zip(s_hist, y_hist), reversed(alphas)):
        b = rho * (yv @ q)
        q += s * (a - b)
    return -q


def soft_threshold(z, t):
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def cd_quadratic(H, b, w0, l1, l2, penalized, tol=1e-12, max_sweeps=10000):
    """Coordinate descent for  min_w  1/2 w'Hw - b'w + sum_j pen_j (l1 |w_j| + l2/2 w_j^2).

    ``penalized`` is a boolean mask (the intercept is not penalized). Returns (w, sweeps).
    """
    w = np.array(w0, dtype=float)
    d = len(w)
    Hw = H @ w
    diag = np.diag(H).copy()
    pen = np.asarray(penalized, dtype=bool)
    sweeps = 0
    for sweeps in range(1, max_sweeps + 1):
        max_change = 0.0
        for j in range(d):
            hjj = diag[j]
            if hjj <= 0 and not pen[j]:
                continue
            rho = b[j] - Hw[j] + hjj * w[j]
            if pen[j]:
                new = soft_threshold(rho, l1) / (hjj + l2) if hjj + l2 > 0 else 0.0
            else:
                new = rho / hjj
            delta = new - w[j]
            if delta != 0.0:
                Hw += delta * H[:, j]
                w[j] = new
                max_change = max(max_change, abs(delta) * math.sqrt(max(hjj, 1e-300)))
        if max_change <= tol:
            break
    return w, sweeps
