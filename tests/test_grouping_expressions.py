"""Expressions in grouping_cols (MADlib's habit: grouping_cols => 'data->>''bedroom'''), admitted by
the same whitelist as feature and label expressions (plpython/grouping.py, expressions.py).

Models grouped by an expression equal the same models grouped by a real column holding the
expression's values, under a grouping column named by the expression's text. Hostile text is
refused before any SQL runs and leaves nothing behind; a different expression never reuses
another expression's packed copy.
"""
import re

import numpy as np
import psycopg
import pytest

from conftest import tables_in

EXPR = "data->>'c'"


@pytest.fixture
def group_tables(conn):
    conn.execute("DROP TABLE IF EXISTS gx_src, gx_mat, gx_secret CASCADE")
    conn.execute("CREATE TABLE gx_secret (v float8)")
    conn.execute("INSERT INTO gx_secret VALUES (42)")
    conn.execute("CREATE TABLE gx_src AS SELECT g AS id, (g % 7)::float8 AS a, sin(g)::float8 AS b, "
                 "jsonb_build_object('c', (g % 3)::text) AS data, "
                 "((g % 3) * (g % 7) + 2 * sin(g) + cos(3 * g))::float8 AS y, "
                 "((g % 4) + 2 * sin(g) + (g % 3) * cos(g) > 2) AS flag "
                 "FROM generate_series(1, 600) g")
    # the same rows with the expressions' values as real columns
    conn.execute(f"CREATE TABLE gx_mat AS SELECT id, a, b, y, flag, data->>'c' AS \"{EXPR}\", "
                 f"(data->>'c')::int % 2 AS par FROM gx_src")
    return "gx_src"


def _by_group(conn, table, col, field="coef"):
    rows = conn.execute(f'SELECT "{col}"::text, {field} FROM {table}').fetchall()
    return {k: np.array(v, dtype=float) for k, v in rows}


def _drop(conn, *names):
    for t in names:
        conn.execute(f"DROP TABLE IF EXISTS {t}, {t}_summary")


@pytest.mark.parametrize("train, dep", [("linregr_train", "y"), ("logregr_train", "flag")])
def test_grouping_expression_equals_materialised_column(conn, group_tables, train, dep):
    _drop(conn, "gx_e", "gx_m")
    conn.execute(f"SELECT indb_ml.{train}('gx_src', 'gx_e', %s, 'ARRAY[1, a, b]', %s)", [dep, EXPR])
    conn.execute(f"SELECT indb_ml.{train}('gx_mat', 'gx_m', %s, 'ARRAY[1, a, b]', %s)", [dep, f'"{EXPR}"'])
    e, m = _by_group(conn, "gx_e", EXPR), _by_group(conn, "gx_m", EXPR)
    assert sorted(e) == sorted(m) == ["0", "1", "2"]
    for k in e:
        np.testing.assert_allclose(e[k], m[k], rtol=1e-10, atol=1e-12)
    # the output's grouping column is named by the expression's text, typed by the expression
    typ = conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                       "WHERE attrelid = 'gx_e'::regclass AND attname = %s", [EXPR]).fetchone()
    assert typ == ("text",)


def test_column_and_expression_list_glm(conn, group_tables):
    """A list mixing a column and expressions (split at top-level commas), through the GLM trainer."""
    _drop(conn, "gx_g1", "gx_g2")
    conn.execute("SELECT indb_ml.glm('gx_src', 'gx_g1', 'y', 'ARRAY[1, a, b]', 'family=gaussian', "
                 "'a >= 3, (data->>''c'')::int % 2')")
    conn.execute("ALTER TABLE gx_mat ADD COLUMN big boolean")
    conn.execute("UPDATE gx_mat SET big = a >= 3")
    conn.execute("SELECT indb_ml.glm('gx_mat', 'gx_g2', 'y', 'ARRAY[1, a, b]', 'family=gaussian', 'big, par')")
    r1 = {(b, p): np.array(c) for b, p, c in conn.execute(
        "SELECT \"a >= 3\", \"(data->>'c')::int % 2\", coef FROM gx_g1").fetchall()}
    r2 = {(b, p): np.array(c) for b, p, c in conn.execute("SELECT big, par, coef FROM gx_g2").fetchall()}
    assert sorted(r1) == sorted(r2) and len(r1) == 4
    for k in r1:
        np.testing.assert_allclose(r1[k], r2[k], rtol=1e-10, atol=1e-12)


