-- linear SVM: squared hinge by L-BFGS, labels of any type
DROP TABLE IF EXISTS ex_svm_data, ex_svm_model, ex_svm_model_summary;
CREATE TABLE ex_svm_data AS
SELECT g AS id, x1, x2, CASE WHEN x1 + x2 + 0.2 * sin(g * 3.3) > 0 THEN 'spam' ELSE 'ham' END AS kind
FROM (SELECT g, sin(g * 1.3) AS x1, cos(g * 0.7) AS x2 FROM generate_series(1, 1000) g) s;
SELECT indb_ml.svm_classification('ex_svm_data', 'ex_svm_model', 'kind', 'ARRAY[1, x1, x2]', 'linear', NULL, NULL,
                                  'lambda=0.001, max_iter=200');
SELECT coef, loss, num_iterations, dep_var_mapping FROM ex_svm_model;
SELECT kind, indb_ml.svm_predict(coef, ARRAY[1, x1, x2], dep_var_mapping) FROM ex_svm_data, ex_svm_model LIMIT 5;
SELECT indb_ml.evaluate('ex_svm_model', 'ex_svm_data');
DROP TABLE ex_svm_data, ex_svm_model, ex_svm_model_summary;
