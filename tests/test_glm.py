"""glm (Poisson), svm_classification, elastic_net_train, softmax_train and their estimators,
against statsmodels / scikit-learn on UCI Adult (all 32,561 training rows)."""
import numpy as np
import pytest
import statsmodels.api as sm

from adult_data import design, feature_array, load_adult


@pytest.fixture
def adult(conn):
    return load_adult(conn)


def rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


def col(names, X, which):
    return np.column_stack([X[:, names.index(w)] for w in which])


def test_poisson_matches_statsmodels(conn, adult):
    table, names = adult
    _, X, y, rows = design()
    feats = ["age", "hours_per_week", "sex_male", "capital_loss"]
    Xp = sm.add_constant(col(names, X, feats))
    ycount = X[:, names.index("education_num")]
    ref = sm.GLM(ycount, Xp, family=sm.families.Poisson()).fit(tol=1e-12, maxiter=100)
    conn.execute("DROP TABLE IF EXISTS po_m, po_m_summary")
    conn.execute("SELECT indb_ml.glm(%s, 'po_m', 'education_num', %s, 'family=poisson, link=log', NULL, "
                 "'max_iter=100, optimizer=irls, tolerance=1e-12')", [table, feature_array(feats)])
    coef, ll, se, z, p = conn.execute("SELECT coef, log_likelihood, std_err, z_stats, p_values FROM po_m").fetchone()
    assert rel(coef, ref.params) < 1e-6 and rel(se, ref.bse) < 1e-6 and rel(z, ref.tvalues) < 1e-6
    assert abs(ll - ref.llf) / abs(ref.llf) < 1e-6
    m = conn.execute("SELECT indb_ml.evaluate('po_m', %s)", [table]).fetchone()[0]
    mu = ref.predict(Xp)
    assert abs(m["rmse"] - np.sqrt(np.mean((mu - ycount) ** 2))) < 1e-6
    from indb_ml.estimators.glm import PoissonRegression
    import indb_ml
    db = indb_ml.connect(conn.info.dsn + " password=" + (conn.info.password or ""))
    est = PoissonRegression(tol=1e-12, progress=False).fit(db, table, "education_num", feats)
    assert rel(np.r_[est.intercept_, est.coef_], ref.params) < 1e-6
    assert len(est.training_info()) == est.n_iter_
    db.close()


def test_poisson_rejects_negative_counts(conn):
    conn.execute("DROP TABLE IF EXISTS po_bad")
    conn.execute("CREATE TABLE po_bad AS SELECT g::float8 AS x, (g % 4 - 1)::float8 AS y FROM generate_series(1, 40) g")
    with pytest.raises(Exception) as err:
        conn.execute("SELECT indb_ml.glm('po_bad', 'po_bad_m', 'y', 'ARRAY[1, x]')")
    assert "-1" in str(err.value) and "counts" in str(err.value)


def test_svm_objective_matches_liblinear(conn, adult):
    from sklearn.svm import LinearSVC
    table, names = adult
    _, X, y, _ = design()
    Xs = np.column_stack([np.ones(len(y)), X])
    lam = 1e-3
    conn.execute("DROP TABLE IF EXISTS sv_m, sv_m_summary")
    conn.execute("SELECT indb_ml.svm_classification(%s, 'sv_m', 'income_gt50k', %s, 'linear', NULL, NULL, %s)",
                 [table, feature_array(names), f"lambda={lam}, max_iter=500, tolerance=1e-12"])
    w, loss, mapping = conn.execute("SELECT coef, loss, dep_var_mapping FROM sv_m").fetchone()
    assert mapping == ["false", "true"]
    t = 2 * y - 1

    def objective(w):
        z = np.maximum(0, 1 - t * (Xs @ w))
        return np.mean(z ** 2) + lam / 2 * w @ w

    ref = LinearSVC(C=1 / (lam * len(y)), loss="squared_hinge", fit_intercept=False, dual=False, tol=1e-10,
                    max_iter=100000).fit(Xs, y)
    ours, theirs = objective(np.asarray(w)), objective(ref.coef_[0])
    assert abs(loss - ours) / ours < 1e-9
    assert ours <= theirs * (1 + 1e-4), (ours, theirs)
    m = conn.execute("SELECT indb_ml.evaluate('sv_m', %s)", [table]).fetchone()[0]
    assert abs(m["accuracy"] - np.mean((Xs @ w > 0) == (y == 1))) < 1e-12 and m["roc_auc"] > 0.8
    labels = conn.execute(f"SELECT indb_ml.predict_class('sv_m', {feature_array(names)}) FROM {table} ORDER BY id LIMIT 50").fetchall()
    assert [r[0] for r in labels] == ["true" if v > 0 else "false" for v in (Xs[:50] @ w)]


def test_svm_hinge_sgd_and_label_errors(conn, adult):
    table, names = adult
    conn.execute("DROP TABLE IF EXISTS sv_h, sv_h_summary")
    conn.execute("SELECT indb_ml.svm_classification(%s, 'sv_h', 'income_gt50k', %s, 'linear', NULL, NULL, "
                 "'lambda=0.001, loss=hinge, max_iter=10')", [table, feature_array(names)])
    loss, iters = conn.execute("SELECT loss, num_iterations FROM sv_h").fetchone()
    assert 0 < loss < 1 and 1 <= iters <= 10
    with pytest.raises(Exception) as err:
        conn.execute("SELECT indb_ml.svm_classification(%s, 'sv_bad', 'marital', 'ARRAY[1, age]')", [table])
    assert "exactly 2" in str(err.value) and "Divorced" in str(err.value)


