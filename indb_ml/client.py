"""The Python side of indb_ml: a thin handle on a database that has it installed.

``connect()`` accepts a libpq DSN / URL, a SQLAlchemy engine, or nothing (the
local cluster, started and set up on demand). All work happens in the
server; this module only builds safe SQL (every name goes through
``psycopg.sql``) and relays the server's notices.
"""
from __future__ import annotations

from typing import Any, Callable

import psycopg
from psycopg import sql

DEFAULT_SCHEMA = "indb_ml"
LOCAL_DATABASE = "indb_ml"


class NotInstalledError(RuntimeError):
    pass


def _dsn_from_engine(engine) -> str:
    url = engine.url
    params = {k: v for k, v in {
        "host": url.host, "port": url.port, "dbname": url.database,
        "user": url.username, "password": url.password}.items() if v is not None}
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    return psycopg.conninfo.make_conninfo(**params)


def local_dsn(dbname: str = LOCAL_DATABASE) -> str:
    """Start the local cluster if needed, make sure ``dbname`` exists and has indb_ml; return its DSN."""
    from . import installer
    from .local import LocalCluster, default_home

    cluster = LocalCluster(default_home())
    admin = cluster.start()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    dsn = cluster.dsn(dbname)
    if not installer.status(dsn)["installed"]:
        installer.install(dsn)
    return dsn


class Database:
    """A connection to a database with indb_ml installed (autocommit: each call is its own transaction)."""

    def __init__(self, conninfo: str, schema: str = DEFAULT_SCHEMA):
        self.conninfo = conninfo
        self.schema = schema
        self.conn = psycopg.connect(conninfo, autocommit=True)
        self._listeners: list[Callable[[psycopg.errors.Diagnostic], None]] = []
        self.conn.add_notice_handler(self._on_notice)
        installed = self.conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL", [f"{schema}.schema_migrations"]).fetchone()[0]
        if not installed:
            self.conn.close()
            raise NotInstalledError(
                f"indb_ml is not installed in this database (schema {schema!r}); "
                "run `indb-ml install --dsn ...` as a superuser first")

    # ----- notices (per-iteration progress, warnings)
    def _on_notice(self, diag) -> None:
        for listener in list(self._listeners):
            listener(diag)

    def add_listener(self, fn: Callable) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn: Callable) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    # ----- SQL
    def execute(self, query, params: Any = None) -> list[tuple]:
        cur = self.conn.execute(query, params)
        return cur.fetchall() if cur.description else []

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        """SELECT schema.function(args..., name => value...) with every value bound as a parameter."""
        pieces = [sql.Placeholder() for _ in args]
        pieces += [sql.SQL("{} => {}").format(sql.Identifier(k), sql.Placeholder()) for k in kwargs]
        query = sql.SQL("SELECT {}.{}({})").format(
            sql.Identifier(self.schema), sql.Identifier(function), sql.SQL(", ").join(pieces))
        row = self.conn.execute(query, list(args) + list(kwargs.values())).fetchone()
        return row[0] if row else None

    def fetch_table(self, table: str, columns: list[str] | None = None) -> list[dict]:
        """Rows of a (small) result table, e.g. a model table, as dicts."""
        rel = self.conn.execute("SELECT to_regclass(%s)::text", [table]).fetchone()[0]
        if rel is None:
            raise LookupError(f"table {table!r} does not exist")
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns) if columns else sql.SQL("*")
        cur = self.conn.cursor(row_factory=psycopg.rows.dict_row)
        return cur.execute(sql.SQL("SELECT {} FROM {}").format(cols, sql.SQL(_quoted_regclass(rel)))).fetchall()

    def table_exists(self, table: str) -> bool:
        return self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()[0]

    def drop_table(self, table: str) -> None:
        rel = self.conn.execute("SELECT to_regclass(%s)::text", [table]).fetchone()[0]
        if rel is not None:
            self.conn.execute(sql.SQL("DROP TABLE {}").format(sql.SQL(_quoted_regclass(rel))))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _quoted_regclass(text: str) -> str:
    """regclass::text is already quoted by the server (quote_ident rules); it is safe to reuse as SQL."""
    return text


def connect(target=None, schema: str = DEFAULT_SCHEMA) -> Database:
    """A Database from a DSN/URL string, a SQLAlchemy engine, a Database, or None (the local cluster)."""
    if isinstance(target, Database):
        return target
    if target is None:
        return Database(local_dsn(), schema)
    if isinstance(target, str):
        return Database(target, schema)
    if hasattr(target, "url") and hasattr(target, "connect"):
        return Database(_dsn_from_engine(target), schema)
    raise TypeError(f"connect() takes a DSN string, a SQLAlchemy engine or None, not {type(target).__name__}")
