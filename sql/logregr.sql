-- logregr: binary logistic regression, MADlib-compatible surface.
--   SELECT @extschema@.logregr_train('patients', 'patients_logregr', 'second_attack',
--                                    'ARRAY[1, treatment, trait_anxiety]', NULL, 20, 'irls');
--   SELECT @extschema@.logregr_predict(coef, ARRAY[1, treatment, trait_anxiety]) FROM patients, patients_logregr;
-- Training: the shared driver (plpython/glm_driver.py) runs glm_pass over the prepared blocks.

DROP FUNCTION IF EXISTS @extschema@.logregr_train(text, text, text, text, text, integer, text, float8, boolean, text);
CREATE OR REPLACE FUNCTION @extschema@.logregr_train(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    grouping_cols text DEFAULT NULL,
    max_iter integer DEFAULT 20,
    optimizer text DEFAULT 'irls',
    tolerance float8 DEFAULT 1e-4,
    verbose boolean DEFAULT false,
    sgd_params text DEFAULT NULL,
    standardize boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel logregr
return logregr.train(plpy, "@extschema@", source_table, out_table, dependent_varname, independent_varname,
                     grouping_cols, max_iter, optimizer, tolerance, verbose, sgd_params, standardize)
$py$;
COMMENT ON FUNCTION @extschema@.logregr_train(text, text, text, text, text, integer, text, float8, boolean, text, boolean) IS
    'indb_ml: logistic regression (MADlib-compatible; optimizer irls|newton, lbfgs or sgd; standardize: penalise (sgd_params lambda) the coefficients of standardised features, coef stays on the original scale, the transform goes to the registry params). Writes out_table (coef, log_likelihood, std_err, z_stats, p_values, odds_ratios, condition_no, num_rows_processed, num_missing_rows_skipped, num_iterations, converged, variance_covariance; one row per group) and out_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.logregr_predict_prob(coef float8[], x float8[])
RETURNS float8 LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    eta float8;
BEGIN
    IF coef IS NULL OR x IS NULL THEN
        RETURN NULL;
    END IF;
    IF cardinality(coef) <> cardinality(x) THEN
        RAISE EXCEPTION 'logregr_predict_prob: % coefficients but % features', cardinality(coef), cardinality(x);
    END IF;
    eta := (SELECT sum(c * v) FROM unnest(coef, x) AS t(c, v));
    IF eta >= 0 THEN
        RETURN 1.0 / (1.0 + exp(-eta));
    END IF;
    IF eta < -700 THEN
        RETURN 0.0;
    END IF;
    RETURN exp(eta) / (1.0 + exp(eta));
END
$$;
COMMENT ON FUNCTION @extschema@.logregr_predict_prob(float8[], float8[]) IS
    'indb_ml: P(y = true | x) of a logistic model, usable per row in any query';

CREATE OR REPLACE FUNCTION @extschema@.logregr_predict(coef float8[], x float8[])
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT @extschema@.logregr_predict_prob(coef, x) >= 0.5
$$;
COMMENT ON FUNCTION @extschema@.logregr_predict(float8[], float8[]) IS
    'indb_ml: the predicted class (probability >= 0.5) of a logistic model';
