"""Every source kind trains the same model: plain table, partitioned table (with a sub-partitioned
and a foreign leaf), view, materialized view, foreign table (postgres_fdw over loopback).

The plain table's models are checked against numpy / statsmodels; every other source must give
the plain table's model to 1e-10. A partitioned source is packed leaf by leaf into a packed table
partitioned the same way, and its passes compute one state per partition."""
import numpy as np
import psycopg
import pytest
import statsmodels.api as sm
from psycopg import sql

N, D = 3000, 4
COLUMNS = ["x1", "x2", "x3", "x4"]
FEATURES = "ARRAY[1, x1, x2, x3, x4]"
KINDS = ["plain", "partitioned", "partitioned_foreign", "view", "matview", "foreign"]


def _data():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(N, D)) * np.array([1.0, 3.0, 0.5, 10.0]) + np.array([0.0, 2.0, -1.0, 5.0])
    y = 1.5 + X @ np.array([0.7, -0.2, 1.1, 0.03]) + rng.normal(scale=0.5, size=N)
    eta = -0.4 + X @ np.array([0.8, -0.3, 0.9, 0.02])
    label = rng.random(N) < 1 / (1 + np.exp(-eta))
    region = np.array(["north", "south", "east"])[rng.integers(0, 3, size=N)]
    return X, y, label, region


@pytest.fixture(scope="module")
def sources(db_dsn):
    """Creates every source kind once; -> {kind: table name}."""
    X, y, label, region = _data()
    info = psycopg.conninfo.conninfo_to_dict(db_dsn)
    with psycopg.connect(db_dsn, autocommit=True) as c:
        c.execute("DROP TABLE IF EXISTS src_plain, src_part, src_part_f CASCADE")
        c.execute("CREATE TABLE src_plain (id int, region text, x1 float8, x2 float8, x3 float8, x4 float8, "
                  "y float8, label boolean)")
        with c.cursor().copy("COPY src_plain FROM STDIN") as cp:
            for i in range(N):
                cp.write_row([i, region[i], *X[i].tolist(), float(y[i]), bool(label[i])])
        # range partitions; the last is itself list-partitioned (leaves at two depths)
        c.execute("CREATE TABLE src_part (LIKE src_plain) PARTITION BY RANGE (id)")
        c.execute("CREATE TABLE src_part_a PARTITION OF src_part FOR VALUES FROM (0) TO (1000)")
        c.execute("CREATE TABLE src_part_b PARTITION OF src_part FOR VALUES FROM (1000) TO (1700)")
        c.execute("CREATE TABLE src_part_c PARTITION OF src_part FOR VALUES FROM (1700) TO (MAXVALUE) "
                  "PARTITION BY LIST (region)")
        c.execute("CREATE TABLE src_part_c1 PARTITION OF src_part_c FOR VALUES IN ('north')")
        c.execute("CREATE TABLE src_part_c2 PARTITION OF src_part_c DEFAULT")
        c.execute("INSERT INTO src_part SELECT * FROM src_plain")
        c.execute("CREATE VIEW src_view AS SELECT * FROM src_plain")
        c.execute("CREATE MATERIALIZED VIEW src_matview AS SELECT * FROM src_plain")
        c.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
        c.execute("DROP SERVER IF EXISTS src_loopback CASCADE")
        c.execute(sql.SQL("CREATE SERVER src_loopback FOREIGN DATA WRAPPER postgres_fdw "
                          "OPTIONS (host {}, port {}, dbname {})").format(
            sql.Literal(info.get("host", "127.0.0.1")), sql.Literal(str(info.get("port", 5432))),
            sql.Literal(info["dbname"])))
        c.execute(sql.SQL("CREATE USER MAPPING FOR CURRENT_USER SERVER src_loopback "
                          "OPTIONS (user {}, password {})").format(
            sql.Literal(info["user"]), sql.Literal(info.get("password", ""))))
        c.execute("CREATE FOREIGN TABLE src_foreign (id int, region text, x1 float8, x2 float8, x3 float8, "
                  "x4 float8, y float8, label boolean) SERVER src_loopback "
                  "OPTIONS (schema_name 'public', table_name 'src_plain')")
        # a partitioned table with a local and a foreign leaf (the foreign one reads src_plain's tail)
        c.execute("CREATE TABLE src_part_f (LIKE src_plain) PARTITION BY RANGE (id)")
        c.execute("CREATE TABLE src_part_f_local PARTITION OF src_part_f FOR VALUES FROM (0) TO (2000)")
        c.execute("CREATE VIEW src_tail AS SELECT * FROM src_plain WHERE id >= 2000")
        c.execute("CREATE FOREIGN TABLE src_part_f_remote PARTITION OF src_part_f FOR VALUES FROM (2000) "
                  "TO (MAXVALUE) SERVER src_loopback OPTIONS (schema_name 'public', table_name 'src_tail')")
        c.execute("INSERT INTO src_part_f_local SELECT * FROM src_plain WHERE id < 2000")
        c.execute("ANALYZE")
    return {"plain": "src_plain", "partitioned": "src_part", "partitioned_foreign": "src_part_f",
            "view": "src_view", "matview": "src_matview", "foreign": "src_foreign"}


