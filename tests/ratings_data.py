"""Ratings for the ALS tests: MovieLens 100K when a copy is at hand, generated ratings always.

MovieLens may not be redistributed (GroupLens terms), so it is never committed: it is used from
``$INDB_ML_MOVIELENS_100K`` or ``../shared/data/movielens-100k`` beside the checkout when present.
The generated set has MovieLens 100K's shape (943 users, 1,682 items, 100,000 integer ratings 1..5,
popularity skewed both ways, an 80/20 split) from a known model - global mean + user and item biases +
a rank-5 product + noise - so its test RMSE has a reference: the RMSE of the true model itself.
"""
from __future__ import annotations

import gzip
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from conftest import SHARED_DATA

MOVIELENS = Path(os.environ.get("INDB_ML_MOVIELENS_100K", SHARED_DATA / "movielens-100k"))
N_USERS, N_ITEMS, N_RATINGS, TRUE_RANK, NOISE = 943, 1682, 100_000, 5, 0.8


def movielens_available() -> bool:
    return (MOVIELENS / "u1.base.gz").exists() and (MOVIELENS / "u1.test.gz").exists()


def movielens_split(name: str) -> np.ndarray:
    """u1.base / u1.test as (user, item, rating, timestamp) int64 rows."""
    return np.loadtxt(gzip.open(MOVIELENS / f"{name}.gz"), dtype=np.int64)


@lru_cache(maxsize=1)
def generated() -> dict:
    """-> base, test (user, item, rating, 0) int64 rows and the true model's test predictions."""
    rng = np.random.default_rng(20261121)
    user_w = rng.pareto(1.5, N_USERS) + 1
    item_w = rng.pareto(1.2, N_ITEMS) + 1
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < N_RATINGS:
        u = rng.choice(N_USERS, 20_000, p=user_w / user_w.sum()) + 1
        i = rng.choice(N_ITEMS, 20_000, p=item_w / item_w.sum()) + 1
        pairs.update(zip(u.tolist(), i.tolist()))
    pairs_arr = np.array(sorted(pairs))[:N_RATINGS]
    pairs_arr = pairs_arr[rng.permutation(len(pairs_arr))]
    mu, bu, bi = 3.5, rng.normal(0, 0.35, N_USERS + 1), rng.normal(0, 0.45, N_ITEMS + 1)
    U = rng.normal(0, 0.45, (N_USERS + 1, TRUE_RANK))
    V = rng.normal(0, 0.45, (N_ITEMS + 1, TRUE_RANK))
    u, i = pairs_arr[:, 0], pairs_arr[:, 1]
    truth = mu + bu[u] + bi[i] + np.einsum("ij,ij->i", U[u], V[i])
    rating = np.clip(np.rint(truth + rng.normal(0, NOISE, len(u))), 1, 5).astype(np.int64)
    rows = np.column_stack([u, i, rating, np.zeros_like(u)])
    cut = int(0.8 * len(rows))
    # like MovieLens' u1 split, some test items were never rated in training: all ratings of the 15 least rated
    # items of the test split go to the end of the test split
    counts = np.bincount(i, minlength=N_ITEMS + 1)
    in_test_items = np.unique(i[cut:])
    cold = in_test_items[np.argsort(counts[in_test_items], kind="stable")[:15]]
    is_cold = np.isin(i, cold)
    base = ~is_cold & (np.arange(len(rows)) < cut)
    test = np.concatenate([np.flatnonzero(~is_cold & ~base), np.flatnonzero(is_cold)])
    return {"base": rows[base], "test": rows[test], "truth_test": truth[test]}


def source_line() -> str:
    """The one line the test session prints about which ALS accuracy checks ran."""
    if movielens_available():
        return (f"ALS accuracy checks ran on MovieLens 100K (found at {MOVIELENS}) and on generated ratings")
    return (f"ALS accuracy checks ran on generated ratings only: MovieLens 100K not found at {MOVIELENS} "
            "(set INDB_ML_MOVIELENS_100K to a copy of ml-100k with gzipped u1.base/u1.test to add them)")
