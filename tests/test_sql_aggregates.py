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
            "#@kernel-compiled demo\nreturn demo.transition(state, x, ks, n)\n$py$;") in sql
    assert ("CREATE OR REPLACE FUNCTION @extschema@.demo_merge(a bytea, b bytea)\n"
            "RETURNS bytea LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$\n"
            "#@kernel-compiled demo\nreturn demo.merge(a, b)\n$py$;") in sql
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


def test_compiled_kernels_are_loaded_and_other_pythons_compile_the_source(db_dsn):
    """``#@kernel-compiled`` (the aggregates' functions, run by every parallel worker): a server whose
    Python has the builder's bytecode (sys.implementation.cache_tag) loads the marshalled code objects
    instead of compiling; any other Python compiles the sources. Which one ran is visible here because
    the marshalled code is swapped for code that sets another value than the source."""
    import base64
    import marshal
    import sys

    import psycopg

    sources = {"demo_compiled": "VALUE = 'source'\n"}
    preamble = build.kernel_preamble(["demo_compiled"], sources, compiled=True)
    marshalled = build.compiled_kernel("demo_compiled", sources["demo_compiled"])
    assert marshalled in preamble
    swapped = base64.b64encode(marshal.dumps(compile("VALUE = 'marshalled'\n", "x", "exec"))).decode()
    same = preamble.replace(marshalled, swapped)
    tag = sys.implementation.cache_tag
    other = same.replace(f"== {tag!r}", "== 'another-python-0'")
    assert other != same
    with psycopg.connect(db_dsn, autocommit=True) as conn:
        for name, body in (("same", same), ("other", other)):
            conn.execute(f"CREATE OR REPLACE FUNCTION pg_temp.compiled_{name}() RETURNS text LANGUAGE plpython3u "
                         f"AS $py$\n{body}\nreturn demo_compiled.VALUE\n$py$")
        conn.execute("CREATE FUNCTION pg_temp.tag() RETURNS text LANGUAGE plpython3u AS "
                     "$py$\nimport sys\nreturn sys.implementation.cache_tag\n$py$")
        server_tag = conn.execute("SELECT pg_temp.tag()").fetchone()[0]
        # each in a process of its own: the modules are registered per process under the bundle's name
        assert conn.execute("SELECT pg_temp.compiled_other()").fetchone()[0] == "source"
    with psycopg.connect(db_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE FUNCTION pg_temp.compiled_same() RETURNS text LANGUAGE plpython3u "
                     f"AS $py$\n{same}\nreturn demo_compiled.VALUE\n$py$")
        got = conn.execute("SELECT pg_temp.compiled_same()").fetchone()[0]
    assert got == ("marshalled" if server_tag == tag else "source")


def test_aggregate_functions_carry_compiled_kernels():
    """Every function an --@aggregate block generates loads its kernels compiled; other functions do not."""
    script = build.functions_script("indb_ml")
    sfuncs = re.findall(r"^#@kernel-compiled ", "".join(p.read_text() for p in build.sql_files()), re.M)
    assert not sfuncs          # the directive writes the line; the sql files themselves do not
    bodies = script.split("$py$")[1::2]
    compiled = [b for b in bodies if "_indb_same = _indb_sys.implementation.cache_tag == 'cpython" in b]
    assert 20 <= len(compiled) < len(bodies)
    assert any("return optimizers.transition(" in b for b in compiled)


def test_a_kernel_naming_the_schema_is_compiled_where_it_runs():
    """``@extschema@`` is substituted in the script's text after the preamble is written, so a kernel that
    names it cannot travel compiled (its code would keep the placeholder): it carries its source only."""
    sources = {"demo_schema": "SCHEMA = '@extschema@'\n", "demo_plain": "from . import demo_schema\nX = 1\n"}
    preamble = build.kernel_preamble(["demo_plain"], sources, compiled=True)
    assert "('demo_schema', \"SCHEMA = '@extschema@'\\n\", None)" in preamble
    assert build.compiled_kernel("demo_plain", sources["demo_plain"]) in preamble
