"""Drivers of MADlib's multinomial-logistic family: mlogregr_train, robust_variance_mlogregr,
clustered_variance_mlogregr, margins_mlogregr (and margins() over an mlogregr model).

Each fits the model with multinom's Newton passes (labels 0..K-1, MADlib's IRLS stop and last
step), then, where needed, runs one mlogregr_stats_agg pass over the same packed blocks with each
group's coefficients as the pass's task (plpython/mlogregr.py). Covariances reuse robust.py's
sandwich, cluster-robust and Wald kernels. Results come out as MADlib's: one row per non-reference
category, coefficient arrays over the features of independent_varname.
"""
import time

import numpy as np

from . import blocks, expressions, glm, glm_driver, glm_labels, glm_output, identifiers, linregr
from . import mlogregr, multinom, passes, registry, robust

PARAMS = {"max_iter": int, "max_num_iterations": int, "optimizer": glm._text, "tolerance": float, "precision": float}


def parse_params(plpy, fname, text):
    """MADlib's optimizer_params: max_iter (max_num_iterations), optimizer irls|newton, tolerance (precision)."""
    opt = glm.parse_params(plpy, fname, text, PARAMS)
    max_iter = opt.get("max_iter", opt.get("max_num_iterations", 20))
    tol = opt.get("tolerance", opt.get("precision", 1e-4))
    optimizer = opt.get("optimizer", "irls")
    if optimizer not in ("irls", "newton"):
        plpy.error(f"{fname}: optimizer {optimizer!r} is not one of irls, newton")
    glm_driver.check_common(plpy, fname, max_iter, tol)
    return max_iter, optimizer, tol


def params_text(max_iter, optimizer, tol):
    return f"max_iter={max_iter}, optimizer={optimizer}, tolerance={tol}"


def categories(plpy, fname, source_table, dependent, ref_category):
    """MADlib's labels: the integers 0..K-1 (K ≥ 2); ref_category one of them (NULL: 0)."""
    src = identifiers.resolve_table(plpy, source_table, "source_table")
    cols = identifiers.table_columns(plpy, src["oid"])
    col, _, _ = expressions.value_expression(plpy, dependent, cols, source_table, f"{fname}: dependent_varname")
    labels = [str(v) for v in glm_labels.distinct_labels(plpy, fname, src["sql"], col)]
    k = len(labels)
    if k < 2 or labels != [str(i) for i in range(k)]:
        shown = ", ".join(labels[:10]) + (", ..." if k > 10 else "")
        plpy.error(f"{fname}: dependent_varname {dependent} must hold the integer categories 0, 1, ..., K-1 "
                   f"(K ≥ 2) as MADlib's; it holds {shown}")
    ref = 0 if ref_category is None else int(ref_category)
    if not 0 <= ref < k:
        plpy.error(f"{fname}: ref_category {ref} is not a category of {dependent} (0..{k - 1})")
    return labels, ref


def fit(plpy, schema, fname, source_table, out_table, dependent, independent, ref_category, grouping_cols,
        optimizer_params, verbose=False, extra=None):
    """-> dict of multinom.fit plus labels, ref, m (= K-1), params (text) and per group 'B' ((K-1) × d
    after the last step), 'V' (covariance from the Hessian of the pass before it) and the fit."""
    max_iter, optimizer, tol = parse_params(plpy, fname, optimizer_params)
    labels, ref = categories(plpy, fname, source_table, dependent, ref_category)
    params = {"ref_category": ref, "max_iter": max_iter, "optimizer": optimizer, "tolerance": tol,
              "label_values": labels, "k": len(labels), "kind": "classification"}
    params.update(extra or {})
    f = multinom.fit(plpy, schema, fname, fname, source_table, out_table, dependent, independent, grouping_cols,
                     labels, ref, max_iter, tol, params, verbose)
    k, d, free = f["k"], f["d"], f["free"]
    others = [c for c in range(k) if c != ref]
    for key, g in f["fits"].items():
        g["B"] = g["w"].reshape(d, k)[:, others].T
        g["H"] = g["hess"][np.ix_(free, free)]
        g["V"] = robust.pinv(g["H"])
    f.update({"labels": labels, "ref": ref, "m": k - 1, "params": params_text(max_iter, optimizer, tol),
              "others": others})
    return f


