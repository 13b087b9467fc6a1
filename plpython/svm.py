"""SVM (``indb_ml.svm_classification``, ``svm_regression``, ``svm_one_class``), MADlib-compatible surface.

Objective (per group):  (1/n) sum_i c_i loss(t_i, x_i w) + lambda/2 |w|^2, t_i = +-1 (classification)
with loss = max(0, 1 - z)^2 (``squared_hinge``, default: smooth, L-BFGS) or max(0, 1 - z) (``hinge``:
Bismarck SGD, selected by MADlib's init_stepsize / decay_factor), or the epsilon-insensitive
max(0, |x w - y| - epsilon) by SGD (regression). Every coefficient is penalised, the intercept too
(as MADlib and liblinear). The two label values may be of any type; the larger (in the column's
order) is the positive class, recorded in ``dep_var_mapping``.

Kernels 'gaussian' / 'polynomial' train the linear SVM on MADlib's random feature maps
(svm_kernels): the packed blocks are mapped once, block by block, into a temporary packed table;
the map is stored in the summary (``kernel_map``) so that svm_predict applies it. svm_one_class
is MADlib's: the mapped data (with an intercept) as the positive class against the origin of the
mapped space, balanced class weights. Parameter lists with n_folds run svm_cv.
"""
import time

import numpy as np

from . import madlib_cv, glm_driver, glm_labels, glm_output, registry, svm_cv, svm_kernels, svm_params


def _l1(s, prep, groups):
    """norm=L1 as MADlib: its clipping takes lambda/n per row, so its lambda penalises the sum of the losses
    (mean objective: lambda/n |w|_1; n = the mean group size)."""
    if s["norm"] != "l1":
        return 0.0
    rows = sum(r for _, r, _ in groups) / max(len(groups), 1)
    return s["lambda"] / max(rows, 1.0)


def _fit(plpy, schema, fname, prep, groups, model_id, s, weights, kind, verbose, quiet=False):
    """One fit with settings s (class weights: [positive, negative]) over the (mapped) packed data -> the driver."""
    if kind == "regression":
        family, fparams = "epsilon", [s["epsilon"]]
    else:
        family = "sqhinge" if s["loss"] == "squared_hinge" else "hinge"
        fparams = [1.0, 0.0] + weights
    pb = glm_driver.Problem(fname, family, prep["n_features"], family_params=fparams,
                            l2=s["lambda"] if s["norm"] == "l2" else 0.0, l1=_l1(s, prep, groups),
                            penalize_intercept=True, optimizer=s["optimizer"], max_iter=s["max_iter"],
                            tolerance=s["tolerance"], verbose=verbose, lr=s["lr"], decay=s["decay"],
                            batch_size=s["batch_size"], standardize=s["standardize"])
    drv = (madlib_cv.QuietDriver if quiet else glm_driver.Driver)(plpy, schema, prep, pb, model_id, groups)
    drv.run()
    drv.final("grad")
    return drv


def _kernel(plpy, fname, kernel_func, kernel_params, p, one_class):
    try:
        kind = svm_kernels.kernel_name(kernel_func if kernel_func is not None or not one_class else "gaussian")
        if kind == "linear":
            if kernel_params is not None and str(kernel_params).strip() and not one_class:
                plpy.error(f"{fname}: kernel_params {kernel_params!r} is not implemented (the linear kernel takes "
                           f"none); pass NULL")
            if not one_class:
                return kind, None, ""
            return kind, None, "fit_intercept=True"
        kp = svm_kernels.parse_params(kind, kernel_params, p)
    except ValueError as exc:
        plpy.error(f"{fname}: {exc}")
    if one_class:
        kp["fit_intercept"] = True           # MADlib: the origin is told apart by the intercept
    m = svm_kernels.make_map(kind, p, kp)
    return kind, m, ", ".join(f"{k}={v}" for k, v in kp.items())


