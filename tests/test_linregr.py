"""Linear regression through every layer: the kernel, the SQL driver, the registry, against statsmodels."""
import numpy as np
import psycopg
import pytest
import statsmodels.api as sm
from psycopg import sql

from conftest import CALIFORNIA_COLUMNS, california_arrays, load_california, tables_in
from plpython import blocks, linregr

FEATURES = CALIFORNIA_COLUMNS[:-1]
LABEL = CALIFORNIA_COLUMNS[-1]
ARRAY_EXPR = "ARRAY[1, " + ", ".join(FEATURES) + "]"
REL = 1e-6


def accumulate(X, y, block=1000):
    state = None
    for i in range(0, len(X), block):
        xb = np.ascontiguousarray(X[i:i + block])
        state = linregr.transition(state, blocks.to_bytes(xb), blocks.to_bytes(y[i:i + block]), len(xb))
    return state


def rel_err(got, expected):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return float(np.max(np.abs(got - expected) / np.abs(expected)))


def assert_matches_statsmodels(row, X, y):
    ols = sm.OLS(y, X).fit()
    assert rel_err(row["coef"], ols.params) < REL
    assert rel_err(row["std_err"], ols.bse) < REL
    assert rel_err(row["t_stats"], ols.tvalues) < REL
    # p-values underflow to 0 for |t| > ~40 in both implementations; compare where representable
    np.testing.assert_allclose(row["p_values"], ols.pvalues, rtol=REL, atol=1e-300)
    assert abs(row["r2"] - ols.rsquared) / ols.rsquared < REL
    np.testing.assert_allclose(np.array(row["variance_covariance"]), ols.cov_params(), rtol=1e-5, atol=0)
    assert row["num_rows_processed"] == len(y)


def train(conn, source, out, label=LABEL, features=ARRAY_EXPR, grouping=None):
    msg = conn.execute("SELECT indb_ml.linregr_train(%s, %s, %s, %s, %s)",
                       [source, out, label, features, grouping]).fetchone()[0]
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    rows = cur.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(out))).fetchall()
    return msg, rows


# ------------------------------------------------------------------ kernel, no server

def test_kernel_matches_statsmodels():
    Xr, y = california_arrays()
    X = np.column_stack([np.ones(len(y)), Xr])
    result = linregr.solve(blocks.from_bytes(accumulate(X, y)))
    assert_matches_statsmodels({**result, "variance_covariance": result["variance_covariance"]}, X, y)


def test_kernel_merge_is_order_free():
    Xr, y = california_arrays()
    X = np.column_stack([np.ones(len(y)), Xr])
    a, b = accumulate(X[:7000], y[:7000]), accumulate(X[7000:], y[7000:])
    ab, ba = blocks.from_bytes(linregr.merge(a, b)), blocks.from_bytes(linregr.merge(b, a))
    whole = blocks.from_bytes(accumulate(X, y))
    np.testing.assert_allclose(ab, whole, rtol=1e-12)
    np.testing.assert_array_equal(ab, ba)
    assert linregr.merge(None, a) == a and linregr.merge(a, None) == a


def test_kernel_collinear_gives_minimum_norm_solution():
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    X = np.column_stack([np.ones(200), x, 2 * x])
    y = 3 + x + rng.normal(scale=0.1, size=200)
    result = linregr.solve(blocks.from_bytes(accumulate(X, y, block=64)))
    np.testing.assert_allclose(result["coef"], np.linalg.pinv(X) @ y, rtol=1e-8)
    assert result["rank"] == 2
    assert result["condition_no"] > 1e15


# ------------------------------------------------------------------ in the database

