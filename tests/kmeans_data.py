"""Test data for k-means: well-separated blobs whose optimum is the partition by blob, and a
kernel harness that runs the k-means aggregates' transition/merge functions over in-memory blocks."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import blocks, kmeans, kmeans_driver, kmeans_seed  # noqa: E402


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


class LocalPasses(kmeans_driver.Passes):
    """kmeans_driver.Passes over in-memory blocks (no server): each aggregate's transition runs on every
    block and the partial states merge as parallel workers' would; the arguments are the ones the SQL
    pass would carry."""

    def __init__(self, X, size=1000):
        self.count = 0
        self.blocks = [(blocks.to_bytes(X[i:i + size]), len(X[i:i + size]), 1, b)
                       for b, i in enumerate(range(0, len(X), size))]

    def _aggregate(self, name, args):
        self.count += 1
        args = [v for v, _ in args]
        module = kmeans_seed if name in ("sample", "swap") else kmeans
        transition, merge = getattr(module, f"{name}_transition"), self.MERGES[name]
        state = None
        for raw, n, part, b in self.blocks:
            head = (raw, n, part, b) if name == "sample" else (raw, n)
            state = merge(state, transition(None, *head, *args))
        return blocks.from_bytes(state)
