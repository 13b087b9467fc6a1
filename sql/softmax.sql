-- softmax: multinomial logistic regression, k classes of any label type.
--   SELECT @extschema@.softmax_train('iris', 'iris_softmax', 'species', 'ARRAY[1, sl, sw, pl, pw]', NULL, 0.01);
--   SELECT @extschema@.softmax_predict(coef, ARRAY[1, sl, sw, pl, pw], class_labels) FROM iris, iris_softmax;
DROP FUNCTION IF EXISTS @extschema@.softmax_train(text, text, text, text, text, float8, text, integer, float8, boolean);
CREATE OR REPLACE FUNCTION @extschema@.softmax_train(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    grouping_cols text DEFAULT NULL,
    lambda_value float8 DEFAULT 0.0,
    optimizer text DEFAULT 'lbfgs',
    max_iter integer DEFAULT 100,
    tolerance float8 DEFAULT 1e-6,
    verbose boolean DEFAULT false,
    standardize boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel softmax
return softmax.train(plpy, "@extschema@", source_table, out_table, dependent_varname, independent_varname,
                     grouping_cols, lambda_value, optimizer, max_iter, tolerance, verbose, standardize)
$py$;
COMMENT ON FUNCTION @extschema@.softmax_train(text, text, text, text, text, float8, text, integer, float8, boolean, boolean) IS
    'indb_ml: multinomial logistic regression (optimizer lbfgs, newton or sgd; L2 penalty lambda on all but the intercept; standardize: the penalty applies to the coefficients of standardised features, coef stays on the original scale, the transform goes to the registry params). Writes out_table (coef d x k, class_labels, loss, log_likelihood, num_rows_processed, num_missing_rows_skipped, num_iterations, converged) and out_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.softmax_predict_prob(coef float8[], x float8[])
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel softmax
import numpy as np
if coef is None or x is None:
    return None
W = np.asarray(coef, dtype=float)
if W.ndim != 2 or W.shape[0] != len(x):
    plpy.error(f"softmax_predict_prob: coefficients of shape {W.shape} do not fit {len(x)} features")
return softmax.predict_prob(W, x, W.shape[1]).tolist()
$py$;
COMMENT ON FUNCTION @extschema@.softmax_predict_prob(float8[], float8[]) IS
    'indb_ml: class probabilities (in class_labels order) of a softmax model';

CREATE OR REPLACE FUNCTION @extschema@.softmax_predict(coef float8[], x float8[], class_labels text[])
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT class_labels[i] FROM unnest(@extschema@.softmax_predict_prob(coef, x)) WITH ORDINALITY AS t(p, i)
    ORDER BY p DESC, i LIMIT 1
$$;
COMMENT ON FUNCTION @extschema@.softmax_predict(float8[], float8[], text[]) IS
    'indb_ml: the most probable class label of a softmax model';
