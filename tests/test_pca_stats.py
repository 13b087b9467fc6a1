"""PCA from the statistics stored at packing: the same model as the covariance pass, and the pass
whenever centring the raw sums would cost digits (plpython/pca.py ``from_stats``)."""
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import CALIFORNIA_COLUMNS, load_california

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import blocks, pca, suffstats  # noqa: E402

FEATURES = "ARRAY[" + ", ".join(CALIFORNIA_COLUMNS[:8]) + "]"


def _blocks(X, size=97):
    return [(blocks.to_bytes(X[i:i + size]), len(X[i:i + size])) for i in range(0, len(X), size)]


def _summed(X):
    """suffstats over the blocks of X (unlabelled), summed as suffstats_agg sums them."""
    acc = None
    for raw, n in _blocks(X):
        acc = suffstats.merge(acc, blocks.to_bytes(suffstats.of_block(raw, None, n)))
    return suffstats.unpack(blocks.from_bytes(acc))


def _pass_state(X):
    acc = None
    for raw, n in _blocks(X):
        acc = pca.merge(acc, pca.transition(None, raw, n))
    return blocks.from_bytes(acc)


def _from_stats(X):
    u = _summed(X)
    return pca.from_stats(u["n"], u["XtX"], u["sum_x"], u["first_x"], u["varies"])


def test_from_stats_equals_the_pass_with_a_constant_column():
    rng = np.random.default_rng(5)
    X = np.column_stack([np.full(1000, 0.1), rng.normal(size=(1000, 3)) * [1.0, 30.0, 0.01] + [2.0, -50.0, 0.3]])
    got, ref = _from_stats(X), _pass_state(X)
    assert got is not None and got[1] == ref[1] == 1000
    d = X.shape[1]
    # the constant column: its exact value as mean, zero row and column (the pass: within a rounding)
    assert got[2] == 0.1
    M2, M2_ref = got[2 + d:].reshape(d, d), ref[2 + d:].reshape(d, d)
    assert not M2[0].any() and not M2[:, 0].any()
    np.testing.assert_allclose(got[2:2 + d], ref[2:2 + d], rtol=1e-13)
    np.testing.assert_allclose(M2, M2_ref, rtol=0, atol=1e-11 * np.abs(np.diag(M2_ref)).max())
    a, b = pca.solve(got, 2), pca.solve(ref, 2)
    np.testing.assert_allclose(a["explained_variance"], b["explained_variance"], rtol=1e-11)
    np.testing.assert_allclose(a["components"], b["components"], atol=1e-11)


def test_large_means_and_old_copies_take_the_pass():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(500, 2)) + [1e6, 0.0]     # Σx² / M2 ~ 1e12 for the first column: digits lost
    assert _from_stats(X) is None
    assert _from_stats(rng.normal(size=(500, 2)) + [1e2, 0.0]) is not None   # ~1e4: kept
    u = _summed(rng.normal(size=(50, 2)))
    assert pca.from_stats(u["n"], u["XtX"], u["sum_x"], None, None) is None   # packed without the tail


def test_varies_is_exact_and_merges_across_blocks_and_old_layouts():
    rng = np.random.default_rng(7)
    X = np.column_stack([rng.normal(size=300), np.full(300, 2.5), np.r_[np.zeros(150), np.ones(150)],
                         np.r_[np.zeros(299), 1e-300]])
    # column 3 is constant within each block of 150 but not across them; column 4 differs in one row only
    assert suffstats.varying(X).tolist() == [True, False, True, True]
    (ra, na), (rb, nb) = _blocks(X, 150)
    assert suffstats.varying(X[:150]).tolist() == [True, False, False, False]
    u = _summed(X)
    assert u["varies"].tolist() == [True, False, True, True] and u["first_x"][1] == 2.5
    new = suffstats.of_block(ra, None, na)
    old = suffstats.of_block(rb, None, nb)[:suffstats.base_size(4)]   # as an earlier version stored it
    mixed = blocks.from_bytes(suffstats.merge(blocks.to_bytes(new), blocks.to_bytes(old)))
    assert mixed.size == suffstats.base_size(4)
    m = suffstats.unpack(mixed)
    assert m["varies"] is None and m["n"] == 300
    np.testing.assert_allclose(m["XtX"], X.T @ X, rtol=1e-12)
    with pytest.raises(ValueError, match="ragged"):
        suffstats.merge(blocks.to_bytes(new), blocks.to_bytes(suffstats.of_block(blocks.to_bytes(X[:5, :2]), None, 5)))


def _pca(conn, source, out, use_stats, extra="", k=4):
    conn.execute(f"DROP TABLE IF EXISTS {out}, {out}_mean, {out}_summary")
    conn.execute(f"SET indb_ml.sufficient_stats = {'on' if use_stats else 'off'}")
    try:
        conn.execute(f"SELECT indb_ml.pca_train('{source}', '{out}', NULL, {k}{extra})")
    finally:
        conn.execute("RESET indb_ml.sufficient_stats")
    order = "1, row_id" if "grouping_cols" in extra else "row_id"
    comps = conn.execute(f"SELECT principal_components, std_dev, proportion FROM {out} ORDER BY {order}").fetchall()
    means = conn.execute(f"SELECT column_mean, feature_scale, num_rows_processed FROM {out}_mean ORDER BY 1").fetchall()
    model_id, = conn.execute("SELECT model_id FROM indb_ml.models WHERE name = %s ORDER BY model_id DESC LIMIT 1",
                             [f"public.{out}"]).fetchone()
    origin, = conn.execute("SELECT info ->> 'from' FROM indb_ml.model_iterations WHERE model_id = %s",
                           [model_id]).fetchone()
    return comps, means, origin


@pytest.mark.parametrize("extra", [
    f", features => '{FEATURES}'",
    f", features => '{FEATURES}', use_correlation => true",
    f", features => '{FEATURES}', grouping_cols => 'housing_median_age > 30'",
])
def test_pca_train_from_stats_equals_the_pass(conn, extra):
    load_california(conn)
    fast, fast_means, origin = _pca(conn, "california", "pca_ss", True, extra)
    slow, slow_means, slow_origin = _pca(conn, "california", "pca_ss", False, extra)
    assert (origin, slow_origin) == ("packing", "pass")
    for (ca, sa, pa), (cb, sb, pb) in zip(fast, slow, strict=True):
        np.testing.assert_allclose(ca, cb, atol=1e-9)
        np.testing.assert_allclose([sa, pa], [sb, pb], rtol=1e-10)
    for a, b in zip(fast_means, slow_means, strict=True):
        np.testing.assert_allclose(a[0], b[0], rtol=1e-12)
        np.testing.assert_allclose(a[1], b[1], rtol=1e-10)
        assert a[2] == b[2]


def test_a_source_with_large_means_takes_the_pass_and_stays_exact(conn):
    rng = np.random.default_rng(8)
    X = rng.normal(size=(400, 3)) * [1.0, 2.0, 0.5] + [3e7, 0.0, 1e3]
    conn.execute("DROP TABLE IF EXISTS pca_far")
    conn.execute("CREATE TABLE pca_far (v float8[])")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO pca_far VALUES (%s)", [(r.tolist(),) for r in X])
    comps, means, origin = _pca(conn, "pca_far", "pca_far_m", True, ", features => 'v'", k=3)
    assert origin == "pass"
    w, _ = np.linalg.eigh(np.cov(X, rowvar=False))
    np.testing.assert_allclose([c[1] ** 2 for c in comps], w[::-1], rtol=1e-9)
    np.testing.assert_allclose(means[0][0], X.mean(axis=0), rtol=1e-14)
