"""Prepared graphs (driver): renumber, merge, pack both CSR directions once; reuse while the sources are unchanged.

``ensure`` pulls the edge table in one scan (endpoints as packed binary, one
``string_agg`` per column), renumbers the vertex ids densely 0..n-1 in id
order (integer ids in numpy; other types through one SQL numbering table),
and lets ``graph_csr.build`` merge duplicates and sort the edges both ways.
It writes:

* ``<schema>_data._graph_<random>_v (vid int4 PK, id UNIQUE, out_degree, in_degree)``
* ``<schema>_data._graph_<random>_csr``: one row - ``n``, ``m``, the degrees and both CSRs
  (``out_dst`` sorted by (src, dst), ``in_src`` sorted by (dst, src), weights in
  both orders) as little-endian bytes, ``ids`` (the original ids in vid order),
  ``colors`` (filled by the first chromatic call).

The edge table ``_graph_<random>_e (src, dst, weight)`` with (src, dst) and (dst,
src) indexes serves the SQL engine and the traversals only; ``ensure_edges``
builds it on first use. Calls load the CSR bytes without sorting anything.
Tables belong to the role that prepared them and are reused only by it, while
the source fingerprints (``fingerprint``) are unchanged.
"""
import time

import numpy as np

from . import fingerprint, graph_csr, packed_store  # noqa: F401

INTEGER_TYPES = ("int2", "int4", "int8")
CSR_COLUMNS = ("out_deg", "out_dst", "in_deg", "in_src", "out_w", "in_w")


def _lookup(plpy, schema, key, fingerprint):
    found = plpy.execute(plpy.prepare(
        f"SELECT * FROM {schema}.prepared_graphs WHERE owner = current_user AND edge_oid = $1 AND src = $2 "
        f"AND dest = $3 AND weight = $4 AND directed = $5 AND vertex_oid IS NOT DISTINCT FROM $6 "
        f"AND vertex_id IS NOT DISTINCT FROM $7 AND fingerprint = $8 "
        + "".join(f"AND {packed_store.owned_by_me_sql(schema, f'table_prefix || {t!r}')} " for t in ("_v", "_csr"))
        + f"AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attname = 'cin_src' AND a.attrelid = "
        f"pg_catalog.to_regclass('{packed_store.data_schema(schema)}.' || quote_ident(table_prefix || '_csr'))) "
        f"ORDER BY graph_id DESC LIMIT 1",
        ["oid", "text", "text", "text", "bool", "oid", "text", "text"]), key + [fingerprint])
    return dict(found[0]) if found else None


