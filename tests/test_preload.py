"""indb_ml_preload: PL/Python and numpy started in the postmaster, on real local clusters.

One cluster loads the library, one does not; both must give the same models, and the
preloaded one must keep PostgreSQL's own signal handling (cancel, fast shutdown).
"""
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest

from indb_ml import installer, preload
from indb_ml.local import LocalCluster, find_bindir

SEEN_BY_PROCESS = """CREATE OR REPLACE FUNCTION public.numpy_already_loaded(i int) RETURNS text
LANGUAGE plpython3u PARALLEL SAFE AS $$
import os, sys
return f"{os.getpid()}:{'numpy' in sys.modules}"
$$"""


def start(preloaded):
    cluster = LocalCluster(Path(tempfile.mkdtemp(prefix="indb_ml_preload_test_")), ephemeral=True,
                           preload=preloaded)
    dsn = cluster.start()
    installer.install(dsn, write_extension=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SEEN_BY_PROCESS)
        conn.execute("CREATE TABLE small AS SELECT i, array[1.0, (i % 7)::float8, (i % 5)::float8] AS x, "
                     "(i % 3 = 0) AS y FROM generate_series(1, 400) i")
    return cluster, dsn


@pytest.fixture(scope="module")
def clusters():
    made = {}
    try:
        for preloaded in (True, False):
            made[preloaded] = start(preloaded)
        yield made
    finally:
        for cluster, _ in made.values():
            cluster.destroy()


def first_call_in_new_backend(dsn):
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute("SELECT public.numpy_already_loaded(0)").fetchone()[0].split(":")[1] == "True"


