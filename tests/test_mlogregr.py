"""MADlib's multinomial-logistic family (mlogregr_train, mlogregr_predict, robust_variance_mlogregr,
clustered_variance_mlogregr, margins_mlogregr, margins() over an mlogregr model) against statsmodels'
MNLogit on a generated three-category dataset, and MADlib's documented example."""
import numpy as np
import psycopg
import pytest
import statsmodels.api as sm

from conftest import tables_in

RTOL = 1e-6
N = 3000
K = 3
TIGHT = "max_iter=50, optimizer=irls, tolerance=1e-10"


def make_data(seed=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, 2)) * [1.0, 2.0] + [0.5, -1.0]
    g = rng.integers(0, 2, N)
    cl = rng.integers(0, 40, N)
    eta = np.column_stack([np.zeros(N), 0.3 + X @ [0.8, -0.4] + 0.4 * g, -0.5 + X @ [-0.6, 0.3]])
    p = np.exp(eta)
    p /= p.sum(axis=1, keepdims=True)
    y = (rng.random(N)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    return X, g, cl, y


@pytest.fixture(scope="module")
def data():
    return make_data()


@pytest.fixture
def table(conn, data):
    X, g, cl, y = data
    conn.execute("DROP TABLE IF EXISTS mlr_src")
    conn.execute("CREATE TABLE mlr_src (id int, x1 float8, x2 float8, g int, cl int, y int)")
    with conn.cursor().copy("COPY mlr_src FROM STDIN") as cp:
        for i in range(N):
            cp.write_row((i, float(X[i, 0]), float(X[i, 1]), int(g[i]), int(cl[i]), int(y[i])))
    # a row with a NULL feature is skipped and counted
    conn.execute("INSERT INTO mlr_src VALUES (-1, NULL, 0, 0, 0, 1)")
    return "mlr_src"


def fetch(conn, sql):
    cur = conn.execute(sql)
    names = [c.name for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def close(got, ref, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(ref, dtype=float), rtol=rtol, atol=1e-12)


def mnlogit(X, y, ref=0, **fit):
    """statsmodels' MNLogit with category ``ref`` as its base (statsmodels takes the lowest label):
    -> (result, the original categories of its params' columns)."""
    order = [ref] + [c for c in range(K) if c != ref]
    yy = np.array([order.index(v) for v in y])
    res = sm.MNLogit(yy, sm.add_constant(X, has_constant="add")).fit(method="newton", tol=1e-12, maxiter=100,
                                                                      disp=0, **fit)
    return res, order[1:]


def by_category(res, attr):
    """statsmodels' (d × (K-1)) table -> one row per non-base category."""
    return np.asarray(getattr(res, attr)).T


def feature_major(cov, d, m):
    """statsmodels' covariance (category-major) -> MADlib's order (feature-major)."""
    perm = [c * d + j for j in range(d) for c in range(m)]
    return np.asarray(cov)[np.ix_(perm, perm)]


def test_mlogregr_train_matches_statsmodels(conn, table, data):
    X, _, _, y = data
    conn.execute("DROP TABLE IF EXISTS mlr_out, mlr_out_summary")
    conn.execute(f"SELECT indb_ml.mlogregr_train('mlr_src', 'mlr_out', 'y', 'ARRAY[1, x1, x2]', 0, '{TIGHT}')")
    rows = fetch(conn, "SELECT * FROM mlr_out ORDER BY category")
    assert list(rows[0]) == ["category", "ref_category", "coef", "loglikelihood", "std_err", "z_stats", "p_values",
                             "odd_ratios", "condition_no", "num_iterations"]
    res, cats = mnlogit(X, y)
    assert [r["category"] for r in rows] == cats and {r["ref_category"] for r in rows} == {0}
    for i, r in enumerate(rows):
        close(r["coef"], by_category(res, "params")[i])
        close(r["std_err"], by_category(res, "bse")[i])
        close(r["z_stats"], by_category(res, "tvalues")[i])
        close(r["p_values"], by_category(res, "pvalues")[i])
        close(r["odd_ratios"], np.exp(by_category(res, "params")[i]))
        close(r["loglikelihood"], res.llf)
        H = np.linalg.inv(feature_major(res.cov_params(), 3, K - 1))
        eig = np.linalg.eigvalsh(H)
        close(r["condition_no"], eig.max() / eig.min(), rtol=1e-4)
    (s,) = fetch(conn, "SELECT * FROM mlr_out_summary")
    assert (s["method"], s["ref_category"], s["num_categories"]) == ("mlogregr", 0, K)
    assert (s["num_rows_processed"], s["num_missing_rows_skipped"]) == (N, 1)
    close(s["coef"], by_category(res, "params"))
    close(s["variance_covariance"], feature_major(res.cov_params(), 3, K - 1))


def test_reference_category_and_predict(conn, table, data):
    X, _, _, y = data
    conn.execute("DROP TABLE IF EXISTS mlr_r1, mlr_r1_summary, mlr_pr, mlr_pp")
    conn.execute(f"SELECT indb_ml.mlogregr_train('mlr_src', 'mlr_r1', 'y', 'ARRAY[1, x1, x2]', 1, '{TIGHT}')")
    rows = fetch(conn, "SELECT * FROM mlr_r1 ORDER BY category")
    res, cats = mnlogit(X, y, ref=1)
    assert [r["category"] for r in rows] == cats == [0, 2]
    for i, r in enumerate(rows):
        close(r["coef"], by_category(res, "params")[i])
        close(r["std_err"], by_category(res, "bse")[i])
    conn.execute("SELECT indb_ml.mlogregr_predict('mlr_r1', 'mlr_src', 'id', 'mlr_pp', 'prob')")
    conn.execute("SELECT indb_ml.mlogregr_predict('mlr_r1', 'mlr_src', 'id', 'mlr_pr')")
    got = fetch(conn, "SELECT * FROM mlr_pp WHERE id >= 0 ORDER BY id")
    assert list(got[0]) == ["id", "estimated_prob_0", "estimated_prob_1", "estimated_prob_2"]
    ref = res.predict(sm.add_constant(X, has_constant="add"))    # columns: base (1), then 0, 2
    close([[r["estimated_prob_0"], r["estimated_prob_1"], r["estimated_prob_2"]] for r in got], ref[:, [1, 0, 2]])
    resp = fetch(conn, "SELECT * FROM mlr_pr WHERE id >= 0 ORDER BY id")
    assert list(resp[0]) == ["id", "estimated_y"]
    assert [r["estimated_y"] for r in resp] == list(np.argmax(ref[:, [1, 0, 2]], axis=1))
    # the NULL-feature row gets a NULL prediction
    assert fetch(conn, "SELECT estimated_y FROM mlr_pr WHERE id = -1") == [{"estimated_y": None}]


def test_robust_variance_mlogregr_matches_statsmodels_hc0(conn, table, data):
    X, g, _, y = data
    conn.execute("DROP TABLE IF EXISTS mlr_hw, mlr_hw_summary")
    conn.execute(f"SELECT indb_ml.robust_variance_mlogregr('mlr_src', 'mlr_hw', 'y', 'ARRAY[1, x1, x2]', 0, 'g', "
                 f"'{TIGHT}')")
    rows = fetch(conn, "SELECT * FROM mlr_hw ORDER BY g, category")
    assert list(rows[0]) == ["g", "category", "ref_category", "coef", "std_err", "z_stats", "p_values"]
    assert [(r["g"], r["category"]) for r in rows] == [(0, 1), (0, 2), (1, 1), (1, 2)]
    for gv in (0, 1):
        m = g == gv
        res, _ = mnlogit(X[m], y[m], cov_type="HC0")
        for i, r in enumerate(rows[2 * gv:2 * gv + 2]):
            close(r["coef"], by_category(res, "params")[i])
            close(r["std_err"], by_category(res, "bse")[i])
            close(r["z_stats"], by_category(res, "tvalues")[i])
            close(r["p_values"], by_category(res, "pvalues")[i])
    (s,) = fetch(conn, "SELECT num_rows_processed, num_missing_rows_skipped, grouping_col FROM mlr_hw_summary")
    assert (s["num_rows_processed"], s["num_missing_rows_skipped"], s["grouping_col"]) == (N, 1, "g")


def test_clustered_variance_mlogregr_matches_statsmodels(conn, table, data):
    X, _, cl, y = data
    conn.execute("DROP TABLE IF EXISTS mlr_cl, mlr_cl_summary")
    conn.execute(f"SELECT indb_ml.clustered_variance_mlogregr('mlr_src', 'mlr_cl', 'y', 'ARRAY[1, x1, x2]', 'cl', "
                 f"0, NULL, '{TIGHT}')")
    rows = fetch(conn, "SELECT * FROM mlr_cl ORDER BY category")
    res, _ = mnlogit(X, y, cov_type="cluster", cov_kwds={"groups": cl})
    # statsmodels' small-sample factor G/(G-1)·(n-1)/(n-p) with p = all 6 parameters, as MADlib's
    for i, r in enumerate(rows):
        close(r["coef"], by_category(res, "params")[i])
        close(r["std_err"], by_category(res, "bse")[i])
        close(r["z_stats"], by_category(res, "tvalues")[i])
        close(r["p_values"], by_category(res, "pvalues")[i])


def test_margins_mlogregr_matches_statsmodels(conn, table, data):
    X, _, _, y = data
    conn.execute("DROP TABLE IF EXISTS mlr_me, mlr_me_summary, mlr_me2, mlr_me2_summary")
    conn.execute(f"SELECT indb_ml.margins_mlogregr('mlr_src', 'mlr_me', 'y', 'ARRAY[1, x1, x2]', 0, NULL, NULL, "
                 f"'{TIGHT}')")
    rows = fetch(conn, "SELECT * FROM mlr_me ORDER BY category")
    assert list(rows[0]) == ["category", "ref_category", "margins", "std_err", "z_stats", "p_values"]
    res, _ = mnlogit(X, y)
    me = res.get_margeff(at="overall", method="dydx")
    # statsmodels: variables (no constant) × all K categories; ours: the intercept too, no reference row
    for i, r in enumerate(rows):
        c = r["category"]
        close(r["margins"][1:], me.margeff[:, c])
        close(r["std_err"][1:], me.margeff_se[:, c])
        close(r["z_stats"][1:], me.tvalues[:, c])
        close(r["p_values"][1:], me.pvalues[:, c])
    conn.execute(f"SELECT indb_ml.margins_mlogregr('mlr_src', 'mlr_me2', 'y', 'ARRAY[1, x1, x2]', 0, NULL, "
                 f"ARRAY[3, 2], '{TIGHT}')")
    rows = fetch(conn, "SELECT * FROM mlr_me2 ORDER BY category")
    for r in rows:
        close(r["margins"], me.margeff[[1, 0], r["category"]])
        close(r["std_err"], me.margeff_se[[1, 0], r["category"]])


def test_margins_over_an_mlogregr_model(conn, table, data):
    """margins(model_table, ...) over mlogregr_train: the summary's coef and variance_covariance."""
    X, _, _, y = data
    conn.execute("DROP TABLE IF EXISTS mlr_m, mlr_m_summary, mlr_mm")
    conn.execute(f"SELECT indb_ml.mlogregr_train('mlr_src', 'mlr_m', 'y', 'ARRAY[1, x1, x2]', 0, '{TIGHT}')")
    conn.execute("SELECT indb_ml.margins('mlr_m', 'mlr_mm', NULL, NULL, '2, 3')")
    rows = fetch(conn, "SELECT * FROM mlr_mm ORDER BY category")
    assert list(rows[0]) == ["category", "ref_category", "variables", "margins", "std_err", "z_stats", "p_values"]
    me = mnlogit(X, y)[0].get_margeff(at="overall", method="dydx")
    for r in rows:
        assert r["variables"] == [2, 3]
        close(r["margins"], me.margeff[:, r["category"]])
        close(r["std_err"], me.margeff_se[:, r["category"]])


def test_madlib_documented_example(conn):
    """MADlib's mlogregr_train example (multilogistic.sql_in): its printed coefficients, std errors,
    log-likelihood, condition number, iterations and variance_covariance."""
    rows = [(1, 35, 1), (2, 33, 0), (3, 39, 1), (1, 37, 1), (2, 31, 1), (3, 36, 0), (2, 36, 1), (2, 31, 1),
            (2, 41, 1), (2, 37, 1), (1, 44, 1), (3, 33, 2), (1, 31, 1), (2, 44, 1), (1, 35, 1), (1, 44, 0),
            (1, 46, 0), (2, 46, 1), (2, 46, 2), (3, 49, 1), (2, 39, 0), (2, 44, 1), (1, 47, 1), (1, 44, 1),
            (1, 37, 2), (3, 38, 2), (1, 49, 0), (2, 44, 0), (3, 61, 2), (1, 65, 2), (3, 67, 1), (3, 65, 2),
            (1, 65, 2), (2, 67, 2), (1, 65, 2), (1, 62, 2), (3, 52, 2), (3, 63, 2), (2, 59, 2), (3, 65, 2),
            (2, 59, 0), (3, 67, 2), (3, 67, 2), (3, 60, 2), (3, 67, 2), (3, 62, 2), (2, 54, 2), (3, 65, 2),
            (3, 62, 2), (2, 59, 2), (3, 60, 2), (3, 63, 2), (3, 65, 2), (2, 63, 1), (2, 67, 2), (2, 65, 2),
            (2, 62, 2)]
    conn.execute("DROP TABLE IF EXISTS mlr_doc, mlr_doc_out, mlr_doc_out_summary")
    conn.execute("CREATE TABLE mlr_doc (feat1 int, feat2 int, cat int)")
    conn.cursor().executemany("INSERT INTO mlr_doc VALUES (%s, %s, %s)", rows)
    conn.execute("SELECT indb_ml.mlogregr_train('mlr_doc', 'mlr_doc_out', 'cat', 'ARRAY[1, feat1, feat2]', 0, "
                 "'max_iter=20, optimizer=irls, precision=0.0001')")
    got = fetch(conn, "SELECT * FROM mlr_doc_out ORDER BY category")
    ref = {1: ([1.45474045211601, 0.0849956182104023, -0.0172383499601956],
               [2.13085072854143, 0.585021661344715, 0.0431487356292144]),
           2: ([-7.12908167688326, 0.87648787696783, 0.127886153027713],
               [2.52104008297868, 0.639575886323862, 0.0445757462972303])}
    for r in got:
        close(r["coef"], ref[r["category"]][0], rtol=1e-9)
        close(r["std_err"], ref[r["category"]][1], rtol=1e-9)
        close(r["loglikelihood"], -39.14759930999, rtol=1e-9)
        close(r["condition_no"], 280069.034217586, rtol=1e-6)
        assert r["num_iterations"] == 5
    (s,) = fetch(conn, "SELECT variance_covariance, num_rows_processed FROM mlr_doc_out_summary")
    assert s["num_rows_processed"] == 57
    close(np.diag(s["variance_covariance"])[:2], [4.54052482732554, 6.35564309998514], rtol=1e-9)
    close(s["variance_covariance"][0][1], 3.01080140927409, rtol=1e-9)
    conn.execute("DROP TABLE mlr_doc, mlr_doc_out, mlr_doc_out_summary")


FORCE_PARALLEL = ["SET parallel_setup_cost = 0", "SET parallel_tuple_cost = 0",
                  "SET min_parallel_table_scan_size = 0", "SET max_parallel_workers_per_gather = 2"]


def test_parallel_plan_combines_partial_states(conn, table, data):
    """mlogregr_stats_agg runs as Partial/Finalize aggregates; the merged states give statsmodels' HC0."""
    X, _, _, y = data
    for s in FORCE_PARALLEL:
        conn.execute(s)
    try:
        conn.execute("DROP TABLE IF EXISTS mlr_par, mlr_par_summary")
        conn.execute(f"SELECT indb_ml.robust_variance_mlogregr('mlr_src', 'mlr_par', 'y', 'ARRAY[1, x1, x2]', 0, "
                     f"NULL, '{TIGHT}')")
        prep = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_table = 'public.mlr_src' "
                            "ORDER BY prepared_id DESC LIMIT 1").fetchone()[0]
        plan = "\n".join(r[0] for r in conn.execute(
            f"EXPLAIN SELECT indb_ml.mlogregr_stats_agg(x, y, n, '\\x'::bytea) FROM indb_ml_data.{prep}").fetchall())
        assert "Partial" in plan and "Gather" in plan, plan
        rows = fetch(conn, "SELECT * FROM mlr_par ORDER BY category")
        res, _ = mnlogit(X, y, cov_type="HC0")
        for i, r in enumerate(rows):
            close(r["std_err"], by_category(res, "bse")[i])
    finally:
        conn.execute("RESET ALL")


def test_bad_inputs_leave_nothing_behind(conn, table):
    conn.execute("DROP TABLE IF EXISTS mlr_bad_src")
    conn.execute("CREATE TABLE mlr_bad_src AS SELECT id, x1, x2, y + 1 AS y1, cl FROM mlr_src")
    before = tables_in(conn)
    with pytest.raises(psycopg.errors.Error, match="0, 1, ..., K-1"):
        conn.execute("SELECT indb_ml.mlogregr_train('mlr_bad_src', 'bad_out', 'y1', 'ARRAY[1, x1]')")
    with pytest.raises(psycopg.errors.Error, match="ref_category 3"):
        conn.execute("SELECT indb_ml.robust_variance_mlogregr('mlr_src', 'bad_out', 'y', 'ARRAY[1, x1]', 3)")
    with pytest.raises(psycopg.errors.Error, match="unknown parameter 'step'"):
        conn.execute("SELECT indb_ml.mlogregr_train('mlr_src', 'bad_out', 'y', 'ARRAY[1, x1]', 0, 'step=1')")
    with pytest.raises(psycopg.errors.Error, match="optimizer 'cg'"):
        conn.execute("SELECT indb_ml.margins_mlogregr('mlr_src', 'bad_out', 'y', 'ARRAY[1, x1]', 0, NULL, NULL, "
                     "'optimizer=cg')")
    with pytest.raises(psycopg.errors.Error, match="marginal_vars"):
        conn.execute("SELECT indb_ml.margins_mlogregr('mlr_src', 'bad_out', 'y', 'ARRAY[1, x1]', 0, NULL, ARRAY[4])")
    with pytest.raises(psycopg.errors.Error, match="clustervar"):
        conn.execute("SELECT indb_ml.clustered_variance_mlogregr('mlr_src', 'bad_out', 'y', 'ARRAY[1, x1]', NULL)")
    with pytest.raises(psycopg.errors.Error, match="no_such_col"):
        conn.execute("SELECT indb_ml.clustered_variance_mlogregr('mlr_src', 'bad_out', 'y', 'ARRAY[1, x1]', "
                     "'no_such_col')")
    with pytest.raises(psycopg.errors.Error, match="type"):
        conn.execute("SELECT indb_ml.mlogregr_predict('no_model', 'mlr_src', 'id', 'bad_out', 'class')")
    assert tables_in(conn) == before
    assert "robust_variance_mlogregr" in conn.execute("SELECT indb_ml.robust_variance_mlogregr('usage')").fetchone()[0]
    assert "mlogregr_train" in conn.execute("SELECT indb_ml.mlogregr_train()").fetchone()[0]
    conn.execute("DROP TABLE mlr_bad_src")


def test_deprecated_value_form_leaves_nothing_behind(conn, table, data):
    """MADlib's mlogregr(source, depvar, indepvar, max_iter, optimizer, precision, ref_category): the
    model of mlogregr_train as one composite value, feature-major; its scratch tables and registry row
    are gone afterwards (the packed copy of the source stays, cached for the next training)."""
    X, _, _, y = data
    scratch = lambda: {t for t in tables_in(conn) if not t.startswith("indb_ml_data._prep_")}   # noqa: E731
    before = scratch()
    models = conn.execute("SELECT count(*) FROM indb_ml.models").fetchone()[0]
    (r,) = fetch(conn, "SELECT (indb_ml.mlogregr('mlr_src', 'y', 'ARRAY[1, x1, x2]', 50, 'newton', 1e-10, 2)).*")
    assert scratch() == before
    assert conn.execute("SELECT count(*) FROM indb_ml.models").fetchone()[0] == models
    res, cats = mnlogit(X, y, ref=2)
    assert cats == [0, 1] and r["ref_category"] == 2 and r["num_processed"] == N
    close(r["coef"], np.asarray(res.params).ravel())          # (d × (K-1)) row-major = feature-major
    close(r["std_err"], np.asarray(res.bse).ravel())
    close(r["log_likelihood"], res.llf)
    close(r["variance_covariance"], feature_major(res.cov_params(), 3, K - 1))
