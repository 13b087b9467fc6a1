-- glm: the shared gradient aggregate of the GLM family and indb_ml.glm (Poisson, binomial, gaussian).
--   SELECT @extschema@.glm('visits', 'visits_model', 'n_visits', 'ARRAY[1, age, income]',
--                          'family=poisson, link=log', NULL, 'max_iter=100, optimizer=irls, tolerance=1e-8');
-- glm_pass is the one aggregate every GLM-family driver runs (logregr, svm, elastic net, softmax, glm):
-- its task argument says which family, which pass (stats / gradient / Hessian / SGD epoch) and which
-- model; states are raw float64 bytea, combined by glm_pass_merge, so it runs in parallel workers.

--@aggregate glm_pass(x bytea, y bytea, n integer, shuffle_key bigint, task bytea)
--@    sfunc glm_pass_transition = optimizers.transition
--@    combinefunc glm_pass_merge = optimizers.merge
--@    comment 'indb_ml: one pass of a GLM-family model over packed blocks (loss, gradient, Hessian or an SGD epoch); state = raw float64 [mode, rows, bad labels, loss, weight, payload]'

CREATE OR REPLACE FUNCTION @extschema@.glm(
    source_table text,
    model_table text,
    dependent_varname text,
    independent_varname text,
    family_params text DEFAULT 'family=poisson, link=log',
    grouping_col text DEFAULT NULL,
    optim_params text DEFAULT 'max_iter=100, optimizer=irls, tolerance=1e-6',
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel glm
return glm.train(plpy, "@extschema@", source_table, model_table, dependent_varname, independent_varname,
                 family_params, grouping_col, optim_params, verbose)
$py$;
COMMENT ON FUNCTION @extschema@.glm(text, text, text, text, text, text, text, boolean) IS
    'indb_ml: generalised linear model by IRLS (MADlib''s families gaussian, binomial, poisson, gamma, inverse_gaussian and their links; optim_params max_iter, optimizer, tolerance, standardize). Writes model_table (coef, log_likelihood, std_err, z_stats (t_stats for gaussian, gamma, inverse_gaussian), p_values, dispersion, condition_no, num_rows_processed, num_rows_skipped, num_iterations, converged, variance_covariance) and model_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.normal_cdf(z float8)
RETURNS float8 LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
import math
return 0.5 * math.erfc(-z / math.sqrt(2.0))
$py$;
COMMENT ON FUNCTION @extschema@.normal_cdf(float8) IS 'indb_ml: the standard normal distribution function (the probit link''s inverse)';

CREATE OR REPLACE FUNCTION @extschema@.glm_predict(coef float8[], x float8[], link text DEFAULT 'log')
RETURNS float8 LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    eta float8;
BEGIN
    IF coef IS NULL OR x IS NULL THEN
        RETURN NULL;
    END IF;
    IF cardinality(coef) <> cardinality(x) THEN
        RAISE EXCEPTION 'glm_predict: % coefficients but % features', cardinality(coef), cardinality(x);
    END IF;
    eta := (SELECT sum(c * v) FROM unnest(coef, x) AS t(c, v));
    RETURN CASE lower(link)
        WHEN 'log' THEN exp(eta)
        WHEN 'logit' THEN 1.0 / (1.0 + exp(-eta))
        WHEN 'identity' THEN eta
        WHEN 'probit' THEN @extschema@.normal_cdf(eta)
        WHEN 'inverse' THEN 1.0 / eta
        WHEN 'sqrt' THEN eta * eta
        WHEN 'sqr_inverse' THEN 1.0 / sqrt(eta)
        ELSE NULL END;
END
$$;
COMMENT ON FUNCTION @extschema@.glm_predict(float8[], float8[], text) IS
    'indb_ml: the mean response of a GLM (inverse link of coef·x; link identity, log, logit, probit, inverse, sqrt or sqr_inverse)';

CREATE OR REPLACE FUNCTION @extschema@.glm_predict_binomial(coef float8[], x float8[], link text DEFAULT 'logit')
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT @extschema@.glm_predict(coef, x, link) >= 0.5
$$;
COMMENT ON FUNCTION @extschema@.glm_predict_binomial(float8[], float8[], text) IS
    'indb_ml: the predicted class of a binomial GLM (mean >= 0.5), as MADlib';

CREATE OR REPLACE FUNCTION @extschema@.glm_predict_poisson(coef float8[], x float8[], link text DEFAULT 'log')
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(@extschema@.glm_predict(coef, x, link))
$$;
COMMENT ON FUNCTION @extschema@.glm_predict_poisson(float8[], float8[], text) IS
    'indb_ml: the predicted count of a poisson GLM (the mean, rounded), as MADlib';