def ensure(plpy, schema, spec, reuse=True, stages=None):
    """Prepare (or reuse) the graph described by ``spec``; returns the prepared_graphs row as a dict."""
    t0 = time.perf_counter()
    edges, vertices = spec["edges"], spec["vertices"]
    key = [edges["oid"], spec["src"], spec["dest"], spec["weight"], spec["directed"],
           vertices["oid"] if vertices else None, spec["vertex_id"]]
    fingerprint.lock(plpy, "graph", *key)
    fp_e = fingerprint.source_fingerprint(plpy, schema, edges, [spec["src"], spec["dest"], spec["weight"]],
                                       "edge_table")
    fp_v = fingerprint.source_fingerprint(plpy, schema, vertices, [spec["vertex_id"]],
                                          "vertex_table") if vertices else ""
    fp = None if fp_e is None or fp_v is None else f"{fp_e}|{fp_v}"
    if stages is not None:
        stages.mark("fingerprint")
    if reuse and fp is not None:
        row = _lookup(plpy, schema, key, fp)
        if row:
            plpy.execute(plpy.prepare(f"UPDATE {schema}.prepared_graphs SET last_used_at = clock_timestamp() "
                                      f"WHERE graph_id = $1", ["int8"]), [row["graph_id"]])
            row["reused"] = True
            return with_tables(schema, row)
    stale = plpy.execute(plpy.prepare(
        f"SELECT graph_id, table_prefix FROM {schema}.prepared_graphs WHERE owner = current_user AND edge_oid = $1 "
        f"AND src = $2 "
        f"AND dest = $3 AND weight = $4 AND directed = $5 AND vertex_oid IS NOT DISTINCT FROM $6 "
        f"AND vertex_id IS NOT DISTINCT FROM $7",
        ["oid", "text", "text", "text", "bool", "oid", "text"]), key)
    for row in stale:
        drop_tables(plpy, schema, row["table_prefix"])
        plpy.execute(plpy.prepare(f"DELETE FROM {schema}.prepared_graphs WHERE graph_id = $1", ["int8"]),
                     [row["graph_id"]])
    graph_id = plpy.execute(
        f"SELECT nextval(pg_get_serial_sequence('{schema}.prepared_graphs', 'graph_id')) AS id")[0]["id"]
    prefix = packed_store.new_name("_graph")
    data = packed_store.data_schema(schema)
    V, C = f"{data}.{prefix}_v", f"{data}.{prefix}_csr"
    counts, src, dst, weight, ids_sql = _pull(plpy, spec)
    n = counts["n_vertices"]
    arrays, n_dup, n_loops = graph_csr.build(n, src, dst, weight, spec["directed"])
    del src, dst, weight
    idt = spec["id_type"]
    degrees = [arrays["out_deg"].tolist(), arrays["in_deg"].tolist()]
    if isinstance(ids_sql, np.ndarray):
        # integer ids: already in vid order - one pass over three arrays, no join and no sort
        plpy.execute(plpy.prepare(
            f"CREATE TABLE {V} AS SELECT (u.ord - 1)::int4 AS vid, u.id::{idt} AS id, u.o AS out_degree, "
            f"u.i AS in_degree FROM unnest($1::int8[], $2::int4[], $3::int4[]) WITH ORDINALITY u(id, o, i, ord)",
            ["int8[]", "int4[]", "int4[]"]), [ids_sql.tolist()] + degrees)
    else:
        plpy.execute(plpy.prepare(
            f"CREATE TABLE {V} AS SELECT i.vid, i.id, u.o AS out_degree, u.i AS in_degree "
            f"FROM ({ids_sql}) i JOIN unnest($1::int4[], $2::int4[]) WITH ORDINALITY u(o, i, ord) "
            f"ON u.ord = i.vid + 1 ORDER BY i.vid", ["int4[]", "int4[]"]), degrees)
    del degrees
    plpy.execute("DROP TABLE IF EXISTS pg_temp._indb_graph_ids")
    plpy.execute(f"ALTER TABLE {V} ADD PRIMARY KEY (vid)")
    plpy.execute(f"CREATE UNIQUE INDEX ON {V} (id)")
    cols = ", ".join(f"{c} bytea" for c in CSR_COLUMNS)
    plpy.execute(f"CREATE TABLE {C} (n int8, m int8, {cols}, ids {idt}[], colors bytea, color_seed int4, "
                 f"cin_src bytea)")
    for c in CSR_COLUMNS + ("colors", "cin_src"):
        plpy.execute(f"ALTER TABLE {C} ALTER COLUMN {c} SET STORAGE EXTERNAL")
    packed = graph_csr.pack(arrays)
    m = int(len(arrays["out_dst"]))
    del arrays
    plpy.execute(plpy.prepare(
        f"INSERT INTO {C} SELECT $1, $2, $3, $4, $5, $6, $7, $8, (SELECT array_agg(id ORDER BY vid) FROM {V})",
        ["int8", "int8"] + ["bytea"] * 6), [n, m] + [packed.get(c) for c in CSR_COLUMNS])
    del packed
    row = plpy.execute(plpy.prepare(
        f"INSERT INTO {schema}.prepared_graphs (graph_id, vertex_oid, vertex_table, vertex_id, edge_oid, "
        f"edge_table, src, dest, weight, directed, id_type, fingerprint, table_prefix, n_vertices, n_edges, "
        f"n_input_edges, n_null_skipped, n_duplicates, n_self_loops, n_null_weights, min_weight, prepare_ms) "
        f"VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22) RETURNING *",
        ["int8", "oid", "text", "text", "oid", "text", "text", "text", "text", "bool", "text", "text", "text",
         "int8", "int8", "int8", "int8", "int8", "int8", "int8", "float8", "float8"]),
        [graph_id, vertices["oid"] if vertices else None, vertices["sql"] if vertices else None,
         spec["vertex_id"], edges["oid"], edges["sql"], spec["src"], spec["dest"], spec["weight"],
         spec["directed"], idt, fp, prefix, n, m, counts["n"], counts["nulls"],
         n_dup, n_loops, counts["nullw"], counts["minw"], (time.perf_counter() - t0) * 1000.0])[0]
    row = dict(row)
    row["reused"] = False
    if counts["nulls"]:
        plpy.notice(f"{spec['fn']}: skipped {counts['nulls']} edge(s) of {edges['sql']} with a NULL endpoint")
    return with_tables(schema, row)


