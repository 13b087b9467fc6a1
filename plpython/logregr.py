"""Binary logistic regression (``indb_ml.logregr_train``), MADlib-compatible output.

Optimizers: ``irls`` (= ``newton``: one Hessian pass per iteration),
``lbfgs`` (gradient passes, two-loop recursion, line search in the driver)
and ``sgd`` (Bismarck: mini-batch SGD inside the aggregate, model averaging
across partitions). Whatever the optimizer, the output's standard errors,
z statistics and p-values come from the Hessian at the final coefficients
(one extra pass for lbfgs/sgd).
"""
import math
import time

import numpy as np

from . import glm, glm_driver, glm_labels, glm_output, registry

# MADlib's 'cg' (conjugate gradient) runs as L-BFGS here: a quasi-Newton method that needs the same
# gradient passes and converges in fewer of them (docs/madlib.md)
OPTIMIZERS = {"irls": "newton", "newton": "newton", "lbfgs": "lbfgs", "cg": "lbfgs", "sgd": "sgd", "igd": "sgd"}
DEFAULTS = {"max_iter": 20, "optimizer": "irls", "tolerance": 1e-4}


def train(plpy, schema, source_table, out_table, dependent, independent, grouping_cols, max_iter, optimizer,
          tolerance, verbose, sgd_params=None, standardize=False):
    t0 = time.perf_counter()
    fname = "logregr_train"
    # MADlib: NULL for a defaulted argument means the default
    max_iter = DEFAULTS["max_iter"] if max_iter is None else max_iter
    tolerance = DEFAULTS["tolerance"] if tolerance is None else tolerance
    opt = (optimizer or DEFAULTS["optimizer"]).strip().lower()
    glm_driver.check_common(plpy, fname, max_iter, tolerance, opt, set(OPTIMIZERS))
    sp = glm.parse_params(plpy, fname, sgd_params, {"learning_rate": float, "decay": float, "batch_size": int,
                                                     "lambda": float})
    if sp and OPTIMIZERS[opt] != "sgd":
        plpy.error(f"{fname}: sgd_params only apply with optimizer sgd (or igd), not {opt}")
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, "logregr", source_table, out_table, dependent, independent, grouping_cols,
        {"optimizer": opt, "max_iter": max_iter, "tolerance": tolerance, "kind": "classification",
         "sgd_params": sp or None})
    pb = glm_driver.Problem(fname, "logistic", prep["n_features"], optimizer=OPTIMIZERS[opt], max_iter=max_iter,
                            tolerance=tolerance, verbose=verbose, lr=sp.get("learning_rate"),
                            decay=sp.get("decay", 0.9), batch_size=sp.get("batch_size", 100),
                            l2=sp.get("lambda", 0.0), madlib_irls=True,
                            standardize=standardize)
    drv = glm_driver.Driver(plpy, schema, prep, pb, model_id, groups)
    drv.label_check = glm_labels.label_checker(plpy, fname, prep, dependent,
                                               "logistic regression needs boolean or 0/1 labels")
    glm_labels.check_two_classes(plpy, fname, prep, dependent, grouping_cols, schema, groups)
    drv.run()
    if pb.optimizer != "newton":
        drv.final("hess")
    skipped = {k: s for k, _, s in groups}
    results = {}
    for key, g in drv.groups.items():
        se, z, p, cond, vcov = glm.inference(g.w, g.hess_sum, g.rows)
        results[key] = {"coef": g.w, "log_likelihood": -g.loss_sum, "std_err": se, "z_stats": z, "p_values": p,
                        "odds_ratios": np.exp(np.minimum(g.w, 700.0)), "condition_no": cond,
                        "num_rows_processed": g.rows, "num_missing_rows_skipped": skipped.get(key, 0),
                        "num_iterations": g.iterations, "converged": g.converged, "variance_covariance": vcov}
    cols = [("coef", "float8[]"), ("log_likelihood", "float8"), ("std_err", "float8[]"), ("z_stats", "float8[]"),
            ("p_values", "float8[]"), ("odds_ratios", "float8[]"), ("condition_no", "float8"),
            ("num_rows_processed", "bigint"), ("num_missing_rows_skipped", "bigint"),
            ("num_iterations", "integer"), ("converged", "boolean"), ("variance_covariance", "float8[]")]
    glm_output.write_table(plpy, out["sql"], prep, cols, results)
    n_all = sum(r["num_rows_processed"] for r in results.values())
    n_skip = sum(s for _, _, s in groups)
    failed = sum(1 for g in drv.groups.values() if not g.converged)
    glm_output.write_summary(plpy, summary["sql"], [
        ("method", "text", "logregr"), ("source_table", "text", prep["source"]["sql"]),
        ("out_table", "text", out["sql"]), ("dependent_varname", "text", dependent),
        ("independent_varname", "text", independent), ("feature_names", "text[]", prep["feature_names"]),
        ("optimizer_params", "text", f"optimizer={opt}, max_iter={max_iter}, tolerance={tolerance}"),
        ("num_all_groups", "int4", len(groups)), ("num_failed_groups", "int4", failed),
        ("num_rows_processed", "int8", n_all), ("num_missing_rows_skipped", "int8", n_skip),
        ("grouping_col", "text", grouping_cols), ("model_id", "int8", model_id),
        ("prepared_id", "int8", prep["prepared_id"])])
    train_ms = (time.perf_counter() - t0) * 1000.0
    one = next(iter(results.values())) if len(results) == 1 else None
    registry.finish(plpy, schema, model_id, {
        "groups": len(results), "num_rows_processed": n_all, "num_missing_rows_skipped": n_skip,
        "log_likelihood": one["log_likelihood"] if one else None,
        "num_iterations": one["num_iterations"] if one else None, "passes": drv.pass_count,
        "num_failed_groups": failed, "prepare_ms": 0.0 if prep["reused"] else prep["prepare_ms"]},
        [out["sql"], summary["sql"]], train_ms)
    ll = f", log_likelihood={one['log_likelihood']:.10g}" if one else ""
    return (f"logregr ({opt}): {out['sql']} from {n_all} rows ({n_skip} skipped) in {len(results)} group(s)"
            f"{ll}, {drv.pass_count} passes, {train_ms:.0f} ms")


def predict_prob(coef, x):
    m = float(np.dot(coef, x))
    return 1.0 / (1.0 + math.exp(-m)) if m >= 0 else math.exp(m) / (1.0 + math.exp(m))
