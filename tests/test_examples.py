"""Every psql example runs cleanly against a real server (psql -v ON_ERROR_STOP=1)."""
import shutil
import subprocess

import psycopg
import pytest

from indb_ml.resources import EXAMPLES_DIR

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.sql"))


def psql_binary():
    found = shutil.which("psql")
    if not found:
        pytest.fail("psql is not installed (Debian package postgresql-client)")
    return found


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(db_dsn, path):
    params = psycopg.conninfo.conninfo_to_dict(db_dsn)
    env = {"PGPASSWORD": params.get("password", ""), "PATH": "/usr/bin:/bin"}
    args = [psql_binary(), "-X", "-v", "ON_ERROR_STOP=1", "-h", params["host"], "-p", str(params["port"]),
            "-U", params["user"], "-d", params["dbname"], "-f", str(path)]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, f"{path.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert "ERROR" not in proc.stderr
