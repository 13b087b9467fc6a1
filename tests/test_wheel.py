"""The package as a user gets it: `python -m build` -> sdist + wheel carrying the SQL; the wheel installed
into a throwaway virtualenv outside the checkout installs indb_ml into a throwaway database and trains a
model from there; a package without its SQL fails loudly, naming what is missing."""
import gzip
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import psycopg
import pytest

from conftest import CALIFORNIA, PROJECT, create_database, drop_database
from indb_ml import __version__, build

TRAIN = """
import sys, indb_ml, indb_ml.demo_data as d
assert indb_ml.__file__.startswith(sys.prefix), indb_ml.__file__      # the installed copy, not the checkout
db = indb_ml.connect(sys.argv[1])
d.california(db.conn)
m = indb_ml.LinearRegression().fit(db, "california_housing", label="median_house_value",
                                   features=["median_income", "housing_median_age"], model_table="wheel_model")
print(repr([m.intercept_] + list(m.coef_)))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(PROJECT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = proc.stdout + proc.stderr
    assert "deprecat" not in log.lower(), log[-3000:]      # e.g. setuptools' warning on a table project.license
    wheel = next(out.glob(f"indb_ml-{__version__}-*.whl"))
    sdist = next(out.glob(f"indb_ml-{__version__}.tar.gz"))
    return wheel, sdist


def test_wheel_and_sdist_carry_the_sql(built):
    wheel, sdist = built
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"indb_ml/_dist/sql/{p.name}" for p in build.sql_files()}
    expected |= {f"indb_ml/_dist/plpython/{p.name}" for p in (PROJECT / "plpython").glob("*.py")}
    expected |= {f"indb_ml/_dist/migrations/{p.name}" for p in (PROJECT / "migrations").glob("*.sql")}
    expected |= {"indb_ml/_dist/extension/releases/indb_ml--0.1.0.sql.gz",
                 "indb_ml/_dist/data/california_housing/cal_housing.data.gz",
                 "indb_ml/_dist/data/uci_adult/adult.data.gz", "indb_ml/_dist/data/snap_wiki_vote/wiki-Vote.txt.gz"}
    assert expected <= names, sorted(expected - names)
    assert not any("__pycache__" in n for n in names)
    members = {m.split("/", 1)[1] for m in tarfile.open(sdist).getnames() if "/" in m}
    assert {"sql/core.sql", "plpython/blocks.py", "migrations/0001_catalog.sql", "setup.py", "LICENSE"} <= members


def test_installed_wheel_installs_and_trains(built, server_dsn, tmp_path):
    wheel, _ = built
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                         capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-3000:]
    dsn = create_database(server_dsn, "indb_ml_wheel")
    try:
        run = dict(cwd=tmp_path, capture_output=True, text=True)   # outside the checkout
        inst = subprocess.run([str(venv / "bin" / "indb-ml"), "install", "--dsn", dsn], **run)
        assert inst.returncode == 0, inst.stdout + inst.stderr
        with psycopg.connect(dsn) as conn:
            made = conn.execute("SELECT count(*) FROM pg_proc WHERE pronamespace = 'indb_ml'::regnamespace"
                                ).fetchone()[0]
        assert made > 50 and f"{made} functions" in inst.stdout
        train = subprocess.run([str(venv / "bin" / "python"), "-c", TRAIN, dsn], **run)
        assert train.returncode == 0, train.stdout + train.stderr
        coef = np.array(eval(train.stdout.strip().splitlines()[-1]))
        data = np.loadtxt(gzip.open(CALIFORNIA), delimiter=",")
        X = np.column_stack([np.ones(len(data)), data[:, 7], data[:, 2]])
        np.testing.assert_allclose(coef, np.linalg.lstsq(X, data[:, 8], rcond=None)[0], rtol=1e-8)

        # the same package without its SQL: install fails, names what is missing, creates nothing
        site = next(venv.glob("lib/python*/site-packages/indb_ml/_dist"))
        shutil.rmtree(site / "sql")
        other = create_database(server_dsn, "indb_ml_wheel")
        try:
            broken = subprocess.run([str(venv / "bin" / "indb-ml"), "install", "--dsn", other], **run)
            assert broken.returncode != 0
            assert "missing" in broken.stderr and f"{site / 'sql'}" in broken.stderr, broken.stderr
            with psycopg.connect(other) as conn:
                assert not conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'indb_ml'").fetchone()
        finally:
            drop_database(server_dsn, other)
    finally:
        drop_database(server_dsn, dsn)
