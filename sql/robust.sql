-- robust_variance_linregr / robust_variance_logregr: Huber-White (HC0) sandwich standard errors,
-- MADlib-compatible surface.
--   SELECT @extschema@.robust_variance_linregr('houses', 'houses_robust', 'price', 'ARRAY[1, tax, bath]');
--   SELECT @extschema@.robust_variance_logregr('patients', 'patients_robust', 'second_attack',
--                                              'ARRAY[1, treatment, trait_anxiety]');
-- The coefficients come from the OLS pass or the logregr IRLS driver; one more pass of the
-- parallel-safe robust_agg over the packed blocks collects bread and meat (plpython/robust.py).

--@aggregate robust_agg(x bytea, y bytea, n integer, coef bytea, family text)
--@    sfunc robust_transition = robust.transition
--@    combinefunc robust_merge = robust.merge
--@    comment 'indb_ml: sandwich statistics over packed blocks at given coefficients (family linear|logistic): [n, d, bread, meat, sum p(1-p), sum p(1-p)(1-2p) x]'

CREATE OR REPLACE FUNCTION @extschema@.robust_variance_linregr(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    grouping_cols text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel robust_driver robust
return robust_driver.robust_variance(plpy, "@extschema@", "linear", source_table, out_table, dependent_varname,
                                     independent_varname, grouping_cols)
$py$;
COMMENT ON FUNCTION @extschema@.robust_variance_linregr(text, text, text, text, text) IS
    'indb_ml: OLS with Huber-White (HC0) robust standard errors (MADlib-compatible). Writes out_table (grouping columns, coef, std_err, t_stats, p_values; Student t with n - d degrees of freedom) and out_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.robust_variance_logregr(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    grouping_cols text DEFAULT NULL,
    max_iter integer DEFAULT 20,
    optimizer text DEFAULT 'irls',
    tolerance float8 DEFAULT 1e-4,
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel robust_driver robust
return robust_driver.robust_variance(plpy, "@extschema@", "logistic", source_table, out_table, dependent_varname,
                                     independent_varname, grouping_cols, max_iter, optimizer, tolerance, verbose)
$py$;
COMMENT ON FUNCTION @extschema@.robust_variance_logregr(text, text, text, text, text, integer, text, float8, boolean) IS
    'indb_ml: logistic regression with Huber-White (HC0) robust standard errors (MADlib-compatible; optimizer irls|newton, lbfgs|cg). Writes out_table (grouping columns, coef, std_err, z_stats, p_values) and out_table_summary';

-- clustered_variance_linregr / clustered_variance_logregr: cluster-robust standard errors with
-- MADlib's small-sample factor G/(G-1)·(n-1)/(n-d). The source is packed once more grouped by
-- (grouping columns, cluster columns); one robust_agg pass gives every cluster's score sum.
CREATE OR REPLACE FUNCTION @extschema@.clustered_variance_linregr(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    clustervar text,
    grouping_col text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel robust_driver robust
return robust_driver.clustered_variance(plpy, "@extschema@", "linear", source_table, out_table, dependent_varname,
                                        independent_varname, clustervar, grouping_col)
$py$;
COMMENT ON FUNCTION @extschema@.clustered_variance_linregr(text, text, text, text, text, text) IS
    'indb_ml: OLS with cluster-robust standard errors (MADlib-compatible; clustervar: column(s) naming the clusters). Writes out_table (grouping columns, coef, std_err, t_stats, p_values; Student t with n - d degrees of freedom as MADlib) and out_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.clustered_variance_logregr(
    source_table text,
    out_table text,
    dependent_varname text,
    independent_varname text,
    clustervar text,
    grouping_col text DEFAULT NULL,
    max_iter integer DEFAULT 20,
    optimizer text DEFAULT 'irls',
    tolerance float8 DEFAULT 1e-4,
    verbose boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel robust_driver robust
return robust_driver.clustered_variance(plpy, "@extschema@", "logistic", source_table, out_table,
                                        dependent_varname, independent_varname, clustervar, grouping_col,
                                        max_iter, optimizer, tolerance, verbose)
$py$;
COMMENT ON FUNCTION @extschema@.clustered_variance_logregr(text, text, text, text, text, text, integer, text, float8, boolean) IS
    'indb_ml: logistic regression with cluster-robust standard errors (MADlib-compatible; optimizer irls|newton, lbfgs|cg). Writes out_table (grouping columns, coef, std_err, z_stats, p_values) and out_table_summary';

-- MADlib's aggregate form: SELECT (robust_linregr(y, x, coef)).* FROM t, (SELECT coef ...) m.
-- Per-row (compatibility); robust_variance_linregr packs the rows into blocks and is the fast path.
CREATE OR REPLACE FUNCTION @extschema@.robust_linregr_row_transition(state bytea, y float8, x float8[], coef float8[])
RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel robust
import math
if y is None or x is None or coef is None or not x or any(v is None or not math.isfinite(v) for v in x) \
        or not math.isfinite(y):
    return state
if len(coef) != len(x):
    plpy.error(f"robust_linregr: {len(coef)} coefficients but {len(x)} features")
return robust.row_transition(state, y, x, coef)
$py$;

DROP TYPE IF EXISTS @extschema@.robust_linregr_result CASCADE;
CREATE TYPE @extschema@.robust_linregr_result AS (
    coef float8[],
    std_err float8[],
    t_stats float8[],
    p_values float8[]
);

CREATE OR REPLACE FUNCTION @extschema@.robust_linregr_row_final(state bytea)
RETURNS @extschema@.robust_linregr_result LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel robust
return robust.row_final(state)
$py$;

--@aggregate robust_linregr(y float8, x float8[], coef float8[])
--@    sfunc robust_linregr_row_transition
--@    combinefunc robust_linregr_row_merge = robust.row_merge
--@    finalfunc robust_linregr_row_final
--@    comment 'indb_ml: MADlib''s aggregate form of the HC0 sandwich at given OLS coefficients, (robust_linregr(y, x, coef)).* gives coef, std_err, t_stats, p_values; rows with NULL/NaN are skipped'
