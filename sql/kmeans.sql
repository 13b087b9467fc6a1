-- kmeans: Lloyd's k-means over packed blocks, k-means++ seeding in the database.
--   SELECT @extschema@.kmeans('points', 'points_km', 'ARRAY[x1, x2]', 5, seed => 7);
--   SELECT @extschema@.kmeans_assign('points_km', ARRAY[x1, x2]) FROM points;
-- Seeding: one weighted-sampling pass per centroid (k-means++) or one uniform
-- pass (init => 'random'). Then one pass per iteration: a parallel-safe
-- aggregate adds per-cluster counts, sums and squared distances against the
-- current centroids. Empty clusters are re-seeded with the farthest rows.

CREATE OR REPLACE FUNCTION @extschema@.kmeans_sample_transition(
    state bytea, x bytea, n integer, part oid, block integer, centroids bytea, seed bigint, round integer, m integer)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE COST 20000 AS $py$
#@kernel kmeans
return kmeans.sample_transition(state, x, n, part, block, centroids, seed, round, m)
$py$;

CREATE OR REPLACE FUNCTION @extschema@.kmeans_sample_merge(a bytea, b bytea)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel kmeans
return kmeans.sample_merge(a, b)
$py$;

CREATE OR REPLACE FUNCTION @extschema@.kmeans_state_final(state bytea)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel blocks
return blocks.from_bytes(state).tolist()
$py$;

