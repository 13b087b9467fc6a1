-- elastic net, gaussian (coordinate descent on sufficient statistics) and binomial (proximal Newton)
DROP TABLE IF EXISTS ex_en_data, ex_en_model, ex_en_model_summary, ex_en_bin, ex_en_bin_summary;
CREATE TABLE ex_en_data AS
SELECT g AS id, x1, x2, x3, 2 * x1 - x2 + 0.1 * sin(g * 5.0) AS y, (x1 > x3) AS flag
FROM (SELECT g, sin(g * 1.3) AS x1, cos(g * 0.7) AS x2, sin(g * 0.11) AS x3 FROM generate_series(1, 1000) g) s;
SELECT indb_ml.elastic_net_train('ex_en_data', 'ex_en_model', 'y', 'ARRAY[x1, x2, x3]', 'gaussian', 0.5, 0.05);
SELECT features_selected, coef_all, intercept, objective FROM ex_en_model;
SELECT indb_ml.elastic_net_gaussian_predict(coef_all, intercept, ARRAY[x1, x2, x3]) FROM ex_en_data, ex_en_model LIMIT 3;
SELECT indb_ml.elastic_net_train('ex_en_data', 'ex_en_bin', 'flag', 'ARRAY[x1, x2, x3]', 'binomial', 1.0, 0.01);
SELECT coef_all, intercept, iteration_run FROM ex_en_bin;
SELECT indb_ml.evaluate('ex_en_bin', 'ex_en_data');
DROP TABLE ex_en_data, ex_en_model, ex_en_model_summary, ex_en_bin, ex_en_bin_summary;
