"""Multinomial logistic regression with a reference category (MADlib's ``multinom``, link logit).

P(y = c | x) / P(y = ref | x) = exp(x·β_c). The passes are the softmax family's (value, score and
Hessian over the packed blocks, per group) with the reference column of W held at zero; Newton
steps on the free coefficients until the log-likelihood changes by less than the tolerance (then
one last step, as MADlib's IRLS). Output as MADlib: one row per (group, category ≠ ref):
category, ref_category, coef, log_likelihood, std_err, z_stats, p_values, odds_ratios, condition_no,
num_rows_processed, num_iterations.
"""
import time

import numpy as np

from . import expressions, glm, glm_driver, glm_labels, glm_output, glm_solvers, identifiers, linregr, registry, stats


def train(plpy, schema, source_table, out_table, dependent, independent, ref_category, link_func, grouping_col,
          optim_params, verbose):
    t0 = time.perf_counter()
    fname = "multinom"
    if link_func is not None and link_func.strip().lower() != "logit":
        plpy.error(f"{fname}: link_func {link_func!r} is not supported; only logit")
    opt = glm.parse_params(plpy, fname, optim_params, {"max_iter": int, "optimizer": glm._text, "tolerance": float})
    if opt.get("optimizer", "irls") not in ("irls", "newton"):
        plpy.error(f"{fname}: optimizer {opt['optimizer']!r} is not one of irls, newton")
    max_iter, tol = opt.get("max_iter", 100), opt.get("tolerance", 1e-4)
    glm_driver.check_common(plpy, fname, max_iter, tol)
    src = identifiers.resolve_table(plpy, source_table, "source table")
    cols = identifiers.table_columns(plpy, src["oid"])
    col, _, _ = expressions.value_expression(plpy, dependent, cols, source_table, f"{fname}: dependent_varname")
    labels = [str(v) for v in glm_labels.distinct_labels(plpy, fname, src["sql"], col)]
    if len(labels) < 2:
        plpy.error(f"{fname}: the label needs at least 2 categories; {dependent!r} holds {', '.join(labels)}")
    # MADlib's default reference is '0'; a label without that value falls back to its first category
    ref = str(ref_category) if ref_category is not None else ("0" if "0" in labels else labels[0])
    if ref not in labels:
        plpy.error(f"{fname}: ref_category {ref_category!r} is not a value of {dependent!r} ({', '.join(labels)})")
    k, r = len(labels), labels.index(ref)
    f = fit(plpy, schema, fname, "multinom", source_table, out_table, dependent, independent, grouping_col,
            labels, r, max_iter, tol, {"ref_category": ref, "link": "logit", "max_iter": max_iter, "tolerance": tol,
                                       "label_values": labels, "k": k, "kind": "classification"}, verbose)
    out, summary, prep, groups, model_id, fits, free, d, drv = (
        f["out"], f["summary"], f["prep"], f["groups"], f["model_id"], f["fits"], f["free"], f["d"], f["drv"])
    rows = []
    others = [c for c in range(k) if c != r]
    for key, f in fits.items():
        W = f["w"].reshape(d, k)
        Hf = f["hess"][np.ix_(free, free)]
        _, inv = glm_solvers.equilibrated_solve(Hf, np.zeros(len(free)))
        se_free = np.sqrt(np.clip(np.diag(inv), 0, None))
        se = np.zeros(d * k)
        se[free] = se_free
        se = se.reshape(d, k)
        for c in others:
            z = W[:, c] / se[:, c]
            rows.append((key, {"category": labels[c], "ref_category": ref, "coef": W[:, c], "log_likelihood": f["ll"],
                               "std_err": se[:, c], "z_stats": z,
                               "p_values": [stats.normal_two_sided_p(float(v)) for v in z],
                               "odds_ratios": np.exp(np.minimum(W[:, c], 700.0)),
                               "condition_no": linregr.condition_number(Hf), "num_rows_processed": f["n"],
                               "num_iterations": f["iterations"], "converged": f["converged"]}))
    glm_output.write_table(plpy, out["sql"], prep, [
        ("category", "text"), ("ref_category", "text"), ("coef", "float8[]"), ("log_likelihood", "float8"),
        ("std_err", "float8[]"), ("z_stats", "float8[]"), ("p_values", "float8[]"), ("odds_ratios", "float8[]"),
        ("condition_no", "float8"), ("num_rows_processed", "bigint"), ("num_iterations", "integer"),
        ("converged", "boolean")], rows)
    n_all = sum(f["n"] for f in fits.values())
    glm_output.write_summary(plpy, summary["sql"], [
        ("method", "text", "multinom"), ("source_table", "text", prep["source"]["sql"]),
        ("out_table", "text", out["sql"]), ("dependent_varname", "text", dependent),
        ("independent_varname", "text", independent), ("feature_names", "text[]", prep["feature_names"]),
        ("categories", "text[]", labels), ("ref_category", "text", ref), ("link_func", "text", "logit"),
        ("grouping_col", "text", grouping_col), ("optimizer_params", "text", optim_params),
        ("num_all_groups", "int4", len(groups)), ("num_rows_processed", "int8", n_all),
        ("num_rows_skipped", "int8", sum(s for _, _, s in groups)), ("model_id", "int8", model_id)])
    train_ms = (time.perf_counter() - t0) * 1000.0
    registry.finish(plpy, schema, model_id, {"groups": len(fits), "num_rows_processed": n_all,
                                             "passes": drv.pass_count}, [out["sql"], summary["sql"]], train_ms)
    return (f"multinom ({k} categories, ref {ref}): {out['sql']} from {n_all} rows in {len(fits)} group(s), "
            f"{drv.pass_count} passes, {train_ms:.0f} ms")


