"""Install, upgrade, inspect and remove indb_ml in a database, given only a DSN.

Install = preflight checks, the schema, the catalog migrations (each in its
own transaction, recorded in ``<schema>.schema_migrations``), then every
function and aggregate (``CREATE OR REPLACE``, one transaction). Re-running it
applies no migration again and replaces the functions with the same code.

For the default schema ``indb_ml``, where this process can write the server's
extension directory (a server on this machine, e.g. the local cluster with its
private extension directory), install also writes the extension files
(``extension.files()``) so that ``CREATE EXTENSION indb_ml`` works in other
databases. A database that already has the extension is upgraded with
``ALTER EXTENSION indb_ml UPDATE``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import psycopg
from psycopg import sql

from . import __version__, build, extension, resources

MIN_SERVER_VERSION = 140000


class InstallError(RuntimeError):
    """A problem the user can act on; the message says what to do."""


def _server_major(conn: psycopg.Connection) -> int:
    return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def preflight(conn: psycopg.Connection, need_superuser: bool = True) -> dict:
    """Check what install needs, and say how to fix what is missing."""
    num = int(conn.execute("SHOW server_version_num").fetchone()[0])
    major = num // 10000
    if num < MIN_SERVER_VERSION:
        raise InstallError(f"PostgreSQL {major} is too old: indb_ml needs PostgreSQL 14 or newer")
    is_super = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
    if need_superuser and not is_super:
        user = conn.execute("SELECT current_user").fetchone()[0]
        raise InstallError(
            f"role {user!r} is not a superuser: installing indb_ml creates PL/Python (untrusted) "
            "functions, which only a superuser may do; connect as a superuser (e.g. postgres)"
        )
    has_lang = conn.execute("SELECT 1 FROM pg_language WHERE lanname = 'plpython3u'").fetchone()
    available = conn.execute(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'plpython3u'").fetchone()
    if not has_lang and not available:
        raise InstallError(
            f"the server lacks PL/Python (plpython3u): on the database server install the Debian "
            f"package postgresql-plpython3-{major} (apt-get install postgresql-plpython3-{major}), "
            "then run install again"
        )
    info = _server_python(conn, create_language=not has_lang)
    if not info.get("numpy"):
        raise InstallError(
            f"numpy is not importable by the server's Python {info['python']} (prefix {info['prefix']}): "
            "on the database server install it for that Python, on Debian with "
            "`apt-get install python3-numpy`, then restart PostgreSQL and run install again"
        )
    return {"server_major": major, "superuser": is_super, **info}


def _server_python(conn: psycopg.Connection, create_language: bool) -> dict:
    """Python and numpy versions inside the server, probed in a transaction that is rolled back."""
    probe = """
import sys, json
try:
    import numpy
    nv = numpy.__version__
except Exception as exc:
    nv = None
