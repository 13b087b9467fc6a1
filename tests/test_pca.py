"""PCA: kernel merge exactness, then pca_train against scikit-learn's PCA (up to sign)."""
import sys
from pathlib import Path

import numpy as np
import psycopg
import pytest
from sklearn.decomposition import PCA as SkPCA
from sklearn.preprocessing import StandardScaler

from conftest import CALIFORNIA_COLUMNS, california_arrays, load_california, tables_in
from indb_ml.estimators.factorization import PCA

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import blocks, pca  # noqa: E402

FEATURES = CALIFORNIA_COLUMNS[:8]
ARRAY = "ARRAY[" + ", ".join(FEATURES) + "]"


def test_kernel_merge_is_exact_and_stable():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 4)) + np.array([1e6, -3e5, 0.0, 7.0])   # large means: no cancellation
    parts = [pca.transition(None, blocks.to_bytes(X[i:i + 97]), len(X[i:i + 97])) for i in range(0, 1000, 97)]
    state = parts[0]
    for p in parts[1:]:
        state = pca.merge(state, p)
    s = blocks.from_bytes(state)
    d, n, mean, M2 = int(s[0]), s[1], s[2:6], s[6:].reshape(4, 4)
    Xl = X.astype(np.longdouble)
    Xc = Xl - Xl.mean(axis=0)
    ref = (Xc.T @ Xc).astype(float)
    assert n == 1000
    np.testing.assert_allclose(mean, X.mean(axis=0), rtol=1e-14)
    # relative to the scale of the scatter matrix (its diagonal ~ 1e3): 10 significant digits; raw moments
    # (Σx² - n·mean²) would keep about 4 here (means ~1e6)
    np.testing.assert_allclose(M2, ref, rtol=0, atol=1e-10 * np.abs(np.diag(ref)).max())


def _fetch(conn, table, n):
    """components, explained variance, ratio, singular values from MADlib's out_table columns."""
    rows = conn.execute(f"SELECT principal_components, std_dev, proportion FROM {table} ORDER BY row_id").fetchall()
    sd = np.array([r[1] for r in rows])
    return np.array([r[0] for r in rows]), sd ** 2, np.array([r[2] for r in rows]), sd * np.sqrt(n - 1)


@pytest.mark.parametrize("scale", [False, True])
def test_equals_sklearn_up_to_sign(conn, scale):
    load_california(conn)
    X, _ = california_arrays()
    t = f"pca_cal_{int(scale)}"
    conn.execute(f"DROP TABLE IF EXISTS {t}, {t}_summary, {t}_mean")
    conn.execute(f"SELECT indb_ml.pca_train('california', '{t}', NULL, 5, use_correlation => {scale}, "
                 f"features => '{ARRAY}')")
    comp, ev, evr, sv = _fetch(conn, t, len(X))
    Z = StandardScaler().fit_transform(X) if scale else X
    sk = SkPCA(5, svd_solver="full").fit(Z)
    signs = np.sign((comp * sk.components_).sum(axis=1))
    np.testing.assert_allclose(comp * signs[:, None], sk.components_, atol=1e-8)
    np.testing.assert_allclose(ev, sk.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(evr, sk.explained_variance_ratio_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(sv, sk.singular_values_, rtol=1e-8)
    mean, = conn.execute(f"SELECT column_mean FROM {t}_mean").fetchone()
    np.testing.assert_allclose(mean, X.mean(axis=0), rtol=1e-12)
    proj = np.array([r[0] for r in conn.execute(f"SELECT indb_ml.pca_project('{t}', {ARRAY}) FROM california")])
    ref = sk.transform(Z)
    np.testing.assert_allclose(proj * signs, ref, atol=1e-8 * np.abs(ref).max())


def test_uncentred_and_all_components(conn):
    conn.execute("DROP TABLE IF EXISTS pca_raw, pca_raw_summary, pca_raw_mean, pca_pts")
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 3)) @ np.array([[3, 0, 0], [1, 1, 0], [0, 0.2, 0.1]]) + 5
    conn.execute("CREATE TABLE pca_pts (v float8[])")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO pca_pts VALUES (%s)", [(r.tolist(),) for r in X])
    conn.execute("SELECT indb_ml.pca_train('pca_pts', 'pca_raw', NULL, 3, features => 'v', center => false)")
    comp, ev, evr, _ = _fetch(conn, "pca_raw", len(X))
    assert comp.shape == (3, 3)
    assert evr.sum() == pytest.approx(1.0, rel=1e-12)
    w, V = np.linalg.eigh(X.T @ X / (len(X) - 1))
    np.testing.assert_allclose(ev, w[::-1], rtol=1e-10)
    np.testing.assert_allclose(np.abs(comp), np.abs(V[:, ::-1].T), atol=1e-10)


@pytest.mark.parametrize("call, message", [
    ("'no_such', 'pca_x', NULL, 1, features => 'a, b'", "does not exist"),
    ("'pca_bad', 'pca_x', NULL, 1, features => 'a, zz'", "column zz"),
    ("'pca_bad', 'pca_x', NULL, 3, features => 'a, b'", "larger than the number of features"),
    ("'pca_bad', 'pca_x', NULL, 0, features => 'a, b'", "positive number of components"),
    ("'pca_bad', 'pca_x', NULL, 1.5, features => 'a, b'", "proportion of variance"),
    ("'pca_one', 'pca_x', NULL, 1, features => 'a, b'", "at least 2"),
    ("'pca_empty', 'pca_x', NULL, 1, features => 'a, b'", "is empty"),
    ("'pca_bad', 'pca_x', NULL, 1, features => '(SELECT 1)'", "independent_varname"),
    ("'pca_bad', 'pca_bad', NULL, 1, features => 'a, b'", "already exists"),
    ("'pca_bad', 'pca_x', 'nope', 1", "row_id"),
])
def test_bad_inputs(conn, call, message):
    conn.execute("DROP TABLE IF EXISTS pca_bad, pca_one, pca_empty")
    conn.execute("CREATE TABLE pca_bad AS SELECT g::float8 AS a, (g * g)::float8 AS b FROM generate_series(1, 5) g")
    conn.execute("CREATE TABLE pca_one AS SELECT 1::float8 AS a, 2::float8 AS b")
    conn.execute("CREATE TABLE pca_empty (a float8, b float8)")
    before = {t for t in tables_in(conn) if not t.startswith("indb_ml._prep")}
    with pytest.raises(psycopg.Error, match=message):
        conn.execute(f"SELECT indb_ml.pca_train({call})")
    assert {t for t in tables_in(conn) if not t.startswith("indb_ml._prep")} == before


def test_estimator(conn, db_dsn):
    load_california(conn)
    X, _ = california_arrays()
    conn.execute("DROP TABLE IF EXISTS pca_est, pca_est_summary, pca_est_mean")
    model = PCA(n_components=3, scale=True).fit(db_dsn, "california", FEATURES, model_table="pca_est")
    sk = SkPCA(3, svd_solver="full").fit(StandardScaler().fit_transform(X))
    signs = np.sign((model.components_ * sk.components_).sum(axis=1))
    np.testing.assert_allclose(model.components_ * signs[:, None], sk.components_, atol=1e-8)
    np.testing.assert_allclose(model.explained_variance_ratio_, sk.explained_variance_ratio_, rtol=1e-8)
    local = model.transform(X[:100])
    remote = model.transform("california")[:100]
    np.testing.assert_allclose(local, remote, atol=1e-9)
    np.testing.assert_allclose(local * signs, sk.transform(StandardScaler().fit(X).transform(X[:100])), atol=1e-8)
    assert model.training_info()[0]["iteration"] == 1
