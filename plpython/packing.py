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
* with grouping columns, rows are numbered per group (``row_number() OVER
  (PARTITION BY groups)``, a sort): cutting pages per group would make one tiny
  block per group and page run when there are many groups.

A partitioned source is packed leaf by leaf, each leaf's blocks tagged with
the leaf's oid in ``part``, so passes can run per partition. PostgreSQL checks
privileges (and applies row-level security) on the table a query names only: when
the caller may not read some leaf directly (SELECT on the used columns, ``ctid``
and ``xmin``), or row-level security is active on the source or a leaf, the whole
source is read once THROUGH the parent as a stream (``part`` = ``tableoid``), which
reads exactly the rows ``SELECT ... FROM parent`` does. An inheritance parent with
children is always streamed through itself (its own pages do not cover its children).

``f8_clean`` (one numpy call per block) drops rows with NaN or infinities and returns the block's
sufficient statistics (plpython/suffstats.py), stored in the ``stats`` column (out of line, as x and y).

Blocks are built without ``array_send``: ``array_agg`` builds a float8 array
(a memcpy per row) and ``f8_block`` (sql/core.sql) returns its data part as
``bytea`` - the raw float64 values, no per-element conversion. That data is in
the server's byte order; on a big-endian server the portable (slower)
``f8_pack(array_send(...))`` is used instead.
"""

from . import fingerprint, session, workers

PAGE_SAMPLE = 64          # pages read to estimate rows per page
MAX_PAGE = 4294967294     # the largest heap page number: the last block's open end
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


_DIRECT = """
SELECT coalesce(bool_and(pg_catalog.has_column_privilege(l.oid, u, 'SELECT')
                         AND NOT pg_catalog.row_security_active(l.oid)), true)
       AND NOT pg_catalog.row_security_active($1::oid) AS direct
