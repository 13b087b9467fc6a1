"""Parse and resolve the names users pass to SQL functions, without pasting them.

MADlib-style functions take table and column names as text, and the feature
list as an expression such as ``'ARRAY[1, x1, "Rooms"]'``. Arbitrary SQL there
would be an injection hole, so this module accepts a small grammar - a
column name, a list of column names and numeric constants (with or without
``ARRAY[...]``) - resolves every name against the catalog and returns SQL
built only from quoted identifiers and validated numbers.

The pure parsing functions need no database; the ``resolve_*`` ones take the
``plpy`` handle.
"""
import re

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
    plpy.execute(plpy.prepare("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended($1, 1))",
                              ["text"]), ["indb_ml:out:" + sql])
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


# ---------------------------------------------------------------- expressions over the source's columns
#
# MADlib users write expressions where a column is expected: 'crimerat >= 110',
# 'ARRAY[1, gre, (rank = 2)::INT::FLOAT8]', '(data->>''x'')::integer', 'array_prepend(1, x)',
# 'CASE WHEN ... END'. They are accepted through a whitelist, not a blacklist: the text is
# tokenized; every word must be a keyword of the small expression grammar below, a column of
# the source (re-emitted quoted), a type name after '::' / AS (re-emitted by format_type) or
# an immutable, non-set-returning plain function of pg_catalog (re-emitted qualified); string
# literals are re-quoted; only listed operators pass; ';', comments, '$' (dollar quotes and
# parameters) and '.' outside numbers (other tables, schemas) cannot be written at all. The
# rebuilt text is then checked by one prepared SELECT over the source (``expression_types``):
# a prepared statement holds exactly one statement. Nothing here is ever pasted into DDL
# unchecked.

_KEYWORDS = {"and", "or", "not", "is", "null", "true", "false", "case", "when", "then", "else", "end",
             "array", "in", "between", "like", "ilike", "cast", "as", "coalesce", "nullif", "greatest",
             "least", "isnull", "notnull", "unknown"}
_REFUSED = {"select", "from", "with", "values", "table", "insert", "update", "delete", "union", "lateral",
            "into", "returning", "exists", "any", "all", "some", "row", "using", "join", "where", "group",
            "order", "limit", "execute", "do", "copy", "create", "drop", "alter", "grant", "set"}
_OPERATORS = {"+", "-", "*", "/", "%", "^", "=", "<>", "!=", "<", ">", "<=", ">=", "||", "->", "->>", "#>",
              "#>>", "@>", "<@", "&&", "::"}
_OP_CHARS = set("+-*/<>=~!@#%^&|`?:")
_TYPE_WORDS = {"double", "precision", "character", "varying", "with", "without", "time", "zone"}
_STRING = re.compile(r"'(?:[^']|'')*'")


