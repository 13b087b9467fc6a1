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
    with pytest.raises(psycopg.errors.Error, match="no_such_col"):
        conn.execute("SELECT indb_ml.clustered_variance_linregr('robust_src', 'bad_out', 'y', 'ARRAY[1, x1]', "
                     "'no_such_col')")
    with pytest.raises(psycopg.errors.Error, match="clustervar"):
        conn.execute("SELECT indb_ml.clustered_variance_linregr('robust_src', 'bad_out', 'y', 'ARRAY[1, x1]', NULL)")
    with pytest.raises(psycopg.errors.Error, match="optimizer"):
        conn.execute("SELECT indb_ml.robust_variance_logregr('robust_src', 'bad_out', 'b', 'ARRAY[1, x1]', NULL, 20, "
                     "'nope')")
    assert tables_in(conn) == before
    assert "clustered_variance_logregr" in conn.execute("SELECT indb_ml.clustered_variance_logregr('usage')").fetchone()[0]


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


def test_margins_logregr_matches_madlib_asserted_values(conn):
    """MADlib's marginal.sql_in asserts these margins of the patients data (its two-category
    multinomial model = this logistic model) for treatment and trait_anxiety."""
    conn.execute("DROP TABLE IF EXISTS mpat, mpat_out, mpat_out_summary")
    conn.execute("CREATE TABLE mpat (id int, second_attack int, treatment int, trait_anxiety int)")
    rows = [(1, 1, 1, 70), (2, 1, 1, 80), (3, 1, 1, 50), (4, 1, 0, 60), (5, 1, 0, 40), (6, 1, 0, 65),
            (7, 1, 0, 75), (8, 1, 0, 80), (9, 1, 0, 70), (10, 1, 0, 60), (11, 0, 1, 65), (12, 0, 1, 50),
            (13, 0, 1, 45), (14, 0, 1, 35), (15, 0, 1, 40), (16, 0, 1, 50), (17, 0, 0, 55), (18, 0, 0, 45),
            (19, 0, 0, 50), (20, 0, 0, 60)]
    conn.cursor().executemany("INSERT INTO mpat VALUES (%s, %s, %s, %s)", rows)
    conn.execute("SELECT indb_ml.margins_logregr('mpat', 'mpat_out', 'second_attack', "
                 "'ARRAY[1, treatment, trait_anxiety]', NULL, ARRAY[2, 3], 100, 'irls', 1e-10)")
    (row,) = fetch(conn, "SELECT * FROM mpat_out")
    for col, ref in [("margins", [-.1562142, .0181588]), ("std_err", [.1672651, .0038713]),
                     ("z_stats", [-.933932, 4.690614]), ("p_values", [.350339, 2.72e-06])]:
        # MADlib's relative_error of arrays: ||a - b|| / ||b|| (its p-value 2.72e-06 has 3 digits)
        got, ref = np.asarray(row[col]), np.asarray(ref)
        assert np.linalg.norm(got - ref) / np.linalg.norm(ref) < 1e-4, (col, got, ref)
    conn.execute("DROP TABLE mpat, mpat_out, mpat_out_summary")


FORCE_PARALLEL = ["SET parallel_setup_cost = 0", "SET parallel_tuple_cost = 0",
                  "SET min_parallel_table_scan_size = 0", "SET max_parallel_workers_per_gather = 2"]


def test_parallel_plan_combines_partial_states(conn, table, data):
    """robust_agg runs as Partial/Finalize aggregates; the merged states give statsmodels' numbers."""
    X, _, cl, _, b = data
    for s in FORCE_PARALLEL:
        conn.execute(s)
    try:
        conn.execute("DROP TABLE IF EXISTS rp_out, rp_out_summary")
        conn.execute("SELECT indb_ml.clustered_variance_logregr('robust_src', 'rp_out', 'b', 'ARRAY[1, x1, x2, x3]', "
                     "'cl', NULL, 50, 'irls', 1e-10)")
        prep = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_table = 'public.robust_src' "
                            "ORDER BY prepared_id DESC LIMIT 1").fetchone()[0]
        plan = "\n".join(r[0] for r in conn.execute(
            f"EXPLAIN SELECT indb_ml.robust_agg(x, y, n, '\\x'::bytea, 'linear') FROM indb_ml_data.{prep}").fetchall())
        assert "Partial" in plan and "Gather" in plan, plan
        (row,) = fetch(conn, "SELECT * FROM rp_out")
        ref = sm.Logit(b, design(X)).fit(method="newton", tol=1e-12, maxiter=100, disp=0,
                                         cov_type="cluster", cov_kwds={"groups": cl})
        close(row["std_err"], ref.bse)
    finally:
        conn.execute("RESET ALL")


