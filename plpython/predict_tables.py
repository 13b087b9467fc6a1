"""MADlib's table forms of prediction: elastic_net_predict(model_table, new_data_table, id_col_name,
output_table), and the helpers svm_predict (plpython/svm_predict.py) shares.

The output holds the id column, the grouping columns of a grouped model, ``prediction`` (the
mean, or the class for the binomial family). The feature expression is the model's
independent_varname, admitted by the same whitelist as at training and checked by a prepared
SELECT over the new table; rows of groups the model lacks get no prediction.
"""
from . import grouping, identifiers, prepare


def _model(plpy, model_table):
    model = identifiers.resolve_table(plpy, model_table, "model_table")
    summ = identifiers.resolve_table(plpy, plpy.quote_ident(model["schema"]) + "." +
                                     plpy.quote_ident(model["name"] + "_summary"), "the model's summary table")
    return model, summ


def _groups(plpy, fname, grouping_col, cols, new_table):
    """The model's grouping columns over the new table -> dict(match: join condition model m /
    source s, out: their select list, computed: what the source subquery s adds, inner: the names s
    carries them under). A grouping expression (plpython/grouping.py) is computed from the new
    table's columns as at training, and output under the model's column named by its text."""
    groups = grouping.resolve(plpy, grouping_col, cols, new_table) if grouping_col else []
    match, out, computed, inner = [], [], [], []
    for i, g in enumerate(groups):
        name = plpy.quote_ident(g["name"])
        here = name if g["sql"] is None else f"indb_ml_group_{i}"
        if g["sql"] is not None:
            computed.append(f", {g['sql']} AS {here}")
        inner.append(here)
        match.append(f"m.{name} IS NOT DISTINCT FROM s.{here}")
        out.append(f"s.{here} AS {name}, ")
    return {"match": " AND ".join(match) or "true", "out": "".join(out), "computed": "".join(computed),
            "inner": inner}


def elastic_net_table(plpy, schema, model_table, new_table, id_col, out_table):
    fname = "elastic_net_predict"
    model, summ = _model(plpy, model_table)
    info = plpy.execute(f"SELECT independent_varname, grouping_col, family FROM {summ['sql']}")[0]
    src = identifiers.resolve_table(plpy, new_table, "new_data_table")
    cols = identifiers.table_columns(plpy, src["oid"])
    rid = identifiers.resolve_one_column(plpy, cols, id_col, new_table, "id_col_name", f"{fname}: ")
    x_sql, _, _ = prepare._feature_sql(plpy, info["independent_varname"], cols, new_table)
    out = identifiers.resolve_output_table(plpy, out_table, "output_table")
    g = _groups(plpy, fname, info["grouping_col"], cols, new_table)
    fn = "elastic_net_binomial_predict" if info["family"] == "binomial" else "elastic_net_gaussian_predict"
    plpy.execute(f"""
        CREATE TABLE {out['sql']} AS
        SELECT s.{plpy.quote_ident(rid)}, {g['out']}
               {schema}.{fn}(m.coef_all, m.intercept, s.indb_ml_features) AS prediction
        FROM (SELECT *, {x_sql} AS indb_ml_features{g['computed']} FROM {src['sql']}) AS s
        JOIN {model['sql']} AS m ON {g['match']}""")
    n = plpy.execute(f"SELECT count(*) AS n FROM {out['sql']}")[0]["n"]
    return f"{fname}: {out['sql']} with {n} predictions"
