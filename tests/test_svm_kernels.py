"""SVM kernels (MADlib's random feature maps), svm_one_class, norm=L1 and MADlib's cross-validation
(svm and elastic net), against independent references: the exact kernels, scikit-learn's
RBFSampler, exact kernel SVMs (SVC, OneClassSVM) and direct refits with the chosen parameters."""
import numpy as np
import pytest
from sklearn.datasets import make_circles
from sklearn.kernel_approximation import RBFSampler
from sklearn.svm import SVC

from plpython import svm_kernels


def _pairwise_sq(X):
    return ((X[:, None] - X[None]) ** 2).sum(-1)


def test_gaussian_map_is_rbfsampler_and_approximates_the_kernel():
    X = np.random.RandomState(0).normal(size=(50, 4)) * 0.5
    m = svm_kernels.make_map("gaussian", 4, svm_kernels.parse_params("gaussian", "gamma=0.7, n_components=20000", 4))
    Z = svm_kernels.apply(X, m)
    # the same construction as scikit-learn's RBFSampler: with its random draws replaced by ours, equal
    ref = RBFSampler(gamma=0.7, n_components=20000).fit(X)
    ref.random_weights_, ref.random_offset_ = m[4:4 + 4 * 20000].reshape(4, 20000), m[4 + 4 * 20000:]
    assert np.abs(ref.transform(X) - Z).max() < 1e-12
    # z(x)·z(y) ~ exp(-gamma |x - y|^2): Monte Carlo error ~ 1/sqrt(D)
    assert np.abs(Z @ Z.T - np.exp(-0.7 * _pairwise_sq(X))).max() < 0.05


@pytest.mark.parametrize("degree, coef0", [(2, 1.0), (3, 1.0), (2, 0.5)])
def test_polynomial_map_approximates_the_kernel(degree, coef0):
    X = np.random.RandomState(1).normal(size=(40, 4))
    X = 0.8 * X / np.linalg.norm(X, axis=1, keepdims=True)
    m = svm_kernels.make_map("polynomial", 4, svm_kernels.parse_params(
        "polynomial", f"degree={degree}, coef0={coef0}, n_components=50000", 4))
    Z = svm_kernels.apply(X, m)
    K = (X @ X.T + coef0) ** degree
    assert np.abs(Z @ Z.T - K).max() / np.abs(K).max() < 0.06


def test_kernel_params_defaults_and_errors():
    p = svm_kernels.parse_params("gaussian", None, 5)
    assert p == {"n_components": 10, "random_state": 1, "fit_intercept": False, "gamma": 0.2}
    assert svm_kernels.kernel_name("gau") == "gaussian" and svm_kernels.kernel_name("po") == "polynomial"
    with pytest.raises(ValueError, match="unknown parameter 'degree'"):
        svm_kernels.parse_params("gaussian", "degree=2", 3)
    with pytest.raises(ValueError, match="not one of"):
        svm_kernels.kernel_name("sigmoid")


@pytest.fixture
def circles(conn):
    X, y = make_circles(n_samples=600, noise=0.08, factor=0.4, random_state=3)
    conn.execute("DROP TABLE IF EXISTS kc")
    conn.execute("CREATE TABLE kc (id int, x float8[], y int)")
    with conn.cursor().copy("COPY kc (id, x, y) FROM STDIN") as cp:
        for i, (row, lab) in enumerate(zip(X, y)):
            cp.write_row((i, [float(v) for v in row], int(lab)))
    return X, y


def _accuracy(conn, model, table="kc"):
    conn.execute(f"DROP TABLE IF EXISTS {model}_p")
    conn.execute(f"SELECT indb_ml.svm_predict('{model}', '{table}', 'id', '{model}_p')")
    return conn.execute(f"SELECT avg((p.prediction = t.y)::int)::float8 FROM {model}_p p JOIN {table} t USING (id)"
                        ).fetchone()[0]


