"""Generalised linear models (``indb_ml.glm``): Poisson (log link), binomial (logit), gaussian (identity).

Training goes through the shared driver (``glm_driver``) with the family's
kernel in ``optimizers``; this module turns the final model into the output
row: coefficients, log-likelihood, standard errors from the inverse Fisher
information (the Hessian the last IRLS pass returned), z (or t for the
gaussian family, whose dispersion is estimated) statistics and p-values.
"""
import math
import time

import numpy as np

from . import glm_driver, glm_families, glm_irls, glm_labels, glm_output, glm_solvers, linregr, registry, stats



def inference(w, hess_sum, n, dispersion=1.0, df=None):
    """std_err, z (or t), p-values, condition number and covariance from the Hessian of the data loss."""
    _, inv = glm_solvers.equilibrated_solve(hess_sum, np.zeros(len(w)))
    vcov = inv * dispersion
    se = np.sqrt(np.clip(np.diag(vcov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, w / se, np.nan)
    if df is None:
        p = np.array([stats.normal_two_sided_p(float(v)) for v in z])
    else:
        p = np.array([stats.t_two_sided_p(float(v), df) for v in z])
    cond = linregr.condition_number(hess_sum)
    return se, z, p, cond, vcov


# ranges of the numeric name=value parameters, checked wherever they are parsed
RANGES = {
    "learning_rate": (lambda v: v > 0, "> 0"),
    "init_stepsize": (lambda v: v > 0, "> 0"),
    "batch_size": (lambda v: v >= 1, ">= 1"),
    "decay": (lambda v: 0 < v <= 1, "in (0, 1]"),
    "max_iter": (lambda v: v >= 1, ">= 1"),
    "tolerance": (lambda v: v >= 0, ">= 0"),
    "lambda": (lambda v: v >= 0, ">= 0"),
}


def parse_params(plpy, fname, text, allowed):
    """'a=1, b=x' -> dict, checking names against allowed {name: converter} and values against RANGES."""
    out = {}
    if text is None or not str(text).strip():
        return out
    for piece in str(text).split(","):
        if not piece.strip():
            continue
        if "=" not in piece:
            plpy.error(f"{fname}: parameter {piece.strip()!r} must be name=value")
        k, v = (x.strip() for x in piece.split("=", 1))
        k = k.lower()
        if k not in allowed:
            plpy.error(f"{fname}: unknown parameter {k!r}; known: {', '.join(sorted(allowed))}")
        try:
            out[k] = allowed[k](v)
        except (TypeError, ValueError):
            plpy.error(f"{fname}: parameter {k}={v!r} is not valid")
        if isinstance(out[k], float) and not math.isfinite(out[k]):
            plpy.error(f"{fname}: parameter {k}={v!r} must be a finite number")
        if k in RANGES and not RANGES[k][0](out[k]):
            plpy.error(f"{fname}: parameter {k} must be {RANGES[k][1]}, got {v}")
    return out


def _text(v):
    return v.strip().strip("'\"").lower()


def _bool(v):
    t = _text(v)
    if t not in ("true", "false", "t", "f", "on", "off", "1", "0", "yes", "no"):
        raise ValueError(v)
    return t in ("true", "t", "on", "1", "yes")


def train(plpy, schema, source_table, model_table, dependent, independent, family_params, grouping_col,
          optim_params, verbose):
    t0 = time.perf_counter()
    fname = "glm"
    fam = parse_params(plpy, fname, family_params, {"family": _text, "link": _text})
    opt = parse_params(plpy, fname, optim_params, {"max_iter": int, "optimizer": _text, "tolerance": float,
                                                   "standardize": _bool})
    family = fam.get("family", "poisson")
    if family not in glm_families.ALLOWED:
        plpy.error(f"glm: family {family!r} is not supported; use {', '.join(glm_families.ALLOWED)}")
    default_link, links = glm_families.ALLOWED[family]
    link = fam.get("link", default_link)
    if link not in links:
        plpy.error(f"glm: link {link!r} is not supported for family {family}; use {', '.join(links)}")
    optimizer = {"irls": "newton", "newton": "newton"}.get(opt.get("optimizer", "irls"))
    if optimizer is None:
        plpy.error(f"glm: optimizer {opt.get('optimizer')!r} is not one of irls, newton")
    max_iter, tol = opt.get("max_iter", 100), opt.get("tolerance", 1e-6)
    glm_driver.check_common(plpy, fname, max_iter, tol)
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, "glm", source_table, model_table, dependent, independent, grouping_col,
        {"family": family, "link": link, "optimizer": optimizer, "max_iter": max_iter, "tolerance": tol,
         "kind": "classification" if family == "binomial" else "regression"})
    codes = [glm_families.FAMILIES[family], glm_families.LINKS[link]]
    pb = glm_driver.Problem(fname, "glm", prep["n_features"], family_params=codes, optimizer=optimizer,
                            max_iter=max_iter, tolerance=tol, verbose=verbose, step_tolerance=1e-12,
                            standardize=opt.get("standardize"))
    drv = glm_driver.Driver(plpy, schema, prep, pb, model_id, groups)
    expectation = {"poisson": "the poisson family needs counts >= 0",
                   "binomial": "the binomial family needs 0/1 or boolean labels",
                   "gamma": "the gamma family needs labels > 0",
                   "inverse_gaussian": "the inverse_gaussian family needs labels > 0"}.get(family, "")
    drv.label_check = glm_labels.label_checker(plpy, fname, prep, dependent, expectation)
    final = glm_irls.fit(drv, codes, family in glm_families.DISPERSION_ESTIMATED)
    results = _results(drv, groups, family, final)
    t_family = family in glm_families.DISPERSION_ESTIMATED
    stat_name = "t_stats" if t_family else "z_stats"
    cols = [("coef", "float8[]"), ("log_likelihood", "float8"), ("std_err", "float8[]"), (stat_name, "float8[]"),
            ("p_values", "float8[]"), ("dispersion", "float8"), ("condition_no", "float8"),
            ("num_rows_processed", "bigint"), ("num_rows_skipped", "bigint"), ("num_iterations", "integer"),
            ("converged", "boolean"), ("variance_covariance", "float8[]")]
    for r in results.values():
        r[stat_name] = r.pop("stats")
    glm_output.write_table(plpy, out["sql"], prep, cols, results)
    n_all = sum(r["num_rows_processed"] for r in results.values())
    n_skip = sum(s for _, _, s in groups)
    glm_output.write_summary(plpy, summary["sql"], [
        ("method", "text", "glm"), ("source_table", "text", prep["source"]["sql"]), ("out_table", "text", out["sql"]),
        ("dependent_varname", "text", dependent), ("independent_varname", "text", independent),
        ("feature_names", "text[]", prep["feature_names"]), ("family", "text", family), ("link", "text", link),
        ("grouping_col", "text", grouping_col), ("optimizer_params", "text", optim_params),
        ("num_all_groups", "int4", len(groups)),
        ("num_failed_groups", "int4", sum(1 for g in drv.groups.values() if not g.converged)),
        ("num_rows_processed", "int8", n_all), ("num_rows_skipped", "int8", n_skip),
        ("model_id", "int8", model_id), ("prepared_id", "int8", prep["prepared_id"])])
    train_ms = (time.perf_counter() - t0) * 1000.0
    one = next(iter(results.values())) if len(results) == 1 else None
    registry.finish(plpy, schema, model_id, {
        "groups": len(results), "num_rows_processed": n_all, "num_rows_skipped": n_skip,
        "log_likelihood": one["log_likelihood"] if one else None, "passes": drv.pass_count,
        "prepare_ms": 0.0 if prep["reused"] else prep["prepare_ms"]}, [out["sql"], summary["sql"]], train_ms)
    return f"glm ({family}/{link}): {out['sql']} from {n_all} rows in {len(results)} group(s), " \
           f"{drv.pass_count} passes, {train_ms:.0f} ms"


def _results(drv, groups, family, final):
    """MADlib's output per group: coefficients after the last step, that pass's log-likelihood and
    information; dispersion Pearson χ² / (n - p) for the families that estimate it; std errors from the
    inverse information times the dispersion; t statistics (n - p df) or z statistics."""
    estimated = family in glm_families.DISPERSION_ESTIMATED
    skipped = {k: s for k, _, s in groups}
    results = {}
    for key, g in drv.groups.items():
        if key not in final:
            continue
        f = final[key]
        n, d = int(f["n"]), len(g.w)
        disp = f["pearson"] / (n - d) if estimated and f["pearson"] is not None and n > d else 1.0
        se, stat, p, cond, vcov = inference(g.w, f["hess"], n, disp, (n - d) if estimated else None)
        results[key] = {"coef": g.w, "log_likelihood": f["ll"], "std_err": se, "stats": stat, "p_values": p,
                        "dispersion": disp, "condition_no": cond, "num_rows_processed": n,
                        "num_rows_skipped": skipped.get(key, 0), "num_iterations": g.iterations,
                        "converged": g.converged, "variance_covariance": vcov}
    return results