def stats_pass(plpy, schema, prep, ref, coefs):
    """One mlogregr_stats_agg pass: {group key: unpacked state} at each group's B ((K-1) × d)."""
    tasks = {key: mlogregr.task(ref, B) for key, B in coefs.items()}
    states, _ = passes.run(plpy, prep, f"{schema}.mlogregr_stats_agg(p.x, p.y, p.n, {{task}})", tasks)
    out = {}
    for key in coefs:
        st = passes.combine(states.get(key, []), mlogregr.merge)
        if st is not None:
            out[key] = mlogregr.unpack(blocks.from_bytes(st))
    return out


def category_rows(f, per_group):
    """{group key: {column: feature-major parameter vector (numpy) or scalar}} -> [(key, row)], one row
    per non-reference category holding its slice of every vector."""
    rows = []
    for key, cols in per_group.items():
        split = {name: mlogregr.by_category(v, f["m"]) for name, v in cols.items() if isinstance(v, np.ndarray)}
        for c_pos, c in enumerate(f["others"]):
            row = {"category": c, "ref_category": f["ref"]}
            row.update({name: split[name][c_pos] if name in split else v for name, v in cols.items()})
            rows.append((key, row))
    return rows


def wald_columns(coef_vec, cov, name="coef"):
    se, z, p = robust.wald(coef_vec, cov)
    return {name: coef_vec, "std_err": se, "z_stats": z, "p_values": p}


STAT_COLUMNS = [("category", "integer"), ("ref_category", "integer"), ("coef", "float8[]"),
                ("std_err", "float8[]"), ("z_stats", "float8[]"), ("p_values", "float8[]")]


def summary_fields(f, dependent, independent, grouping_cols, n_all, n_skip, extra=()):
    """MADlib's mlogregr summary columns (+ grouping_col and our model_id)."""
    fields = [("method", "text", "mlogregr"), ("source_table", "text", f["prep"]["source"]["sql"]),
              ("out_table", "text", f["out"]["sql"]), ("dependent_varname", "text", dependent),
              ("independent_varname", "text", independent), ("optimizer_params", "text", f["params"]),
              ("ref_category", "int4", f["ref"]), ("num_categories", "int4", f["m"] + 1),
              ("num_rows_processed", "int8", n_all), ("num_missing_rows_skipped", "int8", n_skip)]
    return fields + list(extra) + [("grouping_col", "text", grouping_cols), ("model_id", "int8", f["model_id"])]


def finish(plpy, schema, fname, f, columns, rows, dependent, independent, grouping_cols, t0, extra=()):
    glm_output.write_table(plpy, f["out"]["sql"], f["prep"], columns, rows)
    n_all = sum(g["n"] for g in f["fits"].values())
    n_skip = sum(s for _, _, s in f["groups"])
    glm_output.write_summary(plpy, f["summary"]["sql"],
                             summary_fields(f, dependent, independent, grouping_cols, n_all, n_skip, extra))
    ms = (time.perf_counter() - t0) * 1000.0
    registry.finish(plpy, schema, f["model_id"], {"groups": len(f["fits"]), "num_rows_processed": n_all,
                                                  "num_missing_rows_skipped": n_skip},
                    [f["out"]["sql"], f["summary"]["sql"]], ms)
    return (f"{fname}: {f['out']['sql']} ({f['m'] + 1} categories, reference {f['ref']}) from {n_all} rows "
            f"({n_skip} skipped) in {len(f['fits'])} group(s), {ms:.0f} ms")


def condition_number(H):
    """MADlib's mlogregr condition_no: λmax/λmin of XᵀAX itself (its documented 280069.03 for the
    test3 example, 106329 for the patients data), the square of logregr's κ of the design."""
    return linregr.condition_number(H) ** 2


