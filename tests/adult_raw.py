"""UCI Adult as published: text columns kept as text (for encoding tests), one row per record."""
from __future__ import annotations

import io

from psycopg import sql

from adult_data import COLUMNS, raw_rows

INTEGER = {"age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"}


def frame():
    """The rows as a pandas DataFrame (id, the 15 columns; '?' as missing), income_gt50k 0/1."""
    import pandas as pd

    df = pd.DataFrame(raw_rows(), columns=COLUMNS)
    for c in INTEGER:
        df[c] = df[c].astype("int64")
    for c in set(COLUMNS) - INTEGER:
        df[c] = df[c].where(df[c] != "?")
    df["income_gt50k"] = df.pop("income").str.startswith(">50K").astype("int64")
    df.insert(0, "id", range(len(df)))
    return df


def load(conn, table="adult_raw"):
    """frame() as a table with primary key id; created once per database."""
    if conn.execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()[0]:
        return table
    df = frame()
    defs = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(
        "bigint PRIMARY KEY" if c == "id" else "bigint" if c in INTEGER or c == "income_gt50k" else "text"))
        for c in df.columns]
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), sql.SQL(", ").join(defs)))
    buf = io.StringIO()
    df.to_csv(buf, sep="\t", header=False, index=False, na_rep="\\N")
    with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as cp:
        cp.write(buf.getvalue())
    conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    return table
