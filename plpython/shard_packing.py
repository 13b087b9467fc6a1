"""Packing a sharded source: every shard packs its own rows, all shards at once (driver helper, takes ``plpy``).

A sharded source is the user's own layout: a partitioned table whose leaf
partitions are postgres_fdw foreign tables on registered shards (local
partitions may be mixed in). Each foreign leaf is packed *on its shard* by
``shard_prepare`` (the shard's own ``prepare.ensure``: the shard fingerprints
its own rows - ``xmin`` reads 0 through postgres_fdw - and reuses its packed
copy while they are unchanged), all leaves concurrently over dblink, each in
an open remote transaction that is committed only when every shard has
succeeded and rolled back everywhere otherwise. Local leaves are packed here.
The coordinator's packed table is then a list-partitioned table (key
``part``, one value per source leaf) whose partitions are foreign tables over
the shards' packed tables, so a pass ``GROUP BY part`` is computed by every
shard next to its data. The coordinator's fingerprint is the list of the
shards' packed tables and fingerprints: a change on one shard repacks that
shard only.
"""
import json
import time

from . import fingerprint, grouping, identifiers, packed_store, packing, shards

# prepare imports this module (to dispatch sharded sources here): import it inside functions


def is_sharded(plpy, schema, source):
    """True when the source has foreign partitions and all of them are on registered shards. Foreign
    partitions on other servers: a NOTICE, and the rows are pulled and packed here (as without shards)."""
    foreign = [leaf for leaf in leaves(plpy, source["oid"]) if leaf["server"] is not None]
    if not foreign:
        return False
    from . import shards
    known = shards.registered(plpy, schema)
    strangers = sorted({leaf["server"] for leaf in foreign if leaf["server"] not in known})
    if strangers:
        names = ", ".join(strangers)
        plpy.notice(f"prepare: {source['sql']} has partitions on foreign servers that are not registered shards "
                    f"({names}): their rows are pulled to this server and packed here; to train where they live, "
                    f"run SELECT {schema}.add_shard(...) for each")
        return False
    return True


def leaves(plpy, oid):
    """The leaf partitions of a partitioned table: oid, sql, server (None when local), remote name."""
    rows = plpy.execute(plpy.prepare(
        "SELECT c.oid, c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS sql, n.nspname, "
        "c.relname, s.srvname, ft.ftoptions FROM pg_catalog.pg_partition_tree($1) t "
        "JOIN pg_catalog.pg_class c ON c.oid = t.relid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid "
        "LEFT JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver "
        "WHERE t.isleaf ORDER BY c.oid", ["regclass"]), [oid])
    out = []
    for r in rows:
        leaf = {"oid": r["oid"], "sql": r["sql"], "name": r["relname"], "server": r["srvname"], "remote": None}
        if r["relkind"] == "f":
            opts = shards.options_dict(r["ftoptions"])
            leaf["remote"] = (plpy.quote_ident(opts.get("schema_name", r["nspname"])) + "."
                              + plpy.quote_ident(opts.get("table_name", r["relname"])))
        out.append(leaf)
    return out


