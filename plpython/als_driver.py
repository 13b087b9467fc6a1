"""The ALS driver (takes ``plpy``; runs in the caller's backend): pack the ratings once, then half-steps.

Packing (SQL, once per training): every user and item gets a dense index; the
valid ratings become two packed tables, blocks of consecutive users (and of
items) with their ratings in CSR form (``als.block_arrays``); the packing
kernel sorts each block and averages duplicate (user, item) rows, so no
``GROUP BY user, item`` over the whole table is needed. A half-step reads one
side's blocks with a cursor and calls ``als.solve_block`` once per block, with
the other side's factors held in this backend's memory as one array - no
per-rating Python, no per-rating SQL, and the factors never round-trip through
tables between half-steps. Memory: both sides' factors plus one fetch of blocks.
"""
import numpy as np

from . import als

BLOCK_RATINGS = 50_000        # ratings per packed block (about 600 KB)
FETCH = 16                    # blocks per cursor fetch


def pack(plpy, schema, work, rows_sql, side, other_side, n_vertices, n_rows):
    """-> (name of the packed table of `side` ('u' or 'i'), stats dict) over rows_sql (u, i, r).

    Grouped by block with sorted input (hash aggregation off for this statement): one block's
    arrays in memory at a time, so packing memory is bounded by work_mem, not by the table."""
    per_block = max(1, int(round(BLOCK_RATINGS * n_vertices / max(n_rows, 1))))
    table = f"{work}_{side}blocks"
    hashagg = plpy.execute("SELECT current_setting('enable_hashagg') AS h")[0]["h"]
    plpy.execute("SELECT set_config('enable_hashagg', 'off', true)")
    plpy.execute(f"""
        CREATE UNLOGGED TABLE {table} AS
        SELECT block, first, nvert, {schema}.als_pack_block(vs, os, rs, first, nvert) AS data
        FROM (SELECT block, min(v) AS first, max(v) - min(v) + 1 AS nvert,
                     array_send(array_agg(v)) AS vs, array_send(array_agg(o)) AS os, array_send(array_agg(r)) AS rs
              FROM (SELECT a.idx AS v, b.idx AS o, t.r, a.idx / {per_block} AS block
                    FROM {rows_sql} AS t JOIN {work}_{side}map a ON a.id = t.{side}
                                         JOIN {work}_{other_side}map b ON b.id = t.{other_side}) AS x
              GROUP BY block) AS g""")
    plpy.execute(plpy.prepare("SELECT set_config('enable_hashagg', $1, true)", ["text"]), [hashagg])
    plpy.execute(f"ALTER TABLE {table} ALTER COLUMN data SET STORAGE EXTERNAL")
    st = plpy.execute(f"SELECT coalesce(sum(s[1]), 0) AS pairs, coalesce(sum(s[2]), 0) AS dup_pairs, "
                      f"coalesce(sum(s[3]), 0) AS dup_rows, coalesce(sum(s[4]), 0) AS sum_r "
                      f"FROM (SELECT {schema}.als_block_stats(data) AS s FROM {table}) AS b")[0]
    return table, {k: float(v) for k, v in st.items()}


def make_map(plpy, work, rows_sql, side):
    """Dense 0-based index per distinct id of one side, in id order. -> number of ids."""
    plpy.execute(f"CREATE UNLOGGED TABLE {work}_{side}map AS SELECT {side} AS id, "
                 f"(row_number() OVER (ORDER BY {side}) - 1)::int AS idx "
                 f"FROM (SELECT DISTINCT {side} FROM {rows_sql} AS t) d")
    plpy.execute(f"ANALYZE {work}_{side}map")
    return int(plpy.execute(f"SELECT count(*) AS n FROM {work}_{side}map")[0]["n"])


def half_step(plpy, table, n_vertices, Other, lam, mu, biases):
    """Solve every vertex of one side -> (X (n_vertices, rank + 1), n ratings, sse) per vertex."""
    X = np.zeros((n_vertices, Other.shape[1]))
    N = np.zeros(n_vertices)
    SSE = np.zeros(n_vertices)
    cur = plpy.cursor(f"SELECT first, nvert, data FROM {table}")
    while True:
        rows = cur.fetch(FETCH)
        if not rows:
            break
        for row in rows:
            x, n, sse = als.solve_block(row["data"], row["nvert"], Other, lam, mu, biases)
            lo, hi = row["first"], row["first"] + row["nvert"]
            X[lo:hi], N[lo:hi], SSE[lo:hi] = x, n, sse
    return X, N, SSE


def write_factors(plpy, target, mapt, X, N, typ, rank):
    """CREATE TABLE target (id, factor, bias, n_ratings) from the in-memory factors, in chunks."""
    plpy.execute(f"CREATE TABLE {target} (id {typ}, factor float8[] NOT NULL, bias float8 NOT NULL, "
                 f"n_ratings bigint NOT NULL)")
    plan = plpy.prepare(
        f"INSERT INTO {target} SELECT m.id, $1[(m.idx - $4) * {int(rank)} + 1:(m.idx - $4 + 1) * {int(rank)}], "
        f"$2[m.idx - $4 + 1], $3[m.idx - $4 + 1] FROM {mapt} m WHERE m.idx >= $4 AND m.idx < $5",
        ["float8[]", "float8[]", "int8[]", "int4", "int4"])
    step = max(1, 1_000_000 // (rank + 2))
    for lo in range(0, len(X), step):
        hi = min(len(X), lo + step)
        plpy.execute(plan, [X[lo:hi, :rank].ravel().tolist(), X[lo:hi, rank].tolist(),
                            N[lo:hi].astype(np.int64).tolist(), lo, hi])
    plpy.execute(f"ALTER TABLE {target} ADD PRIMARY KEY (id)")
