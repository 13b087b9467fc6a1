"""The Python client at scikit-learn / pandas grade, on UCI Adult (text columns) and California:
pickling, feature matching, fit(X, y) uploads, clone / cross_val_score / GridSearchCV, keyed table
predictions, ROC / AUC / confusion matrix against sklearn.metrics, structured progress, connections."""
import pickle

import matplotlib
import numpy as np
import pandas as pd
import psycopg
import pytest
import sqlalchemy
from sklearn import metrics
from sklearn.base import clone
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

import adult_raw
import indb_ml
from conftest import CALIFORNIA_COLUMNS, california_arrays

matplotlib.use("Agg")
NUM = ["age", "education_num", "hours_per_week", "capital_gain"]
FEATS = NUM + ["sex", "race"]


@pytest.fixture
def db(db_dsn, conn):
    adult_raw.load(conn)
    d = indb_ml.connect(db_dsn)
    yield d
    d.close()


def _our_tables(conn):
    return {r[0] for r in conn.execute(
        "SELECT relname FROM pg_class WHERE relname LIKE 'indb\\_ml\\_%' AND relkind IN ('r', 'v')").fetchall()}


def test_pickled_model_predicts_the_same_offline_and_in_database(db, db_dsn):
    model = indb_ml.LogisticRegression(max_iter=50, tol=1e-10, progress=False).fit(
        db, "adult_raw", "income_gt50k", FEATS)
    df = adult_raw.frame()
    before = model.predict_proba(df[FEATS])
    clone_ = pickle.loads(pickle.dumps(model))
    assert not hasattr(clone_, "db_") and clone_.model_name_ == model.model_name_
    np.testing.assert_array_equal(clone_.predict_proba(df[FEATS]), before)
    np.testing.assert_array_equal(clone_.predict(df[FEATS]), model.predict(df[FEATS]))
    with pytest.raises(RuntimeError, match="attach"):
        clone_.predict("adult_raw")
    with indb_ml.connect(db_dsn) as other:    # a model with a table name outlives its session
        named = indb_ml.LogisticRegression(max_iter=50, tol=1e-10, progress=False).fit(
            other, "adult_raw", "income_gt50k", FEATS, model_table="py_adult_logit")
        blob = pickle.dumps(named)
    loaded = pickle.loads(blob).attach(db)
    in_db = loaded.predict_proba("adult_raw")            # keyed by the primary key id
    assert list(in_db.index[:3]) == [0, 1, 2]
    np.testing.assert_allclose(np.vstack(in_db.to_numpy()), loaded.predict_proba(df[FEATS]), rtol=1e-10)
    db.drop_model("py_adult_logit")


def test_dataframe_columns_matched_by_name(db):
    model = indb_ml.LogisticRegression(max_iter=50, progress=False).fit(db, "adult_raw", "income_gt50k", FEATS)
    assert list(model.feature_names_in_) == FEATS and model.n_features_in_ == len(FEATS)
    df = adult_raw.frame()[FEATS].head(200)
    np.testing.assert_array_equal(model.predict(df[FEATS[::-1]]), model.predict(df))
    with pytest.raises(ValueError, match=r"lacks \['race'\]"):
        model.predict(df.drop(columns="race"))
    with pytest.raises(ValueError, match=r"unexpected \['id'\]"):
        model.predict(df.assign(id=1))
    num = indb_ml.LinearRegression(progress=False).fit(db, "adult_raw", "hours_per_week", NUM)
    with pytest.raises(ValueError, match="X has 3 features, but LinearRegression was fitted with 4"):
        num.predict(np.zeros((2, 3)))