def distinct_values(plpy, fname, source_sql, col_sql, limit):
    """Distinct non-NULL values (as text, in the column type's order) of a sharded source, read on each
    shard over dblink; None when the source is not sharded.

    Not through postgres_fdw: its first read of a shard fixes that shard's snapshot for the rest of the
    transaction (REPEATABLE READ), and the packing that follows would then be invisible to the passes."""
    src = plpy.execute(plpy.prepare("SELECT c.oid, c.relkind FROM pg_catalog.pg_class c "
                                    "WHERE c.oid = pg_catalog.to_regclass($1)", ["text"]), [source_sql])
    if not src or src[0]["relkind"] != "p":
        return None
    all_leaves = leaves(plpy, src[0]["oid"])
    if not any(leaf["server"] for leaf in all_leaves):
        return None
    ctype = plpy.execute(plpy.prepare(
        "SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) AS t FROM pg_catalog.pg_attribute a "
        "WHERE a.attrelid = $1 AND quote_ident(a.attname) = $2", ["oid", "text"]), [src[0]["oid"], col_sql])[0]["t"]
    query = (f"SELECT DISTINCT {col_sql}::text AS v FROM {{table}} WHERE {col_sql} IS NOT NULL "
             f"LIMIT {int(limit) + 1}")
    values = set()
    dbl = None
    for leaf in all_leaves:
        if leaf["server"] is None:
            values.update(r["v"] for r in plpy.execute(query.format(table=leaf["sql"])))
            continue
        dbl = dbl or shards.dblink_schema(plpy, fname)
        link = shards.Link(plpy, dbl, shards.server_info(plpy, leaf["server"], fname), "labels",
                           f"reading the labels of {leaf['sql']}", fname)
        try:
            values.update(r["v"] for r in link.query(query.format(table=leaf["remote"])))
        finally:
            link.close()
    rows = plpy.execute(plpy.prepare(f"SELECT v FROM unnest($1::text[]) AS v ORDER BY v::{ctype}", ["text[]"]),
                        [sorted(values)])
    return [r["v"] for r in rows]


def _literal(plpy, value):
    if value is None:
        return "NULL"
    if isinstance(value, (list, tuple)):
        return "ARRAY[" + ", ".join(plpy.quote_literal(str(v)) for v in value) + "]::text[]" if value else \
            "'{}'::text[]"
    return plpy.quote_literal(str(value))


def _remote_call(plpy, schema, leaf, dependent, independent, grouping_cols, block_size, seed, label_values):
    args = [_literal(plpy, leaf["remote"]), _literal(plpy, dependent), _literal(plpy, independent),
            _literal(plpy, grouping_cols), str(int(block_size)), f"{int(leaf['oid'])}::oid", repr(float(seed)),
            "NULL::text[]" if label_values is None else _literal(plpy, list(label_values))]
    return f"SELECT {schema}.shard_prepare({', '.join(args)})::text"


def pack_on_shards(plpy, schema, fname, shard_leaves, dependent, independent, grouping_cols, block_size, seed,
                   label_values):
    """Run shard_prepare on every foreign leaf at once; all or nothing. -> {leaf oid: result dict}."""
    dbl = shards.dblink_schema(plpy, fname)
    links, results = [], {}
    ok = False
    try:
        for leaf in shard_leaves:
            info = shards.server_info(plpy, leaf["server"], fname)
            link = shards.Link(plpy, dbl, info, f"pack{len(links)}", f"packing {leaf['sql']} (prepare)", fname)
            links.append((leaf, link))
            link.execute("BEGIN")
            link.in_tx = True
            link.send(_remote_call(plpy, schema, leaf, dependent, independent, grouping_cols, block_size, seed,
                                   label_values))
        failure = None
        for leaf, link in links:
            try:
                rows = link.result()
                results[leaf["oid"]] = json.loads(rows[0]["v"])
            except plpy.SPIError as exc:
                failure = failure or (link, exc)
        if failure is not None:
            link, exc = failure
            link.fail(exc)
        for leaf, link in links:
            link.execute("COMMIT")
            link.in_tx = False
        ok = True
    finally:
        for _, link in links:
            link.close()   # rolls back any remote transaction still open
    if not ok:
        results = {}
    return results


