"""Parse and resolve the names users pass to SQL functions, without pasting them.

MADlib-style functions take table and column names as text, and the feature
list as an expression such as ``'ARRAY[1, x1, "Rooms"]'``. Arbitrary SQL there
would be an injection hole, so this module accepts a small grammar - a
column name, a list of column names and numeric constants (with or without
``ARRAY[...]``) - resolves every name against the catalog and returns SQL
built only from quoted identifiers and validated numbers.

Anything beyond that grammar (MADlib users' expressions, ``'x1 * x2'``, ``'crimerat >= 110'``)
goes through plpython/expressions.py: a whitelist, then one prepared SELECT over the source.
The pure parsing functions need no database; the ``resolve_*`` ones take the ``plpy`` handle.
"""
import re

from . import locks

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_UNQUOTED = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
NUMERIC_TYPES = {"int2", "int4", "int8", "float4", "float8", "numeric", "bool"}


class NameError_(ValueError):
    """A name or expression the user passed is unusable; the message says which."""


def _scan(text, pos):
    """Read one element (identifier or number) at pos -> ((kind, value, source), new pos)."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        raise NameError_("expected a column name or a number, found the end of the text")
    if text[pos] == '"':
        out, i = [], pos + 1
        while True:
            j = text.find('"', i)
            if j < 0:
                raise NameError_(f"unterminated quoted identifier in {text!r}")
            out.append(text[i:j])
            if j + 1 < len(text) and text[j + 1] == '"':
                out.append('"')
                i = j + 2
                continue
            name = "".join(out)
            if not name:
                raise NameError_("empty quoted identifier")
            return ("column", name, text[pos:j + 1]), j + 1
    m = _NUMBER.match(text, pos)
    if m and (m.end() == len(text) or not (text[m.end()].isalnum() or text[m.end()] == "_")):
        return ("number", float(m.group(0)), m.group(0)), m.end()
    m = _UNQUOTED.match(text, pos)
    if m:
        return ("column", m.group(0), m.group(0)), m.end()
    raise NameError_(f"unexpected {text[pos:pos + 20]!r} in {text!r}: only column names and numbers are allowed")


def parse_element_list(text):
    """'a, "B", 1' -> [('column','a','a'), ('column','B','"B"'), ('number',1.0,'1')]."""
    items, pos = [], 0
    while True:
        item, pos = _scan(text, pos)
        items.append(item)
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return items
        if text[pos] != ",":
            raise NameError_(f"expected ',' at {text[pos:pos + 20]!r} in {text!r}")
        pos += 1


def parse_feature_spec(spec):
    """A feature expression -> ('array_column', element) or ('list', elements)."""
    if spec is None or not str(spec).strip():
        raise NameError_("independent_varname is empty: give a column or ARRAY[col1, col2, ...]")
    text = str(spec).strip()
    m = re.match(r"(?is)^array\s*\[(.*)\]$", text)
    if m:
        if not m.group(1).strip():
            raise NameError_("ARRAY[] is empty: give at least one feature")
        return ("list", parse_element_list(m.group(1)))
    items = parse_element_list(text)
    if len(items) == 1 and items[0][0] == "column":
        return ("single", items)
    return ("list", items)


def parse_name_list(text, what):
    """Grouping columns: 'a, "B"' -> [('column','a','a'), ...]; None/'' -> []."""
    if text is None or not str(text).strip():
        return []
    items = parse_element_list(str(text))
    for kind, _, source in items:
        if kind != "column":
            raise NameError_(f"{what}: {source!r} is not a column name")
    return items


# ---------------------------------------------------------------- catalog lookups


def quote_ident(plpy, name):
    return plpy.quote_ident(name)


def resolve_table(plpy, name, what="source table"):
    """Existing relation -> dict(oid, sql (quoted, qualified), relkind, name)."""
    if name is None or not str(name).strip():
        plpy.error(f"{what} is empty: give a table name")
    try:
        rows = plpy.execute(plpy.prepare(
            "SELECT c.oid, c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS sql, "
            "n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1)", ["text"]), [name])
    except plpy.SPIError as exc:
        plpy.error(f"{what} {name!r} is not a valid table name: {exc}")
    if not rows:
        plpy.error(f"{what} {name!r} does not exist")
    row = rows[0]
    if row["relkind"] not in ("r", "p", "v", "m", "f"):
        plpy.error(f"{what} {name!r} is not a table or view")
    return {"oid": row["oid"], "relkind": row["relkind"], "sql": row["sql"],
            "schema": row["nspname"], "name": row["relname"]}


def table_columns(plpy, oid):
    """name -> dict(type (format_type), typname, elem (element typname or None))."""
    rows = plpy.execute(plpy.prepare(
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, t.typname, "
        "e.typname AS elem FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A' "
        "WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", ["oid"]), [oid])
    return {r["attname"]: {"type": r["type"], "typname": r["typname"], "elem": r["elem"]} for r in rows}


def resolve_column(plpy, columns, item, table, what):
    """A parsed column element -> its catalog name, exact match first, then folded to lower case."""
    _, name, source = item
    if name in columns:
        return name
    if not source.startswith('"') and name.lower() in columns:
        return name.lower()
    plpy.error(f"column {source} ({what}) does not exist in table {table}")


def resolve_one_column(plpy, columns, text, table, what, prefix=""):
    """One column named in a text argument (dependent_varname, id_col, ...) -> its catalog name."""
    try:
        items = parse_element_list(str(text)) if text is not None else []
    except NameError_ as exc:
        plpy.error(f"{prefix}{what} {text!r}: {exc}")
    if len(items) != 1 or items[0][0] != "column":
        plpy.error(f"{prefix}{what} {text!r} must be one column name")
    return resolve_column(plpy, columns, items[0], table, what)


def resolve_output_table(plpy, name, what="output table"):
    """A table that must not exist yet -> dict(sql, schema, name)."""
    if name is None or not str(name).strip():
        plpy.error(f"{what} is empty: give a table name")
    try:
        parts = plpy.execute(plpy.prepare("SELECT pg_catalog.parse_ident($1) AS p", ["text"]), [name])[0]["p"]
    except plpy.SPIError as exc:
        plpy.error(f"{what} {name!r} is not a valid table name: {exc}")
    if len(parts) == 1:
        schema = plpy.execute("SELECT pg_catalog.current_schema() AS s")[0]["s"]
        if schema is None:
            plpy.error(f"{what} {name!r}: no schema on the search_path to create it in; qualify the name")
        parts = [schema, parts[0]]
    if len(parts) != 2:
        plpy.error(f"{what} {name!r} must be table or schema.table")
    schema, table = parts
    sql = plpy.quote_ident(schema) + "." + plpy.quote_ident(table)
    # two trainings into one table: the second waits here until the first ends, then is told it exists
    locks.wait(plpy, "indb_ml:out\x1f" + sql)
    exists = plpy.execute(plpy.prepare("SELECT pg_catalog.to_regclass($1) IS NOT NULL AS e", ["text"]), [sql])
    if exists[0]["e"]:
        plpy.error(f"{what} {name!r} already exists; drop it or choose another name")
    return {"sql": sql, "schema": schema, "name": table, "given": name}


def sibling_table(plpy, out, suffix, what="output table"):
    """out_summary and friends: the same schema, the name plus a suffix; must not exist."""
    name = out["name"] + suffix
    sql = plpy.quote_ident(out["schema"]) + "." + plpy.quote_ident(name)
    exists = plpy.execute(plpy.prepare("SELECT pg_catalog.to_regclass($1) IS NOT NULL AS e", ["text"]), [sql])
    if exists[0]["e"]:
        plpy.error(f"{what} {out['schema']}.{name} already exists; drop it or choose another name")
    return {"sql": sql, "schema": out["schema"], "name": name}


def summary_table(plpy, fn, table, arg, what, fields):
    """An output table of ``what`` (graph_apsp, wcc, ...) and the layout its ``<name>_summary`` records.

    -> (table dict, its columns, the summary's first row of ``fields``, or None when the summary lacks
    them or is empty). A missing summary is an error naming ``fn`` and the table."""
    q = plpy.quote_ident
    t = resolve_table(plpy, table, f"{fn}: {arg}")
    cols = table_columns(plpy, t["oid"])
    summ = f"{q(t['schema'])}.{q(t['name'] + '_summary')}"
    oid = plpy.execute(plpy.prepare("SELECT pg_catalog.to_regclass($1)::oid AS o", ["text"]), [summ])[0]["o"]
    if oid is None:
        plpy.error(f"{fn}: {t['sql']} is not a {what} output table (no {t['name']}_summary)")
    if not all(f in table_columns(plpy, oid) for f in fields):
        return t, cols, None
    rows = plpy.execute(f"SELECT {', '.join(q(f) for f in fields)} FROM {summ} LIMIT 1")
    return t, cols, (rows[0] if rows else None)
