"""MADlib outputs added for the drop-in, checked against statsmodels (MADlib's own asserted values are
checked in tests/madlib_compat): condition_no, Breusch-Pagan, the aggregate form of linregr, GLM
families and links with t statistics and dispersion, logistic regression's MADlib-style convergence."""
import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.stats.diagnostic import het_breuschpagan

HOUSES = [(590, 2, 1, 50000, 770, 22100), (1050, 3, 2, 85000, 1410, 12000), (20, 3, 1, 22500, 1060, 3500),
          (870, 2, 2, 90000, 1300, 17500), (1320, 3, 2, 133000, 1500, 30000), (1350, 2, 1, 90500, 820, 25700),
          (2790, 3, 2.5, 260000, 2130, 25000), (680, 2, 1, 142500, 1170, 22000), (1840, 3, 2, 160000, 1500, 19000),
          (3680, 4, 2, 240000, 2790, 20000), (1660, 3, 1, 87000, 1030, 17500), (1620, 3, 2, 118600, 1250, 20000),
          (3100, 3, 2, 140000, 1760, 38000), (2070, 2, 3, 148000, 1550, 14000), (650, 3, 1.5, 65000, 1450, 12000)]


@pytest.fixture
def houses(conn):
    conn.execute("DROP TABLE IF EXISTS mo_houses")
    conn.execute("CREATE TABLE mo_houses (id serial, tax int, bedroom real, bath real, price int, size int, lot int)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO mo_houses (tax, bedroom, bath, price, size, lot) VALUES (%s,%s,%s,%s,%s,%s)",
                        HOUSES)
    a = np.array(HOUSES, dtype=float)
    return a


def test_linregr_condition_number_and_breusch_pagan_match_statsmodels(conn, houses):
    conn.execute("DROP TABLE IF EXISTS mo_lr, mo_lr_summary")
    conn.execute("SELECT indb_ml.linregr_train('mo_houses', 'mo_lr', 'price', 'ARRAY[1, tax, bath, size]', NULL, "
                 "true)")
    coef, cond, bp, bp_p = conn.execute("SELECT coef, condition_no, bp_stats, bp_p_value FROM mo_lr").fetchone()
    X = np.column_stack([np.ones(len(houses)), houses[:, 0], houses[:, 2], houses[:, 4]])
    y = houses[:, 3]
    ref = sm.OLS(y, X).fit()
    np.testing.assert_allclose(coef, ref.params, rtol=1e-9)
    assert cond == pytest.approx(ref.condition_number, rel=1e-9)
    lm, lm_p, _, _ = het_breuschpagan(ref.resid, X)        # Koenker's studentised form, as MADlib
    assert bp == pytest.approx(lm, rel=1e-9)
    assert bp_p == pytest.approx(lm_p, rel=1e-9)


def test_linregr_aggregate_form_equals_linregr_train(conn, houses):
    row = conn.execute("SELECT (r).coef, (r).r2, (r).std_err, (r).condition_no FROM "
                       "(SELECT indb_ml.linregr(price, ARRAY[1, bedroom, bath, size]) AS r FROM mo_houses) q").fetchone()
    X = np.column_stack([np.ones(len(houses)), houses[:, 1], houses[:, 2], houses[:, 4]])
    ref = sm.OLS(houses[:, 3], X).fit()
    np.testing.assert_allclose(row[0], ref.params, rtol=1e-9)
    assert row[1] == pytest.approx(ref.rsquared, rel=1e-9)
    np.testing.assert_allclose(row[2], ref.bse, rtol=1e-9)
    assert row[3] == pytest.approx(ref.condition_number, rel=1e-9)


@pytest.fixture
def glm_data(conn):
    rng = np.random.default_rng(7)
    n = 400
    x1, x2 = rng.uniform(0.2, 1.5, n), rng.uniform(0.1, 1.0, n)
    mu = np.exp(0.5 + 0.8 * x1 - 0.6 * x2)
    y_gamma = rng.gamma(shape=4.0, scale=mu / 4.0)
    y_bin = (rng.uniform(size=n) < 1 / (1 + np.exp(-(-0.5 + 1.2 * x1 - 0.8 * x2)))).astype(float)
    conn.execute("DROP TABLE IF EXISTS mo_glm")
    conn.execute("CREATE TABLE mo_glm (x1 float8, x2 float8, yg float8, yb float8)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO mo_glm VALUES (%s, %s, %s, %s)",
                        list(zip(x1.tolist(), x2.tolist(), y_gamma.tolist(), y_bin.tolist())))
    return np.column_stack([np.ones(n), x1, x2]), y_gamma, y_bin


