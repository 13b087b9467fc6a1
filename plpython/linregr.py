"""Ordinary least squares from sufficient statistics (linregr).

One pass over packed blocks accumulates n, XᵀX, Xᵀy, yᵀy, Σy and Σx; the
state is a flat float64 vector so partial states from parallel workers (or
shards) simply add. The solve equilibrates XᵀX (unit diagonal) before an
eigendecomposition, so badly scaled columns do not cost accuracy, and uses
the pseudo-inverse, so collinear features give a minimum-norm answer and a
huge condition number instead of a crash.
"""
import numpy as np

from . import blocks, stats

# state layout: [n, d, XtX (d*d), Xty (d), yty, sum_y, sum_x (d)]


def state_size(d):
    return 2 + d * d + d + 2 + d


def transition(state, x_raw, y_raw, n):
    """Add one block of n rows to the state (bytes or None)."""
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    y = blocks.vector(y_raw)
    d = X.shape[1]
    block = np.empty(state_size(d))
    block[0], block[1] = n, d
    np.matmul(X.T, X, out=block[2:2 + d * d].reshape(d, d))
    o = 2 + d * d
    # Xᵀy and Σx (= Xᵀ1) with one product: a BLAS call instead of a column reduction
    Y1 = _ones_with(y)
    xy = Y1 @ X
    block[o:o + d] = xy[0]
    block[o + d] = y @ y
    block[o + d + 1] = Y1[1] @ y
    block[o + d + 2:] = xy[1]
    if state is None:
        return blocks.to_bytes(block)
    return blocks.to_bytes(blocks.add_counted(blocks.from_bytes(state), block, "blocks", ": ragged feature arrays"))


_rows = [None]   # a reused (2, n) array: row 0 the labels, row 1 ones


def _ones_with(y):
    buf = _rows[0]
    if buf is None or buf.shape[1] != y.size:
        buf = _rows[0] = np.ones((2, y.size))
    buf[0] = y
    return buf


def merge(a, b):
    """Combine two partial states (parallel workers, partitions, shards)."""
    return blocks.merge_states(a, b, blocks.add_counted)


def unpack_state(state):
    s = np.asarray(state, dtype=float)
    n, d = s[0], int(s[1])
    XtX = s[2:2 + d * d].reshape(d, d)
    o = 2 + d * d
    return n, d, XtX, s[o:o + d], s[o + d], s[o + d + 1], s[o + d + 2:o + 2 * d + 2]


def constant_columns(n, XtX, sum_x):
    """Columns that hold one value on every row (n·Σx² = (Σx)², nonzero)."""
    diag = np.diag(XtX)
    return np.flatnonzero((diag > 0) & np.isclose(n * diag, sum_x ** 2, rtol=1e-12, atol=0))


def _eig_pinv(A):
    w, V = np.linalg.eigh(A)
    cutoff = w.max() * A.shape[0] * np.finfo(float).eps * 10 if w.size else 0.0
    keep = w > cutoff
    inv_w = np.zeros_like(w)
    inv_w[keep] = 1.0 / w[keep]
    return (V * inv_w) @ V.T, int(keep.sum())


def pseudo_inverse(XtX):
    """(XᵀX)⁺ and its rank.

    Full rank: invert the equilibrated matrix (unit diagonal), which keeps
    accuracy when columns differ in scale by orders of magnitude.
    Rank-deficient: the plain pseudo-inverse, whose solution is the one of
    minimum Euclidean norm (what MADlib and numpy's pinv return).
    """
    scale = np.sqrt(np.diag(XtX)).copy()
    scale[scale == 0] = 1.0
    A_pinv, rank = _eig_pinv(XtX / np.outer(scale, scale))
    if rank == XtX.shape[0]:
        return A_pinv / np.outer(scale, scale), rank
    return _eig_pinv(XtX)


def solve(state):
    """Coefficients and inference from a final state: the linregr output row."""
    n, d, XtX, Xty, yty, sum_y, sum_x = unpack_state(state)
    inv, rank = pseudo_inverse(XtX)
    coef = inv @ Xty
    sse = max(yty - coef @ Xty, 0.0)
    df = n - rank
    has_constant = constant_columns(n, XtX, sum_x).size > 0
    sst = yty - sum_y ** 2 / n if has_constant else yty
    r2 = 1.0 - sse / sst if sst > 0 else float("nan")
    sigma2 = sse / df if df > 0 else float("nan")
    vcov = sigma2 * inv
    std_err = np.sqrt(np.clip(np.diag(vcov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        t_stats = coef / std_err
    p_values = [stats.t_two_sided_p(float(t), df) for t in t_stats]
    condition_no = condition_number(XtX) if rank == d else float("inf")
    return {
        "coef": coef,
        "r2": float(r2),
        "std_err": std_err,
        "t_stats": t_stats,
        "p_values": np.asarray(p_values),
        "condition_no": condition_no,
        "num_rows_processed": int(n),
        "rank": rank,
        "df_resid": float(df),
        "variance_covariance": vcov,
    }


# Breusch-Pagan (Koenker's studentised form, as MADlib): regress the squared residuals
# a = (y - xβ)² on X; the statistic is n·R² of that regression, chi-squared with d - 1
# degrees of freedom. state: [n, d, Σa, Σa², XᵀA (d), XᵀX (d*d)]


def bp_transition(state, x_raw, y_raw, n, coef):
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    a = (blocks.vector(y_raw) - X @ np.asarray(coef, dtype=float)) ** 2
    d = X.shape[1]
    block = np.concatenate([[n, d, a.sum(), a @ a], X.T @ a, (X.T @ X).ravel()])
    if state is None:
        return blocks.to_bytes(block)
    acc = blocks.from_bytes(state)
    acc[0] += block[0]
    acc[2:] += block[2:]
    return blocks.to_bytes(acc)


def bp_solve(state):
    """-> (bp_stats, bp_p_value)."""
    s = np.asarray(state, dtype=float)
    n, d = s[0], int(s[1])
    a_sum, a_sq, XtA = s[2], s[3], s[4:4 + d]
    XtX = s[4 + d:4 + d + d * d].reshape(d, d)
    inv, _ = pseudo_inverse(XtX)
    ess = max(XtA @ (inv @ XtA) - a_sum ** 2 / n, 0.0)
    tss = max(a_sq - a_sum ** 2 / n, 0.0)
    stat = n * (min(ess, tss) / tss if tss > 0 else 1.0)
    return float(stat), stats.chi2_sf(stat, d - 1)


def condition_number(gram):
    """MADlib's condition_no: κ₂ of the design matrix, sqrt(λmax / λmin) of its Gram matrix XᵀX
    (or XᵀAX, the weighted one, for logistic regression and GLMs); statsmodels reports the same."""
    eig = np.linalg.eigvalsh(gram) if gram.size else np.array([1.0])
    return float(np.sqrt(eig.max() / eig.min())) if eig.min() > 0 else float("inf")


def predict(coef, x):
    return float(np.dot(coef, x))
