-- MADlib's low-rank matrix factorisation call (lmf_igd_run) over indb_ml.als_train.
--   SELECT @extschema@.lmf_igd_run('lmf_model', 'ratings', 'row', 'col', 'val', 943, 1682, 10);
-- The model is MADlib's, R ≈ U Vᵀ without biases; it is fitted by ALS (als_train with biases => false)
-- rather than incremental gradient, so stepsize and scale_factor are not used (docs/madlib.md).

CREATE OR REPLACE FUNCTION @extschema@.lmf_igd_run(
    rel_output text,
    rel_source text,
    col_row text,
    col_column text,
    col_value text,
    row_dim integer,
    column_dim integer,
    max_rank integer DEFAULT 20,
    stepsize float8 DEFAULT 0.01,
    scale_factor float8 DEFAULT 0.1,
    num_iterations integer DEFAULT 10,
    tolerance float8 DEFAULT 0.0001
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers
import time
fn = "lmf_igd_run"
if row_dim is None or column_dim is None or row_dim < 1 or column_dim < 1:
    plpy.error(f"{fn}: row_dim and column_dim must be positive")
if max_rank is None or max_rank < 1:
    plpy.error(f"{fn}: max_rank must be positive")
out = identifiers.resolve_output_table(plpy, rel_output, "rel_output")
tmp = f"lmf_als_{int(time.time() * 1e6) % 10**12}"
names = [tmp, tmp + "_users", tmp + "_items"]
try:
    plpy.execute(plpy.prepare(
        "SELECT @extschema@.als_train(ratings_table => $1, user_col => $2, item_col => $3, rating_col => $4, "
        "out_table => $5, rank => $6, max_iter => $7, tolerance => $8, biases => false)",
        ["text", "text", "text", "text", "text", "int4", "int4", "float8"]),
        [rel_source, col_row, col_column, col_value, "pg_temp." + tmp, max_rank, num_iterations or 10,
         tolerance if tolerance is not None else 1e-4])
    q = [f"pg_temp.{plpy.quote_ident(n)}" for n in names]
    plpy.execute(plpy.prepare(f"""
        CREATE TABLE {out['sql']} AS
        SELECT 1 AS id,
               (SELECT array_agg(coalesce(u.factor, array_fill(0::float8, ARRAY[$3])) ORDER BY g)
                FROM generate_series(1, $1) AS g LEFT JOIN {q[1]} AS u ON u.id = g) AS matrix_u,
               (SELECT array_agg(coalesce(v.factor, array_fill(0::float8, ARRAY[$3])) ORDER BY g)
                FROM generate_series(1, $2) AS g LEFT JOIN {q[2]} AS v ON v.id = g) AS matrix_v,
               (SELECT train_rmse FROM {q[0]}) AS rmse""", ["int4", "int4", "int4"]),
        [row_dim, column_dim, max_rank])
finally:
    for n in names:
        plpy.execute(f"DROP TABLE IF EXISTS pg_temp.{plpy.quote_ident(n)}")
rmse = plpy.execute(f"SELECT rmse FROM {out['sql']}")[0]["rmse"]
return f"{fn}: {out['sql']} (matrix_u {row_dim} x {max_rank}, matrix_v {column_dim} x {max_rank}), training RMSE {rmse:.6g}"
$py$;
COMMENT ON FUNCTION @extschema@.lmf_igd_run(text, text, text, text, text, integer, integer, integer, float8, float8, integer, float8) IS
    'indb_ml: MADlib''s lmf_igd_run: rel_output (id, matrix_u row_dim x rank, matrix_v column_dim x rank, rmse) with R ~ U V^T, fitted by ALS (als_train, biases => false); stepsize and scale_factor unused';
