"""Parameters are checked and nothing is silently ignored (issue 8, item 7)."""
import numpy as np
import psycopg
import pytest


@pytest.fixture
def pc_data(conn):
    conn.execute("DROP TABLE IF EXISTS pc, pc_empty, pc_one, pc_2d, pc_nan")
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=300), rng.normal(size=300)
    lbl = (a + 0.5 * b + rng.normal(scale=0.5, size=300) > 0).astype(int)
    y = 1 + 2 * a - b + rng.normal(scale=0.1, size=300)
    conn.execute("CREATE TABLE pc (id int, a float8, b float8, y float8, lbl int)")
    with conn.cursor().copy("COPY pc FROM STDIN") as cp:
        for i in range(300):
            cp.write_row((i, a[i], b[i], y[i], int(lbl[i])))
    conn.execute("CREATE TABLE pc_empty (LIKE pc)")
    conn.execute("CREATE TABLE pc_one AS SELECT * FROM pc LIMIT 1")
    conn.execute("CREATE TABLE pc_2d AS SELECT id, ARRAY[[a, b], [1, 1]] AS feats, y FROM pc")
    return conn


def err(conn, query, params=()):
    with pytest.raises(psycopg.Error) as e:
        conn.execute(query, params)
    return e.value.diag.message_primary


@pytest.mark.parametrize("call, message", [
    ("indb_ml.logregr_train('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', NULL, 20, 'sgd', 1e-4, false, "
     "'learning_rate=0')", "learning_rate must be > 0"),
    ("indb_ml.logregr_train('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', NULL, 20, 'sgd', 1e-4, false, "
     "'learning_rate=-1')", "learning_rate must be > 0"),
    ("indb_ml.logregr_train('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', NULL, 20, 'sgd', 1e-4, false, "
     "'batch_size=0')", "batch_size must be >= 1"),
    ("indb_ml.logregr_train('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', NULL, 20, 'sgd', 1e-4, false, "
     "'decay=1.5')", "decay must be in (0, 1]"),
    ("indb_ml.logregr_train('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', NULL, 20, 'sgd', 1e-4, false, "
     "'learning_rate=nan')", "must be a finite number"),
    ("indb_ml.logregr_train('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', NULL, 20, 'irls', 1e-4, false, "
     "'learning_rate=0.1')", "sgd_params only apply with optimizer sgd"),
    ("indb_ml.logregr_train('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', NULL, 20, 'sgd', 1e-4, false, "
     "'momentum=0.9')", "unknown parameter 'momentum'"),
    ("indb_ml.svm_classification('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', 'linear', 'gamma=2')",
     "kernel_params 'gamma=2' is not implemented"),
    ("indb_ml.svm_classification('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', 'linear', NULL, NULL, "
     "'optimizer=sgd, batch_size=0')", "batch_size must be >= 1"),
    ("indb_ml.svm_classification('pc', 'pc_o', 'lbl', 'ARRAY[1, a, b]', 'linear', NULL, NULL, "
     "'learning_rate=0.1')", "only apply with optimizer=sgd"),
    ("indb_ml.elastic_net_train('pc', 'pc_o', 'y', 'ARRAY[a, b]', 'gaussian', 0.5, 0.1, true, NULL, 'cd', "
     "'n_folds=1, alpha={0.1, 0.5}')", "must be single values when n_folds is 0 or 1"),
    ("indb_ml.glm('pc', 'pc_o', 'y', 'ARRAY[1, a, b]', 'family=gaussian, link=identity', NULL, 'max_iter=0')",
     "max_iter must be >= 1"),
    ("indb_ml.glm('pc', 'pc_o', 'y', 'ARRAY[1, a, b]', 'family=gaussian, link=identity', NULL, 'tolerance=-1')",
     "tolerance must be >= 0"),
])
def test_bad_parameters_are_errors_and_leave_nothing(pc_data, call, message):
    assert message in err(pc_data, f"SELECT {call}")
    assert pc_data.execute("SELECT to_regclass('pc_o') IS NULL AND to_regclass('pc_o_summary') IS NULL "
                           "AND NOT EXISTS (SELECT 1 FROM indb_ml.models WHERE name = 'public.pc_o')").fetchone()[0]


