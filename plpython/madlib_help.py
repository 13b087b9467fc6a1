"""Texts of MADlib's online help calls: ``linregr_train()``, ``linregr_train('usage')``, ...

MADlib users call a function with no argument (a summary), with 'usage' / 'help' (the
arguments and output) or with 'example'; sql/madlib_help.sql declares those overloads
for the functions listed here.
"""

USAGE = {
    "linregr_train": (
        "linregr_train(source_table, out_table, dependent_varname, independent_varname,\n"
        "              grouping_cols DEFAULT NULL, heteroskedasticity_option DEFAULT false)",
        "out_table: grouping columns, coef, r2, std_err, t_stats, p_values, condition_no,\n"
        "  [bp_stats, bp_p_value,] num_rows_processed, num_missing_rows_skipped, variance_covariance;\n"
        "out_table_summary: method, source_table, out_table, dependent_varname, independent_varname, ...",
        "SELECT indb_ml.linregr_train('houses', 'houses_linregr', 'price', 'ARRAY[1, tax, bath, size]');\n"
        "SELECT * FROM houses_linregr;"),
    "linregr_predict": (
        "linregr_predict(coef float8[], x float8[]) -> float8",
        "the linear prediction coef . x",
        "SELECT id, indb_ml.linregr_predict(coef, ARRAY[1, tax, bath, size]) FROM houses, houses_linregr;"),
    "logregr_train": (
        "logregr_train(source_table, out_table, dependent_varname, independent_varname,\n"
        "              grouping_cols DEFAULT NULL, max_iter DEFAULT 20, optimizer DEFAULT 'irls',\n"
        "              tolerance DEFAULT 1e-4, verbose DEFAULT false)",
        "out_table: grouping columns, coef, log_likelihood, std_err, z_stats, p_values, odds_ratios,\n"
        "  condition_no, num_rows_processed, num_missing_rows_skipped, num_iterations, variance_covariance",
        "SELECT indb_ml.logregr_train('patients', 'patients_logregr', 'second_attack',\n"
        "                             'ARRAY[1, treatment, trait_anxiety]');"),
    "logregr_predict": (
        "logregr_predict(coef float8[], x float8[]) -> boolean", "probability >= 0.5",
        "SELECT indb_ml.logregr_predict(coef, ARRAY[1, treatment, trait_anxiety]) FROM patients, patients_logregr;"),
    "logregr_predict_prob": (
        "logregr_predict_prob(coef float8[], x float8[]) -> float8", "P(y = true | x)",
        "SELECT indb_ml.logregr_predict_prob(coef, ARRAY[1, treatment, trait_anxiety]) FROM patients, patients_logregr;"),
    "glm": (
        "glm(source_table, model_table, dependent_varname, independent_varname, family_params,\n"
        "    grouping_col DEFAULT NULL, optim_params DEFAULT NULL, verbose DEFAULT false)",
        "family_params: 'family=gaussian|binomial|poisson|gamma|inverse_gaussian, link=...';\n"
        "model_table: coef, log_likelihood, std_err, z_stats or t_stats, p_values, dispersion, ...",
        "SELECT indb_ml.glm('abalone', 'abalone_glm', 'rings', 'ARRAY[1, length, diameter]',\n"
        "                   'family=gamma, link=log');"),
    "robust_variance_linregr": (
        "robust_variance_linregr(source_table, out_table, dependent_varname, independent_varname,\n"
        "                        grouping_cols DEFAULT NULL)",
        "out_table: grouping columns, coef, std_err, t_stats, p_values (Huber-White HC0 sandwich);\n"
        "out_table_summary: method, source_table, out_table, dependent_varname, independent_varname, ...",
        "SELECT indb_ml.robust_variance_linregr('houses', 'houses_robust', 'price', 'ARRAY[1, tax, bath]');"),
    "robust_variance_logregr": (
        "robust_variance_logregr(source_table, out_table, dependent_varname, independent_varname,\n"
        "                        grouping_cols DEFAULT NULL, max_iter DEFAULT 20, optimizer DEFAULT 'irls',\n"
        "                        tolerance DEFAULT 1e-4, verbose DEFAULT false)",
        "out_table: grouping columns, coef, std_err, z_stats, p_values (Huber-White HC0 sandwich);\n"
        "out_table_summary",
        "SELECT indb_ml.robust_variance_logregr('patients', 'patients_robust', 'second_attack',\n"
        "                                       'ARRAY[1, treatment, trait_anxiety]');"),
    "clustered_variance_linregr": (
        "clustered_variance_linregr(source_table, out_table, dependent_varname, independent_varname,\n"
        "                           clustervar, grouping_col DEFAULT NULL)",
        "out_table: grouping columns, coef, std_err, t_stats, p_values (cluster-robust); out_table_summary",
        "SELECT indb_ml.clustered_variance_linregr('abalone', 'abalone_cl', 'rings', 'ARRAY[1, length]', 'sex');"),
    "clustered_variance_logregr": (
        "clustered_variance_logregr(source_table, out_table, dependent_varname, independent_varname,\n"
        "                           clustervar, grouping_col DEFAULT NULL, max_iter DEFAULT 20,\n"
        "                           optimizer DEFAULT 'irls', tolerance DEFAULT 1e-4, verbose DEFAULT false)",
        "out_table: grouping columns, coef, std_err, z_stats, p_values (cluster-robust); out_table_summary",
        "SELECT indb_ml.clustered_variance_logregr('abalone', 'abalone_cl', 'rings < 10', 'ARRAY[1, length]', 'sex');"),
    "margins_logregr": (
        "margins_logregr(source_table, out_table, dependent_varname, independent_varname,\n"
        "                grouping_cols DEFAULT NULL, marginal_vars integer[] DEFAULT NULL, max_iter DEFAULT 20,\n"
        "                optimizer DEFAULT 'irls', tolerance DEFAULT 1e-4, verbose DEFAULT false)",
        "out_table: grouping columns, margins, std_err, z_stats, p_values (average marginal effects,\n"
        "  delta-method standard errors); out_table_summary",
        "SELECT indb_ml.margins_logregr('patients', 'patients_margins', 'second_attack',\n"
        "                               'ARRAY[1, treatment, trait_anxiety]');"),
    "mlogregr_train": (
        "mlogregr_train(source_table, output_table, dependent_varname, independent_varname,\n"
        "               ref_category DEFAULT 0, optimizer_params DEFAULT 'max_iter=20, optimizer=irls, tolerance=1e-4')",
        "output_table: category, ref_category, coef, loglikelihood, std_err, z_stats, p_values, odd_ratios,\n"
        "  condition_no, num_iterations (one row per category other than ref_category; labels 0..K-1);\n"
        "output_table_summary: method, source_table, out_table, dependent_varname, independent_varname,\n"
        "  optimizer_params, ref_category, num_categories, num_rows_processed, num_missing_rows_skipped,\n"
        "  variance_covariance, coef",
        "SELECT indb_ml.mlogregr_train('test3', 'test3_mlogr', 'cat', 'ARRAY[1, feat1, feat2]', 0,\n"
        "                              'max_iter=20, optimizer=irls, tolerance=0.0001');"),
    "mlogregr_predict": (
        "mlogregr_predict(model_table, new_data_table, id_col_name, output_table, type DEFAULT 'response')",
        "output_table: the id column and estimated_<dependent_varname> (type 'response'), or\n"
        "  estimated_prob_0, ..., estimated_prob_<K-1> (type 'prob')",
        "SELECT indb_ml.mlogregr_predict('test3_mlogr', 'test3', 'id', 'test3_pred', 'prob');"),
    "robust_variance_mlogregr": (
        "robust_variance_mlogregr(source_table, out_table, dependent_varname, independent_varname,\n"
        "                         ref_category DEFAULT 0, grouping_cols DEFAULT NULL,\n"
        "                         optimizer_params DEFAULT NULL, verbose_mode DEFAULT false)",
        "out_table: grouping columns, category, ref_category, coef, std_err, z_stats, p_values\n"
        "  (Huber-White HC0 sandwich); out_table_summary as mlogregr_train's",
        "SELECT indb_ml.robust_variance_mlogregr('test3', 'test3_hw', 'cat', 'ARRAY[1, feat1, feat2]');"),
    "clustered_variance_mlogregr": (
        "clustered_variance_mlogregr(source_table, out_table, dependent_varname, independent_varname,\n"
        "                            clustervar, ref_category DEFAULT 0, grouping_cols DEFAULT NULL,\n"
        "                            optimizer_params DEFAULT NULL, verbose_mode DEFAULT false)",
        "out_table: grouping columns, category, ref_category, coef, std_err, z_stats, p_values\n"
        "  (cluster-robust); out_table_summary as mlogregr_train's",
        "SELECT indb_ml.clustered_variance_mlogregr('abalone', 'abalone_cl', 'rings < 10', 'ARRAY[1, length]',\n"
        "                                           'sex');"),
    "margins_mlogregr": (
        "margins_mlogregr(source_table, out_table, dependent_varname, independent_varname,\n"
        "                 ref_category DEFAULT 0, grouping_cols DEFAULT NULL, marginal_vars integer[] DEFAULT NULL,\n"
        "                 optimizer_params DEFAULT NULL, verbose_mode DEFAULT false)",
        "out_table: grouping columns, category, ref_category, margins, std_err, z_stats, p_values\n"
        "  (average marginal effects, delta-method standard errors); out_table_summary as mlogregr_train's",
        "SELECT indb_ml.margins_mlogregr('test3', 'test3_me', 'cat', 'ARRAY[1, feat1, feat2]');"),
}
SUMMARY = "indb_ml.{f}: a drop-in for MADlib's {f}. Call {f}('usage') for the arguments, {f}('example') for an example."


def text(fname, topic=None):
    usage, output, example = USAGE[fname]
    t = (topic or "").strip().lower()
    if not t:
        return SUMMARY.format(f=fname)
    if t in ("example", "examples"):
        return example
    if t in ("usage", "help", "?"):
        return f"Usage:\n  {usage}\nOutput:\n  {output}"
    return f"{fname}: unknown help topic {topic!r}; try {fname}('usage') or {fname}('example')"
