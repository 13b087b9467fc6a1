"""Sufficient statistics stored at packing (plpython/suffstats.py, suffstats_driver.py).

Packing stores each block's n, XᵀX, Xᵀy, yᵀy, Σy, Σx and its count of labels outside {0, 1};
linregr's fit and the first IRLS iteration of logistic regression read their sums instead of a
pass. Every fit here is compared with the same fit on the same packed copy taken through the
passes (``SET indb_ml.sufficient_stats = off``) to 1e-10, on plain, grouped, partitioned and view
sources with NULL and NaN rows; the stored sums are checked against numpy over the source rows; a
packed copy without statistics (an older version's) or with a block lacking them falls back to
the passes; the label errors are the same on both paths."""
import numpy as np
import psycopg
import pytest

N = 2500
FEATURES = "ARRAY[1, x1, x2, x3]"
SOURCES = {"plain": "ss_plain", "partitioned": "ss_part", "view": "ss_view"}


def _data():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(N, 3)) * np.array([1.0, 4.0, 0.3]) + np.array([0.5, -2.0, 3.0])
    y = 2.0 + X @ np.array([0.6, -0.25, 1.3]) + rng.normal(scale=0.7, size=N)
    eta = -0.3 + X @ np.array([0.9, -0.2, 0.7]) - 2.0
    label = rng.random(N) < 1 / (1 + np.exp(-eta))
    region = np.array(["north", "south", "east"])[rng.integers(0, 3, size=N)]
    return X, y, label, region


@pytest.fixture(scope="module")
def data(db_dsn):
    """Source tables of every kind; rows with a NULL or NaN feature or label are skipped by packing."""
    X, y, label, region = _data()
    with psycopg.connect(db_dsn, autocommit=True) as c:
        c.execute("DROP TABLE IF EXISTS ss_plain, ss_part CASCADE")
        c.execute("CREATE TABLE ss_plain (id int, region text, x1 float8, x2 float8, x3 float8, y float8, "
                  "label boolean)")
        with c.cursor().copy("COPY ss_plain FROM STDIN") as cp:
            for i in range(N):
                cp.write_row([i, region[i], *X[i].tolist(), float(y[i]), bool(label[i])])
        c.execute("UPDATE ss_plain SET x2 = 'NaN' WHERE id % 97 = 5")
        c.execute("UPDATE ss_plain SET x3 = NULL WHERE id % 89 = 7")
        c.execute("UPDATE ss_plain SET y = 'Infinity', label = NULL WHERE id % 83 = 3")
        c.execute("CREATE TABLE ss_part (LIKE ss_plain) PARTITION BY RANGE (id)")
        c.execute("CREATE TABLE ss_part_a PARTITION OF ss_part FOR VALUES FROM (0) TO (900)")
        c.execute("CREATE TABLE ss_part_b PARTITION OF ss_part FOR VALUES FROM (900) TO (MAXVALUE)")
        c.execute("INSERT INTO ss_part SELECT * FROM ss_plain")
        c.execute("CREATE VIEW ss_view AS SELECT * FROM ss_plain")
        rows = c.execute("SELECT region, x1, x2, x3, y, label FROM ss_plain ORDER BY id").fetchall()
    return rows


def _fit(conn, query, args, out, table_cols, use_stats):
    conn.execute(f"DROP TABLE IF EXISTS {out}, {out}_summary")
    conn.execute(f"SET indb_ml.sufficient_stats = {'on' if use_stats else 'off'}")
    try:
        conn.execute(query, args)
    finally:
        conn.execute("RESET indb_ml.sufficient_stats")
    order = "region" if "region" in table_cols else "1"
    rows = conn.execute(f"SELECT {', '.join(table_cols)} FROM {out} ORDER BY {order}").fetchall()
    model_id, metrics = conn.execute(
        "SELECT model_id, metrics FROM indb_ml.models WHERE name = %s "
        "ORDER BY model_id DESC LIMIT 1", [f"public.{out}"]).fetchone()
    iters = conn.execute("SELECT group_key, iteration, loss, grad_norm, step_size, rows, info FROM "
                         "indb_ml.model_iterations WHERE model_id = %s ORDER BY 1, 2", [model_id]).fetchall()
    return rows, metrics, iters