def test_margins_over_a_logregr_model_table(conn, table, data):
    """MADlib's margins(model_table, ...) gives margins_logregr's numbers at the trained model."""
    conn.execute("DROP TABLE IF EXISTS lg_m, lg_m_summary, mt_out, mg2_out, mg2_out_summary")
    conn.execute("SELECT indb_ml.logregr_train('robust_src', 'lg_m', 'b', 'ARRAY[1, x1, x2, x3]', 'g', 50, 'irls', 1e-10)")
    conn.execute("SELECT indb_ml.margins('lg_m', 'mt_out', NULL, NULL, '3, 2')")
    conn.execute("SELECT indb_ml.margins_logregr('robust_src', 'mg2_out', 'b', 'ARRAY[1, x1, x2, x3]', 'g', "
                 "ARRAY[3, 2], 50, 'irls', 1e-10)")
    got = fetch(conn, "SELECT * FROM mt_out ORDER BY g")
    ref = fetch(conn, "SELECT * FROM mg2_out ORDER BY g")
    assert [r["g"] for r in got] == [0, 1] and got[0]["variables"] == [3, 2]
    for a, b in zip(got, ref):
        for col in ("margins", "std_err", "z_stats", "p_values"):
            close(a[col], b[col])
    with pytest.raises(psycopg.errors.Error, match="indicator"):
        conn.execute("SELECT indb_ml.margins('lg_m', 'mt_bad', '1, i.2, 3, 4')")
    with pytest.raises(psycopg.errors.Error, match="3 terms but the model has 4 features"):
        conn.execute("SELECT indb_ml.margins('lg_m', 'mt_bad', '1, 2, 2*2')")
    with pytest.raises(psycopg.errors.Error, match="not a basis variable"):
        conn.execute("SELECT indb_ml.margins('lg_m', 'mt_bad', '1, 2, 3, 2*3', NULL, '4')")


def test_margins_with_interaction_terms_matches_finite_differences(conn, table, data):
    """x_design '1, 2, 3, 2*2*3' (feature 4 = x1²·x2): the average marginal effect of each basis
    variable is the mean derivative of p through every feature it enters; checked against central
    finite differences of statsmodels' fitted model, and the delta method with a numerical Jacobian."""
    X, _, _, _, b = data
    conn.execute("DROP TABLE IF EXISTS lgi_m, lgi_m_summary, lgi_out")
    conn.execute("SELECT indb_ml.logregr_train('robust_src', 'lgi_m', 'b', 'ARRAY[1, x1, x2, x1^2*x2]', NULL, 50, "
                 "'irls', 1e-10)")
    conn.execute("SELECT indb_ml.margins('lgi_m', 'lgi_out', '1, 2, 3, 2*2*3', NULL, '3,    2')")
    (row,) = fetch(conn, "SELECT * FROM lgi_out")
    assert row["variables"] == [3, 2]

    def features(B):          # basis values (1, x1, x2) -> the model's features
        return np.column_stack([B[:, 0], B[:, 1], B[:, 2], B[:, 1] ** 2 * B[:, 2]])

    basis = np.column_stack([np.ones(N), X[:, 0], X[:, 1]])
    ref = sm.Logit(b, features(basis)).fit(method="newton", tol=1e-12, maxiter=100, disp=0)

    def ame(beta):
        out = []
        for u in (2, 1):
            h = 1e-5 * np.maximum(1.0, np.abs(basis[:, u]))
            up, dn = basis.copy(), basis.copy()
            up[:, u] += h
            dn[:, u] -= h
            pr = lambda B: 1.0 / (1.0 + np.exp(-features(B) @ beta))   # noqa: E731
            out.append(np.mean((pr(up) - pr(dn)) / (2 * h)))
        return np.array(out)

    beta = np.asarray(ref.params)
    me = ame(beta)
    J = np.column_stack([(ame(beta + e) - ame(beta - e)) / (2 * 1e-6) for e in np.eye(4) * 1e-6])
    se = np.sqrt(np.diag(J @ np.asarray(ref.cov_params()) @ J.T))
    np.testing.assert_allclose(row["margins"], me, rtol=1e-6)
    np.testing.assert_allclose(row["std_err"], se, rtol=1e-5)
    np.testing.assert_allclose(row["z_stats"], me / se, rtol=1e-5)
