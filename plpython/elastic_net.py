"""Elastic net (``indb_ml.elastic_net_train``), MADlib-compatible surface.

Objective (per group), intercept fitted and never penalised:
    gaussian:  1/(2n) |y - X b - b0|^2            + lambda (alpha |b|_1 + (1-alpha)/2 |b|^2)
    binomial:  -(1/n) loglik(y; X b + b0)         + the same penalty
(the parametrisation of scikit-learn's ElasticNet: alpha_sk = lambda, l1_ratio = alpha).
gaussian: one pass collects X'X, X'y, y'y of the prepared data (with the intercept column), then
coordinate descent runs on those sufficient statistics, no further passes.
binomial: proximal Newton - each iteration one Hessian pass, then coordinate descent on the
penalised quadratic model, step halving if the objective went up.
``standardize``: features centred and scaled to unit variance for the fit (the penalty applies to
the standardised coefficients, as in MADlib/glmnet); coefficients are reported on the original scale.
"""
import time

import numpy as np

from . import madlib_cv, elastic_net_cv, glm_driver, glm_labels, glm_output, glm_solvers, registry


def _standardizer(st, d):
    n = st["rows"]
    mean = st["sum_x"][:d] / n
    sd = np.sqrt(np.maximum(st["sum_x2"][:d] / n - mean ** 2, 0.0))
    sd[sd == 0] = 1.0
    M = np.eye(d + 1)
    M[np.arange(d), np.arange(d)] = 1.0 / sd
    M[:d, d] = -mean / sd
    return M


# MADlib's fista / igd step-size settings: they change the path to the minimiser, not the minimiser
_STEP_TUNING = {"eta", "max_stepsize", "use_active_set", "activeset_tolerance", "random_stepsize", "stepsize",
                "step_decay", "warmup", "warmup_lambdas", "warmup_lambda_no", "warmup_tolerance", "threshold",
                "parallel"}


def _all_columns(plpy, fname, source_table, dependent, grouping_col, excluded):
    """MADlib's col_ind_var '*': every numeric column but those the label uses, the grouping and the
    excluded columns -> 'ARRAY["a", "b", ...]'."""
    from . import expressions, identifiers
    src = identifiers.resolve_table(plpy, source_table, "source table")
    cols = identifiers.table_columns(plpy, src["oid"])
    used = set()
    try:
        for tok in expressions.tokenize_expression(dependent):
            if tok[0] in ("word", "qword"):
                used.add(tok[1] if tok[0] == "qword" else tok[1].lower())
        for text in (grouping_col, excluded):
            used.update(i[1] if i[2].startswith('"') else i[1].lower()
                        for i in identifiers.parse_name_list(text, "excluded"))
    except identifiers.NameError_ as exc:
        plpy.error(f"{fname}: {exc}")
    names = [c for c, info in cols.items() if c not in used and info["elem"] is None
             and info["typname"] in identifiers.NUMERIC_TYPES]
    if not names:
        plpy.error(f"{fname}: col_ind_var '*' leaves no numeric column in {source_table}")
    return "ARRAY[" + ", ".join(plpy.quote_ident(c) for c in names) + "]"


