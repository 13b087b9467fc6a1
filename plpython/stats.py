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


def gammaincc(a, x):
    """Regularised upper incomplete gamma Q(a, x): series below a + 1, continued fraction above."""
    if x <= 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        ap = a
        for _ in range(100000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return max(0.0, 1.0 - math.exp(log_front) * total)
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, 100000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = d if abs(d) > _TINY else _TINY
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(log_front) * h


def chi2_sf(x, df):
    """P(X > x) for a chi-squared variable with df degrees of freedom."""
    if math.isnan(x) or df <= 0:
        return float("nan")
    return gammaincc(df / 2.0, x / 2.0)


def f_sf(f, d1, d2):
    """P(F > f) for Fisher's F with (d1, d2) degrees of freedom."""
    if math.isnan(f) or d1 <= 0 or d2 <= 0:
        return float("nan")
    if f <= 0:
        return 1.0
    return betainc(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * f))


def normal_cdf(z):
    return 0.5 * math.erfc(-z / math.sqrt(2.0))
