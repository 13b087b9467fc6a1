"""Tail probabilities for t and normal statistics, without scipy.

The server's Python has numpy (Debian's python3-numpy) but not necessarily
scipy, so the p-values of regression output are computed here: the Student t
survival function through the regularised incomplete beta function, evaluated
by its continued fraction (modified Lentz), and the normal one through erfc.
"""
import math

_TINY = 1e-300
_EPS = 1e-16


def _betacf(a, b, x, max_iter=10000):
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, max_iter + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    return h


def betainc(a, b, x):
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def t_two_sided_p(t, df):
    """P(|T| > |t|) for Student's t with df degrees of freedom."""
    if math.isnan(t) or df <= 0:
        return float("nan")
    if math.isinf(t):
        return 0.0
    x = df / (df + t * t)
    # I_x(df/2, 1/2) is the two-sided tail; evaluate the side that keeps precision.
    if x < (df / 2 + 1.0) / (df / 2 + 0.5 + 2.0):
        log_front = (math.lgamma(df / 2 + 0.5) - math.lgamma(df / 2) - math.lgamma(0.5)
                     + (df / 2) * math.log(x) + 0.5 * math.log1p(-x))
        return math.exp(log_front) * _betacf(df / 2, 0.5, x) / (df / 2)
    return betainc(df / 2, 0.5, x)


def normal_two_sided_p(z):
    """P(|Z| > |z|) for a standard normal."""
    if math.isnan(z):
        return float("nan")
    return math.erfc(abs(z) / math.sqrt(2.0))
