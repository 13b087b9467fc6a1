"""Multi-user safety with real non-superuser roles (GRANT indb_ml_user TO ...) on the test server.

alice and bob are LOGIN roles whose only privilege is membership in indb_ml_user (plus a schema
of their own). Each trains every model family and the graph algorithms; neither can see, change
or poison what the other made. The two attack chains of issue 8 are regression tests: the
registry redirect is played by the superuser (as bob could with the DML grants analysts needed
before), and each would make the old code read bob's relation.
"""
import secrets
import shutil
import subprocess
import threading
import uuid

import numpy as np
import psycopg
import pytest
from psycopg import sql

from indb_ml import installer
from indb_ml.resources import EXAMPLES_DIR
from plpython.prepare import DEFAULT_BLOCK_SIZE

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.sql"))


class Analyst:
    def __init__(self, role, dsn):
        self.role, self.dsn = role, dsn

    def connect(self):
        c = psycopg.connect(self.dsn, autocommit=True)
        c.notices = []
        c.add_notice_handler(lambda d: c.notices.append((d.severity, d.message_primary)))
        return c


@pytest.fixture(scope="module")
def analysts(db_dsn):
    """alice and bob: LOGIN roles with only indb_ml_user, each with a schema of its own name."""
    tag = uuid.uuid4().hex[:6]
    made = {}
    params = psycopg.conninfo.conninfo_to_dict(db_dsn)
    with psycopg.connect(db_dsn, autocommit=True) as su:
        for who in ("alice", "bob"):
            role, password = f"{who}_{tag}", secrets.token_urlsafe(16)
            su.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
            su.execute(sql.SQL("GRANT indb_ml_user TO {}").format(sql.Identifier(role)))
            su.execute(sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(sql.Identifier(role), sql.Identifier(role)))
            made[who] = Analyst(role, psycopg.conninfo.make_conninfo(**{**params, "user": role, "password": password}))
    yield made
    with psycopg.connect(db_dsn, autocommit=True) as su:
        for a in made.values():
            su.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(a.role)))
            su.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(a.role)))


@pytest.fixture
def alice(analysts):
    with analysts["alice"].connect() as c:
        yield c


@pytest.fixture
def bob(analysts):
    with analysts["bob"].connect() as c:
        yield c