def test_fit_arrays_uploads_and_leaves_nothing(db, conn):
    df = adult_raw.frame()
    before = _our_tables(conn)
    prepared = conn.execute("SELECT count(*) FROM indb_ml.prepared_data").fetchone()[0]
    temp_sources = conn.execute("SELECT count(*) FROM indb_ml.prepared_data WHERE source_table LIKE 'pg_temp%'"
                                ).fetchone()[0]   # other tests' (and roles') uploads of ended sessions
    est = indb_ml.LogisticRegression(max_iter=50, tol=1e-10, progress=False, db=db).fit(df[FEATS], df["income_gt50k"])
    ref = indb_ml.LogisticRegression(max_iter=50, tol=1e-10, progress=False).fit(db, "adult_raw", "income_gt50k", FEATS)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-9)
    assert list(est.feature_names_in_) == FEATS
    # the upload and its packed copy are gone; the unnamed models are temporary, dropped at close()
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_data WHERE source_table LIKE 'pg_temp%'"
                        ).fetchone()[0] <= temp_sources
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_data").fetchone()[0] <= prepared + 1
    db.close()
    assert _our_tables(conn) == before
    assert conn.execute("SELECT count(*) FROM indb_ml.models WHERE name LIKE 'pg_temp.%'").fetchone()[0] == 0


def test_clone_cross_val_score_and_grid_search(db):
    X, y = california_arrays()
    X, y = X[:4000], y[:4000]
    est = indb_ml.LinearRegression(progress=False, db=db)
    c = clone(est)
    assert c.db is db and c.get_params() == est.get_params()
    folds = KFold(4, shuffle=True, random_state=0)
    ours = cross_val_score(est, X, y, cv=folds)
    ref = cross_val_score(SkLinearRegression(), X, y, cv=folds)
    np.testing.assert_allclose(ours, ref, rtol=1e-9)
    yb = (y > np.median(y)).astype(int)
    grid = GridSearchCV(indb_ml.SoftmaxRegression(progress=False, db=db), {"C": [1e-7, 1.0]}, cv=3).fit(X, yb)
    ref = GridSearchCV(SkLogisticRegression(max_iter=10000), {"C": [1e-7, 1.0]}, cv=3).fit(X, yb)
    assert grid.best_params_ == ref.best_params_ == {"C": 1.0}
    assert grid.best_score_ == pytest.approx(ref.best_score_, abs=0.01)


def test_in_database_cross_val_score_matches_the_sql_table(db, conn):
    est = indb_ml.LogisticRegression(max_iter=50, tol=1e-10, progress=False)
    scores = indb_ml.cross_val_score(est, db, "adult_raw", "income_gt50k", FEATS, cv=3, seed=2)
    conn.execute("DROP TABLE IF EXISTS py_cv, py_cv_folds")
    conn.execute("SELECT indb_ml.cross_validate('logregr_train', 'adult_raw', 'py_cv', 'income_gt50k', %s, "
                 "'{\"max_iter\": 50, \"tolerance\": 1e-10}', 3, 2)",
                 [est._feature_expression(FEATS, True)])
    acc = [r[0] for r in conn.execute("SELECT accuracy FROM py_cv WHERE fold IS NOT NULL ORDER BY fold").fetchall()]
    np.testing.assert_allclose(scores, acc, rtol=1e-12)
    table = indb_ml.cross_validate(db, est, "adult_raw", "income_gt50k", FEATS, cv=3, seed=2, progress=False)
    assert list(table["fold"][:3]) == [1, 2, 3] and np.isnan(table["fold"].iloc[3])
    conn.execute("DROP TABLE py_cv, py_cv_folds")


def test_predict_table_keyed_by_id_or_written(db, conn):
    model = indb_ml.LinearRegression(progress=False).fit(db, "adult_raw", "hours_per_week", NUM)
    out = model.predict_table("adult_raw")
    assert out.index.name == "id" and len(out) == len(adult_raw.frame())
    df = adult_raw.frame().set_index("id")
    np.testing.assert_allclose(out["prediction"].to_numpy(), model.predict(df[NUM]), rtol=1e-10)
    conn.execute("DROP TABLE IF EXISTS py_pred")
    assert model.predict_table("adult_raw", id_col="id", out_table="py_pred") == "py_pred"
    assert conn.execute("SELECT count(*) FROM py_pred").fetchone()[0] == len(df)
    conn.execute("DROP TABLE py_pred")
    conn.execute("CREATE TABLE IF NOT EXISTS py_nokey AS SELECT * FROM adult_raw WHERE id < 10")
    with pytest.raises(ValueError, match="no one-column primary key: pass id_col="):
        model.predict_table("py_nokey")
    conn.execute("DROP TABLE py_nokey")


