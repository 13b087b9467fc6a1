-- linregr: ordinary least squares, MADlib-compatible surface.
--   SELECT @extschema@.linregr_train('houses', 'houses_model', 'price', 'ARRAY[1, rooms, age]');
--   SELECT @extschema@.linregr_predict(coef, ARRAY[1, rooms, age]) FROM houses, houses_model;
-- XᵀX, Xᵀy, yᵀy and counts (per group) are the sufficient statistics packing stores per block
-- (sql/suffstats.sql): summed without reading the rows; where they cannot be used (a copy packed
-- by an older version, a sharded source) one pass of linregr_agg over the blocks collects them.
-- The solve runs once per group; heteroskedasticity_option adds a Breusch-Pagan pass.

--@aggregate linregr_agg(x bytea, y bytea, n integer)
--@    sfunc linregr_transition = linregr.transition
--@    combinefunc linregr_merge = linregr.merge
--@    finalfunc linregr_final float8[]
--@    comment 'indb_ml: sufficient statistics of OLS over packed blocks: [n, d, XtX, Xty, yty, sum y, sum x]'

DROP TYPE IF EXISTS @extschema@.linregr_result CASCADE;
CREATE TYPE @extschema@.linregr_result AS (
    coef float8[],
    r2 float8,
    std_err float8[],
    t_stats float8[],
    p_values float8[],
    condition_no float8,
    num_rows_processed bigint,
    variance_covariance float8[]
);

CREATE OR REPLACE FUNCTION @extschema@.linregr_solve(state float8[])
RETURNS @extschema@.linregr_result LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel linregr
r = linregr.solve(state)
d = len(r["coef"])
if r["rank"] < d:
    plpy.warning(f"linregr: the features are collinear (rank {r['rank']} of {d}); the coefficients "
                 f"are the minimum-norm solution and the condition number is {r['condition_no']:.3g}")
return {k: (r[k].tolist() if hasattr(r[k], "tolist") else r[k]) for k in
        ("coef", "r2", "std_err", "t_stats", "p_values", "condition_no", "num_rows_processed",
         "variance_covariance")}
$py$;
COMMENT ON FUNCTION @extschema@.linregr_solve(float8[]) IS
    'indb_ml: OLS coefficients, standard errors, t, p, R², condition number from linregr_agg''s state';

