"""indb_ml as a PostgreSQL extension: CREATE EXTENSION, ALTER EXTENSION UPDATE from the released 0.1.0
(trained models keep predicting the same numbers), DROP EXTENSION after training, and which files install
writes where. The test server has a private extension directory (indb_ml/pgtree.py), so nothing here touches
the system's."""
import numpy as np
import psycopg
import pytest

from conftest import create_database, drop_database, load_california
from indb_ml import __version__, build, extension, installer


@pytest.fixture
def ext_dir(server_dsn):
    with psycopg.connect(server_dsn) as conn:
        directory = installer.extension_directory(conn)
    if directory is None:
        pytest.fail("these tests need a server whose extension directory this process can write: the default "
                    "throwaway cluster has a private one (unset INDB_ML_TEST_DSN / INDB_ML_TEST_DOCKER)")
    yield directory
    for f in directory.glob("indb_ml*"):
        f.unlink()
    extension.write(directory)          # leave the current release's files for the rest of the session


@pytest.fixture
def fresh_db(server_dsn):
    dsn = create_database(server_dsn, "indb_ml_ext")
    yield dsn
    drop_database(server_dsn, dsn)


def put_release_010(directory):
    for f in directory.glob("indb_ml*"):
        f.unlink()
    extension.write(directory, {"indb_ml.control": extension.frozen_control("0.1.0"),
                                "indb_ml--0.1.0.sql": extension.frozen_script("0.1.0")})


def train_models(conn):
    """Models of three families, trained with whatever version is installed."""
    load_california(conn)
    conn.execute("CREATE TABLE cal_cls AS SELECT *, median_house_value > 200000 AS expensive FROM california")
    conn.execute("SELECT indb_ml.linregr_train('california', 'up_lin', 'median_house_value', "
                 "'ARRAY[1, median_income, housing_median_age]')")
    conn.execute("SELECT indb_ml.logregr_train('cal_cls', 'up_log', 'expensive', "
                 "'ARRAY[1, median_income, housing_median_age]')")
    conn.execute("SELECT indb_ml.kmeans('california', 'up_km', 'ARRAY[longitude, latitude]', 4, seed => 1)")


def predictions(conn):
    lin = conn.execute("SELECT indb_ml.linregr_predict(m.coef, ARRAY[1, c.median_income, c.housing_median_age]) "
                       "FROM california c, up_lin m ORDER BY c.ctid").fetchall()
    log = conn.execute("SELECT indb_ml.predict('up_log', ARRAY[1, median_income, housing_median_age]) "
                       "FROM cal_cls ORDER BY ctid").fetchall()
    km = conn.execute("SELECT indb_ml.kmeans_assign('up_km', ARRAY[longitude, latitude]) "
                      "FROM california ORDER BY ctid").fetchall()
    return np.array(lin, dtype=float), np.array(log, dtype=float), [r[0] for r in km]


def catalog(conn):
    return (conn.execute("SELECT model_id, name, algorithm, status, params, metrics FROM indb_ml.models "
                         "ORDER BY model_id").fetchall(),
            conn.execute("SELECT model_id, group_key, iteration, loss FROM indb_ml.model_iterations "
                         "ORDER BY 1, 2, 3").fetchall())


