"""Multinomial-logistic family benchmark: synthetic n x 6 (+ intercept), 4 categories, seeded.

    python bench/mlogregr.py [--dsn DSN] [--rows 200000] [--repeat 3]

Times (median of --repeat): each call's first run (which packs what it needs), then its runs on the
packed copy: mlogregr_train, robust_variance_mlogregr, clustered_variance_mlogregr (100 clusters) and margins_mlogregr (each a fit
plus one mlogregr_stats_agg pass), and statsmodels' MNLogit on the same rows: the export with psycopg,
the fit, the fit with cov_type='HC0', the fit with cov_type='cluster', get_margeff(). Ratios are ours
over statsmodels' (fit + the export) measured in the same run. Without --dsn a throwaway local
cluster is started under a temporary directory.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import statsmodels.api as sm

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

D, K = 6, 4
FEATURES = "ARRAY[1, " + ", ".join(f"x{j}" for j in range(D)) + "]"
TIGHT = "'max_iter=20, optimizer=irls, tolerance=1e-4'"


def make_table(c, n):
    rng = np.random.default_rng(11)
    X = rng.normal(size=(n, D))
    B = rng.normal(scale=0.5, size=(K - 1, D + 1))
    eta = np.column_stack([np.zeros(n), np.column_stack([np.ones(n), X]) @ B.T])
    p = np.exp(eta - eta.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    y = (rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    cl = rng.integers(0, 100, n)
    c.execute("DROP TABLE IF EXISTS bench_mlogr CASCADE")
    c.execute("CREATE TABLE bench_mlogr (" + ", ".join(f"x{j} float8" for j in range(D)) + ", cl int, y int)")
    with c.cursor().copy("COPY bench_mlogr FROM STDIN") as cp:
        for i in range(n):
            cp.write_row((*map(float, X[i]), int(cl[i]), int(y[i])))
    c.execute("VACUUM ANALYZE bench_mlogr")


def run(dsn, n, repeat):
    c = common.connect(dsn)
    make_table(c, n)
    res = {}

    def call(sql):
        c.execute("DROP TABLE IF EXISTS bench_mo, bench_mo_summary")
        c.execute(sql)
    ours = {
        "mlogregr_train": f"SELECT indb_ml.mlogregr_train('bench_mlogr', 'bench_mo', 'y', '{FEATURES}', 0, {TIGHT})",
        "robust_variance_mlogregr": f"SELECT indb_ml.robust_variance_mlogregr('bench_mlogr', 'bench_mo', 'y', "
                                    f"'{FEATURES}', 0, NULL, {TIGHT})",
        "clustered_variance_mlogregr": f"SELECT indb_ml.clustered_variance_mlogregr('bench_mlogr', 'bench_mo', 'y', "
                                       f"'{FEATURES}', 'cl', 0, NULL, {TIGHT})",
        "margins_mlogregr": f"SELECT indb_ml.margins_mlogregr('bench_mlogr', 'bench_mo', 'y', '{FEATURES}', 0, NULL, "
                            f"NULL, {TIGHT})"}
    for name, sql in ours.items():
        # the first call packs what it needs (mlogregr_train: the source; clustered: again by cluster)
        res[f"{name} (first call)"] = common.timed(lambda: call(sql), 1)[0]
        res[name] = common.timed(lambda: call(sql), repeat)[0]

    def export():
        rows = c.execute("SELECT " + ", ".join(f"x{j}" for j in range(D)) + ", cl, y FROM bench_mlogr").fetchall()
        a = np.asarray(rows, dtype=float)
        return sm.add_constant(a[:, :D], has_constant="add"), a[:, D].astype(int), a[:, D + 1].astype(int)
    res["statsmodels: export"], _ = common.timed(export, repeat)
    X, cl, y = export()
    fit = lambda **kw: sm.MNLogit(y, X).fit(method="newton", disp=0, maxiter=20, **kw)   # noqa: E731
    res["statsmodels: MNLogit fit"] = common.timed(fit, repeat)[0]
    res["statsmodels: fit + HC0"] = common.timed(lambda: fit(cov_type="HC0").bse, repeat)[0]
    res["statsmodels: fit + cluster"] = common.timed(
        lambda: fit(cov_type="cluster", cov_kwds={"groups": cl}).bse, repeat)[0]
    res["statsmodels: fit + get_margeff"] = common.timed(lambda: fit().get_margeff().margeff_se, repeat)[0]
    print(f"rows {n}, {D + 1} features, {K} categories; median of {repeat}")
    for k, v in res.items():
        print(f"  {k:42s} {v:8.3f} s")
    ex = res["statsmodels: export"]
    for ours_name, ref in (("mlogregr_train", "statsmodels: MNLogit fit"),
                           ("robust_variance_mlogregr", "statsmodels: fit + HC0"),
                           ("clustered_variance_mlogregr", "statsmodels: fit + cluster"),
                           ("margins_mlogregr", "statsmodels: fit + get_margeff")):
        print(f"  ratio {ours_name} / ({ref} + export): {res[ours_name] / (res[ref] + ex):.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsn")
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with common.server(args.dsn) as dsn:
        run(dsn, args.rows, args.repeat)


if __name__ == "__main__":
    main()
