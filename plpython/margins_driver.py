"""MADlib's margins(model_table, out_table, x_design, source_table, marginal_vars) over a trained
logregr model table: average marginal effects at the model's coefficients (one robust_agg pass),
or over an mlogregr_train model (one mlogregr_stats_agg pass, per non-reference category, with the
summary's coef and variance_covariance as MADlib).

x_design (NULL: every feature a variable of its own) names the features as MADlib's: basis variables
and interaction terms ('1, 2, 3, 2*2*3'), whose logistic margins take one margins_design_agg pass
(plpython/margins_design.py); indicator terms ('i.2') are refused with a clear error. marginal_vars
lists basis identifiers; out_table's ``variables`` are their 1-based positions in independent_varname."""
import re

import numpy as np

from . import blocks, glm_output, identifiers, margins_design, mlogregr_driver, passes, prepare, robust

LOGREGR_METHODS = ("logregr", "logistic", "logistic_regression", "logistic regression")
MLOGREGR_METHODS = ("mlogregr", "multilogistic", "multilogistic_regression", "multinomial logistic regression")


def _design(plpy, x_design, marginal_vars, d):
    """-> (basis positions (0-based), E (d × basis), chosen basis indices, interactions?)."""
    try:
        if x_design is None:
            basis, pos, E = [str(i + 1) for i in range(d)], list(range(d)), np.eye(d)
        else:
            basis, pos, E = margins_design.parse(x_design)
    except ValueError as e:
        plpy.error(f"margins: x_design: {e}")
    if E.shape[0] != d:
        plpy.error(f"margins: x_design {x_design!r} has {E.shape[0]} terms but the model has {d} features")
    if marginal_vars is None or not str(marginal_vars).strip():
        chosen = list(range(len(basis)))
    else:
        text = re.sub(r"(?i)^\s*array\s*", "", str(marginal_vars)).strip(" {}[]")
        try:
            names = [margins_design._ident(t) for t in margins_design._split(text, ",")]
        except ValueError as e:
            plpy.error(f"margins: marginal_vars {marginal_vars!r}: {e}")
        bad = [n for n in names if n not in basis]
        if bad or not names:
            plpy.error(f"margins: marginal_vars {marginal_vars!r} names {', '.join(bad) or 'nothing'}, not a basis "
                       f"variable of x_design ({', '.join(basis)})")
        chosen = [basis.index(n) for n in names]
    plain = E.shape[1] == d and np.array_equal(E[pos], np.eye(d))
    return pos, E, chosen, not plain


def margins(plpy, schema, model_table, out_table, x_design, source_table, marginal_vars):
    model = identifiers.resolve_table(plpy, model_table, "model_table")
    summary = identifiers.resolve_table(
        plpy, f"{plpy.quote_ident(model['schema'])}.{plpy.quote_ident(model['name'] + '_summary')}",
        "model summary table")
    out = identifiers.resolve_output_table(plpy, out_table, "out_table")
    cols = identifiers.table_columns(plpy, summary["oid"])
    need = ["method", "source_table", "dependent_varname", "independent_varname"]
    missing = [c for c in need if c not in cols]
    if missing:
        plpy.error(f"margins: {summary['sql']} lacks {', '.join(missing)}: train the model with logregr_train")
    s = plpy.execute(f"SELECT {', '.join(need)}{', grouping_col' if 'grouping_col' in cols else ''} "
                     f"FROM {summary['sql']} LIMIT 1")[0]
    method = (s["method"] or "").lower()
    if method not in LOGREGR_METHODS + MLOGREGR_METHODS:
        plpy.error(f"margins: the model {model['sql']} is {s['method']!r}; margins() supports logregr and mlogregr "
                   f"models here (margins_logregr and margins_mlogregr train and report in one call)")
    grouping = s.get("grouping_col")
    labels = None
    if method in MLOGREGR_METHODS:   # packed as mlogregr_train packs: the label's index among 0..K-1
        k = plpy.execute(f"SELECT num_categories FROM {summary['sql']} LIMIT 1")[0]["num_categories"]
        labels = [str(i) for i in range(int(k))]
    prep = prepare.ensure(plpy, schema, source_table or s["source_table"], s["dependent_varname"],
                          s["independent_varname"], grouping, label_values=labels)
    d = prep["n_features"]
    pos, E, chosen, interactions = _design(plpy, x_design, marginal_vars, d)
    idx = [pos[u] for u in chosen]
    prep["caller"] = "margins"
    if method in MLOGREGR_METHODS:
        row = plpy.execute(f"SELECT coef, variance_covariance, ref_category, independent_varname "
                           f"FROM {summary['sql']} LIMIT 1")[0]
        if grouping:
            plpy.error(f"margins: the mlogregr model {model['sql']} is grouped; margins() takes ungrouped ones")
        if interactions:
            plpy.error("margins: interaction terms in x_design are supported for logregr models; "
                       "give an mlogregr model x_design NULL or its plain variables")
        return mlogregr_driver.margins_of_model(plpy, schema, prep, row, model["sql"], out["sql"], idx)
    coefs = {r["gkey"]: np.asarray(r["coef"], dtype=float) for r in plpy.execute(
        f"SELECT {passes.group_key_sql(prep, 'm.')} AS gkey, m.coef FROM {model['sql']} AS m "
        f"WHERE m.coef IS NOT NULL")}
    bad = [k for k, c in coefs.items() if c.shape != (d,)]
    if bad:
        plpy.error(f"margins: the model's coef has {coefs[bad[0]].size} entries but {s['independent_varname']} "
                   f"has {d} features")
    variables = [i + 1 for i in idx]
    if interactions:
        tasks = {k: margins_design.task(c, pos, E, chosen) for k, c in coefs.items()}
        agg, merge = "margins_design_agg(p.x, p.n, {task})", margins_design.merge
    else:
        tasks = {k: blocks.to_bytes(c) for k, c in coefs.items()}
        agg, merge = "robust_agg(p.x, p.y, p.n, {task}, 'logistic')", robust.merge
    states, _ = passes.run(plpy, prep, f"{schema}.{agg}", tasks)
    results = {}
    for key, coef in coefs.items():
        st = passes.combine(states.get(key, []), merge)
        if st is None:
            continue
        if interactions:
            me, cov = margins_design.margins(blocks.from_bytes(st))
            se, z, p = robust.wald(me, cov)
        else:
            me, se, z, p = robust.margins(blocks.from_bytes(st), coef, idx)
        results[key] = {"variables": variables, "margins": me, "std_err": se, "z_stats": z, "p_values": p}
    glm_output.write_table(plpy, out["sql"], prep, [("variables", "integer[]"), ("margins", "float8[]"),
                                                    ("std_err", "float8[]"), ("z_stats", "float8[]"),
                                                    ("p_values", "float8[]")], results)
    return f"margins: {out['sql']} for {len(results)} group(s) of {model['sql']}"
