"""standardize on the GLM trainers: the penalty applies to the coefficients of standardised
features (as scikit-learn's StandardScaler + LogisticRegression), the model keeps the transform,
and coefficients and predictions stay on the original scale."""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import adult_raw
import indb_ml

FEATS = ["age", "education_num", "hours_per_week", "capital_gain"]


@pytest.fixture
def adult(conn):
    return adult_raw.load(conn)


def test_softmax_standardize_equals_sklearn_pipeline(conn, adult, db_dsn):
    df = adult_raw.frame()
    X, labels = df[FEATS].to_numpy(float), df["marital_status"].to_numpy()
    C = 0.01
    conn.execute("DROP TABLE IF EXISTS st_sm, st_sm_summary")
    conn.execute("SELECT indb_ml.softmax_train('adult_raw', 'st_sm', 'marital_status', %s, NULL, %s, 'lbfgs', 1000, "
                 "1e-13, false, true)", ["ARRAY[1, " + ", ".join(FEATS) + "]", 1.0 / (C * len(df))])
    W = np.asarray(conn.execute("SELECT coef FROM st_sm").fetchone()[0])
    ref = make_pipeline(StandardScaler(), LogisticRegression(C=C, tol=1e-12, max_iter=10000)).fit(X, labels)
    Xo = np.column_stack([np.ones(len(X)), X])          # our coefficients apply to the raw features
    M = Xo @ W
    P = np.exp(M - M.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    assert np.max(np.abs(P - ref.predict_proba(X))) < 1e-5
    scaler, lr = ref[0], ref[1]
    np.testing.assert_allclose(W[1:], (lr.coef_ / scaler.scale_).T, rtol=1e-3, atol=1e-6)
    params = conn.execute("SELECT params FROM indb_ml.models WHERE name = 'public.st_sm'").fetchone()[0]
    assert params["standardize"] is True
    t = params["transform"][""]
    np.testing.assert_allclose(t["feature_mean"][1:], X.mean(0), rtol=1e-12)   # [0] is the constant 1
    np.testing.assert_allclose(t["feature_scale"][1:], X.std(0), rtol=1e-9)
    # the estimator: same model, predictions on raw data
    with indb_ml.connect(db_dsn) as db:
        est = indb_ml.SoftmaxRegression(C=C, standardize=True, tol=1e-13, max_iter=1000, progress=False).fit(
            db, "adult_raw", "marital_status", FEATS)
        assert np.max(np.abs(est.predict_proba(df[FEATS]) - ref.predict_proba(X))) < 1e-5
    conn.execute("DROP TABLE st_sm, st_sm_summary")


def test_unpenalised_glm_is_the_same_with_or_without_standardize(conn, adult):
    arr = "ARRAY[1, " + ", ".join(FEATS) + "]"
    conn.execute("DROP TABLE IF EXISTS st_a, st_a_summary, st_b, st_b_summary")
    conn.execute("SELECT indb_ml.glm('adult_raw', 'st_a', 'income_gt50k', %s, 'family=binomial, link=logit', NULL, "
                 "'max_iter=50, tolerance=1e-12')", [arr])
    conn.execute("SELECT indb_ml.glm('adult_raw', 'st_b', 'income_gt50k', %s, 'family=binomial, link=logit', NULL, "
                 "'max_iter=50, tolerance=1e-12, standardize=true')", [arr])
    a = np.asarray(conn.execute("SELECT coef FROM st_a").fetchone()[0])
    b = np.asarray(conn.execute("SELECT coef FROM st_b").fetchone()[0])
    np.testing.assert_allclose(b, a, rtol=1e-7)
    with pytest.raises(Exception, match="parameter standardize='maybe' is not valid"):
        conn.execute("SELECT indb_ml.glm('adult_raw', 'st_c', 'income_gt50k', %s, 'family=binomial, link=logit', "
                     "NULL, 'standardize=maybe')", [arr])
    conn.execute("DROP TABLE st_a, st_a_summary, st_b, st_b_summary")


def test_standardize_and_encodings_as_an_analyst(conn, adult, db_dsn):
    """A member of indb_ml_user (no superuser) may record the transform and an encoding."""
    import secrets

    import psycopg
    from psycopg import sql

    role, password = f"std_{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
    conn.execute(sql.SQL("GRANT indb_ml_user TO {}").format(sql.Identifier(role)))
    conn.execute(sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(sql.Identifier(role), sql.Identifier(role)))
    conn.execute(sql.SQL("GRANT SELECT ON adult_raw TO {}").format(sql.Identifier(role)))
    params = psycopg.conninfo.conninfo_to_dict(db_dsn)
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo(**{**params, "user": role, "password": password}),
                             autocommit=True) as a:
            a.execute("SELECT indb_ml.softmax_train('public.adult_raw', 'st_an', 'marital_status', "
                      "'ARRAY[1, age, hours_per_week]', NULL, 0.001, 'lbfgs', 50, 1e-8, false, true)")
            p = a.execute("SELECT params FROM indb_ml.models WHERE name = %s", [f"{role}.st_an"]).fetchone()[0]
            assert p["standardize"] is True and len(p["transform"][""]["feature_scale"]) == 3
            a.execute("SELECT indb_ml.encode_categorical('public.adult_raw', 'st_enc', 'sex')")
            assert a.execute("SELECT count(*) FROM indb_ml.encodings").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM indb_ml.encodings WHERE owner = %s", [role]).fetchone()[0] == 1
    finally:
        conn.execute("DELETE FROM indb_ml.models WHERE owner = %s", [role])
        conn.execute("DELETE FROM indb_ml.encodings WHERE owner = %s", [role])
        conn.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(role)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
