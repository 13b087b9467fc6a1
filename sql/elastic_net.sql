-- elastic_net: gaussian and binomial elastic net (MADlib-compatible names).
--   SELECT @extschema@.elastic_net_train('houses', 'houses_en', 'price', 'ARRAY[rooms, age]', 'gaussian', 0.5, 0.1);
--   SELECT @extschema@.elastic_net_gaussian_predict(coef_all, intercept, ARRAY[rooms, age]) FROM houses, houses_en;
CREATE OR REPLACE FUNCTION @extschema@.elastic_net_train(
    tbl_source text,
    tbl_result text,
    col_dep_var text,
    col_ind_var text,
    regress_family text DEFAULT 'gaussian',
    alpha float8 DEFAULT 1.0,
    lambda_value float8 DEFAULT 0.1,
    standardize boolean DEFAULT true,
    grouping_col text DEFAULT NULL,
    optimizer text DEFAULT 'cd',
    optimizer_params text DEFAULT NULL,
    excluded text DEFAULT NULL,
    max_iter integer DEFAULT 1000,
    tolerance float8 DEFAULT 1e-6
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel elastic_net
return elastic_net.train(plpy, "@extschema@", tbl_source, tbl_result, col_dep_var, col_ind_var, regress_family,
                         alpha, lambda_value, standardize, grouping_col, optimizer, optimizer_params, excluded,
                         max_iter, tolerance)
$py$;
COMMENT ON FUNCTION @extschema@.elastic_net_train(text, text, text, text, text, float8, float8, boolean, text, text, text, text, integer, float8) IS
    'indb_ml: elastic net (gaussian: coordinate descent on the sufficient statistics; binomial: proximal Newton). col_ind_var without the intercept (it is always fitted). Writes tbl_result (family, features, features_selected, coef_nonzero, coef_all, intercept, log_likelihood, objective, standardize, iteration_run, converged, num_rows_processed) and tbl_result_summary';

CREATE OR REPLACE FUNCTION @extschema@.elastic_net_gaussian_predict(coef_all float8[], intercept float8, x float8[])
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (SELECT sum(c * v) FROM unnest(coef_all, x) AS t(c, v)) + intercept
$$;
CREATE OR REPLACE FUNCTION @extschema@.elastic_net_binomial_prob(coef_all float8[], intercept float8, x float8[])
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 1.0 / (1.0 + exp(-least(greatest((SELECT sum(c * v) FROM unnest(coef_all, x) AS t(c, v)) + intercept, -700), 700)))
$$;
CREATE OR REPLACE FUNCTION @extschema@.elastic_net_binomial_predict(coef_all float8[], intercept float8, x float8[])
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT @extschema@.elastic_net_binomial_prob(coef_all, intercept, x) >= 0.5
$$;
CREATE OR REPLACE FUNCTION @extschema@.elastic_net_predict(coef_all float8[], intercept float8, x float8[],
                                                          family text DEFAULT 'gaussian')
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lower(family) WHEN 'binomial' THEN @extschema@.elastic_net_binomial_prob(coef_all, intercept, x)
                              ELSE @extschema@.elastic_net_gaussian_predict(coef_all, intercept, x) END
$$;
COMMENT ON FUNCTION @extschema@.elastic_net_predict(float8[], float8, float8[], text) IS
    'indb_ml: elastic net prediction: the mean (gaussian) or P(y = true) (binomial)';

CREATE OR REPLACE FUNCTION @extschema@.elastic_net_predict(model_table text, new_data_table text, id_col_name text,
                                                          output_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel predict_tables
return predict_tables.elastic_net_table(plpy, "@extschema@", model_table, new_data_table, id_col_name, output_table)
$py$;
COMMENT ON FUNCTION @extschema@.elastic_net_predict(text, text, text, text) IS
    'indb_ml: MADlib''s table-form prediction: output_table (id, [groups,] prediction: the mean, or the class for binomial)';
