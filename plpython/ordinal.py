"""Ordinal regression (MADlib's ``ordinal``, R's clm): cumulative logit or probit.

P(Y <= j | x) = F(θ_j - x·β) for the ordered categories 0..K-1 (θ_{-1} = -∞, θ_{K-1} = +∞),
F the logistic or normal distribution. One parallel-safe aggregate pass (``ordinal_pass``)
sums, over the packed blocks, the log-likelihood, its gradient and its Hessian in the
parameters (θ_0..θ_{K-2}, β); the driver takes Newton steps (halving when the likelihood
falls) until the log-likelihood changes by less than the tolerance. The kernel part (pass,
merge) has no plpy; ``train`` / ``predict`` are the drivers.
"""
import math
import time

import numpy as np

from . import blocks

_erfc = np.vectorize(math.erfc, otypes=[float])
_LOGIT, _PROBIT = 0, 1


def _cdf_pdf_dpdf(link, z):
    """F(z), f(z), f'(z) with ±inf handled (F = 0/1, f = f' = 0)."""
    z = np.clip(z, -1e300, 1e300)
    if link == _LOGIT:
        F = np.exp(-np.logaddexp(0.0, -z))
        f = F * (1.0 - F)
        return F, f, f * (1.0 - 2.0 * F)
    F = 0.5 * _erfc(-z / math.sqrt(2.0))
    f = np.exp(-0.5 * np.minimum(z * z, 1e300)) / math.sqrt(2.0 * math.pi)
    return F, f, -z * f


def pass_block(state, x_raw, y_raw, n, task):
    """Add one block: state = [rows, loglik, grad (p), hess (p*p)], p = (K - 1) + d;
    task = [link, K, d, θ (K - 1), β (d)]."""
    if x_raw is None or not n:
        return state
    t = np.asarray(task, dtype=float)
    link, K, d = int(t[0]), int(t[1]), int(t[2])
    theta, beta = t[3:3 + K - 1], t[3 + K - 1:3 + K - 1 + d]
    X = blocks.matrix(x_raw, n)
    y = blocks.vector(y_raw).astype(np.int64)
    m = K - 1
    p = m + d
    eta = X @ beta
    ext = np.concatenate([[-np.inf], theta, [np.inf]])
    a, b = ext[y + 1] - eta, ext[y] - eta          # upper and lower cut of each row's category
    Fa, fa, da = _cdf_pdf_dpdf(link, a)
    Fb, fb, db = _cdf_pdf_dpdf(link, b)
    P = np.maximum(Fa - Fb, 1e-300)
    ll = float(np.log(P).sum())
    ua, ub = fa / P, fb / P                          # d log P / d a, -(d log P / d b)
    grad = np.zeros(p)
    up, lo = y, y - 1                                # threshold indices of a and b (valid: 0..m-1)
    va, vb = up < m, lo >= 0
    np.add.at(grad, up[va], ua[va])
    np.add.at(grad, lo[vb], -ub[vb])
    grad[m:] = -(X.T @ (ua - ub))
    # second derivatives of log P in (a, b): haa, hbb, hab
    haa = da / P - ua * ua
    hbb = -db / P - ub * ub
    hab = ua * ub
    H = np.zeros((p, p))
    np.add.at(H, (up[va], up[va]), haa[va])
    np.add.at(H, (lo[vb], lo[vb]), hbb[vb])
    both = va & vb
    np.add.at(H, (up[both], lo[both]), hab[both])
    np.add.at(H, (lo[both], up[both]), hab[both])
    # β enters as a = θ_up - η, b = θ_lo - η: d/dβ = -x (d/da + d/db)
    ca = -(haa + hab)                                 # d²/(dθ_up dβ) per unit x
    cb = -(hbb + hab)
    for j in range(m):
        wa = np.where(va & (up == j), ca, 0.0) + np.where(vb & (lo == j), cb, 0.0)
        H[j, m:] = X.T @ wa
        H[m:, j] = H[j, m:]
    H[m:, m:] = (X * (haa + hbb + 2.0 * hab)[:, None]).T @ X
    block = np.concatenate([[n, ll], grad, H.ravel()])
    if state is None:
        return blocks.to_bytes(block)
    acc = blocks.from_bytes(state)
    acc += block
    return blocks.to_bytes(acc)


def merge(a, b):
    return blocks.merge_states(a, b, np.add)


# ---------------------------------------------------------------------------------------- drivers

