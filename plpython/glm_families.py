"""Exponential families and link functions of ``indb_ml.glm`` (MADlib's set), for Fisher scoring.

Families: gaussian, binomial, poisson, gamma, inverse_gaussian; links: identity, log, logit,
probit, inverse, sqrt, sqr_inverse. With η = xβ, μ = h(η), V(μ) the variance function and
h' = dμ/dη, one IRLS (Fisher scoring) pass sums, per row:

* the objective  -(yθ(μ) - b(θ(μ)))   (the quasi-log-likelihood, free of the dispersion),
* its gradient   -x (y - μ) h'/V,
* the expected information  x xᵀ h'²/V,

so the driver's Newton step on these is the IRLS step whatever the link. The same pass
gives Pearson's χ² (dispersion = χ²/(n - p), as MADlib) and the family's log-likelihood at a
given dispersion ψ (MADlib's formulas, family.hpp). The start is MADlib's: μ₀ = init(y), then
one weighted least-squares fit of η₀ = g(μ₀). Pure numpy (the probit's Φ uses math.erfc per
element: numpy has no erfc).
"""
import math

import numpy as np

FAMILIES = {"gaussian": 0, "binomial": 1, "poisson": 2, "gamma": 3, "inverse_gaussian": 4}
LINKS = {"identity": 0, "log": 1, "logit": 2, "probit": 3, "inverse": 4, "sqrt": 5, "sqr_inverse": 6}
ALLOWED = {  # family -> (default link, links MADlib accepts)
    "gaussian": ("identity", ("identity", "log", "inverse")),
    "binomial": ("logit", ("logit", "probit")),
    "poisson": ("log", ("log", "identity", "sqrt")),
    "gamma": ("inverse", ("inverse", "identity", "log")),
    "inverse_gaussian": ("sqr_inverse", ("sqr_inverse", "inverse", "identity", "log")),
}
DISPERSION_ESTIMATED = ("gaussian", "gamma", "inverse_gaussian")
# what the pass returns in its 'loss' slot (FIT: minus the quasi-log-likelihood; FIT_LOGLIK and START:
# MADlib's log-likelihood, at the dispersion psi, with the same score and information; FIT_LOGLIK_PEARSON:
# FIT_LOGLIK, and Pearson's χ² at the same β in one more slot of the Hessian pass's state, so a family with
# an estimated dispersion needs no second pass per iteration)
FIT, PEARSON, LOGLIK, START, FIT_LOGLIK, FIT_LOGLIK_PEARSON = 0, 1, 2, 3, 4, 5


def with_pearson(params):
    """Does a task's params ask for Pearson's χ² in the state's extra slot?"""
    return len(params) > 2 and int(params[2]) == FIT_LOGLIK_PEARSON

_erfc = np.vectorize(math.erfc, otypes=[float])
_SQRT2 = math.sqrt(2.0)
_EPS = 1e-10


def mean(link, eta):
    """μ = h(η)."""
    if link == 0:
        return eta
    if link == 1:
        return np.exp(np.minimum(eta, 700.0))
    if link == 2:
        return np.exp(-np.logaddexp(0.0, -eta))
    if link == 3:
        return 0.5 * _erfc(-eta / _SQRT2)
    if link == 4:
        return 1.0 / eta
    if link == 5:
        return eta * eta
    if link == 6:
        return 1.0 / np.sqrt(eta)
    raise ValueError(f"unknown link code {link}")


def mean_derivative(link, eta, mu):
    """dμ/dη."""
    if link == 0:
        return np.ones_like(eta)
    if link == 1:
        return mu
    if link == 2:
        return mu * (1.0 - mu)
    if link == 3:
        return np.exp(-0.5 * eta * eta) / math.sqrt(2.0 * math.pi)
    if link == 4:
        return -mu * mu
    if link == 5:
        return 2.0 * eta
    if link == 6:
        return -0.5 * mu ** 3
    raise ValueError(f"unknown link code {link}")


def link_of(link, mu):
    """η = g(μ)."""
    if link == 0:
        return mu
    if link == 1:
        return np.log(mu)
    if link == 2:
        return np.log(mu / (1.0 - mu))
    if link == 3:
        return _probit(mu)
    if link == 4:
        return 1.0 / mu
    if link == 5:
        return np.sqrt(mu)
    if link == 6:
        return 1.0 / (mu * mu)
    raise ValueError(f"unknown link code {link}")


def _probit(p):
    """Φ⁻¹ by Newton on Φ (vectorised), from a logistic start."""
    x = np.log(p / (1.0 - p)) / 1.6
    for _ in range(50):
        step = (0.5 * _erfc(-x / _SQRT2) - p) / (np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi))
        x = x - step
        if np.all(np.abs(step) < 1e-14):
            break
    return x


def init_mean(link, y):
    """MADlib's starting μ for each link (link.hpp)."""
    if link == 0:
        return y + 0.1
    if link == 1:
        return np.maximum(y, 0.1)
    if link in (2, 3):
        return (y + 0.5) / 2.0
    if link in (4, 6):
        return np.where(y == 0, 0.1, y + 0.1)
    if link == 5:
        return np.maximum(y, 0.0)
    raise ValueError(f"unknown link code {link}")