@pytest.mark.parametrize("call", [
    "indb_ml.linregr_train('pc_empty', 'pc_e', 'y', 'ARRAY[1, a, b]')",
    "indb_ml.logregr_train('pc_empty', 'pc_e', 'lbl', 'ARRAY[1, a, b]')",
    "indb_ml.glm('pc_empty', 'pc_e', 'y', 'ARRAY[1, a, b]', 'family=gaussian, link=identity')",
    "indb_ml.svm_classification('pc_empty', 'pc_e', 'lbl', 'ARRAY[1, a, b]')",
    "indb_ml.softmax_train('pc_empty', 'pc_e', 'lbl', 'ARRAY[1, a, b]')",
    "indb_ml.elastic_net_train('pc_empty', 'pc_e', 'y', 'ARRAY[a, b]')",
    "indb_ml.kmeans('pc_empty', 'pc_e', 'ARRAY[a, b]', 2)",
    "indb_ml.pca_train('pc_empty', 'pc_e', NULL, 1, features => 'ARRAY[a, b]')",
    "indb_ml.als_train('pc_empty', 'id', 'lbl', 'y', 'pc_e')",
])
def test_an_empty_table_says_empty(pc_data, call):
    assert "is empty" in err(pc_data, f"SELECT {call}")


def test_one_row_warns_and_one_class_is_an_error(pc_data):
    pc_data.notices.clear()
    pc_data.execute("SELECT indb_ml.linregr_train('pc_one', 'pc_one_m', 'y', 'ARRAY[1, a, b]')")
    assert any(s == "WARNING" and "only 1 usable row(s)" in m for s, m in pc_data.notices)
    pc_data.execute("CREATE TABLE pc_one_class AS SELECT * FROM pc WHERE lbl = 1")
    assert "has a single value" in err(pc_data, "SELECT indb_ml.logregr_train('pc_one_class', 'pc_oc', 'lbl', "
                                                "'ARRAY[1, a, b]')")
    assert "has a single value" in err(pc_data, "SELECT indb_ml.elastic_net_train('pc_one_class', 'pc_oc', 'lbl', "
                                                "'ARRAY[a, b]', 'binomial')")


def test_two_dimensional_feature_arrays_name_the_column(pc_data):
    for call in ("indb_ml.linregr_train('pc_2d', 'pc_2d_m', 'y', 'feats')",
                 "indb_ml.kmeans('pc_2d', 'pc_2d_m', 'feats', 2)"):
        message = err(pc_data, f"SELECT {call}")
        assert "'feats'" in message and "multi-dimensional arrays" in message


def test_evaluate_skips_and_counts_incomplete_rows(pc_data):
    pc_data.execute("SELECT indb_ml.linregr_train('pc', 'pc_lin', 'y', 'ARRAY[1, a, b]')")
    pc_data.execute("SELECT indb_ml.logregr_train('pc', 'pc_log', 'lbl', 'ARRAY[1, a, b]')")
    clean_lin = pc_data.execute("SELECT indb_ml.evaluate('pc_lin', 'pc')").fetchone()[0]
    clean_log = pc_data.execute("SELECT indb_ml.evaluate('pc_log', 'pc')").fetchone()[0]
    pc_data.execute("CREATE TABLE pc_nan AS SELECT * FROM pc")
    pc_data.execute("INSERT INTO pc_nan VALUES (1000, 'NaN', 0, 1, 1), (1001, 0, 'Infinity', 1, 0), "
                    "(1002, NULL, 0, 1, 1), (1003, 0, 0, 'NaN', NULL), (1004, 0, 0, NULL, NULL)")
    lin = pc_data.execute("SELECT indb_ml.evaluate('pc_lin', 'pc_nan')").fetchone()[0]
    log = pc_data.execute("SELECT indb_ml.evaluate('pc_log', 'pc_nan')").fetchone()[0]
    assert lin["rows"] == 300 and lin["rows_skipped"] == 5
    assert log["rows"] == 300 and log["rows_skipped"] == 5
    for k in ("rmse", "mae", "r2"):
        assert lin[k] == pytest.approx(clean_lin[k], rel=1e-12)
    for k in ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"):
        assert log[k] == pytest.approx(clean_log[k], rel=1e-12)
