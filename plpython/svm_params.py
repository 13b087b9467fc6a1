"""SVM parameter text (MADlib's): class_weight, cross-validation grids, and the optimizer settings.

MADlib writes a grid as ``lambda=[0.01, 0.1]`` and a class weight as ``{a: 1, b: 2}``; both hold
commas, so they are taken out of the text before the plain ``name=value`` list is parsed.
"""
import itertools
import re

from . import glm, glm_driver

GRID_KEYS = ("lambda", "epsilon", "init_stepsize", "max_iter", "decay_factor")


def take_cv(plpy, fname, params):
    """-> (params text with each grid replaced by a placeholder, {key: [values]}, n_folds, validation_result)."""
    text = params or ""
    grids = {}

    def grid(m):
        key = m.group(1).strip().lower()
        if key not in GRID_KEYS:
            plpy.error(f"{fname}: {key} takes one value; a list [..] is allowed for {', '.join(GRID_KEYS)}")
        try:
            vals = [float(v.strip().strip("{}")) for v in m.group(2).split(",") if v.strip()]
        except ValueError:
            plpy.error(f"{fname}: {key}={m.group(0)!r}: the list must hold numbers")
        if not vals:
            plpy.error(f"{fname}: {key} has an empty list")
        grids[key] = vals
        return ""
    text = re.sub(r"([A-Za-z_]+)\s*=\s*\[([^\]]*)\]", grid, text)
    n_folds, val_res = 0, None
    m = re.search(r"n_folds\s*=\s*([^,]*)", text)
    if m:
        try:
            n_folds = int(float(m.group(1).strip().strip("{}")))
        except ValueError:
            plpy.error(f"{fname}: n_folds={m.group(1).strip()!r} is not a whole number")
        text = text[:m.start()] + text[m.end():]
    m = re.search(r"validation_result\s*=\s*([^,]*)", text)
    if m:
        val_res = m.group(1).strip().strip("'\"") or None
        text = text[:m.start()] + text[m.end():]
    text = re.sub(r"(,\s*)+", ", ", text).strip().strip(",").strip()
    single = {k: v[0] for k, v in grids.items() if len(v) == 1}
    grids = {k: v for k, v in grids.items() if len(v) > 1}
    for k, v in single.items():
        text = (text + f", {k}={v!r}").strip(", ")
    if grids and n_folds <= 1:
        plpy.error(f"{fname}: all parameters must be scalar or lists of length 1 when n_folds is 0 or 1 "
                   f"(lists given for {', '.join(grids)})")
    if n_folds > 1 and not grids:
        plpy.warning(f"{fname}: n_folds > 1 but no list of values to validate; cross-validation skipped")
    return text, grids, n_folds, val_res


def combos(grids):
    """Every combination of the grid values, in MADlib's order (the last key varies fastest)."""
    keys = list(grids)
    return [dict(zip(keys, vals)) for vals in itertools.product(*(grids[k] for k in keys))]


def with_values(text, values):
    """The params text with a combination's values appended."""
    extra = ", ".join(f"{k}={v!r}" for k, v in values.items())
    return ", ".join(t for t in (text, extra) if t)


def _number(text):
    return float(str(text).strip().strip("{}"))


