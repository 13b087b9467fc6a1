"""k-fold cross-validation on packed blocks vs the two usual ways of doing it, in one run.

    .venv/bin/python bench/cross_validate.py [--dsn DSN] [--rows 200000] [--folds 5]

Synthetic logistic data (rows x 10 features). Times (median of --repeat):
* ``cross_validate``: indb_ml.cross_validate (the source packed once, folds are block ids);
* ``repack per fold``: per fold, CREATE TABLE of the training rows + logregr_train (packs it again),
  the usual SQL way without fold support;
* ``scikit-learn``: pull the table to the client (COPY) and sklearn.model_selection.cross_val_score
  with LogisticRegression (lbfgs, unpenalised).
and one logregr_train on all rows from the packed copy. Reports the ratios against
``cross_validate`` measured in the same run.
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
    conn.execute("DROP TABLE IF EXISTS cvb")
    cols = ", ".join(f"x{j} float8" for j in range(D))
    conn.execute(f"CREATE TABLE cvb (id bigint PRIMARY KEY, {cols}, y int)")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, D))
    w = rng.normal(size=D)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w)))).astype(int)
    with conn.cursor().copy("COPY cvb FROM STDIN") as cp:
        for i in range(n):
            cp.write_row([i, *X[i].tolist(), int(y[i])])
    conn.execute("ANALYZE cvb")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsn")
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    feats = "ARRAY[1, " + ", ".join(f"x{j}" for j in range(D)) + "]"
    k = args.folds
    with server(args.dsn) as dsn, connect(dsn) as conn:
        make_data(conn, args.rows)

        def ours():
            conn.execute("DROP TABLE IF EXISTS cvb_cv, cvb_cv_folds")
            conn.execute("SELECT indb_ml.drop_prepared('cvb')")      # include packing, as a first call pays it
            conn.execute("SELECT indb_ml.cross_validate('logregr_train', 'cvb', 'cvb_cv', 'y', %s, %s, %s, 0)",
                         [feats, json.dumps({"max_iter": 20, "tolerance": 1e-8}), k])

        def repack():
            for f in range(k):
                conn.execute("DROP TABLE IF EXISTS cvb_tr, cvb_m, cvb_m_summary")
                conn.execute(f"CREATE TABLE cvb_tr AS SELECT * FROM cvb WHERE hashint8(id) % {k} <> {f}")
                conn.execute("SELECT indb_ml.logregr_train('cvb_tr', 'cvb_m', 'y', %s, NULL, 20, 'irls', 1e-8)",
                             [feats])
            conn.execute("DROP TABLE IF EXISTS cvb_tr, cvb_m, cvb_m_summary")

        def sklearn():
            from sklearn.linear_model import LogisticRegression
            from sklearn.model_selection import cross_val_score

            cur = conn.execute("SELECT " + ", ".join(f"x{j}" for j in range(D)) + ", y FROM cvb")
            data = np.array(cur.fetchall(), dtype=float)
            cross_val_score(LogisticRegression(C=np.inf, max_iter=1000), data[:, :D], data[:, D], cv=k)

        def one_fit():
            conn.execute("DROP TABLE IF EXISTS cvb_m, cvb_m_summary")
            conn.execute("SELECT indb_ml.logregr_train('cvb', 'cvb_m', 'y', %s, NULL, 20, 'irls', 1e-8)", [feats])

        one_fit()                                   # packs; the timed runs reuse the packed copy
        t_fit, _ = timed(one_fit, args.repeat)
        conn.execute("DROP TABLE IF EXISTS cvb_m, cvb_m_summary")
        t_ours, runs_ours = timed(ours, args.repeat)
        t_repack, runs_repack = timed(repack, args.repeat)
        t_sk, runs_sk = timed(sklearn, args.repeat)
        acc = conn.execute("SELECT accuracy FROM cvb_cv WHERE fold IS NULL").fetchone()[0]
        print(f"rows={args.rows} features={D} folds={k} (median of {args.repeat})")
        print(f"cross_validate (pack once, folds on blocks): {t_ours:.2f} s  runs={[round(r, 2) for r in runs_ours]}"
              f"  mean accuracy {acc:.4f}")
        print(f"one logregr_train on all rows (packed):     {t_fit:.2f} s  cross_validate / ({k} x that) = "
              f"{t_ours / (k * t_fit):.2f}")
        print(f"repack per fold + logregr_train:            {t_repack:.2f} s  ratio {t_repack / t_ours:.2f}x")
        print(f"client COPY + scikit-learn cross_val_score: {t_sk:.2f} s  ratio {t_sk / t_ours:.2f}x")
        conn.execute("DROP TABLE IF EXISTS cvb, cvb_cv, cvb_cv_folds")


if __name__ == "__main__":
    main()
