"""The glm_pass kernel (plpython/optimizers.py) on in-memory blocks, against the formulas in numpy:
the logistic and Poisson loss, gradient and Hessian (also at w = 0, where IRLS starts and the
kernel takes a shortcut), several blocks merged as parallel workers would; linregr's state too."""
import numpy as np
import pytest

from plpython import blocks, linregr, optimizers


def data(n=1500, d=6, seed=0):
    rng = np.random.default_rng(seed)
    X = np.hstack([np.ones((n, 1)), rng.normal(size=(n, d - 1))])
    return X, rng


def run_pass(family, mode, X, y, w, size=400):
    """The kernel over blocks of ``size`` rows, each block's state merged into the previous ones."""
    task = optimizers.make_task(family, mode, X.shape[1], 1, w)
    acc = None
    for i in range(0, len(X), size):
        st = optimizers.transition(None, blocks.to_bytes(X[i:i + size]), blocks.to_bytes(y[i:i + size]),
                                   len(X[i:i + size]), i, task)
        st = optimizers.transition(st, blocks.to_bytes(X[i:i + size]), blocks.to_bytes(y[i:i + size]),
                                   len(X[i:i + size]), i, task)    # every block twice: in-state adding too
        acc = optimizers.merge(acc, st)
    return optimizers.unpack_state(acc, X.shape[1], 1)


def logistic_reference(X, y, w):
    m = X @ w
    p = 1.0 / (1.0 + np.exp(-m))
    loss = float(np.sum(np.logaddexp(0.0, m) - y * m))
    return loss, X.T @ (p - y), (X * (p * (1 - p))[:, None]).T @ X


@pytest.mark.parametrize("at_zero", [True, False])
def test_logistic_pass_matches_the_formulas(at_zero):
    X, rng = data()
    w = np.zeros(X.shape[1]) if at_zero else rng.normal(scale=0.7, size=X.shape[1])
    y = (rng.random(len(X)) < 0.4).astype(float)
    loss, grad, hess = logistic_reference(X, y, w)
    st = run_pass("logistic", "hess", X, y, w)
    assert st["rows"] == 2 * len(X) and st["bad"] == 0
    np.testing.assert_allclose(st["loss"], 2 * loss, rtol=1e-12)
    np.testing.assert_allclose(st["grad"], 2 * grad, rtol=1e-11, atol=1e-9)
    np.testing.assert_allclose(st["hess"], 2 * hess, rtol=1e-11, atol=1e-9)
    np.testing.assert_array_equal(st["hess"], st["hess"].T)      # symmetrised once per pass
    g = run_pass("logistic", "grad", X, y, w)
    np.testing.assert_allclose(g["loss"], 2 * loss, rtol=1e-12)
    np.testing.assert_allclose(g["grad"], 2 * grad, rtol=1e-11, atol=1e-9)
    if at_zero:
        np.testing.assert_allclose(st["loss"], 2 * len(X) * np.log(2.0), rtol=1e-14)
        np.testing.assert_allclose(st["hess"], 0.5 * X.T @ X, rtol=1e-12)


def test_logistic_pass_stable_for_large_margins():
    X, rng = data(n=300)
    w = rng.normal(scale=400.0, size=X.shape[1])       # |m| in the hundreds: e^-|m| underflows
    y = (rng.random(len(X)) < 0.5).astype(float)
    st = run_pass("logistic", "hess", X, y, w, size=128)
    m = X @ w
    np.testing.assert_allclose(st["loss"], 2 * np.sum(np.logaddexp(0.0, m) - y * m), rtol=1e-12)
    assert np.isfinite(st["grad"]).all() and np.isfinite(st["hess"]).all()


def test_logistic_pass_counts_bad_labels():
    X, rng = data(n=200)
    y = (rng.random(len(X)) < 0.5).astype(float)
    y[:3] = [2.0, -1.0, 0.5]
    st = run_pass("logistic", "hess", X, y, np.zeros(X.shape[1]), size=1000)
    assert st["bad"] == 6          # three per block, the block added twice


def test_poisson_pass_matches_the_formulas():
    X, rng = data()
    w = rng.normal(scale=0.2, size=X.shape[1])
    y = rng.poisson(np.exp(X @ w)).astype(float)
    mu = np.exp(X @ w)
    st = run_pass("poisson", "hess", X, y, w)
    np.testing.assert_allclose(st["grad"], 2 * X.T @ (mu - y), rtol=1e-11, atol=1e-9)
    np.testing.assert_allclose(st["hess"], 2 * (X * mu[:, None]).T @ X, rtol=1e-11)


def test_linregr_state_matches_numpy():
    X, rng = data(n=1100, d=5)
    y = X @ rng.normal(size=5) + rng.normal(size=len(X))
    acc = None
    for i in range(0, len(X), 300):
        acc = linregr.merge(acc, linregr.transition(None, blocks.to_bytes(X[i:i + 300]),
                                                    blocks.to_bytes(y[i:i + 300]), len(X[i:i + 300])))
    n, d, XtX, Xty, yty, sum_y, sum_x = linregr.unpack_state(blocks.from_bytes(acc))
    assert (n, d) == (len(X), 5)
    np.testing.assert_allclose(XtX, X.T @ X, rtol=1e-12)
    np.testing.assert_allclose(Xty, X.T @ y, rtol=1e-12)
    np.testing.assert_allclose([yty, sum_y], [y @ y, y.sum()], rtol=1e-12)
    np.testing.assert_allclose(sum_x, X.sum(axis=0), rtol=1e-12, atol=1e-12)


