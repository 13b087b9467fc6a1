-- Poisson regression (log link, IRLS)
DROP TABLE IF EXISTS ex_glm_data, ex_glm_model, ex_glm_model_summary;
CREATE TABLE ex_glm_data AS
SELECT g AS id, x, floor(exp(0.5 + 0.8 * x) * (1 + 0.3 * sin(g * 7.1)))::int AS visits
FROM (SELECT g, cos(g * 0.37) AS x FROM generate_series(1, 1000) g) s;
SELECT indb_ml.glm('ex_glm_data', 'ex_glm_model', 'visits', 'ARRAY[1, x]', 'family=poisson, link=log', NULL,
                   'max_iter=50, optimizer=irls, tolerance=1e-10');
SELECT coef, log_likelihood, std_err, z_stats, p_values, num_iterations FROM ex_glm_model;
SELECT indb_ml.glm_predict(coef, ARRAY[1, 0.5], 'log') FROM ex_glm_model;
SELECT indb_ml.evaluate('ex_glm_model', 'ex_glm_data');
DROP TABLE ex_glm_data, ex_glm_model, ex_glm_model_summary;
