-- MADlib's multinomial-logistic family (labels 0..K-1 against a reference category):
--   SELECT @extschema@.mlogregr_train('test3', 'test3_mlogr', 'cat', 'ARRAY[1, feat1, feat2]', 0,
--                                    'max_iter=20, optimizer=irls, tolerance=0.0001');
--   SELECT @extschema@.mlogregr_predict('test3_mlogr', 'test3', 'id', 'test3_pred', 'prob');
--   SELECT @extschema@.robust_variance_mlogregr('test3', 'test3_hw', 'cat', 'ARRAY[1, feat1, feat2]');
--   SELECT @extschema@.clustered_variance_mlogregr('t', 't_cl', 'y', 'ARRAY[1, x1]', 'sex');
--   SELECT @extschema@.margins_mlogregr('test3', 'test3_me', 'cat', 'ARRAY[1, feat1, feat2]');
-- Training is multinom's Newton passes (plpython/multinom.py); the robust, clustered and marginal
-- statistics one pass of the parallel-safe mlogregr_stats_agg at the fitted coefficients
-- (plpython/mlogregr.py, plpython/mlogregr_driver.py). margins(model_table, ...) also takes an
-- mlogregr_train model (sql/margins.sql).

--@aggregate mlogregr_stats_agg(x bytea, y bytea, n integer, task bytea)
--@    sfunc mlogregr_stats_transition = mlogregr.transition
--@    combinefunc mlogregr_stats_merge = mlogregr.merge
--@    comment 'indb_ml: multinomial-logit statistics over packed blocks at given coefficients (task: reference index, (K-1) x d coefficients): [n, d, K-1, information matrix, score outer products, score sum, marginal effects sum, their Jacobian]'

