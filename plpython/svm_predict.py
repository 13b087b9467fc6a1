"""MADlib's table form svm_predict(model_table, new_data_table, id_col_name, output_table).

The output holds the id column, the grouping columns of a grouped model, ``prediction`` (the label
in the type of the training label; the decision value for SVR; 1 / -1 for one-class) and
``decision_function`` = coef·z. The feature expression is the model's independent_varname,
admitted by the same whitelist as at training. Linear models are one SQL expression per row; a
kernel model's rows are gathered into chunks of CHUNK rows (per group) and each chunk is mapped and
scored by one kernel call (svm_kernel_decisions), so no Python runs per row. Rows with NULL
features get no prediction (MADlib's kernel transform drops them too).
"""
from . import expressions, identifiers, predict_tables, prepare

CHUNK = 4096


def svm_table(plpy, schema, model_table, new_table, id_col, out_table):
    fname = "svm_predict"
    model, summ = predict_tables._model(plpy, model_table)
    info = plpy.execute(f"SELECT * FROM {summ['sql']}")[0]
    kernel = info.get("kernel_map") is not None
    src = identifiers.resolve_table(plpy, new_table, "new_data_table")
    cols = identifiers.table_columns(plpy, src["oid"])
    rid = plpy.quote_ident(identifiers.resolve_one_column(plpy, cols, id_col, new_table, "id_col_name",
                                                          f"{fname}: "))
    x_sql, _, _ = prepare._feature_sql(plpy, info["independent_varname"], cols, new_table)
    one_class = info["method"] == "SVC_one_class"
    if one_class:
        label_type = "::integer"
        if not kernel:     # the linear one-class model was trained with a constant appended (MADlib's intercept)
            x_sql = f"array_append({x_sql}, 1::float8)"
    else:
        # the training label's type, so that prediction compares with the label column
        train_src = identifiers.resolve_table(plpy, info["source_table"], "the model's source table")
        _, typ, _ = expressions.value_expression(plpy, info["dependent_varname"],
                                                 identifiers.table_columns(plpy, train_src["oid"]),
                                                 info["source_table"], "dependent_varname")
        label_type = expressions.render_expression(plpy, [("op", "::"), ("word", typ)], {}, new_table, fname)
    regression = info["method"] == "SVR"
    out = identifiers.resolve_output_table(plpy, out_table, "output_table")
    g = predict_tables._groups(plpy, fname, info["grouping_col"], cols, new_table)
    pred = ("d.v" if regression else
            f"(CASE WHEN d.v > 0 THEN m.dep_var_mapping[2] ELSE m.dep_var_mapping[1] END){label_type}")
    if not kernel:
        plpy.execute(f"""
            CREATE TABLE {out['sql']} AS
            SELECT s.{rid}, {g['out']} {pred} AS prediction, d.v AS decision_function
            FROM (SELECT *, {x_sql} AS indb_ml_features{g['computed']} FROM {src['sql']}) AS s
            JOIN {model['sql']} AS m ON {g['match']}
            CROSS JOIN LATERAL (SELECT {schema}.linregr_predict(m.coef, s.indb_ml_features) AS v) AS d""")
    else:
        part = f"PARTITION BY {', '.join(g['inner'])}" if g["inner"] else ""
        gsel = "".join(f"{c}, " for c in g["inner"])
        plpy.execute(f"""
            CREATE TABLE {out['sql']} AS
            SELECT d.id AS {rid}, {g['out']} {pred} AS prediction, d.v AS decision_function
            FROM (SELECT {gsel}array_agg({rid}) AS ids, array_agg(f) AS feats
                  FROM (SELECT {gsel}{rid}, f, (row_number() OVER ({part}) - 1) / {CHUNK} AS chunk
                        FROM (SELECT *, {x_sql} AS f{g['computed']} FROM {src['sql']}) AS r
                        WHERE f IS NOT NULL AND array_position(f, NULL) IS NULL) AS c
                  GROUP BY {gsel}chunk) AS s
            JOIN {model['sql']} AS m ON {g['match']}
            CROSS JOIN LATERAL unnest(s.ids, {schema}.svm_kernel_decisions(s.feats, m.coef,
                (SELECT kernel_map FROM {summ['sql']}))) AS d(id, v)""")
    n = plpy.execute(f"SELECT count(*) AS n FROM {out['sql']}")[0]["n"]
    return f"{fname}: {out['sql']} with {n} predictions"
