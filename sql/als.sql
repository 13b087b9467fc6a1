-- als: matrix factorisation by alternating least squares (ALS-WR), GraphLab's Netflix app in SQL.
--   SELECT @extschema@.als_train('ratings', 'user_id', 'item_id', 'rating', 'ratings_als', rank => 10, lambda => 0.1);
--   SELECT @extschema@.als_predict('ratings_als', 196, 242);
--   SELECT * FROM @extschema@.recommend('ratings_als', 196, 10);
-- The ratings are packed once per training into blocks of consecutive users
-- (and of items) in CSR form; a half-step reads one side's blocks and solves
-- every vertex of a block in one kernel call (plpython/als.py), with the other
-- side's factors in the training backend's memory: no per-rating Python.

-- the per-rating aggregate of earlier versions
DROP AGGREGATE IF EXISTS @extschema@.als_step_agg(bytea, float8, float8, float8, boolean);
DROP FUNCTION IF EXISTS @extschema@.als_step_transition(bytea, bytea, float8, float8, float8, boolean);
DROP FUNCTION IF EXISTS @extschema@.als_step_merge(bytea, bytea);
DROP FUNCTION IF EXISTS @extschema@.als_step_final(bytea);
DROP FUNCTION IF EXISTS @extschema@.als_step_stats(bytea);
DROP FUNCTION IF EXISTS @extschema@.als_initial_bytes(text, integer, bigint);

CREATE OR REPLACE FUNCTION @extschema@.als_pack_block(vs bytea, os bytea, rs bytea, first integer, nvert integer)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel als
return als.pack_block(vs, os, rs, first, nvert)
$py$;
COMMENT ON FUNCTION @extschema@.als_pack_block(bytea, bytea, bytea, integer, integer) IS
    'indb_ml: one packed ALS block from array_send of its vertex indexes, neighbour indexes and ratings (any order): stats, float64 rating per pair, int32 count per vertex, int32 neighbour per pair; sorted by vertex, duplicate pairs averaged';

CREATE OR REPLACE FUNCTION @extschema@.als_block_stats(data bytea)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel als
return als.block_stats(data)
$py$;
COMMENT ON FUNCTION @extschema@.als_block_stats(bytea) IS
    'indb_ml: [pairs, duplicated pairs, extra rows averaged away, sum of ratings] of a packed ALS block';

CREATE OR REPLACE FUNCTION @extschema@.als_initial_factor(id text, rank integer, seed bigint DEFAULT 0)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel als
if rank < 1:
    plpy.error("als_initial_factor: rank must be positive")
return als.initial_factor(id, rank, seed).tolist()
$py$;
COMMENT ON FUNCTION @extschema@.als_initial_factor(text, integer, bigint) IS
    'indb_ml: the starting item factor als_train uses for an item id (as text): N(0, 0.1²) per component from sha256(seed:id)';

CREATE OR REPLACE FUNCTION @extschema@.als_dot(a float8[], b float8[])
RETURNS float8 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT sum(x * y) FROM unnest(a, b) AS t(x, y)
$$;
COMMENT ON FUNCTION @extschema@.als_dot(float8[], float8[]) IS 'indb_ml: dot product of two factor vectors';

