"""Linear SVM (``indb_ml.svm_classification``), MADlib-compatible surface.

Objective (per group):  (1/n) sum_i loss(t_i x_i w) + lambda/2 |w|^2,  t_i = +-1,
with loss = max(0, 1 - z)^2 (``squared_hinge``, default: smooth, L-BFGS) or
max(0, 1 - z) (``hinge``: Bismarck SGD). Every coefficient is penalised, the
intercept too when the features include a constant (as MADlib and liblinear).
The two label values may be of any type; the larger (in the column's order)
is the positive class, recorded in ``dep_var_mapping``.
"""
import time

import numpy as np

from . import glm, glm_driver, registry


def _take_class_weight(params):
    """MADlib's class_weight=balanced | {label: weight, ...} out of the params text (its braces hold commas)."""
    import re
    if not params:
        return params, None
    m = re.search(r"class_weight\s*=\s*(\{[^}]*\}|[A-Za-z_]+)", params)
    if not m:
        return params, None
    rest = (params[:m.start()] + params[m.end():]).strip().strip(",")
    return re.sub(r",\s*,", ",", rest), m.group(1)


def _class_weights(plpy, fname, spec, labels, prep):
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


def _madlib_number(text):
    t = str(text).strip()
    if t.startswith("["):
        raise ValueError("parameter grids [a, b, ...] (MADlib's cross-validation) are not supported")
    return float(t.strip("{}"))


