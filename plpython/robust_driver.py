"""Drivers of robust_variance_{linregr,logregr}, clustered_variance_{linregr,logregr} and
margins_logregr: fit the coefficients (OLS pass, or the logregr IRLS driver), then one pass of
robust_agg over the same packed blocks with each group's coefficients as the pass's task."""
import time

import numpy as np

from . import blocks, glm_driver, glm_labels, glm_output, linregr, passes, registry, suffstats_driver

LOGREGR_DEFAULTS = {"max_iter": 20, "optimizer": "irls", "tolerance": 1e-4}
LOGREGR_OPTIMIZERS = {"irls": "newton", "newton": "newton", "lbfgs": "lbfgs", "cg": "lbfgs"}


def fit(plpy, schema, fname, family, source_table, out_table, dependent, independent, grouping_cols,
        max_iter=None, optimizer=None, tolerance=None, verbose=False, extra_params=None):
    """-> (out, summary, prep, groups, model_id, {group key: coef}, params text)."""
    params = dict(extra_params or {})
    if family == "logistic":
        max_iter = LOGREGR_DEFAULTS["max_iter"] if max_iter is None else max_iter
        tolerance = LOGREGR_DEFAULTS["tolerance"] if tolerance is None else tolerance
        opt = (optimizer or LOGREGR_DEFAULTS["optimizer"]).strip().lower()
        glm_driver.check_common(plpy, fname, max_iter, tolerance, opt, set(LOGREGR_OPTIMIZERS))
        params.update({"optimizer": opt, "max_iter": max_iter, "tolerance": tolerance})
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, fname, source_table, out_table, dependent, independent, grouping_cols, params)
    prep["caller"] = fname
    if family == "linear":
        states, _, _ = suffstats_driver.linregr_by_group(plpy, schema, prep, groups)
        coefs = {}
        for key, rows, _ in groups:
            if rows > 0:
                coefs[key] = np.asarray(linregr.solve(blocks.from_bytes(states[key]))["coef"], dtype=float)
        return out, summary, prep, groups, model_id, coefs, None
    pb = glm_driver.Problem(fname, "logistic", prep["n_features"], optimizer=LOGREGR_OPTIMIZERS[opt],
                            max_iter=max_iter, tolerance=tolerance, verbose=verbose, madlib_irls=True)
    drv = glm_driver.Driver(plpy, schema, prep, pb, model_id, groups)
    drv.label_check = glm_labels.label_checker(plpy, fname, prep, dependent,
                                               "logistic regression needs boolean or 0/1 labels")
    glm_labels.check_two_classes(plpy, fname, prep, dependent, grouping_cols, schema, groups)
    drv.run()
    coefs = {k: np.asarray(g.w, dtype=float) for k, g in drv.groups.items()}
    return (out, summary, prep, groups, model_id, coefs,
            f"optimizer={opt}, max_iter={max_iter}, tolerance={tolerance}")


def robust_states(plpy, schema, prep, coefs, family):
    """One pass: {group key: robust state (float array)} at each group's coefficients."""
    tasks = {k: blocks.to_bytes(c) for k, c in coefs.items()}
    states, ms = passes.run(plpy, prep, f"{schema}.robust_agg(p.x, p.y, p.n, {{task}}, '{family}')", tasks)
    from . import robust
    return {k: blocks.from_bytes(passes.combine(states.get(k, []), robust.merge)) for k in coefs}, ms


