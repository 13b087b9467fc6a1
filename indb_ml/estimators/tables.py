"""Moving data between the client and the database for the estimators: uploads of ``fit(X, y)``
(COPY into a TEMPORARY table, text format built column by column), and result rows as a pandas
DataFrame (or a numpy structured array without pandas)."""
from __future__ import annotations

import uuid

import numpy as np
from psycopg import sql

from ..client import Database, _transaction

LABEL_COLUMN = "indb_ml_label"


def as_matrix(X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    return X


def _is_frame(X) -> bool:
    return hasattr(X, "columns") and hasattr(X, "iloc")


def _float_matrix(frame, names) -> np.ndarray:
    try:
        return frame.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        bad = [n for n in names if frame[n].dtype.kind not in "biuf"]
        raise ValueError(f"columns {bad} are not numeric: encode them (indb_ml.encode_categorical) or train on "
                         f"a table, where text features are encoded in the database") from exc


def _columns_of(X) -> tuple[list[str], list[np.ndarray]]:
    """Column names and column arrays of a DataFrame (names as given) or an array (x0, x1, ...)."""
    if _is_frame(X):
        names = [str(c) for c in X.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"DataFrame column names are not unique: {names}")
        return names, [X[c].to_numpy() for c in X.columns]
    M = np.asarray(X)
    if M.ndim == 1:
        M = M.reshape(-1, 1)
    if M.ndim != 2:
        raise ValueError(f"X must be 2-dimensional, got shape {M.shape}")
    return [f"x{j}" for j in range(M.shape[1])], [M[:, j] for j in range(M.shape[1])]


def _sql_type(values: np.ndarray) -> str:
    kind = values.dtype.kind
    if kind == "b":
        return "boolean"
    if kind in "iu":
        return "bigint"
    if kind == "f":
        return "float8"
    return "text"


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_column(v: np.ndarray) -> list[str]:
    """One column in COPY text format, vectorised for numbers (shortest round-trip repr of float64)."""
    kind = v.dtype.kind
    if kind == "f":
        s = v.astype(str)
        s[np.isnan(v)] = "\\N"
        return s.tolist()
    if kind in "iu":
        return v.astype(str).tolist()
    if kind == "b":
        return np.where(v, "t", "f").tolist()
    out = ["\\N" if x is None or (type(x) is float and x != x) or type(x).__name__ == "NAType" else str(x)
           for x in v.tolist()]
    joined = "".join(out)
    if "\t" in joined or "\n" in joined or "\r" in joined or joined.count("\\") > out.count("\\N"):
        out = [s if s == "\\N" else s.translate(_ESCAPES) for s in out]
    return out


def _upload(db: Database, names: list[str], columns: list[np.ndarray], y) -> str:
    """COPY columns (and y as indb_ml_label) into a new TEMPORARY table; returns its name."""
    if LABEL_COLUMN in names:
        raise ValueError(f"a feature may not be named {LABEL_COLUMN!r}")
    n = len(columns[0]) if columns else 0
    if y is not None and len(y) != n:
        raise ValueError(f"X has {n} rows but y has {len(y)}")
    table = f"pg_temp.indb_ml_upload_{uuid.uuid4().hex[:10]}"
    cols = list(zip(names, columns)) + ([(LABEL_COLUMN, y)] if y is not None else [])
    defs = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(nm), sql.SQL(_sql_type(np.asarray(v))))
                              for nm, v in cols)
    ident = sql.SQL(table)
    db.execute(sql.SQL("CREATE TEMPORARY TABLE {} ({})").format(sql.Identifier(table.split(".", 1)[1]), defs))
    db.track_table(table)
    text = [_copy_column(np.asarray(v)) for _, v in cols]
    with _copy_transaction(db):
        with db.conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(ident)) as cp:
            step = 65536
            for a in range(0, n, step):
                cp.write("".join(f"{line}\n" for line in map("\t".join, zip(*(t[a:a + step] for t in text)))))
    db.execute(sql.SQL("ANALYZE {}").format(ident))
    return table


def _copy_transaction(db):
    return _transaction(db.conn)


def _primary_key(db: Database, rel: str) -> str | None:
    rows = db.execute("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                      "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) AND i.indisprimary", [rel])
    return rows[0][0] if len(rows) == 1 else None


def _table_identifier(name: str) -> sql.Composable:
    parts = name.split(".")
    if len(parts) > 2 or not all(parts):
        raise ValueError(f"out_table {name!r} must be table or schema.table")
    return sql.SQL(".").join(sql.Identifier(p) for p in parts)


def _frame(rows, names, index=None):
    """A DataFrame (pandas installed) or a numpy structured array of the rows."""
    try:
        import pandas as pd
    except ImportError:
        pd = None
    if pd is not None:
        df = pd.DataFrame.from_records(rows, columns=names)
        return df.set_index(index) if index is not None else df
    dtype = []
    for j, nm in enumerate(names):
        sample = next((r[j] for r in rows if r[j] is not None), None)
        if isinstance(sample, (int, np.integer)) and not isinstance(sample, bool):
            dtype.append((nm, "i8"))
        elif isinstance(sample, (float, np.floating)):
            dtype.append((nm, "f8"))
        elif isinstance(sample, bool):
            dtype.append((nm, "?"))
        else:
            dtype.append((nm, object))
    return np.array([tuple(r) for r in rows], dtype=dtype)
