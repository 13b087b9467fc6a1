"""The glm_pass kernel of the GLM family: task encoding, per-family losses, transition and merge.

One parallel-safe aggregate (``glm_pass`` in sql/glm.sql) serves every model:
its constant ``task`` argument (raw float64 bytes, built by ``make_task``)
says which family, which pass mode and which model to evaluate, so the
transition reads a block, evaluates the family and adds into a flat float64
state that partial aggregates (parallel workers, partitions, shards) combine.

Families (per-row loss; labels as packed by prepare):

* ``logistic``  - y in {0, 1}:   log(1 + e^m) - y m
* ``poisson``   - y >= 0, log link: e^m - y m + lgamma(y + 1)
* ``gaussian``  - any y:        (m - y)^2 / 2
* ``sqhinge``   - two labels (params: positive, negative value, their class weights): c_t max(0, 1 - t m)^2, t = +-1
* ``hinge``     - as sqhinge:   max(0, 1 - t m) (sub-gradient; SGD only)
* ``softmax``   - y in {0..k-1}: logsumexp(m) - m_y, m = x W (W is d x k)
* ``epsilon``   - any y (params: epsilon): max(0, |m - y| - epsilon), SVM regression (SGD only)
* ``glm``       - any family and link of glm_families (params: family, link, what, psi):
  Fisher scoring on the quasi-log-likelihood

Pass modes: ``stats`` (column sums and sums of squares), ``grad`` (loss and
gradient), ``hess`` (loss, gradient and Hessian - IRLS/Newton), ``sgd`` (one
Bismarck epoch: mini-batch SGD over the blocks in the order they arrive,
model carried in the state, partial models averaged weighted by rows; plpython/glm_sgd.py).

Every state starts with the header [mode, rows, bad_labels, loss, weight]. Task flags: labels
already found usable (the kernel skips counting them), and a gradient pass that also sums the
columns (``with_stats``: a fit's first pass serves its standardisation too).
Everything here is pure numpy: no database access (it runs in parallel workers).
The step the drivers take from the summed states is in plpython/glm_solvers.py.
"""
import numpy as np

from . import blocks, glm_families, glm_logistic, glm_sgd

FAMILIES = {"logistic": 0, "poisson": 1, "gaussian": 2, "sqhinge": 3, "hinge": 4, "softmax": 5, "glm": 6,
            "epsilon": 7}
FAMILY_NAMES = {v: k for k, v in FAMILIES.items()}
MODES = {"stats": 0, "grad": 1, "hess": 2, "sgd": 3}
HEADER = 5
_TASK_FIXED = 9   # family, mode, d, k, add_intercept, n_params, has_transform, labels_known_good, with_stats


# --------------------------------------------------------------------------- tasks

def make_task(family, mode, d, k, w, params=(), add_intercept=False, transform=None, check_labels=True,
              with_stats=False):
    """The constant argument of glm_pass: what to compute, at which model.

    ``d`` is the number of packed features; with ``add_intercept`` the kernel
    appends a column of ones, so the model has (d + 1) * k coefficients.
    ``transform`` (SGD only): a (p x p) matrix T with model w = T v; the SGD
    epoch updates v (a better-conditioned parametrisation) and returns v.
    ``check_labels=False``: an earlier pass of the same fit over the same blocks found every label
    usable, so the kernel skips counting them (the bad-label count stays 0).
    ``with_stats`` (gradient passes): the state also sums the columns and their squares (what a
    ``stats`` pass gives), so a fit's first pass at w = 0 serves its standardisation too.
    """
    params = [float(p) for p in params]
    head = [FAMILIES[family], MODES[mode], d, k, 1.0 if add_intercept else 0.0, len(params),
            0.0 if transform is None else 1.0, 0.0 if check_labels else 1.0, 1.0 if with_stats else 0.0]
    parts = [np.asarray(head, dtype=float), np.asarray(params, dtype=float),
             np.asarray(w, dtype=float).ravel()]
    if transform is not None:
        parts.append(np.asarray(transform, dtype=float).ravel())
    return blocks.to_bytes(np.concatenate(parts))


_parsed = [None, None]   # the last task and its parse: a pass calls with the same task for every block


def parse_task(raw):
    if raw == _parsed[0]:
        return _parsed[1]
    raw = bytes(raw)
    out = _parse_task(raw)
    _parsed[:] = [raw, out]
    return out


def _parse_task(raw):
    t = np.frombuffer(raw, dtype="<f8")
    family, mode, d, k, ai, npar, has_t, known_good, with_stats = (int(v) for v in t[:_TASK_FIXED])
    o = _TASK_FIXED
    params = t[o:o + npar]
    o += npar
    dd = d + ai
    p = dd * k
    w = t[o:o + p]
    o += p
    T = t[o:o + dd * dd].reshape(dd, dd) if has_t else None
    check = mode != MODES["stats"] and not known_good
    # slots after a Hessian: Pearson's χ² when a glm task asks for it; after a gradient: column sums and squares
    extra = 1 if family == FAMILIES["glm"] and mode == MODES["hess"] and glm_families.with_pearson(params) else 0
    if with_stats and mode == MODES["grad"]:
        extra = 2 * dd
    return family, mode, d, k, bool(ai), params, w, T, check, extra, not w.any()


