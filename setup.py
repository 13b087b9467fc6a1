"""Build hook: copy the top-level sql/, plpython/, migrations/, extension/, data/ and examples/
folders into the package (``indb_ml/_dist/``) so that wheels carry what ``indb-ml install`` runs.

The folders stay at the top of the repository for readers; everything else is in pyproject.toml.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
FOLDERS = ("sql", "plpython", "migrations", "extension", "data", "examples")


class BuildWithResources(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "indb_ml" / "_dist"
        for folder in FOLDERS:
            src = HERE / folder
            if not src.is_dir():
                raise SystemExit(f"build: the folder {folder}/ is missing from {HERE}; the package would be "
                                 "useless without it")
            shutil.rmtree(target / folder, ignore_errors=True)
            shutil.copytree(src, target / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithResources})
