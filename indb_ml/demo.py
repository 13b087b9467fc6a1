"""The demo: real data into the local cluster, a model trained next to it.

Loads California housing (Pace & Barry 1997, committed under
data/california_housing) into a table, trains linear regression three ways
of calling it - SQL, then Python - and prints coefficients, R², rows used
and timings.
"""
from __future__ import annotations

import gzip
import time

import psycopg
from psycopg import sql

from . import resources
from .client import connect
from .estimators import LinearRegression

COLUMNS = ["longitude", "latitude", "housing_median_age", "total_rooms", "total_bedrooms",
           "population", "households", "median_income", "median_house_value"]
TABLE = "california_housing"


def load(conn: psycopg.Connection) -> int:
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(TABLE)))
    cols = sql.SQL(", ").join(sql.SQL("{} float8").format(sql.Identifier(c)) for c in COLUMNS)
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(TABLE), cols))
    path = resources.DATA_DIR / "california_housing" / "cal_housing.data.gz"
    with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN WITH (FORMAT csv)").format(sql.Identifier(TABLE))) as cp:
        cp.write(gzip.open(path).read())
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(TABLE))).fetchone()[0]


def main(dsn: str | None = None) -> int:
    t0 = time.perf_counter()
    db = connect(dsn)
    print(f"connected in {time.perf_counter() - t0:.2f} s  ({db.conn.info.host}:{db.conn.info.port}, "
          f"database {db.conn.info.dbname})")
    t = time.perf_counter()
    rows = load(db.conn)
    print(f"loaded {rows} rows of California housing (Pace & Barry 1997) in {time.perf_counter() - t:.2f} s")

    for table in ("demo_linregr", "demo_linregr_summary"):
        db.drop_table(table)
    features = COLUMNS[:-1]
    expression = "ARRAY[1, " + ", ".join(features) + "]"
    t = time.perf_counter()
    message = db.call("linregr_train", TABLE, "demo_linregr", "median_house_value", expression)
    sql_s = time.perf_counter() - t
    print(f"\nSQL: SELECT indb_ml.linregr_train('{TABLE}', 'demo_linregr', 'median_house_value', '{expression}')")
    print(f"  -> {message}  [{sql_s:.3f} s, including packing the table into blocks]")
    row = db.fetch_table("demo_linregr")[0]
    print(f"\n  {'feature':<20}{'coef':>16}{'std_err':>14}{'t':>10}{'p':>12}")
    for name, c, se, tv, p in zip(["(intercept)"] + features, row["coef"], row["std_err"], row["t_stats"],
                                  row["p_values"]):
        print(f"  {name:<20}{c:>16.6g}{se:>14.4g}{tv:>10.2f}{p:>12.3g}")
    print(f"  R² = {row['r2']:.6f}   rows used = {row['num_rows_processed']}   "
          f"rows skipped = {row['num_missing_rows_skipped']}   condition number of XᵀX = {row['condition_no']:.3g}")

    t = time.perf_counter()
    model = LinearRegression().fit(db, TABLE, label="median_house_value", features=features,
                                   model_table="demo_linregr_py")
    py_s = time.perf_counter() - t
    print(f"\nPython: LinearRegression().fit(db, '{TABLE}', label='median_house_value', features=[...])")
    print(f"  intercept_ = {model.intercept_:.6g}, R² = {model.r2_:.6f}  [{py_s:.3f} s, packed blocks reused]")
    t = time.perf_counter()
    r2_db = model.score(TABLE)
    print(f"  score('{TABLE}') computed in the database = {r2_db:.6f}  [{time.perf_counter() - t:.3f} s]")
    for table in ("demo_linregr_py", "demo_linregr_py_summary"):
        db.drop_table(table)
    print(f"\nmodel registry: SELECT * FROM {db.schema}.model_summary;")
    for r in db.execute(sql.SQL("SELECT name, algorithm, status, round(train_ms::numeric, 1) FROM {}.model_summary "
                                "ORDER BY model_id DESC LIMIT 3").format(sql.Identifier(db.schema))):
        print("  ", r)
    print(f"\ntotal {time.perf_counter() - t0:.2f} s")
    db.close()
    return 0