def _both_paths(conn, kind, query, out, cols):
    """The fit of ``query`` (source, features, grouping) on the source of ``kind``, from the stored
    statistics and from the pass: two (rows, metrics, iterations)."""
    src = SOURCES.get(kind, "ss_plain")
    grouping = "region" if kind == "grouped" else None
    cols = (["region"] if grouping else []) + cols
    return tuple(_fit(conn, query, [src, FEATURES, grouping], out, cols, stats) for stats in (True, False))


def _close(a, b, what):
    for ra, rb in zip(a, b, strict=True):
        for va, vb in zip(ra, rb, strict=True):
            if isinstance(va, (float, list)) and va is not None:
                np.testing.assert_allclose(np.asarray(va, dtype=float), np.asarray(vb, dtype=float),
                                           rtol=1e-10, atol=1e-12, err_msg=what)
            else:
                assert va == vb, what


def _packed_table(conn, prepared_id):
    name, = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE prepared_id = %s",
                         [prepared_id]).fetchone()
    return f"indb_ml_data.{name}"


LIN_COLS = ["coef", "r2", "std_err", "t_stats", "p_values", "condition_no", "num_rows_processed",
            "num_missing_rows_skipped", "variance_covariance"]
LOG_COLS = ["coef", "log_likelihood", "std_err", "z_stats", "p_values", "odds_ratios", "condition_no",
            "num_rows_processed", "num_missing_rows_skipped", "num_iterations", "converged", "variance_covariance"]


@pytest.mark.parametrize("kind", ["plain", "grouped", "partitioned", "view"])
def test_linregr_from_stats_equals_the_pass(conn, data, kind):
    (fast, _, it_fast), (slow, _, it_slow) = _both_paths(
        conn, kind, "SELECT indb_ml.linregr_train(%s, 'ss_lin', 'y', %s, %s)", "ss_lin", LIN_COLS)
    _close(fast, slow, f"linregr {kind}")
    assert it_fast[0][6]["from"] == "packing" and it_slow[0][6]["from"] == "pass"
    # and both are OLS on the finite rows (numpy)
    if kind == "plain":
        A = np.array([r[1:5] for r in data], dtype=float)
        A = A[np.isfinite(A).all(axis=1)]
        X = np.column_stack([np.ones(len(A)), A[:, :3]])
        coef = np.linalg.lstsq(X, A[:, 3], rcond=None)[0]
        np.testing.assert_allclose(fast[0][0], coef, rtol=1e-9)
        assert fast[0][6] == len(A) and fast[0][7] == N - len(A)


@pytest.mark.parametrize("kind", ["plain", "grouped", "partitioned", "view"])
def test_logistic_irls_first_iteration_from_stats(conn, data, kind):
    (fast, m_fast, it_fast), (slow, m_slow, it_slow) = _both_paths(
        conn, kind, "SELECT indb_ml.logregr_train(%s, 'ss_log', 'label', %s, %s, 20, 'irls', 1e-8)", "ss_log",
        LOG_COLS)
    _close(fast, slow, f"logregr {kind}")
    # the same recorded iterations (loss, gradient norm, step, rows), the first one without a pass
    assert len(it_fast) == len(it_slow) > 2
    for a, b in zip(it_fast, it_slow):
        assert a[:2] == b[:2] and a[5] == b[5] and a[6] == b[6]
        # a converged fit's last gradient norm is rounding noise: compared against the first one
        np.testing.assert_allclose(a[2:5], b[2:5], rtol=1e-12 if a[1] == 1 else 1e-9, atol=1e-10 * it_slow[0][3])
    assert m_fast["passes"] == m_slow["passes"] - 1


