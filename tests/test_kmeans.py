"""k-means: the kernels without a server, then the SQL surface against scikit-learn."""
import numpy as np
import psycopg
import pytest
from sklearn.cluster import KMeans as SkKMeans

from conftest import CALIFORNIA_COLUMNS, california_arrays, load_california, tables_in
from indb_ml.estimators.factorization import KMeans

import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import blocks, kmeans  # noqa: E402

FEATURES = CALIFORNIA_COLUMNS[:8]
ARRAY = "ARRAY[" + ", ".join(FEATURES) + "]"


def _blocks(X, size):
    return [(blocks.to_bytes(X[i:i + size]), len(X[i:i + size])) for i in range(0, len(X), size)]


def test_step_kernel_merge_equals_single_pass():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 3))
    C = X[:4].copy()
    one = None
    for raw, n in _blocks(X, 500):
        one = kmeans.step_transition(one, raw, n, blocks.to_bytes(C))
    parts = []
    for raw, n in _blocks(X, 70):
        parts.append(kmeans.step_transition(None, raw, n, blocks.to_bytes(C)))
    merged = parts[0]
    for p in parts[1:]:
        merged = kmeans.step_merge(merged, p)
    r1 = kmeans.step_result(blocks.from_bytes(one), C)
    r2 = kmeans.step_result(blocks.from_bytes(merged), C)
    np.testing.assert_allclose(r1["centroids"], r2["centroids"], rtol=1e-12)
    assert r1["objective"] == pytest.approx(r2["objective"], rel=1e-12)
    labels, dist = kmeans.assign(X, C)
    assert r1["objective"] == pytest.approx(dist.sum(), rel=1e-12)
    for j in range(4):
        np.testing.assert_allclose(r1["centroids"][j], X[labels == j].mean(axis=0), rtol=1e-12)


def test_empty_cluster_reseeded_with_farthest_row():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [10.0, 10.0], [10.1, 10.0]])
    C = np.array([[0.0, 0.0], [10.0, 10.0], [1000.0, 1000.0]])   # the third attracts nothing
    state = kmeans.step_transition(None, blocks.to_bytes(X), len(X), blocks.to_bytes(C))
    r = kmeans.step_result(blocks.from_bytes(state), C)
    assert r["reseeded"] == [2]
    assert r["counts"][2] == 0       # counts are measured against the old centroids
    # the farthest row from its centroid (a tie at distance 0.01: the first one, (0.1, 0)) moved over
    np.testing.assert_allclose(r["centroids"][2], [0.1, 0.0])
    np.testing.assert_allclose(r["centroids"][0], [0.0, 0.05])


def test_sampling_is_independent_of_block_split():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 2))
    C = blocks.to_bytes(X[:1])

    def run(size):
        state = None
        for b, (raw, n) in enumerate(_blocks(X, size)):
            state = kmeans.sample_transition(state, raw, n, 7, b, C, 42, 1, 3)
        return kmeans.sample_result(blocks.from_bytes(state))
    a, b = run(100), run(100)
    np.testing.assert_array_equal(a["points"], b["points"])
    # merging partial states (as parallel workers do) gives the same sample as one sequential pass
    parts = [kmeans.sample_transition(None, raw, n, 7, i, C, 42, 1, 3) for i, (raw, n) in enumerate(_blocks(X, 100))]
    merged = parts[0]
    for p in parts[1:]:
        merged = kmeans.sample_merge(merged, p)
    np.testing.assert_array_equal(kmeans.sample_result(blocks.from_bytes(merged))["points"], a["points"])
    np.testing.assert_allclose(a["mean"], X.mean(axis=0))
    np.testing.assert_allclose(a["var"], X.var(axis=0))


# ------------------------------------------------------------------ in the database


