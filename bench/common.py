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

    # sized as `indb-ml local start` sizes a user's cluster (shared_buffers: a quarter of memory, up to
    # 4 GB), not as the test suite's 1 GB throwaway clusters: at 4M rows the source and its packed copy
    # (1.5 GB) would not fit the smaller pool
    cluster = LocalCluster(Path(tempfile.mkdtemp(prefix="indb_ml_bench_")), ephemeral=True, full_memory=True)
    try:
        admin = cluster.start()
        with psycopg.connect(admin) as conn:
            buffers = conn.execute("SHOW shared_buffers").fetchone()[0]
        print(f"bench: local cluster, shared_buffers {buffers}, preload library {cluster.preload_status}", flush=True)
        installer.install(admin, write_extension=False)
        yield admin
    finally:
        cluster.destroy()


def startup_row(dsn: str, group: str = "server") -> None:
    """Report whether the server preloads PL/Python + numpy, and what a new connection's first
    PL/Python call costs (median of 3 connections): the per-process start every parallel worker pays."""
    from report import add

    with psycopg.connect(dsn, autocommit=True) as conn:
        libs = conn.execute("SHOW shared_preload_libraries").fetchone()[0]
        buffers = conn.execute("SHOW shared_buffers").fetchone()[0]

    def first_call():
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute("CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE plpython3u AS 'import numpy\nreturn 1'")
            t = time.perf_counter()
            c.execute("SELECT pg_temp.f()")
            return time.perf_counter() - t
    secs = statistics.median(first_call() for _ in range(3))
    add("first PL/Python call (imports numpy) in a new connection", secs, None, "", "", None, group,
        "shared_preload_libraries = " + (repr(libs) if libs else "'' (no preload library)")
        + f"; shared_buffers = {buffers}")


def timed(fn, repeat: int = 3) -> tuple[float, list[float]]:
    """Median wall-clock seconds of ``repeat`` runs of fn()."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), runs


def connect(dsn: str) -> psycopg.Connection:
    """An autocommit connection that never prepares statements: psycopg prepares a query run 5 times,
    and a prepared statement keeps the plan made then - with its parallel workers - whatever
    max_parallel_workers_per_gather says later, so a figure that changes the setting between runs
    would time the first plan (0-worker runs measured 0.50 s where a serial plan takes 0.9-1.0 s)."""
    return psycopg.connect(dsn, autocommit=True, prepare_threshold=None)


def cpu_times() -> list[int] | None:
    """The machine's CPU time counters (/proc/stat's first line: user nice system idle iowait irq
    softirq steal ...), None where there is no /proc."""
    try:
        with open("/proc/stat") as f:
            return [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def steal_share(before: list[int] | None, after: list[int] | None) -> float | None:
    """The share of all CPU time between two ``cpu_times`` readings that the hypervisor gave to other
    guests (steal): on a shared VM the same code runs that much slower, and a parallel plan has that
    much less of its second core."""
    if not before or not after or len(before) < 8:
        return None
    delta = [a - b for a, b in zip(after, before)]
    total = sum(delta[:8])
    return delta[7] / total if total > 0 else None