def _parse_order(plpy, fname, text):
    cats = [c.strip() for c in str(text or "").split("<")]
    if len(cats) < 2 or any(not c for c in cats) or len(set(cats)) != len(cats):
        plpy.error(f"{fname}: category_order {text!r} must list the categories as 'a<b<c'")
    return cats


def train(plpy, schema, source_table, out_table, dependent, independent, category_order, link_func, grouping_col,
          optim_params, verbose):
    from . import glm, glm_driver, glm_output, passes, registry, session, stats
    t0 = time.perf_counter()
    fname = "ordinal"
    link = (link_func or "logit").strip().lower()
    if link not in ("logit", "probit"):
        plpy.error(f"{fname}: link_func {link_func!r} is not one of logit, probit")
    cats = _parse_order(plpy, fname, category_order)
    opt = glm.parse_params(plpy, fname, optim_params, {"max_iter": int, "optimizer": glm._text, "tolerance": float})
    max_iter, tol = opt.get("max_iter", 100), opt.get("tolerance", 1e-4)
    glm_driver.check_common(plpy, fname, max_iter, tol)
    out, summary, prep, groups, model_id = glm_driver.setup(
        plpy, schema, fname, "ordinal", source_table, out_table, dependent, independent, grouping_col,
        {"categories": cats, "link": link, "max_iter": max_iter, "tolerance": tol, "kind": "classification"},
        label_values=cats)
    d, K = prep["n_features"], len(cats)
    m = K - 1
    key_sql = passes.group_key_sql(prep, "p.")
    results = {}
    for key, _, skipped in groups:
        params = np.concatenate([np.linspace(-1.0, 1.0, m), np.zeros(d)])
        prev, it, converged, step_scale = None, 0, False, 1.0
        where = f"{key_sql} = {plpy.quote_literal(key)}" if prep["group_sql"] else "true"

        def one_pass(task, key):
            if not prep.get("shards"):
                # one-shot SQL, the task written in as numbers: a plpy.prepare'd plan is never parallel
                task_sql = "'{" + ",".join(repr(float(v)) for v in task) + "}'::float8[]"
                with session.settings(plpy, **passes.run_settings(plpy, prep)):   # JIT off, workers by size
                    return plpy.execute(f"SELECT {schema}.ordinal_pass(p.x, p.y, p.n, {task_sql}) AS s "
                                        f"FROM {prep['table']} AS p WHERE p.n > 0 AND {where}")[0]["s"]
            from . import shard_passes   # one pushed-down aggregate per shard (docs/sharding.md)
            prep["caller"] = fname
            states, _ = shard_passes.run(plpy, prep, f"{schema}.ordinal_pass(p.x, p.y, p.n, {{task}})", {key: task},
                                         task_type="float8[]")
            return shard_passes.combine(states.get(key, []), merge)
        best = None
        while it < max_iter:
            it += 1
            task = [0 if link == "logit" else 1, K, d] + params.tolist()
            raw = one_pass(task, key)
            if raw is None:
                break
            st = blocks.from_bytes(raw)
            n, ll = st[0], st[1]
            g, H = st[2:2 + m + d], st[2 + m + d:].reshape(m + d, m + d)
            if best is not None and not (ll >= best["ll"] - 1e-12 * abs(best["ll"])):
                step_scale *= 0.5           # the step lowered the likelihood: halve it
                params = best["params"] + step_scale * best["step"]
                continue
            done = best is not None and abs(ll - best["ll"]) < tol
            step = np.linalg.lstsq(-H, g, rcond=None)[0]
            best = {"params": params.copy(), "ll": ll, "n": n, "H": H, "step": step}
            if done:
                converged = True
                break
            step_scale = 1.0
            params = params + step
        if best is None:
            continue
        cov = np.linalg.pinv(-best["H"])
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        z = best["params"] / np.where(se > 0, se, np.nan)
        results[key] = {"coef_threshold": best["params"][:m], "std_err_threshold": se[:m],
                        "z_stats_threshold": z[:m], "p_values_threshold": [stats.normal_two_sided_p(v) for v in z[:m]],
                        "coef_feature": best["params"][m:], "std_err_feature": se[m:], "z_stats_feature": z[m:],
                        "p_values_feature": [stats.normal_two_sided_p(v) for v in z[m:]],
                        "log_likelihood": best["ll"], "num_rows_processed": int(best["n"]),
                        "num_rows_skipped": skipped, "num_iterations": it, "converged": converged}
    cols = [("coef_threshold", "float8[]"), ("std_err_threshold", "float8[]"), ("z_stats_threshold", "float8[]"),
            ("p_values_threshold", "float8[]"), ("log_likelihood", "float8"), ("coef_feature", "float8[]"),
            ("std_err_feature", "float8[]"), ("z_stats_feature", "float8[]"), ("p_values_feature", "float8[]"),
            ("num_rows_processed", "bigint"), ("num_rows_skipped", "bigint"), ("num_iterations", "integer"),
            ("converged", "boolean")]
    glm_output.write_table(plpy, out["sql"], prep, cols, results)
    glm_output.write_summary(plpy, summary["sql"], [
        ("method", "text", "ordinal"), ("source_table", "text", prep["source"]["sql"]),
        ("out_table", "text", out["sql"]), ("dependent_varname", "text", dependent),
        ("independent_varname", "text", independent), ("feature_names", "text[]", prep["feature_names"]),
        ("category_order", "text[]", cats), ("link_func", "text", link), ("grouping_col", "text", grouping_col),
        ("optimizer_params", "text", optim_params), ("num_all_groups", "int4", len(groups)),
        ("num_rows_processed", "int8", sum(r["num_rows_processed"] for r in results.values())),
        ("model_id", "int8", model_id)])
    train_ms = (time.perf_counter() - t0) * 1000.0
    registry.finish(plpy, schema, model_id, {"groups": len(results)}, [out["sql"], summary["sql"]], train_ms)
    return f"ordinal ({link}, {K} categories): {out['sql']}, {len(results)} group(s), {train_ms:.0f} ms"