def train(plpy, schema, source_table, out_table, dependent, independent, ref_category, optimizer_params,
          fname="mlogregr_train"):
    """mlogregr_train: MADlib's model table and summary (variance_covariance, coef as (K-1) × d)."""
    t0 = time.perf_counter()
    f = fit(plpy, schema, fname, source_table, out_table, dependent, independent, ref_category, None,
            optimizer_params)
    per_group = {}
    for key, g in f["fits"].items():
        b = mlogregr.flat(g["B"])
        cols = wald_columns(b, g["V"])
        cols.update({"loglikelihood": g["ll"], "odd_ratios": np.exp(np.minimum(b, 700.0)),
                     "condition_no": condition_number(g["H"]), "num_iterations": g["iterations"]})
        per_group[key] = cols
    columns = STAT_COLUMNS[:3] + [("loglikelihood", "float8")] + STAT_COLUMNS[3:] + [
        ("odd_ratios", "float8[]"), ("condition_no", "float8"), ("num_iterations", "integer")]
    g = next(iter(f["fits"].values()))   # mlogregr_train has no grouping: one model
    extra = [("variance_covariance", "float8[]", g["V"].tolist()), ("coef", "float8[]", g["B"].tolist())]
    return finish(plpy, schema, fname, f, columns, category_rows(f, per_group), dependent, independent, None, t0,
                  extra)


def robust_variance(plpy, schema, source_table, out_table, dependent, independent, ref_category, grouping_cols,
                    optimizer_params, verbose=False):
    """robust_variance_mlogregr: Huber-White (HC0) sandwich at the fitted coefficients."""
    t0 = time.perf_counter()
    fname = "robust_variance_mlogregr"
    f = fit(plpy, schema, fname, source_table, out_table, dependent, independent, ref_category, grouping_cols,
            optimizer_params, verbose)
    sts = stats_pass(plpy, schema, f["prep"], f["ref"], {k: g["B"] for k, g in f["fits"].items()})
    per_group = {key: wald_columns(mlogregr.flat(f["fits"][key]["B"]), robust.hc0(st["bread"], st["meat"]))
                 for key, st in sts.items()}
    return finish(plpy, schema, fname, f, STAT_COLUMNS, category_rows(f, per_group), dependent, independent,
                  grouping_cols, t0)


def clustered_variance(plpy, schema, source_table, out_table, dependent, independent, clustervar, ref_category,
                       grouping_cols, optimizer_params, verbose=False):
    """clustered_variance_mlogregr: cluster-robust covariance, MADlib's factor G/(G-1)·(n-1)/(n-p)."""
    from . import robust_driver
    t0 = time.perf_counter()
    fname = "clustered_variance_mlogregr"
    if clustervar is None or not str(clustervar).strip():
        plpy.error(f"{fname}: clustervar is empty: give the cluster column(s)")
    f = fit(plpy, schema, fname, source_table, out_table, dependent, independent, ref_category, grouping_cols,
            optimizer_params, verbose, {"clustervar": clustervar})
    tasks = {k: mlogregr.task(f["ref"], g["B"]) for k, g in f["fits"].items()}
    clusters = robust_driver.cluster_states(plpy, schema, fname, f["prep"], source_table, dependent, independent,
                                            grouping_cols, clustervar, tasks, "mlogregr_stats_agg(p.x, p.y, p.n, {task})",
                                            mlogregr.merge, f["labels"])
    per_group = {}
    for key, g in f["fits"].items():
        cl = [mlogregr.unpack(s) for s in clusters.get(key, [])]
        if len(cl) < 2:
            plpy.warning(f"{fname}: a group has {len(cl)} cluster(s); clustered standard errors need at least 2")
        if not cl:
            continue
        bread = sum(c["bread"] for c in cl)
        U = np.array([c["score"] for c in cl])
        n = sum(c["n"] for c in cl)
        per_group[key] = wald_columns(mlogregr.flat(g["B"]), robust.cluster_robust(bread, U, n))
    return finish(plpy, schema, fname, f, STAT_COLUMNS, category_rows(f, per_group), dependent, independent,
                  grouping_cols, t0, [("clustervar", "text", clustervar)])


def _marginal_index(plpy, fname, marginal_vars, d):
    if marginal_vars is None or not len(marginal_vars):
        return list(range(d))
    bad = [v for v in marginal_vars if v is None or not 1 <= v <= d]
    if bad:
        plpy.error(f"{fname}: marginal_vars must hold 1-based positions of independent_varname (1..{d}), "
                   f"got {list(marginal_vars)}")
    return [int(v) - 1 for v in marginal_vars]


