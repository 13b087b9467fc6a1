-- MADlib's data-preparation utilities that its users' scripts call before training.
--   SELECT @extschema@.create_indicator_variables('warpbreaks', 'warpbreaks_dummy', 'wool,tension');

CREATE OR REPLACE FUNCTION @extschema@.create_indicator_variables(
    source_table text,
    out_table text,
    categorical_cols text,
    keep_null boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers
# out_table: every column of the source, then one 0/1 integer column "<col>_<value>" per distinct
# value of each categorical column (values in sorted order, as MADlib); with keep_null a
# "<col>_NULL" column too, else a NULL category gives NULL indicators.
fname = "create_indicator_variables"
src = identifiers.resolve_table(plpy, source_table, "source table")
cols = identifiers.table_columns(plpy, src["oid"])
try:
    items = identifiers.parse_name_list(categorical_cols, "categorical_cols")
except identifiers.NameError_ as exc:
    plpy.error(f"{fname}: {exc}")
if not items:
    plpy.error(f"{fname}: categorical_cols is empty: give one or more column names")
out = identifiers.resolve_output_table(plpy, out_table, "out_table")
parts, made = [], set(cols)
for item in items:
    name = identifiers.resolve_column(plpy, cols, item, source_table, "categorical_cols")
    q = plpy.quote_ident(name)
    values = [r["v"] for r in plpy.execute(
        f"SELECT DISTINCT {q}::text AS v FROM {src['sql']} WHERE {q} IS NOT NULL ORDER BY 1")]
    for v in values:
        col = f"{name}_{v}"
        if col in made:
            plpy.error(f"{fname}: the indicator column {col} would collide with an existing column")
        made.add(col)
        test = f"({q}::text = {plpy.quote_literal(v)})::integer"
        expr = f"coalesce({test}, 0)" if keep_null else test
        parts.append(f"{expr} AS {plpy.quote_ident(col)}")
    if keep_null:
        parts.append(f"({q} IS NULL)::integer AS {plpy.quote_ident(name + '_NULL')}")
plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT *, {', '.join(parts)} FROM {src['sql']}")
return f"{fname}: {out['sql']} with {len(parts)} indicator column(s)"
$py$;
COMMENT ON FUNCTION @extschema@.create_indicator_variables(text, text, text, boolean) IS
    'indb_ml: MADlib''s dummy coding: out_table = the source plus a 0/1 column <col>_<value> per distinct value of each categorical column';