plpy.notice('indb_ml_probe ' + json.dumps({'python': sys.version.split()[0], 'prefix': sys.prefix, 'numpy': nv}))
"""
    notes: list[str] = []

    def collect(diag) -> None:
        notes.append(diag.message_primary or "")

    conn.add_notice_handler(collect)
    conn.rollback()
    try:
        with conn.transaction(force_rollback=True):
            if create_language:
                conn.execute("CREATE EXTENSION IF NOT EXISTS plpython3u")
            conn.execute(sql.SQL("DO {} LANGUAGE plpython3u").format(sql.Literal(probe)))
    finally:
        conn.remove_notice_handler(collect)
    for note in notes:
        if note.startswith("indb_ml_probe "):
            return json.loads(note[len("indb_ml_probe "):])
    raise InstallError("could not probe the server's Python")


def _schema_state(conn: psycopg.Connection, schema: str) -> str:
    """'absent', 'ours' (has our migrations table) or 'foreign'."""
    exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone()
    if not exists:
        return "absent"
    ours = conn.execute("SELECT to_regclass(%s)", [f"{schema}.schema_migrations"]).fetchone()[0]
    return "ours" if ours else "foreign"


def applied_migrations(conn: psycopg.Connection, schema: str) -> list[int]:
    if _schema_state(conn, schema) != "ours":
        return []
    rows = conn.execute(sql.SQL("SELECT version FROM {}.schema_migrations ORDER BY version")
                        .format(sql.Identifier(schema))).fetchall()
    return [r[0] for r in rows]


def install(dsn: str, schema: str = "indb_ml", to_migration: int | None = None,
            write_extension: bool = True) -> dict:
    """Install or upgrade; returns what was done. Safe to re-run."""
    build.check_schema_name(schema)
    resources.check_layout()
    done = {"schema": schema, "migrations_applied": [], "extension_files": None}
    with psycopg.connect(dsn) as conn:
        info = preflight(conn)
        conn.commit()
        installed = _installed_extension_version(conn)
        if installed is not None:
            if schema != extension.SCHEMA:
                raise InstallError(f"indb_ml is installed here as an extension (schema {extension.SCHEMA}); "
                                   f"a second copy in schema {schema} is not supported")
            if to_migration is not None:
                raise InstallError("--to-migration applies to installer-made databases only; this one uses "
                                   "CREATE EXTENSION (ALTER EXTENSION indb_ml UPDATE TO a version instead)")
            result = _update_extension(conn, installed)
            result["server"] = info
            return result
        state = _schema_state(conn, schema)
        if state == "foreign":
            raise InstallError(
                f"schema {schema!r} already exists and was not created by indb_ml; "
                "choose another with --schema or drop it first")
        with conn.transaction():
            created_language = False
            if not conn.execute("SELECT 1 FROM pg_language WHERE lanname = 'plpython3u'").fetchone():
                conn.execute("CREATE EXTENSION plpython3u")
                created_language = True
            if state == "absent":
                ident = sql.Identifier(schema)
                conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
                conn.execute(sql.SQL(
                    "CREATE TABLE {}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
                    "applied_at timestamptz NOT NULL DEFAULT now())").format(ident))
                conn.execute(sql.SQL(
                    "CREATE TABLE {}.install_info (key text PRIMARY KEY, value text)").format(ident))
                conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO PUBLIC").format(ident))
                conn.execute(sql.SQL("INSERT INTO {}.install_info VALUES ('created_plpython3u', %s)")
                             .format(ident), [str(created_language).lower()])
        have = set(applied_migrations(conn, schema))
        for mig in build.migrations(schema):
            if mig.version in have or (to_migration is not None and mig.version > to_migration):
                continue
            with conn.transaction():
                conn.execute(mig.sql)
                conn.execute(sql.SQL("INSERT INTO {}.schema_migrations (version, name) VALUES (%s, %s)")
                             .format(sql.Identifier(schema)), [mig.version, mig.name])
            done["migrations_applied"].append(mig.version)
        with conn.transaction():
            conn.execute(build.functions_script(schema))
            conn.execute(sql.SQL(
                "INSERT INTO {}.install_info VALUES ('version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value").format(sql.Identifier(schema)),
                [__version__])
        done["functions"] = conn.execute(
            "SELECT count(*) FROM pg_catalog.pg_proc WHERE pronamespace = %s::regnamespace", [schema]).fetchone()[0]
        if write_extension and to_migration is None:
            done["extension_files"] = write_extension_files(conn, schema)
        done["server"] = info
    return done


def extension_directory(conn: psycopg.Connection) -> Path | None:
    """The extension directory of the server behind ``conn``, when this process can write it.

    Asked of the server itself (``pg_config`` view, superusers only), so a
    server started from a private install tree (``LocalCluster``) reports its
    own directory. It counts only when the server runs on this machine: its
    ``postmaster.pid`` (process id, data directory, start time) read by the
    server and by us must be the same file.
    """
    try:
        with conn.transaction():
            share = conn.execute("SELECT setting FROM pg_catalog.pg_config WHERE name = 'SHAREDIR'").fetchone()
            datadir = conn.execute("SHOW data_directory").fetchone()[0]
            pid = conn.execute("SELECT pg_catalog.pg_read_file('postmaster.pid')").fetchone()[0]
    except psycopg.Error:
        return None
    try:
        local = (Path(datadir) / "postmaster.pid").read_text()
    except OSError:
        return None
    if not share or local.splitlines()[:3] != pid.splitlines()[:3]:
        return None
    ext_dir = Path(share[0]) / "extension"
    return ext_dir if ext_dir.is_dir() and os.access(ext_dir, os.W_OK) else None


def write_extension_files(conn: psycopg.Connection, schema: str) -> list[str] | None:
    """Write indb_ml.control and the version's scripts into the server's extension directory.

    Only for the extension's own schema (``indb_ml``): the directory is
    server-wide, and a script for another schema would change what
    ``CREATE EXTENSION indb_ml`` does in every database. The scripts are
    generated and checked complete before anything is replaced.
    """
    if schema != extension.SCHEMA:
        return None
    ext_dir = extension_directory(conn)
    if ext_dir is None:
        return None
    return extension.write(ext_dir, extension.files())


def _installed_extension_version(conn: psycopg.Connection) -> str | None:
    row = conn.execute("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'indb_ml'").fetchone()
    return row[0] if row else None


def _update_extension(conn: psycopg.Connection, installed: str) -> dict:
    """A database made with CREATE EXTENSION: upgrade it the extension's way."""
    done = {"schema": extension.SCHEMA, "migrations_applied": [], "extension_files": None,
            "extension": installed}
    if installed == __version__:
        return done
    done["extension_files"] = write_extension_files(conn, extension.SCHEMA)
    available = {r[0] for r in conn.execute(
        "SELECT target FROM pg_catalog.pg_extension_update_paths('indb_ml') "
        "WHERE source = %s AND path IS NOT NULL", [installed])}
    if __version__ not in available:
        raise InstallError(
            f"indb_ml {installed} is installed here with CREATE EXTENSION, and the server's extension "
            f"directory has no update script to {__version__} (indb_ml--{installed}--{__version__}.sql), "
            "which this process cannot write there. Run `indb-ml extension-files --out DIR` and copy the "
            "files into the server's `pg_config --sharedir`/extension, then "
            f"ALTER EXTENSION indb_ml UPDATE TO '{__version__}'")
    before = set(applied_migrations(conn, extension.SCHEMA))
    with conn.transaction():
        conn.execute(sql.SQL("ALTER EXTENSION indb_ml UPDATE TO {}").format(sql.Literal(__version__)))
    done["migrations_applied"] = sorted(set(applied_migrations(conn, extension.SCHEMA)) - before)
    done["extension"] = __version__
    return done