def state_payload(mode, dd, k, extra=0):
    """Length of the state after the header; ``extra``: slots after a Hessian (Pearson's χ² of glm) or
    after a gradient (column sums and squares)."""
    p = dd * k
    if mode == MODES["stats"]:
        return 2 * dd
    if mode == MODES["grad"]:
        return p + extra
    if mode == MODES["hess"]:
        return p + p * p + extra
    return 2 * p   # sgd: current model, iterate sum


# --------------------------------------------------------------------------- families

def label_errors(family, y, params, k):
    """Count of labels the family cannot use."""
    if family in (FAMILIES["logistic"],):
        return int(np.count_nonzero(y * (1.0 - y)))     # zero exactly for y in {0, 1}
    if family in (FAMILIES["sqhinge"], FAMILIES["hinge"]):
        return int(np.count_nonzero((y != params[0]) & (y != params[1])))
    if family == FAMILIES["poisson"]:
        return int(np.count_nonzero(y < 0))
    if family == FAMILIES["softmax"]:
        return int(np.count_nonzero((y != np.floor(y)) | (y < 0) | (y >= k)))
    if family == FAMILIES["glm"]:
        return glm_families.label_errors(int(params[0]), y)
    return 0


def evaluate(family, X, y, W, params, k, need_hess=False, need_loss=True, pearson=None):
    """Sum of losses, gradient (d x k for softmax, d otherwise) and optionally the Hessian
    (``pearson``: where glm adds Pearson's χ² when its task asks, see glm_families)."""
    if family == FAMILIES["softmax"]:
        M = X @ W.reshape(-1, k)
        mx = M.max(axis=1, keepdims=True)
        E = np.exp(M - mx)
        S = E.sum(axis=1, keepdims=True)
        P = E / S
        yi = y.astype(np.int64)
        rows = np.arange(len(yi))
        loss = float((np.log(S[:, 0]) + mx[:, 0] - M[rows, yi]).sum()) if need_loss else 0.0
        R = P.copy()
        R[rows, yi] -= 1.0
        G = X.T @ R
        H = None
        if need_hess:
            dd = X.shape[1]
            H = np.empty((dd, k, dd, k))
            for c in range(k):
                for c2 in range(c, k):
                    wt = (P[:, c] if c == c2 else 0.0) - P[:, c] * P[:, c2]
                    block = glm_logistic.weighted_gram(X, wt)
                    H[:, c, :, c2] = block
                    H[:, c2, :, c] = block
            H = H.reshape(dd * k, dd * k)
        return loss, G.ravel(), H
    if family == FAMILIES["glm"]:
        return glm_families.evaluate(X, y, W, params, need_hess, pearson)
    if family == FAMILIES["logistic"]:
        return glm_logistic.evaluate(X, y, W, need_hess, need_loss)
    H = None
    m = X @ W
    if family == FAMILIES["poisson"]:
        mu = np.exp(np.minimum(m, 700.0))
        loss = float((mu - y * m + glm_families.lgamma1p(y)).sum()) if need_loss else 0.0
        r = mu - y
        if need_hess:
            H = glm_logistic.weighted_gram(X, mu)
    elif family == FAMILIES["gaussian"]:
        r = m - y
        loss = 0.5 * float(r @ r)
        if need_hess:
            H = X.T @ X
    elif family == FAMILIES["epsilon"]:
        e = m - y
        over = np.abs(e) > params[0]
        loss = float((np.abs(e[over]) - params[0]).sum())
        r = np.where(over, np.sign(e), 0.0)
        if need_hess:
            H = np.zeros((X.shape[1], X.shape[1]))
    elif family in (FAMILIES["sqhinge"], FAMILIES["hinge"]):
        t = np.where(y == params[0], 1.0, -1.0)
        cw = np.where(t > 0, params[2], params[3])      # class weights (MADlib's class_weight)
        z = 1.0 - t * m
        act = z > 0
        if family == FAMILIES["sqhinge"]:
            za = np.where(act, z, 0.0)
            loss = float((cw * za) @ za)
            r = -2.0 * t * za * cw
            if need_hess:
                Xa = X[act]
                H = 2.0 * ((Xa * cw[act][:, None]).T @ Xa)
        else:
            loss = float((cw * z)[act].sum())
            r = np.where(act, -t * cw, 0.0)
            if need_hess:
                H = np.zeros((X.shape[1], X.shape[1]))
    else:
        raise ValueError(f"unknown family code {family}")
    return loss, X.T @ r, H


# --------------------------------------------------------------------------- aggregate

def _design(x_raw, n, add_intercept):
    """The block's rows, with a column of ones appended (into a work array) when the model has an intercept."""
    X = blocks.matrix(x_raw, n)
    if add_intercept:
        Xi = glm_logistic.buffer("design", n, X.shape[1] + 1)
        Xi[:, :-1] = X
        Xi[:, -1] = 1.0
        X = Xi
    return X