def test_gaussian_svm_separates_circles_like_an_exact_rbf_svm(conn, circles):
    X, y = circles
    exact = SVC(kernel="rbf", gamma=2.0, C=10.0).fit(X, y).score(X, y)
    conn.execute("DROP TABLE IF EXISTS kc_g, kc_g_summary, kc_l, kc_l_summary")
    conn.execute("SELECT indb_ml.svm_classification('kc', 'kc_g', 'y', 'x', 'gaussian', "
                 "'gamma=2, n_components=300, fit_intercept=true, random_state=7', NULL, 'lambda=0.001')")
    conn.execute("SELECT indb_ml.svm_classification('kc', 'kc_l', 'y', 'array_prepend(1, x)', 'linear', NULL, NULL, "
                 "'lambda=0.001')")
    acc_g, acc_l = _accuracy(conn, "kc_g"), _accuracy(conn, "kc_l")
    assert exact > 0.97 and acc_g >= exact - 0.03     # the random-feature SVM is as good as the exact one
    assert acc_l < 0.75                                # no linear separator exists
    coef, kfunc, kmap = conn.execute("SELECT coef, kernel_func, kernel_map FROM kc_g, kc_g_summary").fetchone()
    assert len(coef) == 301 and kfunc == "gaussian"
    # the stored map is the one the kernel parameters define: the decision values of svm_predict are
    # the coefficients applied to the mapped features, recomputed here in numpy
    m = svm_kernels.make_map("gaussian", 2, svm_kernels.parse_params(
        "gaussian", "gamma=2, n_components=300, fit_intercept=true, random_state=7", 2))
    assert np.array_equal(np.frombuffer(kmap, dtype="<f8"), m)
    dec = dict(conn.execute("SELECT id, decision_function FROM kc_g_p").fetchall())
    ours = svm_kernels.apply(X, m) @ np.asarray(coef)
    assert max(abs(dec[i] - ours[i]) for i in range(len(X))) < 1e-9


def test_polynomial_svm_separates_circles(conn, circles):
    X, y = circles
    exact = SVC(kernel="poly", degree=2, coef0=1.0, gamma=1.0, C=10.0).fit(X, y).score(X, y)
    conn.execute("DROP TABLE IF EXISTS kc_p, kc_p_summary")
    conn.execute("SELECT indb_ml.svm_classification('kc', 'kc_p', 'y', 'x', 'poly', "
                 "'degree=2, n_components=400, fit_intercept=true', NULL, 'lambda=0.0001')")
    assert exact > 0.97 and _accuracy(conn, "kc_p") >= exact - 0.05


def test_one_class_flags_outliers(conn):
    rs = np.random.RandomState(5)
    inl = rs.normal(size=(400, 2)) * 0.5 + 3.0
    out = rs.uniform(-3, 9, size=(400, 2))
    out = out[np.linalg.norm(out - 3.0, axis=1) > 3.0][:100]
    conn.execute("DROP TABLE IF EXISTS oc, oc_new, oc_m, oc_m_summary, oc_m_p")
    conn.execute("CREATE TABLE oc AS SELECT i AS id, ARRAY[a, b] AS x FROM unnest(%s::float8[], %s::float8[]) "
                 "WITH ORDINALITY AS t(a, b, i)", [inl[:, 0].tolist(), inl[:, 1].tolist()])
    conn.execute("CREATE TABLE oc_new AS SELECT i AS id, ARRAY[a, b] AS x FROM unnest(%s::float8[], %s::float8[]) "
                 "WITH ORDINALITY AS t(a, b, i)", [out[:, 0].tolist(), out[:, 1].tolist()])
    conn.execute("SELECT indb_ml.svm_one_class('oc', 'oc_m', 'x', 'gaussian', 'gamma=0.5, n_components=200', "
                 "NULL, 'lambda=0.0001')")
    conn.execute("SELECT indb_ml.svm_predict('oc_m', 'oc', 'id', 'oc_m_p')")
    inliers = conn.execute("SELECT avg((prediction = 1)::int)::float8 FROM oc_m_p").fetchone()[0]
    conn.execute("DROP TABLE oc_m_p")
    conn.execute("SELECT indb_ml.svm_predict('oc_m', 'oc_new', 'id', 'oc_m_p')")
    outliers = conn.execute("SELECT avg((prediction = -1)::int)::float8 FROM oc_m_p").fetchone()[0]
    assert inliers > 0.8 and outliers > 0.9
    assert conn.execute("SELECT num_rows_processed FROM oc_m").fetchone()[0] == 400


