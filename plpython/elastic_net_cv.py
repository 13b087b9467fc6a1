"""MADlib's cross-validation for elastic_net_train (optimizer_params n_folds, validation_result,
lambda_value, alpha, n_lambdas).

With n_folds > 1 the grid is lambda_value x alpha: lambda_value as listed, or else n_lambdas
(default 15) values log-spaced from 1e5 down to the lambda_value argument (MADlib's warm-up
sequence; with lambda 0: down to 100, then 0); alpha as listed, or else the alpha argument. Each
combination is scored by k-fold validation over the packed blocks (madlib_cv: minus the
RMSE for gaussian, accuracy for binomial); the best is refitted on all the data by the caller.
"""
import math
import re

from . import madlib_cv


def _list(plpy, fname, key, text):
    try:
        return [float(v) for v in text.strip().strip("{}[]").split(",") if v.strip()]
    except ValueError:
        plpy.error(f"{fname}: optimizer_params {key}={text!r} must be a number or a list of numbers")


def lambda_sequence(lam, n):
    """MADlib's _generate_warmup_lambda_sequence: n values from 1e5 down to lam (log-spaced)."""
    if n == 1:
        return [lam]
    largest, zero = 1e5, abs(lam) < 1e-6
    smallest = 0.001 * largest if zero else lam
    if zero:
        n -= 1
    smallest, largest = min(smallest, largest), max(smallest, largest)
    step = math.log(smallest / largest) / (float(n) - 1) if n > 1 else 0.0
    seq = [math.exp(j * step + math.log(largest)) for j in range(n)]
    return seq + [0.0] if zero else seq


def take(plpy, fname, text, alpha, lam):
    """-> ({'grids': {name: [values]}, 'n_folds', 'validation_result'}, the rest of the optimizer_params)."""
    out = {"grids": {}, "n_folds": 1, "validation_result": None}
    if text is None:
        return out, text
    rest = str(text).strip()
    if rest.startswith("{") and rest.endswith("}") and "=" in rest and rest.count("{") == 1:
        rest = rest[1:-1]
    found = {}
    pat = (r"(?i)\b(lambda_value|alpha|n_folds|n_lambdas|validation_result|warmup_lambdas)\s*=\s*"
           r"(\{[^}]*\}|\[[^\]]*\]|[^,]*)")
    for m in re.finditer(pat, rest):
        found[m.group(1).lower()] = m.group(2).strip()
    rest = re.sub(pat, "", rest)
    if "warmup_lambdas" in found:       # a step-size setting (the warm-up path), not the minimiser
        rest += ", warmup_lambdas=0"
    rest = re.sub(r"(,\s*)+", ", ", rest).strip().strip(",").strip()
    try:
        n_folds = int(float(found.get("n_folds", "1")))
        n_lambdas = int(float(found.get("n_lambdas", "15")))
    except ValueError:
        plpy.error(f"{fname}: optimizer_params n_folds and n_lambdas must be whole numbers")
    lambdas = _list(plpy, fname, "lambda_value", found["lambda_value"]) if "lambda_value" in found else None
    alphas = _list(plpy, fname, "alpha", found["alpha"]) if "alpha" in found else [alpha]
    out["n_folds"], out["validation_result"] = n_folds, (found.get("validation_result") or "").strip("'\"") or None
    if n_folds <= 1:
        if len(alphas) > 1 or (lambdas and len(lambdas) > 1):
            plpy.error(f"{fname}: lambda_value and alpha must be single values when n_folds is 0 or 1")
        return out, rest or None
    if lambdas is None:
        lambdas = lambda_sequence(lam, n_lambdas) if n_lambdas else [lam]
    if any(not 0 <= a <= 1 for a in alphas) or any(not v >= 0 for v in lambdas):
        plpy.error(f"{fname}: cross-validation alpha values must be in [0, 1] and lambda values >= 0")
    grids = {k: v for k, v in (("lambda_value", lambdas), ("alpha", alphas)) if len(v) > 1}
    if not grids:
        plpy.warning(f"{fname}: n_folds > 1 but no list of lambda_value / alpha values; cross-validation skipped")
    out["grids"] = grids
    out["single"] = {"lambda_value": lambdas[0], "alpha": alphas[0]}
    return out, rest or None


def validate(plpy, schema, fname, prep, family, params, fit):
    """-> (the best {'lambda_value', 'alpha'}, [(combination, mean, std)]).
    fit(prep, groups, alpha, lambda) -> (driver, results); its one group's coef + intercept is scored."""
    import itertools
    grids = params["grids"]
    keys = list(grids)
    combos = [dict(zip(keys, vals)) for vals in itertools.product(*(grids[key] for key in keys))]

    def fit_combo(fold_prep, groups, combo):
        full = dict(params["single"], **combo)
        return fit(fold_prep, groups, full["alpha"], full["lambda_value"])[0]

    chosen, rows = madlib_cv.grid_search(plpy, schema, fname, prep, params["n_folds"], combos, fit_combo,
                                         family == "gaussian")
    return dict(params["single"], **chosen), rows
