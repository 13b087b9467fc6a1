"""encode_categorical / apply_encoding (against pandas.get_dummies), train_test_split, and text
features taken directly by a trainer (against statsmodels on the same dummy coding), on UCI Adult."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import adult_raw

CATS = ["workclass", "race", "sex"]


@pytest.fixture
def adult(conn):
    return adult_raw.load(conn)


def _table(conn, name, order="id"):
    cur = conn.execute(f"SELECT * FROM {name} ORDER BY {order}")
    return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])


def test_one_hot_equals_get_dummies(conn, adult):
    conn.execute("DROP TABLE IF EXISTS pre_enc")
    msg = conn.execute("SELECT indb_ml.encode_categorical('adult_raw', 'pre_enc', 'workclass, race, sex')").fetchone()[0]
    assert "pre_enc" in msg
    ours = _table(conn, "pre_enc")
    ref = pd.get_dummies(adult_raw.frame(), columns=CATS)
    assert list(ours.columns) == list(ref.columns)
    dummies = [c for c in ref.columns if c.startswith(tuple(f"{c}_" for c in CATS))]
    np.testing.assert_array_equal(ours[dummies].to_numpy(dtype=int), ref[dummies].to_numpy(dtype=int))
    assert ours["workclass_Private"].sum() == (adult_raw.frame()["workclass"] == "Private").sum()
    # NULL ('?') workclass rows: all zeros, as get_dummies
    assert ours.loc[adult_raw.frame()["workclass"].isna().to_numpy(), [c for c in dummies if c.startswith("workclass_")]].to_numpy().sum() == 0
    conn.execute("DROP TABLE pre_enc")


def test_top_k_other_and_apply_encoding(conn, adult):
    conn.execute("DROP TABLE IF EXISTS pre_top, pre_new, pre_new_enc")
    conn.execute("SELECT indb_ml.encode_categorical('adult_raw', 'pre_top', 'native_country', top_k => 3)")
    df = adult_raw.frame()
    top = df["native_country"].value_counts().sort_values(ascending=False, kind="stable")
    kept = sorted(top.index[:3])
    ours = _table(conn, "pre_top")
    assert [c for c in ours.columns if c.startswith("native_country_")] == \
        [f"native_country_{v}" for v in kept] + ["native_country_other"]
    nc = df["native_country"]
    np.testing.assert_array_equal(ours["native_country_other"], (nc.notna() & ~nc.isin(kept)).astype(int))
    # new data: a level never seen and a kept one; the same columns come out
    conn.execute("CREATE TABLE pre_new AS SELECT * FROM adult_raw WHERE id < 3")
    conn.execute("UPDATE pre_new SET native_country = 'Atlantis' WHERE id = 0")
    conn.execute("UPDATE pre_new SET native_country = %s WHERE id = 1", [kept[0]])
    conn.execute("SELECT indb_ml.apply_encoding('pre_top', 'pre_new', 'pre_new_enc')")
    new = _table(conn, "pre_new_enc")
    assert list(new.columns) == list(ours.columns)
    assert new.loc[0, "native_country_other"] == 1 and new.loc[1, f"native_country_{kept[0]}"] == 1
    assert conn.execute("SELECT count(*) FROM indb_ml.encodings WHERE name = 'public.pre_top'").fetchone()[0] == 1
    conn.execute("DROP TABLE pre_top, pre_new, pre_new_enc")


def test_encode_errors_name_the_argument(conn, adult):
    with pytest.raises(Exception, match="column nope .categorical_cols. does not exist"):
        conn.execute("SELECT indb_ml.encode_categorical('adult_raw', 'pre_bad', 'sex, nope')")
    with pytest.raises(Exception, match="top_k must be at least 1"):
        conn.execute("SELECT indb_ml.encode_categorical('adult_raw', 'pre_bad', 'sex', top_k => 0)")
    assert conn.execute("SELECT to_regclass('pre_bad')").fetchone()[0] is None


def test_train_test_split_is_deterministic_and_stratified(conn, adult):
    conn.execute("DROP TABLE IF EXISTS sp_a1, sp_b1, sp_a2, sp_b2, sp_a3, sp_b3")
    conn.execute("SELECT indb_ml.train_test_split('adult_raw', 'sp_a1', 'sp_b1', 0.2, 7, 'income_gt50k')")
    # the same seed on the rows in another physical order gives the same split
    conn.execute("CREATE TEMP TABLE sp_shuffled AS SELECT * FROM adult_raw ORDER BY md5(id::text)")
    conn.execute("SELECT indb_ml.train_test_split('sp_shuffled', 'sp_a2', 'sp_b2', 0.2, 7, 'income_gt50k')")
    conn.execute("SELECT indb_ml.train_test_split('adult_raw', 'sp_a3', 'sp_b3', 0.2, 8, 'income_gt50k')")
    ids = lambda t: {r[0] for r in conn.execute(f"SELECT id FROM {t}").fetchall()}  # noqa: E731
    assert ids("sp_b1") == ids("sp_b2") and ids("sp_b1") != ids("sp_b3")
    assert ids("sp_a1").isdisjoint(ids("sp_b1")) and len(ids("sp_a1") | ids("sp_b1")) == len(adult_raw.frame())
    df = adult_raw.frame()
    for cls, n in df["income_gt50k"].value_counts().items():
        got = conn.execute("SELECT count(*) FROM sp_b1 WHERE income_gt50k = %s", [int(cls)]).fetchone()[0]
        assert got == int(np.ceil(n * 0.2))
    conn.execute("DROP TABLE sp_a1, sp_b1, sp_a2, sp_b2, sp_a3, sp_b3, sp_shuffled")


def test_trainer_takes_text_features(conn, adult):
    """logregr_train on text columns = statsmodels Logit on get_dummies(drop_first=True)."""
    conn.execute("DROP TABLE IF EXISTS pre_logit, pre_logit_summary, pre_pred")
    feats = ["age", "education_num", "hours_per_week", "sex", "race"]
    conn.execute("SELECT indb_ml.logregr_train('adult_raw', 'pre_logit', 'income_gt50k', "
                 "'ARRAY[1, age, education_num, hours_per_week, sex, race]', NULL, 50, 'irls', 1e-10)")
    coef = np.array(conn.execute("SELECT coef FROM pre_logit").fetchone()[0])
    df = adult_raw.frame()
    X = pd.get_dummies(df[feats], columns=["sex", "race"], drop_first=True, dtype=float)
    ref = sm.Logit(df["income_gt50k"].to_numpy(float), sm.add_constant(X.to_numpy(float))).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(coef, ref.params, rtol=1e-6, atol=1e-8)
    names = conn.execute("SELECT feature_names FROM indb_ml.models WHERE name = 'public.pre_logit'").fetchone()[0]
    assert names[-5:] == ["sex=Male", "race=Asian-Pac-Islander", "race=Black", "race=Other", "race=White"]
    # evaluation / prediction on another table re-applies the recorded levels, even where a level is missing
    conn.execute("CREATE TABLE pre_pred AS SELECT * FROM adult_raw WHERE race = 'White' AND id < 2000")
    got = conn.execute("SELECT indb_ml.evaluate('pre_logit', 'pre_pred')").fetchone()[0]
    sub = df[(df["race"] == "White") & (df["id"] < 2000)]
    Xs = pd.get_dummies(sub[feats], columns=["sex", "race"], dtype=float).reindex(columns=X.columns, fill_value=0.0)
    p = ref.predict(sm.add_constant(Xs.to_numpy(float), has_constant="add"))
    assert got["accuracy"] == pytest.approx(np.mean((p >= 0.5) == sub["income_gt50k"].to_numpy()), abs=1e-12)
    conn.execute("DROP TABLE pre_logit, pre_logit_summary, pre_pred")


def test_cross_validate_equals_sklearn_on_the_same_folds(conn, adult):
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import r2_score

    conn.execute("DROP TABLE IF EXISTS cv_lin, cv_lin_folds")
    msg = conn.execute("SELECT indb_ml.cross_validate('linregr_train', 'adult_raw', 'cv_lin', 'hours_per_week', "
                       "'ARRAY[1, age, education_num, sex]', '{}', 4, 11)").fetchone()[0]
    assert "4 folds" in msg
    rows = conn.execute("SELECT fold, n_train, n_test, r2 FROM cv_lin ORDER BY fold NULLS LAST").fetchall()
    assert [r[0] for r in rows] == [1, 2, 3, 4, None]
    # the same folds, read back from the packed blocks the folds table names
    prep = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_oid = 'adult_raw'::regclass "
                        "AND y_expr LIKE '%hours_per_week%' ORDER BY prepared_id DESC LIMIT 1").fetchone()[0]
    blocks = conn.execute(f"SELECT f.fold, p.x, p.y, p.n FROM indb_ml_data.{prep} p JOIN cv_lin_folds f "
                          f"USING (part, block) WHERE p.n > 0").fetchall()
    X = {f: [] for f in range(1, 5)}
    Y = {f: [] for f in range(1, 5)}
    for fold, x, y, n in blocks:
        X[fold].append(np.frombuffer(x, "<f8").reshape(n, -1))
        Y[fold].append(np.frombuffer(y, "<f8"))
    total = 0
    for fold, n_train, n_test, r2 in rows[:4]:
        Xte, yte = np.vstack(X[fold]), np.concatenate(Y[fold])
        Xtr = np.vstack([a for g in X if g != fold for a in X[g]])
        ytr = np.concatenate([a for g in Y if g != fold for a in Y[g]])
        ref = LinearRegression(fit_intercept=False).fit(Xtr, ytr)
        assert (n_train, n_test) == (len(ytr), len(yte))
        assert r2 == pytest.approx(r2_score(yte, ref.predict(Xte)), rel=1e-9)
        total += n_test
    assert total == len(adult_raw.frame())
    assert rows[4][3] == pytest.approx(np.mean([r[3] for r in rows[:4]]), rel=1e-12)
    conn.execute("DROP TABLE cv_lin, cv_lin_folds")


def test_cross_validate_logistic_equals_sklearn(conn, adult):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

    conn.execute("DROP TABLE IF EXISTS cv_log, cv_log_folds")
    conn.execute("SELECT indb_ml.cross_validate('logregr_train', 'adult_raw', 'cv_log', 'income_gt50k', "
                 "'ARRAY[1, age, education_num, hours_per_week, sex]', '{\"max_iter\": 50, \"tolerance\": 1e-12}', "
                 "3, 5)")
    rows = conn.execute("SELECT fold, accuracy, roc_auc, log_loss FROM cv_log WHERE fold IS NOT NULL "
                        "ORDER BY fold").fetchall()
    prep = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_oid = 'adult_raw'::regclass "
                        "AND y_expr LIKE '%income_gt50k%' ORDER BY prepared_id DESC LIMIT 1").fetchone()[0]
    data = conn.execute(f"SELECT f.fold, p.x, p.y, p.n FROM indb_ml_data.{prep} p JOIN cv_log_folds f "
                        f"USING (part, block) WHERE p.n > 0").fetchall()
    for fold, acc, auc, ll in rows:
        te = [(np.frombuffer(x, "<f8").reshape(n, -1), np.frombuffer(y, "<f8")) for g, x, y, n in data if g == fold]
        tr = [(np.frombuffer(x, "<f8").reshape(n, -1), np.frombuffer(y, "<f8")) for g, x, y, n in data if g != fold]
        Xte, yte = np.vstack([a for a, _ in te])[:, 1:], np.concatenate([b for _, b in te])
        Xtr, ytr = np.vstack([a for a, _ in tr])[:, 1:], np.concatenate([b for _, b in tr])
        ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=100000).fit(Xtr, ytr)
        p = ref.predict_proba(Xte)[:, 1]
        assert acc == pytest.approx(accuracy_score(yte, p >= 0.5), abs=1e-12)
        assert auc == pytest.approx(roc_auc_score(yte, p), rel=1e-6)
        assert ll == pytest.approx(log_loss(yte, p), rel=1e-6)
    conn.execute("DROP TABLE cv_log, cv_log_folds")


def test_cross_validate_kmeans_held_out_inertia(conn):
    """k-means folds: the held-out inertia equals scikit-learn's KMeans fitted on the same training blocks
    (well-separated clusters, so both find the same centres)."""
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(3)
    centres = np.array([[0, 0], [8, 0], [0, 8], [8, 8]], dtype=float)
    X = np.vstack([c + rng.normal(size=(1500, 2)) for c in centres])
    conn.execute("DROP TABLE IF EXISTS cv_km_src, cv_km, cv_km_folds")
    conn.execute("CREATE TABLE cv_km_src (a float8, b float8)")
    with conn.cursor().copy("COPY cv_km_src FROM STDIN") as cp:
        for row in X[rng.permutation(len(X))]:
            cp.write_row(row.tolist())
    conn.execute("SELECT indb_ml.cross_validate('kmeans', 'cv_km_src', 'cv_km', NULL, 'ARRAY[a, b]', "
                 "'{\"k\": 4, \"seed\": 1}', 3, 0)")
    rows = conn.execute("SELECT fold, n_test, inertia, mean_sq_distance FROM cv_km ORDER BY fold NULLS LAST").fetchall()
    prep = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_oid = 'cv_km_src'::regclass "
                        "ORDER BY prepared_id DESC LIMIT 1").fetchone()[0]
    data = conn.execute(f"SELECT f.fold, p.x, p.n FROM indb_ml_data.{prep} p JOIN cv_km_folds f USING (part, block) "
                        f"WHERE p.n > 0").fetchall()
    for fold, n_test, inertia, msd in rows[:3]:
        te = np.vstack([np.frombuffer(x, "<f8").reshape(n, -1) for g, x, n in data if g == fold])
        tr = np.vstack([np.frombuffer(x, "<f8").reshape(n, -1) for g, x, n in data if g != fold])
        ref = KMeans(4, n_init=10, random_state=0).fit(tr)
        held = float(((te[:, None, :] - ref.cluster_centers_[None]) ** 2).sum(2).min(1).sum())
        assert n_test == len(te) and inertia == pytest.approx(held, rel=1e-6)
        assert msd == pytest.approx(inertia / n_test, rel=1e-12)
    assert rows[3][2] == pytest.approx(np.mean([r[2] for r in rows[:3]]), rel=1e-12)
    conn.execute("DROP TABLE cv_km_src, cv_km, cv_km_folds")
