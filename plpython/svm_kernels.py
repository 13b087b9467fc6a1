"""MADlib's random feature maps for kernel SVMs (kernel, no plpy).

The kernel SVM is a linear SVM on mapped features z(x), with z(x)·z(y) ≈ k(x, y):
* ``gaussian`` k = exp(-gamma |x - y|^2): random Fourier features (Rahimi & Recht),
  z(x) = sqrt(2/D) cos(x W + b), W ~ N(0, 2 gamma) (p x D), b ~ U(0, 2 pi);
* ``polynomial`` k = (x·y + coef0)^degree: random Maclaurin features (Kar & Karnick):
  component i draws N_i with P(N = k) = 2^-(k+1) (MADlib's floor(log2(1/u))) and N_i
  Rademacher vectors w_ij; z_i(x) = sqrt(1/D) sqrt(a_N 2^(N+1)) prod_j w_ij·x with the
  Maclaurin coefficients a_k = C(degree, k) coef0^(degree-k) (0 for N > degree).
With ``fit_intercept`` a constant 1 is appended. Defaults as MADlib: n_components = 2 p,
gamma = 1/p, degree 3, coef0 1, random_state 1, fit_intercept false.

A map is one float64 array (stored in the model's summary as bytea):
[kind, p, D, fit_intercept, ...]; gaussian: W (p*D), b (D); polynomial: reps (D),
coefs (D), then the sum(reps) x p Rademacher rows.
"""
import math

import numpy as np

GAUSSIAN, POLYNOMIAL = 1.0, 2.0
KERNELS = ("linear", "gaussian", "polynomial")


def kernel_name(text):
    """MADlib accepts any prefix of a kernel's name ('gau', 'po'); NULL is linear."""
    if text is None or not str(text).strip():
        return "linear"
    t = str(text).strip().lower()
    for k in KERNELS:
        if k.startswith(t):
            return k
    raise ValueError(f"kernel_func {text!r} is not one of {', '.join(KERNELS)} (or a prefix of one)")


def _bool(v):
    t = str(v).strip().lower()
    if t in ("true", "t", "1", "yes", "on"):
        return True
    if t in ("false", "f", "0", "no", "off"):
        return False
    raise ValueError(f"{v!r} is not a boolean")


_PARAMS = {"gaussian": {"gamma", "n_components", "random_state", "fit_intercept", "fit_in_memory"},
           "polynomial": {"degree", "coef0", "n_components", "random_state", "fit_intercept"}}


def parse_params(kind, text, p):
    """'gamma=1, n_components=20' -> dict with MADlib's defaults filled in; ValueError names the bad key."""
    out = {"n_components": 2 * p, "random_state": 1, "fit_intercept": False}
    out.update({"gamma": 1.0 / p} if kind == "gaussian" else {"degree": 3, "coef0": 1.0})
    for piece in (text or "").split(","):
        if not piece.strip():
            continue
        if "=" not in piece:
            raise ValueError(f"kernel_params entry {piece.strip()!r} must be name=value")
        k, v = (s.strip() for s in piece.split("=", 1))
        k = k.lower()
        if k not in _PARAMS[kind]:
            raise ValueError(f"kernel_params: unknown parameter {k!r} for the {kind} kernel "
                             f"(known: {', '.join(sorted(_PARAMS[kind]))})")
        try:
            if k in ("fit_intercept", "fit_in_memory"):
                out[k] = _bool(v)
            elif k in ("n_components", "random_state", "degree"):
                out[k] = int(float(v))
            else:
                out[k] = float(v)
        except ValueError:
            raise ValueError(f"kernel_params: {k}={v!r} is not a valid value") from None
    if out["n_components"] < 1:
        raise ValueError("kernel_params: n_components must be >= 1")
    if kind == "gaussian" and not out["gamma"] > 0:
        raise ValueError("kernel_params: gamma must be > 0")
    if kind == "polynomial" and out["degree"] < 1:
        raise ValueError("kernel_params: degree must be >= 1")
    out.pop("fit_in_memory", None)
    return out