def _pull(plpy, spec):
    """One scan of the edge table: counts and the endpoints (dense ids) and weights as numpy arrays.

    Returns (counts, src, dst, weight or None, ids) where ids is the sorted id array (integer ids) or a
    query selecting (vid, id) of every vertex (other types).
    """
    q = plpy.quote_ident
    idt = spec["id_type"]
    tab = spec["edges"]["sql"]

    def aggs(e):
        """Counts and packed columns over the edge table aliased ``e``."""
        s, d = f"{e}.{q(spec['src'])}", f"{e}.{q(spec['dest'])}"
        both = f"{s} IS NOT NULL AND {d} IS NOT NULL"
        out = f"count(*) AS n, count(*) FILTER (WHERE NOT ({both})) AS nulls"
        if spec["weight"]:
            w = f"{e}.{q(spec['weight'])}::float8"
            out += (f", string_agg(float8send(coalesce({w}, 'NaN')), ''::bytea) FILTER (WHERE {both}) AS w, "
                    f"count(*) FILTER (WHERE {both} AND {w} IS NULL) AS nullw, min({w}) AS minw")
        else:
            out += ", NULL::bytea AS w, 0::int8 AS nullw, NULL::float8 AS minw"
        return out, s, d, both

    vsel = ""
    if spec["vertices"]:
        vsel = (f" UNION SELECT {q(spec['vertex_id'])}::{idt} FROM {spec['vertices']['sql']} "
                f"WHERE {q(spec['vertex_id'])} IS NOT NULL")
    cols, s, d, both = aggs("e")
    if idt in INTEGER_TYPES:
        row = plpy.execute(
            f"SELECT {cols}, string_agg(int8send({s}::int8), ''::bytea) FILTER (WHERE {both}) AS s, "
            f"string_agg(int8send({d}::int8), ''::bytea) FILTER (WHERE {both}) AS d FROM {tab} e")[0]
        src = np.frombuffer(row["s"] or b"", dtype=">i8").astype(np.int64)
        dst = np.frombuffer(row["d"] or b"", dtype=">i8").astype(np.int64)
        extra = np.zeros(0, dtype=np.int64)
        if spec["vertices"]:
            v = plpy.execute(f"SELECT string_agg(int8send(id::int8), ''::bytea) AS v FROM ({vsel[7:]}) x(id)")[0]
            extra = np.frombuffer(v["v"] or b"", dtype=">i8").astype(np.int64)
        ids, (src, dst, _) = graph_csr.renumber(src, dst, extra)
        n = int(ids.size)
    else:
        plpy.execute(f"""
            CREATE TEMP TABLE _indb_graph_ids ON COMMIT DROP AS
            SELECT (row_number() OVER (ORDER BY id) - 1)::int4 AS vid, id FROM (
                SELECT {s}::{idt} AS id FROM {tab} e WHERE {both}
                UNION SELECT {d}::{idt} FROM {tab} e WHERE {both}{vsel}) AS ids""")
        plpy.execute("ANALYZE pg_temp._indb_graph_ids")
        row = plpy.execute(
            f"SELECT {cols}, string_agg(int4send(a.vid), ''::bytea) FILTER (WHERE {both}) AS s, "
            f"string_agg(int4send(b.vid), ''::bytea) FILTER (WHERE {both}) AS d FROM {tab} e "
            f"LEFT JOIN pg_temp._indb_graph_ids a ON a.id = {s}::{idt} "
            f"LEFT JOIN pg_temp._indb_graph_ids b ON b.id = {d}::{idt}")[0]
        src = np.frombuffer(row["s"] or b"", dtype=">i4").astype(np.int64)
        dst = np.frombuffer(row["d"] or b"", dtype=">i4").astype(np.int64)
        n = int(plpy.execute("SELECT count(*) AS n FROM pg_temp._indb_graph_ids")[0]["n"])
    weight = np.frombuffer(row["w"], dtype=">f8").astype(np.float64) if spec["weight"] and row["w"] else None
    if spec["weight"] and weight is None:
        weight = np.zeros(0)
    counts = {"n": row["n"], "nulls": row["nulls"], "nullw": row["nullw"], "minw": row["minw"], "n_vertices": n}
    if idt in INTEGER_TYPES:
        return counts, src, dst, weight, ids
    return counts, src, dst, weight, "SELECT vid, id FROM pg_temp._indb_graph_ids"