CREATE OR REPLACE FUNCTION @extschema@.linregr_train(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    grouping_cols text DEFAULT NULL,
    heteroskedasticity_option boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel prepare registry identifiers glm_driver passes linregr suffstats_driver
import time
t0 = time.perf_counter()
schema = "@extschema@"
hetero = bool(heteroskedasticity_option)  # MADlib: NULL means the default, false
out = identifiers.resolve_output_table(plpy, out_table, "out_table")
summary = identifiers.sibling_table(plpy, out, "_summary", "summary table")
prep = prepare.ensure(plpy, schema, source_table, dependent_varname, independent_varname, grouping_cols)
if prep["n_rows"] == 0:
    if prep["n_skipped"]:
        plpy.error(f"linregr_train: all {prep['n_skipped']} rows of {source_table} have NULL, NaN or "
                   f"infinite values in {dependent_varname} or {independent_varname}; nothing to train on")
    plpy.error(f"linregr_train: source table {source_table} is empty")
glm_driver.warn_few_rows(plpy, "linregr_train", prep, source_table)
model_id = registry.start(plpy, schema, out["sql"], "linregr", prep["source"]["sql"], out["sql"],
                          dependent_varname, independent_varname, grouping_cols, prep["feature_names"],
                          {"heteroskedasticity_option": hetero}, prep["prepared_id"])
if hetero and prep.get("shards"):
    plpy.error(f"linregr_train: heteroskedasticity_option is not supported on a sharded source yet "
               f"({prep['source']['sql']} has partitions on shards): pass false")
prep["caller"] = "linregr_train"
groups = passes.group_rows(plpy, prep)
# the statistics stored at packing when they can be used (no pass), else linregr_agg's pass
states, pass_ms, from_stats = suffstats_driver.linregr_by_group(plpy, schema, prep, groups)
keys = [k for k, _, _ in groups]
finals = [states[k] for k in keys]
if prep["group_sql"]:
    k_sel = "".join(f"k.{c}, " for c in prep["group_sql"])
    k_join = (f"JOIN (SELECT DISTINCT {', '.join(prep['group_sql'])}, {passes.group_key_sql(prep)} AS gkey "
              f"FROM {prep['table']}) AS k ON k.gkey = s.gkey ")
else:
    k_sel, k_join = "", ""
plpy.execute(plpy.prepare(f"""
    CREATE TABLE {out['sql']} AS
    SELECT {k_sel}r.coef, r.r2, r.std_err, r.t_stats, r.p_values, r.condition_no,
           s.n_rows AS num_rows_processed, s.n_skipped AS num_missing_rows_skipped, r.variance_covariance
    FROM unnest($1::text[], $2::bytea[], $3::int8[], $4::int8[]) AS s(gkey, state, n_rows, n_skipped)
    {k_join}CROSS JOIN LATERAL {schema}.linregr_solve({schema}.linregr_final(s.state)) AS r
    ORDER BY s.gkey""", ["text[]", "bytea[]", "int8[]", "int8[]"]),
    [keys, finals, [r for _, r, _ in groups], [sk for _, _, sk in groups]])
t1 = time.perf_counter()
if hetero:
    # Breusch-Pagan: a second pass over the same blocks with each group's coefficients
    match = " AND ".join(f"p.{c} IS NOT DISTINCT FROM o.{c}" for c in prep["group_sql"]) or "true"
    plpy.execute(f"""
        ALTER TABLE {out['sql']} ADD COLUMN bp_stats float8, ADD COLUMN bp_p_value float8;
        UPDATE {out['sql']} AS o SET (bp_stats, bp_p_value) = (
            SELECT bp[1], bp[2] FROM (
                SELECT {schema}.linregr_bp_solve({schema}.linregr_bp_agg(p.x, p.y, p.n, o.coef)) AS bp
                FROM {prep['table']} AS p WHERE {match}) AS t)""")
pass_ms += (time.perf_counter() - t1) * 1000.0
registry.progress.report(plpy, "linregr_train", 1, 1, f"linregr_train: statistics "
                         f"{'stored at packing read' if from_stats else 'pass'} in {pass_ms:.0f} ms", unit="pass")
totals = plpy.execute(f"SELECT count(*) AS groups, sum(num_rows_processed)::bigint AS n, "
                      f"sum(num_missing_rows_skipped)::bigint AS skipped, min(r2) AS r2 FROM {out['sql']}")[0]
plpy.execute(plpy.prepare(f"""
    CREATE TABLE {summary['sql']} AS
    SELECT 'linregr'::text AS method, $1::text AS source_table, $2::text AS out_table,
           $3::text AS dependent_varname, $4::text AS independent_varname, $5::text[] AS feature_names,
           $6::text AS grouping_cols, $7::bigint AS num_rows_processed, $8::bigint AS num_missing_rows_skipped,
           $9::bigint AS model_id, $10::bigint AS prepared_id, $11::boolean AS reused_prepared_data""",
    ["text", "text", "text", "text", "text[]", "text", "int8", "int8", "int8", "int8", "bool"]),
    [prep["source"]["sql"], out["sql"], dependent_varname, independent_varname, prep["feature_names"],
     grouping_cols, totals["n"], totals["skipped"], model_id, prep["prepared_id"], prep["reused"]])
train_ms = (time.perf_counter() - t0) * 1000.0
registry.iteration(plpy, schema, model_id, 1, rows=totals["n"], elapsed_ms=pass_ms,
                   info={"pass": "sufficient statistics", "groups": totals["groups"],
                         "from": "packing" if from_stats else "pass"})
registry.finish(plpy, schema, model_id,
                {"r2": totals["r2"] if totals["groups"] == 1 else None, "groups": totals["groups"],
                 "num_rows_processed": totals["n"], "num_missing_rows_skipped": totals["skipped"],
                 "prepare_ms": 0.0 if prep["reused"] else prep["prepare_ms"], "pass_ms": pass_ms},
                [out["sql"], summary["sql"]], train_ms)
r2 = f", r2={totals['r2']:.6g}" if totals["groups"] == 1 and totals["r2"] is not None else ""
return (f"linregr: {out['sql']} from {totals['n']} rows ({totals['skipped']} skipped) in "
        f"{totals['groups']} group(s){r2}, {train_ms:.0f} ms")
$py$;
COMMENT ON FUNCTION @extschema@.linregr_train(text, text, text, text, text, boolean) IS
    'indb_ml: ordinary least squares (MADlib-compatible). Writes out_table (coef, r2, std_err, t_stats, p_values, condition_no, num_rows_processed, num_missing_rows_skipped, variance_covariance, and with heteroskedasticity_option the Breusch-Pagan bp_stats, bp_p_value; one row per group) and out_table_summary';

-- Breusch-Pagan second pass (heteroskedasticity_option): squared residuals regressed on X
--@aggregate linregr_bp_agg(x bytea, y bytea, n integer, coef float8[])
--@    sfunc linregr_bp_transition = linregr.bp_transition
--@    combinefunc linregr_merge
--@    finalfunc linregr_final
--@    comment 'indb_ml: Breusch-Pagan sufficient statistics over packed blocks: [n, d, sum a, sum a^2, XtA, XtX], a = squared residual'

CREATE OR REPLACE FUNCTION @extschema@.linregr_bp_solve(state float8[])
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel linregr
return list(linregr.bp_solve(state))
$py$;
COMMENT ON FUNCTION @extschema@.linregr_bp_solve(float8[]) IS
    'indb_ml: [bp_stats, bp_p_value] (Koenker''s studentised Breusch-Pagan, as MADlib) from linregr_bp_agg''s state';

-- MADlib's aggregate form: SELECT (linregr(y, ARRAY[1, x1, x2])).* FROM t. Per-row (compatibility);
-- linregr_train packs the rows into blocks and is the fast path.
CREATE OR REPLACE FUNCTION @extschema@.linregr_row_transition(state bytea, y float8, x float8[])
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel linregr blocks
import math
if y is None or x is None or not x or any(v is None or not math.isfinite(v) for v in x) or not math.isfinite(y):
    return state
return linregr.transition(state, blocks.to_bytes(x), blocks.to_bytes([y]), 1)
$py$;

CREATE OR REPLACE FUNCTION @extschema@.linregr_row_final(state bytea)
RETURNS @extschema@.linregr_result LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT * FROM @extschema@.linregr_solve(@extschema@.linregr_final(state))
$$;

--@aggregate linregr(y float8, x float8[])
--@    sfunc linregr_row_transition
--@    combinefunc linregr_merge
--@    finalfunc linregr_row_final
--@    comment 'indb_ml: MADlib''s aggregate form of OLS, (linregr(y, x)).* gives coef, r2, std_err, t_stats, p_values, condition_no; rows with NULL/NaN are skipped'

CREATE OR REPLACE FUNCTION @extschema@.linregr_predict(coef float8[], x float8[])
RETURNS float8 LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF coef IS NULL OR x IS NULL THEN
        RETURN NULL;
    END IF;
    IF cardinality(coef) <> cardinality(x) THEN
        RAISE EXCEPTION 'linregr_predict: % coefficients but % features', cardinality(coef), cardinality(x);
    END IF;
    RETURN (SELECT sum(c * v) FROM unnest(coef, x) AS t(c, v));
END
$$;
COMMENT ON FUNCTION @extschema@.linregr_predict(float8[], float8[]) IS
    'indb_ml: the linear prediction coef·x, usable per row in any query';
