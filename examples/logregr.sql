-- logistic regression (IRLS, L-BFGS, SGD), prediction and evaluation on a small synthetic table
DROP TABLE IF EXISTS ex_lr_data, ex_lr_model, ex_lr_model_summary, ex_lr_lbfgs, ex_lr_lbfgs_summary, ex_lr_pred;
CREATE TABLE ex_lr_data AS
SELECT g AS id, x1, x2, (x1 - 0.5 * x2 + 0.3 * sin(g) > 0) AS label
FROM (SELECT g, sin(g * 1.7) AS x1, cos(g * 0.3) AS x2 FROM generate_series(1, 2000) g) s;
SELECT indb_ml.logregr_train('ex_lr_data', 'ex_lr_model', 'label', 'ARRAY[1, x1, x2]');
SELECT coef, log_likelihood, std_err, p_values, num_iterations FROM ex_lr_model;
SELECT indb_ml.logregr_train('ex_lr_data', 'ex_lr_lbfgs', 'label', 'ARRAY[1, x1, x2]', NULL, 100, 'lbfgs', 1e-8);
SELECT id, indb_ml.logregr_predict(coef, ARRAY[1, x1, x2]), indb_ml.logregr_predict_prob(coef, ARRAY[1, x1, x2])
FROM ex_lr_data, ex_lr_model ORDER BY id LIMIT 5;
SELECT indb_ml.predict('ex_lr_model', ARRAY[1, 0.2, -0.4]);
SELECT indb_ml.evaluate('ex_lr_model', 'ex_lr_data');
SELECT indb_ml.predict_table('ex_lr_model', 'ex_lr_data', 'id', 'ex_lr_pred');
SELECT iteration, loss, grad_norm, step_size, rows FROM indb_ml.model_iterations
JOIN indb_ml.models USING (model_id) WHERE name = 'public.ex_lr_model' ORDER BY iteration;
DROP TABLE ex_lr_data, ex_lr_model, ex_lr_model_summary, ex_lr_lbfgs, ex_lr_lbfgs_summary, ex_lr_pred;
