"""MADlib's k-means with fn_dist = dist_norm1 (kmeans from given centroids): assignments by the
1-norm, centroids by avg, MADlib's frac_reassigned stop. Checked against scikit-learn's Lloyd on
separated clusters (where the 1-norm and Euclidean assignments agree) and against a numpy transcription
of MADlib's iteration on overlapping ones (where they differ)."""
import numpy as np
import psycopg
import pytest
from sklearn.cluster import KMeans


def make_points(seed, spread):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0], [6.0, 1.0], [2.0, 7.0]])
    X = np.vstack([c + rng.normal(scale=spread, size=(400, 2)) * [1.0, 0.6] for c in centers])
    return X


def load(conn, name, X):
    conn.execute(f"DROP TABLE IF EXISTS {name}")
    conn.execute(f"CREATE TABLE {name} (id int, position float8[])")
    with conn.cursor().copy(f"COPY {name} FROM STDIN") as cp:
        for i, x in enumerate(X):
            cp.write_row((i, [float(v) for v in x]))
    conn.execute(f"INSERT INTO {name} VALUES (-1, ARRAY[NULL, 1]::float8[])")   # skipped, as MADlib


def madlib_l1(X, C, max_iter=20, min_frac=0.001):
    """MADlib's kmeans iteration (kmeans.py_in compute_kmeans) with the 1-norm and avg, in numpy."""
    closest = lambda C: np.abs(X[:, None, :] - C[None]).sum(axis=2).argmin(axis=1)   # noqa: E731
    it, P, frac, var = 1, None, 1.0, None
    while it < max_iter and frac > min_frac:
        a = closest(C)
        frac = 1.0 if P is None else float(np.mean(closest(P) != a))
        var = np.array([np.abs(X[a == j] - C[j]).sum() for j in range(len(C))])
        new = np.array([X[a == j].mean(axis=0) if (a == j).any() else C[j] for j in range(len(C))])
        P, C, it = C, new, it + 1
    return C, var, frac, it


def call(conn, table, C, *extra):
    args = ", ".join(["%s"] * len(extra))
    return conn.execute(f"SELECT * FROM indb_ml.kmeans('{table}', 'position', %s::float8[], 'dist_norm1'"
                        f"{', ' + args if extra else ''})", [C.tolist(), *extra]).fetchone()


def test_separated_clusters_match_lloyd(conn):
    X = make_points(3, 0.7)
    load(conn, "kl1_sep", X)
    C0 = np.array([[1.0, 1.0], [5.0, 0.0], [3.0, 6.0]])
    cents, var, obj, frac, iters = call(conn, "kl1_sep", C0)
    ref = KMeans(n_clusters=3, init=C0, n_init=1, algorithm="lloyd", tol=0, max_iter=100).fit(X)
    np.testing.assert_allclose(cents, ref.cluster_centers_, rtol=1e-12, atol=1e-12)
    a = np.abs(X[:, None] - np.asarray(cents)[None]).sum(axis=2).argmin(axis=1)
    assert (a == ref.labels_).all()
    # converged: the last pass assigned to the final centroids
    np.testing.assert_allclose(var, [np.abs(X[a == j] - cents[j]).sum() for j in range(3)], rtol=1e-12)
    np.testing.assert_allclose(obj, sum(var), rtol=1e-12)
    assert frac <= 0.001 and iters == madlib_l1(X, C0)[3]


def test_overlapping_clusters_follow_madlibs_iteration(conn):
    X = make_points(5, 2.5)
    load(conn, "kl1_ovl", X)
    C0 = X[[0, 500, 1000]]
    for max_iter, min_frac in ((20, 0.001), (4, 0.0), (2, 0.001)):
        cents, var, obj, frac, iters = call(conn, "kl1_ovl", C0, None, max_iter, min_frac)
        rC, rvar, rfrac, rit = madlib_l1(X, C0, max_iter, min_frac)
        np.testing.assert_allclose(cents, rC, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(var, rvar, rtol=1e-12)
        np.testing.assert_allclose(obj, rvar.sum(), rtol=1e-12)
        assert (frac, iters) == (pytest.approx(rfrac, abs=1e-15), rit)
    # the 1-norm gives other assignments than the Euclidean distance here (else this test proves little)
    a1 = np.abs(X[:, None] - rC[None]).sum(axis=2).argmin(axis=1)
    a2 = ((X[:, None] - rC[None]) ** 2).sum(axis=2).argmin(axis=1)
    assert (a1 != a2).any()


def test_centroid_table_form_and_errors(conn):
    X = make_points(3, 0.7)
    load(conn, "kl1_tab", X)
    conn.execute("DROP TABLE IF EXISTS kl1_cents")
    conn.execute("CREATE TABLE kl1_cents (position float8[])")
    C0 = np.array([[1.0, 1.0], [5.0, 0.0], [3.0, 6.0]])
    conn.cursor().executemany("INSERT INTO kl1_cents VALUES (%s)", [(c.tolist(),) for c in C0])
    got = conn.execute("SELECT centroids FROM indb_ml.kmeans('kl1_tab', 'position', 'kl1_cents', 'position', "
                       "'indb_ml.dist_norm1')").fetchone()[0]
    np.testing.assert_allclose(got, madlib_l1(X, C0)[0], rtol=1e-12)
    with pytest.raises(psycopg.errors.Error, match="dist_norm1 needs given initial centroids"):
        conn.execute("SELECT * FROM indb_ml.kmeanspp('kl1_tab', 'position', 3, 'dist_norm1')")
    with pytest.raises(psycopg.errors.Error, match="2 coordinates"):
        conn.execute("SELECT * FROM indb_ml.kmeans('kl1_tab', 'position', ARRAY[[1, 2, 3]]::float8[], 'dist_norm1')")
    with pytest.raises(psycopg.errors.Error, match="min_frac_reassigned"):
        conn.execute("SELECT * FROM indb_ml.kmeans('kl1_tab', 'position', ARRAY[[1, 2]]::float8[], 'dist_norm1', "
                     "'avg', 20, 2.0)")
