"""Where the SQL, PL/Python kernels, migrations, frozen releases and data live.

In the repository they are top-level folders (``sql/``, ``plpython/``,
``migrations/``, ``extension/``, ``data/``, ``examples/``) so that a reader
finds each algorithm by name. A wheel or sdist build copies them into the
package as ``indb_ml/_dist/<folder>`` (see ``setup.py``), so an installed
package carries everything ``indb-ml install`` needs. The packaged copy wins
when present; otherwise (a checkout, an editable install) the folders beside
the package are used.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED = PACKAGE_DIR / "_dist"
#: folders the build copies into the package (also what check_layout demands)
SHIPPED_FOLDERS = ("sql", "plpython", "migrations", "extension", "data", "examples")
REQUIRED_FOLDERS = ("sql", "plpython", "migrations", "extension")

ROOT = PACKAGED if PACKAGED.is_dir() else PACKAGE_DIR.parent
PROJECT_ROOT = ROOT  # kept for callers that used the old name
SQL_DIR = ROOT / "sql"
PLPYTHON_DIR = ROOT / "plpython"
MIGRATIONS_DIR = ROOT / "migrations"
EXTENSION_DIR = ROOT / "extension"
EXAMPLES_DIR = ROOT / "examples"
DATA_DIR = ROOT / "data"

#: a file that must exist in each required folder (a folder that exists but is empty is as bad as none)
_MARKERS = {"sql": "core.sql", "plpython": "blocks.py", "migrations": "0001_catalog.sql",
            "extension": "releases"}


class LayoutError(RuntimeError):
    """The installed package lacks files it needs (a broken build)."""


def check_layout() -> None:
    """Fail loudly, naming what is missing, when the package was installed without its SQL."""
    missing = []
    for folder in REQUIRED_FOLDERS:
        path = ROOT / folder
        if not path.is_dir():
            missing.append(f"{path}/ (folder)")
        elif not (path / _MARKERS[folder]).exists():
            missing.append(str(path / _MARKERS[folder]))
    if missing:
        raise LayoutError(
            "indb_ml is installed without the SQL it installs; missing: " + ", ".join(missing)
            + ". Install a wheel or sdist built with `python -m build` (it copies sql/, plpython/, "
            "migrations/ and extension/ into the package), or `pip install -e .` from a checkout"
        )