def _fit(plpy, schema, fname, prep, groups, model_id, family, alpha, lam, standardize, max_iter, tolerance,
         dependent, grouping_col, quiet=False):
    """One elastic net fit over the packed data -> (driver, {group key: (group, fitting-space coefficients)})."""
    d = prep["n_features"]
    pb = glm_driver.Problem(fname, "gaussian" if family == "gaussian" else "logistic", d, add_intercept=True,
                            optimizer="newton", max_iter=max_iter, tolerance=tolerance)
    drv = (madlib_cv.QuietDriver if quiet else glm_driver.Driver)(plpy, schema, prep, pb, model_id, groups)
    if family == "binomial":
        drv.label_check = glm_labels.label_checker(plpy, fname, prep, dependent,
                                                   "the binomial family needs boolean or 0/1 labels")
        if not quiet:
            glm_labels.check_two_classes(plpy, fname, prep, dependent, grouping_col)
    l1, l2 = lam * alpha, lam * (1.0 - alpha)
    pen = np.ones(d + 1, dtype=bool)
    pen[d] = False
    keys = list(drv.groups)
    Ms = {k: np.eye(d + 1) for k in keys}
    if standardize:
        res, _ = drv.evaluate("stats", {k: np.zeros(d + 1) for k in keys})
        Ms = {k: _standardizer(res[k], d) for k in res}

    def objective(loss_sum, n, wt):
        b = wt[:d]
        return loss_sum / n + l1 * np.abs(b).sum() + 0.5 * l2 * (b @ b)

    wt = {k: np.zeros(d + 1) for k in keys}           # coefficients in the (standardised) fitting space
    results = {}
    if family == "gaussian":
        res, ms = drv.evaluate("hess", {k: np.zeros(d + 1) for k in keys})
        for key, r in res.items():
            g, M, n = drv.groups[key], Ms[key], r["rows"]
            g.rows = int(n)
            H = M @ r["hess"] @ M.T / n
            b = -(M @ r["grad"]) / n
            yty = 2.0 * r["loss"] / n
            w, sweeps = glm_solvers.cd_quadratic(H, b, np.zeros(d + 1), l1, l2, pen, tol=tolerance * 1e-3,
                                                max_sweeps=max(max_iter, 1) * 100)
            obj = 0.5 * (w @ H @ w) - b @ w + 0.5 * yty + l1 * np.abs(w[:d]).sum() + 0.5 * l2 * (w[:d] @ w[:d])
            g.w = M.T @ w
            g.loss, g.converged = obj, True
            g.loss_sum = obj * n
            drv.record(g, obj, 0.0, 1.0, ms, {"cd_sweeps": sweeps})
            results[key] = (g, w)
    else:
        prev = {k: None for k in keys}
        step = {k: 1.0 for k in keys}
        direction = {k: None for k in keys}
        base = {k: None for k in keys}
        active = set(keys)
        while active:
            res, ms = drv.evaluate("hess", {k: Ms[k].T @ wt[k] for k in active})
            for key in list(active):
                g, M = drv.groups[key], Ms[key]
                r = res.get(key)
                if r is None:
                    active.discard(key)
                    continue
                n = r["rows"]
                g.rows = int(n)
                obj = objective(r["loss"], n, wt[key])
                if prev[key] is not None and obj > prev[key] + 1e-12 * abs(prev[key]) and step[key] > 1e-8:
                    step[key] *= 0.5
                    wt[key] = base[key] + step[key] * direction[key]
                    continue
                g.w, g.loss, g.loss_sum = M.T @ wt[key], obj, r["loss"]
                gt = M @ r["grad"] / n
                drv.record(g, obj, float(np.linalg.norm(gt)), step[key], ms)
                if prev[key] is not None and drv.converged(prev[key], obj):
                    g.converged = True
                    active.discard(key)
                    results[key] = (g, wt[key])
                    continue
                if g.iterations >= max_iter:
                    active.discard(key)
                    results[key] = (g, wt[key])
                    continue
                Ht = M @ r["hess"] @ M.T / n
                bvec = Ht @ wt[key] - gt
                new, _ = glm_solvers.cd_quadratic(Ht, bvec, wt[key], l1, l2, pen, tol=tolerance * 1e-3)
                prev[key], base[key], direction[key], step[key] = obj, wt[key].copy(), new - wt[key], 1.0
                wt[key] = new
                results[key] = (g, wt[key])
    return drv, results


