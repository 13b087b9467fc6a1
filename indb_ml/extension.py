"""indb_ml as a PostgreSQL extension: control file, install script, upgrade scripts.

Generated from the same sources as the installer (``build``): the forward-only
migrations and the ``CREATE OR REPLACE`` function bodies.

* ``indb_ml--<current>.sql`` - the whole current release: catalog (every
  migration), functions, ``pg_extension_config_dump`` for the catalog tables
  and their sequences (so ``pg_dump`` keeps trained models).
* ``indb_ml--<old>--<current>.sql`` for every earlier release - the
  migrations after the ones ``<old>`` ended at, then every function again
  (so ``ALTER EXTENSION indb_ml UPDATE`` keeps models, their history and
  prepared data, and replaces the code).

``RELEASES`` records which migration each release ends at; the last entry is
the version being built (``None`` = every migration in ``migrations/``). When
a version is released, write its number in place of ``None`` and freeze its
install script under ``extension/releases/`` (0.1.0's was generated from the
git tag ``v0.1.0``).

The extension is not relocatable: function bodies (SQL and Python) name the
schema ``indb_ml`` literally. The control file fixes ``schema = indb_ml``
(``\\dx`` shows it); PostgreSQL creates that schema if needed and it is not a
member of the extension. Neither is ``indb_ml_data``, where training keeps
packed copies (caches, owned by the roles that trained). So ``DROP EXTENSION
indb_ml`` works after training: it removes the functions and the catalog, the
users' model tables stay, and the two schemas stay behind (``indb_ml_data``
with its caches, cleared by the next ``CREATE EXTENSION``; ``DROP SCHEMA
indb_ml_data CASCADE`` removes them at once).
"""
from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

from . import __version__, build, resources

NAME = "indb_ml"
SCHEMA = "indb_ml"
#: (version, last migration of that release); None = the migrations present now (the version being built)
RELEASES: list[tuple[str, int | None]] = [("0.1.0", 3), (__version__, None)]
#: catalog tables whose rows the install script writes itself: pg_dump must not dump them too
SCRIPT_FILLED_TABLES = ("schema_migrations", "install_info")
#: not dumped either: the change log (migrations/0007) names relations by OID, which a restore does not
#: keep; a restored database starts with an empty log (restored caches then never match: safe)
UNDUMPED = SCRIPT_FILLED_TABLES + ("source_changes", "source_changes_id_seq")
#: where training keeps packed copies and prepared graphs (migrations/0004): caches, not extension members
DATA_SCHEMA = f"{SCHEMA}_data"


def control_text() -> str:
    return (
        "# indb_ml: machine learning and graph analytics inside PostgreSQL\n"
        "comment = 'indb_ml: in-database machine learning and graph analytics (PL/Python + numpy)'\n"
        f"default_version = '{__version__}'\n"
        "# not relocatable: SQL and PL/Python bodies name the schema indb_ml literally\n"
        "relocatable = false\n"
        f"schema = {SCHEMA}\n"
        "superuser = true\n"
        "trusted = false\n"
        "requires = 'plpython3u'\n"
    )


def _last_migration(end: int | None) -> int:
    return len(build.migrations(SCHEMA)) if end is None else end


def _migration_part(after: int, upto: int) -> list[str]:
    parts = []
    for mig in build.migrations(SCHEMA):
        if after < mig.version <= upto:
            parts.append(f"-- ===== migrations/{mig.version:04d}_{mig.name}.sql =====\n{mig.sql}")
            parts.append(f"INSERT INTO {SCHEMA}.schema_migrations (version, name) "
                         f"VALUES ({mig.version}, '{mig.name}');")
    return parts


def _config_dump_part() -> str:
    """Mark every catalog table (and sequence) of the extension for pg_dump, except UNDUMPED ones."""
    skip = ", ".join(f"'{t}'" for t in UNDUMPED)
    return f"""DO $ext$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
             JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = '{NAME}'
             WHERE c.relkind IN ('r', 'S') AND c.relname NOT IN ({skip})
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(r.rel, '');
    END LOOP;
END
$ext$;"""


def _clear_orphan_caches_part() -> str:
    """A data schema that belongs to no extension and no catalog is what an earlier DROP EXTENSION left:
    packed copies nobody can reach any more. Drop it before the migrations create it again."""
    d = DATA_SCHEMA
    return f"""DO $ext$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = '{d}')
       AND pg_catalog.to_regclass('{SCHEMA}.prepared_data') IS NULL THEN
        RAISE WARNING 'indb_ml: dropping schema {d} (packed copies left by an earlier DROP EXTENSION indb_ml)';
        DROP SCHEMA {d} CASCADE;
    END IF;
END
$ext$;"""


def _release_data_schema_part() -> str:
    """The data schema holds caches owned by the roles that trained; as an extension member it would make
    DROP EXTENSION refuse after any training. Not a member, it stays behind (cleared at the next CREATE)."""
    d = DATA_SCHEMA
    return f"""DO $ext$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_depend WHERE classid = 'pg_catalog.pg_namespace'::regclass
               AND objid = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = '{d}')
               AND refclassid = 'pg_catalog.pg_extension'::regclass AND deptype = 'e') THEN
        ALTER EXTENSION {NAME} DROP SCHEMA {d};
    END IF;
END
$ext$;"""


