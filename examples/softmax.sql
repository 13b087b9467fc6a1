-- multinomial logistic regression with text labels
DROP TABLE IF EXISTS ex_sm_data, ex_sm_model, ex_sm_model_summary;
CREATE TABLE ex_sm_data AS
SELECT g AS id, x1, x2,
       CASE WHEN x1 > 0.3 THEN 'high' WHEN x1 + x2 > 0 THEN 'mid' ELSE 'low' END AS tier
FROM (SELECT g, sin(g * 1.1) AS x1, cos(g * 0.9) AS x2 FROM generate_series(1, 1500) g) s;
SELECT indb_ml.softmax_train('ex_sm_data', 'ex_sm_model', 'tier', 'ARRAY[1, x1, x2]', NULL, 0.001);
SELECT class_labels, loss, num_iterations FROM ex_sm_model;
SELECT tier, indb_ml.softmax_predict(coef, ARRAY[1, x1, x2], class_labels),
       indb_ml.softmax_predict_prob(coef, ARRAY[1, x1, x2]) FROM ex_sm_data, ex_sm_model LIMIT 5;
SELECT indb_ml.evaluate('ex_sm_model', 'ex_sm_data');
DROP TABLE ex_sm_data, ex_sm_model, ex_sm_model_summary;