CREATE OR REPLACE FUNCTION @extschema@.mlogregr_train(
    source_table text,
    output_table text,
    dependent_varname text,
    independent_varname text,
    ref_category integer DEFAULT 0,
    optimizer_params text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel mlogregr_driver
return mlogregr_driver.train(plpy, "@extschema@", source_table, output_table, dependent_varname,
                             independent_varname, ref_category, optimizer_params)
$py$;
COMMENT ON FUNCTION @extschema@.mlogregr_train(text, text, text, text, integer, text) IS
    'indb_ml: MADlib''s multinomial logistic regression (labels 0..K-1, optimizer_params max_iter=20, optimizer=irls|newton, tolerance=1e-4). Writes output_table (one row per category other than ref_category: category, ref_category, coef, loglikelihood, std_err, z_stats, p_values, odd_ratios, condition_no, num_iterations) and output_table_summary (method, ..., num_rows_processed, num_missing_rows_skipped, variance_covariance, coef)';

CREATE OR REPLACE FUNCTION @extschema@.mlogregr_predict_prob(coef float8[], ref_category integer, x float8[])
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel mlogregr
if coef is None or ref_category is None or x is None or any(v is None for v in x):
    return None
return mlogregr.predict_prob(coef, ref_category, x)
$py$;
COMMENT ON FUNCTION @extschema@.mlogregr_predict_prob(float8[], integer, float8[]) IS
    'indb_ml: P(category | x) of the categories 0..K-1 from an mlogregr_train summary''s coef ((K-1) x d) and ref_category';

CREATE OR REPLACE FUNCTION @extschema@.mlogregr_predict_response(coef float8[], ref_category integer, x float8[])
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $sql$
    SELECT (SELECT i - 1 FROM unnest(p) WITH ORDINALITY AS t(v, i) ORDER BY v DESC, i LIMIT 1)::integer
    FROM (SELECT @extschema@.mlogregr_predict_prob(coef, ref_category, x) AS p) AS s
$sql$;
COMMENT ON FUNCTION @extschema@.mlogregr_predict_response(float8[], integer, float8[]) IS
    'indb_ml: the most probable category (0..K-1) of an mlogregr_train model';

CREATE OR REPLACE FUNCTION @extschema@.mlogregr_predict(
    model_table text,
    new_data_table text,
    id_col_name text,
    output_table text,
    type text DEFAULT 'response'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel mlogregr_driver
return mlogregr_driver.predict(plpy, "@extschema@", model_table, new_data_table, id_col_name, output_table, type)
$py$;
COMMENT ON FUNCTION @extschema@.mlogregr_predict(text, text, text, text, text) IS
    'indb_ml: MADlib''s mlogregr_predict: output_table (id, estimated_<dependent>) for type response, (id, estimated_prob_0, ..., estimated_prob_<K-1>) for prob';

CREATE OR REPLACE FUNCTION @extschema@.robust_variance_mlogregr(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    ref_category integer DEFAULT 0,
    grouping_cols text DEFAULT NULL,
    optimizer_params text DEFAULT NULL,
    verbose_mode boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel mlogregr_driver
return mlogregr_driver.robust_variance(plpy, "@extschema@", source_table, out_table, dependent_varname,
                                       independent_varname, ref_category, grouping_cols, optimizer_params,
                                       verbose_mode)
$py$;
COMMENT ON FUNCTION @extschema@.robust_variance_mlogregr(text, text, text, text, integer, text, text, boolean) IS
    'indb_ml: multinomial logistic regression with Huber-White (HC0) standard errors (MADlib-compatible). Writes out_table (grouping columns, category, ref_category, coef, std_err, z_stats, p_values) and out_table_summary';

-- MADlib's older forms with max_iter, optimizer, tolerance as arguments
CREATE OR REPLACE FUNCTION @extschema@.robust_variance_mlogregr(
    source_table text, out_table text, dependent_varname text, independent_varname text, ref_category integer,
    grouping_cols text, max_iter integer, optimizer text DEFAULT 'irls', tolerance float8 DEFAULT 1e-4,
    verbose_mode boolean DEFAULT false
) RETURNS text LANGUAGE sql AS $sql$
    SELECT @extschema@.robust_variance_mlogregr(source_table, out_table, dependent_varname, independent_varname,
        ref_category, grouping_cols, format('max_iter=%s, optimizer=%s, tolerance=%s', max_iter, optimizer, tolerance),
        verbose_mode)
$sql$;

CREATE OR REPLACE FUNCTION @extschema@.clustered_variance_mlogregr(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    clustervar text,
    ref_category integer DEFAULT 0,
    grouping_cols text DEFAULT NULL,
    optimizer_params text DEFAULT NULL,
    verbose_mode boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel mlogregr_driver
return mlogregr_driver.clustered_variance(plpy, "@extschema@", source_table, out_table, dependent_varname,
                                          independent_varname, clustervar, ref_category, grouping_cols,
                                          optimizer_params, verbose_mode)
$py$;
COMMENT ON FUNCTION @extschema@.clustered_variance_mlogregr(text, text, text, text, text, integer, text, text, boolean) IS
    'indb_ml: multinomial logistic regression with cluster-robust standard errors (MADlib-compatible; factor G/(G-1)(n-1)/(n-p)). Writes out_table (grouping columns, category, ref_category, coef, std_err, z_stats, p_values) and out_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.clustered_variance_mlogregr(
    source_table text, out_table text, dependent_varname text, independent_varname text, clustervar text,
    ref_category integer, grouping_cols text, max_iter integer, optimizer text DEFAULT 'irls',
    tolerance float8 DEFAULT 1e-4, verbose_mode boolean DEFAULT false
) RETURNS text LANGUAGE sql AS $sql$
    SELECT @extschema@.clustered_variance_mlogregr(source_table, out_table, dependent_varname, independent_varname,
        clustervar, ref_category, grouping_cols,
        format('max_iter=%s, optimizer=%s, tolerance=%s', max_iter, optimizer, tolerance), verbose_mode)
$sql$;

CREATE OR REPLACE FUNCTION @extschema@.margins_mlogregr(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    ref_category integer DEFAULT 0,
    grouping_cols text DEFAULT NULL,
    marginal_vars integer[] DEFAULT NULL,
    optimizer_params text DEFAULT NULL,
    verbose_mode boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel mlogregr_driver
return mlogregr_driver.margins(plpy, "@extschema@", source_table, out_table, dependent_varname, independent_varname,
                               ref_category, grouping_cols, marginal_vars, optimizer_params, verbose_mode)
$py$;
COMMENT ON FUNCTION @extschema@.margins_mlogregr(text, text, text, text, integer, text, integer[], text, boolean) IS
    'indb_ml: average marginal effects of a multinomial logistic regression (MADlib-compatible; marginal_vars: 1-based positions in independent_varname, NULL = all). Writes out_table (grouping columns, category, ref_category, margins, std_err, z_stats, p_values; delta-method standard errors) and out_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.margins_mlogregr(
    source_table text, out_table text, dependent_varname text, independent_varname text, ref_category integer,
    grouping_cols text, marginal_vars integer[], max_iter integer, optimizer text DEFAULT 'irls',
    tolerance float8 DEFAULT 1e-4, verbose_mode boolean DEFAULT false
) RETURNS text LANGUAGE sql AS $sql$
    SELECT @extschema@.margins_mlogregr(source_table, out_table, dependent_varname, independent_varname,
        ref_category, grouping_cols, marginal_vars,
        format('max_iter=%s, optimizer=%s, tolerance=%s', max_iter, optimizer, tolerance), verbose_mode)
$sql$;

-- MADlib's deprecated value form: SELECT (mlogregr('patients', 'y', 'ARRAY[1, x]', 20, 'irls', 1e-4, 1)).*
-- (coefficient arrays feature-major over the non-reference categories, as MADlib's)
DROP TYPE IF EXISTS @extschema@.mlogregr_result CASCADE;
CREATE TYPE @extschema@.mlogregr_result AS (
    ref_category integer,
    coef float8[],
    log_likelihood float8,
    std_err float8[],
    z_stats float8[],
    p_values float8[],
    odds_ratios float8[],
    condition_no float8,
    num_iterations integer,
    num_processed bigint,
    variance_covariance float8[]
);

CREATE OR REPLACE FUNCTION @extschema@.mlogregr(
    source text,
    depvar text,
    indepvar text,
    max_num_iterations integer DEFAULT 20,
    optimizer text DEFAULT 'irls',
    "precision" float8 DEFAULT 1e-4,
    ref_category integer DEFAULT 0
) RETURNS @extschema@.mlogregr_result LANGUAGE plpython3u AS $py$
#@kernel mlogregr_driver
return mlogregr_driver.mlogregr_value(plpy, "@extschema@", source, depvar, indepvar, max_num_iterations, optimizer,
                                      precision, ref_category)
$py$;
COMMENT ON FUNCTION @extschema@.mlogregr(text, text, text, integer, text, float8, integer) IS
    'indb_ml: MADlib''s deprecated mlogregr(...) value form of mlogregr_train: one mlogregr_result (ref_category, coef, log_likelihood, std_err, z_stats, p_values, odds_ratios, condition_no, num_iterations, num_processed, variance_covariance; arrays feature-major over the non-reference categories)';
