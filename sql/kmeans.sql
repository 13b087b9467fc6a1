-- kmeans: Lloyd's k-means over packed blocks, greedy k-means++ / k-means|| seeding in the database.
--   SELECT @extschema@.kmeans('points', 'points_km', 'ARRAY[x1, x2]', 5, seed => 7);
--   SELECT @extschema@.kmeans_auto('points', 'points_auto', 'ARRAY[x1, x2]', ARRAY[2, 3, 4, 5, 6]);
--   SELECT @extschema@.kmeans_assign('points_km', ARRAY[x1, x2]) FROM points;
-- Every pass is one parallel-safe aggregate over the prepared blocks that serves
-- all n_init runs at once (the centroids of every run travel in one bytea):
-- kmeans_sample_agg (D² sampling and candidate potentials: seeding),
-- kmeans_swap_agg (seeding's last pass: the cost of every candidate/centre swap),
-- kmeans_step_agg (one Lloyd iteration), kmeans_far_agg (only when a cluster
-- went empty: the farthest rows re-seed it), kmeans_silhouette_agg (kmeans_auto).

-- the signatures before n_init restarts (installed databases get the new ones only)
DROP AGGREGATE IF EXISTS @extschema@.kmeans_sample_agg(bytea, integer, oid, integer, bytea, bigint, integer, integer);
DROP FUNCTION IF EXISTS @extschema@.kmeans_sample_transition(bytea, bytea, integer, oid, integer, bytea, bigint, integer, integer);
DROP AGGREGATE IF EXISTS @extschema@.kmeans_step_agg(bytea, integer, bytea);
DROP FUNCTION IF EXISTS @extschema@.kmeans_step_transition(bytea, bytea, integer, bytea);
DROP FUNCTION IF EXISTS @extschema@.kmeans(text, text, text, integer, integer, float8, text, bigint, float8[]);

CREATE OR REPLACE FUNCTION @extschema@.kmeans_state_final(state bytea)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel blocks
return blocks.from_bytes(state).tolist()
$py$;

--@aggregate kmeans_sample_agg(x bytea, n integer, part oid, block integer, centers bytea, cands bytea, runs integer,
--@                            m integer, seed bigint, round integer)
--@    sfunc kmeans_sample_transition = kmeans_seed.sample_transition
--@    combinefunc kmeans_sample_merge = kmeans_seed.sample_merge
--@    finalfunc kmeans_state_final
--@    comment 'indb_ml: k-means seeding pass for several runs: per run and candidate centre, the potential if it were added and a D²-weighted sample of m rows'

--@aggregate kmeans_step_agg(x bytea, n integer, centroids bytea, k integer)
--@    sfunc kmeans_step_transition = kmeans_step.step_transition
--@    combinefunc kmeans_step_merge = kmeans_step.step_merge
--@    finalfunc kmeans_state_final
--@    comment 'indb_ml: one Lloyd pass over packed blocks for several runs of k centroids: per run and cluster the count, row sum and squared distances'

--@aggregate kmeans_far_agg(x bytea, n integer, centroids bytea, k integer, m integer)
--@    sfunc kmeans_far_transition = kmeans.far_transition
--@    combinefunc kmeans_far_merge = kmeans.far_merge
--@    finalfunc kmeans_state_final
--@    comment 'indb_ml: per run of k centroids, the m rows farthest from their nearest centroid (re-seed empty clusters)'

--@aggregate kmeans_swap_agg(x bytea, n integer, centers bytea, cands bytea, runs integer)
--@    sfunc kmeans_swap_transition = kmeans_seed.swap_transition
--@    combinefunc kmeans_swap_merge = kmeans_seed.swap_merge
--@    finalfunc kmeans_state_final
--@    comment 'indb_ml: k-means local search pass for several runs: per run, the cost of the centres with each candidate row in place of each centre'

--@aggregate kmeans_silhouette_agg(x bytea, n integer, centroids bytea, ks integer[])
--@    sfunc kmeans_silhouette_transition = kmeans.silhouette_transition
--@    combinefunc kmeans_silhouette_merge = kmeans.silhouette_merge
--@    finalfunc kmeans_state_final
--@    comment 'indb_ml: simplified silhouette ((b - a) / max(a, b), a/b = distance to the nearest/second nearest centroid) of several clusterings (centroids concatenated, ks = their k) in one pass'

CREATE OR REPLACE FUNCTION @extschema@.kmeans(
    source_table text,
    out_table text,
    features text,
    k integer,
    max_iter integer DEFAULT 20,
    tolerance float8 DEFAULT 1e-4,
    init text DEFAULT 'kmeans++',
    seed bigint DEFAULT 0,
    initial_centroids float8[] DEFAULT NULL,
    n_init integer DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel prepare registry identifiers kmeans_driver kmeans_train
import time
t0 = time.perf_counter()
schema = "@extschema@"
fn = "kmeans"
kind, runs = kmeans_train.check_args(plpy, fn, k, max_iter, tolerance, seed, init, n_init, initial_centroids)
out = identifiers.resolve_output_table(plpy, out_table, "out_table")
summary = identifiers.sibling_table(plpy, out, "_summary", "summary table")
prep = prepare.ensure(plpy, schema, source_table, None, features)
kmeans_train.check_data(plpy, fn, prep, source_table, features, k)
C0 = None
if kind == "given":
    C0 = kmeans_train.given_centroids(plpy, fn, initial_centroids, k, prep["n_features"])
params = {"k": k, "max_iter": max_iter, "tolerance": tolerance, "init": kind, "seed": seed, "n_init": runs}
model_id = registry.start(plpy, schema, out["sql"], "kmeans", prep["source"]["sql"], out["sql"], None,
                          features, None, prep["feature_names"], params, prep["prepared_id"])
passes = kmeans_driver.Passes(plpy, schema, prep["table"], prep)
f = kmeans_train.fit(plpy, schema, fn, passes, prep, model_id, k, kind, runs, seed, max_iter, tolerance, C0,
                     source_table, features)
run = f["run"]
kmeans_train.write_centroids(plpy, out["sql"], f["centroids"], run["result"])
kmeans_train.write_summary(plpy, summary["sql"], "kmeans", prep, out["sql"], features, k, kind, seed, f, model_id)
train_ms = (time.perf_counter() - t0) * 1000.0
registry.finish(plpy, schema, model_id,
                {"objective": f["objective"], "iterations": run["iterations"], "converged": run["converged"],
                 "k": k, "n_init": runs, "best_run": f["best"], "run_objectives": f["objectives"],
                 "num_rows_processed": prep["n_rows"], "num_missing_rows_skipped": prep["n_skipped"],
                 "seed_ms": f["seed_ms"], "passes": passes.count, "seeding_passes": f["seed_passes"],
                 "prepare_ms": 0.0 if prep["reused"] else prep["prepare_ms"]},
                [out["sql"], summary["sql"]], train_ms)
state = "converged" if run["converged"] else "stopped at max_iter"
best = f" (best of {runs} runs: run {f['best']})" if runs > 1 else ""
return (f"kmeans: {out['sql']}: k={k}, objective {f['objective']:.10g}{best} after {run['iterations']} "
        f"iteration(s) ({state}) on {prep['n_rows']} rows ({prep['n_skipped']} skipped), {passes.count} passes, "
        f"{train_ms:.0f} ms")
$py$;
COMMENT ON FUNCTION @extschema@.kmeans(text, text, text, integer, integer, float8, text, bigint, float8[], integer) IS
    'indb_ml: k-means (Lloyd) with greedy k-means++ + one local-search swap pass (default), kmeans++plain, kmeans|| or random seeding and n_init restarts sharing passes (best objective wins). Writes out_table (cluster_id 0..k-1, centroid, size, sse) and out_table_summary (objective, run_objectives, initial_centroids, iterations, passes, ...)';

CREATE OR REPLACE FUNCTION @extschema@.kmeans_auto(
    source_table text,
    out_table text,
    features text,
    k_values integer[],
    max_iter integer DEFAULT 20,
    tolerance float8 DEFAULT 1e-4,
    init text DEFAULT 'kmeans++',
    seed bigint DEFAULT 0,
    n_init integer DEFAULT NULL,
    k_selection text DEFAULT 'silhouette'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel prepare registry identifiers kmeans_driver kmeans_train
import time
import numpy as np
t0 = time.perf_counter()
schema = "@extschema@"
fn = "kmeans_auto"
rule = (k_selection or "").strip().lower()
if rule not in kmeans_train.AUTO_RULES:
    plpy.error(f"{fn}: k_selection must be 'silhouette' or 'elbow', got {k_selection!r}")
if not k_values or any(v is None for v in k_values):
    plpy.error(f"{fn}: k_values must be a non-empty array of positive integers without NULLs")
ks = sorted(set(int(v) for v in k_values))
if len(ks) != len(k_values):
    plpy.error(f"{fn}: k_values lists a k twice: {list(k_values)}")
if rule == "elbow" and len(ks) < 3:
    plpy.error(f"{fn}: k_selection 'elbow' needs at least 3 values in k_values, got {len(ks)}")
kinds = [kmeans_train.check_args(plpy, fn, kk, max_iter, tolerance, seed, init, n_init, None) for kk in ks]
kind, runs = kinds[0]
out = identifiers.resolve_output_table(plpy, out_table, "out_table")
summary = identifiers.sibling_table(plpy, out, "_summary", "summary table")
per_k = identifiers.sibling_table(plpy, out, "_per_k", "per-k table")
prep = prepare.ensure(plpy, schema, source_table, None, features)
kmeans_train.check_data(plpy, fn, prep, source_table, features, ks[-1])
params = {"k_values": ks, "max_iter": max_iter, "tolerance": tolerance, "init": kind, "seed": seed, "n_init": runs,
          "k_selection": rule}
model_id = registry.start(plpy, schema, out["sql"], "kmeans_auto", prep["source"]["sql"], out["sql"], None,
                          features, None, prep["feature_names"], params, prep["prepared_id"])
passes = kmeans_driver.Passes(plpy, schema, prep["table"], prep)
fits = []
for kk in ks:
    fits.append(kmeans_train.fit(plpy, schema, fn, passes, prep, model_id, kk, kind, runs, seed, max_iter,
                                 tolerance, None, source_table, features, f"k={kk}"))
objectives = [f["objective"] for f in fits]
silhouettes = passes.silhouette(np.concatenate([f["centroids"] for f in fits]), ks)
chosen, elbow = kmeans_train.select_k(ks, objectives, silhouettes, rule)
best = fits[ks.index(chosen)]
kmeans_train.write_centroids(plpy, out["sql"], best["centroids"], best["run"]["result"])
kmeans_train.write_summary(plpy, summary["sql"], "kmeans_auto", prep, out["sql"], features, chosen, kind, seed,
                           best, model_id, [("k_values", "int4[]", ks), ("k_selection", "text", rule),
                                            ("per_k_table", "text", per_k["sql"])])
plpy.execute(f"CREATE TABLE {per_k['sql']} (k integer PRIMARY KEY, objective float8 NOT NULL, "
             f"simplified_silhouette float8, elbow float8, iterations integer NOT NULL, converged boolean NOT NULL, "
             f"run_objectives float8[] NOT NULL, centroids float8[] NOT NULL, selected boolean NOT NULL)")
ins = plpy.prepare(f"INSERT INTO {per_k['sql']} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   ["int4", "float8", "float8", "float8", "int4", "bool", "float8[]", "float8[]", "bool"])
for kk, f, s, e in zip(ks, fits, silhouettes, elbow):
    plpy.execute(ins, [kk, f["objective"], s, e, f["run"]["iterations"], f["run"]["converged"], f["objectives"],
                       f["centroids"].tolist(), kk == chosen])
train_ms = (time.perf_counter() - t0) * 1000.0
registry.finish(plpy, schema, model_id,
                {"k": chosen, "k_selection": rule, "objective": best["objective"], "k_values": ks,
                 "objectives": objectives, "simplified_silhouettes": silhouettes, "passes": passes.count,
                 "num_rows_processed": prep["n_rows"], "num_missing_rows_skipped": prep["n_skipped"]},
                [out["sql"], summary["sql"], per_k["sql"]], train_ms)
return (f"kmeans_auto: {out['sql']}: k={chosen} chosen by {rule} from {ks}, objective {best['objective']:.10g}, "
        f"simplified silhouette {silhouettes[ks.index(chosen)]:.4f}, {passes.count} passes, {train_ms:.0f} ms")
$py$;
COMMENT ON FUNCTION @extschema@.kmeans_auto(text, text, text, integer[], integer, float8, text, bigint, integer, text) IS
    'indb_ml: k-means for each k in k_values; picks k by the highest simplified silhouette (k_selection => ''silhouette'', ties: smaller k) or the largest ratio of successive decreases of the objective (''elbow''). Writes out_table (the chosen model), out_table_summary and out_table_per_k (k, objective, simplified_silhouette, elbow, ...)';

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
