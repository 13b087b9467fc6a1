"""The packing query: rows of a source become blocks of raw float64, at about the cost of a scan.

Driver helper (takes ``plpy``). ``prepare.ensure`` creates the packed table and
calls ``fill``; this module decides how rows are cut into blocks, per source kind:

* relations with a heap (tables, materialized views, and every heap leaf of a
  partitioned table) are cut by heap page: block ``b`` is the rows on pages
  ``[b*P, (b+1)*P)``, read with a TID range scan (one cheap correlated scan per
  block). Nothing numbers or sorts the rows, memory is one block, and the cost
  is linear in the table size.
* views, foreign tables (and foreign leaves of a partitioned table) have no
  pages: rows are numbered as they stream (``row_number() OVER ()``, no sort)
  and grouped by ``number / block_size``.

A partitioned source is packed leaf by leaf, each leaf's blocks tagged with
the leaf's oid in ``part``, so passes can run per partition.

Blocks are built without ``array_send``: ``array_agg`` builds a float8 array
(a memcpy per row) and ``f8_block`` (sql/core.sql) returns its data part as
``bytea`` - the raw float64 values, no per-element conversion. That data is in
the server's byte order; on a big-endian server the portable (slower)
``f8_pack(array_send(...))`` is used instead.
"""

INVALID_FLOATS = "'{NaN,Infinity,-Infinity}'::float8[]"
PAGE_SAMPLE = 64          # pages read to estimate rows per page
HEAP_KINDS = ("r", "m")

_native = {}


def _little_endian(plpy, schema):
    """Does the server store float8 little-endian (the packed format)? Asked once per backend."""
    if "le" not in _native:
        _native["le"] = plpy.execute(
            f"SELECT {schema}.f8_block(ARRAY[1.0]::float8[]) = '\\x000000000000f03f'::bytea AS le")[0]["le"]
    return _native["le"]


def _block_sql(plpy, schema, expr):
    if _little_endian(plpy, schema):
        return f"{schema}.f8_block({expr})"
    return f"{schema}.f8_pack(array_send({expr}))"


def leaves(plpy, source):
    """[(oid, quoted qualified name, relkind)] of the relations holding the source's rows."""
    if source["relkind"] != "p":
        return [(source["oid"], source["sql"], source["relkind"])]
    return [(r["oid"], r["sql"], r["relkind"]) for r in plpy.execute(plpy.prepare(
        "SELECT c.oid, c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS sql "
        "FROM pg_catalog.pg_partition_tree($1) t JOIN pg_catalog.pg_class c ON c.oid = t.relid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf ORDER BY c.oid",
        ["regclass"]), [source["oid"]])]


def _pages_per_block(plpy, oid, rel_sql, block_size):
    """(pages in the relation now, pages per block so a block holds about block_size rows)."""
    pages = plpy.execute(f"SELECT (pg_catalog.pg_relation_size({int(oid)}::oid::regclass) / "
                         f"current_setting('block_size')::int)::int8 AS p")[0]["p"]
    if not pages:
        return 0, 1
    sample = min(pages, PAGE_SAMPLE)
    rows = plpy.execute(f"SELECT count(*) AS n FROM {rel_sql} WHERE ctid < '({sample},0)'::tid")[0]["n"]
    per_page = max(rows / sample, 1.0)
    return pages, max(1, int(round(block_size / per_page)))


def fill(plpy, schema, table_sql, source, x_sql, y_sql, group_names, block_size, seed):
    """Insert the blocks of every leaf of ``source`` into the packed table ``table_sql``."""
    with settings(plpy, jit="off"):
        for oid, rel_sql, relkind in leaves(plpy, source):
            query = _leaf_query(plpy, schema, table_sql, oid, rel_sql, relkind, x_sql, y_sql, group_names,
                                block_size, seed)
            if query:
                plpy.execute(query)


