"""indb-ml: manage the local cluster, install indb_ml into a database, run the demo."""
from __future__ import annotations

import argparse
import json
import sys

from . import __version__


def _dsn(args) -> str:
    if args.dsn:
        return args.dsn
    from .client import local_dsn

    return local_dsn()


def cmd_local(args) -> int:
    from .local import LocalCluster, default_home

    cluster = LocalCluster(default_home())
    if args.action == "start":
        from .client import local_dsn

        print(local_dsn())
    elif args.action == "stop":
        print("stopped" if cluster.stop() else "not running")
    elif args.action == "status":
        print(json.dumps(cluster.status(), indent=2))
        return 0 if cluster.running() else 3
    elif args.action == "dsn":
        from .client import LOCAL_DATABASE

        print(cluster.dsn(LOCAL_DATABASE))
    return 0


def cmd_install(args) -> int:
    from . import installer

    dsn = args.dsn
    if not dsn:
        from .client import LOCAL_DATABASE, local_dsn

        dsn = local_dsn(LOCAL_DATABASE)
    result = installer.install(dsn, schema=args.schema, to_migration=getattr(args, "to_migration", None))
    applied = result["migrations_applied"]
    how = ("as an extension (ALTER EXTENSION indb_ml UPDATE)" if result.get("extension")
           else f"in schema {args.schema}")
    print(f"indb_ml {__version__} installed {how}; "
          f"migrations applied now: {applied or 'none (already up to date)'}")
    with_functions = result.get("functions")
    if with_functions is not None:
        print(f"{with_functions} functions and aggregates in schema {args.schema}")
    if result.get("extension_files"):
        print("extension files in the server's extension directory (CREATE EXTENSION indb_ml works in other "
              "databases): " + ", ".join(result["extension_files"]))
    return 0


def cmd_extension_files(args) -> int:
    from pathlib import Path

    from . import extension

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for path in extension.write(out):
        print(path)
    return 0


def cmd_preload_library(args) -> int:
    from pathlib import Path

    from . import preload
    from .local import find_bindir

    bindir = Path(args.pg_bindir) if args.pg_bindir else find_bindir()
    path = preload.install(bindir) if args.install else preload.build(bindir, Path(args.out))
    print(path)
    print(f"then, in postgresql.conf: shared_preload_libraries = '{preload.NAME}'"
          + ("" if args.install else f" (after copying {path.name} into `pg_config --pkglibdir`)")
          + ", and restart the server", file=sys.stderr)
    return 0


def cmd_uninstall(args) -> int:
    from . import installer

    result = installer.uninstall(_dsn(args), schema=args.schema)
    print(json.dumps(result))
    return 0


def cmd_status(args) -> int:
    from . import installer

    print(json.dumps(installer.status(_dsn(args), schema=args.schema), indent=2, default=str))
    return 0


def cmd_demo(args) -> int:
    from . import demo

    return demo.main(dsn=args.dsn)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="indb-ml", description=__doc__)
    parser.add_argument("--version", action="version", version=f"indb_ml {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    local = sub.add_parser("local", help="the local PostgreSQL cluster under $INDB_ML_HOME "
                                         "(default ~/.local/share/indb_ml)")
    local.add_argument("action", choices=["start", "stop", "status", "dsn"],
                       help="start (initialising and installing indb_ml on first use; prints the DSN), "
                            "stop, status (exit 3 when not running), dsn")
    local.set_defaults(func=cmd_local)

    def with_target(p, extra=True):
        p.add_argument("--dsn", help="libpq connection string or URL of a superuser; default: the local cluster")
        p.add_argument("--schema", default="indb_ml", help="schema that holds indb_ml (default: indb_ml)")
        return p

    install = with_target(sub.add_parser("install", help="install indb_ml into a database (re-running applies no "
                                                         "migration twice and leaves models alone)"))
    install.add_argument("--to-migration", type=int, default=None,
                         help="apply catalog migrations only up to this number (for staged upgrades)")
    install.set_defaults(func=cmd_install)
    upgrade = with_target(sub.add_parser("upgrade", help="apply missing migrations and replace functions "
                                                         "(ALTER EXTENSION indb_ml UPDATE where it is an extension)"))
    upgrade.set_defaults(func=cmd_install)
    uninstall = with_target(sub.add_parser("uninstall", help="remove every object install created"))
    uninstall.set_defaults(func=cmd_uninstall)
    status = with_target(sub.add_parser("status", help="version, migrations, plpython3u, numpy inside the server"))
    status.set_defaults(func=cmd_status)
    files = sub.add_parser("extension-files", help="write indb_ml.control and the install/upgrade scripts of this "
                                                   "version into a folder (to copy into a server's "
                                                   "`pg_config --sharedir`/extension)")
    files.add_argument("--out", required=True, help="folder to write into")
    files.set_defaults(func=cmd_extension_files)
    lib = sub.add_parser("preload-library", help="build the optional indb_ml_preload library (PL/Python and numpy "
                                                 "started once in the postmaster, so backends and parallel "
                                                 "workers start without importing numpy) with PGXS")
    where = lib.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="folder to write indb_ml_preload.so into")
    where.add_argument("--install", action="store_true", help="copy it into the server's `pg_config --pkglibdir`")
    lib.add_argument("--pg-bindir", help="the server's bin folder (default: the newest /usr/lib/postgresql/*/bin)")
    lib.set_defaults(func=cmd_preload_library)
    demo = sub.add_parser("demo", help="the whole product on shipped data: regression, classification, "
                                       "graphs, recommendations (about a minute)")
    demo.add_argument("--dsn", help="run against this database instead of the local cluster")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .installer import InstallError
    from .local import LocalClusterError
    from .preload import PreloadUnavailable
    from .resources import LayoutError

    try:
        return args.func(args) or 0
    except (InstallError, LocalClusterError, LayoutError, PreloadUnavailable, OSError, ValueError) as exc:
        print(f"indb-ml: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
