-- predict / evaluate: any registered linear model (linregr, logregr, glm, svm, softmax, elastic_net) by name.
--   SELECT @extschema@.predict('public.adult_logregr', ARRAY[1, age, hours]) FROM adult;
--   SELECT @extschema@.evaluate('public.adult_logregr', 'adult_test');
-- Coefficients are cached per backend (re-checked against the registry at most once a second).

CREATE OR REPLACE FUNCTION @extschema@.predict(model_name text, x float8[])
RETURNS float8 LANGUAGE plpython3u STABLE AS $py$
#@kernel evaluate
return evaluate.per_row(plpy, GD, "@extschema@", model_name, x, evaluate.predict)
$py$;
COMMENT ON FUNCTION @extschema@.predict(text, float8[]) IS
    'indb_ml: per-row prediction of a registered model: the mean response (regression) or the class (classification; numeric labels as themselves, other labels as their 0-based index)';

CREATE OR REPLACE FUNCTION @extschema@.predict_proba(model_name text, x float8[])
RETURNS float8[] LANGUAGE plpython3u STABLE AS $py$
#@kernel evaluate
return evaluate.per_row(plpy, GD, "@extschema@", model_name, x, evaluate.predict_proba)
$py$;
COMMENT ON FUNCTION @extschema@.predict_proba(text, float8[]) IS
    'indb_ml: class probabilities of a registered probabilistic classifier ([P(0), P(1)] for binary, class_labels order for softmax); NULL for others';

CREATE OR REPLACE FUNCTION @extschema@.predict_class(model_name text, x float8[])
RETURNS text LANGUAGE plpython3u STABLE AS $py$
#@kernel evaluate
return evaluate.per_row(plpy, GD, "@extschema@", model_name, x, evaluate.predict_class)
$py$;
COMMENT ON FUNCTION @extschema@.predict_class(text, float8[]) IS
    'indb_ml: the predicted class label (as text) of a registered classifier';

CREATE OR REPLACE FUNCTION @extschema@.predict_score(model_name text, x float8[])
RETURNS float8 LANGUAGE plpython3u STABLE AS $py$
#@kernel evaluate
return evaluate.per_row(plpy, GD, "@extschema@", model_name, x, evaluate.score)
$py$;
COMMENT ON FUNCTION @extschema@.predict_score(text, float8[]) IS
    'indb_ml: the linear predictor x·coef (+ intercept) of a registered single-output model';

CREATE OR REPLACE FUNCTION @extschema@.predict_table(model_name text, source_table text, id_col text, out_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel evaluate
return evaluate.predict_table(plpy, "@extschema@", model_name, source_table, id_col, out_table)
$py$;
COMMENT ON FUNCTION @extschema@.predict_table(text, text, text, text) IS
    'indb_ml: out_table(id, prediction[, predicted_label, probabilities]) for every row of source_table';

CREATE OR REPLACE FUNCTION @extschema@.evaluate(model_name text, source_table text)
RETURNS jsonb LANGUAGE plpython3u AS $py$
#@kernel evaluate registry
return registry._json(evaluate.evaluate(plpy, "@extschema@", model_name, source_table))
$py$;
COMMENT ON FUNCTION @extschema@.evaluate(text, text) IS
    'indb_ml: metrics of a registered model on a labelled table, computed in SQL: accuracy, precision, recall, F1, ROC AUC, log loss (classification; macro averages for softmax) or RMSE, MAE, R² (regression)';