def ensure(plpy, schema, source, dependent, independent, grouping_cols, block_size, reuse, label_values,
           fname="prepare"):
    """prepare.ensure for a partitioned source with foreign leaves (same return dict, plus ``shards``)."""
    from . import prepare
    t0 = time.perf_counter()
    columns = identifiers.table_columns(plpy, source["oid"])
    _refuse_text_features(plpy, fname, independent, columns, source)
    x_sql, feature_names, width = prepare._feature_sql(plpy, independent, columns, source["sql"])
    y_sql = prepare._label_sql(plpy, dependent, columns, source["sql"], label_values)
    grouped = grouping.resolve(plpy, grouping_cols, columns, source["sql"])
    for g in grouped:
        if g["sql"] is not None:
            plpy.error(f"{fname}: grouping_cols {grouping_cols!r}: grouping by an expression ({g['name']}) is not "
                       f"supported on a sharded source ({source['sql']}); group by a column (e.g. a generated "
                       f"column holding the expression)")
    groups = [(g["name"], g["type"]) for g in grouped]
    group_names = [g for g, _ in groups]
    # the shards read their rows with the user mapping's rights: the caller must still be able to read
    # the used columns through the parent here, as SELECT ... FROM parent would require
    used = prepare._used_columns(plpy, independent, dependent, columns, group_names)
    fingerprint.definition(plpy, source, used)
    all_leaves = leaves(plpy, source["oid"])
    shard_leaves = [leaf for leaf in all_leaves if leaf["server"] is not None]
    local_leaves = [leaf for leaf in all_leaves if leaf["server"] is None]
    seed = prepare.shuffle_seed(plpy)
    remote = pack_on_shards(plpy, schema, fname, shard_leaves, dependent, independent, grouping_cols, block_size,
                            seed, label_values)
    # one coordinator packing per (role, source, expressions) at a time, as prepare.ensure
    fingerprint.lock(plpy, "prepare", source["oid"], x_sql, y_sql, group_names, block_size)
    parts = []
    for leaf in shard_leaves:
        r = remote[leaf["oid"]]
        parts.append(f"{leaf['oid']}={leaf['server']}:{r['table_name']}:{r['fingerprint']}")
    for leaf in local_leaves:
        lsrc = identifiers.resolve_table(plpy, leaf["sql"], "partition")
        fp = fingerprint.source_fingerprint(plpy, schema, lsrc, used, "partition")
        parts.append(f"{leaf['oid']}=local:{fp}" if fp is not None else None)
    # None (never reuse) when a shard or a local partition cannot be fingerprinted
    fp_all = None if None in parts or any(r["fingerprint"] is None for r in remote.values()) \
        else "sharded;" + ";".join(parts)
    key = [source["oid"], x_sql, y_sql, block_size, group_names]
    mine = ("owner = current_user AND source_oid = $1 AND x_expr = $2 AND y_expr = $3 "
            "AND block_size = $4 AND grouping_cols = $5")
    if reuse and fp_all is not None:
        found = plpy.execute(plpy.prepare(
            f"SELECT * FROM {schema}.prepared_data WHERE {mine} AND fingerprint = $6 "
            f"AND {packed_store.owned_by_me_sql(schema, 'table_name')} ORDER BY prepared_id DESC LIMIT 1",
            ["oid", "text", "text", "int4", "text[]", "text"]), key + [fp_all])
        if found and _local_intact(plpy, schema, found[0], remote):
            row = found[0]
            plpy.execute(plpy.prepare(f"UPDATE {schema}.prepared_data SET last_used_at = clock_timestamp() "
                                      f"WHERE prepared_id = $1", ["int8"]), [row["prepared_id"]])
            return _describe(plpy, schema, row, source, groups, feature_names, all_leaves, remote, True)
    # this role's older coordinator tables of the same packing (their foreign partitions go with them)
    stale = plpy.execute(plpy.prepare(f"DELETE FROM {schema}.prepared_data WHERE {mine} RETURNING table_name",
                                      ["oid", "text", "text", "int4", "text[]"]), key)
    data = packed_store.data_schema(schema)
    for row in stale:
        if plpy.execute(f"SELECT {packed_store.owned_by_me_sql(schema, plpy.quote_literal(row['table_name']))} AS m"
                        )[0]["m"]:
            plpy.execute(f"DROP TABLE {data}.{plpy.quote_ident(row['table_name'])}")
    widths = {int(r["n_features"]) for r in remote.values() if r["n_rows"]}
    prepared_id = plpy.execute(
        f"SELECT nextval(pg_get_serial_sequence('{schema}.prepared_data', 'prepared_id')) AS id")[0]["id"]
    table_name = packed_store.new_name("_prep")
    table_sql = f"{data}.{table_name}"
    plpy.execute(f"CREATE TABLE {table_sql} {packing.columns_sql(plpy, groups)} PARTITION BY LIST (part)")
    totals = {"n": 0, "skipped": 0, "blocks": 0}
    for i, leaf in enumerate(all_leaves):
        child = f"{data}.{plpy.quote_ident(f'{table_name}_{i + 1}')}"
        if leaf["server"] is not None:
            r = remote[leaf["oid"]]
            plpy.execute(f"CREATE FOREIGN TABLE {child} PARTITION OF {table_sql} FOR VALUES IN ({int(leaf['oid'])}) "
                         f"SERVER {plpy.quote_ident(leaf['server'])} OPTIONS (schema_name {plpy.quote_literal(data)}, "
                         f"table_name {plpy.quote_literal(r['table_name'])})")
            totals["n"] += int(r["n_rows"])
            totals["skipped"] += int(r["n_skipped"])
            totals["blocks"] += int(r["n_blocks"])
            continue
        # a local partition: packed here (part = its oid), adopted as a partition of the coordinator's table
        loc = prepare.ensure(plpy, schema, leaf["sql"], dependent, independent, grouping_cols, block_size,
                             reuse=False, label_values=label_values, seed=seed)
        plpy.execute(plpy.prepare(f"DELETE FROM {schema}.prepared_data WHERE prepared_id = $1", ["int8"]),
                     [loc["prepared_id"]])
        plpy.execute(f"ALTER TABLE {loc['table']} RENAME TO {plpy.quote_ident(f'{table_name}_{i + 1}')}")
        plpy.execute(f"ALTER TABLE {table_sql} ATTACH PARTITION {child} FOR VALUES IN ({int(leaf['oid'])})")
        if loc["n_rows"]:
            widths.add(int(loc["n_features"]))
        totals["n"] += int(loc["n_rows"])
        totals["skipped"] += int(loc["n_skipped"])
        totals["blocks"] += int(loc["n_blocks"])
    if len(widths) > 1:
        plpy.error(f"{fname}: independent_varname {independent!r} has arrays of different lengths on different "
                   f"partitions of {source['sql']}: {sorted(widths)} features")
    d = widths.pop() if widths else (width or 0)
    row = plpy.execute(plpy.prepare(
        f"INSERT INTO {schema}.prepared_data (prepared_id, source_oid, source_table, x_expr, y_expr, grouping_cols, "
        f"block_size, table_name, fingerprint, n_features, n_rows, n_skipped, n_blocks, shuffle_seed, prepare_ms) "
        f"VALUES ($1, $2, $3, $4, $5, $15, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *",
        ["int8", "oid", "text", "text", "text", "int4", "text", "text", "int4", "int8", "int8", "int4", "float8",
         "float8", "text[]"]),
        [prepared_id, source["oid"], source["sql"], x_sql, y_sql, block_size, table_name, fp_all, d,
         totals["n"], totals["skipped"], totals["blocks"], seed, (time.perf_counter() - t0) * 1000.0,
         group_names])[0]
    if any(not r["reused"] for r in remote.values()):
        _check_visible(plpy, fname, table_sql, totals["blocks"], source, [leaf["server"] for leaf in shard_leaves])
    return _describe(plpy, schema, row, source, groups, feature_names, all_leaves, remote, False)