def _mapped_prep(plpy, schema, prep, kmap, one_class):
    """A temporary packed table with every block's features mapped (and, for one class, the origin)."""
    t = "pg_temp." + plpy.quote_ident(f"indb_ml_svm_mapped_{int(time.time() * 1e6) % 10 ** 12}")
    plpy.execute(f"CREATE TEMP TABLE {t.split('.', 1)[1]} AS SELECT * FROM {prep['table']}")
    width = prep["n_features"]
    if kmap is not None:
        plpy.execute(plpy.prepare(f"UPDATE {t} SET x = {schema}.svm_map_block(x, n, $1) WHERE n > 0", ["bytea"]),
                     [svm_kernels.to_raw(kmap)])
        width = svm_kernels.width(kmap)
    elif one_class:
        plpy.execute(f"UPDATE {t} SET x = {schema}.svm_append_one(x, n) WHERE n > 0")
        width += 1
    if one_class:
        origin = np.zeros(width)
        origin[-1] = 1.0
        gcols = "".join(g + ", " for g in prep["group_sql"])
        plpy.execute(plpy.prepare(
            f"INSERT INTO {t} ({gcols}part, block, shuffle_key, n, n_skipped, x, y) "
            f"SELECT DISTINCT {gcols}0::oid, -1, 0, 1, 0, $1::bytea, $2::bytea FROM {t}", ["bytea", "bytea"]),
            [origin.astype("<f8").tobytes(), np.zeros(1).astype("<f8").tobytes()])
    names = [f"z[{i + 1}]" for i in range(width)] if kmap is not None else prep["feature_names"] + (
        ["intercept"] if one_class else [])
    return dict(prep, table=t, n_features=width, feature_names=names)


def _algorithm(plpy, fname, kind, kernel_func):
    """The registry's algorithm: 'svm' only for linear classifiers (evaluate/predict read them as coef·x)."""
    try:
        kname = svm_kernels.kernel_name(kernel_func if kernel_func is not None or kind != "one_class" else "gaussian")
    except ValueError as exc:
        plpy.error(f"{fname}: {exc}")
    if kind == "regression":
        return "svm_regression"
    if kind == "one_class":
        return "svm_one_class"
    return "svm" if kname == "linear" else "svm_kernel"


def train(plpy, schema, source_table, model_table, dependent, independent, kernel_func, kernel_params,
          grouping_col, params, verbose, kind="classification"):
    t0 = time.perf_counter()
    one_class = kind == "one_class"
    fname = {"classification": "svm_classification", "regression": "svm_regression",
             "one_class": "svm_one_class"}[kind]
    text, grids, n_folds, val_res = svm_params.take_cv(plpy, fname, params)
    if n_folds > 1 and grids and grouping_col is not None and str(grouping_col).strip():
        plpy.error(f"{fname}: cross-validation (n_folds > 1) with grouping_col is not supported (as in MADlib)")
    base = svm_params.settings(plpy, fname, svm_params.with_values(
        text, {k: v[0] for k, v in grids.items()}), "regression" if kind == "regression" else "classification")
    labels = None
    if kind == "classification":
        from . import expressions, identifiers
        src = identifiers.resolve_table(plpy, source_table, "source table")
        cols = identifiers.table_columns(plpy, src["oid"])
        col, _, _ = expressions.value_expression(plpy, dependent, cols, source_table, f"{fname}: dependent_varname")
        labels = glm_labels.distinct_labels(plpy, fname, src["sql"], col, limit=10)
        if len(labels) != 2:
            plpy.error(f"{fname}: a binary classifier needs exactly 2 label values; dependent_varname {dependent!r} "
                       f"holds {len(labels)}: {', '.join(str(v) for v in labels)}")
        labels = [str(v) for v in labels]
    elif one_class:
        labels = ["-1", "1"]
        if base["class_weight"] is None:
            base["class_weight"] = "balanced"
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, _algorithm(plpy, fname, kind, kernel_func), source_table, model_table,
        "1" if one_class else dependent, independent, grouping_col,
        {k: base[k] for k in ("lambda", "loss", "optimizer", "max_iter", "tolerance", "epsilon")} |
        {"kind": kind, "label_values": labels, "kernel_func": kernel_func, "kernel_params": kernel_params},
        label_values=None if one_class else labels)
    kname, kmap, kp_text = _kernel(plpy, fname, kernel_func, kernel_params, prep["n_features"], one_class)
    raw_prep = prep
    if kmap is not None or one_class:
        prep = _mapped_prep(plpy, schema, prep, kmap, one_class)
    # class weights from all the data (as MADlib: the folds share them)
    weights = (None if kind == "regression" else
               svm_params.class_weights(plpy, fname, base["class_weight"], labels, prep))
    chosen, cv_rows = {}, None
    if n_folds > 1 and grids:
        chosen, cv_rows = svm_cv.validate(plpy, schema, fname, prep, text, grids, n_folds, kind,
                                          lambda pr, g, s: _fit(plpy, schema, fname, pr, g, model_id, s, weights,
                                                                kind, False, quiet=True))
        base = svm_params.settings(plpy, fname, svm_params.with_values(text, chosen),
                                   "regression" if kind == "regression" else "classification")
        if one_class and base["class_weight"] is None:
            base["class_weight"] = "balanced"
    drv = _fit(plpy, schema, fname, prep, groups, model_id, base, weights, kind, verbose)
    if cv_rows is not None and val_res:
        madlib_cv.write_result(plpy, val_res, cv_rows)
    _write(plpy, schema, out, summary, prep, groups, drv, model_id, kind, labels, base, dependent, independent,
           grouping_col, kname, kp_text, kmap, n_folds, t0)
    if prep is not raw_prep:
        plpy.execute(f"DROP TABLE IF EXISTS {prep['table']}")
    return (f"{fname} ({base['loss']}, {base['optimizer']}, kernel {kname}): {out['sql']} in {len(drv.groups)} "
            f"group(s), {drv.pass_count} passes, {(time.perf_counter() - t0) * 1000.0:.0f} ms")


