"""Where greedy k-means++ misses on the k = 50 blobs of the tests, and what the local-search pass buys.

    python bench/kmeans_seeding.py [--seeds 600] [--shape k50]

No server: the k-means kernels (plpython/) run over in-memory blocks through the real driver
(tests/kmeans_data.py's LocalPasses), so thousands of seeds take minutes. Per seed 0..N-1 and
one start each, whether the final objective equals the optimum (1e-9 relative) for:

* ours: greedy k-means++ alone (``local_search=False``) and the default (greedy + one swap
  pass), each followed by our Lloyd;
* scikit-learn ``KMeans(n_init=1, random_state=seed)`` (its greedy k-means++ and Lloyd);
* seeding apart from Lloyd: our greedy seeds into scikit-learn's Lloyd
  (``KMeans(init=centres, n_init=1)``), scikit-learn's ``kmeans_plusplus`` seeds into our Lloyd.

Prints the success counts and the failing seeds with their objective / optimum.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from kmeans_data import LocalPasses, blobs, optimum  # noqa: E402

from plpython import kmeans_driver  # noqa: E402  (kmeans_data puts the checkout on sys.path)


def run(shape, seeds):
    from sklearn.cluster import KMeans, kmeans_plusplus

    warnings.filterwarnings("ignore")
    X, lab, k = blobs(shape)
    best = optimum(X, lab)
    local = LocalPasses(X)
    misses = {name: [] for name in ("greedy k-means++ (ours, no swap)", "default: greedy + swap pass (ours)",
                                    "scikit-learn KMeans(n_init=1)", "our greedy seeds + scikit-learn Lloyd",
                                    "scikit-learn seeds + our Lloyd")}

    def lloyd(C, var):
        return kmeans_driver.lloyd_runs(local, C[None], k, 300, 1e-4 * var)[0]["result"]["objective"]

    for s in range(seeds):
        got = {}
        for name, swap in (("greedy k-means++ (ours, no swap)", False), ("default: greedy + swap pass (ours)", True)):
            C, var = kmeans_driver.seed_runs(local, "kmeans++", k, 1, s, X.shape[1], local_search=swap)
            got[name] = lloyd(C[0], var)
            if not swap:
                got["our greedy seeds + scikit-learn Lloyd"] = KMeans(k, init=C[0], n_init=1).fit(X).inertia_
        got["scikit-learn KMeans(n_init=1)"] = KMeans(k, n_init=1, random_state=s).fit(X).inertia_
        got["scikit-learn seeds + our Lloyd"] = lloyd(kmeans_plusplus(X, k, random_state=s)[0], var)
        for name, obj in got.items():
            if abs(obj - best) > 1e-9 * best:
                misses[name].append((s, round(float(obj) / best, 3)))
    return {"shape": shape, "k": k, "rows": len(X), "seeds": seeds, "misses": misses}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--shape", default="k50", choices=["equal", "unequal", "k50", "auto"])
    args = ap.parse_args(argv)
    out = run(args.shape, args.seeds)
    print(f"blobs '{out['shape']}' (k = {out['k']}, {out['rows']} rows), seeds 0..{out['seeds'] - 1}, one start each:")
    for name, miss in out["misses"].items():
        print(f"  {name:40s} optimum for {out['seeds'] - len(miss):4d}/{out['seeds']}   misses (seed, objective/optimum): "
              f"{miss[:12]}{' ...' if len(miss) > 12 else ''}")
    return out


if __name__ == "__main__":
    main()
