-- svm: support vector machines (L2-regularised squared hinge by L-BFGS, or hinge / epsilon-insensitive by SGD),
-- linear or on MADlib's random feature maps (kernel_func gaussian | polynomial), and svm_one_class.
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
    'indb_ml: SVM classifier (kernel_func linear | gaussian | polynomial with kernel_params gamma, degree, coef0, n_components, fit_intercept, random_state; params: lambda, max_iter, tolerance, loss=squared_hinge|hinge, optimizer=lbfgs|sgd, init_stepsize/learning_rate, decay_factor/decay, batch_size, class_weight, standardize=true|false: penalise the coefficients of standardised features; lists [a, b] with n_folds, validation_result: cross-validation). Writes model_table (coef, loss, norm_of_gradient, num_iterations, converged, num_rows_processed, num_rows_skipped, dep_var_mapping) and model_table_summary';

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
#@kernel svm_predict
return svm_predict.svm_table(plpy, "@extschema@", model_table, new_data_table, id_col_name, output_table)
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
    'indb_ml: SVM regression (MADlib''s: epsilon-insensitive loss, L2, SGD with init_stepsize, decay_factor, max_iter, lambda, epsilon; kernels and cross-validation as svm_classification). Writes model_table (coef, loss, norm_of_gradient, num_iterations, converged, num_rows_processed, num_rows_skipped) and model_table_summary (method SVR)';

CREATE OR REPLACE FUNCTION @extschema@.svm_one_class(
    source_table text,
    model_table text,
    independent_varname text,
    kernel_func text DEFAULT 'gaussian',
    kernel_params text DEFAULT NULL,
    grouping_col text DEFAULT NULL,
    params text DEFAULT NULL,
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel svm
return svm.train(plpy, "@extschema@", source_table, model_table, None, independent_varname,
                 kernel_func, kernel_params, grouping_col, params, verbose, kind="one_class")
$py$;
COMMENT ON FUNCTION @extschema@.svm_one_class(text, text, text, text, text, text, text, boolean) IS
    'indb_ml: MADlib''s one-class SVM: the (kernel-mapped, with intercept) data against the origin, balanced class weights; svm_predict gives 1 (inlier) or -1';

-- kernels of the SVM drivers: the random feature map of a packed block / of one row; cross-validation folds
-- (cv_fold_*: shared with elastic_net_train)
CREATE OR REPLACE FUNCTION @extschema@.svm_map_block(x bytea, n integer, kernel_map bytea)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel svm_kernels
return svm_kernels.map_block(x, n, kernel_map)
$py$;
COMMENT ON FUNCTION @extschema@.svm_map_block(bytea, integer, bytea) IS
    'indb_ml: a packed block''s features through an SVM random feature map (kernel_map of the model summary)';

CREATE OR REPLACE FUNCTION @extschema@.svm_append_one(x bytea, n integer)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel svm_kernels
return svm_kernels.append_one(x, n)
$py$;
COMMENT ON FUNCTION @extschema@.svm_append_one(bytea, integer) IS
    'indb_ml: a packed block''s features with a constant 1 column appended (linear one-class SVM)';

CREATE OR REPLACE FUNCTION @extschema@.svm_map_features(x float8[], kernel_map bytea)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel svm_kernels
return svm_kernels.map_row(x, kernel_map)
$py$;
COMMENT ON FUNCTION @extschema@.svm_map_features(float8[], bytea) IS
    'indb_ml: one feature array through an SVM random feature map (kernel_map of the model summary)';

CREATE OR REPLACE FUNCTION @extschema@.svm_kernel_decisions(feats float8[], coef float8[], kernel_map bytea)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel svm_kernels
return svm_kernels.decisions(feats, coef, kernel_map)
$py$;
COMMENT ON FUNCTION @extschema@.svm_kernel_decisions(float8[], float8[], bytea) IS
    'indb_ml: decision values coef·z(x) of a chunk of feature rows (a 2-D array) under an SVM random feature map';

CREATE OR REPLACE FUNCTION @extschema@.cv_fold_block(x bytea, y bytea, n integer, shuffle_key bigint, k integer,
                                                     fold integer, keep boolean)
RETURNS bytea[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel madlib_cv
return madlib_cv.fold_block(x, y, n, shuffle_key, k, fold, keep)
$py$;
COMMENT ON FUNCTION @extschema@.cv_fold_block(bytea, bytea, integer, bigint, integer, integer, boolean) IS
    'indb_ml: {x, y} of the rows of a packed block in (keep) or out of cross-validation fold of k';

CREATE OR REPLACE FUNCTION @extschema@.cv_fold_score(x bytea, y bytea, n integer, coef float8[], regression boolean)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel madlib_cv
return madlib_cv.score_block(x, y, n, coef, regression)
$py$;
COMMENT ON FUNCTION @extschema@.cv_fold_score(bytea, bytea, integer, float8[], boolean) IS
    'indb_ml: {correct predictions | squared error sum, rows} of a packed block under a linear model''s coefficients (a trailing intercept allowed)';
