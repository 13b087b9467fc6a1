"""Prepared data: a source table packed into blocks of rows, registered and reused.

Training never runs per-row Python: ``ensure`` packs the source once into a
table of blocks (features as a raw float64 ``n x d`` matrix, labels as a
float64 vector, grouping columns, a partition id, a recorded shuffle key, the block's
sufficient statistics: plpython/suffstats.py) and
records it in ``prepared_data``. The next model trained by the same role on the
same source, features, label and grouping reuses it while the source's
fingerprint (``fingerprint.py``: definition of the used columns plus row count,
xmin sum and last ctid) is unchanged. Packed tables live in ``<schema>_data``
under random names, owned by the role that made them (``packed_store.py``).
Rows whose features or label are NULL, NaN or ±Infinity are skipped and counted
per block.
"""
import time

from . import encoding, expressions, fingerprint, grouping, identifiers, packed_store, packing, progress

DEFAULT_BLOCK_SIZE = 2000


def _feature_sql(plpy, spec, columns, table, recorded=None):
    """-> (SQL building a float8[] per row, feature names, fixed width or None).

    Column names and numbers (the common case) are resolved directly; anything else is an
    expression over the source's columns, admitted by identifiers' whitelist and checked by
    one prepared SELECT over the source (``_expression_features``). Text columns are one-hot
    encoded (plpython/encoding.py; ``recorded`` {column: levels} fixes their levels)."""
    try:
        kind, items = identifiers.parse_feature_spec(spec)
    except identifiers.NameError_:
        return _expression_features(plpy, spec, columns, table)
    if kind == "single":
        name = identifiers.resolve_column(plpy, columns, items[0], table, "independent_varname")
        col = columns[name]
        if col["elem"] is not None:
            if col["elem"] not in identifiers.NUMERIC_TYPES:
                plpy.error(f"column {name} (independent_varname) is {col['type']}; a numeric array is needed")
            return f"{plpy.quote_ident(name)}::float8[]", None, None
        items = [items[0]]
    parts, names = [], []
    for item in items:
        if item[0] == "number":
            parts.append(f"{float(item[1])!r}::float8")
            names.append(item[2])
            continue
        name = identifiers.resolve_column(plpy, columns, item, table, "independent_varname")
        col = columns[name]
        if col["typname"] not in identifiers.NUMERIC_TYPES:
            more_parts, more_names = encoding.feature_parts(plpy, name, col, table, recorded)
            parts, names = parts + more_parts, names + more_names
            continue
        cast = "::int::float8" if col["typname"] == "bool" else "::float8"
        parts.append(f"{plpy.quote_ident(name)}{cast}")
        names.append(name)
    return "ARRAY[" + ", ".join(parts) + "]", names, len(names)


def _to_float8(sql, typ, what):
    """A checked scalar expression of type typ -> float8 SQL (booleans as 0/1), or None if not numeric."""
    if typ == "bool":
        return f"({sql})::int::float8"
    if typ in identifiers.NUMERIC_TYPES or typ in ("text", "unknown", "varchar"):
        return f"({sql})::float8"
    return None


def _expression_features(plpy, spec, columns, table):
    what = "independent_varname"
    try:
        tokens = expressions.tokenize_expression(spec)
        items = expressions.array_literal_items(tokens)
        if items is None:
            items = expressions.split_top_level(tokens)
    except identifiers.NameError_ as exc:
        plpy.error(f"{what} {spec!r}: {exc}")
    source_sql = identifiers.resolve_table(plpy, table, "source table")["sql"]
    exprs = [expressions.render_expression(plpy, t, columns, table, what) for t in items]
    types = expressions.expression_types(plpy, source_sql, exprs, f"{what} {spec!r}")
    if len(exprs) == 1 and types[0][1] is not None:
        if types[0][1] not in identifiers.NUMERIC_TYPES:
            plpy.error(f"{what} {spec!r} is an array of {types[0][1]}; a numeric array is needed")
        return f"({exprs[0]})::float8[]", None, None
    parts = []
    for e, (typ, _) in zip(exprs, types):
        sql = _to_float8(e, typ, what)
        if sql is None:
            plpy.error(f"{what} {spec!r}: {e} is of type {typ}; features must be numeric")
        parts.append(sql)
    names = [" ".join(v if k != "string" else repr(v) for k, v in t) if len(t) > 1 else str(t[0][1])
             for t in items]
    return "ARRAY[" + ", ".join(parts) + "]", names, len(parts)


def _label_sql(plpy, dependent, columns, table, label_values=None):
    if dependent is None:
        return ""
    col, typ, shown = expressions.value_expression(plpy, dependent, columns, table, "dependent_varname")
    if label_values is not None:
        # categorical labels of any type: packed as the 0-based index of the value (as text) in label_values
        literal = "ARRAY[" + ", ".join(plpy.quote_literal(str(v)) for v in label_values) + "]::text[]"
        return f"(array_position({literal}, {col}::text) - 1)::float8"
    if typ not in identifiers.NUMERIC_TYPES:
        plpy.error(f"{shown} (dependent_varname): a numeric or boolean label is needed")
    cast = "::int::float8" if typ == "bool" else "::float8"
    return f"{col}{cast}"


