"""Expressions in independent_varname / dependent_varname (MADlib's habit), admitted by a whitelist.

Accepted: column references, literals, listed operators, casts, CASE, ARRAY[...], immutable
pg_catalog functions; each checked by one prepared SELECT over the source. Refused before any
SQL runs: statements, comments, dollar quotes, subqueries, other tables, volatile or user
functions. Training results with expressions equal those on materialised columns.
"""
import re
import sys
from pathlib import Path

import numpy as np
import psycopg
import pytest

from conftest import tables_in

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import expressions as ids  # noqa: E402


@pytest.mark.parametrize("text", [
    "crimerat >= 110", "ARRAY[1, gre, (rank = 2)::INT::FLOAT8]", "(data->>'pr''ice')::integer",
    "array_prepend(1, x)", "CASE WHEN a > 1 THEN 1 ELSE 0 END", "ind[2] + ind[4] * 2.5e-1",
    "CAST(a AS double precision)", "coalesce(a, 0) IN (1, 2)",
])
def test_tokenizer_accepts_expressions(text):
    assert ids.tokenize_expression(text)


@pytest.mark.parametrize("text, message", [
    ("x; DROP TABLE t", "';'"),
    ("x -- comment", "comments"),
    ("x /* c */", "comments"),
    ("$$x$$", "'$'"),
    ("$1", "'$'"),
    ("(SELECT 1)", "'SELECT'"),
    ("x + (select max(y) from other)", "'select'"),
    ("public.t.x", "unexpected"),
    ("WITH q AS (x) x", "'WITH'"),
    ("x ~~* 'a'", "operator"),
    ("(x", "unbalanced"),
])
def test_tokenizer_refuses_hostile_text(text, message):
    with pytest.raises(ids.identifiers.NameError_, match=re.escape(message)):
        ids.tokenize_expression(text)


@pytest.fixture
def expr_table(conn):
    conn.execute("DROP TABLE IF EXISTS ex_src, ex_mat, ex_secret")
    conn.execute("CREATE TABLE ex_secret (v float8)")
    conn.execute("INSERT INTO ex_secret VALUES (42)")
    conn.execute("CREATE TABLE ex_src AS SELECT g AS id, (g % 7)::float8 AS a, sin(g)::float8 AS b, "
                 "jsonb_build_object('c', (g % 5)::text) AS data, ARRAY[(g % 3)::float8, cos(g)] AS arr, "
                 "(g % 4 + 2 * sin(g) > 2) AS flag, (3 * (g % 7) + 2 * sin(g) + cos(3 * g))::float8 AS y "
                 "FROM generate_series(1, 300) g")
    conn.execute("CREATE TABLE ex_mat AS SELECT id, 1.0::float8 AS one, a, a * b AS ab, ((data->>'c')::int)::float8 "
                 "AS c, arr[1] AS arr1, arr[2] AS arr2, flag, (a >= 3)::int::float8 AS big, y FROM ex_src")
    return "ex_src"


def _coef(conn, out):
    return np.array(conn.execute(f"SELECT coef FROM {out}").fetchone()[0])


def test_expressions_train_like_materialised_columns(conn, expr_table):
    for t in ("ex_m1", "ex_m2", "ex_l1", "ex_l2"):
        conn.execute(f"DROP TABLE IF EXISTS {t}, {t}_summary")
    conn.execute("SELECT indb_ml.linregr_train('ex_src', 'ex_m1', 'y', "
                 "'ARRAY[1, a, a*b, (data->>''c'')::int, arr[1], arr[2]]')")
    conn.execute("SELECT indb_ml.linregr_train('ex_mat', 'ex_m2', 'y', 'ARRAY[one, a, ab, c, arr1, arr2]')")
    np.testing.assert_allclose(_coef(conn, "ex_m1"), _coef(conn, "ex_m2"), rtol=1e-10)
    # boolean expression as the label, array function as the features
    conn.execute("SELECT indb_ml.logregr_train('ex_src', 'ex_l1', 'a >= 3', 'array_prepend(1::float8, arr)')")
    conn.execute("SELECT indb_ml.logregr_train('ex_mat', 'ex_l2', 'big', 'ARRAY[one, arr1, arr2]')")
    np.testing.assert_allclose(_coef(conn, "ex_l1"), _coef(conn, "ex_l2"), rtol=1e-10)
    # the resolved expression is recorded with the prepared data the model used
    x_expr = conn.execute("SELECT p.x_expr FROM indb_ml.models m JOIN indb_ml.prepared_data p USING (prepared_id) "
                          "WHERE m.name = 'public.ex_m1'").fetchone()[0]
    assert "(a * b)::float8" in x_expr and "(data ->> 'c')::integer" in x_expr
    summ = conn.execute("SELECT dependent_varname FROM ex_l1_summary").fetchone()[0]
    assert summ == "a >= 3"