def test_pca_grouped_by_expression(conn, group_tables):
    """PCA per group: the expression's columns are not features (MADlib's every-other-column rule)."""
    for t in ("gx_p1", "gx_p2"):
        conn.execute(f"DROP TABLE IF EXISTS {t}, {t}_mean, {t}_summary")
    conn.execute("CREATE TEMP TABLE gx_psrc AS SELECT id, a, b, y, data FROM gx_src")
    conn.execute(f'CREATE TEMP TABLE gx_pmat AS SELECT id, a, b, y, "{EXPR}" FROM gx_mat')
    conn.execute("SELECT indb_ml.pca_train('gx_psrc', 'gx_p1', 'id', 2, %s)", [EXPR])
    conn.execute("SELECT indb_ml.pca_train('gx_pmat', 'gx_p2', 'id', 2, %s)", [f'"{EXPR}"'])
    for field in ("std_dev", "proportion"):
        q = f'SELECT "{EXPR}"::text, array_agg({field} ORDER BY row_id) FROM {{t}} GROUP BY 1'
        p1 = {k: np.array(v) for k, v in conn.execute(q.format(t="gx_p1")).fetchall()}
        p2 = {k: np.array(v) for k, v in conn.execute(q.format(t="gx_p2")).fetchall()}
        assert sorted(p1) == sorted(p2) == ["0", "1", "2"]
        for k in p1:
            np.testing.assert_allclose(p1[k], p2[k], rtol=1e-10)
    # pca_project computes the expression from the rows to project, as training did
    for m, src in (("gx_p1", "gx_psrc"), ("gx_p2", "gx_pmat")):
        conn.execute(f"DROP TABLE IF EXISTS {m}_proj, {m}_res, {m}_rs")
        conn.execute(f"SELECT indb_ml.pca_project('{src}', '{m}', '{m}_proj', 'id', '{m}_res', '{m}_rs')")
    for kind in ("proj", "res"):
        e, m = (dict(conn.execute(f"SELECT row_id, row_vec FROM gx_p{i}_{kind}").fetchall()) for i in (1, 2))
        assert len(e) == len(m) == 600 and e.keys() == m.keys()
        for rid in e:
            np.testing.assert_allclose(e[rid], m[rid], rtol=1e-9, atol=1e-12)
    norms = [conn.execute(f"SELECT residual_norm, relative_residual_norm FROM gx_p{i}_rs").fetchone() for i in (1, 2)]
    np.testing.assert_allclose(norms[0], norms[1], rtol=1e-10)
    for src in ("gx_psrc", "gx_pmat"):     # packed copies of temporary tables: dropped with them
        conn.execute("SELECT indb_ml.drop_prepared(%s)", [src])


def test_different_expressions_never_share_a_packed_copy(conn, group_tables):
    _drop(conn, "gx_c1", "gx_c2", "gx_c3")
    conn.execute("SELECT indb_ml.linregr_train('gx_src', 'gx_c1', 'y', 'ARRAY[1, a]', %s)", [EXPR])
    conn.execute("SELECT indb_ml.linregr_train('gx_src', 'gx_c2', 'y', 'ARRAY[1, a]', %s)", [EXPR])
    conn.execute("SELECT indb_ml.linregr_train('gx_src', 'gx_c3', 'y', 'ARRAY[1, a]', "
                 "'(data->>''c'')::int')")
    ids = dict(conn.execute("SELECT m.name, m.prepared_id FROM indb_ml.models m WHERE m.name IN "
                            "('public.gx_c1', 'public.gx_c2', 'public.gx_c3')").fetchall())
    assert ids["public.gx_c1"] == ids["public.gx_c2"] != ids["public.gx_c3"]
    # the cache key records the rendered expression with the column's name
    recorded = conn.execute("SELECT grouping_cols FROM indb_ml.prepared_data WHERE prepared_id = %s",
                            [ids["public.gx_c1"]]).fetchone()[0]
    assert recorded == ["(data ->> 'c') AS \"data->>'c'\""]
    assert conn.execute("SELECT \"(data->>'c')::int\" FROM gx_c3 ORDER BY 1").fetchall() == [(0,), (1,), (2,)]


@pytest.mark.parametrize("grouping, message", [
    ("a; DROP TABLE gx_secret", "';' is not allowed"),
    ("a -- x", "comments"),
    ("a, (SELECT v FROM gx_secret)", "SELECT"),
    ("gx_secret.v", "unexpected"),
    ("public.gx_src.a", "unexpected"),
    ("random() > 0.5", "random() is not allowed"),
    ("gx_evil(a)", "gx_evil() is not allowed"),
    ("pg_sleep(1)", "pg_sleep() is not allowed"),
    ("$$a$$", "'$'"),
    ("nope + 1", "column nope (grouping_cols)"),
    ("nope", "column nope (grouping_cols)"),
    ("a, a", "listed twice"),
    ("a + 'x'", "not a valid expression"),
])
def test_hostile_grouping_refused_and_leaves_nothing(conn, group_tables, grouping, message):
    conn.execute("CREATE OR REPLACE FUNCTION gx_evil(x float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS "
                 "$$ SELECT x $$")
    _drop(conn, "gx_bad")
    before = tables_in(conn)
    n_prep = conn.execute("SELECT count(*) FROM indb_ml.prepared_data").fetchone()[0]
    with pytest.raises(psycopg.Error, match=re.escape(message)):
        conn.execute("SELECT indb_ml.linregr_train('gx_src', 'gx_bad', 'y', 'ARRAY[1, a]', %s)", [grouping])
    assert tables_in(conn) == before
    assert conn.execute("SELECT count(*) FROM indb_ml.prepared_data").fetchone()[0] == n_prep
    assert conn.execute("SELECT v FROM gx_secret").fetchone()[0] == 42