def tokenize_expression(text):
    """Expression text -> [(kind, value)], kind in word, qword, number, string, op, punct.

    Pure (no database). Raises NameError_ for anything outside the grammar."""
    if text is None or not str(text).strip():
        raise NameError_("the expression is empty")
    text = str(text)
    tokens, pos = [], 0
    while pos < len(text):
        c = text[pos]
        if c.isspace():
            pos += 1
            continue
        if text.startswith("--", pos) or text.startswith("/*", pos):
            raise NameError_("comments are not allowed in an expression")
        if c == ";":
            raise NameError_("';' is not allowed: an expression is not a statement")
        if c == "$":
            raise NameError_("'$' (dollar quoting, parameters) is not allowed in an expression")
        if c == "\\":
            raise NameError_("'\\' is not allowed in an expression")
        if c == "'":
            m = _STRING.match(text, pos)
            if not m:
                raise NameError_(f"unterminated string literal in {text!r}")
            tokens.append(("string", m.group(0)[1:-1].replace("''", "'")))
            pos = m.end()
            continue
        if c == '"':
            (_, name, _), pos = _scan(text, pos)
            tokens.append(("qword", name))
            continue
        m = _NUMBER.match(text, pos)
        if m and not c in "+-" and (m.end() == len(text) or not (text[m.end()].isalpha() or text[m.end()] == "_")):
            tokens.append(("number", m.group(0)))
            pos = m.end()
            continue
        m = _UNQUOTED.match(text, pos)
        if m:
            word = m.group(0)
            if word.lower() in _REFUSED:
                raise NameError_(f"{word!r} is not allowed in an expression (no subqueries or statements)")
            tokens.append(("word", word))
            pos = m.end()
            continue
        if c in "()[],":
            tokens.append(("punct", c))
            pos += 1
            continue
        if c in _OP_CHARS:
            j = pos
            while j < len(text) and text[j] in _OP_CHARS and not text.startswith("--", j) \
                    and not text.startswith("/*", j):
                j += 1
            op = text[pos:j]
            if op not in _OPERATORS:
                raise NameError_(f"operator {op!r} is not allowed in an expression")
            tokens.append(("op", op))
            pos = j
            continue
        raise NameError_(f"unexpected {text[pos:pos + 20]!r} in an expression")
    depth = 0
    for kind, value in tokens:
        if kind == "punct" and value in "([":
            depth += 1
        elif kind == "punct" and value in ")]":
            depth -= 1
            if depth < 0:
                raise NameError_(f"unbalanced brackets in {text!r}")
    if depth:
        raise NameError_(f"unbalanced brackets in {text!r}")
    return tokens


def split_top_level(tokens):
    """Tokens -> lists of tokens separated by commas outside brackets."""
    parts, cur, depth = [], [], 0
    for tok in tokens:
        if tok[0] == "punct" and tok[1] in "([":
            depth += 1
        elif tok[0] == "punct" and tok[1] in ")]":
            depth -= 1
        if depth == 0 and tok == ("punct", ","):
            parts.append(cur)
            cur = []
            continue
        cur.append(tok)
    parts.append(cur)
    if any(not p for p in parts):
        raise NameError_("an empty item in a comma-separated list")
    return parts


def array_literal_items(tokens):
    """'ARRAY[ a, b ]' as the whole expression -> [[a tokens], [b tokens]]; otherwise None."""
    if (len(tokens) >= 3 and tokens[0][0] == "word" and tokens[0][1].lower() == "array"
            and tokens[1] == ("punct", "[") and tokens[-1] == ("punct", "]")):
        depth = 0
        for i, tok in enumerate(tokens[1:], 1):
            if tok[0] == "punct" and tok[1] in "([":
                depth += 1
            elif tok[0] == "punct" and tok[1] in ")]":
                depth -= 1
                if depth == 0 and i != len(tokens) - 1:
                    return None
        return split_top_level(tokens[2:-1]) if len(tokens) > 3 else None
    return None


def _function_ok(plpy, name):
    row = plpy.execute(plpy.prepare(
        "SELECT count(*) AS n, count(*) FILTER (WHERE p.provolatile <> 'i' OR p.proretset OR p.prokind <> 'f') "
        "AS bad FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname = $1",
        ["text"]), [name])[0]
    return row["n"] > 0 and row["bad"] == 0


def _type_sql(plpy, name, what):
    row = plpy.execute(plpy.prepare("SELECT pg_catalog.format_type(pg_catalog.to_regtype($1), NULL) AS t",
                                    ["text"]), [name])
    if not row or row[0]["t"] is None or row[0]["t"] == "-":
        plpy.error(f"{what}: type {name!r} does not exist")
    return row[0]["t"]