def status(dsn: str, schema: str = "indb_ml") -> dict:
    with psycopg.connect(dsn) as conn:
        out = {
            "server_version": conn.execute("SHOW server_version").fetchone()[0],
            "schema": schema,
            "installed": _schema_state(conn, schema) == "ours",
            "plpython3u": bool(conn.execute(
                "SELECT 1 FROM pg_language WHERE lanname = 'plpython3u'").fetchone()),
        }
        if out["installed"]:
            ident = sql.Identifier(schema)
            out["version"] = conn.execute(sql.SQL(
                "SELECT value FROM {}.install_info WHERE key = 'version'").format(ident)).fetchone()
            out["version"] = out["version"][0] if out["version"] else None
            out["migrations_applied"] = applied_migrations(conn, schema)
            out["migrations_available"] = [m.version for m in build.migrations(schema)]
            out["models"] = conn.execute(sql.SQL("SELECT count(*) FROM {}.models").format(ident)).fetchone()[0]
            try:
                server = conn.execute(sql.SQL("SELECT {}.server_info()").format(ident)).fetchone()[0]
                out["server_python"] = server.get("python")
                out["server_numpy"] = server.get("numpy")
            except psycopg.Error as exc:
                conn.rollback()
                out["server_numpy"] = f"unavailable: {exc.diag.message_primary}"
        return out