def test_roc_auc_and_confusion_matrix_equal_sklearn(db, conn):
    conn.execute("DROP TABLE IF EXISTS py_tr, py_te")
    indb_ml.train_test_split(db, "adult_raw", "py_tr", "py_te", 0.3, seed=1, stratify="income_gt50k")
    model = indb_ml.LogisticRegression(max_iter=50, tol=1e-10, progress=False).fit(db, "py_tr", "income_gt50k", FEATS)
    test = pd.DataFrame(conn.execute(f"SELECT income_gt50k, {', '.join(FEATS)} FROM py_te").fetchall(),
                        columns=["income_gt50k"] + FEATS)
    p = model.predict_proba(test[FEATS])[:, 1]
    y = test["income_gt50k"].to_numpy()
    fpr, tpr, thr = indb_ml.roc_curve(model, "py_te")
    rf, rt, rth = metrics.roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose(fpr, rf, atol=1e-12)
    np.testing.assert_allclose(tpr, rt, atol=1e-12)
    np.testing.assert_allclose(thr[1:], rth[1:], rtol=1e-9)
    fpr2, tpr2, _ = indb_ml.roc_curve(model, "py_te", drop_intermediate=True)
    rf2, rt2, _ = metrics.roc_curve(y, p)
    np.testing.assert_allclose(fpr2, rf2, atol=1e-12)
    np.testing.assert_allclose(tpr2, rt2, atol=1e-12)
    assert indb_ml.roc_auc(model, "py_te") == pytest.approx(metrics.roc_auc_score(y, p), rel=1e-9)
    assert model.evaluate("py_te")["roc_auc"] == pytest.approx(metrics.roc_auc_score(y, p), rel=1e-9)
    M, labels = indb_ml.confusion_matrix(model, "py_te")
    assert labels == ["0", "1"]
    np.testing.assert_array_equal(M, metrics.confusion_matrix(y, (p >= 0.5).astype(int)))
    ax = indb_ml.plot_roc(model, "py_te")
    assert ax.get_legend().get_texts()[0].get_text().startswith("AUC = ")
    conn.execute("DROP TABLE py_tr, py_te")


def test_progress_is_structured_for_every_long_call(db, conn):
    events = []
    with indb_ml.progress.Progress(db, enabled=False, callback=events.append):
        conn.execute("DROP TABLE IF EXISTS py_prog_src")
        db.execute("CREATE TABLE py_prog_src AS SELECT * FROM adult_raw WHERE id < 3000")
        m = indb_ml.LogisticRegression(max_iter=5, progress=False).fit(db, "py_prog_src", "income_gt50k", NUM)
        indb_ml.LinearRegression(progress=False).fit(db, "py_prog_src", "hours_per_week", NUM)
        indb_ml.KMeans(3, max_iter=4, progress=False).fit(db, "py_prog_src", NUM)
        indb_ml.PCA(2, progress=False).fit(db, "py_prog_src", NUM)
        db.execute("CREATE TEMP TABLE py_prog_r AS SELECT (i % 7) AS u, (i % 11) AS i, (i % 5)::float8 AS r "
                   "FROM generate_series(1, 300) i")
        indb_ml.ALS(rank=2, max_iter=2, progress=False).fit(db, "py_prog_r", "u", "i", "r")
        db.execute("CREATE TEMP TABLE py_prog_e AS SELECT i AS src, (i * 7) % 50 AS dst FROM generate_series(0, 49) i")
        db.execute("SELECT indb_ml.pagerank(NULL, 'id', 'py_prog_e', 'src=src, dest=dst', 'pg_temp.py_prog_pr')")
    tasks = {e["task"] for e in events}
    assert {"prepare", "logregr_train", "linregr_train", "kmeans", "pca_train", "als_train", "pagerank"} <= tasks
    steps = [e["step"] for e in events if e["task"] == "logregr_train"]
    assert steps == list(range(1, len(steps) + 1)) and all(
        e["total"] == 5 for e in events if e["task"] == "logregr_train")
    assert all(isinstance(e["metrics"], dict) for e in events)
    assert m.history_ and m.history_[-1]["iteration"] == len(steps)
    conn.execute("DROP TABLE py_prog_src")