def render_expression(plpy, tokens, columns, table, what):
    """Whitelisted tokens -> SQL text: columns quoted, functions pg_catalog-qualified, types canonical."""
    out, i = [], 0
    while i < len(tokens):
        kind, value = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if kind == "op" and value == "::" or (kind == "word" and value.lower() == "as"):
            # a type name: words (double precision, character varying, ...) and optional []
            words, j = [], i + 1
            while j < len(tokens) and tokens[j][0] in ("word", "qword"):
                if words and tokens[j][1].lower() not in _TYPE_WORDS:
                    break
                words.append(tokens[j][1])
                j += 1
            if not words:
                plpy.error(f"{what}: a type name is missing after {value!r}")
            arr = ""
            while j + 1 < len(tokens) and tokens[j] == ("punct", "[") and tokens[j + 1] == ("punct", "]"):
                arr += "[]"
                j += 2
            out.append(("::" if value == "::" else " AS ") + _type_sql(plpy, " ".join(words) + arr, what))
            i = j
            continue
        if kind == "word" and value.lower() in _KEYWORDS:
            if value.lower() == "array" and nxt is not None and nxt != ("punct", "["):
                plpy.error(f"{what}: ARRAY must be followed by '[' (no ARRAY subqueries)")
            out.append(" " + value.upper() + " ")
        elif kind == "word" and nxt == ("punct", "("):
            name = value.lower()
            if not _function_ok(plpy, name):
                plpy.error(f"{what}: function {value}() is not allowed in an expression; only immutable "
                           f"functions of pg_catalog are")
            out.append("pg_catalog." + plpy.quote_ident(name))
        elif kind in ("word", "qword"):
            name = resolve_column(plpy, columns, ("column", value, value if kind == "word" else f'"{value}"'),
                                  table, what)
            out.append(plpy.quote_ident(name))
        elif kind == "number":
            out.append(value)
        elif kind == "string":
            out.append(plpy.quote_literal(value))
        elif kind == "op":
            out.append(" " + value + " ")
        else:
            out.append(value)
        i += 1
    return re.sub(r"\s+", " ", "".join(out)).strip()


def expression_types(plpy, source_sql, exprs, what):
    """One prepared SELECT of the expressions over the source (no rows read) -> their type names."""
    cols = ", ".join(f"({e}) AS e{i}" for i, e in enumerate(exprs))
    try:
        plan = plpy.prepare(f"SELECT {cols} FROM {source_sql} AS src LIMIT 0")
        oids = plpy.execute(plan).coltypes()
    except plpy.SPIError as exc:
        plpy.error(f"{what}: not a valid expression over {source_sql}: {str(exc).splitlines()[0]}")
    names = []
    for oid in oids:
        row = plpy.execute(plpy.prepare("SELECT t.typname, e.typname AS elem FROM pg_catalog.pg_type t "
                                        "LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND "
                                        "t.typcategory = 'A' WHERE t.oid = $1", ["oid"]), [oid])[0]
        names.append((row["typname"], row["elem"]))
    return names


def value_expression(plpy, text, columns, table, what):
    """A column name or an expression over the source's columns -> (SQL, type name, description).

    The expression form is whitelisted (``tokenize_expression``) and checked by one prepared
    SELECT over the source; a plain column costs no query."""
    try:
        items = parse_element_list(str(text)) if text is not None else []
        simple = len(items) == 1 and items[0][0] == "column"
    except NameError_:
        simple = False
    if simple:
        name = resolve_column(plpy, columns, items[0], table, what)
        return plpy.quote_ident(name), columns[name]["typname"], f"column {name} ({columns[name]['type']})"
    try:
        tokens = tokenize_expression(text)
    except NameError_ as exc:
        plpy.error(f"{what} {text!r}: {exc}")
    source_sql = resolve_table(plpy, table, "source table")["sql"]
    sql = "(" + render_expression(plpy, tokens, columns, table, what) + ")"
    typ = expression_types(plpy, source_sql, [sql], f"{what} {text!r}")[0][0]
    return sql, typ, f"expression {text!r} ({typ})"


def referenced_columns(text, columns):
    """Catalog names of the source columns a (validated) feature or label expression mentions."""
    if text is None:
        return set()
    found = set()
    for kind, value in tokenize_expression(text):
        if kind == "qword" and value in columns:
            found.add(value)
        elif kind == "word":
            if value in columns:
                found.add(value)
            elif value.lower() in columns:
                found.add(value.lower())
    return found
