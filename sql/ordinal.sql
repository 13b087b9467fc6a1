-- ordinal: cumulative logit / probit regression (MADlib's signature; R's clm).
--   SELECT @extschema@.ordinal('t', 't_ord', 'grade', 'ARRAY[x1, x2]', 'low<mid<high', 'logit');
--   SELECT @extschema@.ordinal_predict('t_ord', 'new_t', 'new_t_prob', 'probability');
-- ordinal_pass sums the log-likelihood, gradient and Hessian in (thresholds, coefficients) over the
-- packed blocks (parallel safe); the driver takes Newton steps (plpython/ordinal.py).

--@aggregate ordinal_pass(x bytea, y bytea, n integer, task float8[])
--@    sfunc ordinal_pass_transition = ordinal.pass_block
--@    combinefunc ordinal_pass_merge = ordinal.merge
--@    comment 'indb_ml: one pass of ordinal regression over packed blocks: [rows, log-likelihood, gradient, Hessian] in (thresholds, coefficients)'

CREATE OR REPLACE FUNCTION @extschema@.ordinal(
    source_table text,
    model_table text,
    dependent_varname text,
    independent_varname text,
    cat_order text,
    link_func text DEFAULT 'logit',
    grouping_col text DEFAULT NULL,
    optim_params text DEFAULT NULL,
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel ordinal
return ordinal.train(plpy, "@extschema@", source_table, model_table, dependent_varname, independent_varname,
                     cat_order, link_func, grouping_col, optim_params, verbose)
$py$;
COMMENT ON FUNCTION @extschema@.ordinal(text, text, text, text, text, text, text, text, boolean) IS
    'indb_ml: ordinal regression P(Y <= j) = F(theta_j - x.beta), F logistic or normal (MADlib''s, R''s clm). Writes model_table (coef_threshold, std_err/z_stats/p_values_threshold, log_likelihood, coef_feature, std_err/z_stats/p_values_feature, num_rows_processed, num_rows_skipped, num_iterations, converged) and model_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.ordinal_probabilities(link text, coef_threshold float8[], coef_feature float8[],
                                                            x float8[])
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel ordinal
return ordinal.probabilities(link, coef_threshold, coef_feature, x)
$py$;
COMMENT ON FUNCTION @extschema@.ordinal_probabilities(text, float8[], float8[], float8[]) IS
    'indb_ml: P(Y = j | x) for every category of an ordinal model, in order';

CREATE OR REPLACE FUNCTION @extschema@.ordinal_predict(
    model_table text,
    predict_table_input text,
    output_table text,
    predict_type text DEFAULT 'response',
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel ordinal
return ordinal.predict(plpy, "@extschema@", model_table, predict_table_input, output_table, predict_type)
$py$;
COMMENT ON FUNCTION @extschema@.ordinal_predict(text, text, text, text, boolean) IS
    'indb_ml: MADlib''s ordinal_predict: the source''s columns plus one probability column per category (probability) or the category (response)';