def train(plpy, schema, source_table, out_table, dependent, independent, family, alpha, lam, standardize,
          grouping_col, optimizer, optimizer_params, excluded, max_iter, tolerance):
    t0 = time.perf_counter()
    fname = "elastic_net_train"
    family = (family or "gaussian").strip().lower()
    if family not in ("gaussian", "binomial"):
        plpy.error(f"{fname}: regress_family {family!r} is not one of gaussian, binomial")
    if alpha is None or not 0 <= alpha <= 1:
        plpy.error(f"{fname}: alpha must be in [0, 1], got {alpha}")
    if lam is None or not lam >= 0:
        plpy.error(f"{fname}: lambda_value must be >= 0, got {lam}")
    if optimizer is not None and optimizer.strip().lower() not in ("cd", "fista", "igd"):
        plpy.error(f"{fname}: optimizer {optimizer!r} is not one of cd, fista, igd")
    if independent is not None and independent.strip() == "*":
        independent = _all_columns(plpy, fname, source_table, dependent, grouping_col, excluded)
    elif excluded and excluded.strip():
        plpy.error(f"{fname}: excluded applies to col_ind_var '*' only; list the features in col_ind_var instead")
    cv, optimizer_params = elastic_net_cv.take(plpy, fname, optimizer_params, alpha, lam)
    if optimizer_params is not None and str(optimizer_params).strip().strip("{}").strip():
        keys = [p.split("=", 1)[0].strip() for p in str(optimizer_params).strip().strip("{}").split(",")
                if p.strip()]
        tuning = [k for k in keys if k.lower() in _STEP_TUNING]
        other = [k for k in keys if k.lower() not in _STEP_TUNING]
        if other:
            plpy.error(f"{fname}: optimizer_params ({', '.join(other)}) are not implemented; known: n_folds, "
                       f"validation_result, lambda_value, alpha, n_lambdas and MADlib's step-size settings")
        plpy.notice(f"{fname}: optimizer_params {', '.join(tuning)} tune MADlib's fista/igd steps; they do not "
                    f"change the minimiser, which is computed here by coordinate descent / proximal Newton")
    if cv["grids"] and grouping_col is not None and str(grouping_col).strip():
        plpy.error(f"{fname}: cross-validation (n_folds > 1) with grouping_col is not supported (as in MADlib)")
    if optimizer is not None and optimizer.strip().lower() != "cd":
        plpy.notice(f"{fname}: optimizer {optimizer.strip().lower()} solves the same convex problem here by "
                    f"coordinate descent (gaussian) or proximal Newton (binomial); the minimiser is the same")
    glm_driver.check_common(plpy, fname, max_iter, tolerance)
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, "elastic_net", source_table, out_table, dependent, independent, grouping_col,
        {"family": family, "alpha": alpha, "lambda": lam, "standardize": bool(standardize), "max_iter": max_iter,
         "tolerance": tolerance, "kind": "classification" if family == "binomial" else "regression"})
    if cv["grids"]:
        best, rows = elastic_net_cv.validate(
            plpy, schema, fname, prep, family, cv,
            lambda pr, g, a, lm: _fit(plpy, schema, fname, pr, g, model_id, family, a, lm, standardize, max_iter,
                                      tolerance, dependent, None, quiet=True))
        alpha, lam = best["alpha"], best["lambda_value"]
        if cv["validation_result"]:
            madlib_cv.write_result(plpy, cv["validation_result"], rows)
    d = prep["n_features"]
    drv, results = _fit(plpy, schema, fname, prep, groups, model_id, family, alpha, lam, standardize, max_iter,
                        tolerance, dependent, grouping_col)
    names = prep["feature_names"]
    out_rows = {}
    for key, (g, _) in results.items():
        coef, icpt = g.w[:d], float(g.w[d])
        nz = np.flatnonzero(coef != 0.0)
        out_rows[key] = {"family": family, "features": names, "features_selected": [names[i] for i in nz],
                         "coef_nonzero": coef[nz], "coef_all": coef, "intercept": icpt,
                         "log_likelihood": -g.loss, "objective": g.loss, "standardize": bool(standardize),
                         "iteration_run": g.iterations, "converged": g.converged, "num_rows_processed": g.rows}
    glm_output.write_table(plpy, out["sql"], prep, [
        ("family", "text"), ("features", "text[]"), ("features_selected", "text[]"), ("coef_nonzero", "float8[]"),
        ("coef_all", "float8[]"), ("intercept", "float8"), ("log_likelihood", "float8"), ("objective", "float8"),
        ("standardize", "boolean"), ("iteration_run", "integer"), ("converged", "boolean"),
        ("num_rows_processed", "bigint")], out_rows)
    n_all = sum(r["num_rows_processed"] for r in out_rows.values())
    glm_output.write_summary(plpy, summary["sql"], [
        ("method", "text", "elastic_net"), ("source_table", "text", prep["source"]["sql"]),
        ("out_table", "text", out["sql"]), ("dependent_varname", "text", dependent),
        ("independent_varname", "text", independent), ("family", "text", family), ("alpha", "float8", alpha),
        ("lambda_value", "float8", lam), ("standardize", "bool", bool(standardize)),
        ("grouping_col", "text", grouping_col), ("num_all_groups", "int4", len(groups)),
        ("num_rows_processed", "int8", n_all), ("num_rows_skipped", "int8", sum(s for _, _, s in groups)),
        ("model_id", "int8", model_id)])
    train_ms = (time.perf_counter() - t0) * 1000.0
    one = next(iter(out_rows.values())) if len(out_rows) == 1 else None
    registry.finish(plpy, schema, model_id, {"groups": len(out_rows), "num_rows_processed": n_all,
                                             "objective": one["objective"] if one else None,
                                             "passes": drv.pass_count}, [out["sql"], summary["sql"]], train_ms)
    return (f"elastic_net ({family}): {out['sql']} from {n_all} rows in {len(out_rows)} group(s), "
            f"{drv.pass_count} passes, {train_ms:.0f} ms")