def test_update_from_release_010_keeps_models_and_their_predictions(ext_dir, fresh_db):
    put_release_010(ext_dir)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION indb_ml CASCADE")
        assert conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'indb_ml'").fetchone()[0] == "0.1.0"
        train_models(conn)
        before_pred, before_cat = predictions(conn), catalog(conn)
    # the new release's files arrive (a package upgrade); `indb-ml upgrade` runs ALTER EXTENSION UPDATE
    extension.write(ext_dir)
    done = installer.install(fresh_db)
    assert done["extension"] == __version__
    assert done["migrations_applied"] == [m.version for m in build.migrations("indb_ml") if m.version > 3]
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        ext = conn.execute("SELECT extversion, extnamespace::regnamespace::text FROM pg_extension "
                           "WHERE extname = 'indb_ml'").fetchone()
        assert ext == (__version__, "indb_ml")                 # \dx: version and schema
        assert conn.execute("SELECT value FROM indb_ml.install_info WHERE key = 'version'").fetchone()[0] \
            == __version__
        assert [r[0] for r in conn.execute("SELECT version FROM indb_ml.schema_migrations ORDER BY 1")] \
            == [m.version for m in build.migrations("indb_ml")]
        assert catalog(conn) == before_cat                      # models and their history kept
        after_pred = predictions(conn)
        np.testing.assert_allclose(after_pred[0], before_pred[0], rtol=1e-12)
        np.testing.assert_allclose(after_pred[1], before_pred[1], rtol=1e-12)
        assert after_pred[2] == before_pred[2]
        # 0.1.0's packed copies (guessable names in schema indb_ml) are dropped by migration 0004: they are
        # caches, and 0.2.0's training packs again into indb_ml_data
        assert not conn.execute("SELECT 1 FROM pg_class WHERE relnamespace = 'indb_ml'::regnamespace "
                                "AND relname LIKE '\\_prep\\_%'").fetchone()
        conn.execute("SELECT indb_ml.linregr_train('california', 'up_lin2', 'median_house_value', "
                     "'ARRAY[1, median_income, housing_median_age]')")
        assert conn.execute("SELECT count(*) FROM indb_ml.prepared_data").fetchone()[0] == 1
        assert conn.execute("SELECT coef FROM up_lin2").fetchone()[0] == pytest.approx(
            conn.execute("SELECT coef FROM up_lin").fetchone()[0], rel=1e-12)
        # the catalog is marked for pg_dump
        dumped = {r[0] for r in conn.execute(
            "SELECT unnest(extconfig)::regclass::text FROM pg_extension WHERE extname = 'indb_ml'")}
        assert {"indb_ml.models", "indb_ml.model_iterations", "indb_ml.prepared_data",
                "indb_ml.models_model_id_seq"} <= dumped
        # and an upgraded database drops like a fresh one: the user's model tables stay
        conn.execute("DROP EXTENSION indb_ml")
        assert conn.execute("SELECT count(*) FROM up_lin").fetchone()[0] == 1


def test_create_extension_dx_and_drop_after_training(ext_dir, fresh_db):
    extension.write(ext_dir)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION indb_ml CASCADE")
        assert conn.execute("SELECT extversion, extnamespace::regnamespace::text, extrelocatable FROM pg_extension "
                            "WHERE extname = 'indb_ml'").fetchone() == (__version__, "indb_ml", False)
        load_california(conn)
        conn.execute("SELECT indb_ml.linregr_train('california', 'ext_model', 'median_house_value', "
                     "'ARRAY[1, median_income]')")
        conn.execute("CREATE VIEW uses_indb AS SELECT indb_ml.linregr_predict(coef, ARRAY[1, 2]::float8[]) "
                     "FROM ext_model")
        with pytest.raises(installer.InstallError, match="DROP EXTENSION"):
            installer.uninstall(fresh_db)
        # a user's object that calls indb_ml: PostgreSQL refuses and names it
        with pytest.raises(psycopg.errors.DependentObjectsStillExist, match="extension indb_ml"):
            conn.execute("DROP EXTENSION indb_ml")
        conn.execute("DROP VIEW uses_indb")
        conn.execute("DROP EXTENSION indb_ml")                 # no CASCADE needed after training
        assert conn.execute("SELECT count(*) FROM ext_model").fetchone()[0] == 1       # the user's model stays
        assert not conn.execute("SELECT 1 FROM pg_proc WHERE pronamespace = 'indb_ml'::regnamespace").fetchone()
        assert not conn.execute("SELECT 1 FROM pg_class WHERE relnamespace = 'indb_ml'::regnamespace").fetchone()
        # the packed copy (a cache) stays behind in indb_ml_data, which belongs to no extension
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relnamespace = 'indb_ml_data'::regnamespace "
                            "AND relkind = 'r'").fetchone()[0] >= 1
        # CREATE EXTENSION again: the orphaned caches are cleared (with a WARNING: scripts hide NOTICEs)
        conn.notices = []
        conn.add_notice_handler(lambda d: conn.notices.append(d.message_primary))
        conn.execute("CREATE EXTENSION indb_ml")
        assert any("left by an earlier DROP EXTENSION" in n for n in conn.notices)
        conn.execute("SELECT indb_ml.linregr_train('california', 'ext_model2', 'median_house_value', "
                     "'ARRAY[1, median_income]')")
        assert conn.execute("SELECT count(*) FROM indb_ml.models").fetchone()[0] == 1


