"""install / upgrade / status / uninstall / CREATE EXTENSION, each in a fresh database of the test server."""
import psycopg
import pytest
from psycopg import sql

from conftest import create_database, drop_database, load_california
from indb_ml import __version__, build, extension, installer, resources


@pytest.fixture
def fresh_db(server_dsn):
    dsn = create_database(server_dsn)
    yield dsn
    drop_database(server_dsn, dsn)


def objects_outside_indb_ml(dsn):
    with psycopg.connect(dsn) as conn:
        return set(conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'indb_ml')").fetchall())


def test_install_is_idempotent_and_status_reports(fresh_db):
    first = installer.install(fresh_db, write_extension=False)
    assert first["migrations_applied"] == [m.version for m in build.migrations("indb_ml")]
    again = installer.install(fresh_db, write_extension=False)
    assert again["migrations_applied"] == []
    st = installer.status(fresh_db)
    assert st["installed"] and st["plpython3u"]
    assert st["migrations_applied"] == st["migrations_available"]
    assert st["server_numpy"] and st["server_numpy"][0].isdigit()
    assert st["version"] == __version__


def install_release_010(dsn):
    """What `indb-ml install` of release 0.1.0 left in a database: its schema, catalog (migrations 1-3) and
    functions - the frozen 0.1.0 script (extension/releases/) run as plain SQL."""
    script = extension.frozen_script("0.1.0")
    lines = [ln for ln in script.splitlines()[1:] if "pg_extension_config_dump" not in ln]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS plpython3u")
        conn.execute("\n".join(lines))


def test_upgrade_from_release_010_keeps_trained_models(fresh_db):
    install_release_010(fresh_db)
    assert installer.status(fresh_db)["migrations_applied"] == [1, 2, 3]
    assert installer.status(fresh_db)["version"] == "0.1.0"
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        load_california(conn)
        conn.execute("SELECT indb_ml.linregr_train('california', 'm_before', 'median_house_value', "
                     "'ARRAY[1, median_income]')")
        before = conn.execute("SELECT coef FROM m_before").fetchone()[0]
        pred = conn.execute("SELECT indb_ml.linregr_predict(coef, ARRAY[1, 3.5]) FROM m_before").fetchone()[0]
        model = conn.execute("SELECT model_id, name, status FROM indb_ml.models").fetchall()
    done = installer.install(fresh_db, write_extension=False)         # what `indb-ml upgrade` runs
    assert done["migrations_applied"] == [m.version for m in build.migrations("indb_ml")][3:]
    assert installer.status(fresh_db)["version"] == __version__
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        assert conn.execute("SELECT coef FROM m_before").fetchone()[0] == before
        assert conn.execute("SELECT indb_ml.linregr_predict(coef, ARRAY[1, 3.5]) FROM m_before").fetchone()[0] \
            == pytest.approx(pred, rel=1e-12)
        assert conn.execute("SELECT model_id, name, status FROM indb_ml.models").fetchall() == model
        assert conn.execute("SELECT name, iterations FROM indb_ml.model_summary").fetchall() == [("public.m_before", 1)]
        # 0004 bound the model to its table: prediction through the registry still works
        assert conn.execute("SELECT indb_ml.predict('m_before', ARRAY[1, 3.5]::float8[])").fetchone()[0] \
            == pytest.approx(pred, rel=1e-12)
        # and the upgraded database trains
        conn.execute("SELECT indb_ml.linregr_train('california', 'm_after', 'median_house_value', "
                     "'ARRAY[1, median_income]')")
        assert conn.execute("SELECT coef FROM m_after").fetchone()[0] == pytest.approx(before, rel=1e-12)