def _write(plpy, schema, out, summary, prep, groups, drv, model_id, kind, labels, s, dependent, independent,
           grouping_col, kname, kp_text, kmap, n_folds, t0):
    skipped = {k: sk for k, _, sk in groups}
    one_class = kind == "one_class"
    results = {key: {"coef": g.w, "loss": g.loss, "norm_of_gradient": float(np.linalg.norm(g.grad)),
                     "num_iterations": g.iterations, "converged": g.converged,
                     "num_rows_processed": g.rows - (1 if one_class else 0),
                     "num_rows_skipped": skipped.get(key, 0), "dep_var_mapping": labels}
               for key, g in drv.groups.items()}
    glm_output.write_table(plpy, out["sql"], prep, [
        ("coef", "float8[]"), ("loss", "float8"), ("norm_of_gradient", "float8"), ("num_iterations", "integer"),
        ("converged", "boolean"), ("num_rows_processed", "bigint"), ("num_rows_skipped", "bigint"),
        ("dep_var_mapping", "text[]")], results)
    n_all = sum(r["num_rows_processed"] for r in results.values())
    method = {"classification": "SVC", "regression": "SVR", "one_class": "SVC_one_class"}[kind]
    if kind == "regression":
        optim = (f"init_stepsize={s['lr']}, decay_factor={s['decay']}, max_iter={s['max_iter']}, "
                 f"tolerance={s['tolerance']}")
        reg = f"lambda={s['lambda']}, norm={s['norm']}, epsilon={s['epsilon']}, n_folds={n_folds}"
    else:
        optim = f"optimizer={s['optimizer']}, loss={s['loss']}, max_iter={s['max_iter']}, tolerance={s['tolerance']}"
        if s["lr"] is not None:
            optim += f", init_stepsize={s['lr']}, decay_factor={s['decay']}"
        reg = f"lambda={s['lambda']}, norm={s['norm']}, n_folds={n_folds}"
    glm_output.write_summary(plpy, summary["sql"], [
        ("method", "text", method), ("version_number", "text", "indb_ml"),
        ("source_table", "text", prep["source"]["sql"]), ("model_table", "text", out["sql"]),
        ("dependent_varname", "text", None if one_class else dependent), ("independent_varname", "text", independent),
        ("feature_names", "text[]", prep["feature_names"]), ("kernel_func", "text", kname),
        ("kernel_params", "text", kp_text), ("kernel_map", "bytea", None if kmap is None else
                                              svm_kernels.to_raw(kmap)),
        ("grouping_col", "text", grouping_col), ("optim_params", "text", optim), ("reg_params", "text", reg),
        ("num_all_groups", "int4", len(groups)),
        ("num_failed_groups", "int4", sum(1 for g in drv.groups.values() if not g.converged)),
        ("total_rows_processed", "int8", n_all), ("total_rows_skipped", "int8", sum(sk for _, _, sk in groups)),
        ("dep_var_mapping", "text[]", None if kind == "regression" else labels), ("model_id", "int8", model_id)])
    train_ms = (time.perf_counter() - t0) * 1000.0
    one = next(iter(results.values())) if len(results) == 1 else None
    registry.finish(plpy, schema, model_id, {"groups": len(results), "num_rows_processed": n_all,
                                             "objective": one["loss"] if one else None, "passes": drv.pass_count},
                    [out["sql"], summary["sql"]], train_ms)