def test_linregr_train_equals_statsmodels(conn, california):
    msg, rows = train(conn, california, "lr_cal")
    assert len(rows) == 1
    Xr, y = california_arrays()
    assert_matches_statsmodels(rows[0], np.column_stack([np.ones(len(y)), Xr]), y)
    assert rows[0]["num_missing_rows_skipped"] == 0
    assert "20640 rows" in msg
    summary = conn.execute("SELECT method, num_rows_processed, feature_names, dependent_varname "
                           "FROM lr_cal_summary").fetchone()
    assert summary == ("linregr", 20640, ["1"] + FEATURES, LABEL)
    reg = conn.execute("SELECT algorithm, status, metrics->>'num_rows_processed', feature_names "
                       "FROM indb_ml.models WHERE name = 'public.lr_cal'").fetchone()
    assert reg == ("linregr", "succeeded", "20640", ["1"] + FEATURES)
    hist = conn.execute("SELECT iteration, rows FROM indb_ml.model_iterations JOIN indb_ml.models "
                        "USING (model_id) WHERE name = 'public.lr_cal'").fetchall()
    assert hist == [(1, 20640)]


def test_linregr_predict_per_row(conn, california):
    _, rows = train(conn, california, "lr_pred")
    coef = np.array(rows[0]["coef"])
    Xr, y = california_arrays()
    preds = conn.execute(sql.SQL("SELECT indb_ml.linregr_predict(m.coef, {}) FROM california, lr_pred m")
                         .format(sql.SQL(ARRAY_EXPR))).fetchall()
    np.testing.assert_allclose(sorted(p[0] for p in preds),
                               sorted(np.column_stack([np.ones(len(y)), Xr]) @ coef), rtol=1e-9)
    with pytest.raises(psycopg.errors.RaiseException, match="2 coefficients but 3 features"):
        conn.execute("SELECT indb_ml.linregr_predict(ARRAY[1, 2]::float8[], ARRAY[1, 2, 3]::float8[])")


def test_parallel_plan_gives_the_serial_answer(conn, california):
    _, serial = train(conn, california, "lr_serial")
    prep = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_table = 'public.california' "
                        "ORDER BY prepared_id DESC LIMIT 1").fetchone()[0]
    for setting, value in [("parallel_setup_cost", "0"), ("parallel_tuple_cost", "0"),
                           ("min_parallel_table_scan_size", "0"), ("max_parallel_workers_per_gather", "2")]:
        conn.execute(sql.SQL("SET {} = {}").format(sql.Identifier(setting), sql.Literal(value)))
    try:
        plan = "\n".join(r[0] for r in conn.execute(sql.SQL(
            "EXPLAIN (ANALYZE, COSTS OFF) SELECT indb_ml.linregr_agg(x, y, n) FROM indb_ml_data.{}")
            .format(sql.Identifier(prep))).fetchall())
        assert "Partial Aggregate" in plan and "Workers Launched" in plan
        _, parallel = train(conn, california, "lr_parallel")
    finally:
        conn.execute("RESET ALL")
    for key in ("coef", "std_err", "t_stats", "r2", "num_rows_processed"):
        np.testing.assert_allclose(parallel[0][key], serial[0][key], rtol=1e-10)


def test_grouping_gives_one_model_per_group(conn, california):
    conn.execute('CREATE TABLE cal_grouped AS SELECT *, CASE WHEN latitude > 36 THEN \'North\' ELSE \'South\' END '
                 'AS "Region", (housing_median_age > 30) AS old FROM california')
    _, rows = train(conn, "cal_grouped", "lr_grouped", grouping='"Region", old')
    assert len(rows) == 4
    Xr, y = california_arrays()
    for row in rows:
        mask = ((Xr[:, 1] > 36) == (row["Region"] == "North")) & ((Xr[:, 2] > 30) == row["old"])
        assert row["num_rows_processed"] == mask.sum()
        assert_matches_statsmodels(row, np.column_stack([np.ones(mask.sum()), Xr[mask]]), y[mask])


