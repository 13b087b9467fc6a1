"""MADlib's grouping_cols: a list of columns or expressions over the source's columns.

Driver helper (takes ``plpy``). A list of plain column names is resolved as it always was.
Otherwise the list is split at top-level commas; an entry that is one column stays a
column, any other entry is an expression admitted by expressions.py's whitelist (rendered,
never pasted) and checked by one prepared SELECT over the source. As in MADlib, an
expression's grouping column (in the packed table and the output tables) is named by the
expression's text as written, e.g. the quoted identifier "data->>'bedroom'".
"""
from . import expressions, identifiers

NAMEDATALEN = 63


def _split_text(text):
    """Expression text -> its top-level comma-separated parts, as written (already tokenized)."""
    parts, cur, depth, quote = [], [], 0, None
    for c in text:
        if quote:
            quote = None if c == quote else quote   # '' and "" re-open at once: same result
        elif c in "'\"":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
            continue
        cur.append(c)
    parts.append("".join(cur).strip())
    return parts


def resolve(plpy, grouping_cols, columns, table):
    """grouping_cols -> [dict(name, type, sql, key, used)]: the packed column's name and type, the SQL
    selecting it from the source (None: the column itself), the entry of the packing's cache key and
    the source columns it reads."""
    what = "grouping_cols"
    try:
        items = identifiers.parse_name_list(grouping_cols, what)
        exprs = None
    except identifiers.NameError_:
        try:
            tokens = expressions.tokenize_expression(grouping_cols)
            exprs = list(zip(expressions.split_top_level(tokens), _split_text(str(grouping_cols))))
        except identifiers.NameError_ as exc:
            plpy.error(f"{what} {grouping_cols!r}: {exc}")
    out = []
    if exprs is None:
        for item in items:
            name = identifiers.resolve_column(plpy, columns, item, table, what)
            out.append({"name": name, "type": columns[name]["type"], "sql": None, "key": name, "used": {name}})
    else:
        source_sql = identifiers.resolve_table(plpy, table, "source table")["sql"]
        for toks, text in exprs:
            if len(toks) == 1 and toks[0][0] in ("word", "qword"):
                kind, value = toks[0]
                name = identifiers.resolve_column(
                    plpy, columns, ("column", value, value if kind == "word" else f'"{value}"'), table, what)
                out.append({"name": name, "type": columns[name]["type"], "sql": None, "key": name,
                            "used": {name}})
                continue
            sql = "(" + expressions.render_expression(plpy, toks, columns, table, what) + ")"
            typ = expressions.expression_types(plpy, source_sql, [sql], f"{what} {text!r}", formatted=True)[0]
            if typ == "unknown":
                sql, typ = f"{sql}::text", "text"
            out.append({"name": text, "type": typ, "sql": sql, "key": f"{sql} AS {plpy.quote_ident(text)}",
                        "used": expressions.referenced_columns(text, columns)})
    seen = set()
    for g in out:
        short = g["name"].encode()[:NAMEDATALEN]
        if short in seen:
            plpy.error(f"grouping column {g['name']} is listed twice (grouping_cols {grouping_cols!r})")
        seen.add(short)
    return out
