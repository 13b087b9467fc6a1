"""Kernel SVM (MADlib's random feature maps) vs the linear SVM and the per-row alternatives, in one run.

    .venv/bin/python bench/svm_kernels.py [--dsn DSN] [--rows 50000] [--components 100] [--repeat 3]

Synthetic data: rows x 10 features, a non-linear label (inside / outside a sphere). Times (median of
--repeat), every figure reported as a ratio against one measured in the same run:
* ``train linear`` / ``train gaussian``: svm_classification (squared hinge, L-BFGS, max_iter 20) on the
  features, and on their random Fourier features (the blocks mapped once, per block, in the kernel);
* ``predict chunked``: svm_predict of the gaussian model (rows gathered into chunks, one kernel call each)
  vs ``predict per row``: the same decision values by svm_map_features + linregr_predict per row;
* ``scikit-learn``: RBFSampler + LinearSVC(squared hinge) on the client over the same rows (data already
  in memory; the transfer is not counted).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import connect, server, timed  # noqa: E402

D = 10


def make_data(conn, n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, D))
    y = ((X ** 2).sum(axis=1) > D).astype(int)
    conn.execute("DROP TABLE IF EXISTS svk")
    conn.execute("CREATE TABLE svk (id bigint PRIMARY KEY, x float8[], y int)")
    with conn.cursor().copy("COPY svk FROM STDIN") as cp:
        for i in range(n):
            cp.write_row([i, X[i].tolist(), int(y[i])])
    conn.execute("ANALYZE svk")
    return X, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsn")
    ap.add_argument("--rows", type=int, default=50000)
    ap.add_argument("--components", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    kp = f"gamma=0.05, n_components={args.components}, fit_intercept=true"
    with server(args.dsn) as dsn, connect(dsn) as conn:
        conn.execute("SET client_min_messages = warning")
        X, y = make_data(conn, args.rows)
        lam = 1.0 / args.rows

        def train(kernel, params, name):
            def run():
                conn.execute(f"DROP TABLE IF EXISTS {name}, {name}_summary")
                conn.execute("SELECT indb_ml.svm_classification('svk', %s, 'y', 'x', %s, %s, NULL, %s)",
                             [name, kernel, params, f"lambda={lam}, max_iter=20"])
            return run

        t_lin, _ = timed(train("linear", None, "svk_lin"), args.repeat)
        t_gau, _ = timed(train("gaussian", kp, "svk_gau"), args.repeat)

        def predict_chunked():
            conn.execute("DROP TABLE IF EXISTS svk_p")
            conn.execute("SELECT indb_ml.svm_predict('svk_gau', 'svk', 'id', 'svk_p')")

        def predict_rows():
            conn.execute("DROP TABLE IF EXISTS svk_p2")
            conn.execute("CREATE TABLE svk_p2 AS SELECT s.id, indb_ml.linregr_predict(m.coef, "
                         "indb_ml.svm_map_features(s.x, (SELECT kernel_map FROM svk_gau_summary))) AS v "
                         "FROM svk s, svk_gau m")

        t_pc, _ = timed(predict_chunked, args.repeat)
        t_pr, _ = timed(predict_rows, args.repeat)
        same = conn.execute("SELECT max(abs(p.decision_function - q.v)) FROM svk_p p JOIN svk_p2 q USING (id)"
                            ).fetchone()[0]
        acc_gau = conn.execute("SELECT avg((p.prediction = s.y)::int)::float8 FROM svk_p p JOIN svk s USING (id)"
                               ).fetchone()[0]

        def sklearn():
            from sklearn.kernel_approximation import RBFSampler
            from sklearn.svm import LinearSVC
            Z = RBFSampler(gamma=0.05, n_components=args.components, random_state=1).fit_transform(X)
            sklearn.acc = LinearSVC(C=1.0, loss="squared_hinge", max_iter=20, dual=False).fit(Z, y).score(Z, y)

        t_sk, _ = timed(sklearn, args.repeat)
        out = {"rows": args.rows, "components": args.components,
               "train_linear_s": round(t_lin, 3), "train_gaussian_s": round(t_gau, 3),
               "gaussian_over_linear": round(t_gau / t_lin, 2),
               "predict_chunked_s": round(t_pc, 3), "predict_per_row_s": round(t_pr, 3),
               "per_row_over_chunked": round(t_pr / t_pc, 2), "max_decision_difference": same,
               "sklearn_s": round(t_sk, 3), "gaussian_over_sklearn": round(t_gau / t_sk, 2),
               "accuracy_gaussian": round(acc_gau, 4), "accuracy_sklearn": round(sklearn.acc, 4)}
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