@pytest.mark.parametrize("call, field", [
    ("SELECT indb_ml.elastic_net_train('{src}', '{out}', 'y', 'ARRAY[a, b]', 'gaussian', 0.5, 0.1, true, %s)",
     "coef_all"),
    ("SELECT indb_ml.svm_classification('{src}', '{out}', 'flag', 'ARRAY[1, a, b]', 'linear', NULL, %s, "
     "'max_iter=20')", "coef"),
    ("SELECT indb_ml.multinom('{src}', '{out}', '(a::int %% 3)', 'ARRAY[1, b]', '0', 'logit', %s)", "coef"),
    ("SELECT indb_ml.ordinal('{src}', '{out}', '(a::int %% 3)', 'ARRAY[b, y]', '0<1<2', 'logit', %s)",
     "coef_feature"),
])
def test_other_trainers_grouped_by_expression(conn, group_tables, call, field):
    """The trainers that pack through prepare.ensure take grouping expressions too."""
    _drop(conn, "gx_o1", "gx_o2")
    conn.execute(call.format(src="gx_src", out="gx_o1"), [EXPR])
    conn.execute(call.format(src="gx_mat", out="gx_o2"), [f'"{EXPR}"'])
    e, m = _by_group(conn, "gx_o1", EXPR, field), _by_group(conn, "gx_o2", EXPR, field)
    assert sorted(e) == sorted(m) == ["0", "1", "2"]
    for k in e:
        np.testing.assert_allclose(e[k], m[k], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("call, fields", [
    ("SELECT indb_ml.clustered_variance_linregr('{src}', '{out}', 'y', 'ARRAY[1, a, b]', 'a', %s)",
     ("coef", "std_err", "p_values")),
    ("SELECT indb_ml.clustered_variance_logregr('{src}', '{out}', 'flag', 'ARRAY[1, a, b]', 'a', %s)",
     ("coef", "std_err", "p_values")),
])
def test_clustered_variance_grouped_by_expression(conn, group_tables, call, fields):
    """Cluster-robust errors per group: the clusters are packed within each expression group."""
    _drop(conn, "gx_c1", "gx_c2")
    conn.execute(call.format(src="gx_src", out="gx_c1"), [EXPR])
    conn.execute(call.format(src="gx_mat", out="gx_c2"), [f'"{EXPR}"'])
    for field in fields:
        e, m = _by_group(conn, "gx_c1", EXPR, field), _by_group(conn, "gx_c2", EXPR, field)
        assert sorted(e) == sorted(m) == ["0", "1", "2"]
        for k in e:
            np.testing.assert_allclose(e[k], m[k], rtol=1e-10, atol=1e-12)


def _predictions(conn, table):
    return {r[0]: (r[1], r[2]) for r in conn.execute(f'SELECT id, "{EXPR}"::text, prediction FROM {table}')}


@pytest.mark.parametrize("train, predict", [
    ("SELECT indb_ml.elastic_net_train('{src}', '{out}', 'y', 'ARRAY[a, b]', 'gaussian', 0.5, 0.05, true, %s)",
     "SELECT indb_ml.elastic_net_predict('{out}', '{src}', 'id', '{pred}')"),
    ("SELECT indb_ml.svm_classification('{src}', '{out}', 'flag', 'ARRAY[1, a, b]', 'linear', NULL, %s, "
     "'max_iter=20')", "SELECT indb_ml.svm_predict('{out}', '{src}', 'id', '{pred}')"),
    ("SELECT indb_ml.svm_classification('{src}', '{out}', 'flag', 'ARRAY[a, b]', 'gaussian', "
     "'n_components=20, fit_intercept=true, random_state=3', %s, 'max_iter=20')",
     "SELECT indb_ml.svm_predict('{out}', '{src}', 'id', '{pred}')"),
])
def test_table_form_predict_of_a_model_grouped_by_expression(conn, group_tables, train, predict):
    """The table-form predict computes the grouping expression from the new rows, joins each row to
    its group's model, and names the output column by the expression's text, as training did."""
    _drop(conn, "gx_p1", "gx_p2")
    conn.execute("DROP TABLE IF EXISTS gx_pr1, gx_pr2")
    conn.execute(train.format(src="gx_src", out="gx_p1"), [EXPR])
    conn.execute(train.format(src="gx_mat", out="gx_p2"), [f'"{EXPR}"'])
    conn.execute(predict.format(out="gx_p1", src="gx_src", pred="gx_pr1"))
    conn.execute(predict.format(out="gx_p2", src="gx_mat", pred="gx_pr2"))
    e, m = _predictions(conn, "gx_pr1"), _predictions(conn, "gx_pr2")
    assert len(e) == len(m) == 600 and e.keys() == m.keys()
    for rid in e:
        assert e[rid][0] == m[rid][0]
        if isinstance(e[rid][1], float):
            assert e[rid][1] == pytest.approx(m[rid][1], rel=1e-9, abs=1e-12)
        else:
            assert e[rid][1] == m[rid][1]
    typ = conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                       "WHERE attrelid = 'gx_pr1'::regclass AND attname = %s", [EXPR]).fetchone()
    assert typ == ("text",)