def variance(family, mu):
    return (np.ones_like(mu), mu * (1.0 - mu), mu, mu * mu, mu ** 3)[family]


def valid_mean(family, mu):
    if not np.all(np.isfinite(mu)):
        return False
    if family == 1:
        return bool(np.all((mu > 0) & (mu < 1)))
    if family in (2, 3, 4):
        return bool(np.all(mu > 0))
    return True


def quasi_loglik(family, y, mu):
    """Σ (yθ - b(θ)), the dispersion-free part of the log-likelihood."""
    if family == 0:
        return float((y * mu - 0.5 * mu * mu).sum())
    if family == 1:
        return float((y * np.log(mu) + (1.0 - y) * np.log1p(-mu)).sum())
    if family == 2:
        return float((y * np.log(mu) - mu).sum())
    if family == 3:
        return float((-y / mu - np.log(mu)).sum())
    return float((-y / (2.0 * mu * mu) + 1.0 / mu).sum())


def loglik(family, y, mu, psi):
    """MADlib's per-family log-likelihood at dispersion psi (family.hpp), summed."""
    if family == 0:
        return float((-(y - mu) ** 2 / (2.0 * psi) - 0.5 * np.log(2.0 * math.pi * psi)).sum())
    if family == 1:
        return float((y * np.log(mu) + (1.0 - y) * np.log1p(-mu)).sum())
    if family == 2:
        return float((y * np.log(mu) - mu - lgamma1p(y)).sum())
    if family == 3:
        c = (1.0 / psi) * np.log(y / psi) - np.log(y) - math.lgamma(1.0 / psi)
        return float(((-y / mu - np.log(mu)) / psi + c).sum())
    c = -1.0 / (2.0 * y * psi) - 0.5 * np.log(2.0 * math.pi * y ** 3 * psi)
    return float(((y / (2.0 * mu * mu) - 1.0 / mu) / (-psi) + c).sum())


def lgamma1p(y):
    """lgamma(y + 1), y >= 0, vectorised (shift by 8, Stirling series): numpy has no lgamma, the server no scipy."""
    x = np.asarray(y, dtype=float) + 1.0
    z = x + 8.0
    shift = np.log(x * (x + 1) * (x + 2) * (x + 3)) + np.log((x + 4) * (x + 5) * (x + 6) * (x + 7))
    zi = 1.0 / z
    zi2 = zi * zi
    series = zi * (1.0 / 12 - zi2 * (1.0 / 360 - zi2 * (1.0 / 1260 - zi2 * (1.0 / 1680 - zi2 / 1188))))
    return (z - 0.5) * np.log(z) - z + 0.5 * math.log(2.0 * math.pi) + series - shift


def label_errors(family, y):
    """Rows whose label the family cannot model."""
    if family == 1:
        return int(np.count_nonzero((y != 0) & (y != 1)))
    if family == 2:
        return int(np.count_nonzero(y < 0))
    if family in (3, 4):
        return int(np.count_nonzero(y <= 0))
    return 0


def evaluate(X, y, w, params, need_hess, pearson=None):
    """(loss, gradient, information) of one block; params [family, link, what, psi]. With
    FIT_LOGLIK_PEARSON, Pearson's χ² of the block is added into ``pearson`` (a one-element array)."""
    family, link = int(params[0]), int(params[1])
    what = int(params[2]) if len(params) > 2 else FIT
    psi = float(params[3]) if len(params) > 3 else 1.0
    d = X.shape[1]
    if what == START:
        mu = init_mean(link, y)
        eta = link_of(link, mu)
    else:
        eta = X @ w
        mu = mean(link, eta)
    if family == 1:
        mu = np.clip(mu, _EPS, 1.0 - _EPS) if what == START else mu
    if not valid_mean(family, mu):
        # outside the family's domain (e.g. a negative mean): an infinite loss makes the driver halve the step
        if what == FIT_LOGLIK_PEARSON:
            pearson += float("inf")
        return float("inf"), np.zeros(d), (np.zeros((d, d)) if need_hess else None)
    h1 = mean_derivative(link, eta, mu)
    V = variance(family, mu)
    wt = h1 * h1 / V
    if what == PEARSON:
        return float(((y - mu) ** 2 / V).sum()), np.zeros(d), (np.zeros((d, d)) if need_hess else None)
    if what == FIT_LOGLIK_PEARSON:
        pearson += float(((y - mu) ** 2 / V).sum())
        what = FIT_LOGLIK
    if what == LOGLIK:
        return loglik(family, y, mu, psi), np.zeros(d), (np.zeros((d, d)) if need_hess else None)
    H = (X * wt[:, None]).T @ X if need_hess else None
    if what == START:
        # the gradient whose Newton step from 0 is the weighted least-squares fit of η₀; the loss slot
        # holds MADlib's log-likelihood at μ₀ (dispersion 1), which its convergence test compares
        return loglik(family, y, mu, 1.0), -(X.T @ (wt * eta)), H
    if what == FIT_LOGLIK:
        return loglik(family, y, mu, psi), -(X.T @ ((y - mu) * h1 / V)), H
    return -quasi_loglik(family, y, mu), -(X.T @ ((y - mu) * h1 / V)), H