def test_l1_norm_gives_sparser_models(conn):
    rs = np.random.RandomState(2)
    X = rs.normal(size=(500, 10))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    conn.execute("DROP TABLE IF EXISTS l1d")
    conn.execute("CREATE TABLE l1d (id int, x float8[], y int)")
    with conn.cursor().copy("COPY l1d FROM STDIN") as cp:
        for i in range(len(X)):
            cp.write_row((i, X[i].tolist(), int(y[i])))
    nz = {}
    # MADlib's L1 lambda penalises the sum of the losses (lambda/n per row), its L2 lambda here the mean
    for norm, lam in (("L1", 25.0), ("L2", 0.05)):
        conn.execute(f"DROP TABLE IF EXISTS l1m_{norm}, l1m_{norm}_summary")
        conn.execute(f"SELECT indb_ml.svm_classification('l1d', 'l1m_{norm}', 'y', 'x', NULL, NULL, NULL, "
                     f"'init_stepsize=0.05, decay_factor=0.9, max_iter=30, lambda={lam}, norm={norm}')")
        coef = np.array(conn.execute(f"SELECT coef FROM l1m_{norm}").fetchone()[0])
        nz[norm] = int((coef != 0).sum())
        assert abs(coef[0]) == np.abs(coef).max()    # the informative feature dominates
    assert nz["L2"] == 10 and nz["L1"] <= 4
    assert "norm=l1" in conn.execute("SELECT reg_params FROM l1m_L1_summary").fetchone()[0]


def test_svm_cross_validation_picks_the_best_mean_score(conn, circles):
    conn.execute("DROP TABLE IF EXISTS kc_cv, kc_cv_summary, kc_cv_res, kc_best, kc_best_summary")
    conn.execute("SELECT indb_ml.svm_classification('kc', 'kc_cv', 'y', 'x', 'gaussian', "
                 "'gamma=2, n_components=100, fit_intercept=true', NULL, "
                 "'lambda=[10, 0.001], max_iter=[5, 50], n_folds=3, validation_result=kc_cv_res')")
    rows = conn.execute("SELECT lambda, max_iter, mean_score, std_dev_score FROM kc_cv_res").fetchall()
    assert len(rows) == 4 and all(0 <= r[2] <= 1 and r[3] >= 0 for r in rows)
    # MADlib's grid order (the last key varies fastest) and choice: the highest mean score, the first on ties
    assert [(r[0], r[1]) for r in rows] == [(10, 5), (10, 50), (0.001, 5), (0.001, 50)]
    best = rows[[r[2] for r in rows].index(max(r[2] for r in rows))]
    assert best[2] > 0.95                         # the random features separate the circles
    reg, optim = conn.execute("SELECT reg_params, optim_params FROM kc_cv_summary").fetchone()
    assert f"lambda={best[0]}" in reg and f"max_iter={int(best[1])}" in optim and "n_folds=3" in reg
    # the final model is a refit on all rows with the chosen values
    conn.execute("SELECT indb_ml.svm_classification('kc', 'kc_best', 'y', 'x', 'gaussian', "
                 "'gamma=2, n_components=100, fit_intercept=true', NULL, %s)",
                 [f"lambda={best[0]}, max_iter={int(best[1])}"])
    a, b = conn.execute("SELECT c.coef, b.coef FROM kc_cv c, kc_best b").fetchone()
    assert np.allclose(a, b, rtol=1e-9, atol=1e-12)


def test_svm_grids_need_folds(conn, circles):
    import psycopg
    with pytest.raises(psycopg.Error, match="must be scalar or lists of length 1"):
        conn.execute("SELECT indb_ml.svm_classification('kc', 'kc_bad', 'y', 'x', NULL, NULL, NULL, "
                     "'lambda=[1, 2]')")


