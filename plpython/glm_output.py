"""Writing a GLM-family model: the model table (a row per group) and the one-row summary table (takes ``plpy``).

Values travel as parameters or one quoted jsonb literal, never pasted into SQL.
"""
from . import passes, registry


def write_table(plpy, out_sql, prep, columns, results):
    """CREATE TABLE out AS grouping columns + result columns, one row per group.

    ``columns`` [(name, sql type)], ``results`` {group key: {name: value}}. Values travel as one
    jsonb literal (quote_literal) read by jsonb_to_recordset: nothing is pasted unquoted."""
    rows = []
    # a dict {key: row}, or [(key, row), ...] for several rows per group (multinom: one per category)
    for key, res in (results.items() if isinstance(results, dict) else results):
        row = {"_gkey": key}
        row.update(res)
        rows.append(row)
    payload = plpy.quote_literal(registry._json(rows))
    coldefs = ", ".join(f"{plpy.quote_ident(n)} {t}" for n, t in [("_gkey", "text")] + list(columns))
    colsel = ", ".join(f"r.{plpy.quote_ident(n)}" for n, _ in columns)
    if prep["group_sql"]:
        g = ", ".join(prep["group_sql"])
        key = passes.group_key_sql(prep)
        gsel = ", ".join(f"k.{c}" for c in prep["group_sql"])
        plpy.execute(f"CREATE TABLE {out_sql} AS SELECT {gsel}, {colsel} FROM "
                     f"(SELECT DISTINCT {g}, {key} AS _gkey FROM {prep['table']}) AS k "
                     f"JOIN jsonb_to_recordset({payload}::jsonb) AS r({coldefs}) ON r._gkey = k._gkey "
                     f"ORDER BY {gsel}")
    else:
        plpy.execute(f"CREATE TABLE {out_sql} AS SELECT {colsel} FROM jsonb_to_recordset({payload}::jsonb) "
                     f"AS r({coldefs})")


def write_summary(plpy, summary_sql, fields):
    """CREATE TABLE summary AS one row of (name, type, value) fields, values as parameters."""
    names = [f for f, _, _ in fields]
    types = [t for _, t, _ in fields]
    cols = ", ".join(f"${i + 1}::{t} AS {plpy.quote_ident(n)}" for i, (n, t) in enumerate(zip(names, types)))
    plan = plpy.prepare(f"CREATE TABLE {summary_sql} AS SELECT {cols}", types)
    plpy.execute(plan, [v for _, _, v in fields])
