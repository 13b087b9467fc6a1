"""The PostgreSQL every integration test runs against - real, never mocked.

Order of choice:
1. ``INDB_ML_TEST_DSN`` (a superuser DSN of a server with plpython3u + numpy);
2. ``INDB_ML_TEST_DOCKER=1`` and a Docker engine that answers: a container
   from ``INDB_ML_TEST_DOCKER_IMAGE`` (default ``postgres:15``), into which
   PL/Python and numpy are installed with apt-get;
3. otherwise a throwaway cluster from the local binaries in a temporary
   directory (run as an unprivileged user when we are root), removed at exit.
"""
from __future__ import annotations

import gzip
import os
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from indb_ml import installer
from indb_ml.local import LocalCluster

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "data"            # committed, redistributable data sets (data/README.md)
SHARED_DATA = PROJECT.parent / "shared" / "data"   # optional: MovieLens 100K, which may not be redistributed
CALIFORNIA = DATA / "california_housing" / "cal_housing.data.gz"
CALIFORNIA_COLUMNS = ["longitude", "latitude", "housing_median_age", "total_rooms", "total_bedrooms",
                      "population", "households", "median_income", "median_house_value"]


def _docker_server():
    from testcontainers.postgres import PostgresContainer

    image = os.environ.get("INDB_ML_TEST_DOCKER_IMAGE", "postgres:15")
    container = PostgresContainer(image, username="postgres", password="postgres", dbname="postgres")
    container.start()
    major = image.split(":")[-1].split(".")[0] if ":" in image else "15"
    code, out = container.exec(["bash", "-c", f"apt-get update -qq && apt-get install -y -qq "
                                              f"postgresql-plpython3-{major} python3-numpy"])
    if code != 0:
        container.stop()
        raise RuntimeError(f"could not install PL/Python into the container: {out[-2000:]}")
    host, port = container.get_container_host_ip(), container.get_exposed_port(5432)
    return container, f"host={host} port={port} user=postgres password=postgres dbname=postgres"


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env().ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def server_dsn():
    """A superuser DSN (database ``postgres``) of a running server."""
    if os.environ.get("INDB_ML_TEST_DSN"):
        yield os.environ["INDB_ML_TEST_DSN"]
        return
    if os.environ.get("INDB_ML_TEST_DOCKER") == "1":
        if not _docker_answers():
            pytest.exit("INDB_ML_TEST_DOCKER=1 but no Docker engine answers", returncode=3)
        container, dsn = _docker_server()
        yield dsn
        container.stop()
        return
    cluster = LocalCluster(Path(tempfile.mkdtemp(prefix="indb_ml_test_")), ephemeral=True)
    try:
        yield cluster.start()
    finally:
        cluster.destroy()


def dsn_for(server_dsn: str, dbname: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(server_dsn)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**params)


def create_database(server_dsn: str, prefix: str = "indb_ml_t") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return dsn_for(server_dsn, name)


def drop_database(server_dsn: str, dsn: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def db_dsn(server_dsn):
    """A database with indb_ml installed, shared by the session's tests."""
    dsn = create_database(server_dsn, "indb_ml_test")
    installer.install(dsn)
    yield dsn
    stray = client_leftovers(dsn)
    drop_database(server_dsn, dsn)
    assert not stray, f"the test session left client-created tables behind: {stray}"


def client_leftovers(dsn: str) -> list[str]:
    """Persistent tables the Python client should never leave: auto-named models/uploads outside pg_temp,
    and packed copies of uploads whose session ended (issue 13)."""
    import gc

    gc.collect()   # closes Databases nobody holds any more (their cleanup runs)
    with psycopg.connect(dsn, autocommit=True) as c:
        rows = c.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname LIKE 'indb\\_ml\\_%' AND n.nspname NOT LIKE 'pg\\_%temp\\_%' "
            "UNION ALL SELECT 'indb_ml_data.' || table_name FROM indb_ml.prepared_data p "
            "WHERE source_table LIKE 'pg\\_temp%' AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = p.source_oid)"
        ).fetchall()
    return [r[0] for r in rows]


@pytest.fixture
def conn(db_dsn):
    """An autocommit connection; NOTICE/WARNING messages are collected in ``conn.notices``."""
    with psycopg.connect(db_dsn, autocommit=True) as c:
        c.notices = []
        c.add_notice_handler(lambda d: c.notices.append((d.severity, d.message_primary)))
        yield c


def load_california(conn: psycopg.Connection, table: str = "california") -> str:
    """California housing (20,640 rows) into ``table`` (created if missing); returns the table name."""
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()[0]
    if not exists:
        cols = sql.SQL(", ").join(sql.SQL("{} float8").format(sql.Identifier(c)) for c in CALIFORNIA_COLUMNS)
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), cols))
        with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN WITH (FORMAT csv)").format(sql.Identifier(table))) as cp:
            cp.write(gzip.open(CALIFORNIA).read())
    return table


def california_arrays():
    import numpy as np

    data = np.loadtxt(gzip.open(CALIFORNIA), delimiter=",")
    return data[:, :8], data[:, 8]


@pytest.fixture
def california(conn):
    return load_california(conn)


def tables_in(conn: psycopg.Connection) -> set[str]:
    """Every user table (any schema but the system ones) - to prove failures leave nothing behind."""
    rows = conn.execute("SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n "
                        "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm') "
                        "AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')").fetchall()
    return {r[0] for r in rows}


def pytest_terminal_summary(terminalreporter):
    """One line saying which ALS accuracy checks ran (MovieLens is optional, generated ratings always run)."""
    if any(item.fspath.basename == "test_als.py" for item in getattr(terminalreporter, "_session_items", [])):
        import ratings_data

        terminalreporter.write_line(ratings_data.source_line())


def pytest_collection_finish(session):
    session.config.pluginmanager.get_plugin("terminalreporter")._session_items = list(session.items)
