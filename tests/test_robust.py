"""robust_variance_linregr / robust_variance_logregr (HC0 sandwich) and margins_logregr (average
marginal effects) against statsmodels on a generated heteroskedastic dataset."""
import numpy as np
import psycopg
import pytest
import statsmodels.api as sm

from conftest import tables_in

RTOL = 1e-6
N = 3000


def make_data(seed=12):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, 3)) * [1.0, 2.0, 0.5] + [0.0, 1.0, -1.0]
    g = rng.integers(0, 2, N)
    cl = rng.integers(0, 40, N)
    y = 1.0 + X @ [0.5, -0.3, 2.0] + rng.normal(size=N) * (0.5 + np.abs(X[:, 0]))
    eta = -0.3 + X @ [0.8, -0.4, 1.1] + 0.3 * g
    b = (rng.random(N) < 1.0 / (1.0 + np.exp(-eta))).astype(int)
    return X, g, cl, y, b


@pytest.fixture(scope="module")
def data():
    return make_data()


@pytest.fixture
def table(conn, data):
    X, g, cl, y, b = data
    conn.execute("DROP TABLE IF EXISTS robust_src")
    conn.execute("CREATE TABLE robust_src (id int, x1 float8, x2 float8, x3 float8, g int, cl int, "
                 "y float8, b int)")
    with conn.cursor().copy("COPY robust_src FROM STDIN") as cp:
        for i in range(N):
            cp.write_row((i, *map(float, X[i]), int(g[i]), int(cl[i]), float(y[i]), int(b[i])))
    # one row with a NULL feature is skipped and counted
    conn.execute("INSERT INTO robust_src VALUES (-1, NULL, 0, 0, 0, 0, 1, 1)")
    return "robust_src"


def design(X):
    return sm.add_constant(X, has_constant="add")


def fetch(conn, sql):
    cur = conn.execute(sql)
    names = [c.name for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def close(got, ref):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(ref, dtype=float), rtol=RTOL, atol=1e-12)


def test_robust_variance_linregr_matches_statsmodels_hc0(conn, table, data):
    X, g, _, y, _ = data
    conn.execute("DROP TABLE IF EXISTS rl_out, rl_out_summary")
    conn.execute("SELECT indb_ml.robust_variance_linregr('robust_src', 'rl_out', 'y', 'ARRAY[1, x1, x2, x3]')")
    (row,) = fetch(conn, "SELECT * FROM rl_out")
    assert list(row) == ["coef", "std_err", "t_stats", "p_values"]
    ref = sm.OLS(y, design(X)).fit(cov_type="HC0", use_t=True)
    close(row["coef"], ref.params)
    close(row["std_err"], ref.bse)
    close(row["t_stats"], ref.tvalues)
    close(row["p_values"], ref.pvalues)
    (s,) = fetch(conn, "SELECT num_rows_processed, num_missing_rows_skipped FROM rl_out_summary")
    assert (s["num_rows_processed"], s["num_missing_rows_skipped"]) == (N, 1)


def test_robust_variance_linregr_grouped(conn, table, data):
    X, g, _, y, _ = data
    conn.execute("DROP TABLE IF EXISTS rlg_out, rlg_out_summary")
    conn.execute("SELECT indb_ml.robust_variance_linregr('robust_src', 'rlg_out', 'y', 'ARRAY[1, x1, x2, x3]', 'g')")
    rows = fetch(conn, "SELECT * FROM rlg_out ORDER BY g")
    assert [r["g"] for r in rows] == [0, 1]
    for r in rows:
        m = g == r["g"]
        ref = sm.OLS(y[m], design(X[m])).fit(cov_type="HC0", use_t=True)
        close(r["coef"], ref.params)
        close(r["std_err"], ref.bse)
        close(r["p_values"], ref.pvalues)


def test_robust_variance_logregr_matches_statsmodels_hc0(conn, table, data):
    X, _, _, _, b = data
    conn.execute("DROP TABLE IF EXISTS rg_out, rg_out_summary")
    conn.execute("SELECT indb_ml.robust_variance_logregr('robust_src', 'rg_out', 'b', 'ARRAY[1, x1, x2, x3]', "
                 "NULL, 50, 'irls', 1e-10)")
    (row,) = fetch(conn, "SELECT * FROM rg_out")
    assert list(row) == ["coef", "std_err", "z_stats", "p_values"]
    ref = sm.Logit(b, design(X)).fit(method="newton", tol=1e-12, maxiter=100, disp=0, cov_type="HC0")
    close(row["coef"], ref.params)
    close(row["std_err"], ref.bse)
    close(row["z_stats"], ref.tvalues)
    close(row["p_values"], ref.pvalues)


