"""Where the SQL, PL/Python kernels and migrations live.

They are top-level folders of the project (``sql/``, ``plpython/``,
``migrations/``) so that a reader finds each algorithm by name; the package
is installed editable (``pip install -e .``) and reads them from there.
"""
from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
PLPYTHON_DIR = PROJECT_ROOT / "plpython"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
EXAMPLES_DIR = PROJECT_ROOT / "examples"
DATA_DIR = PROJECT_ROOT / "data"


def check_layout() -> None:
    """Fail early, naming the folder, when the package was installed without its SQL."""
    for folder in (SQL_DIR, PLPYTHON_DIR, MIGRATIONS_DIR):
        if not folder.is_dir():
            raise RuntimeError(
                f"indb_ml cannot find {folder}; install the project from its checkout "
                "with `pip install -e .` so that sql/, plpython/ and migrations/ are readable"
            )