def probabilities(link, theta, beta, x):
    """P(Y = j | x) for every category, in order."""
    if x is None or any(v is None for v in x):
        return None
    eta = float(np.dot(beta, x))
    F, _, _ = _cdf_pdf_dpdf(0 if link == "logit" else 1, np.asarray(theta, dtype=float) - eta)
    cum = np.concatenate([F, [1.0]])
    return np.diff(np.concatenate([[0.0], cum])).tolist()


def predict(plpy, schema, model_table, source_table, output_table, predict_type):
    """MADlib's ordinal_predict: every column of the source, then one probability column per category
    ('probability') or the most likely category ('response', column category)."""
    from . import identifiers, prepare
    fname = "ordinal_predict"
    kind = (predict_type or "response").strip().lower()
    if kind not in ("response", "probability", "prob"):
        plpy.error(f"{fname}: predict_type {predict_type!r} is not one of response, probability")
    model = identifiers.resolve_table(plpy, model_table, "model_table")
    summ = identifiers.resolve_table(plpy, plpy.quote_ident(model["schema"]) + "." +
                                     plpy.quote_ident(model["name"] + "_summary"), "the model's summary table")
    info = plpy.execute(f"SELECT independent_varname, category_order, link_func, grouping_col FROM {summ['sql']}")[0]
    src = identifiers.resolve_table(plpy, source_table, "source table")
    cols = identifiers.table_columns(plpy, src["oid"])
    x_sql, _, _ = prepare._feature_sql(plpy, info["independent_varname"], cols, source_table)
    out = identifiers.resolve_output_table(plpy, output_table, "output_table")
    try:
        groups = [identifiers.resolve_column(plpy, cols, g, source_table, "grouping_col")
                  for g in identifiers.parse_name_list(info["grouping_col"], "grouping_col")]
    except identifiers.NameError_ as exc:
        plpy.error(f"{fname}: {exc}")
    match = " AND ".join(f"m.{plpy.quote_ident(g)} IS NOT DISTINCT FROM s.{plpy.quote_ident(g)}" for g in groups)
    probs = (f"{schema}.ordinal_probabilities($1, m.coef_threshold, m.coef_feature, s.indb_ml_features)")
    cats = info["category_order"]
    if kind == "response":
        extra = (f"($2::text[])[(SELECT i FROM unnest({probs}) WITH ORDINALITY AS t(v, i) ORDER BY v DESC, i "
                 f"LIMIT 1)] AS category")
    else:
        extra = ", ".join(f"({probs})[{i + 1}] AS {plpy.quote_ident(c)}" for i, c in enumerate(cats))
    src_cols = ", ".join(f"s.{plpy.quote_ident(c)}" for c in cols)
    plpy.execute(plpy.prepare(
        f"CREATE TABLE {out['sql']} AS SELECT {src_cols}, {extra} "
        f"FROM (SELECT *, {x_sql} AS indb_ml_features FROM {src['sql']}) AS s "
        f"JOIN {model['sql']} AS m ON {match or 'true'}", ["text", "text[]"]), [info["link_func"], cats])
    return f"{fname}: {out['sql']}"