def _local_intact(plpy, schema, row, remote):
    """Do the coordinator table's local partitions still hold their blocks? They are UNLOGGED packed
    copies (packing.create), emptied by crash recovery; the shards check their own (prepare.ensure).
    The local blocks are the recorded total less the shards' (the same shard copies: the fingerprint
    names them)."""
    table = f"{packed_store.data_schema(schema)}.{plpy.quote_ident(row['table_name'])}"
    local = plpy.execute(plpy.prepare(
        "SELECT c.oid::regclass::text AS rel FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c "
        "ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass AND c.relkind = 'r'", ["text"]), [table])
    if not local:
        return True
    blocks = sum(plpy.execute(f"SELECT count(*) AS b FROM {r['rel']}")[0]["b"] for r in local)
    return blocks == int(row["n_blocks"]) - sum(int(r["n_blocks"]) for r in remote.values())


def _refuse_text_features(plpy, fname, independent, columns, source):
    """Text columns are one-hot encoded with levels read from the data: every shard would find its own
    levels. Until the coordinator's levels travel to the shards, refuse them clearly."""
    try:
        kind, items = identifiers.parse_feature_spec(independent)
    except identifiers.NameError_:
        return
    for item in items:
        if item[0] != "column":
            continue
        name = identifiers.resolve_column(plpy, columns, item, source["sql"], "independent_varname")
        col = columns[name]
        if col["elem"] is None and col["typname"] not in identifiers.NUMERIC_TYPES:
            plpy.error(f"{fname}: column {name} of {source['sql']} is {col['type']}: text features (one-hot "
                       f"encoded) are not supported on a sharded source yet; encode them on the shards first")


