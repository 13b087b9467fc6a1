"""MADlib's margins(model_table, out_table, x_design, source_table, marginal_vars) over a trained
logregr model table: average marginal effects at the model's coefficients (one robust_agg pass).

x_design may be NULL or a plain list of the variables' positions ('1, 2, 3'); MADlib's interaction
('2*3') and indicator ('i.2') terms are refused with a clear error."""
import re

import numpy as np

from . import blocks, glm_output, identifiers, passes, prepare, robust

LOGREGR_METHODS = ("logregr", "logistic", "logistic_regression", "logistic regression")


def _positions(plpy, text, what, d):
    items = [t.strip() for t in str(text).split(",")]
    if not items or any(not re.fullmatch(r"[0-9]+", t) for t in items):
        plpy.error(f"margins: {what} {text!r} must list 1-based variable positions like '1, 2, 3' "
                   f"(interaction and indicator terms are not supported)")
    pos = [int(t) for t in items]
    if any(not 1 <= p <= d for p in pos):
        plpy.error(f"margins: {what} {text!r} names positions outside 1..{d}")
    return pos


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
    if (s["method"] or "").lower() not in LOGREGR_METHODS:
        plpy.error(f"margins: the model {model['sql']} is {s['method']!r}; margins() supports logregr models here "
                   f"(margins_logregr trains and reports in one call)")
    grouping = s.get("grouping_col")
    prep = prepare.ensure(plpy, schema, source_table or s["source_table"], s["dependent_varname"],
                          s["independent_varname"], grouping)
    d = prep["n_features"]
    if x_design is not None and _positions(plpy, x_design, "x_design", d) != list(range(1, d + 1)):
        plpy.error(f"margins: x_design {x_design!r} must list the {d} variables in order (1, ..., {d}); "
                   f"interaction and indicator terms are not supported")
    idx = None if marginal_vars is None else [p - 1 for p in _positions(plpy, marginal_vars, "marginal_vars", d)]
    prep["caller"] = "margins"
    coefs = {r["gkey"]: np.asarray(r["coef"], dtype=float) for r in plpy.execute(
        f"SELECT {passes.group_key_sql(prep, 'm.')} AS gkey, m.coef FROM {model['sql']} AS m "
        f"WHERE m.coef IS NOT NULL")}
    bad = [k for k, c in coefs.items() if c.shape != (d,)]
    if bad:
        plpy.error(f"margins: the model's coef has {coefs[bad[0]].size} entries but {s['independent_varname']} "
                   f"has {d} features")
    tasks = {k: blocks.to_bytes(c) for k, c in coefs.items()}
    states, _ = passes.run(plpy, prep, f"{schema}.robust_agg(p.x, p.y, p.n, {{task}}, 'logistic')", tasks)
    variables = list(range(1, d + 1)) if idx is None else [i + 1 for i in idx]
    results = {}
    for key, coef in coefs.items():
        st = passes.combine(states.get(key, []), robust.merge)
        if st is None:
            continue
        me, se, z, p = robust.margins(blocks.from_bytes(st), coef, idx)
        results[key] = {"variables": variables, "margins": me, "std_err": se, "z_stats": z, "p_values": p}
    glm_output.write_table(plpy, out["sql"], prep, [("variables", "integer[]"), ("margins", "float8[]"),
                                                    ("std_err", "float8[]"), ("z_stats", "float8[]"),
                                                    ("p_values", "float8[]")], results)
    return f"margins: {out['sql']} for {len(results)} group(s) of {model['sql']}"