def fit(plpy, schema, fname, algorithm, source_table, out_table, dependent, independent, grouping_col, labels, r,
        max_iter, tol, params, verbose):
    """Validate, pack (labels as their index in ``labels``), start the registry row and fit every group.
    -> dict out, summary, prep, groups, model_id, drv, d, k, free (indices of the non-reference
    coefficients in the d×k softmax matrix: feature-major, as MADlib's), fits {group key: dict w, hess
    (of the pass before the last step, as MADlib's IRLS), ll, n, iterations, converged}."""
    k = len(labels)
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, algorithm, source_table, out_table, dependent, independent, grouping_col, params,
        label_values=labels)
    d = prep["n_features"]
    free = np.array([j * k + c for j in range(d) for c in range(k) if c != r])
    pb = glm_driver.Problem(fname, "softmax", d, k=k, max_iter=max_iter, tolerance=tol, verbose=verbose)
    drv = glm_driver.Driver(plpy, schema, prep, pb, model_id, groups)
    fits = _newton(drv, free, k, d, max_iter, tol)
    return {"out": out, "summary": summary, "prep": prep, "groups": groups, "model_id": model_id, "drv": drv,
            "d": d, "k": k, "free": free, "fits": fits}


def _newton(drv, free, k, d, max_iter, tol):
    """Newton on the free coefficients per group; MADlib's stop (|Δ log-likelihood| < tol) and last step."""
    w = {key: np.zeros(d * k) for key in drv.groups}
    prev, fits, active = {}, {}, set(drv.groups)
    while active:
        t0 = time.perf_counter()
        res, _ = drv.evaluate("hess", {key: w[key] for key in active})
        ms = (time.perf_counter() - t0) * 1000.0
        for key in list(active):
            g = drv.groups[key]
            if key not in res:
                active.discard(key)
                continue
            st = res[key]
            g.rows = int(st["rows"])
            H, grad = st["hess"][np.ix_(free, free)], st["grad"][free]
            step = glm_solvers.equilibrated_solve(H, -grad)[0]
            ll = -st["loss"]
            drv.record(g, st["loss"] / max(st["rows"], 1), float(np.linalg.norm(grad)), float(np.linalg.norm(step)), ms)
            done = key in prev and abs(prev[key] - ll) < tol
            prev[key] = ll
            w[key][free] += step
            fits[key] = {"w": w[key].copy(), "hess": st["hess"], "ll": ll, "n": int(st["rows"]),
                         "iterations": g.iterations, "converged": done}
            if done or g.iterations >= max_iter:
                active.discard(key)
    return fits


def predict_probs(coef_rows, categories, ref, x):
    """Probabilities of every category (in ``categories`` order) from the non-reference coefficient rows."""
    x = np.asarray(x, dtype=float)
    m = {c: float(np.dot(b, x)) for c, b in zip([c for c in categories if c != ref], coef_rows)}
    m[ref] = 0.0
    v = np.array([m[c] for c in categories])
    e = np.exp(v - v.max())
    return (e / e.sum()).tolist()


def predict(plpy, schema, model_table, source_table, output_table, predict_type, id_column):
    """MADlib's multinom_predict: output_table (id, category) for 'response', (id, category, prob) for 'prob'."""
    fname = "multinom_predict"
    kind = (predict_type or "response").strip().lower()
    if kind not in ("response", "prob", "probability"):
        plpy.error(f"{fname}: predict_type {predict_type!r} is not one of response, prob")
    model = identifiers.resolve_table(plpy, model_table, "model_table")
    summ = identifiers.resolve_table(plpy, plpy.quote_ident(model["schema"]) + "." +
                                     plpy.quote_ident(model["name"] + "_summary"), "the model's summary table")
    info = plpy.execute(f"SELECT independent_varname, categories, ref_category, grouping_col FROM {summ['sql']}")[0]
    if info["grouping_col"]:
        plpy.error(f"{fname}: model {model_table} is grouped; predict per group with a WHERE on the source")
    coefs = plpy.execute(plpy.prepare(f"SELECT array_agg(coef ORDER BY array_position($1, category)) AS c "
                                      f"FROM {model['sql']}", ["text[]"]), [info["categories"]])[0]["c"]
    src = identifiers.resolve_table(plpy, source_table, "predict_table_input")
    cols = identifiers.table_columns(plpy, src["oid"])
    from . import prepare
    x_sql, _, _ = prepare._feature_sql(plpy, info["independent_varname"], cols, source_table)
    id_sql = expressions.value_expression(plpy, id_column, cols, source_table, f"{fname}: id_column")[0] \
        if id_column else "NULL::integer"
    out = identifiers.resolve_output_table(plpy, output_table, "output_table")
    probs = f"{schema}.multinom_probs($1, $2, $3, {x_sql})"
    if kind == "response":
        sel = (f"SELECT id, $2[(SELECT i FROM unnest(p) WITH ORDINALITY AS t(v, i) ORDER BY v DESC, i LIMIT 1)] "
               f"AS category FROM (SELECT {id_sql} AS id, {probs} AS p FROM {src['sql']}) AS s")
    else:
        sel = (f"SELECT s.id, t.category, t.prob FROM (SELECT {id_sql} AS id, {probs} AS p FROM {src['sql']}) AS s "
               f"CROSS JOIN LATERAL unnest($2, s.p) AS t(category, prob)")
    plpy.execute(plpy.prepare(f"CREATE TABLE {out['sql']} AS {sel}", ["float8[]", "text[]", "text"]),
                 [coefs, info["categories"], info["ref_category"]])
    return f"{fname}: {out['sql']}"