FROM unnest($2::oid[]) AS l(oid) CROSS JOIN unnest($3::text[]) AS u
"""


def via_parent(plpy, source, used):
    """Must the source be read through itself rather than leaf by leaf? (module docstring)"""
    if source["relkind"] == "p":
        oids = [oid for oid, _, _ in leaves(plpy, source)]
        cols = sorted({c for c in used if c} | {"ctid", "xmin"})
        return not plpy.execute(plpy.prepare(_DIRECT, ["oid", "oid[]", "text[]"]), [source["oid"], oids, cols])[0][
            "direct"]
    return source["relkind"] == "r" and plpy.execute(plpy.prepare(
        "SELECT relhassubclass AS h FROM pg_catalog.pg_class WHERE oid = $1", ["oid"]), [source["oid"]])[0]["h"]


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


def columns_sql(plpy, groups):
    """The column list of a packed table (also of a sharded source's partitioned one)."""
    group_defs = "".join(f"{plpy.quote_ident(g)} {t}, " for g, t in groups)
    return (f"({group_defs}part oid NOT NULL, block integer NOT NULL, shuffle_key bigint NOT NULL, "
            f"n integer NOT NULL, n_skipped integer NOT NULL, x bytea, y bytea, src_xmin int8, stats bytea)")


def create(plpy, table_sql, groups, source):
    """Create the packed table: list-partitioned by ``part`` (one partition per leaf) when the
    source is partitioned, so a pass can aggregate partition by partition.

    UNLOGGED: a packed copy is a cache of its source, and writing it through the WAL cost as much
    as writing it (a byte of WAL per packed byte; at 4M rows enough WAL to force checkpoints).
    Crash recovery empties an unlogged table: ``prepare`` then finds no block where it recorded
    some and packs again (``intact``). A partitioned table itself has no storage (and cannot be
    UNLOGGED): its partitions are."""
    columns = columns_sql(plpy, groups)
    if source["relkind"] != "p":
        plpy.execute(f"CREATE UNLOGGED TABLE {table_sql} {columns}")
    else:
        plpy.execute(f"CREATE TABLE {table_sql} {columns} PARTITION BY LIST (part)")
        for i, (oid, _, _) in enumerate(leaves(plpy, source)):
            plpy.execute(f"CREATE UNLOGGED TABLE {partition_name(plpy, table_sql, i)} PARTITION OF {table_sql} "
                         f"FOR VALUES IN ({int(oid)})")
    # random float64 does not compress: store out of line without trying. The block's statistics
    # (suffstats.py, ~3.5 KB at 20 features) too: kept in the row (toast_tuple_target 8160), they read
    # ~40% faster (~20 vs ~35 ms for 1M rows, loaded machine) but the packing backend's memory grew by
    # their size per block (23 -> 28 MB from 250k to 2M rows; flat at 23 MB out of line)
    plpy.execute(f"ALTER TABLE {table_sql} ALTER COLUMN x SET STORAGE EXTERNAL, ALTER COLUMN y SET STORAGE EXTERNAL, "
                 f"ALTER COLUMN stats SET STORAGE EXTERNAL")


def intact(plpy, table_sql, n_blocks):
    """Does the packed table still hold the blocks recorded when it was packed? Not after crash
    recovery (or a standby's promotion) emptied it (UNLOGGED, ``create``): then it must be packed
    again. Recovery empties every unlogged relation whole, so one row tells: O(1)."""
    return not n_blocks or plpy.execute(f"SELECT EXISTS (SELECT 1 FROM {table_sql}) AS e")[0]["e"]


def partition_name(plpy, table_sql, i):
    schema, name = table_sql.split(".", 1)
    return f"{schema}.{plpy.quote_ident(name.strip(chr(34)) + '_' + str(i))}"


def set_workers(plpy, table_sql):
    """parallel_workers of the packed table (or of each partition) by its packed bytes: what it could use
    on a server that preloads numpy; each pass caps it for the server it runs on (workers.py)."""
    rels = plpy.execute(
        f"SELECT relid::regclass::text AS rel FROM pg_catalog.pg_partition_tree({plpy.quote_literal(table_sql)}::regclass) "
        f"WHERE isleaf") or [{"rel": table_sql}]     # a plain table has no partition tree
    for r in rels:
        size = plpy.execute(f"SELECT coalesce(sum(length(x)), 0)::int8 AS b FROM {r['rel']}")[0]["b"]
        n = workers.for_bytes(size, preloaded=True)
        if n > 0:
            plpy.execute(f"ALTER TABLE {r['rel']} SET (parallel_workers = {n})")


def by_pages(plpy, source, group_names, used):
    """Is every leaf of ``source`` packed by heap page? Then the packed blocks carry the source's
    xmin term (``src_xmin``, fingerprint.py; the row count is ``n + n_skipped``)."""
    return (not group_names and all(kind in HEAP_KINDS for _, _, kind in leaves(plpy, source))
            and not via_parent(plpy, source, used))


def fill(plpy, schema, table_sql, source, x_sql, y_sql, group_names, block_size, seed, part_value=None,
         group_sql=None, used=()):
    """Insert the blocks of every leaf of ``source`` into the packed table ``table_sql``.

    ``group_sql``: per grouping column, the checked SQL of its expression (grouping.py), None for a column.
    ``used``: the source columns read (whether each leaf may be read directly, ``via_parent``)."""
    # JIT would compile this query for ~0.1-0.8 s: the COST of the PL/Python functions makes it look
    # expensive, while the work is memcpy and numpy
    with session.settings(plpy, jit="off"):
        if via_parent(plpy, source, used):
            # one stream through the source; a partitioned one's rows tagged with their leaf
            query = _leaf_query(plpy, schema, table_sql, source["oid"], source["sql"], "v", x_sql, y_sql,
                                group_names, block_size, seed, part_value, group_sql,
                                by_leaf=source["relkind"] == "p" and part_value is None)
            plpy.execute(query)
            return
        for oid, rel_sql, relkind in leaves(plpy, source):
            # part_value: a shard packs its share of a coordinator partition under that partition's oid
            query = _leaf_query(plpy, schema, table_sql, oid, rel_sql, relkind, x_sql, y_sql, group_names,
                                block_size, seed, part_value, group_sql)
            if query:
                plpy.execute(query)


def _leaf_query(plpy, schema, table_sql, oid, rel_sql, relkind, x_sql, y_sql, group_names, block_size, seed,
                part_value=None, group_sql=None, by_leaf=False):
    """The INSERT that packs one leaf (None: nothing to pack). ``by_leaf``: ``rel_sql`` is a partitioned
    table read as a stream, ``part`` its rows' ``tableoid`` (blocks never span two leaves)."""
    g_sel = "".join(f"{plpy.quote_ident(g)}, " for g in group_names)
    # read from the source: a grouping expression under its name
    g_src = "".join(f"{plpy.quote_ident(g)}, " if e is None else f"{e} AS {plpy.quote_ident(g)}, "
                    for g, e in zip(group_names, group_sql or [None] * len(group_names)))
    window = ("PARTITION BY " + g_sel.rstrip(", ")) if group_names else ""
    part = f"{int(oid if part_value is None else part_value)}::oid"
    if by_leaf:
        # numbered across leaves (no sort); a block is cut where a leaf ends by grouping on the leaf too
        g_sel, g_src, part = g_sel + "_indb_part, ", g_src + "tableoid AS _indb_part, ", "s._indb_part"
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
    rows = f"SELECT {g_sel}xa, ya, {ok} AS ok FROM (SELECT {g_src}{x_sql} AS xa, {y_inner} FROM {rel_sql} "
    s_sel = "".join(f"s.{plpy.quote_ident(g)}, " for g in group_names)
    head = (f"INSERT INTO {table_sql} SELECT {s_sel}{part}, {{b}}, hashint8extended({{b}}, {salt}), "
            f"coalesce(c.n, s.n), s.skipped + coalesce(c.dropped, 0), CASE WHEN c.n IS NULL THEN s.x ELSE c.x END, "
            f"CASE WHEN c.n IS NULL THEN s.y ELSE c.y END, NULL::int8, c.stats FROM ")
    tail = f" CROSS JOIN LATERAL {schema}.f8_clean(s.x, s.y, s.n) AS c WHERE s.n + s.skipped > 0"
    if relkind in HEAP_KINDS and not group_names:
        pages, per_block = _pages_per_block(plpy, oid, rel_sql, block_size)
        if not pages:
            return None
        last = (pages - 1) // per_block
        # qualified names only: the source's own columns must not shadow the block number. The last
        # block reaches to the end of the relation (pages added since it was measured included);
        # each block also sums its rows' xmin term (fingerprint.py), in the packing's snapshot
        b = "_indb_blocks.nr"
        rows = (f"SELECT xa, ya, _indb_xmin, {ok} AS ok FROM (SELECT {x_sql} AS xa, {y_inner}, "
                f"{fingerprint.xmin_term(schema, '_indb_rel.')} AS _indb_xmin FROM {rel_sql} ")
        end = f"CASE WHEN {b} = {last} THEN {MAX_PAGE} ELSE ({b} + 1) * {per_block} END"
        head = head.replace("CASE WHEN c.n IS NULL THEN s.y ELSE c.y END, NULL::int8, ",
                            "CASE WHEN c.n IS NULL THEN s.y ELSE c.y END, s.src_xmin, ")
        return (head.format(b=b) + f"generate_series(0::int8, {last}::int8) AS _indb_blocks(nr) "
                f"CROSS JOIN LATERAL (SELECT {aggregates}, coalesce(sum(_indb_xmin), 0) AS src_xmin "
                f"FROM ({rows}AS _indb_rel "
                f"WHERE _indb_rel.ctid >= ('(' || {b} * {per_block} || ',0)')::tid "
                f"AND _indb_rel.ctid < ('(' || {end} || ',0)')::tid) AS src OFFSET 0) AS r) AS s"
                + tail)
    return (head.format(b="s.block") + f"(SELECT {g_sel}block, {aggregates} FROM "
            f"(SELECT {g_sel}xa, ya, ok, (row_number() OVER ({window}) - 1) / {int(block_size)} AS block "
            f"FROM ({rows}) AS src OFFSET 0) AS r) AS r2 GROUP BY {g_sel}block) AS s" + tail)