def _check_visible(plpy, fname, table_sql, expected, source, servers):
    """postgres_fdw reads each shard in one REPEATABLE READ transaction per local transaction: blocks packed
    after this transaction first read from a shard are invisible to it. Say so instead of training on less."""
    try:
        seen = plpy.execute(f"SELECT count(*) AS n FROM {table_sql}")[0]["n"]
    except plpy.SPIError as exc:
        shards.fault(plpy, servers, exc, "reading the packed blocks (prepare)", fname)
    if seen != expected:
        plpy.error(f"{fname}: this transaction read from the shards of {source['sql']} before their packed "
                   f"blocks were committed ({seen} of {expected} blocks visible; postgres_fdw keeps one snapshot "
                   f"per shard per transaction): run the training in a transaction of its own")


def _describe(plpy, schema, row, source, groups, feature_names, all_leaves, remote, reused):
    from . import prepare
    out = prepare._describe(plpy, schema, row, source, groups, feature_names, reused)
    out["shards"] = [{"server": leaf["server"], "leaf": leaf["sql"], "leaf_oid": leaf["oid"],
                      "child": f"{row['table_name']}_{i + 1}",
                      "remote_table": remote[leaf["oid"]]["table_name"],
                      "repacked": not remote[leaf["oid"]]["reused"],
                      "stats": bool(remote[leaf["oid"]].get("stats"))}
                     for i, leaf in enumerate(all_leaves) if leaf["server"] is not None]
    out["local_leaves"] = [leaf["sql"] for leaf in all_leaves if leaf["server"] is None]
    return out


def shard_prepare(plpy, schema, source_table, dependent, independent, grouping_cols, block_size, part, seed,
                  label_values):
    """On a shard: pack (or reuse) this shard's share of a coordinator partition -> JSON for the coordinator."""
    from . import prepare, suffstats_driver
    prep = prepare.ensure(plpy, schema, source_table, dependent, independent, grouping_cols, block_size,
                          label_values=label_values, part_value=part, seed=seed)
    fp = plpy.execute(plpy.prepare(f"SELECT fingerprint FROM {schema}.prepared_data WHERE prepared_id = $1",
                                   ["int8"]), [prep["prepared_id"]])[0]["fingerprint"]
    return json.dumps({"prepared_id": prep["prepared_id"], "table_name": prep["table"].split(".", 1)[1],
                       "fingerprint": fp, "n_features": prep["n_features"], "n_rows": prep["n_rows"],
                       "n_skipped": prep["n_skipped"], "n_blocks": prep["n_blocks"], "reused": prep["reused"],
                       "prepare_ms": prep["prepare_ms"],
                       # its blocks carry their sufficient statistics (suffstats_driver.available)
                       "stats": suffstats_driver.stored(plpy, prep["table"])})