def finish(plpy, schema, fname, out, summary, prep, groups, model_id, results, cols, dependent, independent,
           grouping_cols, opt_params, t0):
    glm_output.write_table(plpy, out["sql"], prep, cols, results)
    n_all = sum(r for _, r, _ in groups)
    n_skip = sum(s for _, _, s in groups)
    fields = [("method", "text", fname), ("source_table", "text", prep["source"]["sql"]),
              ("out_table", "text", out["sql"]), ("dependent_varname", "text", dependent),
              ("independent_varname", "text", independent), ("feature_names", "text[]", prep["feature_names"]),
              ("num_rows_processed", "int8", n_all), ("num_missing_rows_skipped", "int8", n_skip),
              ("grouping_col", "text", grouping_cols), ("model_id", "int8", model_id)]
    if opt_params:
        fields.insert(6, ("optimizer_params", "text", opt_params))
    glm_output.write_summary(plpy, summary["sql"], fields)
    ms = (time.perf_counter() - t0) * 1000.0
    registry.finish(plpy, schema, model_id, {"groups": len(results), "num_rows_processed": n_all,
                                             "num_missing_rows_skipped": n_skip},
                    [out["sql"], summary["sql"]], ms)
    return f"{fname}: {out['sql']} from {n_all} rows ({n_skip} skipped) in {len(results)} group(s), {ms:.0f} ms"


def robust_variance(plpy, schema, family, source_table, out_table, dependent, independent, grouping_cols,
                    max_iter=None, optimizer=None, tolerance=None, verbose=False):
    from . import robust
    t0 = time.perf_counter()
    fname = "robust_variance_linregr" if family == "linear" else "robust_variance_logregr"
    out, summary, prep, groups, model_id, coefs, opt_params = fit(
        plpy, schema, fname, family, source_table, out_table, dependent, independent, grouping_cols,
        max_iter, optimizer, tolerance, verbose)
    states, _ = robust_states(plpy, schema, prep, coefs, family)
    stat = "t_stats" if family == "linear" else "z_stats"
    results = {}
    for key, coef in coefs.items():
        se, z, p, _ = robust.sandwich(states[key], coef, family)
        results[key] = {"coef": coef, "std_err": se, stat: z, "p_values": p}
    cols = [("coef", "float8[]"), ("std_err", "float8[]"), (stat, "float8[]"), ("p_values", "float8[]")]
    return finish(plpy, schema, fname, out, summary, prep, groups, model_id, results, cols, dependent,
                  independent, grouping_cols, opt_params, t0)


def margins_logregr(plpy, schema, source_table, out_table, dependent, independent, grouping_cols, marginal_vars,
                    max_iter=None, optimizer=None, tolerance=None, verbose=False):
    from . import robust
    t0 = time.perf_counter()
    fname = "margins_logregr"
    out, summary, prep, groups, model_id, coefs, opt_params = fit(
        plpy, schema, fname, "logistic", source_table, out_table, dependent, independent, grouping_cols,
        max_iter, optimizer, tolerance, verbose, {"marginal_vars": marginal_vars})
    d = prep["n_features"]
    idx = None
    if marginal_vars is not None:
        bad = [v for v in marginal_vars if v is None or not 1 <= v <= d]
        if bad or not marginal_vars:
            plpy.error(f"{fname}: marginal_vars must hold 1-based positions of {independent} (1..{d}), "
                       f"got {list(marginal_vars)}")
        idx = [int(v) - 1 for v in marginal_vars]
    states, _ = robust_states(plpy, schema, prep, coefs, "logistic")
    results = {}
    for key, coef in coefs.items():
        me, se, z, p = robust.margins(states[key], coef, idx)
        results[key] = {"margins": me, "std_err": se, "z_stats": z, "p_values": p}
    cols = [("margins", "float8[]"), ("std_err", "float8[]"), ("z_stats", "float8[]"), ("p_values", "float8[]")]
    return finish(plpy, schema, fname, out, summary, prep, groups, model_id, results, cols, dependent,
                  independent, grouping_cols, opt_params, t0)


