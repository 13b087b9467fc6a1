-- margins_logregr: average marginal effects of a logistic regression, MADlib-compatible surface.
--   SELECT @extschema@.margins_logregr('patients', 'patients_margins', 'second_attack',
--                                      'ARRAY[1, treatment, trait_anxiety]');
-- margins_j = mean over rows of coef_j p(1-p); std_err by the delta method from the model covariance.
-- Uses robust_agg (sql/robust.sql) for the one pass at the fitted coefficients.

CREATE OR REPLACE FUNCTION @extschema@.margins_logregr(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    grouping_cols text DEFAULT NULL,
    marginal_vars integer[] DEFAULT NULL,
    max_iter integer DEFAULT 20,
    optimizer text DEFAULT 'irls',
    tolerance float8 DEFAULT 1e-4,
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel robust_driver robust
return robust_driver.margins_logregr(plpy, "@extschema@", source_table, out_table, dependent_varname,
                                     independent_varname, grouping_cols, marginal_vars, max_iter, optimizer,
                                     tolerance, verbose)
$py$;
COMMENT ON FUNCTION @extschema@.margins_logregr(text, text, text, text, text, integer[], integer, text, float8, boolean) IS
    'indb_ml: average marginal effects of a logistic regression (MADlib-compatible; marginal_vars: 1-based positions in independent_varname, NULL = all). Writes out_table (grouping columns, margins, std_err, z_stats, p_values; delta-method standard errors) and out_table_summary';

-- MADlib's newer call over a trained model table:
--   SELECT @extschema@.margins('patients_logregr', 'patients_margins', NULL, NULL, '2, 3');
CREATE OR REPLACE FUNCTION @extschema@.margins(
    model_table text,
    out_table text,
    x_design text DEFAULT NULL,
    source_table text DEFAULT NULL,
    marginal_vars text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel margins_driver robust
return margins_driver.margins(plpy, "@extschema@", model_table, out_table, x_design, source_table, marginal_vars)
$py$;
COMMENT ON FUNCTION @extschema@.margins(text, text, text, text, text) IS
    'indb_ml: average marginal effects of a logregr_train or mlogregr_train model (MADlib-compatible; x_design NULL or MADlib''s basis variables and interaction terms such as ''1, 2, 3, 2*2*3'' (logregr), no indicator terms; marginal_vars: basis identifiers, NULL = all). Writes out_table (grouping columns, [category, ref_category,] variables (1-based positions in independent_varname), margins, std_err, z_stats, p_values)';

-- margins() over a logregr model whose features include interaction terms (x_design '1, 2, 3, 2*2*3'):
-- one pass of margins_design_agg at the model's coefficients (plpython/margins_design.py).
--@aggregate margins_design_agg(x bytea, n integer, task bytea)
--@    sfunc margins_design_transition = margins_design.transition
--@    combinefunc margins_design_merge = margins_design.merge
--@    comment 'indb_ml: logistic marginal effects with interaction terms over packed blocks (task: coef, basis positions, exponents, chosen variables): [n, d, M, XtAX, sum p(1-p) g, Jacobian sums]'