def make_map(kind, p, params):
    """The random map as a float64 array (see the module docstring)."""
    D, rs = params["n_components"], np.random.RandomState(params["random_state"])
    head = [GAUSSIAN if kind == "gaussian" else POLYNOMIAL, p, D, 1.0 if params["fit_intercept"] else 0.0]
    if kind == "gaussian":
        W = rs.normal(0.0, math.sqrt(2.0 * params["gamma"]), (p, D))
        b = rs.uniform(0.0, 2.0 * math.pi, D)
        return np.concatenate([head, W.ravel(), b])
    degree, coef0 = params["degree"], params["coef0"]
    reps = np.floor(np.log2(1.0 / (1.0 - rs.random_sample(D)))).astype(int)   # u in (0, 1]
    a = np.array([math.comb(degree, k) * coef0 ** (degree - k) for k in range(degree + 1)])
    coefs = np.zeros(D)
    ok = reps <= degree
    coefs[ok] = np.sqrt(a[reps[ok]] * 2.0 ** (reps[ok] + 1))
    reps[~ok] = 0           # a zero coefficient: no projections needed
    R = rs.choice([-1.0, 1.0], size=(int(reps.sum()), p))
    return np.concatenate([head, reps.astype(float), coefs, R.ravel()])


def width(m):
    """Mapped feature count (n_components, plus the intercept)."""
    return int(m[2]) + int(m[3])


def apply(X, m):
    """(n, p) features -> (n, width) mapped features, vectorised over the rows."""
    X = np.asarray(X, dtype=float)
    kind, p, D, icpt = m[0], int(m[1]), int(m[2]), bool(m[3])
    if X.shape[1] != p:
        raise ValueError(f"the kernel map expects {p} features, got {X.shape[1]}")
    if kind == GAUSSIAN:
        W = m[4:4 + p * D].reshape(p, D)
        b = m[4 + p * D:4 + p * D + D]
        Z = math.sqrt(2.0 / D) * np.cos(X @ W + b)
    else:
        reps = m[4:4 + D].astype(int)
        coefs = m[4 + D:4 + 2 * D]
        R = m[4 + 2 * D:].reshape(-1, p)
        Z = np.ones((X.shape[0], D))
        if R.shape[0]:
            P = X @ R.T                                  # every projection w_ij·x
            nz = np.flatnonzero(reps > 0)
            starts = np.concatenate([[0], np.cumsum(reps[nz])[:-1]])
            Z[:, nz] = np.multiply.reduceat(P, starts, axis=1)
        Z *= coefs * math.sqrt(1.0 / D)
    if icpt:
        Z = np.hstack([Z, np.ones((X.shape[0], 1))])
    return Z


def map_block(x_raw, n, map_raw):
    """A packed block's features (raw float64 bytes, n rows) -> the mapped block's bytes."""
    m = np.frombuffer(map_raw, dtype="<f8")
    if n == 0:
        return b""
    X = np.frombuffer(x_raw, dtype="<f8").reshape(n, -1)
    return np.ascontiguousarray(apply(X, m), dtype="<f8").tobytes()


def map_row(x, map_raw):
    """One feature array -> its mapped features (prediction on a new table)."""
    m = np.frombuffer(map_raw, dtype="<f8")
    return apply(np.asarray(x, dtype=float).reshape(1, -1), m)[0].tolist()


def to_raw(m):
    return np.ascontiguousarray(m, dtype="<f8").tobytes()


def append_one(x_raw, n):
    """A block's features with a constant 1 column appended (one-class SVM with the linear kernel)."""
    if n == 0:
        return b""
    X = np.frombuffer(x_raw, dtype="<f8").reshape(n, -1)
    return np.ascontiguousarray(np.hstack([X, np.ones((n, 1))]), dtype="<f8").tobytes()


def decisions(feats, coef, map_raw):
    """A chunk of feature rows (a 2-D array) -> the decision values coef·z(x) (svm_predict of a kernel model)."""
    m = np.frombuffer(map_raw, dtype="<f8")
    X = np.asarray(feats, dtype=float)
    X = X.reshape(-1, int(m[1])) if X.size else np.zeros((0, int(m[1])))
    return (apply(X, m) @ np.asarray(coef, dtype=float)).tolist()
