-- cross_validate: k-fold cross-validation of a trainer on fold ids of the packed blocks (plpython/cross_validate.py).
--   SELECT @extschema@.cross_validate('logregr_train', 'adult', 'adult_cv', 'income_gt50k',
--                                     'ARRAY[1, age, education_num, sex]', '{"max_iter": 50}', 5, 42);
--   SELECT * FROM adult_cv ORDER BY fold;          -- one row per fold, the mean in the row with fold NULL

CREATE OR REPLACE FUNCTION @extschema@.cross_validate(
    trainer text,
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    params jsonb DEFAULT '{}'::jsonb,
    n_folds integer DEFAULT 5,
    seed bigint DEFAULT 0
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel cross_validate
return cross_validate.run(plpy, "@extschema@", trainer, source_table, out_table, dependent_varname,
                          independent_varname, params, n_folds, seed)
$py$;
COMMENT ON FUNCTION @extschema@.cross_validate(text, text, text, text, text, jsonb, integer, bigint) IS
    'indb_ml: k-fold cross-validation of linregr_train, logregr_train, glm, svm_classification, softmax_train, elastic_net_train or kmeans (params: the trainer''s named arguments as JSON). The source is packed once; folds are ids on its blocks (out_table_folds). Writes out_table (fold, n_train, n_test, metrics...; the mean in the row with fold NULL)';