@pytest.mark.parametrize("dep, indep, message", [
    ("y", "ARRAY[1, a); DROP TABLE ex_secret; --]", "';' is not allowed"),
    ("y", "ARRAY[1, (SELECT v FROM ex_secret)]", "SELECT"),
    ("y", "ARRAY[1, ex_secret.v]", "unexpected"),
    ("y", "ARRAY[1, random()]", "random() is not allowed"),
    ("y", "ARRAY[1, ex_evil(a)]", "ex_evil() is not allowed"),
    ("y", "ARRAY[1, pg_sleep(1)]", "pg_sleep() is not allowed"),
    ("y", "ARRAY[1, generate_series(1, 2)]", "generate_series() is not allowed"),
    ("y", "ARRAY[1, sum(a)]", "sum() is not allowed"),
    ("y", "ARRAY[1, $q$1$q$]", "'$'"),
    ("y", "ARRAY[1, nope * 2]", "column nope"),
    ("y", "ARRAY[1, a] /* x */", "comments"),
    ("y", "ARRAY(SELECT 1)", "SELECT"),
    ("y; DROP TABLE ex_secret", "ARRAY[1, a]", "';' is not allowed"),
    ("(SELECT v FROM ex_secret)", "ARRAY[1, a]", "SELECT"),
    ("y > ex_evil(a)", "ARRAY[1, a]", "ex_evil() is not allowed"),
    ("data", "ARRAY[1, a]", "numeric or boolean label"),
    ("y", "ARRAY[1, data]", "features must be numeric"),
    ("y", "ARRAY[1, a + 'x']", "not a valid expression"),
    ("y", "ARRAY[1, E'\\x41']", "column E"),
])
def test_hostile_expressions_are_refused_and_leave_nothing(conn, expr_table, dep, indep, message):
    conn.execute("CREATE OR REPLACE FUNCTION ex_evil(x float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS "
                 "$$ SELECT x $$")
    conn.execute("DROP TABLE IF EXISTS ex_bad, ex_bad_summary")
    before = {t for t in tables_in(conn) if not t.startswith("indb_ml._prep")}
    with pytest.raises(psycopg.Error, match=re.escape(message)):
        conn.execute("SELECT indb_ml.linregr_train('ex_src', 'ex_bad', %s, %s)", [dep, indep])
    assert {t for t in tables_in(conn) if not t.startswith("indb_ml._prep")} == before
    assert conn.execute("SELECT v FROM ex_secret").fetchone()[0] == 42


def test_null_means_default(conn, expr_table):
    """MADlib: NULL for a defaulted argument is the default."""
    conn.execute("DROP TABLE IF EXISTS ex_n1, ex_n1_summary, ex_n2, ex_n2_summary")
    conn.execute("SELECT indb_ml.logregr_train('ex_src', 'ex_n1', 'flag', 'ARRAY[1, a, b]', NULL, NULL, NULL, NULL)")
    conn.execute("SELECT indb_ml.logregr_train('ex_src', 'ex_n2', 'flag', 'ARRAY[1, a, b]')")
    np.testing.assert_array_equal(_coef(conn, "ex_n1"), _coef(conn, "ex_n2"))