def with_tables(schema, row):
    p = row["table_prefix"]
    data = packed_store.data_schema(schema)
    row["v_sql"], row["e_sql"], row["csr_sql"] = (f"{data}.{p}_v", f"{data}.{p}_e", f"{data}.{p}_csr")
    return row


def drop_tables(plpy, schema, prefix):
    """Drop a prepared graph's tables - only those in the data schema owned by the current role."""
    for suffix in ("_csr", "_e", "_v"):
        name = plpy.quote_literal(prefix + suffix)
        if plpy.execute(f"SELECT {packed_store.owned_by_me_sql(schema, name)} AS m")[0]["m"]:
            plpy.execute(f"DROP TABLE {packed_store.data_schema(schema)}.{plpy.quote_ident(prefix + suffix)}")


def ensure_edges(plpy, prep):
    """The row-per-edge table of a prepared graph (SQL engine, traversals), built on first use."""
    E = prep["e_sql"]
    if plpy.execute(f"SELECT pg_catalog.to_regclass('{E}') IS NOT NULL AS ok")[0]["ok"]:
        return E     # (a table of this unguessable name in the data schema is ours: see packed_store)
    g = load(plpy, prep, ("out_deg", "out_dst", "out_w"))
    w = g.weight.tolist() if g.weight is not None else None
    plpy.execute(plpy.prepare(
        f"CREATE TABLE {E} AS SELECT u.s AS src, u.d AS dst, u.w AS weight "
        f"FROM unnest($1::int4[], $2::int4[], $3::float8[]) u(s, d, w)", ["int4[]", "int4[]", "float8[]"]),
        [g.out_src().tolist(), g.out_dst.tolist(), w])
    plpy.execute(f"CREATE INDEX ON {E} (src, dst)")
    plpy.execute(f"CREATE INDEX ON {E} (dst, src)")
    plpy.execute(f"ANALYZE {E}")
    return E


READ_BYTES = 1 << 20     # load a CSR column in pieces of this size, straight into its numpy array


