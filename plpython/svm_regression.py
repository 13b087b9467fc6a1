"""Linear SVM regression (MADlib's ``svm_regression``): the ε-insensitive loss by SGD.

Objective (per group): (1/n) Σ max(0, |x_i·w − y_i| − ε) + λ/2 |w|², every coefficient
penalised (MADlib's), minimised by Bismarck SGD over the packed blocks with MADlib's step
schedule: init_stepsize (0.01), decay_factor (0.9) per epoch, max_iter epochs (100), λ (0.01),
ε (0.01). The model table is the classifier's (coef, loss, norm_of_gradient, ...); the summary
has method 'SVR' so that svm_predict returns the decision value as the prediction.
"""
import time

import numpy as np

from . import glm, glm_driver, registry


def _number(text):
    t = str(text).strip()
    if t.startswith("["):
        raise ValueError("parameter grids [a, b, ...] (MADlib's cross-validation) are not supported")
    return float(t.strip("{}"))


def train(plpy, schema, source_table, model_table, dependent, independent, kernel_func, kernel_params,
          grouping_col, params, verbose):
    t0 = time.perf_counter()
    fname = "svm_regression"
    if kernel_func is not None and kernel_func.strip().lower() != "linear":
        plpy.error(f"{fname}: kernel_func {kernel_func!r} is not supported; only 'linear'")
    if kernel_params is not None and str(kernel_params).strip():
        plpy.error(f"{fname}: kernel_params {kernel_params!r} is not implemented (the linear kernel takes none)")
    p = glm.parse_params(plpy, fname, params, {
        "init_stepsize": _number, "decay_factor": _number, "max_iter": _number, "tolerance": _number,
        "lambda": _number, "epsilon": _number, "norm": glm._text, "batch_size": _number})
    if p.get("norm", "l2") != "l2":
        plpy.error(f"{fname}: norm={p['norm']} is not supported; only L2 regularisation")
    lam, eps = p.get("lambda", 0.01), p.get("epsilon", 0.01)
    if not lam >= 0 or not eps >= 0:
        plpy.error(f"{fname}: lambda and epsilon must be >= 0")
    max_iter, tol = int(p.get("max_iter", 100)), p.get("tolerance", 1e-10)
    glm_driver.check_common(plpy, fname, max_iter, tol)
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, "svm_regression", source_table, model_table, dependent, independent, grouping_col,
        {"lambda": lam, "epsilon": eps, "max_iter": max_iter, "tolerance": tol, "kind": "regression"})
    pb = glm_driver.Problem(fname, "epsilon", prep["n_features"], family_params=[eps], l2=lam,
                            penalize_intercept=True, optimizer="sgd", max_iter=max_iter, tolerance=tol,
                            verbose=verbose, lr=p.get("init_stepsize", 0.01), decay=p.get("decay_factor", 0.9),
                            batch_size=int(p.get("batch_size", 1)))
    drv = glm_driver.Driver(plpy, schema, prep, pb, model_id, groups)
    drv.run()
    drv.final("grad")
    skipped = {k: s for k, _, s in groups}
    results = {key: {"coef": g.w, "loss": g.loss, "norm_of_gradient": float(np.linalg.norm(g.grad)),
                     "num_iterations": g.iterations, "converged": g.converged, "num_rows_processed": g.rows,
                     "num_rows_skipped": skipped.get(key, 0)} for key, g in drv.groups.items()}
    glm_driver.write_table(plpy, out["sql"], prep, [
        ("coef", "float8[]"), ("loss", "float8"), ("norm_of_gradient", "float8"), ("num_iterations", "integer"),
        ("converged", "boolean"), ("num_rows_processed", "bigint"), ("num_rows_skipped", "bigint")], results)
    n_all = sum(r["num_rows_processed"] for r in results.values())
    glm_driver.write_summary(plpy, summary["sql"], [
        ("method", "text", "SVR"), ("version_number", "text", "indb_ml"), ("source_table", "text", prep["source"]["sql"]),
        ("model_table", "text", out["sql"]), ("dependent_varname", "text", dependent),
        ("independent_varname", "text", independent), ("feature_names", "text[]", prep["feature_names"]),
        ("kernel_func", "text", "linear"), ("grouping_col", "text", grouping_col),
        ("optim_params", "text", f"init_stepsize={pb.lr}, decay_factor={pb.decay}, max_iter={max_iter}, "
                                 f"tolerance={tol}"),
        ("reg_params", "text", f"lambda={lam}, norm=l2, epsilon={eps}"), ("num_all_groups", "int4", len(groups)),
        ("num_failed_groups", "int4", sum(1 for g in drv.groups.values() if not g.converged)),
        ("total_rows_processed", "int8", n_all), ("total_rows_skipped", "int8", sum(s for _, _, s in groups)),
        ("dep_var_mapping", "text[]", None), ("model_id", "int8", model_id)])
    train_ms = (time.perf_counter() - t0) * 1000.0
    registry.finish(plpy, schema, model_id, {"groups": len(results), "num_rows_processed": n_all,
                                             "passes": drv.pass_count}, [out["sql"], summary["sql"]], train_ms)
    return (f"svm_regression: {out['sql']} from {n_all} rows in {len(results)} group(s), {drv.pass_count} passes, "
            f"{train_ms:.0f} ms")
