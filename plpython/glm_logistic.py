"""The logistic family's block kernel in glm_pass: loss, gradient and Hessian of one packed block.

Every logistic pass (IRLS, L-BFGS, their final Hessian) runs this once per block of ~1,000 rows, so
its cost per block is the pass's cost beyond reading the blocks. On such a block numpy spends about
as long starting an element-wise operation as doing it, and a fresh array per operation is an
allocation (and page faults when it is large), so the intermediate vectors and the weighted rows live
in work arrays kept from block to block (``buffer``) and every operation writes into one (``out=``).
The formulas are the ones the family always used (one exp for loss and sigmoid, the weights
e^-|m| / (1 + e^-|m|)^2): results differ only by summation order. Pure numpy (runs in parallel workers).
"""
import numpy as np

_work = {}   # name -> array, per process


def buffer(name, rows, cols=0):
    """A work array of ``rows`` (x ``cols``) float64, reused from block to block: blocks differ a little
    in rows, so it grows to the largest block seen and the first ``rows`` are returned."""
    buf = _work.get(name)
    if buf is None or buf.shape[0] < rows or (cols and buf.shape[1] != cols):
        buf = _work[name] = np.empty((rows, cols) if cols else rows)
    return buf[:rows]


def weighted_gram(X, wt, out=None):
    """Xᵀ diag(w) X as (diag(w) X)ᵀ X: the weighted rows go into a work array and one general product
    (gemm) takes them; measured faster here than Zᵀ Z with Z = diag(√w) X (syrk, plus a square root per
    row). Symmetric to rounding only: optimizers.unpack_state symmetrises the summed Hessian."""
    Z = buffer("weighted", X.shape[0], X.shape[1])
    np.multiply(X, wt[:, None], out=Z)
    return np.matmul(Z.T, X, out=out)


def terms(X, y, W, need_loss=True, need_weights=False):
    """The per-row terms at m = X w -> (loss sum, r = sigmoid(m) - y, weights p (1 - p) or None).
    ``r`` and the weights are work arrays: valid until the next call."""
    n = X.shape[0]
    m = np.matmul(X, W, out=buffer("m", n))
    # one exp for both: log(1 + e^m) = max(m, 0) + log1p(e^-|m|), sigmoid(m) from the same e^-|m|
    e = np.abs(m, out=buffer("e", n))
    np.negative(e, out=e)
    np.exp(e, out=e)
    one_e = np.add(e, 1.0, out=buffer("one_e", n))
    r = buffer("r", n)
    loss = 0.0
    if need_loss:
        loss = float(np.log1p(e, out=r).sum())
        loss += float(np.maximum(m, 0.0, out=r).sum()) - float(y @ m)
    # sigmoid(m) = (1 if m >= 0 else e^-|m|) / (1 + e^-|m|); e^-|m| <= 1, so the numerator is max(e, m >= 0)
    np.maximum(e, np.greater_equal(m, 0.0, out=_mask(n)), out=r)
    np.divide(r, one_e, out=r)
    np.subtract(r, y, out=r)
    if not need_weights:
        return loss, r, None
    np.multiply(one_e, one_e, out=one_e)
    return loss, r, np.divide(e, one_e, out=e)     # p (1 - p) = e^-|m| / (1 + e^-|m|)^2


def _mask(n):
    buf = _work.get("mask")
    if buf is None or buf.shape[0] < n:
        buf = _work["mask"] = np.empty(n, dtype=bool)
    return buf[:n]


def at_zero(X, y, need_hess):
    """The logistic loss, gradient and Hessian at w = 0 (where IRLS starts): every row has m = 0,
    loss log 2, sigmoid 1/2 and weight 1/4, so the Hessian is XᵀX / 4 - no exp, no weighting."""
    n = X.shape[0]
    r = np.subtract(0.5, y, out=buffer("r", n))
    H = (X.T @ X) * 0.25 if need_hess else None
    return n * float(np.log(2.0)), r @ X, H


def evaluate(X, y, W, need_hess=False, need_loss=True):
    """(loss sum, gradient, Hessian or None) as fresh arrays (SGD keeps the gradient)."""
    if not W.any():
        return at_zero(X, y, need_hess)
    loss, r, wt = terms(X, y, W, need_loss, need_hess)
    return loss, r @ X, (weighted_gram(X, wt) if need_hess else None)


def add_block(acc, at, X, y, W, zero, need_hess):
    """Add one block's loss (acc[3]), gradient (acc[at:at + d]) and, with ``need_hess``, Hessian (the
    d x d after it) into the state ``acc`` in place; ``zero``: w = 0 (the task says so)."""
    d = X.shape[1]
    g = buffer("g", d)
    if zero:
        loss = X.shape[0] * float(np.log(2.0))
        np.matmul(np.subtract(0.5, y, out=buffer("r", X.shape[0])), X, out=g)
    else:
        loss, r, wt = terms(X, y, W, True, need_hess)
        np.matmul(r, X, out=g)
    acc[3] += loss
    acc[at:at + d] += g
    if need_hess:
        H = buffer("H", d, d)
        if zero:
            np.matmul(X.T, X, out=H)
            H *= 0.25
        else:
            weighted_gram(X, wt, out=H)
        acc[at + d:at + d + d * d] += H.ravel()
