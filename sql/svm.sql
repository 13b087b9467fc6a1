-- svm: linear support vector machine (L2-regularised squared hinge by L-BFGS, or hinge by SGD).
--   SELECT @extschema@.svm_classification('pts', 'pts_svm', 'label', 'ARRAY[1, x1, x2]', 'linear', NULL, NULL,
--                                         'lambda=0.01, max_iter=100');
CREATE OR REPLACE FUNCTION @extschema@.svm_classification(
    source_table text,
    model_table text,
    dependent_varname text,
    independent_varname text,
    kernel_func text DEFAULT 'linear',
    kernel_params text DEFAULT NULL,
    grouping_col text DEFAULT NULL,
    params text DEFAULT NULL,
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel svm
return svm.train(plpy, "@extschema@", source_table, model_table, dependent_varname, independent_varname,
                 kernel_func, kernel_params, grouping_col, params, verbose)
$py$;
COMMENT ON FUNCTION @extschema@.svm_classification(text, text, text, text, text, text, text, text, boolean) IS
    'indb_ml: linear SVM (params: lambda, max_iter, tolerance, loss=squared_hinge|hinge, optimizer=lbfgs|sgd, learning_rate, decay, batch_size, standardize=true|false: penalise the coefficients of standardised features). Writes model_table (coef, loss, norm_of_gradient, num_iterations, converged, num_rows_processed, num_rows_skipped, dep_var_mapping) and model_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.svm_decision(coef float8[], x float8[])
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT @extschema@.linregr_predict(coef, x)
$$;
COMMENT ON FUNCTION @extschema@.svm_decision(float8[], float8[]) IS
    'indb_ml: the SVM decision value coef·x (> 0: the positive class, dep_var_mapping[2])';

CREATE OR REPLACE FUNCTION @extschema@.svm_predict(coef float8[], x float8[], dep_var_mapping text[])
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN @extschema@.linregr_predict(coef, x) > 0 THEN dep_var_mapping[2] ELSE dep_var_mapping[1] END
$$;
COMMENT ON FUNCTION @extschema@.svm_predict(float8[], float8[], text[]) IS
    'indb_ml: the predicted label of a linear SVM, as text (dep_var_mapping from the model table)';

CREATE OR REPLACE FUNCTION @extschema@.svm_predict(model_table text, new_data_table text, id_col_name text,
                                                  output_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel predict_tables
return predict_tables.svm_table(plpy, "@extschema@", model_table, new_data_table, id_col_name, output_table)
$py$;
COMMENT ON FUNCTION @extschema@.svm_predict(text, text, text, text) IS
    'indb_ml: MADlib''s table-form prediction: output_table (id, [groups,] prediction in the label''s type, decision_function)';

CREATE OR REPLACE FUNCTION @extschema@.svm_regression(
    source_table text,
    model_table text,
    dependent_varname text,
    independent_varname text,
    kernel_func text DEFAULT 'linear',
    kernel_params text DEFAULT NULL,
    grouping_col text DEFAULT NULL,
    params text DEFAULT NULL,
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel svm_regression
return svm_regression.train(plpy, "@extschema@", source_table, model_table, dependent_varname, independent_varname,
                            kernel_func, kernel_params, grouping_col, params, verbose)
$py$;
COMMENT ON FUNCTION @extschema@.svm_regression(text, text, text, text, text, text, text, text, boolean) IS
    'indb_ml: linear SVM regression (MADlib''s: epsilon-insensitive loss, L2, SGD with init_stepsize, decay_factor, max_iter, lambda, epsilon). Writes model_table (coef, loss, norm_of_gradient, num_iterations, converged, num_rows_processed, num_rows_skipped) and model_table_summary (method SVR)';
