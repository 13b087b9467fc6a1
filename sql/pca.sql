-- pca: principal components from a one-pass covariance aggregate over packed blocks.
-- MADlib's surface (plpython/pca_driver.py):
--   SELECT @extschema@.pca_train('houses', 'houses_pca', 'id', 2);          -- k components
--   SELECT @extschema@.pca_train('houses', 'houses_pca', 'id', 0.9);        -- or a proportion of variance
--   SELECT @extschema@.pca_project('houses', 'houses_pca', 'houses_scores', 'id');
--   SELECT @extschema@.pca_project('houses_pca', ARRAY[rooms, age, area]) FROM houses;   -- per row
-- The aggregate keeps (n, mean, centred scatter matrix) and merges partial
-- states exactly (Chan et al.), so it runs in parallel workers; the
-- eigendecomposition of the d x d matrix happens once, in the driver. The
-- statistics stored at packing (suffstats.sql) give the same matrix without
-- the pass when centring their raw sums costs few digits (plpython/pca.py).

--@aggregate pca_cov_agg(x bytea, n integer)
--@    sfunc pca_transition = pca.transition
--@    combinefunc pca_merge = pca.merge
--@    finalfunc pca_final float8[]
--@    comment 'indb_ml: [d, n, mean (d), centred scatter matrix (d*d)] of packed blocks, merged exactly (parallel safe)'

DROP FUNCTION IF EXISTS @extschema@.pca_train(text, text, text, integer, boolean, boolean);