def _adopt_schema_part() -> str:
    """0.1.0's script created the schema itself (a member: DROP EXTENSION then needed CASCADE once training
    had packed data) and was recorded in schema public. From 0.2.0 the schema is the extension's recorded
    schema and not a member. ALTER EXTENSION SET SCHEMA is refused for a non-relocatable extension, so the
    two catalog rows that say where the extension lives are corrected directly (superuser script)."""
    return f"""DO $ext$
DECLARE
    ext oid := (SELECT oid FROM pg_catalog.pg_extension WHERE extname = '{NAME}');
    nsp oid := '{SCHEMA}'::regnamespace;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_depend WHERE classid = 'pg_catalog.pg_namespace'::regclass
               AND objid = nsp AND refclassid = 'pg_catalog.pg_extension'::regclass AND refobjid = ext
               AND deptype = 'e') THEN
        ALTER EXTENSION {NAME} DROP SCHEMA {SCHEMA};
    END IF;
    IF (SELECT extnamespace FROM pg_catalog.pg_extension WHERE oid = ext) <> nsp THEN
        UPDATE pg_catalog.pg_depend SET refobjid = nsp
         WHERE classid = 'pg_catalog.pg_extension'::regclass AND objid = ext
           AND refclassid = 'pg_catalog.pg_namespace'::regclass AND deptype = 'n';
        UPDATE pg_catalog.pg_extension SET extnamespace = nsp WHERE oid = ext;
    END IF;
END
$ext$;"""


def install_script() -> str:
    """``indb_ml--<current>.sql``: the whole current release in one script."""
    s = SCHEMA
    parts = [
        f"\\echo Use \"CREATE EXTENSION {NAME}\" to load this file. \\quit",
        "-- generated by indb_ml/extension.py from migrations/ and sql/; do not edit",
        # the schema comes from the control file; packed copies an earlier DROP EXTENSION left behind go
        _clear_orphan_caches_part(),
        f"CREATE TABLE {s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
        "applied_at timestamptz NOT NULL DEFAULT now());",
        f"CREATE TABLE {s}.install_info (key text PRIMARY KEY, value text);",
        f"INSERT INTO {s}.install_info VALUES ('version', '{__version__}'), ('created_plpython3u', 'false');",
        f"GRANT USAGE ON SCHEMA {s} TO PUBLIC;",
    ]
    parts += _migration_part(0, _last_migration(None))
    parts.append(build.functions_script(s))
    parts.append(_release_data_schema_part())
    parts.append(_config_dump_part())
    return "\n\n".join(parts) + "\n"


def upgrade_script(old: str) -> str:
    """``indb_ml--<old>--<current>.sql``: the later migrations, then every function again."""
    ends = dict(RELEASES)
    if old not in ends or old == __version__:
        raise ValueError(f"no release {old!r} to upgrade from (releases: {[v for v, _ in RELEASES]})")
    s = SCHEMA
    parts = [
        f"\\echo Use \"ALTER EXTENSION {NAME} UPDATE TO '{__version__}'\" to load this file. \\quit",
        f"-- generated by indb_ml/extension.py: {old} (migrations 1..{ends[old]}) -> {__version__} "
        f"(migrations 1..{_last_migration(None)}); do not edit",
    ]
    parts.append(_adopt_schema_part())
    parts += _migration_part(ends[old], _last_migration(None))
    parts.append(build.functions_script(s))
    parts.append(f"UPDATE {s}.install_info SET value = '{__version__}' WHERE key = 'version';")
    parts.append(_release_data_schema_part())
    parts.append(_config_dump_part())
    return "\n\n".join(parts) + "\n"


def frozen_script(version: str) -> str:
    """The install script of an earlier release, as it was released (extension/releases/)."""
    path = resources.EXTENSION_DIR / "releases" / f"{NAME}--{version}.sql.gz"
    return gzip.decompress(path.read_bytes()).decode()


def frozen_control(version: str) -> str:
    return (resources.EXTENSION_DIR / "releases" / f"{NAME}--{version}.control").read_text()


def files() -> dict[str, str]:
    """file name -> content of everything the server's extension directory needs for this version."""
    out = {f"{NAME}.control": control_text(), f"{NAME}--{__version__}.sql": install_script()}
    for version, _ in RELEASES[:-1]:
        out[f"{NAME}--{version}--{__version__}.sql"] = upgrade_script(version)
    _check_complete(out[f"{NAME}--{__version__}.sql"])
    return out


def _check_complete(script: str) -> None:
    """Refuse to hand out a script that lacks any sql/ file or migration (a broken package)."""
    resources.check_layout()
    missing = [f"sql/{p.name}" for p in build.sql_files() if f"-- ===== sql/{p.name} =====" not in script]
    missing += [f"migration {m.version}" for m in build.migrations(SCHEMA)
                if f"-- ===== migrations/{m.version:04d}_" not in script]
    if missing or "CREATE OR REPLACE FUNCTION" not in script:
        raise resources.LayoutError(f"the generated extension script is incomplete (missing {missing}); "
                                    "refusing to write it")


def write(directory: Path, contents: dict[str, str] | None = None) -> list[str]:
    """Write the files atomically (a reader never sees half a script); returns their paths."""
    contents = files() if contents is None else contents
    written = []
    for name, text in contents.items():
        target = directory / name
        written.append(str(target))
        try:
            if target.read_text() == text:
                continue            # already there: re-running install leaves the file alone
        except (OSError, UnicodeDecodeError):
            pass
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return written