def test_elastic_net_cross_validation(conn):
    rs = np.random.RandomState(4)
    X = rs.normal(size=(300, 6))
    y = X[:, 0] * 2.0 - X[:, 1] + rs.normal(size=300) * 0.5
    conn.execute("DROP TABLE IF EXISTS encv")
    conn.execute("CREATE TABLE encv (id int, x float8[], y float8)")
    with conn.cursor().copy("COPY encv FROM STDIN") as cp:
        for i in range(len(X)):
            cp.write_row((i, X[i].tolist(), float(y[i])))
    conn.execute("DROP TABLE IF EXISTS encv_m, encv_m_summary, encv_res, encv_b, encv_b_summary")
    conn.execute("SELECT indb_ml.elastic_net_train('encv', 'encv_m', 'y', 'x', 'gaussian', 0.5, 0.01, true, NULL, "
                 "'fista', $$ n_folds = 3, validation_result=encv_res, n_lambdas = 4, alpha = {0, 0.5, 1} $$, "
                 "NULL, 100, 1e-6)")
    rows = conn.execute("SELECT lambda_value, alpha, mean_score, std_dev_score FROM encv_res").fetchall()
    # MADlib's lambda sequence: 4 values log-spaced from 1e5 down to lambda_value (0.01)
    assert sorted({round(r[0], 9) for r in rows}) == sorted(round(v, 9) for v in np.geomspace(0.01, 1e5, 4))
    assert len(rows) == 12 and all(r[2] <= 0 for r in rows)       # minus the RMSE
    best = max(rows, key=lambda r: r[2])
    assert best[0] == pytest.approx(0.01) and -best[2] < 0.7      # noise sd 0.5
    lam, alpha = conn.execute("SELECT lambda_value, alpha FROM encv_m_summary").fetchone()
    assert (lam, alpha) == pytest.approx((best[0], best[1]))
    conn.execute("SELECT indb_ml.elastic_net_train('encv', 'encv_b', 'y', 'x', 'gaussian', %s, %s, true, NULL, "
                 "'fista', NULL, NULL, 100, 1e-6)", [alpha, lam])
    a, b = conn.execute("SELECT m.coef_all, b.coef_all FROM encv_m m, encv_b b").fetchone()
    assert np.allclose(a, b, rtol=1e-9, atol=1e-12)


def test_grouped_kernel_prediction_in_chunks(conn):
    """svm_predict of a grouped kernel model: several chunks per group, each row's decision value is
    coef(group)·z(x) recomputed in numpy; a row with NULL features gets no prediction."""
    rs = np.random.RandomState(6)
    n = 9000
    X = rs.uniform(-1, 1, size=(n, 3))
    g = np.where(np.arange(n) % 3 == 0, "a", "b")
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 + (g == "a") * 0.5
    conn.execute("DROP TABLE IF EXISTS kg, kg_m, kg_m_summary, kg_p")
    conn.execute("CREATE TABLE kg (id int, g text, x float8[], y float8)")
    with conn.cursor().copy("COPY kg FROM STDIN") as cp:
        for i in range(n):
            cp.write_row((i, g[i], X[i].tolist(), float(y[i])))
        cp.write_row((n, "a", None, 0.0))
    conn.execute("SELECT indb_ml.svm_regression('kg', 'kg_m', 'y', 'x', 'gaussian', "
                 "'gamma=1, n_components=50, fit_intercept=true', 'g', 'max_iter=5, init_stepsize=0.01')")
    conn.execute("SELECT indb_ml.svm_predict('kg_m', 'kg', 'id', 'kg_p')")
    coefs = dict(conn.execute("SELECT g, coef FROM kg_m").fetchall())
    kmap = np.frombuffer(conn.execute("SELECT kernel_map FROM kg_m_summary").fetchone()[0], dtype="<f8")
    got = {i: (gg, v, p) for i, gg, v, p in conn.execute("SELECT id, g, decision_function, prediction FROM kg_p")}
    assert len(got) == n
    Z = svm_kernels.apply(X, kmap)
    ref = np.array([Z[i] @ np.asarray(coefs[g[i]]) for i in range(n)])
    assert all(got[i][0] == g[i] and got[i][1] == got[i][2] for i in range(n))
    assert np.abs(np.array([got[i][1] for i in range(n)]) - ref).max() < 1e-9
    assert np.sqrt(np.mean((ref - y) ** 2)) < np.std(y)     # the kernel SVR explains part of y


def test_kernel_models_are_not_read_as_linear(conn, circles):
    """evaluate() reads an 'svm' model as coef·x: a kernel model is registered apart and refused clearly."""
    import psycopg
    conn.execute("DROP TABLE IF EXISTS kc_e, kc_e_summary")
    conn.execute("SELECT indb_ml.svm_classification('kc', 'kc_e', 'y', 'x', 'gaussian', 'n_components=20')")
    name, alg = conn.execute("SELECT name, algorithm FROM indb_ml.models ORDER BY model_id DESC LIMIT 1").fetchone()
    assert alg == "svm_kernel"
    with pytest.raises(psycopg.Error, match="has no linear predictor"):
        conn.execute("SELECT indb_ml.evaluate(%s, 'kc')", [name])
