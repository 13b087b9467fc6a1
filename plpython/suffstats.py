"""Sufficient statistics of a packed block, computed once at packing and summed without the rows.

Kernel (pure numpy, no plpy). Packing already hands every block to numpy once (``f8_clean``
drops rows with NaN or infinities); ``clean_block`` computes the block's statistics in the same
call, and the packed table stores them (``stats`` column). Summed over the blocks by
``suffstats_agg`` (a few KB per block instead of the block's rows), they give without a pass:

* linregr's whole fit (its aggregate state is the prefix of this layout);
* the first IRLS iteration of logistic regression, at w = 0: loss n log 2, gradient
  Xᵀ(½ − y), Hessian XᵀX / 4 (``logistic_at_zero``), with the label check;
* PCA's covariance, when centring the raw sums costs few digits (plpython/pca.py ``from_stats``).

Layout (raw float64, the state of ``linregr.transition`` plus one count, then which columns vary):
    [n, d, XᵀX (d*d), Xᵀy (d), yᵀy, Σy, Σx (d), labels not in {0, 1}, first row x (d), varies (d)]
Unlabelled blocks (y NULL) have Xᵀy, yᵀy, Σy and the count 0. States add; ``varies`` (1.0 where a
column holds two different values) combines by max, and is set where two states' first rows
differ (``merge``). It tells a constant column exactly, which its sums cannot: PCA gives it zero
variance and its exact value as mean. Copies packed before it have the layout without the tail
(``base_size``): a sum with such a block drops the tail, and PCA takes its pass.

Blocks of more than MAX_FEATURES features store none: their d x d products would cost packing a
Hessian pass's arithmetic and their fits take their passes.

Raw sums, not centred ones: centring each block (what the PCA pass does, so large means do not
cost digits) doubled the per-block cost at packing (~50 µs -> ~100+ µs per 1,000 x 20 block).
"""
import numpy as np

from . import blocks, linregr


# The statistics of a block hold d x d products: computing them costs a block's n x d x d operations
# and storing them d x d values, against the block's own n x d. Measured per 2,000-row block (server
# numpy, median): 0.16 ms at 20 features (4 KB), 1.5 ms at 128 (133 KB), 5.0 ms at 256 (528 KB, an
# eighth of the block's 4.1 MB) - at most ~20% of the block's packing. Wider blocks store none (their
# fits take their passes, as for a block without them): at 1,000 features they would cost 8 MB a block.
MAX_FEATURES = 256


def base_size(d):
    """Length without the tail (first row, varies): the layout copies packed by earlier versions store."""
    return linregr.state_size(d) + 1


def size(d):
    return base_size(d) + 2 * d


def varying(X):
    """True for each column of X holding two different values (exact). A column whose first and last
    values differ varies; only the others are compared row by row, column-wise (the common block has
    just its constant columns left): ~17 µs per 2,000 x 21 block with one constant column, where a
    column-wise min and max cost ~45 µs plus a column-major copy."""
    first = X[0]
    out = first != X[-1]
    left = np.flatnonzero(~out)
    if left.size:
        out[left] = (X.T[left] != first[left, None]).any(axis=1)
    return out


def of_block(x_raw, y_raw, n):
    """The statistics of one packed block (raw float64 rows, labels or None) -> float64 array."""
    X = blocks.matrix(x_raw, n)
    d = X.shape[1]
    base = base_size(d)
    out = np.zeros(size(d))
    if y_raw is None:
        out[0], out[1] = n, d
        np.matmul(X.T, X, out=out[2:2 + d * d].reshape(d, d))
        out[2 + d * d + d + 2:2 + d * d + 2 * d + 2] = X.sum(axis=0)
    else:
        out[:base - 1] = blocks.from_bytes(linregr.transition(None, x_raw, y_raw, n))
        y = blocks.vector(y_raw)
        out[base - 1] = np.count_nonzero(y * (1.0 - y))   # zero exactly for y in {0, 1} (as optimizers.label_errors)
    out[base:base + d] = X[0]
    out[base + d:] = varying(X)
    return out