@pytest.mark.parametrize("family, link, sm_family, col, stat", [
    ("gamma", "log", sm.families.Gamma(sm.families.links.Log()), 1, "t_stats"),
    ("gamma", "inverse", sm.families.Gamma(sm.families.links.InversePower()), 1, "t_stats"),
    ("inverse_gaussian", "log", sm.families.InverseGaussian(sm.families.links.Log()), 1, "t_stats"),
    ("gaussian", "log", sm.families.Gaussian(sm.families.links.Log()), 1, "t_stats"),
    ("binomial", "probit", sm.families.Binomial(sm.families.links.Probit()), 2, "z_stats"),
    ("poisson", "sqrt", sm.families.Poisson(sm.families.links.Sqrt()), 1, "z_stats"),
])
def test_glm_families_and_links_match_statsmodels(conn, glm_data, family, link, sm_family, col, stat):
    X, yg, yb = glm_data
    y = yg if col == 1 else yb
    dep = "yg" if col == 1 else "yb"
    out = f"mo_glm_{family}_{link}"
    conn.execute(f"DROP TABLE IF EXISTS {out}, {out}_summary")
    conn.execute(f"SELECT indb_ml.glm('mo_glm', '{out}', '{dep}', 'ARRAY[1, x1, x2]', "
                 f"'family={family}, link={link}', NULL, 'max_iter=200, tolerance=1e-12')")
    coef, se, st, p, disp = conn.execute(f"SELECT coef, std_err, {stat}, p_values, dispersion FROM {out}").fetchone()
    ref = sm.GLM(y, X, family=sm_family).fit(tol=1e-13, maxiter=200)
    np.testing.assert_allclose(coef, ref.params, rtol=1e-6)
    assert disp == pytest.approx(ref.scale, rel=1e-6)      # Pearson chi2 / (n - p), 1 for binomial/poisson
    np.testing.assert_allclose(se, ref.bse, rtol=1e-5)
    np.testing.assert_allclose(st, ref.tvalues, rtol=1e-5)
    if stat == "t_stats":   # MADlib: Student t with n - p degrees of freedom
        from scipy import stats
        np.testing.assert_allclose(p, 2 * stats.t.sf(np.abs(ref.tvalues), len(y) - X.shape[1]), rtol=1e-5)
    else:
        np.testing.assert_allclose(p, ref.pvalues, rtol=1e-5)


def test_logregr_madlib_defaults_reach_the_optimum(conn, glm_data):
    """MADlib's stop (|change of the log-likelihood| < tolerance) and its final Newton step."""
    X, _, yb = glm_data
    conn.execute("DROP TABLE IF EXISTS mo_logr, mo_logr_summary")
    conn.execute("SELECT indb_ml.logregr_train('mo_glm', 'mo_logr', 'yb > 0.5', 'ARRAY[1, x1, x2]')")
    coef, cond = conn.execute("SELECT coef, condition_no FROM mo_logr").fetchone()
    ref = sm.Logit(yb, X).fit(disp=0, tol=1e-14, maxiter=100)
    np.testing.assert_allclose(coef, ref.params, rtol=1e-7)
    p = 1 / (1 + np.exp(-X @ ref.params))
    w = np.linalg.eigvalsh(X.T @ (X * (p * (1 - p))[:, None]))
    assert cond == pytest.approx(np.sqrt(w.max() / w.min()), rel=1e-4)