def margins_columns(f, st, V, idx):
    """Margins of the chosen variables (0-based) per category, delta-method statistics."""
    me, cov = mlogregr.margins(st, V)
    sel = [j * f["m"] + c for j in idx for c in range(f["m"])]
    se, z, p = robust.wald(me[sel], cov[np.ix_(sel, sel)])
    m = f["m"]
    cat = lambda v: np.asarray(v).reshape(len(idx), m).T   # noqa: E731  (variables × categories -> per category)
    return {"margins": cat(me[sel]), "std_err": cat(se), "z_stats": cat(z), "p_values": cat(p)}


def margins_rows(f, per_group, variables=None):
    rows = []
    for key, cols in per_group.items():
        for c_pos, c in enumerate(f["others"]):
            row = {"category": c, "ref_category": f["ref"]}
            if variables is not None:
                row["variables"] = variables
            row.update({name: v[c_pos] for name, v in cols.items()})
            rows.append((key, row))
    return rows


MARGIN_COLUMNS = [("margins", "float8[]"), ("std_err", "float8[]"), ("z_stats", "float8[]"), ("p_values", "float8[]")]


def margins(plpy, schema, source_table, out_table, dependent, independent, ref_category, grouping_cols,
            marginal_vars, optimizer_params, verbose=False):
    """margins_mlogregr: average marginal effects per non-reference category, delta-method standard
    errors from the information matrix at the fitted coefficients (MADlib's marginal_mlogregr)."""
    t0 = time.perf_counter()
    fname = "margins_mlogregr"
    f = fit(plpy, schema, fname, source_table, out_table, dependent, independent, ref_category, grouping_cols,
            optimizer_params, verbose, {"marginal_vars": None if marginal_vars is None else list(marginal_vars)})
    idx = _marginal_index(plpy, fname, marginal_vars, f["d"])
    sts = stats_pass(plpy, schema, f["prep"], f["ref"], {k: g["B"] for k, g in f["fits"].items()})
    per_group = {key: margins_columns(f, st, robust.pinv(st["bread"]), idx) for key, st in sts.items()}
    return finish(plpy, schema, fname, f, STAT_COLUMNS[:2] + MARGIN_COLUMNS, margins_rows(f, per_group),
                  dependent, independent, grouping_cols, t0)


def margins_of_model(plpy, schema, prep, summary_row, model_sql, out_sql, idx):
    """margins() over an mlogregr_train model: the summary's coef and variance_covariance (MADlib)."""
    B = np.asarray(summary_row["coef"], dtype=float)
    V = np.asarray(summary_row["variance_covariance"], dtype=float)
    m, d = B.shape
    if d != prep["n_features"] or V.shape != (m * d, m * d):
        plpy.error(f"margins: the model {model_sql} has coefficients for {d} features but "
                   f"{summary_row['independent_varname']} has {prep['n_features']}")
    ref = int(summary_row["ref_category"])
    f = {"m": m, "d": d, "ref": ref, "others": [c for c in range(m + 1) if c != ref]}
    sts = stats_pass(plpy, schema, prep, ref, {"": B})
    idx = list(range(d)) if idx is None else idx
    per_group = {key: margins_columns(f, st, V, idx) for key, st in sts.items()}
    glm_output.write_table(plpy, out_sql, prep, STAT_COLUMNS[:2] + [("variables", "integer[]")] + MARGIN_COLUMNS,
                           margins_rows(f, per_group, [i + 1 for i in idx]))
    return f"margins: {out_sql} ({m} categories against reference {ref}) of {model_sql}"