def clean_block(x_raw, y_raw, n):
    """f8_clean: a block without its rows holding NaN or +-Infinity, and the statistics of the rows kept.

    -> (x, y, n, dropped, stats): x, y, n and dropped are None when every row is finite (the caller
    keeps the block it has); stats None for a block wider than MAX_FEATURES. The statistics come
    first: a finite Σx² of every column (and Σy²) means every value is finite, so the common block
    needs no separate finiteness check."""
    if x_raw is None or not n:
        return None, None, None, None, None
    if (len(x_raw) // 8) // n > MAX_FEATURES:   # too wide to be worth its statistics (MAX_FEATURES)
        cleaned = blocks.clean(x_raw, y_raw, n)
        return (None,) * 5 if cleaned is None else (*cleaned, None)
    st = of_block(x_raw, y_raw, n)
    d = int(st[1])
    o = 2 + d * d
    if np.isfinite(st[2:o:d + 1]).all() and (y_raw is None or np.isfinite(st[o + d])):
        return None, None, None, None, blocks.to_bytes(st)
    cleaned = blocks.clean(x_raw, y_raw, n)
    if cleaned is None:   # finite values whose squares overflow: nothing to drop
        return None, None, None, None, blocks.to_bytes(st)
    x_out, y_out, kept, dropped = cleaned
    if not kept:
        return x_out, y_out, kept, dropped, None
    return x_out, y_out, kept, dropped, blocks.to_bytes(of_block(x_out, y_out, kept))


# --------------------------------------------------------------------------- the aggregate

def merge(a, b):
    """suffstats_agg's transition (a block's statistics, NULL for a block with no usable rows) and combine
    function: one addition per call - it runs once per block, so it copies nothing it need not."""
    if b is None:
        return a
    if a is None:
        return b
    sa, sb = np.frombuffer(a, dtype="<f8"), np.frombuffer(b, dtype="<f8")
    d = int(sa[1])
    base = base_size(d)
    if sa.size != sb.size:
        if int(sb[1]) != d:
            raise ValueError(f"blocks have {d} and {int(sb[1])} features: ragged feature arrays")
        sa, sb = sa[:base], sb[:base]     # one side packed without the tail: the sum has none
    out = sa + sb
    out[1] = d
    if out.size > base:
        out[base:base + d] = sa[base:base + d]
        out[base + d:] = np.maximum(np.maximum(sa[base + d:], sb[base + d:]),
                                    sa[base:base + d] != sb[base:base + d])
    return out.tobytes()


transition = merge


# --------------------------------------------------------------------------- what the sums give

def unpack(s):
    """A summed state -> dict(n, d, XtX, Xty, yty, sum_y, sum_x, not01, first_x, varies (bool)); the
    last two are None in the layout without them."""
    s = np.asarray(s, dtype=float)
    base = base_size(int(s[1]))
    n, d, XtX, Xty, yty, sum_y, sum_x = linregr.unpack_state(s[:base - 1])
    tail = s.size > base
    return {"n": n, "d": d, "XtX": XtX, "Xty": Xty, "yty": float(yty), "sum_y": float(sum_y), "sum_x": sum_x,
            "not01": float(s[base - 1]), "first_x": s[base:base + d] if tail else None,
            "varies": s[base + d:base + 2 * d] != 0 if tail else None}


def linregr_state(s):
    """linregr's aggregate state (its transition summed over every block) from the summed statistics."""
    s = np.asarray(s, dtype=float)
    return blocks.to_bytes(s[:base_size(int(s[1])) - 1])


def design(s, add_intercept):
    """(n, XᵀX, Xᵀy, Σx) of the design matrix the GLM kernel builds: the packed features, then a
    column of ones with ``add_intercept`` (glm_pass's ``_design``), whose rows come from n, Σx and Σy."""
    u = unpack(s)
    n, XtX, Xty, sum_x = u["n"], u["XtX"], u["Xty"], u["sum_x"]
    if add_intercept:
        d = XtX.shape[0]
        G = np.empty((d + 1, d + 1))
        G[:d, :d] = XtX
        G[:d, d] = G[d, :d] = sum_x
        G[d, d] = n
        XtX, Xty, sum_x = G, np.append(Xty, u["sum_y"]), np.append(sum_x, n)
    return n, XtX, Xty, sum_x


def logistic_at_zero(s, add_intercept):
    """What glm_pass's Hessian pass of the logistic family returns at w = 0 (optimizers.unpack_state's
    dict, without its mode): every row has margin 0, loss log 2, residual ½ − y and weight ¼."""
    u = unpack(s)
    n, XtX, Xty, sum_x = design(s, add_intercept)
    out = {"rows": float(n), "bad": u["not01"], "loss": float(n * np.log(2.0))}
    out["grad"] = 0.5 * sum_x - Xty
    out["hess"] = (XtX + XtX.T) * 0.125
    return out
