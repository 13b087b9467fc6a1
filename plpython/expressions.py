"""Expressions over a source's columns where MADlib takes them (features, labels): whitelisted, then checked.

MADlib users write expressions where a column is expected: 'crimerat >= 110',
'ARRAY[1, gre, (rank = 2)::INT::FLOAT8]', '(data->>''x'')::integer', 'array_prepend(1, x)',
'CASE WHEN ... END'. They are accepted through a whitelist, not a blacklist: the text is
tokenized; every word must be a keyword of the small expression grammar below, a column of
the source (re-emitted quoted), a type name after '::' / AS (re-emitted by format_type) or
an immutable, non-set-returning plain function of pg_catalog (re-emitted qualified); string
literals are re-quoted; only listed operators pass; ';', comments, '$' (dollar quotes and
parameters) and '.' outside numbers (other tables, schemas) cannot be written at all. The
rebuilt text is then checked by one prepared SELECT over the source (``expression_types``):
a prepared statement holds exactly one statement. Nothing here is ever pasted into DDL
unchecked.
"""
import re

from . import identifiers

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

    Pure (no database). Raises identifiers.NameError_ for anything outside the grammar."""
    if text is None or not str(text).strip():
        raise identifiers.NameError_("the expression is empty")
    text = str(text)
    tokens, pos = [], 0
    while pos < len(text):
        c = text[pos]
        if c.isspace():
            pos += 1
            continue
        if text.startswith("--", pos) or text.startswith("/*", pos):
            raise identifiers.NameError_("comments are not allowed in an expression")
        if c == ";":
            raise identifiers.NameError_("';' is not allowed: an expression is not a statement")
        if c == "$":
            raise identifiers.NameError_("'$' (dollar quoting, parameters) is not allowed in an expression")
        if c == "\\":
            raise identifiers.NameError_("'\\' is not allowed in an expression")
        if c == "'":
            m = _STRING.match(text, pos)
            if not m:
                raise identifiers.NameError_(f"unterminated string literal in {text!r}")
            tokens.append(("string", m.group(0)[1:-1].replace("''", "'")))
            pos = m.end()
            continue
        if c == '"':
            (_, name, _), pos = identifiers._scan(text, pos)
            tokens.append(("qword", name))
            continue
        m = identifiers._NUMBER.match(text, pos)
        if m and not c in "+-" and (m.end() == len(text) or not (text[m.end()].isalpha() or text[m.end()] == "_")):
            tokens.append(("number", m.group(0)))
            pos = m.end()
            continue
        m = identifiers._UNQUOTED.match(text, pos)
        if m:
            word = m.group(0)
            if word.lower() in _REFUSED:
                raise identifiers.NameError_(f"{word!r} is not allowed in an expression (no subqueries or statements)")
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
                raise identifiers.NameError_(f"operator {op!r} is not allowed in an expression")
            tokens.append(("op", op))
            pos = j
            continue
        raise identifiers.NameError_(f"unexpected {text[pos:pos + 20]!r} in an expression")
    depth = 0
    for kind, value in tokens:
        if kind == "punct" and value in "([":
            depth += 1
        elif kind == "punct" and value in ")]":
            depth -= 1
            if depth < 0:
                raise identifiers.NameError_(f"unbalanced brackets in {text!r}")
    if depth:
        raise identifiers.NameError_(f"unbalanced brackets in {text!r}")
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
        raise identifiers.NameError_("an empty item in a comma-separated list")
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
            name = identifiers.resolve_column(plpy, columns, ("column", value, value if kind == "word" else f'"{value}"'),
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


def expression_types(plpy, source_sql, exprs, what, formatted=False):
    """One prepared SELECT of the expressions over the source (no rows read) -> their type names
    ((typname, element typname) each, or format_type's text with ``formatted``)."""
    cols = ", ".join(f"({e}) AS e{i}" for i, e in enumerate(exprs))
    try:
        plan = plpy.prepare(f"SELECT {cols} FROM {source_sql} AS src LIMIT 0")
        oids = plpy.execute(plan).coltypes()
    except plpy.SPIError as exc:
        plpy.error(f"{what}: not a valid expression over {source_sql}: {str(exc).splitlines()[0]}")
    if formatted:
        return [plpy.execute(plpy.prepare("SELECT pg_catalog.format_type($1, NULL) AS t", ["oid"]), [oid])[0]["t"]
                for oid in oids]
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
        items = identifiers.parse_element_list(str(text)) if text is not None else []
        simple = len(items) == 1 and items[0][0] == "column"
    except identifiers.NameError_:
        simple = False
    if simple:
        name = identifiers.resolve_column(plpy, columns, items[0], table, what)
        return plpy.quote_ident(name), columns[name]["typname"], f"column {name} ({columns[name]['type']})"
    try:
        tokens = tokenize_expression(text)
    except identifiers.NameError_ as exc:
        plpy.error(f"{what} {text!r}: {exc}")
    source_sql = identifiers.resolve_table(plpy, table, "source table")["sql"]
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
