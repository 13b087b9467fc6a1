"""The Python side of indb_ml: a thin handle on a database that has it installed.

``connect()`` accepts a libpq DSN / URL, a psycopg connection, a SQLAlchemy
engine or connection, or nothing (the local cluster, started and set up on demand). All work happens in the
server; this module only builds safe SQL (every name goes through
``psycopg.sql``) and relays the server's notices.
"""
from __future__ import annotations

import contextlib
import weakref
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
    """A connection to a database with indb_ml installed.

    Built from a DSN (its own autocommit connection, closed by ``close()``) or around a connection
    the caller owns (``connection=``: a psycopg Connection, left open by ``close()``; when it is not
    in autocommit mode each call runs in ``connection.transaction()``).

    Lifetime of what the client creates: tables uploaded by ``fit(X, y)`` and models fitted without a
    ``model_table`` are TEMPORARY tables of this connection (the server drops them when it ends, even
    after a crash); ``close()`` (also run at interpreter exit) drops them earlier together with
    their registry rows and packed copies. Pass ``model_table=`` to keep a model.
    """

    def __init__(self, conninfo: str | None = None, schema: str = DEFAULT_SCHEMA, *, connection=None):
        self.schema = schema
        self._owns = connection is None
        self.conn = psycopg.connect(conninfo, autocommit=True) if connection is None else connection
        self.conninfo = conninfo if conninfo is not None else self.conn.info.dsn
        self._listeners: list[Callable[[psycopg.errors.Diagnostic], None]] = []
        self.conn.add_notice_handler(self._on_notice)
        self._cleanup = _Cleanup(self.conn, schema, self._owns, self._on_notice)
        self._finalizer = weakref.finalize(self, self._cleanup)
        installed = self.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{schema}.schema_migrations"])[0][0]
        if not installed:
            self.close()
            raise NotInstalledError(
                f"indb_ml is not installed in this database (schema {schema!r}); "
                "run `indb-ml install --dsn ...` as a superuser first")

    # ----- notices (progress, warnings)
    def _on_notice(self, diag) -> None:
        for listener in list(self._listeners):
            listener(diag)

    def add_listener(self, fn: Callable) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn: Callable) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    # ----- objects this client created and removes at close()
    def track_model(self, name: str) -> None:
        """Drop this model (tables, registry row) at close()."""
        self._cleanup.models.append(name)

    def track_table(self, name: str) -> None:
        """Drop this (uploaded) table and its packed copies at close()."""
        self._cleanup.tables.append(name)

    def forget(self, name: str) -> None:
        for items in (self._cleanup.models, self._cleanup.tables):
            while name in items:
                items.remove(name)

    # ----- SQL
    def _cursor(self, **kw):
        return self.conn.cursor(**kw)

    def execute(self, query, params: Any = None) -> list[tuple]:
        with _transaction(self.conn):
            cur = self.conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        """SELECT schema.function(args..., name => value...) with every value bound as a parameter."""
        pieces = [sql.Placeholder() for _ in args]
        pieces += [sql.SQL("{} => {}").format(sql.Identifier(k), sql.Placeholder()) for k in kwargs]
        query = sql.SQL("SELECT {}.{}({})").format(
            sql.Identifier(self.schema), sql.Identifier(function), sql.SQL(", ").join(pieces))
        rows = self.execute(query, list(args) + list(kwargs.values()))
        return rows[0][0] if rows else None

    def fetch_table(self, table: str, columns: list[str] | None = None) -> list[dict]:
        """Rows of a (small) result table, e.g. a model table, as dicts."""
        rel = self.regclass(table)
        if rel is None:
            raise LookupError(f"table {table!r} does not exist")
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns) if columns else sql.SQL("*")
        with _transaction(self.conn):
            cur = self.conn.cursor(row_factory=psycopg.rows.dict_row)
            return cur.execute(sql.SQL("SELECT {} FROM {}").format(cols, sql.SQL(_quoted_regclass(rel)))).fetchall()

    def regclass(self, table: str) -> str | None:
        """The server's quoted, qualified name of an existing table (pg_temp_N for temporary ones), or None."""
        rows = self.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(%s)", [table])
        return rows[0][0] if rows else None

    def table_exists(self, table: str) -> bool:
        return self.execute("SELECT to_regclass(%s) IS NOT NULL", [table])[0][0]

    def drop_table(self, table: str) -> None:
        rel = self.regclass(table)
        if rel is not None:
            self.execute(sql.SQL("DROP TABLE {}").format(sql.SQL(_quoted_regclass(rel))))

    def drop_model(self, name: str) -> None:
        """Drop one of your models: its tables and its registry row (indb_ml.drop_model)."""
        self.call("drop_model", name)
        self.forget(name)

    def close(self) -> None:
        """Drop what this client created (see the class docstring), then close an owned connection."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __deepcopy__(self, memo):
        # a live connection is shared, never copied: sklearn's clone() deep-copies parameters
        return self

    def __reduce__(self):
        raise TypeError("a Database (a live connection) cannot be pickled; estimators drop it when pickled")

    def __repr__(self) -> str:
        info = self.conn.info
        return f"<indb_ml.Database {info.user}@{info.host}:{info.port}/{info.dbname} schema={self.schema}>"


class _Cleanup:
    """Run once, at close() or interpreter exit: drop the tracked models and uploaded tables."""

    def __init__(self, conn, schema, owns, handler):
        self.conn, self.schema, self.owns, self.handler = conn, schema, owns, handler
        self.models: list[str] = []
        self.tables: list[str] = []

    def __call__(self):
        conn = self.conn
        try:
            if not conn.closed and not conn.broken:
                s = sql.Identifier(self.schema)
                for name in list(self.models):
                    with _transaction(conn):
                        conn.execute(sql.SQL("SELECT {s}.drop_model(name) FROM {s}.models WHERE name = %s "
                                             "AND owner = current_user").format(s=s), [name])
                for name in list(self.tables):
                    with _transaction(conn):
                        conn.execute(sql.SQL("SELECT {}.drop_prepared(%s)").format(s), [name])
                        if conn.execute("SELECT to_regclass(%s) IS NOT NULL", [name]).fetchone()[0]:
                            conn.execute(sql.SQL("DROP TABLE {}").format(sql.SQL(name)))
        except psycopg.OperationalError:
            pass   # the connection is gone: the server has dropped the temporary tables with it
        finally:
            self.models.clear()
            self.tables.clear()
            if self.owns:
                conn.close()
            else:
                try:
                    conn.remove_notice_handler(self.handler)
                except ValueError:
                    pass


@contextlib.contextmanager
def _transaction(conn):
    """Autocommit connections run each statement alone; others get a transaction (or savepoint) per call."""
    if conn.autocommit:
        yield
    else:
        with conn.transaction():
            yield


def _quoted_regclass(text: str) -> str:
    """regclass::text is already quoted by the server (quote_ident rules); it is safe to reuse as SQL."""
    return text


def connect(target=None, schema: str = DEFAULT_SCHEMA) -> Database:
    """A Database from a DSN/URL string, a psycopg Connection, a SQLAlchemy Engine or Connection,
    a Database (returned as is), or None (the local cluster)."""
    if isinstance(target, Database):
        return target
    if target is None:
        return Database(local_dsn(), schema)
    if isinstance(target, str):
        return Database(target, schema)
    if isinstance(target, psycopg.Connection):
        return Database(schema=schema, connection=target)
    driver = getattr(getattr(target, "connection", None), "driver_connection", None)
    if driver is not None and hasattr(target, "engine"):
        # a SQLAlchemy Connection: share its psycopg connection (and so its transaction and temp tables)
        if isinstance(driver, psycopg.Connection):
            return Database(schema=schema, connection=driver)
        return Database(_dsn_from_engine(target.engine), schema)
    if hasattr(target, "url") and hasattr(target, "connect"):
        return Database(_dsn_from_engine(target), schema)
    raise TypeError("connect() takes a DSN string, a psycopg Connection, a SQLAlchemy Engine or Connection, "
                    f"or None, not {type(target).__name__}")
