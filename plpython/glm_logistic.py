"""The logistic family's block kernel in glm_pass: loss, gradient and Hessian of one packed block.

Every logistic pass (IRLS, L-BFGS, their final Hessian) runs this once per block (2,000 rows by
default), so its cost per block is the pass's cost beyond reading the blocks. On such a block numpy
spends about as long starting an element-wise operation as doing it: the kernel makes few calls, steps in place
where it can, and keeps the weighted rows (n x d: a large allocation, page faults) in a work array
from block to block. A vector of one value per row is allocated afresh: numpy's small allocation costs
less than passing a work array as ``out=`` (a keyword to parse), measured.
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
    """The per-row terms at m = X w -> (loss sum, r = sigmoid(m) - y, weights p (1 - p) or None)."""
    m = X @ W
    # one exp for both: log(1 + e^m) = max(m, 0) + log1p(e^-|m|), sigmoid(m) from the same e^-|m|
    e = np.copysign(m, -1.0)          # -|m|
    np.exp(e, out=e)
    one_e = e + 1.0
    loss = float(np.log1p(e).sum() + np.maximum(m, 0.0).sum() - y @ m) if need_loss else 0.0
    # sigmoid(m) = (1 if m >= 0 else e^-|m|) / (1 + e^-|m|); e^-|m| <= 1, so the numerator is max(e, m >= 0)
    r = np.maximum(e, m >= 0.0)
    r /= one_e
    r -= y
    if not need_weights:
        return loss, r, None
    one_e *= one_e
    e /= one_e                         # p (1 - p) = e^-|m| / (1 + e^-|m|)^2
    return loss, r, e


def at_zero(X, y, need_hess):
    """The logistic loss, gradient and Hessian at w = 0 (where IRLS starts): every row has m = 0,
    loss log 2, sigmoid 1/2 and weight 1/4, so the Hessian is XᵀX / 4 - no exp, no weighting."""
    n = X.shape[0]
    r = 0.5 - y
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
    if zero:
        acc[3] += X.shape[0] * float(np.log(2.0))
        acc[at:at + d] += (0.5 - y) @ X
        if need_hess:
            H = np.matmul(X.T, X, out=buffer("H", d, d))
            H *= 0.25
            acc[at + d:at + d + d * d] += H.ravel()
        return
    loss, r, wt = terms(X, y, W, True, need_hess)
    acc[3] += loss
    acc[at:at + d] += r @ X
    if need_hess:
        acc[at + d:at + d + d * d] += weighted_gram(X, wt, out=buffer("H", d, d)).ravel()
