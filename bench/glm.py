"""GLM benchmark: 1M x 20 synthetic (seeded, known coefficients), median of 3 runs.

    python bench/glm.py [--dsn DSN] [--rows 1000000] [--repeat 3]

Reports: bare scan (SELECT sum(x[2])), prepare (packing), one full-gradient pass, logistic IRLS to
tolerance 1e-4 (with and without prepare), logistic SGD, linear SVM (squared hinge, L-BFGS), and
scikit-learn fitted after exporting the table with psycopg (export time shown separately).
Without --dsn a throwaway local cluster is started under a temporary directory.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def timed(fn, repeat):
    """Median seconds of ``repeat`` runs."""
    return common.timed(fn, repeat)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsn")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with common.server(args.dsn) as dsn:
        run(dsn, args.rows, args.repeat)


def run(dsn, n, repeat):
    d = 20
    c = psycopg.connect(dsn, autocommit=True)
    c.execute("DROP TABLE IF EXISTS bench_glm CASCADE")
    c.execute("SELECT setseed(0.42)")
    coefs = ", ".join(f"{(-1) ** j * 0.1 * (j % 5 + 1)}" for j in range(d))
    c.execute(f"""CREATE TABLE bench_glm AS
        SELECT i AS id, x, (random() < 1 / (1 + exp(-(0.3 + (SELECT sum(a * b) FROM unnest(x, ARRAY[{coefs}]) t(a, b))))))
               AS y
        FROM (SELECT i, ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, {d}) WHERE i > 0)::float8[] AS x
              FROM generate_series(1, {n}) i) s""")
    c.execute("UPDATE bench_glm SET x = array_prepend(1.0::float8, x)")
    c.execute("VACUUM ANALYZE bench_glm")
    res = {}
    res["scan"] = timed(lambda: c.execute("SELECT sum(x[2]) FROM bench_glm").fetchone(), repeat)

    def prep():
        c.execute("SELECT indb_ml.drop_prepared('bench_glm')")
        c.execute("SELECT indb_ml.prepare('bench_glm', 'y', 'x')")
    res["prepare"] = timed(prep, 1)
    prep()
    table = c.execute("SELECT table_name FROM indb_ml.prepared_data ORDER BY prepared_id DESC LIMIT 1").fetchone()[0]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plpython"))
    task = bytes(_task(d + 1))
    res["gradient pass"] = timed(lambda: c.execute(
        f"SELECT part, indb_ml.glm_pass(x, y, n, shuffle_key, %s) FROM indb_ml_data.{table} WHERE n > 0 GROUP BY part",
        [task]).fetchall(), repeat)

    def train(sql, params):
        c.execute("DROP TABLE IF EXISTS bench_m, bench_m_summary")
        return c.execute(sql, params).fetchone()[0]
    out = {}
    res["logregr irls (prepared)"] = timed(lambda: out.__setitem__("irls", train(
        "SELECT indb_ml.logregr_train('bench_glm', 'bench_m', 'y', 'x', NULL, 20, 'irls', 1e-4)", [])), repeat)
    irls_ll = c.execute("SELECT log_likelihood, num_iterations FROM bench_m").fetchone()
    res["logregr irls incl. prepare"] = res["logregr irls (prepared)"] + res["prepare"]
    res["logregr sgd (prepared)"] = timed(lambda: train(
        "SELECT indb_ml.logregr_train('bench_glm', 'bench_m', 'y', 'x', NULL, 3, 'sgd', 1e-4)", []), repeat)
    sgd_ll = c.execute("SELECT log_likelihood FROM bench_m").fetchone()[0]
    lam = 1e-4
    res["svm lbfgs (prepared)"] = timed(lambda: train(
        "SELECT indb_ml.svm_classification('bench_glm', 'bench_m', 'y', 'x', 'linear', NULL, NULL, %s)",
        [f"lambda={lam}, max_iter=100, tolerance=1e-6"]), repeat)
    svm_obj, svm_it = c.execute("SELECT loss, num_iterations FROM bench_m").fetchone()

    t0 = time.perf_counter()
    cur = c.cursor(binary=True)
    rows = cur.execute("SELECT x, y FROM bench_glm").fetchall()
    X = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows], dtype=float)
    res["export (psycopg)"] = time.perf_counter() - t0
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC
    res["sklearn logistic lbfgs"] = timed(lambda: LogisticRegression(penalty=None, fit_intercept=False, tol=1e-4,
                                                                      max_iter=200).fit(X, y), 1)
    skl = LinearSVC(C=1 / (lam * len(y)), fit_intercept=False, dual=False, tol=1e-6, max_iter=1000)
    res["sklearn LinearSVC"] = timed(lambda: skl.fit(X, y), 1)
    t = 2 * y - 1
    sk_obj = np.mean(np.maximum(0, 1 - t * (X @ skl.coef_[0])) ** 2) + lam / 2 * skl.coef_[0] @ skl.coef_[0]
    print(f"rows={n} features={d}+1 repeat={repeat} (median)")
    for k, v in res.items():
        print(f"  {k:32s} {v:8.3f} s   {v / res['scan']:6.2f}x scan")
    print(f"  irls: log_likelihood={irls_ll[0]:.6f} iterations={irls_ll[1]}; sgd (3 epochs) log_likelihood={sgd_ll:.6f} "
          f"(rel diff {abs(sgd_ll - irls_ll[0]) / abs(irls_ll[0]):.2e})")
    print(f"  svm objective ours={svm_obj:.8f} ({svm_it} iterations) sklearn={sk_obj:.8f}")
    print(f"  {out['irls']}")


def _task(p):
    import importlib.util
    import types
    root = Path(__file__).resolve().parent.parent / "plpython"
    pkg = types.ModuleType("plk")
    pkg.__path__ = [str(root)]
    sys.modules["plk"] = pkg
    spec = importlib.util.spec_from_file_location("plk.optimizers", root / "optimizers.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["plk.optimizers"] = mod
    spec.loader.exec_module(mod)
    return mod.make_task("logistic", "grad", p, 1, np.zeros(p))


if __name__ == "__main__":
    main()