DROP AGGREGATE IF EXISTS @extschema@.kmeans_sample_agg(bytea, integer, oid, integer, bytea, bigint, integer, integer);
CREATE AGGREGATE @extschema@.kmeans_sample_agg(
    x bytea, n integer, part oid, block integer, centroids bytea, seed bigint, round integer, m integer) (
    SFUNC = @extschema@.kmeans_sample_transition,
    STYPE = bytea,
    COMBINEFUNC = @extschema@.kmeans_sample_merge,
    FINALFUNC = @extschema@.kmeans_state_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.kmeans_sample_agg(bytea, integer, oid, integer, bytea, bigint, integer, integer) IS
    'indb_ml: weighted sampling of m rows (weight = squared distance to the nearest given centroid; 1 when none) over packed blocks - one k-means++ draw';

CREATE OR REPLACE FUNCTION @extschema@.kmeans_step_transition(state bytea, x bytea, n integer, centroids bytea)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE COST 20000 AS $py$
#@kernel kmeans
return kmeans.step_transition(state, x, n, centroids)
$py$;

CREATE OR REPLACE FUNCTION @extschema@.kmeans_step_merge(a bytea, b bytea)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel kmeans
return kmeans.step_merge(a, b)
$py$;

DROP AGGREGATE IF EXISTS @extschema@.kmeans_step_agg(bytea, integer, bytea);
CREATE AGGREGATE @extschema@.kmeans_step_agg(x bytea, n integer, centroids bytea) (
    SFUNC = @extschema@.kmeans_step_transition,
    STYPE = bytea,
    COMBINEFUNC = @extschema@.kmeans_step_merge,
    FINALFUNC = @extschema@.kmeans_state_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.kmeans_step_agg(bytea, integer, bytea) IS
    'indb_ml: one Lloyd pass over packed blocks: per-cluster counts, sums, squared distances and the farthest rows';

CREATE OR REPLACE FUNCTION @extschema@.kmeans(
    source_table text,
    out_table text,
    features text,
    k integer,
    max_iter integer DEFAULT 20,
    tolerance float8 DEFAULT 1e-4,
    init text DEFAULT 'kmeans++',
    seed bigint DEFAULT 0,
    initial_centroids float8[] DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel prepare registry identifiers kmeans blocks
import time
import numpy as np
t0 = time.perf_counter()
schema = "@extschema@"
fn = "kmeans"
if k is None or k < 1:
    plpy.error(f"{fn}: k must be a positive number of clusters, got {k}")
if max_iter is None or max_iter < 1:
    plpy.error(f"{fn}: max_iter must be at least 1, got {max_iter}")
if tolerance is None or not np.isfinite(tolerance) or tolerance < 0:
    plpy.error(f"{fn}: tolerance must be a finite number >= 0, got {tolerance}")
if seed is None:
    plpy.error(f"{fn}: seed must not be NULL")
init_kind = "given" if initial_centroids is not None else (init or "").strip().lower()
if init_kind not in ("kmeans++", "random", "given"):
    plpy.error(f"{fn}: init must be 'kmeans++' or 'random' (or pass initial_centroids), got {init!r}")
out = identifiers.resolve_output_table(plpy, out_table, "out_table")
summary = identifiers.sibling_table(plpy, out, "_summary", "summary table")
prep = prepare.ensure(plpy, schema, source_table, None, features)
n_rows, d = prep["n_rows"], prep["n_features"]
if n_rows == 0:
    if prep["n_skipped"]:
        plpy.error(f"{fn}: all {prep['n_skipped']} rows of {source_table} have NULL, NaN or infinite "
                   f"values in {features}; nothing to cluster")
    plpy.error(f"{fn}: source table {source_table} is empty")
if k > n_rows:
    plpy.error(f"{fn}: k = {k} is larger than the number of usable rows ({n_rows}) in {source_table}")
if initial_centroids is not None:
    C0 = np.asarray(initial_centroids, dtype=float) if all(v is not None for v in np.ravel(np.asarray(initial_centroids, dtype=object))) else None
    if C0 is None or C0.ndim != 2 or C0.shape != (k, d):
        plpy.error(f"{fn}: initial_centroids must be a {k} x {d} array (k rows of {d} features) without NULLs")
    if not np.isfinite(C0).all():
        plpy.error(f"{fn}: initial_centroids contain NaN or infinite values")
table = prep["table"]
params = {"k": k, "max_iter": max_iter, "tolerance": tolerance, "init": init_kind, "seed": seed}
model_id = registry.start(plpy, schema, out["sql"], "kmeans", prep["source"]["sql"], out["sql"], None,
                          features, None, prep["feature_names"], params, prep["prepared_id"])
sample_plan = plpy.prepare(
    f"SELECT {schema}.kmeans_sample_agg(x, n, part, block, $1, $2, $3, $4) AS s FROM {table} WHERE n > 0",
    ["bytea", "int8", "int4", "int4"])
step_plan = plpy.prepare(f"SELECT {schema}.kmeans_step_agg(x, n, $1) AS s FROM {table} WHERE n > 0", ["bytea"])

# ---- seeding
ts = time.perf_counter()
first = kmeans.sample_result(plpy.execute(sample_plan, [None, seed, 0, 1 if init_kind != "random" else k])[0]["s"])
data_var = float(first["var"].mean())
if init_kind == "given":
    C = C0
elif init_kind == "random":
    C = first["points"]
else:
    C = first["points"][:1]
    for r in range(1, k):
        res = kmeans.sample_result(plpy.execute(sample_plan, [blocks.to_bytes(C), seed, r, 1])[0]["s"])
        if len(res["points"]) == 0:
            plpy.error(f"{fn}: {source_table} has only {r} distinct points in {features}, fewer than k = {k}")
        C = np.vstack([C, res["points"][:1]])
if len(C) < k:
    plpy.error(f"{fn}: could only draw {len(C)} initial centroids for k = {k}")
initial = C.copy()
seed_ms = (time.perf_counter() - ts) * 1000.0
registry.iteration(plpy, schema, model_id, 0, rows=n_rows, elapsed_ms=seed_ms,
                   info={"phase": "seeding", "init": init_kind,
                         "passes": (k if init_kind == "kmeans++" else 1)})
plpy.notice(f"{fn}: seeded {k} centroids ({init_kind}) in {seed_ms:.0f} ms")

# ---- Lloyd iterations; tolerance scaled as scikit-learn does (mean feature variance)
tol = tolerance * data_var
converged = False
it = 0
result = None
shift = float("inf")
while it < max_iter:
    it += 1
    ti = time.perf_counter()
    result = kmeans.step_result(plpy.execute(step_plan, [blocks.to_bytes(C)])[0]["s"], C)
    newC = result["centroids"]
    shift = float(((newC - C) ** 2).sum())
    ms = (time.perf_counter() - ti) * 1000.0
    registry.iteration(plpy, schema, model_id, it, loss=result["objective"], step_size=shift, rows=result["n"],
                       elapsed_ms=ms, info={"reseeded": result["reseeded"],
                                            "empty": int((result["counts"] == 0).sum())})
    msg = f"{fn}: iteration {it}: objective {result['objective']:.10g}, centroid shift {shift:.3g}, {ms:.0f} ms"
    if result["reseeded"]:
        msg += f", re-seeded empty cluster(s) {result['reseeded']}"
    registry.progress.report(plpy, fn, it, max_iter, msg, objective=result['objective'], shift=shift)
    C = newC
    if shift <= tol:
        converged = True
        break
# the objective, sizes and SSE against the final centroids (the last pass measured the previous ones)
if shift != 0.0:
    ti = time.perf_counter()
    result = kmeans.step_result(plpy.execute(step_plan, [blocks.to_bytes(C)])[0]["s"], C)
    final_ms = (time.perf_counter() - ti) * 1000.0
else:
    final_ms = 0.0
objective = result["objective"]
plpy.execute(f"CREATE TABLE {out['sql']} (cluster_id integer PRIMARY KEY, centroid float8[] NOT NULL, "
             f"size bigint NOT NULL, sse float8 NOT NULL)")
ins = plpy.prepare(f"INSERT INTO {out['sql']} VALUES ($1, $2, $3, $4)", ["int4", "float8[]", "int8", "float8"])
for j in range(k):
    plpy.execute(ins, [j, C[j].tolist(), int(result["counts"][j]), float(result["sse"][j])])
train_ms = (time.perf_counter() - t0) * 1000.0
plpy.execute(plpy.prepare(f"""
    CREATE TABLE {summary['sql']} AS
    SELECT 'kmeans'::text AS method, $1::text AS source_table, $2::text AS out_table, $3::text AS features,
           $4::text[] AS feature_names, $5::int AS k, $6::text AS init, $7::bigint AS seed,
           $8::float8[] AS initial_centroids, $9::float8 AS objective, $10::int AS iterations,
           $11::boolean AS converged, $12::bigint AS num_rows_processed, $13::bigint AS num_missing_rows_skipped,
           $14::bigint AS model_id, $15::bigint AS prepared_id""",
    ["text", "text", "text", "text[]", "int4", "text", "int8", "float8[]", "float8", "int4", "bool", "int8",
     "int8", "int8", "int8"]),
    [prep["source"]["sql"], out["sql"], features, prep["feature_names"], k, init_kind, seed, initial.tolist(),
     objective, it, converged, n_rows, prep["n_skipped"], model_id, prep["prepared_id"]])
registry.finish(plpy, schema, model_id,
                {"objective": objective, "iterations": it, "converged": converged, "k": k,
                 "num_rows_processed": n_rows, "num_missing_rows_skipped": prep["n_skipped"],
                 "seed_ms": seed_ms, "final_pass_ms": final_ms,
                 "prepare_ms": 0.0 if prep["reused"] else prep["prepare_ms"]},
                [out["sql"], summary["sql"]], train_ms)
state = "converged" if converged else "stopped at max_iter"
return (f"kmeans: {out['sql']}: k={k}, objective {objective:.10g} after {it} iteration(s) ({state}) "
        f"on {n_rows} rows ({prep['n_skipped']} skipped), {train_ms:.0f} ms")
$py$;
COMMENT ON FUNCTION @extschema@.kmeans(text, text, text, integer, integer, float8, text, bigint, float8[]) IS
    'indb_ml: k-means (Lloyd) with k-means++ seeding in the database. Writes out_table (cluster_id 0..k-1, centroid, size, sse) and out_table_summary (objective, initial_centroids, iterations, ...)';

CREATE OR REPLACE FUNCTION @extschema@.kmeans_assign(centroids float8[], x float8[])
RETURNS integer LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    best integer;
BEGIN
    IF centroids IS NULL OR x IS NULL THEN
        RETURN NULL;
    END IF;
    IF array_ndims(centroids) <> 2 OR array_length(centroids, 2) <> cardinality(x) THEN
        RAISE EXCEPTION 'kmeans_assign: centroids must be a k x % array, got %', cardinality(x),
            array_dims(centroids);
    END IF;
    SELECT i - lower INTO best
    FROM (SELECT i, array_lower(centroids, 1) AS lower,
                 (SELECT sum((centroids[i][array_lower(centroids, 2) + j - 1] - x[array_lower(x, 1) + j - 1]) ^ 2)
                  FROM generate_series(1, cardinality(x)) AS j) AS dist
          FROM generate_subscripts(centroids, 1) AS i) AS t
    ORDER BY dist, i
    LIMIT 1;
    RETURN best;
END
$$;
COMMENT ON FUNCTION @extschema@.kmeans_assign(float8[], float8[]) IS
    'indb_ml: 0-based index of the row of centroids (a k x d array) nearest to x; NULL when x is NULL';

CREATE OR REPLACE FUNCTION @extschema@.kmeans_assign(model text, x float8[])
RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    rel regclass := to_regclass(model);
    d integer;
    best integer;
BEGIN
    IF x IS NULL THEN
        RETURN NULL;
    END IF;
    IF rel IS NULL THEN
        RAISE EXCEPTION 'kmeans_assign: model table % does not exist', model;
    END IF;
    EXECUTE format('SELECT cardinality(centroid) FROM %s LIMIT 1', rel) INTO d;
    IF d IS DISTINCT FROM cardinality(x) THEN
        RAISE EXCEPTION 'kmeans_assign: model % has % features, x has %', model, d, cardinality(x);
    END IF;
    IF array_position(x, NULL) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT cluster_id FROM %s c ORDER BY (SELECT sum((a - b) ^ 2) FROM unnest(c.centroid, $1) '
                   'AS t(a, b)), cluster_id LIMIT 1', rel) INTO best USING x;
    RETURN best;
END
$$;
COMMENT ON FUNCTION @extschema@.kmeans_assign(text, float8[]) IS
    'indb_ml: cluster_id of the centroid of model (a kmeans out_table) nearest to x, usable per row in a query';
