"""UCI Adult (data/uci_adult, committed) as a numeric design matrix, for the GLM-family tests.

Numeric columns (age, fnlwgt, education_num, capital_gain, capital_loss, hours_per_week) plus one-hot
encoded categoricals (sex, race, relationship, marital_status; first level dropped, levels sorted), label
``income > 50K``. Categoricals with levels that separate the classes perfectly (e.g. workclass
Never-worked, education Preschool) are left out so that the maximum-likelihood estimate exists.
"""
from __future__ import annotations

import gzip
import io
from functools import lru_cache
from pathlib import Path

import numpy as np
from psycopg import sql

ADULT = Path(__file__).resolve().parent.parent / "data" / "uci_adult" / "adult.data.gz"
COLUMNS = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
           "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country",
           "income"]
NUMERIC = ["age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
CATEGORICAL = ["sex", "race", "relationship", "marital_status"]


@lru_cache(maxsize=1)
def raw_rows():
    rows = []
    for line in gzip.open(ADULT, "rt"):
        parts = [p.strip() for p in line.strip().split(",")]
        if len(parts) == len(COLUMNS):
            rows.append(dict(zip(COLUMNS, parts)))
    return rows


@lru_cache(maxsize=1)
def design():
    """-> (feature names, X (n x d, no intercept column), y (0/1), raw rows)."""
    rows = raw_rows()
    names = list(NUMERIC)
    cols = [np.array([float(r[c]) for r in rows]) for c in NUMERIC]
    for c in CATEGORICAL:
        levels = sorted({r[c] for r in rows})
        for lev in levels[1:]:
            name = f"{c}_{lev}".lower().replace("-", "_").replace(" ", "_")
            names.append(name)
            cols.append(np.array([1.0 if r[c] == lev else 0.0 for r in rows]))
    X = np.column_stack(cols)
    y = np.array([1.0 if r["income"].startswith(">50K") else 0.0 for r in rows])
    return names, X, y, rows


def load_adult(conn, table="adult_glm"):
    """The design matrix as a table: one float8 column per feature, income_gt50k boolean, workclass text,
    marital_status text (for softmax / grouping), id bigint. Created once per database."""
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()[0]
    names, X, y, rows = design()
    if not exists:
        coldefs = [sql.SQL("id bigint")] + [sql.SQL("{} float8").format(sql.Identifier(n)) for n in names] + [
            sql.SQL("income_gt50k boolean"), sql.SQL("workclass text"), sql.SQL("marital text"),
            sql.SQL("sex text")]
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), sql.SQL(", ").join(coldefs)))
        buf = io.StringIO()
        for i in range(len(y)):
            vals = [str(i)] + [repr(float(v)) for v in X[i]] + [
                "t" if y[i] else "f", rows[i]["workclass"], rows[i]["marital_status"], rows[i]["sex"]]
            buf.write("\t".join(vals) + "\n")
        with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as cp:
            cp.write(buf.getvalue())
        conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    return table, names


def feature_array(names, intercept=True):
    cols = ", ".join(sql.Identifier(n).as_string(None) for n in names)
    return f"ARRAY[1, {cols}]" if intercept else f"ARRAY[{cols}]"
