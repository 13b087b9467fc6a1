-- multinom: multinomial logistic regression with a reference category (MADlib's signature).
--   SELECT @extschema@.multinom('t', 't_mn', 'cat', 'ARRAY[1, x1, x2]', '0');
--   SELECT @extschema@.multinom_predict('t_mn', 't', 't_pred', 'response', false, 'id');
-- Training: softmax passes over the packed blocks, Newton on the non-reference coefficients
-- (plpython/multinom.py).

CREATE OR REPLACE FUNCTION @extschema@.multinom(
    source_table text,
    model_table text,
    dependent_varname text,
    independent_varname text,
    ref_category text DEFAULT NULL,
    link_func text DEFAULT 'logit',
    grouping_col text DEFAULT NULL,
    optim_params text DEFAULT NULL,
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel multinom
return multinom.train(plpy, "@extschema@", source_table, model_table, dependent_varname, independent_varname,
                      ref_category, link_func, grouping_col, optim_params, verbose)
$py$;
COMMENT ON FUNCTION @extschema@.multinom(text, text, text, text, text, text, text, text, boolean) IS
    'indb_ml: multinomial logit against ref_category (MADlib''s default ''0''). Writes model_table (one row per group and category: category, ref_category, coef, log_likelihood, std_err, z_stats, p_values, odds_ratios, condition_no, num_rows_processed, num_iterations, converged) and model_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.multinom_probs(coefs float8[], categories text[], ref_category text,
                                                     x float8[])
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel multinom
if x is None or any(v is None for v in x):
    return None
return multinom.predict_probs(coefs, categories, ref_category, x)
$py$;
COMMENT ON FUNCTION @extschema@.multinom_probs(float8[], text[], text, float8[]) IS
    'indb_ml: P(category | x) for every category (in the order of categories) of a multinom model';

CREATE OR REPLACE FUNCTION @extschema@.multinom_predict(
    model_table text,
    predict_table_input text,
    output_table text,
    predict_type text DEFAULT 'response',
    verbose boolean DEFAULT false,
    id_column text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel multinom
return multinom.predict(plpy, "@extschema@", model_table, predict_table_input, output_table, predict_type, id_column)
$py$;
COMMENT ON FUNCTION @extschema@.multinom_predict(text, text, text, text, boolean, text) IS
    'indb_ml: MADlib''s multinom_predict: output_table (id, category) for response, (id, category, prob) for prob';
