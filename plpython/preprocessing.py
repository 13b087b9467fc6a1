"""Data preparation in SQL (takes ``plpy``): one-hot encoding recorded for re-use, and a
deterministic (optionally stratified) train/test split.

``encode_categorical`` follows pandas' ``get_dummies``: the other columns first in their order,
then per encoded column one 0/1 column ``<column>_<level>`` per level, levels sorted; NULL gives
zeros. ``top_k`` keeps the k most frequent levels (ties by value) and adds ``<column>_<other>``
for the rest. What was done is recorded in the ``encodings`` catalog under the output table's
name; ``apply_encoding`` replays it on new data (unseen levels go to "other", or to all zeros).

``train_test_split`` orders rows by a hash of (seed, whole row as text): the split depends on the
seed and on the rows' content only, never on their physical order; ``ceil(n * test_fraction)``
rows (per stratum with ``stratify_col``) go to the test table; both keep the source's primary key and
are written in that hash order (so blocks packed from them mix the classes; see cross_validate).
"""
import json

from . import encoding, identifiers, registry

MAX_NAME = 63


def _columns(plpy, source_name, what="source_table"):
    src = identifiers.resolve_table(plpy, source_name, what)
    return src, identifiers.table_columns(plpy, src["oid"])


def _column_list(plpy, cols, text, table, what, fname):
    try:
        items = identifiers.parse_name_list(text, what)
    except identifiers.NameError_ as exc:
        plpy.error(f"{fname}: {exc}")
    if not items:
        plpy.error(f"{fname}: {what} is empty: name at least one column")
    names = [identifiers.resolve_column(plpy, cols, it, table, what) for it in items]
    if len(set(names)) != len(names):
        plpy.error(f"{fname}: {what} names a column twice")
    return names


def _levels(plpy, src_sql, name, top_k):
    col = plpy.quote_ident(name)
    if top_k is None:
        return encoding.levels_of(plpy, src_sql, name, "categorical_cols", limit=encoding.MAX_LEVELS), False
    rows = plpy.execute(f"SELECT {col}::text AS v, count(*) AS c FROM {src_sql} WHERE {col} IS NOT NULL "
                        f"GROUP BY 1 ORDER BY 2 DESC, 1")
    kept = sorted(r["v"] for r in rows[:int(top_k)])
    return kept, len(rows) > int(top_k)


def _out_names(plpy, fname, name, levels, other_label, taken):
    names = [f"{name}_{v}" for v in levels]
    other = f"{name}_{other_label}" if other_label is not None else None
    for n in names + ([other] if other else []):
        if len(n.encode()) > MAX_NAME:
            plpy.error(f"{fname}: output column name {n!r} is longer than {MAX_NAME} bytes")
        if n in taken:
            plpy.error(f"{fname}: output column {n!r} would appear twice (a level named like another column or "
                       f"like the 'other' label)")
        taken.add(n)
    return names, other


def _select_list(plpy, spec, keep):
    """SELECT items: the kept columns, then the 0/1 columns of every encoded column."""
    items = [plpy.quote_ident(c) for c in keep]
    for c in spec:
        for level, out in zip(c["levels"], c["names"]):
            items.append(f"coalesce(({plpy.quote_ident(c['column'])}::text = {plpy.quote_literal(level)})::int, 0) "
                         f"AS {plpy.quote_ident(out)}")
        if c["other"]:
            lit = "ARRAY[" + ", ".join(plpy.quote_literal(v) for v in c["levels"]) + "]::text[]"
            cond = f"NOT ({plpy.quote_ident(c['column'])}::text = ANY({lit}))" if c["levels"] else \
                f"{plpy.quote_ident(c['column'])} IS NOT NULL"
            items.append(f"coalesce(({cond})::int, 0) AS {plpy.quote_ident(c['other'])}")
    return ", ".join(items)


def encode_categorical(plpy, schema, source_table, out_table, categorical_cols, top_k=None,
                       other_label="other", drop_first=False):
    fname = "encode_categorical"
    src, cols = _columns(plpy, source_table)
    names = _column_list(plpy, cols, categorical_cols, source_table, "categorical_cols", fname)
    if top_k is not None and int(top_k) < 1:
        plpy.error(f"{fname}: top_k must be at least 1, got {top_k}")
    out = identifiers.resolve_output_table(plpy, out_table, "out_table")
    keep = [c for c in cols if c not in names]
    taken = set(keep)
    spec = []
    for name in names:
        levels, rest = _levels(plpy, src["sql"], name, top_k)
        if drop_first and levels:
            levels = levels[1:]
        outs, other = _out_names(plpy, fname, name, levels, other_label if rest else None, taken)
        spec.append({"column": name, "levels": levels, "names": outs, "other": other})
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT {_select_list(plpy, spec, keep)} FROM {src['sql']}")
    plpy.execute(plpy.prepare(f"DELETE FROM {schema}.encodings WHERE name = $1", ["text"]), [out["sql"]])
    plpy.execute(plpy.prepare(
        f"INSERT INTO {schema}.encodings (name, source_table, columns, params) VALUES ($1, $2, $3::jsonb, $4::jsonb)",
        ["text", "text", "text", "text"]),
        [out["sql"], src["sql"], json.dumps(spec),
         registry._json({"top_k": top_k, "other_label": other_label, "drop_first": bool(drop_first)})])
    n_cols = sum(len(c["names"]) + (1 if c["other"] else 0) for c in spec)
    return f"{fname}: {out['sql']} with {len(keep)} kept and {n_cols} encoded columns from {len(names)} column(s)"