def test_uninstall_removes_what_install_created_and_nothing_else(fresh_db):
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE keep_me (a int)")
    before = objects_outside_indb_ml(fresh_db)
    installer.install(fresh_db, write_extension=False)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        load_california(conn)
        conn.execute("SELECT indb_ml.linregr_train('california', 'my_model', 'median_house_value', "
                     "'ARRAY[1, median_income]')")
        conn.execute("CREATE VIEW uses_indb AS SELECT indb_ml.linregr_predict(coef, ARRAY[1, 2]::float8[]) FROM my_model")
    with pytest.raises(installer.InstallError, match="uses_indb"):
        installer.uninstall(fresh_db)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("DROP VIEW uses_indb")
    result = installer.uninstall(fresh_db)
    assert result["removed"]
    with psycopg.connect(fresh_db) as conn:
        assert not conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'indb_ml'").fetchone()
        # our PL/Python functions are gone; the language we added is gone with them
        assert not conn.execute("SELECT 1 FROM pg_language WHERE lanname = 'plpython3u'").fetchone()
    after = objects_outside_indb_ml(fresh_db)
    # the user's own table and their trained model tables stay
    assert before <= after
    assert {("california",), ("my_model",), ("my_model_summary",)} <= after


def test_refuses_a_foreign_schema_and_bad_schema_names(fresh_db):
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA theirs")
    with pytest.raises(installer.InstallError, match="not created by indb_ml"):
        installer.install(fresh_db, schema="theirs", write_extension=False)
    with pytest.raises(ValueError, match="not allowed"):
        installer.install(fresh_db, schema='x"; drop schema public; --', write_extension=False)


def test_custom_schema(fresh_db):
    installer.install(fresh_db, schema="ml", write_extension=False)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        load_california(conn)
        msg = conn.execute("SELECT ml.linregr_train('california', 'm', 'median_house_value', "
                           "'ARRAY[1, median_income]')").fetchone()[0]
        assert "20640 rows" in msg
        assert conn.execute("SELECT count(*) FROM ml.models").fetchone()[0] == 1


def test_non_superuser_gets_an_actionable_error(fresh_db):
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS plain_user")
        conn.execute("CREATE ROLE plain_user LOGIN PASSWORD 'pw'")
    params = psycopg.conninfo.conninfo_to_dict(fresh_db)
    params.update(user="plain_user", password="pw")
    try:
        with pytest.raises(installer.InstallError, match="not a superuser"):
            installer.install(psycopg.conninfo.make_conninfo(**params), write_extension=False)
    finally:
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            conn.execute("DROP ROLE plain_user")


def test_preflight_names_the_missing_numpy(fresh_db, monkeypatch):
    """Simulate a server Python without numpy: the error says which Python and which package."""
    monkeypatch.setattr(installer, "_server_python",
                        lambda conn, create_language: {"python": "3.11.2", "prefix": "/usr", "numpy": None})
    with pytest.raises(installer.InstallError, match=r"numpy is not importable by the server's Python 3\.11\.2.*python3-numpy"):
        installer.install(fresh_db, write_extension=False)
    with psycopg.connect(fresh_db) as conn:
        assert not conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'indb_ml'").fetchone()


def test_preflight_names_the_missing_plpython_package(fresh_db, monkeypatch):
    """A server without plpython3u available: the error names the Debian package for its major version."""
    real_connect = psycopg.connect

    class NoPlpython(psycopg.Connection):
        def execute(self, query, params=None, **kw):
            text = query if isinstance(query, str) else query.as_string(self)
            if "pg_available_extensions" in text or "FROM pg_language" in text:
                query = "SELECT 1 WHERE false"
            return super().execute(query, params, **kw)

    monkeypatch.setattr(installer.psycopg, "connect", lambda dsn, **kw: NoPlpython.connect(dsn, **kw))
    with pytest.raises(installer.InstallError, match=r"postgresql-plpython3-1\d"):
        installer.install(fresh_db, write_extension=False)
    monkeypatch.setattr(installer.psycopg, "connect", real_connect)


def test_missing_sql_fails_loudly_naming_it(fresh_db, monkeypatch, tmp_path):
    """A package without its SQL (the 0.1.0 wheel) must not report success: install names what is missing."""
    monkeypatch.setattr(resources, "ROOT", tmp_path)
    (tmp_path / "plpython").mkdir()
    with pytest.raises(resources.LayoutError, match=r"missing: .*sql/ \(folder\).*plpython/blocks\.py"):
        installer.install(fresh_db)
    with psycopg.connect(fresh_db) as conn:
        assert not conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'indb_ml'").fetchone()