class settings:
    """Set configuration parameters for a few statements, then put the caller's values back.
    (JIT compiles the packing query and every pass for ~0.1-0.8 s: the COST of the PL/Python
    transitions makes them look expensive, while the work is in numpy.)"""

    def __init__(self, plpy, **values):
        self.plpy, self.values, self.saved = plpy, values, {}

    def __enter__(self):
        for name, value in self.values.items():
            self.saved[name] = self.plpy.execute(f"SELECT current_setting('{name}') AS v")[0]["v"]
            self._set(name, value)
        return self

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            self._set(name, value)
        return False

    def _set(self, name, value):
        self.plpy.execute(self.plpy.prepare("SELECT set_config($1, $2, true)", ["text", "text"]), [name, str(value)])


def _leaf_query(plpy, schema, table_sql, oid, rel_sql, relkind, x_sql, y_sql, group_names, block_size, seed):
    """The INSERT that packs one leaf (None: nothing to pack)."""
    g_sel = "".join(f"{plpy.quote_ident(g)}, " for g in group_names)
    group_by = ("GROUP BY " + g_sel.rstrip(", ")) if group_names else ""
    # NULLs and empty arrays are filtered here (cheap); NaN and infinities per block in numpy (f8_clean)
    ok = "coalesce(xa IS NOT NULL AND cardinality(xa) > 0 AND array_position(xa, NULL) IS NULL"
    ok += " AND ya IS NOT NULL, false)" if y_sql else ", false)"
    x_block = _block_sql(plpy, schema, "array_agg(xa) FILTER (WHERE ok)")
    y_block = _block_sql(plpy, schema, "array_agg(ya) FILTER (WHERE ok)") if y_sql else "NULL::bytea"
    y_inner = f"{y_sql} AS ya" if y_sql else "NULL::float8 AS ya"
    aggregates = (f"count(*) FILTER (WHERE ok)::int AS n, count(*) FILTER (WHERE NOT ok)::int AS skipped, "
                  f"{x_block} AS x, {y_block} AS y")
    salt = int(seed * 2 ** 31)
    # OFFSET 0 keeps the row check from being re-evaluated in every aggregate's FILTER
    rows = f"SELECT {g_sel}xa, ya, {ok} AS ok FROM (SELECT {g_sel}{x_sql} AS xa, {y_inner} FROM {rel_sql} "
    head = (f"INSERT INTO {table_sql} SELECT {g_sel}{int(oid)}::oid, {{b}}, hashint8extended({{b}}, {salt}), "
            f"coalesce(c.n, s.n), s.skipped + coalesce(c.dropped, 0), CASE WHEN c.n IS NULL THEN s.x ELSE c.x END, "
            f"CASE WHEN c.n IS NULL THEN s.y ELSE c.y END FROM ")
    tail = f" CROSS JOIN LATERAL {schema}.f8_clean(s.x, s.y, s.n) AS c WHERE s.n + s.skipped > 0"
    if relkind in HEAP_KINDS:
        pages, per_block = _pages_per_block(plpy, oid, rel_sql, block_size)
        if not pages:
            return None
        return (head.format(b="b") + f"generate_series(0::int8, {(pages - 1) // per_block}::int8) AS b "
                f"CROSS JOIN LATERAL (SELECT {g_sel}{aggregates} FROM ({rows}"
                f"WHERE ctid >= ('(' || b * {per_block} || ',0)')::tid "
                f"AND ctid < ('(' || (b + 1) * {per_block} || ',0)')::tid) AS src OFFSET 0) AS r "
                f"{group_by}) AS s" + tail)
    return (head.format(b="s.block") + f"(SELECT {g_sel}block, {aggregates} FROM "
            f"(SELECT {g_sel}xa, ya, ok, (row_number() OVER () - 1) / {int(block_size)} AS block "
            f"FROM ({rows}) AS src OFFSET 0) AS r) AS r2 GROUP BY {g_sel}block) AS s" + tail)
