"""The ``--@aggregate`` directive (indb_ml/sql_aggregates.py): what it expands to, and what is installed."""
from __future__ import annotations

import re

import pytest

from indb_ml import build, sql_aggregates


def test_expands_to_functions_aggregate_and_comment():
    text = "\n".join([
        "-- before",
        "--@aggregate demo_agg(x bytea, ks integer[],",
        "--@                   n integer)",
        "--@    sfunc demo_transition = demo.transition",
        "--@    combinefunc demo_merge = demo.merge",
        "--@    finalfunc demo_final float8[]",
        "--@    comment 'indb_ml: it''s a demo'",
        "-- after",
    ])
    sql = sql_aggregates.expand(text)
    assert sql.startswith("-- before\n") and sql.endswith("\n-- after")
    assert ("CREATE OR REPLACE FUNCTION @extschema@.demo_transition(state bytea, x bytea, ks integer[], n integer)\n"
            "RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE COST 20000 AS $py$\n"
            "#@kernel demo\nreturn demo.transition(state, x, ks, n)\n$py$;") in sql
    assert ("CREATE OR REPLACE FUNCTION @extschema@.demo_merge(a bytea, b bytea)\n"
            "RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$\n"
            "#@kernel demo\nreturn demo.merge(a, b)\n$py$;") in sql
    assert ("CREATE OR REPLACE FUNCTION @extschema@.demo_final(state bytea)\n"
            "RETURNS float8[] LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$") in sql
    assert "DROP AGGREGATE IF EXISTS @extschema@.demo_agg(bytea, integer[], integer);" in sql
    assert ("CREATE AGGREGATE @extschema@.demo_agg(x bytea, ks integer[], n integer) (\n"
            "    SFUNC = @extschema@.demo_transition,\n    STYPE = bytea,\n"
            "    COMBINEFUNC = @extschema@.demo_merge,\n    FINALFUNC = @extschema@.demo_final,\n"
            "    PARALLEL = SAFE\n);") in sql
    assert ("COMMENT ON AGGREGATE @extschema@.demo_agg(bytea, integer[], integer) IS\n"
            "    'indb_ml: it''s a demo';") in sql


def test_existing_functions_are_referenced_not_created():
    sql = sql_aggregates.expand("--@aggregate a(y float8)\n--@ sfunc t\n--@ combinefunc m\n--@ finalfunc f")
    assert "CREATE OR REPLACE FUNCTION" not in sql
    assert "SFUNC = @extschema@.t," in sql and "FINALFUNC = @extschema@.f," in sql


@pytest.mark.parametrize("text, message", [
    ("--@aggregate a(y float8)\n--@ sfunc t = m.f", "sql/x.sql:1: --@aggregate: sfunc and combinefunc are required"),
    ("--@aggregate a(y float8)\n--@ sfunc t\n--@ combinefunc m\n--@ colour red", "sql/x.sql:4:"),
    ("--@aggregate a(y float8)\n--@ sfunc t\n--@ sfunc u\n--@ combinefunc m", "sfunc given twice"),
    ("--@aggregate a(y)\n--@ sfunc t\n--@ combinefunc m", "needs a name and a type"),
    ("--@aggregate a(y float8)\n--@ sfunc t\n--@ combinefunc m\n--@ comment no quotes", "SQL string literal"),
    ("select 1;\n--@ sfunc t", "sql/x.sql:2: '--@' line outside"),
])
def test_malformed_blocks_name_file_and_line(text, message):
    with pytest.raises(sql_aggregates.DirectiveError, match=message.replace("(", r"\(")):
        sql_aggregates.expand(text, "sql/x.sql")


def test_every_installed_aggregate_over_packed_blocks_is_parallel_and_costed(db_dsn):
    """What the directive promises, read back from the catalog of a real install."""
    import psycopg

    with psycopg.connect(db_dsn) as conn:
        rows = conn.execute("""
            SELECT p.proname, p.proparallel, a.aggtranstype::regtype::text, a.aggcombinefn::text,
                   t.procost, t.proparallel, t.provolatile, obj_description(p.oid, 'pg_proc')
            FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
            JOIN pg_proc t ON t.oid = a.aggtransfn
            WHERE p.pronamespace = 'indb_ml'::regnamespace""").fetchall()
    declared = {m for path in build.sql_files() for m in re.findall(r"^--@aggregate (\w+)\(", path.read_text(), re.M)}
    assert len(declared) >= 12 and declared <= {r[0] for r in rows}
    for name, parallel, stype, combine, cost, t_parallel, t_volatile, comment in rows:
        assert (parallel, stype, t_parallel, t_volatile) == ("s", "bytea", "s", "i"), name
        assert combine != "-" and comment.startswith("indb_ml: "), name
        if not name.endswith(("linregr",)):       # the per-row MADlib forms have cheap transitions
            assert cost == 20000, name