def worker_views(dsn):
    """(backend pid, {pid: numpy already loaded}) from a query forced onto 2 parallel workers."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for setting in ("parallel_setup_cost = 0", "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0",
                        "max_parallel_workers_per_gather = 2", "parallel_leader_participation = off"):
            conn.execute(f"SET {setting}")
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        rows = conn.execute("SELECT DISTINCT public.numpy_already_loaded(i) FROM small").fetchall()
    return backend, {int(r[0].split(":")[0]): r[0].endswith("True") for r in rows}


def test_the_preloaded_cluster_starts_python_and_numpy_in_the_postmaster(clusters):
    cluster, dsn = clusters[True]
    assert cluster.preload_status.startswith("on"), cluster.preload_status
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SHOW shared_preload_libraries").fetchone()[0].endswith("/lib/indb_ml_preload")
        assert conn.execute("SHOW indb_ml.preloaded").fetchone()[0] == "on"   # what every role can read
    assert "indb_ml_preload: Python 3" in cluster.logfile.read_text()
    assert first_call_in_new_backend(dsn)
    backend, workers = worker_views(dsn)
    assert workers and backend not in workers           # the rows came from parallel workers
    assert all(workers.values())                         # each was forked with numpy loaded


def test_without_the_library_each_process_imports_numpy_itself(clusters):
    cluster, dsn = clusters[False]
    assert cluster.preload_status == "off (not asked for)"
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SHOW shared_preload_libraries").fetchone()[0] == ""
        assert conn.execute("SELECT current_setting('indb_ml.preloaded', true)").fetchone()[0] is None
    assert not first_call_in_new_backend(dsn)
    backend, workers = worker_views(dsn)
    assert workers and backend not in workers and not any(workers.values())


def test_models_are_identical_with_and_without_the_library(clusters):
    coefs = []
    for _, dsn in clusters.values():
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS m, m_summary")
            conn.execute("SELECT indb_ml.logregr_train('small', 'm', 'y', 'x')")
            coefs.append(conn.execute("SELECT coef, log_likelihood FROM m").fetchone())
    assert coefs[0] == coefs[1]                          # bit for bit: the same kernels, the same order


def test_a_backend_that_ran_python_still_obeys_cancel(clusters):
    _, dsn = clusters[True]
    with psycopg.connect(dsn, autocommit=True) as victim, psycopg.connect(dsn, autocommit=True) as admin:
        victim.execute("SELECT public.numpy_already_loaded(0)")
        pid = victim.execute("SELECT pg_backend_pid()").fetchone()[0]

        def cancel_when_sleeping():
            for _ in range(200):
                state = admin.execute("SELECT wait_event FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
                if state and state[0] == "PgSleep":
                    admin.execute("SELECT pg_cancel_backend(%s)", [pid])
                    return
                time.sleep(0.05)
        canceller = threading.Thread(target=cancel_when_sleeping)
        canceller.start()
        with pytest.raises(psycopg.errors.QueryCanceled):
            victim.execute("SELECT pg_sleep(60)")
        canceller.join()


def test_fast_shutdown_still_works_with_python_in_the_postmaster():
    cluster, _ = start(True)
    try:
        assert cluster.stop() and not cluster.running()
    finally:
        cluster.destroy()


def test_a_missing_build_prerequisite_is_named(tmp_path):
    with pytest.raises(preload.PreloadUnavailable, match="pg_config"):
        preload.check_prerequisites(tmp_path)
    assert preload.check_prerequisites(find_bindir())["libpython"].startswith("libpython3.")


def test_the_cli_builds_the_library_and_explains_a_failure(tmp_path):
    import subprocess
    import sys

    run = lambda *a: subprocess.run([sys.executable, "-m", "indb_ml.cli", "preload-library", *a],  # noqa: E731
                                    capture_output=True, text=True, timeout=300)
    built = run("--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "indb_ml_preload.so").stat().st_size > 0
    assert "shared_preload_libraries = 'indb_ml_preload'" in built.stderr
    failed = run("--out", str(tmp_path / "x"), "--pg-bindir", str(tmp_path / "nowhere"))
    assert failed.returncode == 2 and failed.stderr.startswith("indb-ml: no ") and "pg_config" in failed.stderr


@pytest.mark.parametrize("preloaded", [True, False])
def test_plpy_and_its_exceptions_work_when_imported_in_the_postmaster(clusters, preloaded):
    """The library imports ``plpy`` in the postmaster too (its module initialiser builds the ~250
    plpy.spiexceptions classes, most of a fresh process's first call): SPI errors still map to their
    classes and plpy.error still raises, in a fresh backend and in parallel workers."""
    cluster, dsn = clusters[preloaded]
    if preloaded:
        assert "numpy and plpy loaded in the postmaster" in cluster.logfile.read_text()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("""CREATE OR REPLACE FUNCTION public.spi_error_class(i int) RETURNS text
            LANGUAGE plpython3u PARALLEL SAFE AS $$
try:
    plpy.execute("SELECT 1 / 0")
except plpy.spiexceptions.DivisionByZero as e:
    return f"{type(e).__name__}:{e.sqlstate}"
$$""")
        conn.execute("""CREATE OR REPLACE FUNCTION public.raises(i int) RETURNS int LANGUAGE plpython3u AS $$
plpy.error("raised here", sqlstate="22023")
$$""")
    with psycopg.connect(dsn, autocommit=True) as conn:     # a fresh backend's first call
        assert conn.execute("SELECT public.spi_error_class(0)").fetchone()[0] == "DivisionByZero:22012"
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="raised here"):
            conn.execute("SELECT public.raises(0)")
        conn.execute("""CREATE OR REPLACE FUNCTION public.spi_classes(i int) RETURNS text
            LANGUAGE plpython3u PARALLEL SAFE AS $$
cls = plpy.spiexceptions.DivisionByZero
return f"{cls.sqlstate}:{issubclass(cls, plpy.SPIError)}"
$$""")
    with psycopg.connect(dsn, autocommit=True) as conn:     # parallel workers (no SPI there: the classes)
        for setting in ("parallel_setup_cost = 0", "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0",
                        "max_parallel_workers_per_gather = 2", "parallel_leader_participation = off"):
            conn.execute(f"SET {setting}")
        rows = conn.execute("SELECT DISTINCT public.spi_classes(i) FROM small").fetchall()
    assert rows == [("22012:True",)]
