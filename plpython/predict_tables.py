"""MADlib's table forms of prediction: elastic_net_predict(model_table, new_data_table, id_col_name,
output_table), and the helpers svm_predict (plpython/svm_predict.py) shares.

The output holds the id column, the grouping columns of a grouped model, ``prediction`` (the
mean, or the class for the binomial family). The feature expression is the model's
independent_varname, admitted by the same whitelist as at training and checked by a prepared
SELECT over the new table; rows of groups the model lacks get no prediction.
"""
from . import identifiers, prepare


def _model(plpy, model_table):
    model = identifiers.resolve_table(plpy, model_table, "model_table")
    summ = identifiers.resolve_table(plpy, plpy.quote_ident(model["schema"]) + "." +
                                     plpy.quote_ident(model["name"] + "_summary"), "the model's summary table")
    return model, summ


def _groups(plpy, fname, grouping_col, cols, new_table):
    """-> (join condition model m / source s on the grouping columns, their select list)."""
    try:
        groups = [identifiers.resolve_column(plpy, cols, g, new_table, "grouping_col")
                  for g in identifiers.parse_name_list(grouping_col, "grouping_col")]
    except identifiers.NameError_ as exc:
        plpy.error(f"{fname}: {exc}")
    match = " AND ".join(f"m.{plpy.quote_ident(g)} IS NOT DISTINCT FROM s.{plpy.quote_ident(g)}" for g in groups)
    return match or "true", "".join(f"s.{plpy.quote_ident(g)}, " for g in groups)


def elastic_net_table(plpy, schema, model_table, new_table, id_col, out_table):
    fname = "elastic_net_predict"
    model, summ = _model(plpy, model_table)
    info = plpy.execute(f"SELECT independent_varname, grouping_col, family FROM {summ['sql']}")[0]
    src = identifiers.resolve_table(plpy, new_table, "new_data_table")
    cols = identifiers.table_columns(plpy, src["oid"])
    rid = identifiers.resolve_one_column(plpy, cols, id_col, new_table, "id_col_name", f"{fname}: ")
    x_sql, _, _ = prepare._feature_sql(plpy, info["independent_varname"], cols, new_table)
    out = identifiers.resolve_output_table(plpy, out_table, "output_table")
    match, g_out = _groups(plpy, fname, info["grouping_col"], cols, new_table)
    fn = "elastic_net_binomial_predict" if info["family"] == "binomial" else "elastic_net_gaussian_predict"
    plpy.execute(f"""
        CREATE TABLE {out['sql']} AS
        SELECT s.{plpy.quote_ident(rid)}, {g_out}
               {schema}.{fn}(m.coef_all, m.intercept, s.indb_ml_features) AS prediction
        FROM (SELECT *, {x_sql} AS indb_ml_features FROM {src['sql']}) AS s
        JOIN {model['sql']} AS m ON {match}""")
    n = plpy.execute(f"SELECT count(*) AS n FROM {out['sql']}")[0]["n"]
    return f"{fname}: {out['sql']} with {n} predictions"