def test_elastic_net_gaussian_matches_sklearn(conn, adult):
    from sklearn.linear_model import ElasticNet
    table, names = adult
    _, X, y, _ = design()
    feats = ["age", "education_num", "sex_male", "relationship_wife", "race_white", "marital_status_never_married"]
    Xe = col(names, X, feats)
    target = X[:, names.index("hours_per_week")]
    lam, alpha = 0.05, 0.7
    conn.execute("DROP TABLE IF EXISTS en_m, en_m_summary")
    conn.execute("SELECT indb_ml.elastic_net_train(%s, 'en_m', 'hours_per_week', %s, 'gaussian', %s, %s, false, "
                 "NULL, 'cd', NULL, NULL, 10000, 1e-10)", [table, feature_array(feats, False), alpha, lam])
    coef, icpt, obj, selected = conn.execute("SELECT coef_all, intercept, objective, features_selected FROM en_m").fetchone()

    def objective(b, b0):
        r = target - Xe @ b - b0
        return r @ r / (2 * len(r)) + lam * (alpha * np.abs(b).sum() + (1 - alpha) / 2 * b @ b)

    ref = ElasticNet(alpha=lam, l1_ratio=alpha, tol=1e-12, max_iter=100000).fit(Xe, target)
    ours, theirs = objective(np.asarray(coef), icpt), objective(ref.coef_, ref.intercept_)
    assert abs(obj - ours) / ours < 1e-8
    assert ours <= theirs * (1 + 1e-4)
    assert rel(coef, ref.coef_) < 1e-3
    # standardize and the binomial family: optimality (KKT) of the proximal-Newton solution
    conn.execute("DROP TABLE IF EXISTS en_b, en_b_summary")
    conn.execute("SELECT indb_ml.elastic_net_train(%s, 'en_b', 'income_gt50k', %s, 'binomial', 0.5, 0.01, true, "
                 "NULL, 'cd', NULL, NULL, 100, 1e-12)", [table, feature_array(feats, False)])
    coef, icpt = conn.execute("SELECT coef_all, intercept FROM en_b").fetchone()
    mu, sd = Xe.mean(0), Xe.std(0)
    Z = (Xe - mu) / sd
    bz = np.asarray(coef) * sd
    p = 1 / (1 + np.exp(-(Xe @ np.asarray(coef) + icpt)))
    g = Z.T @ (p - y) / len(y)
    assert abs((p - y).mean()) < 1e-7
    l1, l2 = 0.01 * 0.5, 0.01 * 0.5
    for j in range(len(bz)):
        if bz[j] != 0:
            assert abs(g[j] + l2 * bz[j] + l1 * np.sign(bz[j])) < 1e-6
        else:
            assert abs(g[j]) <= l1 + 1e-6
    from indb_ml.estimators.glm import ElasticNet as InDbElasticNet
    import indb_ml
    db = indb_ml.connect(conn.info.dsn + " password=" + (conn.info.password or ""))
    est = InDbElasticNet(alpha=lam, l1_ratio=alpha, tol=1e-10, progress=False).fit(db, table, "hours_per_week", feats)
    assert rel(est.coef_, ref.coef_) < 1e-3
    assert est.score(table) == pytest.approx(ref.score(Xe, target), rel=1e-6)
    db.close()


def test_softmax_matches_sklearn_multinomial(conn, adult):
    from sklearn.linear_model import LogisticRegression
    table, names = adult
    _, X, y, rows = design()
    feats = ["age", "education_num", "hours_per_week", "sex_male"]
    conn.execute("DROP TABLE IF EXISTS adult_std")
    conn.execute(f"CREATE TABLE adult_std AS SELECT id, marital, " + ", ".join(
        f"({f} - avg({f}) OVER ()) / stddev_pop({f}) OVER () AS {f}" for f in feats) + f" FROM {table}")
    Xz = col(names, X, feats)
    Xz = (Xz - Xz.mean(0)) / Xz.std(0)
    labels = np.array([r["marital_status"] for r in rows])
    C = 1.0
    lam = 1.0 / (C * len(labels))
    conn.execute("DROP TABLE IF EXISTS sm_m, sm_m_summary")
    conn.execute("SELECT indb_ml.softmax_train('adult_std', 'sm_m', 'marital', %s, NULL, %s, 'lbfgs', 1000, 1e-13)",
                 [feature_array(feats), lam])
    W, classes, loss = conn.execute("SELECT coef, class_labels, loss FROM sm_m").fetchone()
    W = np.asarray(W)
    ref = LogisticRegression(C=C, tol=1e-12, max_iter=10000).fit(Xz, labels)
    assert list(ref.classes_) == classes
    Xo = np.column_stack([np.ones(len(labels)), Xz])
    P = np.exp(Xo @ W - (Xo @ W).max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    assert np.max(np.abs(P - ref.predict_proba(Xz))) < 1e-5
    idx = np.searchsorted(classes, labels)

    def objective(P, W):
        return -np.mean(np.log(P[np.arange(len(idx)), idx])) + lam / 2 * (W[1:] ** 2).sum()

    ref_W = np.vstack([ref.intercept_, ref.coef_.T])
    assert abs(objective(P, W) - objective(ref.predict_proba(Xz), ref_W)) / objective(P, W) < 1e-5
    assert abs(loss - objective(P, W)) < 1e-9
    m = conn.execute("SELECT indb_ml.evaluate('sm_m', 'adult_std')").fetchone()[0]
    assert abs(m["accuracy"] - np.mean(ref.predict(Xz) == labels)) < 1e-3
    got = conn.execute(f"SELECT indb_ml.predict_class('sm_m', {feature_array(feats)}) FROM adult_std ORDER BY id LIMIT 200").fetchall()
    assert [g[0] for g in got] == list(np.array(classes)[np.argmax(P[:200], 1)])