@pytest.fixture
def cal_std(conn):
    load_california(conn)
    X, _ = california_arrays()
    mu, sd = X.mean(axis=0), X.std(axis=0)
    exists = conn.execute("SELECT to_regclass('cal_std_km') IS NOT NULL").fetchone()[0]
    if not exists:
        cols = ", ".join(f'("{n}" - {m!r}) / {s!r} AS "{n}"' for n, m, s in zip(FEATURES, mu.tolist(), sd.tolist()))
        conn.execute(f"CREATE TABLE cal_std_km AS SELECT {cols} FROM california")
    return (X - mu) / sd


def _drop(conn, *tables):
    for t in tables:
        conn.execute(f"DROP TABLE IF EXISTS {t}")


def test_same_objective_as_sklearn_from_same_initial_centroids(conn, cal_std):
    _drop(conn, "km_cal", "km_cal_summary")
    msg = conn.execute(f"SELECT indb_ml.kmeans('cal_std_km', 'km_cal', '{ARRAY}', 6, max_iter => 100, "
                       f"seed => 11)").fetchone()[0]
    assert "converged" in msg
    init, obj, its, conv = conn.execute(
        "SELECT initial_centroids, objective, iterations, converged FROM km_cal_summary").fetchone()
    sk = SkKMeans(6, init=np.array(init), n_init=1, max_iter=100, tol=1e-4, algorithm="lloyd").fit(cal_std)
    assert conv
    assert obj == pytest.approx(sk.inertia_, rel=1e-9)
    assert its == sk.n_iter_
    rows = conn.execute("SELECT cluster_id, centroid, size, sse FROM km_cal ORDER BY cluster_id").fetchall()
    np.testing.assert_allclose(np.array([r[1] for r in rows]), sk.cluster_centers_, atol=1e-9)
    assert [r[2] for r in rows] == np.bincount(sk.labels_, minlength=6).tolist()
    assert sum(r[3] for r in rows) == pytest.approx(obj, rel=1e-12)
    # one NOTICE per iteration and the history in the registry
    notices = [m for s, m in conn.notices if m.startswith("kmeans: iteration")]
    assert len(notices) == its
    hist = conn.execute("SELECT iteration, loss FROM indb_ml.model_iterations i JOIN indb_ml.models m "
                        "USING (model_id) WHERE m.name = 'public.km_cal' ORDER BY iteration").fetchall()
    assert [h[0] for h in hist] == list(range(0, its + 1))
    losses = [h[1] for h in hist[1:]]
    assert all(a >= b - 1e-9 for a, b in zip(losses, losses[1:]))   # Lloyd never increases the objective
    # per-row assignment matches scikit-learn's labels
    labels = [r[0] for r in conn.execute(f"SELECT indb_ml.kmeans_assign('km_cal', {ARRAY}) FROM cal_std_km")]
    assert np.array_equal(np.array(labels), sk.predict(cal_std))
    two_d = conn.execute(f"SELECT indb_ml.kmeans_assign((SELECT array_agg(centroid ORDER BY cluster_id) FROM km_cal), "
                         f"{ARRAY}) FROM cal_std_km LIMIT 50").fetchall()
    assert [r[0] for r in two_d] == labels[:50]


def test_seeding_reproducible_and_kmeanspp_better_than_random(conn, cal_std):
    _drop(conn, "km_a", "km_a_summary", "km_b", "km_b_summary", "km_c", "km_c_summary")
    for t, seed in (("km_a", 5), ("km_b", 5), ("km_c", 6)):
        conn.execute(f"SELECT indb_ml.kmeans('cal_std_km', '{t}', '{ARRAY}', 5, max_iter => 1, seed => {seed})")
    a, b, c = (np.array(conn.execute(f"SELECT initial_centroids FROM {t}_summary").fetchone()[0])
               for t in ("km_a", "km_b", "km_c"))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # every initial centroid is a data row, and they are distinct
    rows = {tuple(r) for r in np.round(cal_std, 9)}
    assert all(tuple(r) in rows for r in np.round(a, 9)) and len({tuple(r) for r in a}) == 5