def test_labels_known_good_skip_the_count():
    """A task built with check_labels=False (an earlier pass of the fit found every label usable) gives
    the same sums; it no longer counts labels, so only the driver's first pass can report bad ones."""
    X, rng = data(n=600)
    y = (rng.random(len(X)) < 0.5).astype(float)
    w = rng.normal(scale=0.3, size=X.shape[1])
    checked = run_pass("logistic", "hess", X, y, w)
    task = optimizers.make_task("logistic", "hess", X.shape[1], 1, w, check_labels=False)
    st = optimizers.unpack_state(optimizers.transition(None, blocks.to_bytes(X), blocks.to_bytes(y), len(X), 0, task),
                                 X.shape[1], 1)
    np.testing.assert_allclose(2 * st["loss"], checked["loss"], rtol=1e-12)
    np.testing.assert_allclose(2 * st["hess"], checked["hess"], rtol=1e-11)
    y[0] = 3.0
    bad = optimizers.transition(None, blocks.to_bytes(X), blocks.to_bytes(y), len(X), 0, task)
    assert optimizers.unpack_state(bad, X.shape[1], 1)["bad"] == 0


def test_gradient_pass_with_stats_sums_the_columns_too():
    """with_stats: a gradient pass that also gives what a stats pass gives (an L-BFGS fit's first pass)."""
    X, rng = data(n=900)
    y = (rng.random(len(X)) < 0.5).astype(float)
    w = np.zeros(X.shape[1])
    plain = run_pass("logistic", "grad", X, y, w)
    stats = run_pass("logistic", "stats", X, y, w)
    task = optimizers.make_task("logistic", "grad", X.shape[1], 1, w, with_stats=True)
    acc = None
    for i in range(0, len(X), 400):
        acc = optimizers.merge(acc, optimizers.transition(None, blocks.to_bytes(X[i:i + 400]),
                                                          blocks.to_bytes(y[i:i + 400]), len(X[i:i + 400]), i, task))
    both = optimizers.unpack_state(acc, X.shape[1], 1)
    np.testing.assert_allclose(2 * both["loss"], plain["loss"], rtol=1e-14)
    np.testing.assert_allclose(2 * both["grad"], plain["grad"], rtol=1e-12)
    np.testing.assert_allclose(2 * both["sum_x"], stats["sum_x"], rtol=1e-12)
    np.testing.assert_allclose(2 * both["sum_x2"], stats["sum_x2"], rtol=1e-12)
    assert "sum_x" not in plain


def test_work_arrays_shared_by_interleaved_tasks():
    """The kernels keep work arrays (and the last parsed task) from block to block in a process: blocks of
    two fits of different shapes (features, intercept, block sizes, w = 0 or not), interleaved block by
    block as one backend could run them, each still give their own fit's formulas."""
    X1, rng = data(n=1300, d=6, seed=1)
    X2, _ = data(n=700, d=3, seed=2)
    y1 = (rng.random(len(X1)) < 0.4).astype(float)
    y2 = (rng.random(len(X2)) < 0.6).astype(float)
    w1 = rng.normal(scale=0.5, size=6)
    w2 = rng.normal(scale=0.5, size=4)          # 3 packed features + the intercept the kernel appends
    fits = [("hess", X1, y1, w1, False, 6, 500), ("hess", X2, y2, w2, True, 4, 230),
            ("grad", X1, y1, np.zeros(6), False, 6, 350), ("hess", X2, y2, np.zeros(4), True, 4, 300)]
    tasks = [optimizers.make_task("logistic", mode, X.shape[1], 1, w, add_intercept=ai)
             for mode, X, y, w, ai, dd, size in fits]
    pending = [[(lo, min(lo + size, len(X))) for lo in range(0, len(X), size)] for _, X, _, _, _, _, size in fits]
    acc = [None] * len(fits)
    while any(pending):   # a block of each fit in turn
        for i, (mode, X, y, w, ai, dd, size) in enumerate(fits):
            if pending[i]:
                lo, hi = pending[i].pop(0)
                acc[i] = optimizers.transition(acc[i], blocks.to_bytes(X[lo:hi]), blocks.to_bytes(y[lo:hi]),
                                               hi - lo, lo, tasks[i])
    for (mode, X, y, w, ai, dd, size), st in zip(fits, acc):
        got = optimizers.unpack_state(st, dd, 1)
        Xd = np.hstack([X, np.ones((len(X), 1))]) if ai else X
        loss, g, H = logistic_reference(Xd, y, w)
        assert got["rows"] == len(X)
        np.testing.assert_allclose(got["loss"], loss, rtol=1e-12)
        np.testing.assert_allclose(got["grad"], g, rtol=1e-10, atol=1e-10)
        if mode == "hess":
            np.testing.assert_allclose(got["hess"], H, rtol=1e-10, atol=1e-10)