def _used_columns(plpy, independent, dependent, columns, group_columns):
    """Catalog names of every column the packing reads (already validated by _feature_sql/_label_sql;
    ``group_columns``: those the grouping columns and expressions read)."""
    used = set(group_columns)
    used.update(expressions.referenced_columns(independent, columns))
    used.update(expressions.referenced_columns(dependent, columns))
    return used


def shuffle_seed(plpy):
    """The seed of the recorded block order: ``indb_ml.shuffle_seed`` when set (reproducible SGD), else random."""
    row = plpy.execute("SELECT coalesce(nullif(current_setting('indb_ml.shuffle_seed', true), '')::float8, "
                       "random()) AS r")[0]
    return float(row["r"])


def ensure(plpy, schema, source_name, dependent, independent, grouping_cols=None,
           block_size=DEFAULT_BLOCK_SIZE, reuse=True, label_values=None, part_value=None, seed=None):
    """Pack (or reuse) the source; returns a dict describing the prepared table.

    ``label_values`` (optional list): categorical labels of any column type; the packed label is
    the 0-based position of the row's label (compared as text) in the list."""
    t0 = time.perf_counter()
    try:
        source = identifiers.resolve_table(plpy, source_name, "source table")
        if part_value is None and source["relkind"] == "p":
            from . import shard_packing   # partitions on registered shards: docs/sharding.md
            if shard_packing.is_sharded(plpy, schema, source):
                return shard_packing.ensure(plpy, schema, source, dependent, independent, grouping_cols,
                                            block_size, reuse, label_values)
        columns = identifiers.table_columns(plpy, source["oid"])
        x_sql, feature_names, width = _feature_sql(plpy, independent, columns, source_name)
        y_sql = _label_sql(plpy, dependent, columns, source_name, label_values)
    except identifiers.NameError_ as exc:
        plpy.error(str(exc))
    grouped = grouping.resolve(plpy, grouping_cols, columns, source_name)
    groups = [(g["name"], g["type"]) for g in grouped]
    group_names = [g for g, _ in groups]
    group_sql = [g["sql"] for g in grouped]
    # the cache key records a grouping expression's rendered SQL with its name: another expression never
    # reuses this copy
    group_keys = [g["key"] for g in grouped]

    used = _used_columns(plpy, independent, dependent, columns, set().union(*[g["used"] for g in grouped]))
    # one packing per (role, source, expressions): concurrent first trainings wait here and reuse it
    fingerprint.lock(plpy, "prepare", source["oid"], x_sql, y_sql, group_keys, block_size)
    key = [source["oid"], x_sql, y_sql, group_keys, block_size]
    mine = (f"owner = current_user AND source_oid = $1 AND x_expr = $2 AND y_expr = $3 "
            f"AND grouping_cols = $4 AND block_size = $5")
    suffix = "" if part_value is None else f":part={int(part_value)}"   # a shard's share of a coordinator partition
    defn = fingerprint.definition(plpy, source, used)
    # a tracked source's fingerprint is its change-log reading, taken here, before any data is read
    fp = fingerprint.tracked(plpy, schema, source, defn)
    fp = None if fp is None else fp + suffix
    inline = fp is None and defn is not None and packing.by_pages(plpy, source, group_names, used)
    # the data half of the fingerprint is a scan of the source: paid only when there is a copy it
    # could match; a copy packed by heap page gets its fingerprint from the packing itself
    if fp is None and defn is not None and (not inline or (reuse and plpy.execute(plpy.prepare(
            f"SELECT EXISTS (SELECT 1 FROM {schema}.prepared_data WHERE {mine}) AS e",
            ["oid", "text", "text", "text[]", "int4"]), key)[0]["e"])):
        fp = fingerprint.source_fingerprint(plpy, schema, source, used)
        fp = None if fp is None else fp + suffix
    if reuse and fp is not None:
        found = plpy.execute(plpy.prepare(
            f"SELECT * FROM {schema}.prepared_data WHERE {mine} AND fingerprint = $6 "
            f"AND {packed_store.owned_by_me_sql(schema, 'table_name')} ORDER BY prepared_id DESC LIMIT 1",
            ["oid", "text", "text", "text[]", "int4", "text"]), key + [fp])
        # an UNLOGGED copy emptied by crash recovery is stale: dropped below and packed again
        packed_sql = found and f"{packed_store.data_schema(schema)}.{plpy.quote_ident(found[0]['table_name'])}"
        if found and packing.intact(plpy, packed_sql, found[0]["n_blocks"]):
            row = found[0]
            plpy.execute(plpy.prepare(
                f"UPDATE {schema}.prepared_data SET last_used_at = clock_timestamp() WHERE prepared_id = $1",
                ["int8"]), [row["prepared_id"]])
            return _describe(plpy, schema, row, source, groups, feature_names, reused=True, group_source=group_sql)
    # this role's stale copies of the same packing are dropped (nobody else can be using them:
    # every user of this key of this role holds the lock above)
    stale = plpy.execute(plpy.prepare(f"DELETE FROM {schema}.prepared_data WHERE {mine} RETURNING table_name",
                                      ["oid", "text", "text", "text[]", "int4"]), key)
    for row in stale:
        if plpy.execute(f"SELECT {packed_store.owned_by_me_sql(schema, plpy.quote_literal(row['table_name']))} AS m"
                        )[0]["m"]:
            plpy.execute(f"DROP TABLE {packed_store.data_schema(schema)}.{plpy.quote_ident(row['table_name'])}")

    packed_store.drop_orphans(plpy, schema)
    prepared_id = plpy.execute(
        f"SELECT nextval(pg_get_serial_sequence('{schema}.prepared_data', 'prepared_id')) AS id")[0]["id"]
    table_name = packed_store.new_name("_prep")
    table_sql = f"{packed_store.data_schema(schema)}.{table_name}"
    seed = shuffle_seed(plpy) if seed is None else float(seed)
    packing.create(plpy, table_sql, groups, source)
    try:
        packing.fill(plpy, schema, table_sql, source, x_sql, y_sql, group_names, block_size, seed, part_value,
                     group_sql, used)
    except plpy.SPIError as exc:
        message = str(exc)
        if "multidimensional arrays" in message:
            plpy.error(f"independent_varname {independent!r} of {source_name} holds multi-dimensional arrays; "
                       f"every row needs a 1-D array of features")
        if "different dimensionality" in message or "empty arrays" in message or "different element dimensions" in message:
            plpy.error(f"independent_varname {independent!r} has arrays of different lengths (ragged) "
                       f"in {source_name}; every row needs the same number of features")
        raise
    progress.report(plpy, "prepare", 1, 1, f"prepare: packed {source['sql']}", unit="pass")
    stats = plpy.execute(
        f"SELECT coalesce(sum(n), 0) AS n, coalesce(sum(n_skipped), 0) AS skipped, count(*) AS blocks, "
        f"min(length(x) / (8 * n)) AS dmin, max(length(x) / (8 * n)) AS dmax, "
        f"coalesce(sum(length(x)), 0) AS bytes, coalesce(sum(src_xmin), 0) AS src_xmin "
        f"FROM {table_sql} WHERE n > 0 OR n_skipped > 0")[0]
    if inline:
        # the fingerprint of exactly the rows packed, in the packing's snapshot (fingerprint.py)
        rows = int(stats["n"]) + int(stats["skipped"])
        fp = fingerprint.compose(defn, rows, fingerprint.xmin_sum(rows, stats["src_xmin"]),
                                 fingerprint.last_ctid(plpy, source) if rows else None) + suffix
    if stats["dmin"] is not None and stats["dmin"] != stats["dmax"]:
        plpy.error(f"independent_varname {independent!r} has arrays of different lengths (ragged) "
                   f"in {source_name}: {stats['dmin']} and {stats['dmax']} features")
    d = stats["dmin"] or (width or 0)
    packing.set_workers(plpy, table_sql)
    plpy.execute(f"ANALYZE {table_sql}")
    row = plpy.execute(plpy.prepare(
        f"INSERT INTO {schema}.prepared_data (prepared_id, source_oid, source_table, x_expr, y_expr, grouping_cols, "
        f"block_size, table_name, fingerprint, n_features, n_rows, n_skipped, n_blocks, shuffle_seed, prepare_ms) "
        f"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *",
        ["int8", "oid", "text", "text", "text", "text[]", "int4", "text", "text", "int4", "int8", "int8", "int4",
         "float8", "float8"]),
        [prepared_id, source["oid"], source["sql"], x_sql, y_sql, group_keys, block_size, table_name,
         fp, d, stats["n"], stats["skipped"], stats["blocks"], seed,
         (time.perf_counter() - t0) * 1000.0])[0]
    return _describe(plpy, schema, row, source, groups, feature_names, reused=False, group_source=group_sql)


def _describe(plpy, schema, row, source, groups, feature_names, reused, group_source=None):
    """``group_source``: per grouping column, the SQL reading it from the source (None: the column)."""
    d = row["n_features"]
    group_source = group_source or [None] * len(groups)
    return {
        "prepared_id": row["prepared_id"],
        "table": f"{packed_store.data_schema(schema)}.{row['table_name']}",
        "source": source,
        "groups": groups,
        "group_sql": [plpy.quote_ident(g) for g, _ in groups],
        "group_source_sql": [plpy.quote_ident(g) if e is None else e for (g, _), e in zip(groups, group_source)],
        "feature_names": feature_names or [f"x[{i + 1}]" for i in range(d)],
        "n_features": d,
        "n_rows": row["n_rows"],
        "n_skipped": row["n_skipped"],
        "n_blocks": row["n_blocks"],
        "shuffle_seed": row["shuffle_seed"],
        "prepare_ms": row["prepare_ms"],
        "reused": reused,
    }
