-- pca: principal components from a one-pass covariance aggregate over packed blocks.
--   SELECT @extschema@.pca_train('houses', 'houses_pca', 'ARRAY[rooms, age, area]', 2);
--   SELECT @extschema@.pca_project('houses_pca', ARRAY[rooms, age, area]) FROM houses;
-- The aggregate keeps (n, mean, centred scatter matrix) and merges partial
-- states exactly (Chan et al.), so it runs in parallel workers; the
-- eigendecomposition of the d x d matrix happens once, in the driver.

CREATE OR REPLACE FUNCTION @extschema@.pca_transition(state bytea, x bytea, n integer)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE COST 20000 AS $py$
#@kernel pca
return pca.transition(state, x, n)
$py$;

CREATE OR REPLACE FUNCTION @extschema@.pca_merge(a bytea, b bytea)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel pca
return pca.merge(a, b)
$py$;

CREATE OR REPLACE FUNCTION @extschema@.pca_final(state bytea)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel blocks
return blocks.from_bytes(state).tolist()
$py$;

DROP AGGREGATE IF EXISTS @extschema@.pca_cov_agg(bytea, integer);
CREATE AGGREGATE @extschema@.pca_cov_agg(x bytea, n integer) (
    SFUNC = @extschema@.pca_transition,
    STYPE = bytea,
    COMBINEFUNC = @extschema@.pca_merge,
    FINALFUNC = @extschema@.pca_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.pca_cov_agg(bytea, integer) IS
    'indb_ml: [d, n, mean (d), centred scatter matrix (d*d)] of packed blocks, merged exactly (parallel safe)';

CREATE OR REPLACE FUNCTION @extschema@.pca_train(
    source_table text,
    out_table text,
    features text,
    k integer DEFAULT NULL,
    center boolean DEFAULT true,
    scale boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel prepare registry identifiers pca passes blocks
import time
t0 = time.perf_counter()
schema = "@extschema@"
fn = "pca_train"
if k is not None and k < 1:
    plpy.error(f"{fn}: k must be a positive number of components (or NULL for all), got {k}")
if center is None or scale is None:
    plpy.error(f"{fn}: center and scale must be true or false, not NULL")
out = identifiers.resolve_output_table(plpy, out_table, "out_table")
summary = identifiers.sibling_table(plpy, out, "_summary", "summary table")
prep = prepare.ensure(plpy, schema, source_table, None, features)
n_rows, d = prep["n_rows"], prep["n_features"]
if n_rows == 0:
    if prep["n_skipped"]:
        plpy.error(f"{fn}: all {prep['n_skipped']} rows of {source_table} have NULL, NaN or infinite "
                   f"values in {features}; nothing to analyse")
    plpy.error(f"{fn}: source table {source_table} is empty")
if n_rows < 2:
    plpy.error(f"{fn}: PCA needs at least 2 usable rows, {source_table} has {n_rows}")
kk = d if k is None else k
if kk > d:
    plpy.error(f"{fn}: k = {k} is larger than the number of features ({d})")
params = {"k": kk, "center": center, "scale": scale}
model_id = registry.start(plpy, schema, out["sql"], "pca", prep["source"]["sql"], out["sql"], None, features,
                          None, prep["feature_names"], params, prep["prepared_id"])
states, pass_ms = passes.run(plpy, prep, f"{schema}.pca_cov_agg(p.x, p.n)")
state = blocks.from_bytes(passes.combine(states.get("", []), pca.merge))
r = pca.solve(state, kk, center, scale)
plpy.execute(f"CREATE TABLE {out['sql']} (component_id integer PRIMARY KEY, component float8[] NOT NULL, "
             f"explained_variance float8 NOT NULL, explained_variance_ratio float8 NOT NULL, "
             f"singular_value float8 NOT NULL)")
ins = plpy.prepare(f"INSERT INTO {out['sql']} VALUES ($1, $2, $3, $4, $5)",
                   ["int4", "float8[]", "float8", "float8", "float8"])
for j in range(kk):
    plpy.execute(ins, [j + 1, r["components"][j].tolist(), float(r["explained_variance"][j]),
                       float(r["explained_variance_ratio"][j]), float(r["singular_values"][j])])
plpy.execute(plpy.prepare(f"""
    CREATE TABLE {summary['sql']} AS
    SELECT 'pca'::text AS method, $1::text AS source_table, $2::text AS out_table, $3::text AS features,
           $4::text[] AS feature_names, $5::int AS k, $6::boolean AS center, $7::boolean AS scale,
           $8::float8[] AS mean, $9::float8[] AS feature_scale, $10::float8 AS total_variance,
           $11::float8[] AS all_explained_variance, $12::bigint AS num_rows_processed,
           $13::bigint AS num_missing_rows_skipped, $14::bigint AS model_id, $15::bigint AS prepared_id""",
    ["text", "text", "text", "text[]", "int4", "bool", "bool", "float8[]", "float8[]", "float8", "float8[]",
     "int8", "int8", "int8", "int8"]),
    [prep["source"]["sql"], out["sql"], features, prep["feature_names"], kk, center, scale, r["mean"].tolist(),
     r["scale"].tolist(), r["total_variance"], r["all_variances"].tolist(), n_rows, prep["n_skipped"], model_id,
     prep["prepared_id"]])
train_ms = (time.perf_counter() - t0) * 1000.0
ratio = float(r["explained_variance_ratio"].sum())
registry.iteration(plpy, schema, model_id, 1, rows=n_rows, elapsed_ms=pass_ms,
                   info={"pass": "covariance", "explained_variance_ratio": r["explained_variance_ratio"]})
registry.finish(plpy, schema, model_id,
                {"k": kk, "explained_variance_ratio_total": ratio, "total_variance": r["total_variance"],
                 "num_rows_processed": n_rows, "num_missing_rows_skipped": prep["n_skipped"], "pass_ms": pass_ms,
                 "prepare_ms": 0.0 if prep["reused"] else prep["prepare_ms"]},
                [out["sql"], summary["sql"]], train_ms)
plpy.notice(f"{fn}: covariance pass over {n_rows} rows in {pass_ms:.0f} ms")
return (f"pca_train: {out['sql']}: {kk} of {d} components explain {100 * ratio:.4g}% of the variance "
        f"({n_rows} rows, {prep['n_skipped']} skipped), {train_ms:.0f} ms")
$py$;
COMMENT ON FUNCTION @extschema@.pca_train(text, text, text, integer, boolean, boolean) IS
    'indb_ml: PCA via a one-pass covariance aggregate and an eigendecomposition. Writes out_table (component_id 1..k, component, explained_variance, explained_variance_ratio, singular_value) and out_table_summary (mean, feature_scale, ...)';

CREATE OR REPLACE FUNCTION @extschema@.pca_project(model text, x float8[])
RETURNS float8[] LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    rel regclass := to_regclass(model);
    summ regclass;
    parts text[];
    mu float8[];
    sc float8[];
    result float8[];
BEGIN
    IF x IS NULL THEN
        RETURN NULL;
    END IF;
    IF rel IS NULL THEN
        RAISE EXCEPTION 'pca_project: model table % does not exist', model;
    END IF;
    parts := parse_ident(model);
    parts[cardinality(parts)] := parts[cardinality(parts)] || '_summary';
    summ := to_regclass(array_to_string(ARRAY(SELECT quote_ident(p) FROM unnest(parts) AS p), '.'));
    IF summ IS NULL THEN
        RAISE EXCEPTION 'pca_project: summary table of model % does not exist', model;
    END IF;
    EXECUTE format('SELECT mean, feature_scale FROM %s', summ) INTO mu, sc;
    IF cardinality(mu) <> cardinality(x) THEN
        RAISE EXCEPTION 'pca_project: model % has % features, x has %', model, cardinality(mu), cardinality(x);
    END IF;
    IF array_position(x, NULL) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT array_agg((SELECT sum(c * (v - m) / s) FROM unnest(p.component, $1, $2, $3) '
                   'AS t(c, v, m, s)) ORDER BY p.component_id) FROM %s p', rel)
        INTO result USING x, mu, sc;
    RETURN result;
END
$$;
COMMENT ON FUNCTION @extschema@.pca_project(text, float8[]) IS
    'indb_ml: the scores of x on the components of model (a pca_train out_table): ((x - mean) / scale) · component, per row';