def uninstall(dsn: str, schema: str = "indb_ml") -> dict:
    """Remove every object install created - and nothing else.

    Objects outside the schema that depend on ours (a user's view calling
    ``linregr_predict``, say) would be dropped by CASCADE, so they stop the
    uninstall instead, named in the error. Model output tables that training
    wrote where the user asked stay: they are the user's results.
    """
    build.check_schema_name(schema)
    with psycopg.connect(dsn) as conn:
        state = _schema_state(conn, schema)
        if state == "absent":
            return {"removed": False, "reason": f"schema {schema} not present"}
        if state == "foreign":
            raise InstallError(f"schema {schema!r} was not created by indb_ml; not touching it")
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'indb_ml'").fetchone():
            raise InstallError("indb_ml is installed as an extension here; use DROP EXTENSION indb_ml")
        dependents = conn.execute(
            """
            SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid)
            FROM pg_depend d
            JOIN pg_namespace n ON n.nspname = %s
            WHERE d.deptype = 'n'
              AND (
                (d.refclassid = 'pg_proc'::regclass AND d.refobjid IN (SELECT oid FROM pg_proc WHERE pronamespace = n.oid))
                OR (d.refclassid = 'pg_class'::regclass AND d.refobjid IN (SELECT oid FROM pg_class WHERE relnamespace = n.oid))
                OR (d.refclassid = 'pg_type'::regclass AND d.refobjid IN (SELECT oid FROM pg_type WHERE typnamespace = n.oid))
              )
              AND NOT (
                (d.classid = 'pg_proc'::regclass AND d.objid IN (SELECT oid FROM pg_proc WHERE pronamespace = n.oid))
                OR (d.classid = 'pg_class'::regclass AND d.objid IN (SELECT oid FROM pg_class WHERE relnamespace = n.oid))
                OR (d.classid = 'pg_type'::regclass AND d.objid IN (SELECT oid FROM pg_type WHERE typnamespace = n.oid))
                OR (d.classid = 'pg_rewrite'::regclass AND d.objid IN (
                        SELECT r.oid FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE c.relnamespace = n.oid))
                OR (d.classid = 'pg_constraint'::regclass AND d.objid IN (
                        SELECT oid FROM pg_constraint WHERE connamespace = n.oid))
                OR (d.classid = 'pg_attrdef'::regclass AND d.objid IN (
                        SELECT a.oid FROM pg_attrdef a JOIN pg_class c ON c.oid = a.adrelid WHERE c.relnamespace = n.oid))
                OR (d.classid = 'pg_aggregate'::regclass)
                OR (d.classid = 'pg_policy'::regclass AND d.objid IN (
                        SELECT p.oid FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = n.oid))
                OR (d.classid = 'pg_event_trigger'::regclass AND d.objid IN (
                        SELECT e.oid FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid
                        WHERE p.pronamespace = n.oid))
              )
            """, [schema]).fetchall()
        if dependents:
            names = "; ".join(r[0] for r in dependents)
            raise InstallError(f"objects outside schema {schema} depend on indb_ml and would be lost: {names}. "
                               "Drop them first.")
        ident = sql.Identifier(schema)
        created_lang = conn.execute(sql.SQL(
            "SELECT value FROM {}.install_info WHERE key = 'created_plpython3u'").format(ident)).fetchone()
        with conn.transaction():
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(ident))
            # packed data and prepared graphs (migrations/0004)
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema + "_data")))
            dropped_lang = False
            if created_lang and created_lang[0] == "true":
                others = conn.execute(
                    "SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
                    "WHERE l.lanname = 'plpython3u'").fetchone()[0]
                if others == 0:
                    conn.execute("DROP EXTENSION IF EXISTS plpython3u")
                    dropped_lang = True
        return {"removed": True, "dropped_plpython3u": dropped_lang}