def test_intercept_added_by_the_kernel(conn, data):
    """glm's kernel appends the intercept column (``add_intercept``): its rows of XᵀX and Xᵀy come from n,
    Σx and Σy. margins' / robust's logistic IRLS and glm.py's binomial family do not all use it, so the
    kernel-level derivation is checked here against the design matrix itself."""
    import importlib.util
    import sys
    import types
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "plpython"
    pkg = types.ModuleType("ss_plk")
    pkg.__path__ = [str(root)]
    sys.modules["ss_plk"] = pkg
    mods = {}
    for name in ("blocks", "stats", "linregr", "suffstats"):
        spec = importlib.util.spec_from_file_location(f"ss_plk.{name}", root / f"{name}.py")
        mods[name] = importlib.util.module_from_spec(spec)
        sys.modules[f"ss_plk.{name}"] = mods[name]
        spec.loader.exec_module(mods[name])
    ss = mods["suffstats"]
    rng = np.random.default_rng(3)
    X = rng.normal(size=(700, 4)) + 2.0
    y = (rng.random(700) < 0.4).astype(float)
    s = None
    for lo in range(0, 700, 300):
        xb, yb = X[lo:lo + 300], y[lo:lo + 300]
        s = ss.transition(s, ss.clean_block(xb.tobytes(), yb.tobytes(), len(xb))[4])
    got = ss.logistic_at_zero(np.frombuffer(s), True)
    Xa = np.column_stack([X, np.ones(700)])
    np.testing.assert_allclose(got["hess"], Xa.T @ Xa / 4, rtol=1e-13)
    np.testing.assert_allclose(got["grad"], Xa.T @ (0.5 - y), rtol=1e-12, atol=1e-12)
    assert got["loss"] == pytest.approx(700 * np.log(2), rel=1e-15) and got["rows"] == 700 and got["bad"] == 0


def test_stored_sums_match_the_rows(conn, data):
    pid, = conn.execute("SELECT indb_ml.prepare('ss_plain', 'y', %s)", [FEATURES]).fetchone()
    packed = _packed_table(conn, pid)
    missing, = conn.execute(f"SELECT count(*) FROM {packed} WHERE n > 0 AND stats IS NULL").fetchone()
    assert missing == 0
    raw, = conn.execute(f"SELECT indb_ml.suffstats_agg(stats) FROM {packed}").fetchone()
    s = np.frombuffer(bytes(raw))
    A = np.array([r[1:5] for r in data], dtype=float)
    A = A[np.isfinite(A).all(axis=1)]
    X, y = np.column_stack([np.ones(len(A)), A[:, :3]]), A[:, 3]
    d = 4
    assert s[0] == len(A) and s[1] == d
    np.testing.assert_allclose(s[2:2 + d * d].reshape(d, d), X.T @ X, rtol=1e-12)
    o = 2 + d * d
    np.testing.assert_allclose(s[o:o + d], X.T @ y, rtol=1e-12)
    np.testing.assert_allclose(s[o + d:o + d + 2], [y @ y, y.sum()], rtol=1e-12)
    np.testing.assert_allclose(s[o + d + 2:o + 2 * d + 2], X.sum(axis=0), rtol=1e-12)
    assert s[o + 2 * d + 2] == np.count_nonzero(y * (1 - y))
    # then a first row and which columns vary (exactly): the intercept column does not
    np.testing.assert_array_equal(s[o + 3 * d + 3:], [0.0, 1.0, 1.0, 1.0])
    assert s[o + 2 * d + 3] == 1.0
    # stored out of line without a compression attempt (random float64 does not compress)
    storage, = conn.execute("SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'stats'",
                            [packed]).fetchone()
    assert storage == "e"


def test_copies_without_stats_fall_back_to_the_pass(conn, data):
    """A copy packed by an older version (no stats column) or with a block lacking them: the pass path, exact."""
    q = "SELECT indb_ml.logregr_train('ss_plain', 'ss_fb', 'label', %s, NULL, 20, 'irls', 1e-8)"
    ref, m_ref, _ = _fit(conn, q, [FEATURES], "ss_fb", LOG_COLS, False)
    pid, = conn.execute("SELECT prepared_id FROM indb_ml.models WHERE name = 'public.ss_fb'").fetchone()
    packed = _packed_table(conn, pid)
    conn.execute(f"UPDATE {packed} SET stats = NULL WHERE block = (SELECT min(block) FROM {packed} WHERE n > 0)")
    one_missing, m_one, _ = _fit(conn, q, [FEATURES], "ss_fb", LOG_COLS, True)
    assert m_one["passes"] == m_ref["passes"]
    conn.execute(f"ALTER TABLE {packed} DROP COLUMN stats")
    no_column, m_none, _ = _fit(conn, q, [FEATURES], "ss_fb", LOG_COLS, True)
    assert m_none["passes"] == m_ref["passes"]
    for rows in (one_missing, no_column):
        _close(rows, ref, "fallback")
    lin = "SELECT indb_ml.linregr_train('ss_plain', 'ss_fb2', 'label', %s)"   # the same packed copy
    _, _, it = _fit(conn, lin, [FEATURES], "ss_fb2", ["coef"], True)
    assert it[0][6]["from"] == "pass"
    conn.execute("SELECT indb_ml.drop_prepared('ss_plain')")


