"""Multinomial logistic regression (``indb_ml.softmax_train``).

k classes of any label type (sorted in the column's order, stored in the
model as text), all k coefficient columns estimated (as scikit-learn's
multinomial LogisticRegression), objective
    (1/n) sum_i [logsumexp(x_i W) - x_i W_{y_i}] + lambda/2 |W_pen|^2
where the intercept row (a constant feature, e.g. the 1 in ARRAY[1, ...]) is not penalised.
"""
import time

import numpy as np

from . import expressions, glm_driver, glm_labels, glm_output, identifiers, registry


def train(plpy, schema, source_table, out_table, dependent, independent, grouping_cols, lam, optimizer,
          max_iter, tolerance, verbose, standardize=False):
    t0 = time.perf_counter()
    fname = "softmax_train"
    opt = (optimizer or "lbfgs").strip().lower()
    opt = {"irls": "newton"}.get(opt, opt)
    glm_driver.check_common(plpy, fname, max_iter, tolerance, opt, {"lbfgs", "newton", "sgd"})
    if lam is None or not lam >= 0:
        plpy.error(f"{fname}: lambda must be >= 0")
    src = identifiers.resolve_table(plpy, source_table, "source table")
    cols = identifiers.table_columns(plpy, src["oid"])
    col, _, _ = expressions.value_expression(plpy, dependent, cols, source_table, f"{fname}: dependent_varname")
    labels = [str(v) for v in glm_labels.distinct_labels(plpy, fname, src["sql"], col)]
    if len(labels) < 2:
        plpy.error(f"{fname}: the label needs at least 2 classes; dependent_varname {dependent!r} holds "
                   f"{', '.join(labels) if labels else 'no values'}")
    k = len(labels)
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, "softmax", source_table, out_table, dependent, independent, grouping_cols,
        {"lambda": lam, "optimizer": opt, "max_iter": max_iter, "tolerance": tolerance, "label_values": labels,
         "k": k, "kind": "classification"}, label_values=labels)
    pb = glm_driver.Problem(fname, "softmax", prep["n_features"], k=k, l2=lam, optimizer=opt, max_iter=max_iter,
                            tolerance=tolerance, verbose=verbose, standardize=standardize)
    drv = glm_driver.Driver(plpy, schema, prep, pb, model_id, groups)
    drv.run()
    drv.final("grad")
    skipped = {kk: s for kk, _, s in groups}
    d = pb.dd
    results = {key: {"coef": g.w.reshape(d, k), "class_labels": labels, "loss": g.loss,
                     "log_likelihood": -g.loss_sum, "num_rows_processed": g.rows,
                     "num_missing_rows_skipped": skipped.get(key, 0), "num_iterations": g.iterations,
                     "converged": g.converged}
               for key, g in drv.groups.items()}
    glm_output.write_table(plpy, out["sql"], prep, [
        ("coef", "float8[]"), ("class_labels", "text[]"), ("loss", "float8"), ("log_likelihood", "float8"),
        ("num_rows_processed", "bigint"), ("num_missing_rows_skipped", "bigint"), ("num_iterations", "integer"),
        ("converged", "boolean")], results)
    n_all = sum(r["num_rows_processed"] for r in results.values())
    glm_output.write_summary(plpy, summary["sql"], [
        ("method", "text", "softmax"), ("source_table", "text", prep["source"]["sql"]), ("out_table", "text", out["sql"]),
        ("dependent_varname", "text", dependent), ("independent_varname", "text", independent),
        ("feature_names", "text[]", prep["feature_names"]), ("class_labels", "text[]", labels),
        ("lambda", "float8", lam), ("optimizer_params", "text", f"optimizer={opt}, max_iter={max_iter}, tolerance={tolerance}"),
        ("grouping_cols", "text", grouping_cols), ("num_all_groups", "int4", len(groups)),
        ("num_rows_processed", "int8", n_all), ("num_missing_rows_skipped", "int8", sum(s for _, _, s in groups)),
        ("model_id", "int8", model_id)])
    train_ms = (time.perf_counter() - t0) * 1000.0
    one = next(iter(results.values())) if len(results) == 1 else None
    registry.finish(plpy, schema, model_id, {"groups": len(results), "num_rows_processed": n_all,
                                             "objective": one["loss"] if one else None, "passes": drv.pass_count},
                    [out["sql"], summary["sql"]], train_ms)
    return (f"softmax ({k} classes, {opt}): {out['sql']} from {n_all} rows in {len(results)} group(s), "
            f"{drv.pass_count} passes, {train_ms:.0f} ms")


def predict_prob(coef, x, k):
    W = np.asarray(coef, dtype=float).reshape(-1, k)
    m = np.asarray(x, dtype=float) @ W
    e = np.exp(m - m.max())
    return e / e.sum()