def test_multinom_matches_statsmodels_mnlogit(conn):
    rng = np.random.default_rng(11)
    n = 600
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.normal(size=n)])
    B = np.array([[0.0, 0.5, -0.4], [0.0, 1.0, 0.8], [0.0, -0.7, 0.3]])   # columns: categories 0 (ref), 1, 2
    P = np.exp(X @ B)
    P /= P.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=p) for p in P])
    conn.execute("DROP TABLE IF EXISTS mo_mn, mo_mn_out, mo_mn_out_summary, mo_mn_pred")
    conn.execute("CREATE TABLE mo_mn (id int, x1 float8, x2 float8, cat int)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO mo_mn VALUES (%s, %s, %s, %s)",
                        [(i, float(X[i, 1]), float(X[i, 2]), int(y[i])) for i in range(n)])
    conn.execute("SELECT indb_ml.multinom('mo_mn', 'mo_mn_out', 'cat', 'ARRAY[1, x1, x2]', '0', 'logit', NULL, "
                 "'tolerance=1e-10')")
    ref = sm.MNLogit(y, X).fit(disp=0, method="newton", tol=1e-12, maxiter=100)
    for j, cat in enumerate(["1", "2"]):
        coef, se, z, p, ll = conn.execute("SELECT coef, std_err, z_stats, p_values, log_likelihood FROM mo_mn_out "
                                          "WHERE category = %s", [cat]).fetchone()
        np.testing.assert_allclose(coef, ref.params[:, j], rtol=1e-7)
        np.testing.assert_allclose(se, ref.bse[:, j], rtol=1e-6)
        np.testing.assert_allclose(z, ref.tvalues[:, j], rtol=1e-6)
        np.testing.assert_allclose(p, ref.pvalues[:, j], rtol=1e-5)
        assert ll == pytest.approx(ref.llf, rel=1e-10)
    conn.execute("SELECT indb_ml.multinom_predict('mo_mn_out', 'mo_mn', 'mo_mn_pred', 'response', false, 'id')")
    pred = dict(conn.execute("SELECT id, category FROM mo_mn_pred").fetchall())
    expect = ref.predict(X).argmax(axis=1)
    assert all(pred[i] == str(expect[i]) for i in range(n))


def test_svm_regression_recovers_a_linear_function(conn):
    """MADlib's linear SVR (ε-insensitive, SGD): on exact linear data the fit is the generating function."""
    rng = np.random.default_rng(5)
    n = 1000
    X = np.column_stack([np.ones(n), rng.uniform(-1, 1, n), rng.uniform(-1, 1, n)])
    beta = np.array([0.5, 2.0, -1.0])
    conn.execute("DROP TABLE IF EXISTS mo_svr, mo_svr_m, mo_svr_m_summary, mo_svr_p")
    conn.execute("CREATE TABLE mo_svr (id int, x float8[], y float8)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO mo_svr VALUES (%s, %s, %s)", [(i, X[i].tolist(), float(X[i] @ beta))
                                                                    for i in range(n)])
    conn.execute("SELECT indb_ml.svm_regression('mo_svr', 'mo_svr_m', 'y', 'x', NULL, NULL, NULL, "
                 "'init_stepsize=0.05, decay_factor=0.95, max_iter=60, lambda=0, epsilon=0.001')")
    coef, = conn.execute("SELECT coef FROM mo_svr_m").fetchone()
    np.testing.assert_allclose(coef, beta, atol=2e-2)
    conn.execute("SELECT indb_ml.svm_predict('mo_svr_m', 'mo_svr', 'id', 'mo_svr_p')")
    err = conn.execute("SELECT max(abs(p.prediction - s.y)) FROM mo_svr_p p JOIN mo_svr s USING (id)").fetchone()[0]
    assert err < 5e-2


@pytest.mark.parametrize("link, distr", [("logit", "logit"), ("probit", "probit")])
def test_ordinal_matches_statsmodels(conn, link, distr):
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    rng = np.random.default_rng(3)
    n = 500
    X = rng.normal(size=(n, 2))
    latent = X @ np.array([0.8, -0.5]) + rng.logistic(size=n)
    y = np.digitize(latent, [-0.5, 0.7])
    conn.execute("DROP TABLE IF EXISTS mo_ord, mo_ord_out, mo_ord_out_summary, mo_ord_pred")
    conn.execute("CREATE TABLE mo_ord (id int, x1 float8, x2 float8, grade text)")
    names = np.array(["low", "mid", "high"])
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO mo_ord VALUES (%s, %s, %s, %s)",
                        [(i, float(X[i, 0]), float(X[i, 1]), names[y[i]]) for i in range(n)])
    conn.execute(f"SELECT indb_ml.ordinal('mo_ord', 'mo_ord_out', 'grade', 'ARRAY[x1, x2]', 'low<mid<high', "
                 f"'{link}', NULL, 'tolerance=1e-10')")
    th, beta, ll, se = conn.execute("SELECT coef_threshold, coef_feature, log_likelihood, std_err_feature "
                                    "FROM mo_ord_out").fetchone()
    ref = OrderedModel(y, X, distr=distr).fit(method="bfgs", disp=0, maxiter=2000, gtol=1e-10)
    cuts = ref.model.transform_threshold_params(ref.params)[1:-1]
    np.testing.assert_allclose(beta, ref.params[:2], rtol=1e-5)
    np.testing.assert_allclose(th, cuts, rtol=1e-5)
    assert ll == pytest.approx(ref.llf, rel=1e-9)
    np.testing.assert_allclose(se, ref.bse[:2], rtol=1e-3)
    conn.execute("SELECT indb_ml.ordinal_predict('mo_ord_out', 'mo_ord', 'mo_ord_pred', 'probability')")
    got = np.array(conn.execute("SELECT low, mid, high FROM mo_ord_pred ORDER BY id").fetchall(), dtype=float)
    np.testing.assert_allclose(got, ref.predict(X), atol=1e-6)


