"""MADlib's table form of SVM prediction: svm_predict(model_table, new_data_table, id_col_name, output_table).

The output holds the id column, ``prediction`` (the label, in the type of the training label)
and ``decision_function`` (coef·x), per row of the new data, per group when the model is
grouped. The feature expression is the model's independent_varname, admitted by the same
whitelist as at training and checked by a prepared SELECT over the new table.
"""
from . import identifiers, prepare


def predict_table(plpy, schema, model_table, new_table, id_col, out_table):
    fname = "svm_predict"
    model = identifiers.resolve_table(plpy, model_table, "model_table")
    summ = identifiers.resolve_table(plpy, plpy.quote_ident(model["schema"]) + "." +
                                     plpy.quote_ident(model["name"] + "_summary"), "the model's summary table")
    info = plpy.execute(f"SELECT source_table, dependent_varname, independent_varname, grouping_col, dep_var_mapping "
                        f"FROM {summ['sql']}")[0]
    src = identifiers.resolve_table(plpy, new_table, "new_data_table")
    cols = identifiers.table_columns(plpy, src["oid"])
    rid = identifiers.resolve_one_column(plpy, cols, id_col, new_table, "id_col_name", f"{fname}: ")
    x_sql, _, _ = prepare._feature_sql(plpy, info["independent_varname"], cols, new_table)
    # the training label's type, so that prediction compares with the label column
    train_src = identifiers.resolve_table(plpy, info["source_table"], "the model's source table")
    _, typ, _ = identifiers.value_expression(plpy, info["dependent_varname"],
                                             identifiers.table_columns(plpy, train_src["oid"]),
                                             info["source_table"], "dependent_varname")
    label_type = identifiers.render_expression(plpy, [("op", "::"), ("word", typ)], {}, new_table, fname)
    out = identifiers.resolve_output_table(plpy, out_table, "output_table")
    try:
        groups = [identifiers.resolve_column(plpy, cols, g, new_table, "grouping_col")
                  for g in identifiers.parse_name_list(info["grouping_col"], "grouping_col")]
    except identifiers.NameError_ as exc:
        plpy.error(f"{fname}: {exc}")
    match = " AND ".join(f"m.{plpy.quote_ident(g)} IS NOT DISTINCT FROM s.{plpy.quote_ident(g)}" for g in groups)
    g_out = "".join(f"s.{plpy.quote_ident(g)}, " for g in groups)
    plpy.execute(f"""
        CREATE TABLE {out['sql']} AS
        SELECT s.{plpy.quote_ident(rid)}, {g_out}
               (CASE WHEN d.v > 0 THEN m.dep_var_mapping[2] ELSE m.dep_var_mapping[1] END){label_type} AS prediction,
               d.v AS decision_function
        FROM (SELECT *, {x_sql} AS indb_ml_features FROM {src['sql']}) AS s
        JOIN {model['sql']} AS m ON {match or 'true'}
        CROSS JOIN LATERAL (SELECT {schema}.linregr_predict(m.coef, s.indb_ml_features) AS v) AS d""")
    n = plpy.execute(f"SELECT count(*) AS n FROM {out['sql']}")[0]["n"]
    return f"{fname}: {out['sql']} with {n} predictions"