def test_margins_logregr_matches_statsmodels_overall(conn, table, data):
    X, _, _, _, b = data
    conn.execute("DROP TABLE IF EXISTS mg_out, mg_out_summary")
    conn.execute("SELECT indb_ml.margins_logregr('robust_src', 'mg_out', 'b', 'ARRAY[1, x1, x2, x3]', "
                 "NULL, NULL, 50, 'irls', 1e-10)")
    (row,) = fetch(conn, "SELECT * FROM mg_out")
    assert list(row) == ["margins", "std_err", "z_stats", "p_values"]
    ref = sm.Logit(b, design(X)).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
    me = ref.get_margeff(at="overall", method="dydx")
    # the intercept's entry (MADlib reports every variable) is coef_0 * mean p(1-p); statsmodels skips it
    close(row["margins"][1:], me.margeff)
    close(row["std_err"][1:], me.margeff_se)
    close(row["z_stats"][1:], me.tvalues)
    close(row["p_values"][1:], me.pvalues)
    conn.execute("DROP TABLE mg_out, mg_out_summary")
    conn.execute("SELECT indb_ml.margins_logregr('robust_src', 'mg_out', 'b', 'ARRAY[1, x1, x2, x3]', "
                 "NULL, ARRAY[3, 2], 50, 'irls', 1e-10)")
    (row,) = fetch(conn, "SELECT * FROM mg_out")
    close(row["margins"], me.margeff[[1, 0]])
    close(row["std_err"], me.margeff_se[[1, 0]])


def test_bad_inputs_leave_nothing_behind(conn, table):
    before = tables_in(conn)
    with pytest.raises(psycopg.errors.Error, match="marginal_vars"):
        conn.execute("SELECT indb_ml.margins_logregr('robust_src', 'bad_out', 'b', 'ARRAY[1, x1]', NULL, ARRAY[5])")
    with pytest.raises(psycopg.errors.Error, match="no_such_table|does not exist"):
        conn.execute("SELECT indb_ml.robust_variance_linregr('no_such_table', 'bad_out', 'y', 'ARRAY[1, x1]')")
    assert tables_in(conn) == before


def test_clustered_variance_linregr_matches_statsmodels(conn, table, data):
    X, g, cl, y, _ = data
    conn.execute("DROP TABLE IF EXISTS cv_out, cv_out_summary")
    conn.execute("SELECT indb_ml.clustered_variance_linregr('robust_src', 'cv_out', 'y', 'ARRAY[1, x1, x2, x3]', 'cl')")
    (row,) = fetch(conn, "SELECT * FROM cv_out")
    assert list(row) == ["coef", "std_err", "t_stats", "p_values"]
    ref = sm.OLS(y, design(X)).fit(cov_type="cluster", cov_kwds={"groups": cl})
    close(row["coef"], ref.params)
    close(row["std_err"], ref.bse)
    close(row["t_stats"], ref.tvalues)
    # MADlib's p-values: Student t with n - d degrees of freedom (statsmodels' use_t would take G - 1)
    tdist = sm.OLS(y, design(X)).fit(cov_type="cluster", cov_kwds={"groups": cl}, use_t=True)
    from scipy import stats as sps
    close(row["p_values"], 2 * sps.t.sf(np.abs(tdist.tvalues), N - 4))


def test_clustered_variance_grouped_and_logregr(conn, table, data):
    X, g, cl, y, b = data
    conn.execute("DROP TABLE IF EXISTS cvg_out, cvg_out_summary")
    conn.execute("SELECT indb_ml.clustered_variance_logregr('robust_src', 'cvg_out', 'b', 'ARRAY[1, x1, x2, x3]', "
                 "'cl', 'g', 50, 'irls', 1e-10)")
    rows = fetch(conn, "SELECT * FROM cvg_out ORDER BY g")
    assert [r["g"] for r in rows] == [0, 1]
    for r in rows:
        m = g == r["g"]
        ref = sm.Logit(b[m], design(X[m])).fit(method="newton", tol=1e-12, maxiter=100, disp=0,
                                               cov_type="cluster", cov_kwds={"groups": cl[m]})
        close(r["coef"], ref.params)
        close(r["std_err"], ref.bse)
        close(r["z_stats"], ref.tvalues)
        close(r["p_values"], ref.pvalues)