CREATE OR REPLACE FUNCTION @extschema@.als_train(
    ratings_table text,
    user_col text,
    item_col text,
    rating_col text,
    out_table text,
    rank integer DEFAULT 10,
    lambda float8 DEFAULT 0.05,
    max_iter integer DEFAULT 15,
    tolerance float8 DEFAULT 1e-4,
    seed bigint DEFAULT 0,
    biases boolean DEFAULT true,
    duplicates text DEFAULT 'average'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel registry identifiers packed_store als als_driver
import math
import time
t0 = time.perf_counter()
schema = "@extschema@"
fn = "als_train"
lam = args[6]          # "lambda" is a Python keyword: read it positionally
if rank is None or rank < 1 or rank > 1000:
    plpy.error(f"{fn}: rank must be between 1 and 1000, got {rank}")
if lam is None or not math.isfinite(lam) or lam < 0:
    plpy.error(f"{fn}: lambda must be a finite number >= 0, got {lam}")
if max_iter is None or max_iter < 1:
    plpy.error(f"{fn}: max_iter must be at least 1, got {max_iter}")
if tolerance is None or not math.isfinite(tolerance) or tolerance < 0:
    plpy.error(f"{fn}: tolerance must be a finite number >= 0, got {tolerance}")
if seed is None or biases is None:
    plpy.error(f"{fn}: seed and biases must not be NULL")
dup_mode = (duplicates or "").strip().lower()
if dup_mode not in ("average", "error"):
    plpy.error(f"{fn}: duplicates must be 'average' or 'error', got {duplicates!r}")
src = identifiers.resolve_table(plpy, ratings_table, "ratings table")
columns = identifiers.table_columns(plpy, src["oid"])


def column(text, what):
    return identifiers.resolve_one_column(plpy, columns, text, ratings_table, what, f"{fn}: ")


ucol, icol, rcol = column(user_col, "user_col"), column(item_col, "item_col"), column(rating_col, "rating_col")
if ucol == icol:
    plpy.error(f"{fn}: user_col and item_col are the same column {ucol}")
if columns[rcol]["typname"] not in identifiers.NUMERIC_TYPES - {"bool"}:
    plpy.error(f"{fn}: column {rcol} (rating_col) is {columns[rcol]['type']}; ratings must be numeric")
for c, what in ((ucol, "user_col"), (icol, "item_col")):
    if columns[c]["typname"] in ("float4", "float8"):
        plpy.error(f"{fn}: column {c} ({what}) is {columns[c]['type']}; ids must be integers, text or another "
                   f"type with exact equality")
out = identifiers.resolve_output_table(plpy, out_table, "out_table")
users_t = identifiers.sibling_table(plpy, out, "_users", "user factor table")
items_t = identifiers.sibling_table(plpy, out, "_items", "item factor table")
q = plpy.quote_ident
U, I, R = q(ucol), q(icol), q(rcol)
utype, itype = columns[ucol]["type"], columns[icol]["type"]

params = {"rank": rank, "lambda": lam, "max_iter": max_iter, "tolerance": tolerance, "seed": seed,
          "biases": biases, "duplicates": dup_mode}
model_id = registry.start(plpy, schema, out["sql"], "als", src["sql"], out["sql"], rcol, f"{ucol}, {icol}", None,
                          None, params)
# hash aggregates and joins over all ratings: at least 256 MB for this transaction (restored at the end)
old_work_mem = plpy.execute("SELECT current_setting('work_mem') AS w")[0]["w"]
plpy.execute("SELECT set_config('work_mem', '256MB', true) WHERE pg_size_bytes(current_setting('work_mem')) < 268435456")
work = f"{packed_store.data_schema(schema)}.{packed_store.new_name('_als')}"  # scratch tables, private to the caller
valid = (f"{U} IS NOT NULL AND {I} IS NOT NULL AND {R} IS NOT NULL "
         f"AND {R}::float8 NOT IN ('NaN', 'Infinity', '-Infinity')")
counts = plpy.execute(
    f"SELECT count(*) AS total, count(*) FILTER (WHERE {R} IS NULL) AS null_ratings, "
    f"count(*) FILTER (WHERE {R} IS NOT NULL AND ({U} IS NULL OR {I} IS NULL)) AS null_ids, "
    f"count(*) FILTER (WHERE {R}::float8 IN ('NaN', 'Infinity', '-Infinity')) AS bad_ratings, "
    f"count(*) FILTER (WHERE {valid}) AS valid FROM {src['sql']}")[0]
rows_sql = f"(SELECT {U} AS u, {I} AS i, {R}::float8 AS r FROM {src['sql']} WHERE {valid})"
n_rows = int(counts["valid"])
if counts["total"] == 0:
    plpy.error(f"{fn}: ratings table {ratings_table} is empty")
if n_rows == 0:
    plpy.error(f"{fn}: {ratings_table} has no usable ratings ({counts['total']} rows, {counts['null_ratings']} "
               f"with a NULL rating, {counts['null_ids']} with a NULL id, {counts['bad_ratings']} NaN/infinite)")
n_users = als_driver.make_map(plpy, work, rows_sql, "u")
n_items = als_driver.make_map(plpy, work, rows_sql, "i")
tp = time.perf_counter()
# duplicate (user, item) rows are averaged by the packing kernel (adjacent after its sort)
ublocks, st = als_driver.pack(plpy, schema, work, rows_sql, "u", "i", n_users, n_rows)
if st["dup_pairs"] and dup_mode == "error":
    ex = plpy.execute(f"SELECT u::text AS u, i::text AS i, count(*) AS c FROM {rows_sql} AS t GROUP BY u, i "
                      f"HAVING count(*) > 1 ORDER BY count(*) DESC, 1, 2 LIMIT 1")[0]
    plpy.error(f"{fn}: {int(st['dup_pairs'])} (user, item) pairs are rated more than once in {ratings_table}, "
               f"e.g. ({ex['u']}, {ex['i']}) {ex['c']} times; pass duplicates => 'average' to average them")
iblocks, _ = als_driver.pack(plpy, schema, work, rows_sql, "i", "u", n_items, n_rows)
pack_ms = (time.perf_counter() - tp) * 1000.0
n_ratings = int(st["pairs"])
global_mean = st["sum_r"] / st["pairs"]
mu = global_mean if biases else 0.0
plpy.notice(f"{fn}: {n_ratings} ratings of {n_users} users x {n_items} items "
            f"({counts['null_ratings']} NULL ratings, {counts['null_ids']} NULL ids, {counts['bad_ratings']} NaN/inf "
            f"skipped; {int(st['dup_pairs'])} duplicated pairs averaged)")
item_ids = [r["t"] for r in plpy.execute(f"SELECT id::text AS t FROM {work}_imap ORDER BY idx")]
Qi = als.initial_factors(item_ids, rank, seed)
Pu = None

prev_rmse = None
converged = False
rmse = None
it = 0
while it < max_iter:
    it += 1
    ti = time.perf_counter()
    Pu, Un, _ = als_driver.half_step(plpy, ublocks, n_users, Qi, lam, mu, biases)
    tu = time.perf_counter()
    Qi, Vn, Vsse = als_driver.half_step(plpy, iblocks, n_items, Pu, lam, mu, biases)
    rmse = math.sqrt(Vsse.sum() / Vn.sum())
    ms = (time.perf_counter() - ti) * 1000.0
    change = None if prev_rmse is None else abs(prev_rmse - rmse)
    registry.iteration(plpy, schema, model_id, it, loss=rmse, grad_norm=change, rows=n_ratings, elapsed_ms=ms,
                       info={"train_rmse": rmse, "user_step_ms": (tu - ti) * 1000.0,
                             "item_step_ms": (time.perf_counter() - tu) * 1000.0})
    registry.progress.report(plpy, fn, it, max_iter, f"{fn}: iteration {it}: train RMSE {rmse:.6f}"
                + ("" if change is None else f" (change {change:.2g})") + f", {ms:.0f} ms", rmse=rmse)
    if change is not None and change < tolerance:
        converged = True
        break
    prev_rmse = rmse

# ---- output tables: (id, factor, bias, n_ratings) per side, and the model row
als_driver.write_factors(plpy, users_t["sql"], f"{work}_umap", Pu, Un, utype, rank)
als_driver.write_factors(plpy, items_t["sql"], f"{work}_imap", Qi, Vn, itype, rank)
for suffix in ("_ublocks", "_iblocks", "_umap", "_imap"):
    plpy.execute(f"DROP TABLE {work}{suffix}")
plpy.execute(plpy.prepare("SELECT set_config('work_mem', $1, true)", ["text"]), [old_work_mem])
train_ms = (time.perf_counter() - t0) * 1000.0
plpy.execute(plpy.prepare(f"""
    CREATE TABLE {out['sql']} AS
    SELECT 'als'::text AS method, $1::text AS ratings_table, $2::text AS user_col, $3::text AS item_col,
           $4::text AS rating_col, $5::text AS users_table, $6::text AS items_table, $7::int AS rank,
           $8::float8 AS lambda, $9::boolean AS biases, $10::float8 AS global_mean, $11::bigint AS seed,
           $12::int AS iterations, $13::boolean AS converged, $14::float8 AS train_rmse,
           $15::bigint AS num_ratings, $16::bigint AS num_users, $17::bigint AS num_items,
           $18::bigint AS num_null_ratings_skipped, $19::bigint AS num_null_ids_skipped,
           $20::bigint AS num_invalid_ratings_skipped, $21::bigint AS num_duplicate_pairs_averaged,
           $22::bigint AS model_id""",
    ["text", "text", "text", "text", "text", "text", "int4", "float8", "bool", "float8", "int8", "int4", "bool",
     "float8", "int8", "int8", "int8", "int8", "int8", "int8", "int8", "int8"]),
    [src["sql"], U, I, R, users_t["sql"], items_t["sql"], rank, lam, biases, global_mean, seed, it, converged,
     rmse, n_ratings, n_users, n_items, counts["null_ratings"], counts["null_ids"], counts["bad_ratings"],
     int(st["dup_pairs"]), model_id])
registry.finish(plpy, schema, model_id,
                {"train_rmse": rmse, "iterations": it, "converged": converged, "num_ratings": n_ratings,
                 "num_users": n_users, "num_items": n_items, "global_mean": global_mean,
                 "num_null_ratings_skipped": counts["null_ratings"], "num_null_ids_skipped": counts["null_ids"],
                 "num_duplicate_pairs_averaged": int(st["dup_pairs"]), "pack_ms": pack_ms},
                [out["sql"], users_t["sql"], items_t["sql"]], train_ms)
return (f"als_train: {out['sql']}: rank {rank}, train RMSE {rmse:.6f} after {it} iteration(s) "
        f"({'converged' if converged else 'stopped at max_iter'}), {n_ratings} ratings, "
        f"{n_users} users, {n_items} items, {train_ms:.0f} ms")
$py$;
COMMENT ON FUNCTION @extschema@.als_train(text, text, text, text, text, integer, float8, integer, float8, bigint, boolean, text) IS
    'indb_ml: ALS-WR matrix factorisation (with user/item biases unless biases => false). Writes out_table (one row: parameters, global_mean, train_rmse, counts), out_table_users and out_table_items (id, factor, bias, n_ratings)';

-- model name -> the regclass of its users / items tables (siblings named <model>_users / <model>_items)
CREATE OR REPLACE FUNCTION @extschema@._als_sibling(model text, suffix text)
RETURNS regclass LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    parts text[] := parse_ident(model);
BEGIN
    parts[cardinality(parts)] := parts[cardinality(parts)] || suffix;
    RETURN to_regclass(array_to_string(ARRAY(SELECT quote_ident(p) FROM unnest(parts) AS p), '.'));
END
$$;

CREATE OR REPLACE FUNCTION @extschema@.als_predict(model text, user_id anyelement, item_id anycompatible)
RETURNS float8 LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    m regclass := to_regclass(model);
    ut regclass := @extschema@._als_sibling(model, '_users');
    it regclass := @extschema@._als_sibling(model, '_items');
    mu float8;
    use_bias boolean;
    result float8;
BEGIN
    IF m IS NULL OR ut IS NULL OR it IS NULL THEN
        RAISE EXCEPTION 'als_predict: model % (with %_users and %_items) does not exist', model, model, model;
    END IF;
    IF user_id IS NULL OR item_id IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT global_mean, biases FROM %s', m) INTO mu, use_bias;
    EXECUTE format('SELECT CASE WHEN $3 THEN $4 + u.bias + i.bias ELSE 0 END + @extschema@.als_dot(u.factor, i.factor) '
                   'FROM %s u, %s i WHERE u.id = $1 AND i.id = $2', ut, it)
        INTO result USING user_id, item_id, use_bias, mu;
    RETURN result;
END
$$;
COMMENT ON FUNCTION @extschema@.als_predict(text, anyelement, anycompatible) IS
    'indb_ml: predicted rating μ + b_u + b_i + p_u·q_i (p_u·q_i without biases); NULL when the user or the item has no factors (no usable ratings in training)';

CREATE OR REPLACE FUNCTION @extschema@.recommend(model text, user_id anyelement, k integer DEFAULT 10,
                                                 exclude_rated boolean DEFAULT true)
RETURNS TABLE (item_id anyelement, score float8, rank integer) LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    m regclass := to_regclass(model);
    ut regclass := @extschema@._als_sibling(model, '_users');
    it regclass := @extschema@._als_sibling(model, '_items');
    src text;
    ucol text;
    icol text;
    rcol text;
    mu float8;
    use_bias boolean;
    excl text := '';
    bound text[];
BEGIN
    IF m IS NULL OR ut IS NULL OR it IS NULL THEN
        RAISE EXCEPTION 'recommend: model % (with %_users and %_items) does not exist', model, model, model;
    END IF;
    -- the caller's registered ALS model, by OID, with the sibling tables its training wrote
    bound := @extschema@._bound_model(model, 'als', 'recommend');
    IF NOT EXISTS (SELECT 1 FROM unnest(bound[2:]) AS t WHERE to_regclass(t) = ut)
       OR NOT EXISTS (SELECT 1 FROM unnest(bound[2:]) AS t WHERE to_regclass(t) = it) THEN
        RAISE EXCEPTION 'recommend: %_users / %_items are not the tables training of model % wrote', model, model, model;
    END IF;
    IF k IS NULL OR k < 1 THEN
        RAISE EXCEPTION 'recommend: k must be a positive number of items, got %', k;
    END IF;
    IF user_id IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT ratings_table, user_col, item_col, rating_col, global_mean, biases FROM %s', m)
        INTO src, ucol, icol, rcol, mu, use_bias;
    IF coalesce(exclude_rated, true) THEN
        IF to_regclass(src) IS NULL THEN
            RAISE EXCEPTION 'recommend: the ratings table % of model % no longer exists; pass exclude_rated => false',
                src, model;
        END IF;
        -- names were validated and quoted (quote_ident) by als_train; checked again before use
        IF NOT (@extschema@._is_quoted_ident(ucol) AND @extschema@._is_quoted_ident(icol)
                AND @extschema@._is_quoted_ident(rcol)) THEN
            RAISE EXCEPTION 'recommend: model % names malformed ratings columns', model;
        END IF;
        excl := format(' AND NOT EXISTS (SELECT 1 FROM %s r WHERE r.%s = $1 AND r.%s = i.id AND r.%s IS NOT NULL)',
                       to_regclass(src), ucol, icol, rcol);
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT q.id::%s, q.score, (row_number() OVER (ORDER BY q.score DESC, q.id))::integer FROM ('
        'SELECT i.id, CASE WHEN $2 THEN $3 + u.bias + i.bias ELSE 0 END + @extschema@.als_dot(u.factor, i.factor) AS score '
        'FROM %s u, %s i WHERE u.id = $1%s) q ORDER BY q.score DESC, q.id LIMIT $4',
        pg_typeof(user_id), ut, it, excl)
        USING user_id, use_bias, mu, k;
END
$$;
COMMENT ON FUNCTION @extschema@.recommend(text, anyelement, integer, boolean) IS
    'indb_ml: the top-k items for a user by predicted rating (set-returning, usable in FROM / LATERAL); by default skips items the user has rated in the training table; no rows for a user without factors';
