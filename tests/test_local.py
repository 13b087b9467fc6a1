"""`indb-ml local start|status|dsn|stop` and the demo, on a cluster in a temporary INDB_ML_HOME."""
import json
import os
import subprocess
import sys

import psycopg
import pytest


def run_cli(args, home, check=True):
    env = dict(os.environ, INDB_ML_HOME=str(home))
    proc = subprocess.run([sys.executable, "-m", "indb_ml.cli"] + args, capture_output=True, text=True,
                          env=env, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"indb-ml {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def home(tmp_path_factory):
    path = tmp_path_factory.mktemp("indb_home") / "state"
    yield path
    run_cli(["local", "stop"], path, check=False)


def test_local_cluster_lifecycle_and_demo(home):
    dsn = run_cli(["local", "start"], home).stdout.strip().splitlines()[-1]
    assert "host=127.0.0.1" in dsn
    status = json.loads(run_cli(["local", "status"], home).stdout)
    assert status["running"] and status["port"]
    assert run_cli(["local", "dsn"], home).stdout.strip() == dsn
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
        assert conn.execute("SELECT to_regclass('indb_ml.models') IS NOT NULL").fetchone()[0]
        assert int(conn.execute("SHOW max_parallel_workers_per_gather").fetchone()[0]) >= 1
    assert oct((home / "password").stat().st_mode & 0o777) == "0o600"
    demo = run_cli(["demo"], home).stdout
    assert "1. Linear regression" in demo and "4. Recommendations" in demo
    assert 'psql "$(indb-ml local dsn)"' in demo           # without --dsn: how to reach the local cluster
    st = json.loads(run_cli(["status"], home).stdout)
    assert st["installed"] and st["server_numpy"]
    assert run_cli(["local", "stop"], home).stdout.strip() == "stopped"
    assert run_cli(["local", "status"], home, check=False).returncode == 3
    # a second start finds the same data again
    run_cli(["local", "start"], home)
    with psycopg.connect(run_cli(["local", "dsn"], home).stdout.strip()) as conn:
        assert conn.execute("SELECT count(*) FROM california_housing").fetchone()[0] == 20640


def test_cli_errors_are_one_line_and_exit_2(home):
    proc = run_cli(["install", "--dsn", "host=127.0.0.1 port=1 user=x dbname=x connect_timeout=2",
                    "--schema", "Bad-Name"], home, check=False)
    assert proc.returncode == 2
    assert "schema name 'Bad-Name' is not allowed" in proc.stderr


def test_server_environment_hides_the_callers_python(monkeypatch):
    """A pyenv/virtualenv python3 on the caller's PATH must not become the server's PL/Python library."""
    from indb_ml.local import server_environment

    monkeypatch.setenv("PATH", "/root/.pyenv/shims:/usr/bin:/bin")
    monkeypatch.setenv("PYTHONHOME", "/somewhere")
    monkeypatch.setenv("VIRTUAL_ENV", "/venv")
    env = server_environment()
    assert "pyenv" not in env["PATH"] and "/usr/bin" in env["PATH"]
    assert "PYTHONHOME" not in env and "VIRTUAL_ENV" not in env