def cluster_states(plpy, schema, fname, prep, source_table, dependent, independent, grouping_cols, clustervar,
                   tasks, aggregate, merge, label_values=None):
    """Pack the source grouped by (grouping columns, cluster columns) and run ``aggregate`` (SQL with a
    {task} placeholder) once over it, each cluster with its group's task.
    -> {group key: [one state (float array) per cluster]}."""
    from . import grouping, identifiers, prepare
    try:
        cluster_items = identifiers.parse_name_list(clustervar, "clustervar")
    except Exception as e:
        plpy.error(f"{fname}: {e}")
    src = identifiers.resolve_table(plpy, source_table, "source_table")
    cols = identifiers.table_columns(plpy, src["oid"])
    # grouping columns or expressions (as at training), then the cluster columns not among them
    groups = grouping.resolve(plpy, grouping_cols, cols, source_table) if grouping_cols else []
    names = {g["name"] for g in groups}
    both = [plpy.quote_ident(g["name"]) if g["sql"] is None else g["name"] for g in groups]
    both += [plpy.quote_ident(identifiers.resolve_column(plpy, cols, item, source_table, "clustervar"))
             for item in cluster_items
             if identifiers.resolve_column(plpy, cols, item, source_table, "clustervar") not in names]
    prep2 = prepare.ensure(plpy, schema, source_table, dependent, independent, ", ".join(both),
                           label_values=label_values)
    prep2["caller"] = fname
    k2_sql = passes.group_key_sql(prep2)
    k1_sql = passes.group_key_sql({"group_sql": prep2["group_sql"][:len(prep["group_sql"])]})
    owner = {r["k2"]: r["k1"] for r in plpy.execute(
        f"SELECT DISTINCT {k2_sql} AS k2, {k1_sql} AS k1 FROM {prep2['table']} WHERE n > 0")}
    states, _ = passes.run(plpy, prep2, f"{schema}.{aggregate}",
                           {k2: tasks[k1] for k2, k1 in owner.items() if k1 in tasks})
    per_group = {}
    for k2, k1 in owner.items():
        st = passes.combine(states.get(k2, []), merge)
        if st is not None and k1 in tasks:
            per_group.setdefault(k1, []).append(blocks.from_bytes(st))
    return per_group


def clustered_variance(plpy, schema, family, source_table, out_table, dependent, independent, clustervar,
                       grouping_cols, max_iter=None, optimizer=None, tolerance=None, verbose=False):
    """Fit per group, then pack the source grouped by (grouping columns, cluster columns) and run
    robust_agg once over it: each cluster's state carries its score sum."""
    from . import robust
    t0 = time.perf_counter()
    fname = "clustered_variance_linregr" if family == "linear" else "clustered_variance_logregr"
    if clustervar is None or not str(clustervar).strip():
        plpy.error(f"{fname}: clustervar is empty: give the cluster column(s)")
    out, summary, prep, groups, model_id, coefs, opt_params = fit(
        plpy, schema, fname, family, source_table, out_table, dependent, independent, grouping_cols,
        max_iter, optimizer, tolerance, verbose, {"clustervar": clustervar})
    tasks = {k: blocks.to_bytes(c) for k, c in coefs.items()}
    per_group = cluster_states(plpy, schema, fname, prep, source_table, dependent, independent, grouping_cols,
                               clustervar, tasks, f"robust_agg(p.x, p.y, p.n, {{task}}, '{family}')", robust.merge)
    stat = "t_stats" if family == "linear" else "z_stats"
    results = {}
    for key, coef in coefs.items():
        cl = per_group.get(key, [])
        if len(cl) < 2:
            plpy.warning(f"{fname}: a group has {len(cl)} cluster(s); clustered standard errors need at least 2")
        se, z, p, _ = robust.clustered(cl, coef, family) if cl else (None, None, None, None)
        results[key] = {"coef": coef, "std_err": se, stat: z, "p_values": p}
    cols = [("coef", "float8[]"), ("std_err", "float8[]"), (stat, "float8[]"), ("p_values", "float8[]")]
    return finish(plpy, schema, fname, out, summary, prep, groups, model_id, results, cols, dependent,
                  independent, grouping_cols, opt_params, t0)