def train(plpy, schema, source_table, model_table, dependent, independent, kernel_func, kernel_params,
          grouping_col, params, verbose):
    t0 = time.perf_counter()
    fname = "svm_classification"
    if kernel_func is not None and kernel_func.strip().lower() != "linear":
        plpy.error(f"{fname}: kernel_func {kernel_func!r} is not supported; only 'linear'")
    if kernel_params is not None and str(kernel_params).strip():
        plpy.error(f"{fname}: kernel_params {kernel_params!r} is not implemented (the linear kernel takes none); "
                   f"pass NULL")
    # MADlib's names too: init_stepsize (= learning_rate), decay_factor (= decay), norm (L2 only),
    # epsilon (regression only; ignored here); a value may be written {v}. Grids [a, b] (MADlib's
    # cross-validation) are refused with a clear message.
    num = _madlib_number
    params, class_weight = _take_class_weight(params)
    p = glm.parse_params(plpy, fname, params, {
        "lambda": num, "max_iter": num, "tolerance": num, "optimizer": glm._text, "loss": glm._text,
        "learning_rate": num, "decay": num, "decay_factor": num, "batch_size": num, "init_stepsize": num,
        "norm": glm._text, "epsilon": num,
        "standardize": glm._bool})
    if "decay_factor" in p:
        p.setdefault("decay", p.pop("decay_factor"))
    for key in ("max_iter", "batch_size"):
        if key in p:
            p[key] = int(p[key])
    if p.get("norm", "l2") != "l2":
        plpy.error(f"{fname}: norm={p['norm']} is not supported; only L2 regularisation")
    lam = p.get("lambda", 0.01)
    if not lam >= 0:
        plpy.error(f"{fname}: lambda must be >= 0")
    # MADlib's SVM is the hinge loss by SGD with init_stepsize / decay_factor: those parameters, given
    # without a loss or optimizer, select it
    madlib_sgd = "optimizer" not in p and any(k in p for k in ("init_stepsize", "decay"))
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
    if loss == "hinge" and optimizer != "sgd":
        plpy.error(f"{fname}: the hinge loss is not differentiable; use optimizer=sgd or loss=squared_hinge")
    max_iter, tol = p.get("max_iter", 100), p.get("tolerance", 1e-6)
    glm_driver.check_common(plpy, fname, max_iter, tol)
    from . import expressions, identifiers
    src = identifiers.resolve_table(plpy, source_table, "source table")
    cols = identifiers.table_columns(plpy, src["oid"])
    col, _, _ = expressions.value_expression(plpy, dependent, cols, source_table, f"{fname}: dependent_varname")
    labels = glm_driver.distinct_labels(plpy, fname, src["sql"], col, limit=10)
    if len(labels) != 2:
        plpy.error(f"{fname}: a binary classifier needs exactly 2 label values; dependent_varname {dependent!r} holds "
                   f"{len(labels)}: {', '.join(str(v) for v in labels)}")
    labels = [str(v) for v in labels]
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, "svm", source_table, model_table, dependent, independent, grouping_col,
        {"lambda": lam, "loss": loss, "optimizer": optimizer, "max_iter": max_iter, "tolerance": tol,
         "label_values": labels, "kind": "classification"}, label_values=labels)
    family = "sqhinge" if loss == "squared_hinge" else "hinge"
    weights = _class_weights(plpy, fname, class_weight, labels, prep)
    pb = glm_driver.Problem(fname, family, prep["n_features"], family_params=[1.0, 0.0] + weights, l2=lam,
                            penalize_intercept=True, optimizer=optimizer, max_iter=max_iter, tolerance=tol,
                            verbose=verbose, lr=p.get("learning_rate", p.get("init_stepsize")),
                            decay=p.get("decay", 0.9), batch_size=p.get("batch_size", 100),
                            standardize=p.get("standardize", False))
    drv = glm_driver.Driver(plpy, schema, prep, pb, model_id, groups)
    drv.run()
    drv.final("grad")
    skipped = {k: s for k, _, s in groups}
    results = {key: {"coef": g.w, "loss": g.loss, "norm_of_gradient": float(np.linalg.norm(g.grad)),
                     "num_iterations": g.iterations, "converged": g.converged, "num_rows_processed": g.rows,
                     "num_rows_skipped": skipped.get(key, 0), "dep_var_mapping": labels}
               for key, g in drv.groups.items()}
    glm_driver.write_table(plpy, out["sql"], prep, [
        ("coef", "float8[]"), ("loss", "float8"), ("norm_of_gradient", "float8"), ("num_iterations", "integer"),
        ("converged", "boolean"), ("num_rows_processed", "bigint"), ("num_rows_skipped", "bigint"),
        ("dep_var_mapping", "text[]")], results)
    n_all = sum(r["num_rows_processed"] for r in results.values())
    glm_driver.write_summary(plpy, summary["sql"], [
        ("method", "text", "svm"), ("version_number", "text", "indb_ml"), ("source_table", "text", prep["source"]["sql"]),
        ("model_table", "text", out["sql"]), ("dependent_varname", "text", dependent),
        ("independent_varname", "text", independent), ("feature_names", "text[]", prep["feature_names"]),
        ("kernel_func", "text", "linear"), ("grouping_col", "text", grouping_col),
        ("optim_params", "text", f"optimizer={optimizer}, loss={loss}, max_iter={max_iter}, tolerance={tol}"),
        ("reg_params", "text", f"lambda={lam}"), ("num_all_groups", "int4", len(groups)),
        ("num_failed_groups", "int4", sum(1 for g in drv.groups.values() if not g.converged)),
        ("total_rows_processed", "int8", n_all), ("total_rows_skipped", "int8", sum(s for _, _, s in groups)),
        ("dep_var_mapping", "text[]", labels), ("model_id", "int8", model_id)])
    train_ms = (time.perf_counter() - t0) * 1000.0
    one = next(iter(results.values())) if len(results) == 1 else None
    registry.finish(plpy, schema, model_id, {"groups": len(results), "num_rows_processed": n_all,
                                             "objective": one["loss"] if one else None, "passes": drv.pass_count},
                    [out["sql"], summary["sql"]], train_ms)
    return (f"svm ({loss}, {optimizer}): {out['sql']} from {n_all} rows in {len(results)} group(s), "
            f"{drv.pass_count} passes, {train_ms:.0f} ms")
