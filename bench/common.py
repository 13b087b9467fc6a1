"""Shared by the benchmark scripts: a server to run on, and median-of-N timing."""
from __future__ import annotations

import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg


@contextmanager
def server(dsn: str | None):
    """The given DSN, or a throwaway local cluster with indb_ml installed."""
    if dsn:
        yield dsn
        return
    from indb_ml import installer
    from indb_ml.local import LocalCluster

    cluster = LocalCluster(Path(tempfile.mkdtemp(prefix="indb_ml_bench_")), ephemeral=True)
    try:
        admin = cluster.start()
        installer.install(admin, write_extension=False)
        yield admin
    finally:
        cluster.destroy()


def timed(fn, repeat: int = 3) -> tuple[float, list[float]]:
    """Median wall-clock seconds of ``repeat`` runs of fn()."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), runs


def connect(dsn: str) -> psycopg.Connection:
    return psycopg.connect(dsn, autocommit=True)
