"""Principal component analysis from a one-pass covariance aggregate.

The state is (n, mean, M2) with M2 = Σ (x - mean)(x - mean)ᵀ. Each block is
centred on its own mean and merged with Chan, Golub and LeVeque's update
(M2 = M2a + M2b + δδᵀ·na·nb/n), so the result does not lose digits to
cancellation when features have large means, and partial states from parallel
workers merge exactly like blocks do.

The components are the eigenvectors of the covariance matrix M2 / (n - 1)
(``center``) or of the second-moment matrix XᵀX / (n - 1) (no centring),
optionally of the standardized features (``scale``: divided by the population
standard deviation, as scikit-learn's StandardScaler does; constant features
keep scale 1). Signs are fixed so that the largest-magnitude entry of every
component is positive.

The sufficient statistics stored at packing (plpython/suffstats.py) give the same state without a
pass when centring their raw sums costs few digits (``from_stats``); the pass otherwise.
"""
import numpy as np

from . import blocks

# state: [d, n, mean (d), M2 (d*d)]


def _size(d):
    return 2 + d + d * d


def _unpack(s):
    d = int(s[0])
    return d, s[1], s[2:2 + d], s[2 + d:2 + d + d * d].reshape(d, d)


def _combine(na, ma, Ma, nb, mb, Mb):
    n = na + nb
    delta = mb - ma
    mean = ma + delta * (nb / n)
    M2 = Ma + Mb + np.outer(delta, delta) * (na * nb / n)
    return n, mean, M2


def transition(state, x_raw, n):
    if x_raw is None or not n:
        return state
    X = blocks.matrix(x_raw, n)
    d = X.shape[1]
    mb = X.mean(axis=0)
    Xc = X - mb
    Mb = Xc.T @ Xc
    if state is None:
        s = np.empty(_size(d))
        s[0], s[1] = d, n
        s[2:2 + d] = mb
        s[2 + d:] = Mb.ravel()
        return blocks.to_bytes(s)
    s = blocks.from_bytes(state)
    if int(s[0]) != d:
        raise ValueError(f"blocks have {int(s[0])} and {d} features: ragged feature arrays")
    _, na, ma, Ma = _unpack(s)
    n_, mean, M2 = _combine(na, ma, Ma, float(n), mb, Mb)
    s[1] = n_
    s[2:2 + d] = mean
    s[2 + d:] = M2.ravel()
    return blocks.to_bytes(s)


# digits centring raw sums may cost: a column's Σx² / M2 (1 + mean² / variance). At 1e6 the covariance
# keeps ~10 significant digits, what the pass keeps for means of 1e6 (tests/test_pca.py); past it, the pass
MAX_CANCELLATION = 1e6


def from_stats(n, XtX, sum_x, first_x, varies):
    """The covariance state (what the pass gives) from a group's summed block statistics
    (plpython/suffstats.py), or None when centring the raw sums would cost more than
    MAX_CANCELLATION: then the caller takes the pass, which centres block by block.

    M2 = XᵀX - n·mean·meanᵀ. A column that does not vary (``varies``, exact) has its one value as mean and
    its row and column of M2 exactly 0 (as in the pass); from the sums alone it would be the difference
    of two large equal numbers."""
    if varies is None or n < 1:
        return None
    d = XtX.shape[0]
    mean = sum_x / n
    M2 = XtX - np.outer(sum_x, mean)
    const = ~varies
    mean[const] = first_x[const]
    M2[const, :] = 0.0
    M2[:, const] = 0.0
    diag, raw = np.diag(M2)[varies], np.diag(XtX)[varies]
    if (diag <= 0).any() or (raw > MAX_CANCELLATION * diag).any():
        return None
    s = np.empty(_size(d))
    s[0], s[1] = d, n
    s[2:2 + d] = mean
    s[2 + d:] = ((M2 + M2.T) * 0.5).ravel()
    return s


def merge(a, b):
    return blocks.merge_states(a, b, _merge_arrays)


def _merge_arrays(sa, sb):
    if sa[0] != sb[0]:
        raise ValueError(f"partial states have {int(sa[0])} and {int(sb[0])} features")
    d, na, ma, Ma = _unpack(sa)
    _, nb, mb, Mb = _unpack(sb)
    n, mean, M2 = _combine(na, ma, Ma, nb, mb, Mb)
    sa[1] = n
    sa[2:2 + d] = mean
    sa[2 + d:] = M2.ravel()
    return sa


def solve(state, k, center=True, scale=False):
    """Final state -> dict(components (k x d), explained_variance, explained_variance_ratio,
    singular_values, mean, scale, n, total_variance, all_variances)."""
    s = np.asarray(state, dtype=float)
    d, n, mean, M2 = _unpack(s)
    if n < 2:
        raise ValueError(f"PCA needs at least 2 rows, got {int(n)}")
    if center:
        S = M2 / (n - 1)
        shift = mean.copy()
    else:
        S = (M2 + n * np.outer(mean, mean)) / (n - 1)
        shift = np.zeros(d)
    if scale:
        std = np.sqrt(np.clip(np.diag(M2) / n, 0, None)) if center else \
            np.sqrt(np.clip(np.diag(M2 + n * np.outer(mean, mean)) / n, 0, None))
        std[std == 0] = 1.0
        S = S / np.outer(std, std)
    else:
        std = np.ones(d)
    S = (S + S.T) / 2.0
    w, V = np.linalg.eigh(S)
    order = np.argsort(-w, kind="stable")
    w = np.clip(w[order], 0, None)
    V = V[:, order].T
    # sign: the largest-magnitude entry of each component is positive
    idx = np.abs(V).argmax(axis=1)
    signs = np.sign(V[np.arange(d), idx])
    signs[signs == 0] = 1.0
    V = V * signs[:, None]
    total = float(np.trace(S))
    ratio = w / total if total > 0 else np.zeros(d)
    return {
        "components": V[:k],
        "explained_variance": w[:k],
        "explained_variance_ratio": ratio[:k],
        "singular_values": np.sqrt(w[:k] * (n - 1)),
        "mean": shift,
        "scale": std,
        "n": int(n),
        "total_variance": total,
        "all_variances": w,
    }


def project(components, mean, scale, x):
    C = np.asarray(components, dtype=float)
    x = np.asarray(x, dtype=float)
    return C.reshape(-1, x.size) @ ((x - np.asarray(mean, dtype=float)) / np.asarray(scale, dtype=float))
