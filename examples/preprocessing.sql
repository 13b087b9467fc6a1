-- Data preparation and model assessment from psql:  psql -v ON_ERROR_STOP=1 -f examples/preprocessing.sql
-- Text features, one-hot encoding, a seeded stratified split, cross-validation on packed blocks,
-- ROC curve, AUC and the confusion matrix. Everything lives in temporary tables (pg_temp).
\set ON_ERROR_STOP 1

CREATE TEMPORARY TABLE ex_customers AS
SELECT g AS id,
       (ARRAY['north', 'south', 'east', 'west'])[1 + g % 4] AS region,
       (ARRAY['basic', 'plus', 'pro'])[1 + (g / 7) % 3] AS plan,
       20 + (g * 37) % 50 AS age,
       ((g * 53) % 100 + (CASE WHEN g % 4 = 1 THEN 25 ELSE 0 END) + (g * 37) % 50 > 90) AS churned
FROM generate_series(1, 4000) AS g;
ALTER TABLE ex_customers ADD PRIMARY KEY (id);

-- one-hot like pandas.get_dummies; top_k keeps the most frequent levels, the rest go to region_other
SELECT indb_ml.encode_categorical('ex_customers', 'pg_temp.ex_customers_enc', 'region, plan', top_k => 3);
SELECT * FROM ex_customers_enc ORDER BY id LIMIT 3;

-- a 25% test set, the same for the same seed, stratified on the label
SELECT indb_ml.train_test_split('ex_customers', 'pg_temp.ex_train', 'pg_temp.ex_test', 0.25, 7, 'churned');
SELECT churned, count(*) FROM ex_test GROUP BY 1 ORDER BY 1;

-- text features go straight into a trainer: one-hot at prepare time, levels kept with the model
SELECT indb_ml.logregr_train('ex_train', 'pg_temp.ex_churn', 'churned', 'ARRAY[1, age, region, plan]');
SELECT feature_names FROM indb_ml.models WHERE name = 'pg_temp.ex_churn';

-- 4-fold cross-validation: folds are ids on the packed blocks, the data is packed once
SELECT indb_ml.cross_validate('logregr_train', 'ex_train', 'pg_temp.ex_cv', 'churned',
                              'ARRAY[1, age, region, plan]', '{"max_iter": 30}', 4, 1);
SELECT fold, n_train, n_test, round(accuracy::numeric, 4) AS accuracy, round(roc_auc::numeric, 4) AS auc
FROM ex_cv ORDER BY fold NULLS LAST;

-- held-out assessment
SELECT round(fpr::numeric, 3) AS fpr, round(tpr::numeric, 3) AS tpr
FROM indb_ml.roc_curve('pg_temp.ex_churn', 'ex_test', drop_intermediate => true) LIMIT 5;
SELECT round(indb_ml.roc_auc('pg_temp.ex_churn', 'ex_test')::numeric, 4) AS auc;
SELECT * FROM indb_ml.confusion_matrix('pg_temp.ex_churn', 'ex_test');

SELECT indb_ml.drop_model('pg_temp.ex_churn');
-- dropping a source drops its packed copies too (a temporary table that just vanishes at the end of
-- the session would leave them until indb_ml.drop_orphans())
DROP TABLE ex_customers, ex_customers_enc, ex_train, ex_test, ex_cv, ex_cv_folds;