def test_null_nan_inf_rows_are_skipped_and_counted(conn, california):
    conn.execute("CREATE TABLE cal_dirty AS SELECT * FROM california")
    conn.execute("INSERT INTO cal_dirty SELECT * FROM california LIMIT 7")
    conn.execute("""UPDATE cal_dirty SET longitude = CASE k WHEN 0 THEN NULL WHEN 1 THEN 'NaN' WHEN 2 THEN 'Infinity'
                       WHEN 3 THEN '-Infinity' ELSE longitude END,
                       median_house_value = CASE k WHEN 4 THEN NULL WHEN 5 THEN 'NaN' WHEN 6 THEN 'Infinity'
                       ELSE median_house_value END
                    FROM (SELECT c, row_number() OVER () - 1 AS k
                          FROM (SELECT ctid AS c FROM cal_dirty ORDER BY ctid DESC LIMIT 7) last7) d
                    WHERE cal_dirty.ctid = d.c""")
    _, rows = train(conn, "cal_dirty", "lr_dirty")
    assert rows[0]["num_missing_rows_skipped"] == 7
    assert rows[0]["num_rows_processed"] == 20640
    Xr, y = california_arrays()
    assert_matches_statsmodels(rows[0], np.column_stack([np.ones(len(y)), Xr]), y)


def test_array_column_features(conn, california):
    conn.execute("CREATE TABLE cal_arr AS SELECT median_house_value AS y, ARRAY[1, longitude, latitude, "
                 "housing_median_age, total_rooms, total_bedrooms, population, households, median_income] AS x "
                 "FROM california")
    _, rows = train(conn, "cal_arr", "lr_arr", label="y", features="x")
    Xr, y = california_arrays()
    assert_matches_statsmodels(rows[0], np.column_stack([np.ones(len(y)), Xr]), y)
    names = conn.execute("SELECT feature_names FROM lr_arr_summary").fetchone()[0]
    assert names[0] == "x[1]" and len(names) == 9


def test_collinear_features_warn_and_report_condition_number(conn, california):
    conn.notices.clear()
    _, rows = train(conn, california, "lr_collinear",
                    features="ARRAY[1, median_income, median_income, housing_median_age]")
    assert any(sev == "WARNING" and "collinear" in msg for sev, msg in conn.notices)
    assert rows[0]["condition_no"] > 1e12
    coef = rows[0]["coef"]
    assert coef[1] == pytest.approx(coef[2], rel=1e-8)  # minimum norm splits the effect evenly


def test_prepared_data_is_reused_until_the_source_changes(conn, california):
    conn.execute("CREATE TABLE cal_reuse AS SELECT * FROM california")
    train(conn, "cal_reuse", "lr_reuse1")
    train(conn, "cal_reuse", "lr_reuse2")
    reused = conn.execute("SELECT reused_prepared_data, prepared_id FROM lr_reuse2_summary").fetchone()
    first = conn.execute("SELECT prepared_id FROM lr_reuse1_summary").fetchone()[0]
    assert reused == (True, first)
    conn.execute("INSERT INTO cal_reuse SELECT * FROM california LIMIT 10")
    _, rows = train(conn, "cal_reuse", "lr_reuse3")
    assert conn.execute("SELECT reused_prepared_data FROM lr_reuse3_summary").fetchone()[0] is False
    assert rows[0]["num_rows_processed"] == 20650
    conn.execute("UPDATE cal_reuse SET median_income = median_income WHERE ctid = (SELECT min(ctid) FROM cal_reuse)")
    train(conn, "cal_reuse", "lr_reuse4")
    assert conn.execute("SELECT reused_prepared_data FROM lr_reuse4_summary").fetchone()[0] is False
    # each repack replaced the stale copy of the same packing: one is left
    assert conn.execute("SELECT indb_ml.drop_prepared('cal_reuse')").fetchone()[0] == 1