def _linregr(conn, source, out, grouping=None):
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {0}, {1}").format(sql.Identifier(out), sql.Identifier(out + "_summary")))
    conn.execute("SELECT indb_ml.linregr_train(%s, %s, 'y', %s, %s)", [source, out, FEATURES, grouping])
    order = sql.SQL(" ORDER BY region") if grouping else sql.SQL("")
    cols = sql.SQL("region, coef, num_rows_processed") if grouping else sql.SQL("coef, num_rows_processed")
    return conn.execute(sql.SQL("SELECT {} FROM {}").format(cols, sql.Identifier(out)) + order).fetchall()


def _logregr(conn, source, out):
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {0}, {1}").format(sql.Identifier(out), sql.Identifier(out + "_summary")))
    conn.execute("SELECT indb_ml.logregr_train(%s, %s, 'label', %s, NULL, 100, 'irls', 1e-12)",
                 [source, out, FEATURES])
    return conn.execute(sql.SQL("SELECT coef, log_likelihood FROM {}").format(sql.Identifier(out))).fetchone()


def _pca(conn, source, out):
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {0}, {1}").format(sql.Identifier(out), sql.Identifier(out + "_mean")))
    conn.execute("SELECT indb_ml.pca_train(%s, %s, NULL, 4, features => 'x1, x2, x3, x4')", [source, out])
    rows = conn.execute(sql.SQL("SELECT principal_components, std_dev FROM {} ORDER BY row_id")
                        .format(sql.Identifier(out))).fetchall()
    comps = np.array([r[0] for r in rows])
    comps *= np.sign(comps[:, :1])        # components are defined up to sign
    return comps, np.array([r[1] for r in rows]) ** 2


def _rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def test_plain_table_matches_the_references(conn, sources):
    X, y, label, _ = _data()
    Xc = np.column_stack([np.ones(N), X])
    (coef, n), = _linregr(conn, sources["plain"], "srcm_lr_plain")
    assert n == N
    assert _rel(coef, np.linalg.lstsq(Xc, y, rcond=None)[0]) < 1e-9
    coef, ll = _logregr(conn, sources["plain"], "srcm_lg_plain")
    ref = sm.Logit(label.astype(float), Xc).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
    assert _rel(coef, ref.params) < 1e-7 and abs(ll - ref.llf) < 1e-8 * abs(ref.llf)
    _, var = _pca(conn, sources["plain"], "srcm_pca_plain")
    assert _rel(var, np.sort(np.linalg.eigvalsh(np.cov(X.T)))[::-1]) < 1e-9


@pytest.mark.parametrize("kind", KINDS[1:])
def test_every_source_kind_gives_the_plain_model(conn, sources, kind):
    (ref_coef, ref_n), = _linregr(conn, sources["plain"], "srcm_lr_plain")
    (coef, n), = _linregr(conn, sources[kind], f"srcm_lr_{kind}")
    assert n == ref_n == N
    assert _rel(coef, ref_coef) < 1e-10
    ref_coef, ref_ll = _logregr(conn, sources["plain"], "srcm_lg_plain")
    coef, ll = _logregr(conn, sources[kind], f"srcm_lg_{kind}")
    assert _rel(coef, ref_coef) < 1e-10 and abs(ll - ref_ll) <= 1e-10 * abs(ref_ll)
    ref_comps, ref_var = _pca(conn, sources["plain"], "srcm_pca_plain")
    comps, var = _pca(conn, sources[kind], f"srcm_pca_{kind}")
    assert _rel(var, ref_var) < 1e-10 and _rel(comps, ref_comps) < 1e-10


@pytest.mark.parametrize("kind", ["partitioned", "view"])
def test_grouping_on_other_sources(conn, sources, kind):
    ref = _linregr(conn, sources["plain"], "srcm_lrg_plain", "region")
    got = _linregr(conn, sources[kind], f"srcm_lrg_{kind}", "region")
    assert [r[0] for r in got] == [r[0] for r in ref] == ["east", "north", "south"]
    for (_, coef, n), (_, rcoef, rn) in zip(got, ref):
        assert n == rn and _rel(coef, rcoef) < 1e-10


