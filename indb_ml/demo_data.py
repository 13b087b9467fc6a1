"""Load the shipped data sets (data/, see data/README.md) into tables, for the demo.

Each loader drops and re-creates its table and returns the number of rows.
Ratings are generated (a known low-rank model plus noise): MovieLens may not
be redistributed, so the demo does not use it.
"""
from __future__ import annotations

import gzip
import io

import numpy as np
import psycopg
from psycopg import sql

from . import resources

CALIFORNIA_COLUMNS = ["longitude", "latitude", "housing_median_age", "total_rooms", "total_bedrooms",
                      "population", "households", "median_income", "median_house_value"]
ADULT_COLUMNS = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
                 "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week",
                 "native_country", "income"]
ADULT_NUMERIC = {"age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"}


def _fresh(conn: psycopg.Connection, table: str, coldefs: list[str]) -> None:
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.SQL(c) for c in coldefs)))


def _copy(conn: psycopg.Connection, table: str, payload: bytes, options: str = "") -> int:
    with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN " + options).format(sql.Identifier(table))) as cp:
        cp.write(payload)
    conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]


def california(conn: psycopg.Connection, table: str = "california_housing") -> int:
    _fresh(conn, table, [f'"{c}" float8' for c in CALIFORNIA_COLUMNS])
    path = resources.DATA_DIR / "california_housing" / "cal_housing.data.gz"
    return _copy(conn, table, gzip.open(path).read(), "WITH (FORMAT csv)")


def adult(conn: psycopg.Connection, table: str, split: str) -> int:
    """UCI Adult ``adult.data`` (split 'data') or ``adult.test`` ('test'); income_gt50k boolean label."""
    coldefs = [f'"{c}" {"float8" if c in ADULT_NUMERIC else "text"}' for c in ADULT_COLUMNS[:-1]]
    _fresh(conn, table, coldefs + ["income_gt50k boolean"])
    buf = io.StringIO()
    for line in gzip.open(resources.DATA_DIR / "uci_adult" / f"adult.{split}.gz", "rt"):
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != len(ADULT_COLUMNS):
            continue                      # blank lines, adult.test's "|1x3 Cross validator" first line
        label = parts[-1].rstrip(".") == ">50K"
        buf.write("\t".join(r"\N" if p == "?" else p for p in parts[:-1]) + ("\tt\n" if label else "\tf\n"))
    return _copy(conn, table, buf.getvalue().encode())


def wiki_vote(conn: psycopg.Connection, table: str = "wiki_vote") -> int:
    """SNAP wiki-Vote: 103,689 directed edges (voter -> candidate)."""
    _fresh(conn, table, ["voter int", "candidate int"])
    lines = [ln for ln in gzip.open(resources.DATA_DIR / "snap_wiki_vote" / "wiki-Vote.txt.gz", "rt")
             if ln.strip() and not ln.startswith("#")]
    return _copy(conn, table, "".join(ln.strip() + "\n" for ln in lines).encode())


def generated_ratings(conn: psycopg.Connection, table: str = "ratings", users: int = 600, items: int = 400,
                      per_user: int = 40, rank: int = 4, seed: int = 7) -> int:
    """Ratings 1..5 from mean + user/item biases + a rank-4 taste model + noise; popular items rated more."""
    rng = np.random.default_rng(seed)
    U, V = rng.normal(0, 0.6, (users, rank)), rng.normal(0, 0.6, (items, rank))
    bu, bi = rng.normal(0, 0.3, users), rng.normal(0, 0.4, items)
    popularity = rng.pareto(1.3, items) + 1
    buf = io.StringIO()
    for u in range(users):
        rated = rng.choice(items, per_user, replace=False, p=popularity / popularity.sum())
        r = np.clip(np.rint(3.4 + bu[u] + bi[rated] + V[rated] @ U[u] + rng.normal(0, 0.6, per_user)), 1, 5)
        buf.writelines(f"{u + 1}\t{i + 1}\t{int(x)}\n" for i, x in zip(rated, r))
    _fresh(conn, table, ["user_id int", "item_id int", "rating int"])
    return _copy(conn, table, buf.getvalue().encode())
