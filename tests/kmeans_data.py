"""Test data for k-means: well-separated blobs whose optimum is the partition by blob, and a
kernel harness that runs the k-means aggregates' transition/merge functions over in-memory blocks."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import blocks, kmeans, kmeans_seed  # noqa: E402


def blobs(shape):
    """-> (X, labels, k). Blob centres are far apart relative to the spread, so the k-means optimum is
    the partition by blob (its objective: ``optimum``)."""
    rng = np.random.default_rng({"equal": 1, "unequal": 2, "k50": 3, "auto": 4}[shape])
    if shape == "equal":           # 10 blobs in 20 dimensions, 300 rows each
        k, d, sizes, spread = 10, 20, [300] * 10, 1.0
        centers = rng.uniform(-20, 20, (k, d))
    elif shape == "unequal":       # 6 blobs on a plane, 50 to 1600 rows
        k, d, spread = 6, 2, 1.0
        sizes = [50, 100, 200, 400, 800, 1600]
        centers = (np.array([(i, j) for i in range(3) for j in range(2)]) * 30.0)[rng.permutation(k)]
    elif shape == "k50":           # k = 50 blobs in 5 dimensions, 30 rows each
        k, d, sizes, spread = 50, 5, [30] * 50, 0.3
        centers = rng.uniform(-15, 15, (k, d))
    else:                          # 5 blobs in 3 dimensions (choosing k)
        k, d, sizes, spread = 5, 3, [200, 150, 250, 100, 300], 1.0
        centers = rng.uniform(-15, 15, (k, d))
    lab = np.repeat(np.arange(k), sizes)
    X = centers[lab] + rng.normal(0, spread, (len(lab), d))
    return X, lab, k


def optimum(X, lab):
    return float(sum(((X[lab == j] - X[lab == j].mean(0)) ** 2).sum() for j in np.unique(lab)))


def load_array_table(conn, table, X):
    """CREATE TABLE table (id, x float8[]) with the rows of X."""
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} (id int, x float8[])")
    with conn.cursor().copy(f"COPY {table} FROM STDIN") as cp:
        for i, row in enumerate(X):
            cp.write_row((i, row.tolist()))


class LocalPlpy:
    """Stands in for plpy in kmeans_driver.Passes: runs an aggregate's kernels over in-memory blocks,
    one partial state per block merged as parallel workers would."""

    def __init__(self, X, size=1000):
        self.blocks = [(blocks.to_bytes(X[i:i + size]), len(X[i:i + size]), 1, b)
                       for b, i in enumerate(range(0, len(X), size))]

    def prepare(self, sql, types):
        return next(name for name in ("sample", "swap", "step", "far", "silhouette") if f"kmeans_{name}_agg" in sql)

    def execute(self, plan, args=None):
        if args is None:                       # the driver's one plain query: how many partitions
            return [{"one": True}]
        state = None
        for raw, n, part, b in self.blocks:
            if plan == "sample":
                state = kmeans_seed.sample_merge(state, kmeans_seed.sample_transition(None, raw, n, part, b, *args))
            elif plan == "swap":
                state = kmeans_seed.swap_merge(state, kmeans_seed.swap_transition(None, raw, n, *args))
            else:
                t = getattr(kmeans, f"{plan}_transition")(None, raw, n, *args)
                state = getattr(kmeans, f"{plan}_merge")(state, t)
        return [{"s": blocks.from_bytes(state).tolist()}]
