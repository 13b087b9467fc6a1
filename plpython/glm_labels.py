"""The labels of a classification source: their distinct values, and errors that name them (takes ``plpy``).

Used by the GLM-family drivers before and during training: a label of one
class, or values the family cannot use, fail with the values actually found.
"""


def check_two_classes(plpy, fname, prep, dependent, grouping_cols=None, schema=None, groups=None):
    """Error when the label (of a group) takes one value: a logistic model of one class is undefined.
    Ungrouped, the scan stops at the first row whose label differs from the first one. Given ``schema``
    and ``groups`` ([(key, rows, skipped)]), the statistics stored at packing answer first when they
    show both classes in every group (suffstats_driver.both_classes): then the scan could not fail."""
    if schema is not None and groups is not None:
        from . import suffstats_driver
        if suffstats_driver.both_classes(plpy, schema, prep, groups):
            return
    col, _ = label_column_sql(plpy, prep, dependent)
    src = prep["source"]["sql"]
    if prep.get("shards") and not prep["group_sql"]:   # read on the shards (dblink), not through postgres_fdw
        from . import shard_packing
        if len(shard_packing.distinct_values(plpy, fname, src, col, 1)) < 2:
            plpy.error(f"{fname}: the label {dependent} of {src} has a single value: a model of one class is "
                       f"undefined; the training data needs both classes")
        return
    if not prep["group_sql"]:
        other = plpy.execute(f"SELECT 1 AS x FROM {src} WHERE {col} IS NOT NULL AND {col} IS DISTINCT FROM "
                             f"(SELECT {col} FROM {src} WHERE {col} IS NOT NULL LIMIT 1) LIMIT 1")
        if not other:
            plpy.error(f"{fname}: the label {dependent} of {src} has a single value: a model of one class is "
                       f"undefined; the training data needs both classes")
        return
    # the grouping columns as the source computes them (an expression under a name of our own, grouping.py)
    gs = prep.get("group_source_sql") or prep["group_sql"]
    inner = ", ".join(f"{e} AS _indb_g{i}" for i, e in enumerate(gs))
    g = ", ".join(f"s._indb_g{i}" for i in range(len(gs)))
    # groups whose rows were all skipped (NULL features) are not trained (as MADlib): not checked
    trained = " AND ".join(f"p.{c} IS NOT DISTINCT FROM s._indb_g{i}" for i, c in enumerate(prep["group_sql"]))
    bad = plpy.execute(f"SELECT ({g})::text AS k FROM (SELECT {col} AS _indb_label, {inner} FROM {src}) AS s "
                       f"WHERE s._indb_label IS NOT NULL AND EXISTS "
                       f"(SELECT 1 FROM {prep['table']} AS p WHERE p.n > 0 AND {trained}) GROUP BY {g} "
                       f"HAVING count(DISTINCT s._indb_label) < 2 LIMIT 1")
    if bad:
        plpy.error(f"{fname}: in group {bad[0]['k']} the label {dependent} of {src} has a single value: a model "
                   f"of one class is undefined; every group needs both classes")


def label_column_sql(plpy, prep, dependent):
    from . import expressions, identifiers
    columns = identifiers.table_columns(plpy, prep["source"]["oid"])
    sql, typ, _ = expressions.value_expression(plpy, dependent, columns, prep["source"]["sql"], "dependent_varname")
    return sql, {"typname": typ}


def label_checker(plpy, fname, prep, dependent, expectation):
    """A Driver.label_check callback: raise an error naming the label values found."""
    def check(key, bad):
        col, _ = label_column_sql(plpy, prep, dependent)
        vals, more = label_values_found(plpy, prep["source"]["sql"], col)
        where = f" (group {key})" if key else ""
        plpy.error(f"{fname}: {bad} rows{where} of {prep['source']['sql']} have a label that is not valid: "
                   f"{expectation}; column {dependent} holds the values {', '.join(vals)}{', ...' if more else ''}")
    return check


def distinct_labels(plpy, fname, prep_source_sql, col_sql, limit=1000):
    from . import shard_packing
    sharded = shard_packing.distinct_values(plpy, fname, prep_source_sql, col_sql, limit)
    if sharded is not None:   # read on the shards themselves (dblink), before they pack
        if len(sharded) > limit:
            plpy.error(f"{fname}: the label has more than {limit} distinct values")
        return sharded
    rows = plpy.execute(f"SELECT v::text AS v FROM (SELECT DISTINCT {col_sql} AS v FROM {prep_source_sql} "
                        f"WHERE {col_sql} IS NOT NULL) AS d ORDER BY d.v LIMIT {int(limit) + 1}")
    vals = [r["v"] for r in rows]
    if not vals:
        if not plpy.execute(f"SELECT EXISTS (SELECT 1 FROM {prep_source_sql}) AS e")[0]["e"]:
            plpy.error(f"{fname}: source table {prep_source_sql} is empty")
        plpy.error(f"{fname}: every label ({col_sql}) of {prep_source_sql} is NULL; nothing to train on")
    if len(vals) > limit:
        plpy.error(f"{fname}: the label has more than {limit} distinct values")
    return vals


def label_values_found(plpy, source_sql, label_sql, limit=10):
    rows = plpy.execute(f"SELECT DISTINCT ({label_sql})::text AS v FROM {source_sql} "
                        f"WHERE ({label_sql}) IS NOT NULL ORDER BY 1 LIMIT {int(limit) + 1}")
    vals = [r["v"] for r in rows]
    more = len(vals) > limit
    return vals[:limit], more