def test_wide_blocks_store_no_statistics_and_still_drop_bad_rows():
    """Past MAX_FEATURES a block's d x d statistics are not computed: f8_clean still drops the rows
    holding NaN or infinities, and says which block it kept whole."""
    from plpython import suffstats as ss

    rng = np.random.default_rng(5)
    d = ss.MAX_FEATURES + 1
    X, y = rng.normal(size=(40, d)), rng.normal(size=40)
    assert ss.clean_block(X.tobytes(), y.tobytes(), 40) == (None,) * 5
    X[3, 7], y[9] = np.nan, np.inf
    x_out, y_out, kept, dropped, stats = ss.clean_block(X.tobytes(), y.tobytes(), 40)
    assert (kept, dropped, stats) == (38, 2, None)
    np.testing.assert_array_equal(np.frombuffer(x_out).reshape(38, d), np.delete(X, [3, 9], axis=0))
    narrow = ss.clean_block(X[:, :ss.MAX_FEATURES].tobytes(), y.tobytes(), 40)
    assert narrow[2] == 38 and narrow[4] is not None


def test_a_wide_source_fits_through_its_passes(conn):
    """A source wider than MAX_FEATURES packs without statistics; linregr takes its pass and is OLS."""
    from plpython import suffstats as ss

    d = ss.MAX_FEATURES + 2
    rng = np.random.default_rng(6)
    X = rng.normal(size=(600, d))
    y = X @ rng.normal(size=d) + rng.normal(scale=0.1, size=600)
    conn.execute("DROP TABLE IF EXISTS ss_wide")
    conn.execute("CREATE TABLE ss_wide (x float8[], y float8)")
    with conn.cursor().copy("COPY ss_wide (x, y) FROM STDIN") as cp:
        for row, target in zip(X, y):
            cp.write_row(["{" + ",".join(repr(float(v)) for v in row) + "}", float(target)])
    rows, _, it = _fit(conn, "SELECT indb_ml.linregr_train('ss_wide', 'ss_wide_m', 'y', 'x')", [], "ss_wide_m",
                       ["coef"], True)
    assert it[0][6]["from"] == "pass"
    np.testing.assert_allclose(rows[0][0], np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-8, atol=1e-10)
    packed = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_table = 'public.ss_wide'"
                          ).fetchone()[0]
    assert conn.execute(f"SELECT count(*) FROM indb_ml_data.{packed} WHERE stats IS NOT NULL").fetchone()[0] == 0
    conn.execute("SELECT indb_ml.drop_prepared('ss_wide')")
    conn.execute("DROP TABLE ss_wide, ss_wide_m, ss_wide_m_summary")


@pytest.mark.parametrize("labels,expect", [
    ("(id % 3)::int", "rows of public.ss_lab have a label that is not valid"),
    ("1", "has a single value"),
    ("CASE WHEN region = 'east' THEN 1 ELSE id % 2 END", "in group"),
])
def test_label_errors_unchanged(conn, data, labels, expect):
    conn.execute("DROP TABLE IF EXISTS ss_lab")
    conn.execute(f"CREATE TABLE ss_lab AS SELECT id, region, x1, x2, x3, {labels} AS lab FROM ss_plain")
    grouping = "region" if "group" in expect else None
    messages = []
    for use_stats in (True, False):
        conn.execute(f"SET indb_ml.sufficient_stats = {'on' if use_stats else 'off'}")
        with pytest.raises(psycopg.errors.Error) as exc:
            conn.execute("SELECT indb_ml.logregr_train('ss_lab', 'ss_lab_m', 'lab', %s, %s)", [FEATURES, grouping])
        conn.execute("RESET indb_ml.sufficient_stats")
        messages.append(exc.value.diag.message_primary)
    assert messages[0] == messages[1] and expect in messages[0]