def make_regression(conn, table, n=400, seed=0):
    """y = 1 + 2a - 3b + noise, in a table of the connection's own schema; returns (X, y)."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    y = 1 + 2 * a - 3 * b + rng.normal(scale=0.1, size=n)
    conn.execute(sql.SQL("CREATE TABLE {} (id int, a float8, b float8, y float8)").format(sql.Identifier(table)))
    with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as cp:
        for i in range(n):
            cp.write_row((i, a[i], b[i], y[i]))
    return np.column_stack([np.ones(n), a, b]), y


def lstsq(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0]


def train(conn, source, out, features="ARRAY[1, a, b]"):
    conn.execute("SELECT indb_ml.linregr_train(%s, %s, 'y', %s)", [source, out, features])
    coef = np.array(conn.execute(sql.SQL("SELECT coef FROM {}").format(sql.Identifier(*out.split(".")))).fetchone()[0])
    reused = conn.execute(sql.SQL("SELECT reused_prepared_data FROM {}").format(
        sql.Identifier(*(out + "_summary").split(".")))).fetchone()[0]
    return coef, reused


def su_count(db_dsn, query, params=()):
    with psycopg.connect(db_dsn, autocommit=True) as su:
        return su.execute(query, params).fetchone()[0]


# ------------------------------------------------------------------ one grant is enough


@pytest.mark.parametrize("who", ["alice", "bob"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_runs_as_an_analyst(analysts, who, path):
    """Every model family, predict/evaluate/recommend and the graph algorithms, as a non-superuser."""
    a = analysts[who]
    params = psycopg.conninfo.conninfo_to_dict(a.dsn)
    # only the analyst's own schema on the search_path: examples then never touch tables of others
    env = {"PGPASSWORD": params["password"], "PATH": "/usr/bin:/bin", "PGOPTIONS": f"-c search_path={a.role}"}
    args = [shutil.which("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-h", params["host"], "-p", str(params["port"]),
            "-U", params["user"], "-d", params["dbname"], "-f", str(path)]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, f"{path.name} as {a.role}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"


def test_status_works_for_an_analyst(analysts):
    out = installer.status(analysts["alice"].dsn)
    assert out["installed"] and 4 in out["migrations_applied"] and out["server_numpy"]


# ------------------------------------------------------------------ isolation


def test_bob_sees_nothing_of_alice(analysts, alice, bob, db_dsn):
    X, y = make_regression(alice, "iso_src")
    train(alice, "iso_src", "iso_m")
    alice.execute("CREATE TABLE iso_edges AS SELECT g AS s, g % 5 + 1 AS d FROM generate_series(1, 9) g")
    alice.execute("SELECT indb_ml.wcc(NULL, NULL, 'iso_edges', 'src=s, dest=d', 'iso_wcc')")
    ar = analysts["alice"].role
    assert su_count(db_dsn, "SELECT count(*) FROM indb_ml.models WHERE owner = %s", [ar]) >= 2
    assert su_count(db_dsn, "SELECT count(*) FROM indb_ml.prepared_data WHERE owner = %s", [ar]) >= 1
    assert su_count(db_dsn, "SELECT count(*) FROM indb_ml.prepared_graphs WHERE owner = %s", [ar]) >= 1
    for table in ("models", "model_summary", "prepared_data", "prepared_graphs"):
        assert bob.execute(f"SELECT count(*) FROM indb_ml.{table} WHERE owner = %s", [ar]).fetchone()[0] == 0
    assert bob.execute("SELECT count(*) FROM indb_ml.model_iterations i WHERE i.model_id IN "
                       "(SELECT model_id FROM indb_ml.models)").fetchone()[0] == \
        bob.execute("SELECT count(*) FROM indb_ml.model_iterations").fetchone()[0]
    with psycopg.connect(db_dsn) as su:
        alice_ids = [r[0] for r in su.execute("SELECT model_id FROM indb_ml.models WHERE owner = %s", [ar])]
        packed = su.execute("SELECT table_name FROM indb_ml.prepared_data WHERE owner = %s", [ar]).fetchone()[0]
        prefix = su.execute("SELECT table_prefix FROM indb_ml.prepared_graphs WHERE owner = %s", [ar]).fetchone()[0]
    assert bob.execute("SELECT count(*) FROM indb_ml.model_iterations WHERE model_id = ANY(%s)",
                       [alice_ids]).fetchone()[0] == 0
    # (a prepared graph's row-per-edge table _e exists only once a SQL traversal has used it)
    for table in (packed, prefix + "_csr", prefix + "_v"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute(sql.SQL("SELECT * FROM indb_ml_data.{}").format(sql.Identifier(table)))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute(sql.SQL("DROP TABLE indb_ml_data.{}").format(sql.Identifier(table)))
    # alice's packed table belongs to her, with no grants to anybody
    acl = su_count(db_dsn, "SELECT coalesce(relacl::text, '') || ':' || pg_get_userbyid(relowner) FROM pg_class "
                           "WHERE oid = to_regclass(%s)", ["indb_ml_data." + packed])
    assert acl == ":" + ar


def test_bobs_updates_and_deletes_of_alices_rows_change_nothing(analysts, alice, bob, db_dsn):
    make_regression(alice, "upd_src")
    train(alice, "upd_src", "upd_m")
    ar = analysts["alice"].role
    name = f"{ar}.upd_m"
    snapshot = "SELECT (SELECT array_agg(m::text ORDER BY model_id) FROM indb_ml.models m WHERE owner = %s), " \
               "(SELECT array_agg(p::text ORDER BY prepared_id) FROM indb_ml.prepared_data p WHERE owner = %s), " \
               "(SELECT count(*) FROM indb_ml.model_iterations i JOIN indb_ml.models m USING (model_id) " \
               " WHERE m.owner = %s)"
    with psycopg.connect(db_dsn, autocommit=True) as su:
        before = su.execute(snapshot, [ar, ar, ar]).fetchone()
    attempts = [
        ("UPDATE indb_ml.models SET out_table = 'x.y' WHERE name = %s", [name]),
        ("UPDATE indb_ml.models SET status = 'failed' WHERE name = %s", [name]),
        ("UPDATE indb_ml.models SET metrics = '{}' WHERE true", []),
        ("DELETE FROM indb_ml.models WHERE name = %s", [name]),
        ("DELETE FROM indb_ml.model_iterations", []),
        ("UPDATE indb_ml.prepared_data SET table_name = 'forged'", []),
        ("UPDATE indb_ml.prepared_data SET last_used_at = now()", []),
        ("DELETE FROM indb_ml.prepared_data", []),
        ("DELETE FROM indb_ml.prepared_graphs", []),
        ("INSERT INTO indb_ml.models (name, algorithm, owner) VALUES ('x', 'linregr', %s)", [ar]),
        ("INSERT INTO indb_ml.prepared_data (source_oid, source_table, x_expr, y_expr, block_size, table_name, "
         "n_features, n_rows, n_skipped, n_blocks, shuffle_seed, owner) VALUES (1, 'x', 'x', 'y', 1, 't', 1, 1, 0, 1, "
         "0, %s)", [ar]),
        ("SELECT indb_ml.drop_model(%s)", [name]),
        ("SELECT indb_ml._drop_owned_packed(%s, 'x')", [ar]),
    ]
    for query, args in attempts:
        try:
            bob.execute(query, args)
        except psycopg.Error:
            pass
    assert bob.execute("SELECT indb_ml.drop_prepared()").fetchone()[0] == 0
    with psycopg.connect(db_dsn, autocommit=True) as su:
        assert su.execute(snapshot, [ar, ar, ar]).fetchone() == before
    # alice herself cannot rewrite a finished model row either: only drop_model removes it
    alice.execute("UPDATE indb_ml.models SET status = 'running' WHERE name = %s", [name])
    assert alice.execute("SELECT status FROM indb_ml.models WHERE name = %s", [name]).fetchone()[0] == "succeeded"
    assert alice.execute("SELECT indb_ml.drop_model(%s)", [name]).fetchone()[0] == 2
    assert alice.execute("SELECT to_regclass('upd_m') IS NULL AND to_regclass('upd_m_summary') IS NULL").fetchone()[0]
    assert alice.execute("SELECT count(*) FROM indb_ml.models WHERE name = %s", [name]).fetchone()[0] == 0


# ------------------------------------------------------------------ the two attack chains


def _bobs_trap(bob, alice_role, secret):
    """bob's view over a function of his that copies alice's private rows into his table."""
    bob.execute("CREATE TABLE stolen (v float8)")
    bob.execute("GRANT INSERT ON stolen TO PUBLIC")
    bob.execute(f"""CREATE FUNCTION steal() RETURNS float8[] LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {bob.info.user}.stolen SELECT a FROM {alice_role}.{secret};
            RETURN ARRAY[100, 100, 100]::float8[];
        EXCEPTION WHEN OTHERS THEN RETURN ARRAY[100, 100, 100]::float8[];
        END $$""")
    bob.execute("CREATE VIEW fake AS SELECT steal() AS coef")
    bob.execute("GRANT SELECT ON fake TO PUBLIC")
    bob.execute(f"GRANT USAGE ON SCHEMA {bob.info.user} TO PUBLIC")


def test_attack_1_registry_redirect_never_runs_bobs_code(analysts, alice, bob, db_dsn):
    make_regression(alice, "secret")
    coef, _ = train(alice, "secret", "m4")
    ar, br = analysts["alice"].role, analysts["bob"].role
    _bobs_trap(bob, ar, "secret")
    x = [1.0, 0.5, -0.25]
    want = float(np.dot(coef, x))
    assert alice.execute("SELECT indb_ml.predict(%s, %s::float8[])", [f"{ar}.m4", x]).fetchone()[0] == \
        pytest.approx(want, rel=1e-12)
    # bob's own attempt is refused by the database
    with pytest.raises(psycopg.Error):
        bob.execute("UPDATE indb_ml.models SET out_table = %s WHERE name = %s", [f"{br}.fake", f"{ar}.m4"])
    # the redirect bob could make with the old grants (played by the superuser): the text, then text + OID
    with psycopg.connect(db_dsn, autocommit=True) as su:
        su.execute("UPDATE indb_ml.models SET out_table = %s WHERE name = %s", [f"{br}.fake", f"{ar}.m4"])
    with psycopg.connect(analysts["alice"].dsn, autocommit=True) as fresh:   # no cached model
        with pytest.raises(psycopg.Error, match="not the table it was trained into"):
            fresh.execute("SELECT indb_ml.predict(%s, %s::float8[])", [f"{ar}.m4", x])
        with pytest.raises(psycopg.Error, match="not the table it was trained into"):
            fresh.execute("SELECT indb_ml.evaluate(%s, 'secret')", [f"{ar}.m4"])
        with pytest.raises(psycopg.Error, match="not the table it was trained into"):
            fresh.execute("SELECT indb_ml.predict_table(%s, 'secret', 'id', 'secret_pred')", [f"{ar}.m4"])
    with psycopg.connect(db_dsn, autocommit=True) as su:
        su.execute("UPDATE indb_ml.models SET out_oid = to_regclass(%s) WHERE name = %s", [f"{br}.fake", f"{ar}.m4"])
    with psycopg.connect(analysts["alice"].dsn, autocommit=True) as fresh:
        with pytest.raises(psycopg.Error, match="not a table owned by the model's owner"):
            fresh.execute("SELECT indb_ml.predict(%s, %s::float8[])", [f"{ar}.m4", x])
    assert bob.execute("SELECT count(*) FROM stolen").fetchone()[0] == 0
    # a table replaced under the same name is refused too
    with psycopg.connect(db_dsn, autocommit=True) as su:
        su.execute("UPDATE indb_ml.models SET out_table = %s, out_oid = to_regclass(%s) WHERE name = %s",
                   [f"{ar}.m4", f"{ar}.m4", f"{ar}.m4"])
    alice.execute("ALTER TABLE m4 RENAME TO m4_old")
    alice.execute("CREATE TABLE m4 AS SELECT ARRAY[7, 7, 7]::float8[] AS coef")
    with psycopg.connect(analysts["alice"].dsn, autocommit=True) as fresh:
        with pytest.raises(psycopg.Error, match="not the table it was trained into"):
            fresh.execute("SELECT indb_ml.predict(%s, %s::float8[])", [f"{ar}.m4", x])


def test_attack_2_forged_packed_table_is_never_used(analysts, alice, bob, db_dsn):
    X, y = make_regression(alice, "own_src")
    first, _ = train(alice, "own_src", "own_m1")
    ar, br = analysts["alice"].role, analysts["bob"].role
    # bob forges a packed table (3 rows of his choosing) where packed tables live
    bob.execute("CREATE TABLE indb_ml_data.forged (part oid, block int, shuffle_key bigint, n int, n_skipped int, "
                "x bytea, y bytea)")
    bob.execute("INSERT INTO indb_ml_data.forged SELECT 0, 0, 0, 3, 0, indb_ml.f8_pack(array_send("
                "ARRAY[[1, 0, 0], [1, 1, 0], [1, 0, 1]]::float8[])), indb_ml.f8_pack(array_send("
                "ARRAY[50, 60, 70]::float8[]))")
    bob.execute("GRANT SELECT ON indb_ml_data.forged TO PUBLIC")
    with pytest.raises(psycopg.Error):
        bob.execute("UPDATE indb_ml.prepared_data SET table_name = 'forged'")
    with psycopg.connect(db_dsn, autocommit=True) as su:
        n = su.execute("UPDATE indb_ml.prepared_data SET table_name = 'forged' WHERE owner = %s "
                       "AND source_oid = to_regclass(%s)", [ar, f"{ar}.own_src"]).rowcount
    assert n == 1
    second, reused = train(alice, "own_src", "own_m2")
    assert not reused
    np.testing.assert_allclose(second, lstsq(X, y), rtol=1e-9)
    np.testing.assert_allclose(second, first, rtol=1e-12)
    third, reused = train(alice, "own_src", "own_m3")
    assert reused
    np.testing.assert_allclose(third, first, rtol=1e-12)


def test_pre_created_names_do_not_block_alice(analysts, alice, bob):
    ar = analysts["alice"].role
    for i in range(1, 60):
        bob.execute(f"CREATE TABLE indb_ml_data._prep_{i} (x int)")
        bob.execute(f"CREATE TABLE indb_ml_data._graph_{i}_v (x int)")
    # a registry row under the name alice will train next
    bob.execute("INSERT INTO indb_ml.models (name, algorithm) VALUES (%s, 'linregr')", [f"{ar}.pre_m"])
    X, y = make_regression(alice, "pre_src")
    coef, _ = train(alice, "pre_src", "pre_m")
    np.testing.assert_allclose(coef, lstsq(X, y), rtol=1e-9)
    alice.execute("CREATE TABLE pre_edges AS SELECT g AS s, g + 1 AS d FROM generate_series(1, 5) g")
    alice.execute("SELECT indb_ml.wcc(NULL, NULL, 'pre_edges', 'src=s, dest=d', 'pre_wcc')")
    assert alice.execute("SELECT count(DISTINCT component_id) FROM pre_wcc").fetchone()[0] == 1


def test_shared_source_trains_for_both_with_separate_copies(analysts, alice, bob, db_dsn):
    ar, br = analysts["alice"].role, analysts["bob"].role
    X, y = make_regression(alice, "shared_src", seed=3)
    alice.execute(f"GRANT SELECT ON shared_src TO {br}")
    alice.execute(f"GRANT USAGE ON SCHEMA {ar} TO {br}")
    a_coef, _ = train(alice, "shared_src", "sh_m")
    b_coef, b_reused = train(bob, f"{ar}.shared_src", "sh_m")
    assert not b_reused
    np.testing.assert_allclose(a_coef, lstsq(X, y), rtol=1e-9)
    np.testing.assert_allclose(b_coef, a_coef, rtol=1e-12)
    owners = su_count(db_dsn, "SELECT array_agg(DISTINCT pg_get_userbyid(c.relowner)::text ORDER BY pg_get_userbyid(c.relowner)::text) FROM "
                              "indb_ml.prepared_data p JOIN pg_class c ON c.relname = p.table_name "
                              "WHERE p.source_oid = to_regclass(%s)", [f"{ar}.shared_src"])
    assert owners == sorted([ar, br])
    _, reused = train(bob, f"{ar}.shared_src", "sh_m2")
    assert reused
    # once bob may no longer read the source, his copy is not served to him
    alice.execute(f"REVOKE SELECT ON shared_src FROM {br}")
    with pytest.raises(psycopg.Error, match="permission denied"):
        train(bob, f"{ar}.shared_src", "sh_m3")
    # alice drops the source: every role's packed copies of it go with it
    packed = su_count(db_dsn, "SELECT array_agg(table_name) FROM indb_ml.prepared_data WHERE source_oid = "
                              "to_regclass(%s)", [f"{ar}.shared_src"])
    assert len(packed) == 2
    alice.execute("DROP TABLE shared_src")
    assert su_count(db_dsn, "SELECT count(*) FROM indb_ml.prepared_data WHERE source_table = %s",
                    [f"{ar}.shared_src"]) == 0
    assert su_count(db_dsn, "SELECT count(*) FROM unnest(%s::text[]) t WHERE to_regclass('indb_ml_data.' || t) "
                            "IS NOT NULL", [packed]) == 0


# ------------------------------------------------------------------ concurrency


def test_eight_concurrent_first_trainings_pack_once(analysts, alice, db_dsn):
    ar = analysts["alice"].role
    X, y = make_regression(alice, "conc_src", n=2000, seed=5)
    holder = analysts["alice"].connect()
    holder.autocommit = False
    holder.execute("SELECT indb_ml.linregr_train('conc_src', 'conc_m0', 'y', 'ARRAY[1, a, b]')")
    errors, results = [], {}

    def run(i):
        try:
            with analysts["alice"].connect() as c:
                results[i] = train(c, "conc_src", f"conc_m{i}")
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(1, 8)]
    for t in threads:
        t.start()
    # the 7 others wait for the first packing (the advisory lock), then reuse it
    for _ in range(200):
        waiting = su_count(db_dsn, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        if waiting == 7:
            break
        threading.Event().wait(0.05)
    holder.commit()
    holder.close()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert su_count(db_dsn, "SELECT count(*) FROM indb_ml.prepared_data WHERE source_oid = to_regclass(%s)",
                    [f"{ar}.conc_src"]) == 1
    assert all(r[1] for r in results.values()) and len(results) == 7
    for coef, _ in results.values():
        np.testing.assert_allclose(coef, lstsq(X, y), rtol=1e-9)


def test_two_trainings_into_one_out_table(analysts, alice):
    make_regression(alice, "two_src")
    first = analysts["alice"].connect()
    first.autocommit = False
    first.execute("SELECT indb_ml.linregr_train('two_src', 'two_m', 'y', 'ARRAY[1, a, b]')")
    outcome = []

    def second():
        with analysts["alice"].connect() as c:
            try:
                c.execute("SELECT indb_ml.linregr_train('two_src', 'two_m', 'y', 'ARRAY[1, a]')")
                outcome.append("ok")
            except psycopg.Error as exc:
                outcome.append(exc.diag.message_primary)

    t = threading.Thread(target=second)
    t.start()
    t.join(1.0)
    assert t.is_alive()       # waits for the first
    first.commit()
    first.close()
    t.join(60)
    assert len(outcome) == 1 and "already exists" in outcome[0], outcome
    assert len(alice.execute("SELECT coef FROM two_m").fetchone()[0]) == 3


def test_model_cache_does_not_cross_roles(analysts, alice, db_dsn):
    """GD (the per-backend model cache) outlives SET ROLE: bob must not get alice's cached model."""
    make_regression(alice, "cache_src")
    coef, _ = train(alice, "cache_src", "cache_m")
    ar, br = analysts["alice"].role, analysts["bob"].role
    x = [1.0, 2.0, 3.0]
    with psycopg.connect(db_dsn, autocommit=True) as su:
        su.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(ar)))
        got = su.execute("SELECT indb_ml.predict(%s, %s::float8[])", [f"{ar}.cache_m", x]).fetchone()[0]
        assert got == pytest.approx(float(np.dot(coef, x)), rel=1e-12)
        su.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(br)))
        with pytest.raises(psycopg.Error, match="not in the registry"):
            su.execute("SELECT indb_ml.predict(%s, %s::float8[])", [f"{ar}.cache_m", x])


def test_a_held_advisory_lock_cannot_block_alice(analysts, alice, bob):
    """Any role may take any advisory lock: bob holding the ones alice's training takes only delays her."""
    ar = analysts["alice"].role
    X, y = make_regression(alice, "held_src")
    bob.autocommit = False
    oid = alice.execute("SELECT 'held_src'::regclass::oid").fetchone()[0]
    bob.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"indb_ml:out\x1f{ar}.held_m"])
    bob.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                ["indb_ml:" + "\x1f".join(["prepare", str(oid), "ARRAY[1.0::float8, a::float8, b::float8]",
                                           "y::float8", "[]", str(DEFAULT_BLOCK_SIZE)])])
    alice.execute("SET indb_ml.lock_wait_seconds = 0.5")
    coef, _ = train(alice, "held_src", "held_m")
    np.testing.assert_allclose(coef, lstsq(X, y), rtol=1e-9)
    assert sum("going on without waiting" in m for _, m in alice.notices) == 2
    bob.rollback()
    bob.autocommit = True