def test_svm_class_weight_matches_liblinear(conn):
    """class_weight=balanced / a mapping = scikit-learn's LinearSVC(class_weight=...) (lambda = 1 / (C n))."""
    from sklearn.svm import LinearSVC
    rng = np.random.default_rng(9)
    n0, n1 = 300, 30
    X = np.vstack([rng.normal(0, 1, size=(n0, 2)), rng.normal(1.5, 1, size=(n1, 2))])
    y = np.array([0] * n0 + [1] * n1)
    Xi = np.column_stack([np.ones(len(y)), X])
    conn.execute("DROP TABLE IF EXISTS mo_unb, mo_unb_m, mo_unb_m_summary, mo_unb_m2, mo_unb_m2_summary")
    conn.execute("CREATE TABLE mo_unb (x1 float8, x2 float8, y int)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO mo_unb VALUES (%s, %s, %s)",
                        [(float(a), float(b), int(c)) for (a, b), c in zip(X, y)])
    C = 1.0
    lam = 1.0 / (C * len(y))
    conn.execute(f"SELECT indb_ml.svm_classification('mo_unb', 'mo_unb_m', 'y', 'ARRAY[1, x1, x2]', 'linear', NULL, "
                 f"NULL, 'lambda={lam}, max_iter=500, tolerance=1e-12, class_weight=balanced')")
    conn.execute(f"SELECT indb_ml.svm_classification('mo_unb', 'mo_unb_m2', 'y', 'ARRAY[1, x1, x2]', 'linear', NULL, "
                 f"NULL, 'lambda={lam}, max_iter=500, tolerance=1e-12, class_weight={{1: 10, 0: 1}}')")
    for table, cw in (("mo_unb_m", "balanced"), ("mo_unb_m2", {1: 10, 0: 1})):
        ref = LinearSVC(C=C, loss="squared_hinge", class_weight=cw, fit_intercept=False, tol=1e-12,
                        max_iter=100000, dual=False).fit(Xi, y)
        coef = conn.execute(f"SELECT coef FROM {table}").fetchone()[0]
        np.testing.assert_allclose(coef, ref.coef_[0], rtol=1e-4, atol=1e-6)


def test_lmf_igd_run_shapes_and_fit(conn):
    """MADlib's lmf_igd_run (here by ALS): dense U (row_dim x rank), V (column_dim x rank), U Vᵀ fits R."""
    rng = np.random.default_rng(4)
    U, V = rng.uniform(0.5, 1.5, (30, 2)), rng.uniform(0.5, 1.5, (25, 2))
    R = U @ V.T
    cells = [(i + 1, j + 1, float(R[i, j])) for i in range(30) for j in range(25) if rng.uniform() < 0.8]
    conn.execute("DROP TABLE IF EXISTS mo_lmf, mo_lmf_m")
    conn.execute("CREATE TABLE mo_lmf (r int, c int, v float8)")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO mo_lmf VALUES (%s, %s, %s)", cells)
    conn.execute("SELECT indb_ml.lmf_igd_run('mo_lmf_m', 'mo_lmf', 'r', 'c', 'v', 32, 25, 2, 0.01, 0.1, 30, 1e-9)")
    mu, mv, rmse = conn.execute("SELECT matrix_u, matrix_v, rmse FROM mo_lmf_m").fetchone()
    mu, mv = np.array(mu), np.array(mv)
    assert mu.shape == (32, 2) and mv.shape == (25, 2)
    assert np.all(mu[30:] == 0)                       # rows without ratings
    fit = mu[:30] @ mv.T
    observed = np.array([fit[i - 1, j - 1] - v for i, j, v in cells])
    assert rmse == pytest.approx(np.sqrt(np.mean(observed ** 2)), rel=1e-6)
    assert rmse < 0.05 * R.mean()