def transition(state, x_raw, y_raw, n, shuffle_key, task):
    """Add one packed block to the state (raw float64 bytes or None)."""
    if x_raw is None or not n:
        return state
    family, mode, d, k, ai, params, w, T, check, extra, zero = parse_task(task)
    X = _design(x_raw, n, ai)
    if X.shape[1] != d + ai:
        raise ValueError(f"the packed block has {X.shape[1] - ai} features, the model expects {d}")
    y = blocks.vector(y_raw) if y_raw is not None else np.zeros(n)
    dd = d + ai
    p = dd * k
    if state is None:
        acc = np.zeros(HEADER + state_payload(mode, dd, k, extra))
        acc[0] = mode
        if mode == MODES["sgd"]:
            acc[HEADER:HEADER + p] = w
    else:
        acc = blocks.from_bytes(state)
    bad = label_errors(family, y, params, k) if check else 0
    acc[1] += n
    acc[2] += bad
    if bad:
        # the driver reports the values found; skip the math on unusable labels
        return blocks.to_bytes(acc)
    if mode == MODES["stats"]:
        acc[HEADER:HEADER + dd] += X.sum(axis=0)
        acc[HEADER + dd:HEADER + 2 * dd] += np.einsum("ij,ij->j", X, X)
    elif family == FAMILIES["logistic"] and (mode == MODES["hess"] or (mode == MODES["grad"] and not extra)):
        glm_logistic.add_block(acc, HEADER, X, y, w, zero, mode == MODES["hess"])   # the hot path, in place
    elif mode == MODES["grad"]:
        loss, g, _ = evaluate(family, X, y, w, params, k)
        acc[3] += loss
        acc[HEADER:HEADER + p] += g
        if extra:
            acc[HEADER + p:HEADER + p + dd] += X.sum(axis=0)
            acc[HEADER + p + dd:] += np.einsum("ij,ij->j", X, X)
    elif mode == MODES["hess"]:
        loss, g, H = evaluate(family, X, y, w, params, k, need_hess=True, pearson=acc[-1:] if extra else None)
        acc[3] += loss
        acc[HEADER:HEADER + p] += g
        acc[HEADER + p:HEADER + p + p * p] += H.ravel()
    else:
        # the family's own params come first (class labels and weights, epsilon), then SGD's
        fam_np = {FAMILIES["sqhinge"]: 4, FAMILIES["hinge"]: 4, FAMILIES["epsilon"]: 1}.get(family, 0)
        acc[3] += glm_sgd.epoch_block(acc[HEADER:], p, X, y, params, fam_np, k, T, shuffle_key,
                                      lambda Xb, yb, w, fp: evaluate(family, Xb, yb, w, fp, k))
    acc[4] = acc[1]
    return blocks.to_bytes(acc)


def merge(a, b):
    """Combine two partial states: sums, or for SGD the row-weighted average of the models."""
    if a is None:
        return b
    if b is None:
        return a
    sa, sb = blocks.from_bytes(a), blocks.from_bytes(b)
    if sa.size != sb.size or sa[0] != sb[0]:
        raise ValueError("glm_pass: partial states of different shapes cannot be combined")
    if int(sa[0]) == MODES["sgd"]:
        ra, rb = sa[1], sb[1]
        p = (sa.size - HEADER) // 2
        tot = ra + rb
        if tot > 0:
            sa[HEADER:HEADER + p] = (ra * sa[HEADER:HEADER + p] + rb * sb[HEADER:HEADER + p]) / tot
        sa[HEADER + p:] += sb[HEADER + p:]
        sa[1:5] += sb[1:5]
        return blocks.to_bytes(sa)
    sa[1:] += sb[1:]
    return blocks.to_bytes(sa)


def unpack_state(raw, dd, k):
    """A final state -> dict(rows, bad, loss, payload parts)."""
    s = np.frombuffer(raw, dtype="<f8")
    mode = int(s[0])
    p = dd * k
    out = {"mode": mode, "rows": float(s[1]), "bad": float(s[2]), "loss": float(s[3])}
    body = s[HEADER:]
    if mode == MODES["stats"]:
        out["sum_x"], out["sum_x2"] = body[:dd].copy(), body[dd:2 * dd].copy()
    elif mode == MODES["grad"]:
        out["grad"] = body[:p].copy()
        if body.size >= p + 2 * dd:
            out["sum_x"], out["sum_x2"] = body[p:p + dd].copy(), body[p + dd:p + 2 * dd].copy()
    elif mode == MODES["hess"]:
        out["grad"] = body[:p].copy()
        if body.size > p + p * p:
            out["pearson"] = float(body[p + p * p])
        H = body[p:p + p * p].reshape(p, p)
        out["hess"] = (H + H.T) * 0.5      # partial sums of (diag(w) X)ᵀ X are symmetric only to rounding
    else:
        out["v"] = body[:p].copy()
        out["vsum"] = body[p:2 * p].copy()
    return out


def add_states(parts, dd, k):
    """Combine the per-partition states the driver receives (same rule as merge)."""
    acc = None
    for raw in parts:
        if raw is not None:
            acc = merge(acc, bytes(raw))
    return None if acc is None else unpack_state(acc, dd, k)