CREATE OR REPLACE FUNCTION @extschema@.pca_train(
    source_table text,
    out_table text,
    row_id text,
    k integer,
    grouping_cols text DEFAULT NULL,
    lanczos_iter integer DEFAULT NULL,
    use_correlation boolean DEFAULT false,
    result_summary_table text DEFAULT NULL,
    features text DEFAULT NULL,
    center boolean DEFAULT true
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel pca_driver
return pca_driver.train(plpy, "@extschema@", "pca_train", source_table, out_table, row_id, k, grouping_cols,
                        lanczos_iter, use_correlation, result_summary_table, features, center)
$py$;
COMMENT ON FUNCTION @extschema@.pca_train(text, text, text, integer, text, integer, boolean, text, text, boolean) IS
    'indb_ml: PCA (MADlib''s signature) from the covariance (the statistics stored at packing, or a one-pass covariance aggregate) and an exact eigendecomposition; k components. Writes out_table (row_id, principal_components, std_dev, proportion), out_table_mean (column_mean, feature_scale), out_table_summary, and result_summary_table if named. features => an expression instead of MADlib''s every-other-column rule; center => false for uncentred PCA';

CREATE OR REPLACE FUNCTION @extschema@.pca_train(
    source_table text,
    out_table text,
    row_id text,
    proportion float8,
    grouping_cols text DEFAULT NULL,
    lanczos_iter integer DEFAULT NULL,
    use_correlation boolean DEFAULT false,
    result_summary_table text DEFAULT NULL,
    features text DEFAULT NULL,
    center boolean DEFAULT true
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel pca_driver
return pca_driver.train(plpy, "@extschema@", "pca_train", source_table, out_table, row_id, float(proportion),
                        grouping_cols, lanczos_iter, use_correlation, result_summary_table, features, center)
$py$;
COMMENT ON FUNCTION @extschema@.pca_train(text, text, text, float8, text, integer, boolean, text, text, boolean) IS
    'indb_ml: PCA (MADlib''s signature) keeping the fewest components whose variance proportions reach proportion (in (0, 1])';

CREATE OR REPLACE FUNCTION @extschema@.pca_sparse_train(
    source_table text, out_table text, row_id text, col_id text, val_id text, row_dim integer, col_dim integer,
    k integer, grouping_cols text DEFAULT NULL, lanczos_iter integer DEFAULT NULL,
    use_correlation boolean DEFAULT false, result_summary_table text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel pca_driver
return pca_driver.sparse_train(plpy, "@extschema@", source_table, out_table, row_id, col_id, val_id, row_dim, col_dim,
                               k, grouping_cols, lanczos_iter, use_correlation, result_summary_table)
$py$;

CREATE OR REPLACE FUNCTION @extschema@.pca_sparse_train(
    source_table text, out_table text, row_id text, col_id text, val_id text, row_dim integer, col_dim integer,
    proportion float8, grouping_cols text DEFAULT NULL, lanczos_iter integer DEFAULT NULL,
    use_correlation boolean DEFAULT false, result_summary_table text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel pca_driver
return pca_driver.sparse_train(plpy, "@extschema@", source_table, out_table, row_id, col_id, val_id, row_dim, col_dim,
                               float(proportion), grouping_cols, lanczos_iter, use_correlation, result_summary_table)
$py$;
COMMENT ON FUNCTION @extschema@.pca_sparse_train(text, text, text, text, text, integer, integer, integer, text, integer, boolean, text) IS
    'indb_ml: PCA of a sparse (row, col, value) matrix with 1-based indices (MADlib''s signature): densified, then pca_train';

CREATE OR REPLACE FUNCTION @extschema@.pca_scores(x float8[], components float8[], mean float8[], scale float8[],
                                                  residual boolean DEFAULT false)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel pca
import numpy as np
if x is None or components is None or any(v is None for v in x):
    return None
z = (np.asarray(x, dtype=float) - np.asarray(mean, dtype=float)) / np.asarray(scale, dtype=float)
C = np.asarray(components, dtype=float).reshape(-1, z.size)
s = C @ z
return (z - C.T @ s).tolist() if residual else s.tolist()
$py$;
COMMENT ON FUNCTION @extschema@.pca_scores(float8[], float8[], float8[], float8[], boolean) IS
    'indb_ml: scores C·z (or the residual z - Cᵀ C z) of z = (x - mean) / scale on components C (k x d)';

CREATE OR REPLACE FUNCTION @extschema@.pca_project(
    source_table text, pc_table text, out_table text, row_id text,
    residual_table text DEFAULT NULL, result_summary_table text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel pca_driver
return pca_driver.project(plpy, "@extschema@", "pca_project", source_table, pc_table, out_table, row_id,
                          residual_table, result_summary_table)
$py$;
COMMENT ON FUNCTION @extschema@.pca_project(text, text, text, text, text, text) IS
    'indb_ml: MADlib''s table-form projection: out_table (row_id, row_vec scores), residual_table, result_summary_table (residual_norm, relative_residual_norm)';

CREATE OR REPLACE FUNCTION @extschema@.pca_sparse_project(
    source_table text, pc_table text, out_table text, row_id text, col_id text, val_id text,
    row_dim integer, col_dim integer, residual_table text DEFAULT NULL, result_summary_table text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel pca_driver
grouping = ", ".join(plpy.quote_ident(g) for g in pca_driver.model_grouping(plpy, pc_table)) or None
dense = pca_driver.densify(plpy, "pca_sparse_project", source_table, row_id, col_id, val_id, row_dim, col_dim,
                           grouping)
try:
    return pca_driver.project(plpy, "@extschema@", "pca_sparse_project", dense, pc_table, out_table, "row_id",
                              residual_table, result_summary_table)
finally:
    plpy.execute(f"DROP TABLE IF EXISTS pg_temp.{dense}")
$py$;
COMMENT ON FUNCTION @extschema@.pca_sparse_project(text, text, text, text, text, text, integer, integer, text, text) IS
    'indb_ml: MADlib''s projection of a sparse (row, col, value) matrix: densified, then pca_project';

CREATE OR REPLACE FUNCTION @extschema@.pca_project(model text, x float8[])
RETURNS float8[] LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    rel regclass := to_regclass(model);
    mean_rel regclass;
    parts text[];
    mu float8[];
    sc float8[];
    comps float8[];
    n_models bigint;
BEGIN
    IF x IS NULL THEN
        RETURN NULL;
    END IF;
    IF rel IS NULL THEN
        RAISE EXCEPTION 'pca_project: model table % does not exist', model;
    END IF;
    parts := parse_ident(model);
    parts[cardinality(parts)] := parts[cardinality(parts)] || '_mean';
    mean_rel := to_regclass(array_to_string(ARRAY(SELECT quote_ident(p) FROM unnest(parts) AS p), '.'));
    IF mean_rel IS NULL THEN
        RAISE EXCEPTION 'pca_project: mean table of model % does not exist', model;
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', mean_rel) INTO n_models;
    IF n_models <> 1 THEN
        RAISE EXCEPTION 'pca_project: model % has % groups; use the table form pca_project(source_table, pc_table, out_table, row_id)', model, n_models;
    END IF;
    EXECUTE format('SELECT column_mean, feature_scale FROM %s', mean_rel) INTO mu, sc;
    IF cardinality(mu) <> cardinality(x) THEN
        RAISE EXCEPTION 'pca_project: model % has % features, x has %', model, cardinality(mu), cardinality(x);
    END IF;
    IF array_position(x, NULL) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT array_agg(principal_components ORDER BY row_id) FROM %s', rel) INTO comps;
    RETURN @extschema@.pca_scores(x, comps, mu, sc);
END
$$;
COMMENT ON FUNCTION @extschema@.pca_project(text, float8[]) IS
    'indb_ml: the scores of x on the components of model (an ungrouped pca_train out_table): ((x - mean) / scale) · component, per row';