def test_install_writes_extension_files_only_for_its_own_schema(ext_dir, fresh_db, server_dsn):
    for f in ext_dir.glob("indb_ml*"):
        f.unlink()
    installer.install(fresh_db, schema="myml")
    assert not list(ext_dir.glob("indb_ml*"))                  # another schema: server-wide files untouched
    other = create_database(server_dsn, "indb_ml_ext")
    try:
        done = installer.install(other)
        names = sorted(p.rsplit("/", 1)[1] for p in done["extension_files"])
        assert names == sorted(extension.files())
        stamps = {p: (ext_dir / p).stat().st_mtime_ns for p in names}
        installer.install(other)                               # re-running leaves identical files alone
        assert {p: (ext_dir / p).stat().st_mtime_ns for p in names} == stamps
    finally:
        drop_database(server_dsn, other)


def test_generated_scripts_are_complete():
    files = extension.files()
    control = files["indb_ml.control"]
    assert f"default_version = '{__version__}'" in control and "schema = indb_ml" in control
    assert "relocatable = false" in control
    full = files[f"indb_ml--{__version__}.sql"]
    for path in build.sql_files():
        assert f"-- ===== sql/{path.name} =====" in full
    upgrade = files[f"indb_ml--0.1.0--{__version__}.sql"]
    assert "-- ===== migrations/0003_" not in upgrade          # 0.1.0 already has migrations 1..3
    for mig in build.migrations("indb_ml"):
        assert (f"-- ===== migrations/{mig.version:04d}_" in upgrade) == (mig.version > 3)


def test_pg_dump_and_restore_keep_models(ext_dir, fresh_db, server_dsn, tmp_path):
    """The catalog is marked for pg_dump: a dump restored into a new database has the models and predicts."""
    import subprocess

    from indb_ml.local import find_bindir

    extension.write(ext_dir)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION indb_ml CASCADE")
        load_california(conn)
        conn.execute("CREATE TABLE cal_cls AS SELECT *, median_house_value > 200000 AS expensive FROM california")
        conn.execute("SELECT indb_ml.logregr_train('cal_cls', 'dump_log', 'expensive', 'ARRAY[1, median_income]')")
        before = conn.execute("SELECT indb_ml.logregr_predict_prob(coef, ARRAY[1, 4.5]) FROM dump_log").fetchone()[0]
        models = conn.execute("SELECT model_id, name, algorithm FROM indb_ml.models").fetchall()
    dump = tmp_path / "dump.sql"
    params = psycopg.conninfo.conninfo_to_dict(fresh_db)
    env = {"PGPASSWORD": params.get("password", ""), "PATH": "/usr/bin:/bin"}
    conn_args = ["-h", params["host"], "-p", str(params["port"]), "-U", params["user"]]
    subprocess.run([str(find_bindir() / "pg_dump"), *conn_args, "-f", str(dump), params["dbname"]],
                   check=True, env=env)
    restored = create_database(server_dsn, "indb_ml_ext")
    try:
        proc = subprocess.run([str(find_bindir() / "psql"), *conn_args, "-v", "ON_ERROR_STOP=1", "-q", "-f",
                               str(dump), psycopg.conninfo.conninfo_to_dict(restored)["dbname"]],
                              env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-3000:]
        with psycopg.connect(restored) as conn:
            assert conn.execute("SELECT model_id, name, algorithm FROM indb_ml.models").fetchall() == models
            assert conn.execute("SELECT indb_ml.logregr_predict_prob(coef, ARRAY[1, 4.5]) FROM dump_log"
                                ).fetchone()[0] == before
            # the model is bound to the restored table (models.out_oid is a regclass): predict by name works
            assert conn.execute("SELECT (indb_ml.predict_proba('dump_log', ARRAY[1, 4.5]::float8[]))[2]"
                                ).fetchone()[0] == pytest.approx(before, rel=1e-12)
            assert conn.execute("SELECT count(*) FROM indb_ml.model_iterations").fetchone()[0] > 0
    finally:
        drop_database(server_dsn, restored)


def test_upgrade_without_update_script_says_what_to_do(ext_dir, fresh_db, monkeypatch):
    put_release_010(ext_dir)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION indb_ml CASCADE")
    monkeypatch.setattr(installer, "extension_directory", lambda conn: None)   # a server we cannot write to
    with pytest.raises(installer.InstallError, match=r"indb_ml--0\.1\.0--0\.2\.0\.sql.*extension-files --out"):
        installer.install(fresh_db)