def test_hostile_identifiers_work_when_quoted(conn, california):
    conn.execute('CREATE SCHEMA "My Schema"')
    conn.execute('CREATE TABLE "My Schema"."Houses; DROP TABLE california; --" AS SELECT median_house_value '
                 'AS "Price ""$""", median_income AS "Income", housing_median_age AS "age;--" FROM california')
    source = '"My Schema"."Houses; DROP TABLE california; --"'
    out = '"My Schema"."Model \'x\'"'
    conn.execute("SELECT indb_ml.linregr_train(%s, %s, %s, %s)",
                 [source, out, '"Price ""$"""', 'ARRAY[1, "Income", "age;--"]'])
    coef = conn.execute('SELECT coef FROM "My Schema"."Model \'x\'"').fetchone()[0]
    Xr, y = california_arrays()
    ols = sm.OLS(y, np.column_stack([np.ones(len(y)), Xr[:, 7], Xr[:, 2]])).fit()
    assert rel_err(coef, ols.params) < REL
    assert conn.execute("SELECT to_regclass('california') IS NOT NULL").fetchone()[0]
    assert conn.execute("""SELECT count(*) FROM "My Schema"."Model 'x'_summary" """).fetchone()[0] == 1


def count_models(conn):
    return conn.execute("SELECT count(*) FROM indb_ml.models").fetchone()[0]


@pytest.mark.parametrize("args, message", [
    (["no_such_table", "o", LABEL, ARRAY_EXPR], "source table 'no_such_table' does not exist"),
    (["california", "o", "no_label", ARRAY_EXPR], "column no_label (dependent_varname) does not exist"),
    (["california", "o", LABEL, "ARRAY[1, nope]"], "column nope (independent_varname) does not exist"),
    (["california", "o", LABEL, ARRAY_EXPR, "no_group"], "column no_group (grouping_cols) does not exist"),
    (["california", "o", LABEL, "ARRAY[1, x); DROP TABLE california; --]"], "independent_varname"),
    (["california", "o", f"{LABEL}; DROP TABLE california", ARRAY_EXPR], "dependent_varname"),
    (['california"; DROP TABLE california; --', "o", LABEL, ARRAY_EXPR], "not a valid table name"),
    (["california", 'o"; DROP TABLE california; --', LABEL, ARRAY_EXPR], "not a valid table name"),
    (["california", "california", LABEL, ARRAY_EXPR], "already exists"),
    (["california", "o", LABEL, "ARRAY[1, median_income]", "median_income, median_income"], "listed twice"),
    (["california", "", LABEL, ARRAY_EXPR], "out_table is empty"),
])
def test_bad_input_is_a_clear_error_and_leaves_nothing(conn, california, args, message):
    before, models = tables_in(conn), count_models(conn)
    with pytest.raises(psycopg.Error, match=message.replace("(", r"\(").replace(")", r"\)")):
        conn.execute("SELECT indb_ml.linregr_train(%s, %s, %s, %s, %s)", (args + [None])[:5])
    assert tables_in(conn) == before
    assert count_models(conn) == models
    assert conn.execute("SELECT to_regclass('california') IS NOT NULL").fetchone()[0]


def test_empty_all_null_ragged_and_text_inputs(conn):
    conn.execute("CREATE TABLE lr_empty (y float8, a float8)")
    conn.execute("CREATE TABLE lr_nulls AS SELECT NULL::float8 AS y, g::float8 AS a FROM generate_series(1, 50) g")
    conn.execute("CREATE TABLE lr_ragged (y float8, x float8[])")
    conn.execute("INSERT INTO lr_ragged VALUES (1, '{1,2}'), (2, '{1,2,3}')")
    conn.execute("CREATE TABLE lr_text (y float8, t text)")
    conn.execute("INSERT INTO lr_text VALUES (1, 'a')")
    before, models = tables_in(conn), count_models(conn)
    cases = [("lr_empty", "y", "ARRAY[1, a]", "source table lr_empty is empty"),
             ("lr_nulls", "y", "ARRAY[1, a]", "all 50 rows"),
             ("lr_ragged", "y", "x", "different lengths"),
             # text features are one-hot encoded (issue 13); one level leaves nothing to encode
             ("lr_text", "y", "ARRAY[1, t]", "column t .independent_varname. has fewer than two distinct values")]
    for source, label, feats, message in cases:
        with pytest.raises(psycopg.Error, match=message):
            conn.execute("SELECT indb_ml.linregr_train(%s, 'lr_bad_out', %s, %s)", [source, label, feats])
        assert tables_in(conn) == before
        assert count_models(conn) == models