def predict(plpy, schema, model_table, source_table, id_col_name, output_table, pred_type):
    """mlogregr_predict: output_table (id, estimated_<dependent>) for 'response', (id,
    estimated_prob_0, ..., estimated_prob_<K-1>) for 'prob'. An id_col_name that is not a column of
    the source is evaluated as an expression into the column mlogregr_predict_id (MADlib)."""
    from . import prepare
    fname = "mlogregr_predict"
    kind = (pred_type or "response").strip().lower()
    if kind not in ("response", "prob"):
        plpy.error(f"{fname}: type {pred_type!r} is not one of response, prob")
    model = identifiers.resolve_table(plpy, model_table, "model_table")
    summ = identifiers.resolve_table(plpy, plpy.quote_ident(model["schema"]) + "." +
                                     plpy.quote_ident(model["name"] + "_summary"), "the model's summary table")
    need = ["coef", "ref_category", "num_categories", "independent_varname", "dependent_varname"]
    have = identifiers.table_columns(plpy, summ["oid"])
    if any(c not in have for c in need):
        plpy.error(f"{fname}: {summ['sql']} is not an mlogregr_train summary (it needs {', '.join(need)})")
    info = plpy.execute(f"SELECT {', '.join(need)} FROM {summ['sql']} LIMIT 1")[0]
    src = identifiers.resolve_table(plpy, source_table, "new_data_table")
    cols = identifiers.table_columns(plpy, src["oid"])
    x_sql, _, width = prepare._feature_sql(plpy, info["independent_varname"], cols, source_table)
    if id_col_name is None or not str(id_col_name).strip():
        plpy.error(f"{fname}: id_col_name is empty: give the id column")
    id_sql = expressions.value_expression(plpy, id_col_name, cols, source_table, f"{fname}: id_col_name")[0]
    try:
        items = identifiers.parse_name_list(id_col_name, "id_col_name")
    except identifiers.NameError_:
        items = []
    names = [n for n in ([items[0][1], items[0][1].lower()] if len(items) == 1 else []) if n in cols]
    id_name = names[0] if names else "mlogregr_predict_id"
    out = identifiers.resolve_output_table(plpy, output_table, "output_table")
    probs = f"{schema}.mlogregr_predict_prob($1, $2, {x_sql})"
    q = plpy.quote_ident
    if kind == "response":
        dep = str(info["dependent_varname"]).replace('"', "").strip()
        sel = (f"SELECT {id_sql} AS {q(id_name)}, {schema}.mlogregr_predict_response($1, $2, {x_sql}) "
               f"AS {q('estimated_' + dep)} FROM {src['sql']}")
    else:
        cats = ", ".join(f"p[{c + 1}] AS {q(f'estimated_prob_{c}')}" for c in range(int(info["num_categories"])))
        sel = (f"SELECT {q(id_name)}, {cats} FROM (SELECT {id_sql} AS {q(id_name)}, {probs} AS p "
               f"FROM {src['sql']}) AS s")
    plpy.execute(plpy.prepare(f"CREATE TABLE {out['sql']} AS {sel}", ["float8[]", "integer"]),
                 [info["coef"], info["ref_category"]])
    return f"{fname}: {out['sql']}"


def mlogregr_value(plpy, schema, source_table, dependent, independent, max_iter, optimizer, precision,
                   ref_category):
    """MADlib's deprecated mlogregr(...) returning one mlogregr_result: trained as mlogregr_train into
    scratch tables of the data schema, read back, and dropped with their registry row (drop_model)."""
    from . import packed_store
    if max_iter is None or optimizer is None or precision is None or ref_category is None:
        plpy.error("mlogregr: max_num_iterations, optimizer, precision and ref_category must not be NULL")
    ds, base = plpy.quote_ident(packed_store.data_schema(schema)), packed_store.new_name("_mlogr")
    name, summ = f"{ds}.{plpy.quote_ident(base)}", f"{ds}.{plpy.quote_ident(base + '_summary')}"
    opt = params_text(int(max_iter), str(optimizer).strip().lower(), float(precision))
    train(plpy, schema, source_table, name, dependent, independent, ref_category, opt, "mlogregr")
    rows = plpy.execute(f"SELECT * FROM {name} ORDER BY category")
    s = plpy.execute(f"SELECT * FROM {summ}")[0]
    plpy.execute(plpy.prepare(f"SELECT {schema}.drop_model($1)", ["text"]), [name])
    inter = lambda col: np.array([r[col] for r in rows], dtype=float).T.ravel()   # noqa: E731  (feature-major)
    return {"ref_category": s["ref_category"], "coef": inter("coef"), "log_likelihood": rows[0]["loglikelihood"],
            "std_err": inter("std_err"), "z_stats": inter("z_stats"), "p_values": inter("p_values"),
            "odds_ratios": inter("odd_ratios"), "condition_no": rows[0]["condition_no"],
            "num_iterations": rows[0]["num_iterations"], "num_processed": s["num_rows_processed"],
            "variance_covariance": s["variance_covariance"]}