def settings(plpy, fname, params, kind):
    """The optimizer settings of one fit: loss, optimizer, lambda, epsilon, step schedule, class_weight spec."""
    num = _number
    params, class_weight = take_class_weight(params)
    p = glm.parse_params(plpy, fname, params, {
        "lambda": num, "max_iter": num, "tolerance": num, "optimizer": glm._text, "loss": glm._text,
        "learning_rate": num, "decay": num, "decay_factor": num, "batch_size": num, "init_stepsize": num,
        "norm": glm._text, "epsilon": num, "standardize": glm._bool})
    if "decay_factor" in p:
        p.setdefault("decay", p.pop("decay_factor"))
    for key in ("max_iter", "batch_size"):
        if key in p:
            p[key] = int(p[key])
    norm = p.get("norm", "l2")
    if norm not in ("l1", "l2"):
        plpy.error(f"{fname}: norm={p['norm']} is not one of L1, L2")
    lam, eps = p.get("lambda", 0.01), p.get("epsilon", 0.01)
    if not lam >= 0 or not eps >= 0:
        plpy.error(f"{fname}: lambda and epsilon must be >= 0")
    if kind == "regression":
        max_iter, tol = int(p.get("max_iter", 100)), p.get("tolerance", 1e-10)
        glm_driver.check_common(plpy, fname, max_iter, tol)
        return {"loss": "epsilon", "optimizer": "sgd", "norm": norm, "lambda": lam, "epsilon": eps,
                "max_iter": max_iter, "tolerance": tol, "lr": p.get("learning_rate", p.get("init_stepsize", 0.01)),
                "decay": p.get("decay", 0.9), "batch_size": int(p.get("batch_size", 1)), "class_weight": None,
                "standardize": p.get("standardize", False)}
    # MADlib's SVM is the hinge loss by SGD with init_stepsize / decay_factor: those parameters, given
    # without a loss or optimizer, select it
    madlib_sgd = "optimizer" not in p and (any(k in p for k in ("init_stepsize", "decay")) or norm == "l1")
    loss = p.get("loss", "hinge" if madlib_sgd else "squared_hinge")
    if loss not in ("squared_hinge", "hinge"):
        plpy.error(f"{fname}: loss {loss!r} is not one of squared_hinge, hinge")
    if madlib_sgd:
        p["optimizer"] = "sgd"
    optimizer = p.get("optimizer", "lbfgs" if loss == "squared_hinge" else "sgd")
    if optimizer not in ("lbfgs", "sgd"):
        plpy.error(f"{fname}: optimizer {optimizer!r} is not one of lbfgs, sgd")
    sgd_only = sorted(k for k in ("learning_rate", "decay", "batch_size", "init_stepsize") if k in p)
    if sgd_only and optimizer != "sgd":
        plpy.error(f"{fname}: {', '.join(sgd_only)} only apply with optimizer=sgd, not {optimizer}")
    if norm == "l1" and optimizer != "sgd":
        plpy.error(f"{fname}: norm=L1 is fitted by SGD (MADlib's clipping); use optimizer=sgd")
    if loss == "hinge" and optimizer != "sgd":
        plpy.error(f"{fname}: the hinge loss is not differentiable; use optimizer=sgd or loss=squared_hinge")
    max_iter, tol = p.get("max_iter", 100), p.get("tolerance", 1e-6)
    glm_driver.check_common(plpy, fname, max_iter, tol)
    return {"loss": loss, "optimizer": optimizer, "norm": norm, "lambda": lam, "epsilon": eps, "max_iter": max_iter,
            "tolerance": tol, "lr": p.get("learning_rate", p.get("init_stepsize")), "decay": p.get("decay", 0.9),
            "batch_size": p.get("batch_size", 100), "class_weight": class_weight,
            "standardize": p.get("standardize", False)}


def take_class_weight(params):
    """MADlib's class_weight=balanced | {label: weight, ...} out of the params text (its braces hold commas)."""
    import re
    if not params:
        return params, None
    m = re.search(r"class_weight\s*=\s*(\{[^}]*\}|[A-Za-z_]+)", params)
    if not m:
        return params, None
    rest = (params[:m.start()] + params[m.end():]).strip().strip(",")
    return re.sub(r",\s*,", ",", rest), m.group(1)


def class_weights(plpy, fname, spec, labels, prep):
    """[weight of the positive class (labels[1]), of the negative (labels[0])]. 'balanced': n / (2 n_class),
    as MADlib and scikit-learn; a mapping names the labels (as text)."""
    if spec is None:
        return [1.0, 1.0]
    if spec.strip().lower() == "balanced":
        rows = plpy.execute(f"SELECT sum(n) AS n FROM {prep['table']}")[0]["n"]
        pos = _count_label(plpy, prep, 1.0)
        neg = rows - pos
        if pos == 0 or neg == 0:
            plpy.error(f"{fname}: class_weight=balanced needs both classes")
        return [rows / (2.0 * pos), rows / (2.0 * neg)]
    body = spec.strip()
    if not (body.startswith("{") and body.endswith("}")):
        plpy.error(f"{fname}: class_weight must be 'balanced' or {{label: weight, ...}}, got {spec!r}")
    weights = {}
    for piece in body[1:-1].split(","):
        if ":" not in piece:
            plpy.error(f"{fname}: class_weight entry {piece.strip()!r} must be label: weight")
        k, v = (x.strip().strip("'\"") for x in piece.split(":", 1))
        try:
            weights[k] = float(v)
        except ValueError:
            plpy.error(f"{fname}: class_weight of {k!r} is not a number: {v!r}")
    unknown = [k for k in weights if k not in labels]
    if unknown:
        plpy.error(f"{fname}: class_weight names {', '.join(unknown)}, not a label ({', '.join(labels)})")
    return [weights.get(labels[1], 1.0), weights.get(labels[0], 1.0)]


def _count_label(plpy, prep, value):
    """Rows of the packed data whose label is value (the kernel's blocks decode the labels)."""
    from . import blocks
    rows = plpy.execute(f"SELECT y FROM {prep['table']} WHERE n > 0")
    return int(sum(int((blocks.vector(r["y"]) == value).sum()) for r in rows))