def test_connections_psycopg_and_sqlalchemy(db_dsn, conn):
    adult_raw.load(conn)
    with psycopg.connect(db_dsn) as pconn:           # not autocommit: each call gets a transaction
        d = indb_ml.connect(pconn)
        m = indb_ml.LinearRegression(progress=False).fit(d, "adult_raw", "hours_per_week", NUM)
        d.close()
        assert not pconn.closed
        assert pconn.execute("SELECT to_regclass(%s)", [m.model_name_]).fetchone()[0] is None
    params = psycopg.conninfo.conninfo_to_dict(db_dsn)
    url = sqlalchemy.engine.URL.create("postgresql+psycopg", username=params["user"], password=params.get("password"),
                                       host=params["host"], port=int(params["port"]), database=params["dbname"])
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as sconn:
        d = indb_ml.connect(sconn)
        m2 = indb_ml.LinearRegression(progress=False).fit(d, "adult_raw", "hours_per_week", NUM)
        np.testing.assert_allclose(m2.coef_, m.coef_, rtol=1e-12)
        d.close()
    engine.dispose()
    with pytest.raises(TypeError, match="psycopg Connection, a SQLAlchemy Engine or Connection"):
        indb_ml.connect(42)


def test_repr_html_and_plot_history(db):
    m = indb_ml.LogisticRegression(max_iter=20, progress=False).fit(db, "adult_raw", "income_gt50k", FEATS)
    html = m._repr_html_()
    assert m.model_name_ in html and "coef_" in html and "<table>" in html
    assert "not fitted" in indb_ml.KMeans()._repr_html_()
    ax = m.plot_history()
    assert len(ax.lines[0].get_xdata()) == len(m.training_info())


def test_kmeans_fit_on_arrays(db):
    X, _ = california_arrays()
    X = (X[:3000] - X[:3000].mean(0)) / X[:3000].std(0)
    km = indb_ml.KMeans(4, max_iter=50, progress=False, db=db).fit(X)
    assert km.cluster_centers_.shape == (4, 8) and km.n_features_in_ == 8
    assert km.predict(X).shape == (3000,)
    assert pickle.loads(pickle.dumps(km)).predict(X[:10]).tolist() == km.predict(X[:10]).tolist()


def test_upload_round_trips_values(db):
    from indb_ml.estimators.tables import _columns_of, _upload

    X = pd.DataFrame({"f": [1.5, np.nan, 1e-300, -0.1], "i": [1, 2, 3, -4], "b": [True, False, True, False],
                      "t": ["a\tb", None, "c\\d\nе", ""]})
    names, cols = _columns_of(X)
    table = _upload(db, names, cols, np.array([0.0, 1.0, 1.0, 0.0]))
    rows = db.execute(f"SELECT f, i, b, t, indb_ml_label FROM {table}")
    assert rows[0] == (1.5, 1, True, "a\tb", 0.0) and rows[1][0] is None and rows[1][3] is None
    assert rows[2][0] == 1e-300 and rows[2][3] == "c\\d\nе" and rows[3][3] == ""
    db.drop_table(table)


def test_kmeans_predict_table_keyed(db):
    km = indb_ml.KMeans(3, max_iter=10, progress=False).fit(db, "adult_raw", NUM)
    out = km.predict_table("adult_raw")
    df = adult_raw.frame().set_index("id")
    np.testing.assert_array_equal(out["cluster"].to_numpy(), km.predict(df.loc[out.index, NUM]))
