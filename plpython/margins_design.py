"""Marginal effects of a logistic model whose features include interaction terms (MADlib's x_design).

x_design names each feature of independent_varname, in order: a basis variable (an identifier such
as ``2`` or ``age``) or a product of powers of basis variables (``2*2*3``, ``age^2``, ``1^2 * 2``).
Feature t is then f_t = Π_u b_u^E[t,u] with b_u the value of basis variable u (the feature where u
is defined). The average marginal effect of basis u is (1/n) Σ_i p_i(1-p_i) Σ_t β_t ∂f_t/∂b_u, and
its delta-method standard error uses the Jacobian over β (MADlib's margins_logregr_int):
    J[u, s] = (1/n) Σ_i p(1-p) ∂f_s/∂b_u + p(1-p)(1-2p) x_s Σ_t β_t ∂f_t/∂b_u.
One pass adds per group [n, d, M, XᵀAX (d×d), Σ p(1-p) g (M), Σ (...) (M×d)] for the M chosen
basis variables; the state is a flat float64 vector, so partial states add. Indicator terms
(``i.x``) are not supported.
"""
import re

import numpy as np

from . import blocks

_IDENT = re.compile(r'^(?:"[^"]*"|\w+)$')


def _split(text, sep):
    """Split on sep outside double quotes."""
    return [t.strip() for t in re.findall(rf'(?:[^{re.escape(sep)}"]|"[^"]*")+', text)]


def _ident(text):
    t = text.strip()
    if re.match(r"^(i|ir|ib)\.", t):
        raise ValueError(f"indicator term {t!r} is not supported; use 0/1 columns as plain variables")
    if not _IDENT.match(t):
        raise ValueError(f"{t!r} is not a variable identifier (quote names with other characters)")
    return t if t.startswith('"') else t.lower()


def parse(design):
    """x_design -> (basis identifiers, their 0-based feature positions, exponents E (terms × basis))."""
    terms = _split(str(design), ",")
    if not terms or any(not t for t in terms):
        raise ValueError(f"x_design {design!r} has an empty term")
    basis, pos, products = [], [], []
    for i, t in enumerate(terms):
        if re.search(r'[*^](?=(?:[^"]*"[^"]*")*[^"]*$)', t):
            products.append((i, t))
        else:
            name = _ident(t)
            if name in basis:
                raise ValueError(f"x_design names the variable {name!r} twice")
            basis.append(name)
            pos.append(i)
    E = np.zeros((len(terms), len(basis)))
    for i, p in enumerate(pos):
        E[p, i] = 1.0
    for i, t in products:
        for factor in _split(t, "*"):
            parts = _split(factor, "^")
            if len(parts) not in (1, 2):
                raise ValueError(f"interaction term {t!r}: {factor!r} is not name or name^power")
            name = _ident(parts[0])
            if name not in basis:
                raise ValueError(f"interaction term {t!r} uses {name!r}, which x_design does not define as a variable")
            if len(parts) == 2 and not re.fullmatch(r"[0-9]+", parts[1]):
                raise ValueError(f"interaction term {t!r}: the power {parts[1]!r} must be a non-negative integer")
            E[i, basis.index(name)] += int(parts[1]) if len(parts) == 2 else 1
    return basis, pos, E


def task(coef, pos, E, chosen):
    """The pass's constant: coef (d), basis positions (nb), E (d × nb), chosen basis indices (M)."""
    d, nb = E.shape
    return blocks.to_bytes(np.concatenate([[d, nb, len(chosen)], coef, pos, E.ravel(), chosen]))


def _parse_task(raw):
    t = blocks.from_bytes(bytes(raw))
    d, nb, m = int(t[0]), int(t[1]), int(t[2])
    o = 3
    coef = t[o:o + d]
    o += d
    pos = t[o:o + nb].astype(int)
    o += nb
    E = t[o:o + d * nb].reshape(d, nb)
    o += d * nb
    return coef, pos, E, t[o:o + m].astype(int)


def derivatives(X, pos, E, chosen):
    """∂f_t/∂b_u per row: n × d × M."""
    B = X[:, pos]                                      # n × nb basis values
    out = np.empty((X.shape[0], E.shape[0], len(chosen)))
    for j, u in enumerate(chosen):
        e = E.copy()
        coef = e[:, u].copy()
        e[:, u] = np.maximum(e[:, u] - 1.0, 0.0)
        prod = np.ones((X.shape[0], E.shape[0]))
        for v in range(E.shape[1]):
            prod *= np.power(B[:, [v]], e[None, :, v])
        out[:, :, j] = prod * coef[None, :]
    return out


def block_state(X, coef, pos, E, chosen):
    n, d = X.shape
    eta = X @ coef
    p = 1.0 / (1.0 + np.exp(-np.clip(eta, -700, 700)))
    w0, w1 = p * (1 - p), p * (1 - p) * (1 - 2 * p)
    D = derivatives(X, pos, E, chosen)                 # n × d × M
    g = np.einsum("ndm,d->nm", D, coef)                # n × M
    bread = (X * w0[:, None]).T @ X
    A = w0 @ g
    J = np.einsum("n,ndm->md", w0, D) + np.einsum("n,nm,nd->md", w1, g, X)
    return np.concatenate([[n, d, len(chosen)], bread.ravel(), A, J.ravel()])


def transition(state, x_raw, n, task_raw):
    if x_raw is None or not n:
        return state
    coef, pos, E, chosen = _parse_task(task_raw)
    st = block_state(blocks.matrix(x_raw, n), coef, pos, E, chosen)
    if state is None:
        return blocks.to_bytes(st)
    return blocks.to_bytes(blocks.add_shaped(blocks.from_bytes(state), st, 3))


def merge(a, b):
    return blocks.merge_states(a, b, lambda x, y: blocks.add_shaped(x, y, 3))


def margins(state):
    """-> (margins (M), covariance (M × M)) with V = (XᵀAX)⁻¹ at the coefficients."""
    from . import robust
    s = np.asarray(state, dtype=float)
    n, d, m = s[0], int(s[1]), int(s[2])
    bread = s[3:3 + d * d].reshape(d, d)
    A = s[3 + d * d:3 + d * d + m]
    J = s[3 + d * d + m:3 + d * d + m + m * d].reshape(m, d) / n
    return A / n, J @ robust.pinv(bread) @ J.T