def test_partitioned_source_packs_and_passes_per_partition(conn, sources):
    _linregr(conn, sources["partitioned"], "srcm_lr_partcheck")
    table = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE source_table = 'public.src_part' "
                         "AND y_expr <> '' ORDER BY prepared_id DESC LIMIT 1").fetchone()[0]
    leaves = {r[0]: r[1] for r in conn.execute(
        "SELECT c.oid::int8, c.relname FROM pg_partition_tree('src_part') t JOIN pg_class c ON c.oid = t.relid "
        "WHERE t.isleaf").fetchall()}
    assert sorted(leaves.values()) == ["src_part_a", "src_part_b", "src_part_c1", "src_part_c2"]
    packed = sql.Identifier("indb_ml_data", table)
    # the packed table is partitioned by part, one partition per source leaf
    assert conn.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass",
                        [f"indb_ml_data.{table}"]).fetchone()[0] == "p"
    assert conn.execute("SELECT count(*) FROM pg_partition_tree(%s::regclass) WHERE isleaf",
                        [f"indb_ml_data.{table}"]).fetchone()[0] == 4
    rows = dict(conn.execute(sql.SQL("SELECT part::int8, sum(n)::int8 FROM {} GROUP BY part").format(packed)).fetchall())
    expected = dict(conn.execute("SELECT tableoid::int8, count(*) FROM src_part GROUP BY 1").fetchall())
    assert rows == expected and set(rows) == set(leaves)
    # a pass gives one state per partition, and they add up to the unpartitioned state
    per_part = conn.execute(sql.SQL("SELECT part, indb_ml.linregr_agg(x, y, n) FROM {} WHERE n > 0 GROUP BY part")
                            .format(packed)).fetchall()
    assert len(per_part) == 4
    assert sum(int(s[0]) for _, s in per_part) == N


def test_view_and_foreign_sources_are_never_reused_stale(conn, sources):
    """No fingerprint for views / foreign tables: a change in the rows shows in the next model."""
    conn.execute("DROP TABLE IF EXISTS src_small CASCADE")
    conn.execute("CREATE TABLE src_small AS SELECT * FROM src_plain WHERE id < 500")
    conn.execute("CREATE VIEW src_small_v AS SELECT * FROM src_small")
    (c1, n1), = _linregr(conn, "src_small_v", "srcm_small")
    conn.execute("DELETE FROM src_small WHERE id >= 400")
    (c2, n2), = _linregr(conn, "src_small_v", "srcm_small")
    assert (n1, n2) == (500, 400)


def test_parallel_pass_workers_take_the_blocks(conn, sources):
    """With the settings passes.py uses (leader participation off), launched workers aggregate the
    blocks (the leader no longer drains a small packed table first), and the answer is the serial one."""
    pid = conn.execute("SELECT indb_ml.prepare('src_plain', 'y', %s, NULL, 10)", [FEATURES]).fetchone()[0]
    table = conn.execute("SELECT table_name FROM indb_ml.prepared_data WHERE prepared_id = %s", [pid]).fetchone()[0]
    query = sql.SQL("SELECT indb_ml.linregr_agg(p.x, p.y, p.n) FROM {} AS p WHERE p.n > 0").format(
        sql.Identifier("indb_ml_data", table))
    serial = conn.execute(query).fetchone()[0]
    try:
        for s in ["SET parallel_setup_cost = 0", "SET parallel_tuple_cost = 0", "SET min_parallel_table_scan_size = 0",
                  "SET max_parallel_workers_per_gather = 2", "SET parallel_leader_participation = off",
                  "SET jit = off"]:
            conn.execute(s)
        plan = [r[0] for r in conn.execute(sql.SQL("EXPLAIN (ANALYZE, VERBOSE, COSTS OFF) ") + query).fetchall()]
        parallel = conn.execute(query).fetchone()[0]
    finally:
        conn.execute("RESET ALL")
    launched = [int(line.split(":")[1]) for line in plan if "Workers Launched" in line]
    assert launched and launched[0] >= 1, plan
    scan = next(i for i, line in enumerate(plan) if "Seq Scan" in line)
    worker_rows = [int(line.split("rows=")[1].split()[0]) for line in plan[scan + 1:]
                   if line.strip().startswith("Worker ") and "rows=" in line]
    # the workers, not the leader, aggregated every block (which worker takes how many is timing)
    assert len(worker_rows) == launched[0] and max(worker_rows) > 0, plan
    assert sum(worker_rows) == conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE n > 0").format(
        sql.Identifier("indb_ml_data", table))).fetchone()[0]
    np.testing.assert_allclose(parallel, serial, rtol=1e-12)
