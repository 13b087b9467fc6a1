-- metrics: ROC curve points and the confusion matrix of a registered classifier (plpython/metrics.py).
--   SELECT * FROM @extschema@.roc_curve('public.adult_logregr', 'adult_test');
--   SELECT @extschema@.roc_auc('public.adult_logregr', 'adult_test');
--   SELECT * FROM @extschema@.confusion_matrix('public.adult_logregr', 'adult_test');

CREATE OR REPLACE FUNCTION @extschema@.roc_curve(model_name text, source_table text,
                                                 drop_intermediate boolean DEFAULT false)
RETURNS TABLE (threshold float8, fpr float8, tpr float8) LANGUAGE plpython3u AS $py$
#@kernel metrics
return metrics.roc_curve(plpy, "@extschema@", model_name, source_table, drop_intermediate)
$py$;
COMMENT ON FUNCTION @extschema@.roc_curve(text, text, boolean) IS
    'indb_ml: ROC curve of a binary classifier on a labelled table, as sklearn.metrics.roc_curve: (threshold, fpr, tpr) from threshold +inf down; drop_intermediate drops collinear points';

CREATE OR REPLACE FUNCTION @extschema@.roc_auc(model_name text, source_table text)
RETURNS float8 LANGUAGE plpython3u AS $py$
#@kernel metrics
return metrics.auc(metrics.roc_curve(plpy, "@extschema@", model_name, source_table))
$py$;
COMMENT ON FUNCTION @extschema@.roc_auc(text, text) IS
    'indb_ml: area under the ROC curve (trapezoidal, ties averaged) of a binary classifier on a labelled table';

CREATE OR REPLACE FUNCTION @extschema@.confusion_matrix(model_name text, source_table text)
RETURNS TABLE (actual text, predicted text, count bigint) LANGUAGE plpython3u AS $py$
#@kernel metrics
return metrics.confusion_matrix(plpy, "@extschema@", model_name, source_table)
$py$;
COMMENT ON FUNCTION @extschema@.confusion_matrix(text, text) IS
    'indb_ml: counts of (actual, predicted) class pairs of a classifier on a labelled table, every pair listed (zeros included), in the model''s class order';