def read_column(plpy, table, column, count, dtype):
    """A whole CSR column as a numpy array, read in pieces (``substring`` of the uncompressed bytea) into
    one preallocated array: the backend never holds a second full copy of it."""
    size = np.dtype(dtype).itemsize
    out = np.empty(count, dtype=dtype)
    if count == 0:
        return out
    plan = plpy.prepare(f"SELECT substring({column} FROM $1 FOR $2) AS b FROM {table}", ["int4", "int4"])
    step = max(1, READ_BYTES // size)
    for lo in range(0, count, step):
        hi = min(count, lo + step)
        out[lo:hi] = np.frombuffer(plpy.execute(plan, [lo * size + 1, (hi - lo) * size])[0]["b"], dtype=dtype)
    return out


def load(plpy, prep, columns=CSR_COLUMNS):
    """The prepared graph as a graph_engine.Graph: only the named CSR columns are read (no sorting)."""
    from . import graph_engine
    n, m = int(prep["n_vertices"]), int(prep["n_edges"])
    # an undirected graph stores every edge both ways, so its two CSRs are the same arrays: read one
    same = {} if prep["directed"] else {"in_deg": "out_deg", "in_src": "out_dst", "in_w": "out_w"}
    a = {}
    for c in sorted(columns, key=lambda c: c in same):
        if c.endswith("_w") and not prep["weight"]:
            continue
        if same.get(c) in a:
            a[c] = a[same[c]]
            continue
        count = n if c.endswith("_deg") else m
        a[c] = read_column(plpy, prep["csr_sql"], c, count, graph_csr.FLOAT if c.endswith("_w") else graph_csr.INT)
    empty = np.zeros(0, dtype=np.int32)
    zeros = np.zeros(n, dtype=np.int32)
    return graph_engine.Graph(n, a.get("out_deg", zeros), a.get("out_dst", empty), a.get("in_deg", zeros),
                              a.get("in_src", empty), a.get("out_w"), a.get("in_w"), prep["directed"], m)


def colors_cached(plpy, prep, seed=0):
    """Is the colouring of seed ``seed`` stored with the prepared graph (see ``colors``)?"""
    return plpy.execute(plpy.prepare(f"SELECT colors IS NOT NULL AND color_seed = $1 AS ok FROM {prep['csr_sql']}",
                                     ["int4"]), [seed])[0]["ok"]


def colors(plpy, prep, g, seed=0, release=False):
    """The colouring of a prepared graph, computed on first use and stored with it, together with the
    in-CSR regrouped by colour (``cin_src``: the in-edges of colour 0's vertices, then colour 1's, ...)
    so that a chromatic sub-step reads one contiguous range. Returns (colors, rounds or None).
    ``release``: free ``g``'s CSR arrays once they are no longer needed (before the bytes are written)."""
    from . import graph_color, graph_engine
    row = plpy.execute(f"SELECT colors, color_seed FROM {prep['csr_sql']}")[0]
    if row["colors"] is not None and row["color_seed"] == seed:
        return np.frombuffer(row["colors"], dtype="<i4").astype(np.int64), None
    col, rounds = graph_color.color(g, seed)
    cin = np.empty(g.m, dtype="<i4")        # filled part by part: no per-edge positions of the whole graph
    k = 0
    for part in graph_engine.groups(g.in_degree, np.argsort(col, kind="stable")):
        src = graph_engine.in_nbrs(g, part)[1]
        cin[k:k + src.size] = src
        k += src.size
    if release:
        g.drop_edges()
    plpy.execute(plpy.prepare(f"UPDATE {prep['csr_sql']} SET colors = $1, color_seed = $2, cin_src = $3",
                              ["bytea", "int4", "bytea"]), [col.astype("<i4").tobytes(), seed, cin[:k].tobytes()])
    return col, rounds


def colour_class_reader(plpy, prep, g, colors):
    """k, vertices of colour k -> the sources of their in-edges (one contiguous range of ``cin_src``).

    The memory engine loads ``cin_src`` whole; the sql engine reads one colour's range per sub-step."""
    order = np.argsort(colors, kind="stable")
    deg = g.in_degree[order]
    ncol = int(colors.max()) + 1 if colors.size else 0
    bounds = np.searchsorted(colors[order], np.arange(ncol + 1))
    eptr = graph_csr.ptr(deg)[bounds]
    if hasattr(g, "read"):
        return lambda k: g.read("cin_src", int(eptr[k]), int(eptr[k + 1]))
    cin = read_column(plpy, prep["csr_sql"], "cin_src", int(eptr[-1]), graph_csr.INT)
    return lambda k: cin[eptr[k]:eptr[k + 1]]