def apply_encoding(plpy, schema, encoding_name, source_table, out_table):
    """Replay a recorded encoding on new data: the same output columns, whatever levels it holds."""
    fname = "apply_encoding"
    rows = plpy.execute(plpy.prepare(f"SELECT columns FROM {schema}.encodings WHERE name = $1 OR name = "
                                     f"(SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                                     f"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                                     f"ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1))",
                                     ["text"]), [encoding_name])
    if not rows:
        plpy.error(f"{fname}: no encoding named {encoding_name!r} in {schema}.encodings "
                   f"(encode_categorical records one under its out_table)")
    spec = json.loads(rows[0]["columns"]) if isinstance(rows[0]["columns"], str) else rows[0]["columns"]
    src, cols = _columns(plpy, source_table)
    for c in spec:
        if c["column"] not in cols:
            plpy.error(f"{fname}: column {c['column']} of the encoding does not exist in table {source_table}")
    out = identifiers.resolve_output_table(plpy, out_table, "out_table")
    encoded = {c["column"] for c in spec}
    keep = [c for c in cols if c not in encoded]
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT {_select_list(plpy, spec, keep)} FROM {src['sql']}")
    return f"{fname}: {out['sql']} encoded like {encoding_name}"


def _primary_key(plpy, oid):
    rows = plpy.execute(plpy.prepare(
        "SELECT a.attname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1 AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
        ["oid"]), [oid])
    return [r["attname"] for r in rows]


def train_test_split(plpy, source_table, train_out, test_out, test_fraction, seed, stratify_col=None):
    fname = "train_test_split"
    if test_fraction is None or not 0.0 < float(test_fraction) < 1.0:
        plpy.error(f"{fname}: test_fraction must be between 0 and 1 (exclusive), got {test_fraction}")
    src, cols = _columns(plpy, source_table)
    train = identifiers.resolve_output_table(plpy, train_out, "train_out")
    test = identifiers.resolve_output_table(plpy, test_out, "test_out")
    if train["sql"] == test["sql"]:
        plpy.error(f"{fname}: train_out and test_out are the same table")
    part = ""
    if stratify_col is not None:
        strat = identifiers.resolve_one_column(plpy, cols, stratify_col, source_table, "stratify_col", f"{fname}: ")
        part = f"PARTITION BY {plpy.quote_ident(strat)}"
    collist = ", ".join(plpy.quote_ident(c) for c in cols)
    seed_sql = f"{int(seed or 0)}::bigint"
    work = "pg_temp.indb_ml_split_work"
    plpy.execute(f"DROP TABLE IF EXISTS {work}")
    plpy.execute(f"""
        CREATE TEMPORARY TABLE indb_ml_split_work AS
        SELECT {collist}, (row_number() OVER (w) - 1) < ceil(count(*) OVER ({part}) * {float(test_fraction)!r})
               AS indb_ml_is_test, indb_ml_key, indb_ml_row
        FROM (SELECT s.*, hashtextextended(s::text, {seed_sql}) AS indb_ml_key, s::text AS indb_ml_row
              FROM {src['sql']} AS s) AS k
        WINDOW w AS ({part} ORDER BY indb_ml_key, indb_ml_row)""")
    try:
        # rows are written in hash order, not grouped by stratum: blocks packed from either table mix classes
        plpy.execute(f"CREATE TABLE {train['sql']} AS SELECT {collist} FROM {work} WHERE NOT indb_ml_is_test "
                     f"ORDER BY indb_ml_key, indb_ml_row")
        plpy.execute(f"CREATE TABLE {test['sql']} AS SELECT {collist} FROM {work} WHERE indb_ml_is_test "
                     f"ORDER BY indb_ml_key, indb_ml_row")
    finally:
        plpy.execute(f"DROP TABLE {work}")
    key = _primary_key(plpy, src["oid"])
    if key:
        for t in (train, test):
            plpy.execute(f"ALTER TABLE {t['sql']} ADD PRIMARY KEY ({', '.join(plpy.quote_ident(k) for k in key)})")
    n = plpy.execute(f"SELECT (SELECT count(*) FROM {train['sql']}) AS a, (SELECT count(*) FROM {test['sql']}) AS b")[0]
    return f"{fname}: {n['a']} rows in {train['sql']}, {n['b']} in {test['sql']}"