def test_explicit_initial_centroids_and_empty_cluster(conn):
    _drop(conn, "km_pts", "km_e", "km_e_summary")
    conn.execute("CREATE TABLE km_pts (a float8, b float8)")
    conn.execute("INSERT INTO km_pts VALUES (0,0),(0.1,0),(0,0.1),(10,10),(10.1,10),(10,10.1),(NULL,1)")
    conn.execute("SELECT indb_ml.kmeans('km_pts', 'km_e', 'a, b', 3, tolerance => 0, "
                 "initial_centroids => ARRAY[[0,0],[10,10],[1000,1000]]::float8[])")
    assert any("re-seeded empty cluster(s) [2]" in m for _, m in conn.notices)
    rows = conn.execute("SELECT cluster_id, size FROM km_e ORDER BY cluster_id").fetchall()
    assert all(size >= 1 for _, size in rows) and sum(s for _, s in rows) == 6
    skipped = conn.execute("SELECT num_missing_rows_skipped, init FROM km_e_summary").fetchone()
    assert skipped == (1, "given")


@pytest.mark.parametrize("call, message", [
    ("'no_such_table', 'km_x', 'a, b', 2", "does not exist"),
    ("'km_bad', 'km_x', 'a, nope', 2", "column nope"),
    ("'km_bad', 'km_x', 'a; DROP TABLE km_bad', 2", "independent_varname"),
    ("'km_bad', 'km_x', 'a, b', 5", "larger than the number of usable rows"),
    ("'km_bad', 'km_x', 'a, b', 0", "k must be a positive"),
    ("'km_empty', 'km_x', 'a, b', 1", "is empty"),
    ("'km_bad', 'km_x', 'a, b', 2, init => 'bogus'", "init must be"),
    ("'km_bad', 'km_x', 'a, b', 2, initial_centroids => ARRAY[[1,2,3]]::float8[]", "2 x 2"),
    ("'km_bad', 'km_x\"; DROP TABLE km_bad; --', 'a, b', 2", "not a valid table name"),
    ("'km_dup', 'km_x', 'a, b', 3", "distinct points"),
])
def test_bad_inputs_fail_cleanly(conn, call, message):
    _drop(conn, "km_bad", "km_empty", "km_dup")
    conn.execute("CREATE TABLE km_bad (a float8, b float8)")
    conn.execute("INSERT INTO km_bad VALUES (1, 2), (3, 4), (5, 6)")
    conn.execute("CREATE TABLE km_empty (a float8, b float8)")
    conn.execute("CREATE TABLE km_dup (a float8, b float8)")
    conn.execute("INSERT INTO km_dup VALUES (1, 1), (1, 1), (2, 2), (2, 2)")
    before = {t for t in tables_in(conn) if not t.startswith("indb_ml._prep")}
    with pytest.raises(psycopg.Error, match=message):
        conn.execute(f"SELECT indb_ml.kmeans({call})")
    after = {t for t in tables_in(conn) if not t.startswith("indb_ml._prep")}
    assert after == before
    assert conn.execute("SELECT count(*) FROM km_bad").fetchone()[0] == 3


def test_estimator(conn, cal_std, db_dsn):
    _drop(conn, "km_est", "km_est_summary")
    model = KMeans(n_clusters=4, max_iter=50, seed=3).fit(db_dsn, "cal_std_km", FEATURES, model_table="km_est")
    assert model.cluster_centers_.shape == (4, 8)
    sk = SkKMeans(4, init=model.initial_centroids_, n_init=1, max_iter=50, tol=1e-4).fit(cal_std)
    assert model.inertia_ == pytest.approx(sk.inertia_, rel=1e-9)
    np.testing.assert_array_equal(model.predict(cal_std[:200]), sk.predict(cal_std[:200]))
    np.testing.assert_array_equal(model.predict("cal_std_km")[:200], sk.predict(cal_std[:200]))
    hist = model.training_info()
    assert hist[0]["iteration"] == 0 and len(hist) == model.n_iter_ + 1
