"""Graph drivers' helpers: edge_args parsing, prepared graphs, loading and writing results.

``edge_args`` follows MADlib: ``'src=from_id, dest=to_id, weight=cost'``. The
grammar is strict - comma-separated ``key=column`` pairs, keys among ``src``,
``dest``, ``weight``, each at most once, columns as plain or double-quoted
identifiers - and every column is resolved against the catalog and quoted.

A prepared graph (``ensure``) renumbers the vertex ids to dense integers
0..n-1 in id order (so the smallest original id is the smallest dense id),
merges duplicate edges (the smallest weight is kept), stores both directions
of an undirected graph, and records:

* ``<schema>_data._graph_<random>_v (vid int4 PK, id <type> UNIQUE, out_degree, in_degree)``
* ``<schema>_data._graph_<random>_e (src int4, dst int4, weight float8)`` indexed on src and on dst
* ``<schema>_data._graph_<random>_csr`` one row of packed big-endian arrays (src, dst sorted by src, dst;
  weight) that the numpy engine loads in milliseconds.

It is reused by the role that made it (and owns its tables) while the edge (and vertex) table
fingerprints (``fingerprint.py``) are unchanged.
"""
import re
import time

from . import fingerprint, graph_engine, identifiers, packed_store, registry  # noqa: F401  (loaded together: see #@kernel lines)

EDGE_KEYS = ("src", "dest", "weight")
INTEGER_TYPES = {"int2": 1, "int4": 2, "int8": 3}
TEXT_TYPES = {"text", "varchar", "bpchar"}
WEIGHT_TYPES = {"int2", "int4", "int8", "float4", "float8", "numeric"}
_IDENT = re.compile(r'\s*(?:([A-Za-z_][A-Za-z0-9_$]*)|"((?:[^"]|"")+)")\s*')


class EdgeArgsError(ValueError):
    pass


def parse_edge_args(text):
    """'src=a, dest="B", weight=w' -> {'src': ('a', False), 'dest': ('B', True), ...}.

    Values are (name, quoted). Raises EdgeArgsError naming what is wrong.
    """
    out = {}
    if text is None or not str(text).strip():
        return out
    text = str(text)
    pos = 0
    while True:
        m = re.compile(r"\s*([A-Za-z_]+)\s*=").match(text, pos)
        if not m:
            raise EdgeArgsError(f"expected key=column at {text[pos:pos + 20]!r} in edge_args {text!r}")
        key = m.group(1).lower()
        if key not in EDGE_KEYS:
            raise EdgeArgsError(f"unknown key {m.group(1)!r} in edge_args {text!r}: use src, dest, weight")
        if key in out:
            raise EdgeArgsError(f"key {key!r} given twice in edge_args {text!r}")
        v = _IDENT.match(text, m.end())
        if not v:
            raise EdgeArgsError(f"{key}= must be followed by a column name in edge_args {text!r}")
        out[key] = (v.group(1), False) if v.group(1) else (v.group(2).replace('""', '"'), True)
        pos = v.end()
        if pos == len(text):
            return out
        if text[pos] != ",":
            raise EdgeArgsError(f"expected ',' at {text[pos:pos + 20]!r} in edge_args {text!r}")
        pos += 1


def _column(plpy, columns, name, quoted, table, what):
    src = '"' + name.replace('"', '""') + '"' if quoted else name
    return identifiers.resolve_column(plpy, columns, ("column", name, src), table, what)


def _id_type(plpy, fn, infos):
    """The common SQL type of the id columns: integers widen, text types become text, else identical."""
    typnames = [i["typname"] for _, i in infos]
    if all(t in INTEGER_TYPES for t in typnames):
        return max(typnames, key=lambda t: INTEGER_TYPES[t])
    if all(t in TEXT_TYPES for t in typnames):
        return "text"
    if len({i["type"] for _, i in infos}) == 1:
        return infos[0][1]["type"]
    desc = ", ".join(f"{what} is {i['type']}" for what, i in infos)
    plpy.error(f"{fn}: vertex id columns have incompatible types ({desc}); use integer or text ids of one kind")


def resolve(plpy, fn, vertex_table, vertex_id, edge_table, edge_args, directed, need_weight=False,
            weight_default=None):
    """Validate every name; returns a spec dict (nothing is created)."""
    if directed is None:
        plpy.error(f"{fn}: directed must be true or false, not NULL")
    try:
        args = parse_edge_args(edge_args)
    except EdgeArgsError as exc:
        plpy.error(f"{fn}: {exc}")
    edges = identifiers.resolve_table(plpy, edge_table, f"{fn}: edge_table")
    ecols = identifiers.table_columns(plpy, edges["oid"])
    src = _column(plpy, ecols, *args.get("src", ("src", False)), edges["sql"], "src in edge_args")
    dest = _column(plpy, ecols, *args.get("dest", ("dest", False)), edges["sql"], "dest in edge_args")
    if src == dest:
        plpy.error(f"{fn}: src and dest in edge_args name the same column {src!r}")
    weight = ""
    if "weight" in args:
        weight = _column(plpy, ecols, *args["weight"], edges["sql"], "weight in edge_args")
    elif weight_default and weight_default in ecols:
        weight = weight_default
    if weight and ecols[weight]["typname"] not in WEIGHT_TYPES:
        plpy.error(f"{fn}: weight column {weight!r} of {edges['sql']} has type {ecols[weight]['type']}, "
                   f"not a number")
    infos = [(f"src column {src!r}", ecols[src]), (f"dest column {dest!r}", ecols[dest])]
    vertices, vid = None, None
    if vertex_table is not None and str(vertex_table).strip():
        vertices = identifiers.resolve_table(plpy, vertex_table, f"{fn}: vertex_table")
        vcols = identifiers.table_columns(plpy, vertices["oid"])
        if vertex_id is None or not str(vertex_id).strip():
            plpy.error(f"{fn}: vertex_id is empty: name the id column of {vertices['sql']}")
        try:
            items = identifiers.parse_name_list(vertex_id, "vertex_id")
        except identifiers.NameError_ as exc:
            plpy.error(f"{fn}: {exc}")
        if len(items) != 1:
            plpy.error(f"{fn}: vertex_id must be one column name, got {vertex_id!r}")
        vid = identifiers.resolve_column(plpy, vcols, items[0], vertices["sql"], "vertex_id")
        infos.append((f"vertex_id column {vid!r}", vcols[vid]))
    for what, info in infos:
        if info["elem"] is not None:
            plpy.error(f"{fn}: {what} is an array ({info['type']}); vertex ids must be scalars")
    id_type = _id_type(plpy, fn, infos)
    return {"fn": fn, "edges": edges, "src": src, "dest": dest, "weight": weight, "vertices": vertices,
            "vertex_id": vid, "directed": bool(directed), "id_type": id_type}


def output_id_name(vertex_id):
    """The id column name of result tables: the vertex_id argument (default 'id')."""
    if vertex_id is None or not str(vertex_id).strip():
        return "id"
    items = identifiers.parse_name_list(vertex_id, "vertex_id")
    return items[0][1] if items else "id"


def ensure(plpy, schema, spec, reuse=True):
    """Prepare (or reuse) the graph described by ``spec``; returns the prepared_graphs row as a dict."""
    t0 = time.perf_counter()
    q = plpy.quote_ident
    edges, vertices = spec["edges"], spec["vertices"]
    key = [edges["oid"], spec["src"], spec["dest"], spec["weight"], spec["directed"],
           vertices["oid"] if vertices else None, spec["vertex_id"]]
    fingerprint.lock(plpy, "graph", *key)
    fp_e = fingerprint.source_fingerprint(plpy, edges, [spec["src"], spec["dest"], spec["weight"]], "edge_table")
    fp_v = fingerprint.source_fingerprint(plpy, vertices, [spec["vertex_id"]], "vertex_table") if vertices else ""
    fp = None if fp_e is None or fp_v is None else f"{fp_e}|{fp_v}"
    if reuse and fp is not None:
        found = plpy.execute(plpy.prepare(
            f"SELECT * FROM {schema}.prepared_graphs WHERE owner = current_user AND edge_oid = $1 AND src = $2 "
            f"AND dest = $3 AND weight = $4 AND directed = $5 AND vertex_oid IS NOT DISTINCT FROM $6 "
            f"AND vertex_id IS NOT DISTINCT FROM $7 AND fingerprint = $8 "
            + "".join(f"AND {packed_store.owned_by_me_sql(schema, f'table_prefix || {t!r}')} "
                      for t in ("_v", "_e", "_csr")) + "ORDER BY graph_id DESC LIMIT 1",
            ["oid", "text", "text", "text", "bool", "oid", "text", "text"]), key + [fp])
        if found:
            row = dict(found[0])
            plpy.execute(plpy.prepare(f"UPDATE {schema}.prepared_graphs SET last_used_at = clock_timestamp() "
                                      f"WHERE graph_id = $1", ["int8"]), [row["graph_id"]])
            row["reused"] = True
            return _with_tables(schema, row)
    # stale copies of the same graph are dropped
    stale = plpy.execute(plpy.prepare(
        f"SELECT graph_id, table_prefix FROM {schema}.prepared_graphs WHERE owner = current_user AND edge_oid = $1 AND src = $2 "
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
    V, E, C = (f"{data}.{prefix}_v", f"{data}.{prefix}_e", f"{data}.{prefix}_csr")
    idt = spec["id_type"]
    s, d = q(spec["src"]), q(spec["dest"])
    w = f"{q(spec['weight'])}::float8" if spec["weight"] else "NULL::float8"
    src_tab = edges["sql"]
    counts = plpy.execute(
        f"SELECT count(*) AS n, count(*) FILTER (WHERE {s} IS NULL OR {d} IS NULL) AS nulls, "
        f"count(*) FILTER (WHERE {s} IS NOT NULL AND {d} IS NOT NULL AND {s} = {d}) AS loops"
        + (f", count(*) FILTER (WHERE {s} IS NOT NULL AND {d} IS NOT NULL AND {w} IS NULL) AS nullw, "
           f"min({w}) AS minw" if spec["weight"] else ", 0 AS nullw, NULL::float8 AS minw")
        + f" FROM {src_tab}")[0]
    vpart = ""
    if vertices:
        vpart = f" UNION SELECT {q(spec['vertex_id'])}::{idt} FROM {vertices['sql']} " \
                f"WHERE {q(spec['vertex_id'])} IS NOT NULL"
    plpy.execute("SET LOCAL work_mem = '256MB'")
    plpy.execute(f"""
        CREATE TEMP TABLE _indb_graph_ids ON COMMIT DROP AS
        SELECT (row_number() OVER (ORDER BY id) - 1)::int4 AS vid, id FROM (
            SELECT {s}::{idt} AS id FROM {src_tab} WHERE {s} IS NOT NULL AND {d} IS NOT NULL
            UNION SELECT {d}::{idt} FROM {src_tab} WHERE {s} IS NOT NULL AND {d} IS NOT NULL{vpart}) AS ids""")
    plpy.execute("ANALYZE _indb_graph_ids")
    pairs = (f"SELECT a.vid AS src, b.vid AS dst, {w} AS weight FROM {src_tab} e "
             f"JOIN _indb_graph_ids a ON a.id = e.{s}::{idt} JOIN _indb_graph_ids b ON b.id = e.{d}::{idt}")
    if not spec["directed"]:
        pairs = (f"SELECT CASE WHEN p.src <= p.dst THEN p.src ELSE p.dst END AS src, "
                 f"CASE WHEN p.src <= p.dst THEN p.dst ELSE p.src END AS dst, p.weight FROM ({pairs}) p")
    plpy.execute(f"CREATE TEMP TABLE _indb_graph_pairs ON COMMIT DROP AS "
                 f"SELECT src, dst, min(weight) AS weight, count(*) AS k FROM ({pairs}) x GROUP BY src, dst")
    both = "SELECT src, dst, weight FROM _indb_graph_pairs"
    if not spec["directed"]:
        both += " UNION ALL SELECT dst, src, weight FROM _indb_graph_pairs WHERE src <> dst"
    plpy.execute(f"CREATE TABLE {E} AS {both} ORDER BY 1, 2")
    dup = plpy.execute("SELECT coalesce(sum(k - 1), 0)::int8 AS dup FROM _indb_graph_pairs")[0]["dup"]
    plpy.execute(f"""
        CREATE TABLE {V} AS
        SELECT i.vid, i.id, coalesce(o.c, 0)::int4 AS out_degree, coalesce(n.c, 0)::int4 AS in_degree
        FROM _indb_graph_ids i
        LEFT JOIN (SELECT src, count(*) AS c FROM {E} GROUP BY src) o ON o.src = i.vid
        LEFT JOIN (SELECT dst, count(*) AS c FROM {E} GROUP BY dst) n ON n.dst = i.vid
        ORDER BY i.vid""")
    plpy.execute(f"ALTER TABLE {V} ADD PRIMARY KEY (vid)")
    plpy.execute(f"CREATE UNIQUE INDEX ON {V} (id)")
    plpy.execute(f"CREATE INDEX ON {E} (src, dst)")
    plpy.execute(f"CREATE INDEX ON {E} (dst, src)")
    plpy.execute(f"""
        CREATE TABLE {C} AS
        SELECT count(*)::int8 AS m,
               coalesce(string_agg(int4send(src), ''::bytea ORDER BY src, dst), ''::bytea) AS src,
               coalesce(string_agg(int4send(dst), ''::bytea ORDER BY src, dst), ''::bytea) AS dst,
               coalesce(string_agg(float8send(coalesce(weight, 'NaN')), ''::bytea ORDER BY src, dst),
                        ''::bytea) AS weight
        FROM {E}""")
    for t in (V, E, C):
        plpy.execute(f"ANALYZE {t}")
    plpy.execute("DROP TABLE _indb_graph_pairs")
    plpy.execute("DROP TABLE _indb_graph_ids")
    stats = plpy.execute(f"SELECT (SELECT count(*) FROM {V}) AS n, (SELECT m FROM {C}) AS m")[0]
    row = plpy.execute(plpy.prepare(
        f"INSERT INTO {schema}.prepared_graphs (graph_id, vertex_oid, vertex_table, vertex_id, edge_oid, "
        f"edge_table, src, dest, weight, directed, id_type, fingerprint, table_prefix, n_vertices, n_edges, "
        f"n_input_edges, n_null_skipped, n_duplicates, n_self_loops, n_null_weights, min_weight, prepare_ms) "
        f"VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22) RETURNING *",
        ["int8", "oid", "text", "text", "oid", "text", "text", "text", "text", "bool", "text", "text", "text",
         "int8", "int8", "int8", "int8", "int8", "int8", "int8", "float8", "float8"]),
        [graph_id, vertices["oid"] if vertices else None, vertices["sql"] if vertices else None,
         spec["vertex_id"], edges["oid"], edges["sql"], spec["src"], spec["dest"], spec["weight"],
         spec["directed"], idt, fp, prefix, stats["n"], stats["m"], counts["n"], counts["nulls"],
         dup, counts["loops"], counts["nullw"], counts["minw"], (time.perf_counter() - t0) * 1000.0])[0]
    row = dict(row)
    row["reused"] = False
    if counts["nulls"]:
        plpy.notice(f"{spec['fn']}: skipped {counts['nulls']} edge(s) of {edges['sql']} with a NULL endpoint")
    return _with_tables(schema, row)


def _with_tables(schema, row):
    p = row["table_prefix"]
    data = packed_store.data_schema(schema)
    row["v_sql"], row["e_sql"], row["csr_sql"] = (f"{data}.{p}_v", f"{data}.{p}_e", f"{data}.{p}_csr")
    return row


def drop_tables(plpy, schema, prefix):
    for suffix in ("_csr", "_e", "_v"):
        name = plpy.quote_literal(prefix + suffix)
        if plpy.execute(f"SELECT {packed_store.owned_by_me_sql(schema, name)} AS m")[0]["m"]:
            plpy.execute(f"DROP TABLE {packed_store.data_schema(schema)}.{plpy.quote_ident(prefix + suffix)}")


def load(plpy, prep, ge):
    """The prepared graph as a graph_engine.Graph (weights attached when the graph has them)."""
    import numpy as np
    row = plpy.execute(f"SELECT m, src, dst, weight FROM {prep['csr_sql']}")[0]
    src = np.frombuffer(row["src"], dtype=">i4").astype(np.int64)
    dst = np.frombuffer(row["dst"], dtype=">i4").astype(np.int64)
    weight = np.frombuffer(row["weight"], dtype=">f8").astype(np.float64) if prep["weight"] else None
    return ge.Graph(prep["n_vertices"], src, dst, weight)


def lookup_vertices(plpy, prep, values, fn, what):
    """Original ids (a list) -> dense vids; an id that is not a vertex is an error naming it."""
    if values is None:
        return []
    rows = plpy.execute(plpy.prepare(
        f"SELECT u.ord, u.val, v.vid FROM unnest($1::text[]) WITH ORDINALITY u(val, ord) "
        f"LEFT JOIN {prep['v_sql']} v ON v.id = u.val::{prep['id_type']} ORDER BY u.ord", ["text[]"]),
        [[None if x is None else str(x) for x in values]])
    missing = [r["val"] for r in rows if r["vid"] is None]
    if missing:
        plpy.error(f"{fn}: {what} {', '.join(map(str, missing[:5]))} is not a vertex of the graph")
    return [r["vid"] for r in rows]


def write_vertex_table(plpy, prep, out, id_name, columns):
    """CREATE TABLE out AS (original id, one column per (name, sqltype, list indexed by vid)).

    sqltype 'vid' means the values are dense vertex numbers (-1 or None: NULL) shown as original ids.
    """
    q = plpy.quote_ident
    sel, joins, args, types = [], [], [], []
    for i, (name, t, _) in enumerate(columns):
        if t == "vid":
            joins.append(f"LEFT JOIN {prep['v_sql']} j{i} ON j{i}.vid = u.c{i}")
            sel.append(f"j{i}.id AS {q(name)}")
            types.append("int4")
        else:
            sel.append(f"u.c{i} AS {q(name)}")
            types.append(t)
        args.append(f"${i + 1}::{types[-1]}[]")
    cols = ", ".join(f"c{i}" for i in range(len(columns)))
    plan = plpy.prepare(
        f"CREATE TABLE {out['sql']} AS SELECT v.id AS {q(id_name)}, {', '.join(sel)} "
        f"FROM unnest({', '.join(args)}) WITH ORDINALITY AS u({cols}, ord) "
        f"JOIN {prep['v_sql']} v ON v.vid = u.ord - 1 {' '.join(joins)} ORDER BY v.vid",
        [f"{t}[]" for t in types])
    plpy.execute(plan, [c[2] for c in columns])


def write_summary(plpy, summary, fields):
    """CREATE TABLE summary AS SELECT one row; fields: [(name, sqltype, value)]."""
    q = plpy.quote_ident
    sel = ", ".join(f"${i + 1}::{t} AS {q(n)}" for i, (n, t, _) in enumerate(fields))
    plpy.execute(plpy.prepare(f"CREATE TABLE {summary['sql']} AS SELECT {sel}", [t for _, t, _ in fields]),
                 [v for _, _, v in fields])


class Rounds:
    """Collects the engine's per-round reports, emits a NOTICE each, writes them to the registry."""

    def __init__(self, plpy, fn):
        self.plpy, self.fn, self.rows = plpy, fn, []

    def __call__(self, r):
        self.rows.append(r)
        self.plpy.notice(f"{self.fn}: round {r['round']}: {r['scheduled']} scheduled vertices, "
                         f"{r['edges_touched']} edges touched ({r['mode']}), max change {r['max_change']:.3g}, "
                         f"{r['elapsed_ms']:.1f} ms")

    def save(self, registry, schema, model_id):
        for r in self.rows:
            registry.iteration(self.plpy, schema, model_id, r["round"], loss=r["max_change"],
                               rows=r["scheduled"], elapsed_ms=r["elapsed_ms"],
                               info={k: v for k, v in r.items() if k not in ("round", "elapsed_ms")})

    @property
    def edges_touched(self):
        return sum(r["edges_touched"] for r in self.rows)


def source_text(prep):
    return prep["edge_table"] if not prep.get("vertex_table") else f"{prep['vertex_table']}, {prep['edge_table']}"


def params_of(prep, **extra):
    d = {"vertex_table": prep.get("vertex_table"), "vertex_id": prep.get("vertex_id"),
         "edge_table": prep["edge_table"], "src": prep["src"], "dest": prep["dest"],
         "weight": prep["weight"] or None, "directed": prep["directed"], "graph_id": prep["graph_id"]}
    d.update(extra)
    return d


def begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table, edge_args, directed,
          weight_default=None):
    """Validate names, prepare (or reuse) the graph; returns (out, summary, prep, id_name)."""
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    summary = identifiers.sibling_table(plpy, out, "_summary", f"{fn}: summary table")
    spec = resolve(plpy, fn, vertex_table, vertex_id, edge_table, edge_args, directed,
                   weight_default=weight_default)
    try:
        id_name = output_id_name(vertex_id)
    except identifiers.NameError_ as exc:
        plpy.error(f"{fn}: {exc}")
    prep = ensure(plpy, schema, spec)
    if prep["n_vertices"] == 0:
        plpy.error(f"{fn}: the graph of {spec['edges']['sql']} has no vertices (no edges with two non-NULL "
                   f"endpoints and no vertex table rows)")
    return out, summary, prep, id_name


def finish(plpy, schema, registry, algorithm, out, summary, prep, rounds, params, metrics, t0):
    """Registry entry with per-round history; returns the model_id."""
    model_id = registry.start(plpy, schema, out["sql"], algorithm, source_text(prep), out["sql"],
                              params=params_of(prep, **params), prepared_id=prep["graph_id"])
    if rounds is not None:
        rounds.save(registry, schema, model_id)
    metrics = dict(metrics)
    metrics.setdefault("n_vertices", prep["n_vertices"])
    metrics.setdefault("n_edges", prep["n_edges"])
    metrics["reused_prepared_graph"] = prep["reused"]
    registry.finish(plpy, schema, model_id, metrics, [out["sql"], summary["sql"]],
                    (time.perf_counter() - t0) * 1000.0)
    return model_id


def summary_fields(prep, algorithm, model_id, extra):
    return [("method", "text", algorithm), ("vertex_table", "text", prep.get("vertex_table")),
            ("edge_table", "text", prep["edge_table"]), ("directed", "bool", prep["directed"]),
            ("num_vertices", "int8", prep["n_vertices"]), ("num_edges", "int8", prep["n_edges"]),
            ("num_null_endpoints_skipped", "int8", prep["n_null_skipped"]),
            ("num_duplicate_edges_merged", "int8", prep["n_duplicates"]),
            ("num_self_loops", "int8", prep["n_self_loops"])] + list(extra) + [
            ("model_id", "int8", model_id), ("graph_id", "int8", prep["graph_id"]),
            ("reused_prepared_graph", "bool", prep["reused"])]


# ------------------------------------------------------------------ the SQL engine (engine => 'sql')
#
# The same fixed points as graph_engine, but the state lives in SQL tables: nothing proportional to the
# graph is held in the backend's Python memory. Per-round state is a TEMP table (ON COMMIT DROP) that is
# rewritten by CREATE TABLE AS each round and swapped in (never UPDATEd in place); the scheduling table
# holds the dirty vertices. A round joins the scheduling table against the prepared edge table: with few
# scheduled vertices an index nested loop over the edge index (frontier pass), with many of them a hash
# join over the whole edge table (whole-graph pass); the planner is steered with set_config(..., true)
# and the caller's settings are restored afterwards. The per-round reports are those of graph_engine.

ENGINES = ("memory", "sql")


def engine_of(plpy, fn, engine):
    name = (engine or "").strip().lower()
    if name not in ENGINES:
        plpy.error(f"{fn}: engine must be 'memory' or 'sql', got {engine!r}")
    return name


def _f(x):
    """A float as a float8 literal (our own computed numbers only, never user text)."""
    x = float(x)
    if x != x:
        return "'NaN'::float8"
    if x in (float("inf"), float("-inf")):
        return "'Infinity'::float8" if x > 0 else "'-Infinity'::float8"
    return f"'{x!r}'::float8"


class SqlRounds:
    """Temp tables of one SQL-engine run, planner steering, and the round clock."""

    SETTINGS = ("enable_nestloop", "enable_hashjoin", "enable_mergejoin", "work_mem")

    def __init__(self, plpy, tag):
        self.plpy, self.tag, self.names = plpy, tag, set()
        self.saved = {s: plpy.execute(f"SELECT current_setting('{s}') AS v")[0]["v"] for s in self.SETTINGS}
        self._set("work_mem", "256MB")
        self.mode = None

    def _set(self, name, value):
        ql = self.plpy.quote_literal
        self.plpy.execute(f"SELECT set_config({ql(name)}, {ql(value)}, true)")

    def pass_mode(self, mode):
        """'whole-graph': hash joins over the whole edge table; 'frontier': index nested loops."""
        if mode == self.mode:
            return
        if mode == "whole-graph":
            self._set("enable_nestloop", "off")
            self._set("enable_hashjoin", "on")
            self._set("enable_mergejoin", self.saved["enable_mergejoin"])
        else:
            self._set("enable_nestloop", "on")
            self._set("enable_hashjoin", "off")
            self._set("enable_mergejoin", "off")
        self.mode = mode

    def create(self, what, select_sql):
        """CREATE TEMP TABLE <what>_new AS select, then swap it in for <what>: returns the table name."""
        cur, new = f"_indb_g{self.tag}_{what}", f"_indb_g{self.tag}_{what}_new"
        self.plpy.execute(f"CREATE TEMP TABLE {new} ON COMMIT DROP AS {select_sql}")
        if cur in self.names:
            self.plpy.execute(f"DROP TABLE pg_temp.{cur}")
        self.plpy.execute(f"ALTER TABLE pg_temp.{new} RENAME TO {cur}")
        self.names.add(cur)
        return cur

    def close(self):
        for n in sorted(self.names):
            self.plpy.execute(f"DROP TABLE pg_temp.{n}")
        self.names.clear()
        for s, v in self.saved.items():
            self._set(s, v)
        self.mode = None


def _use_whole_graph(ge, m, frontier_edges):
    return frontier_edges > ge.WHOLE_GRAPH_FRACTION * m


def pagerank_sql(plpy, prep, ge, damping, tol, max_iter, schedule, pers, on_round):
    """PageRank with state in temp tables. Returns (out_select, rounds, converged).

    out_select is a query (vid, pagerank) over a temp table; run before close().
    """
    n, m = int(prep["n_vertices"]), int(prep["n_edges"])
    d = float(damping)
    E = prep["e_sql"]
    st = SqlRounds(plpy, "pr")
    if pers:
        k = len(pers)
        pexpr = f"CASE WHEN v.vid = ANY('{{{','.join(str(int(x)) for x in pers)}}}'::int4[]) THEN {_f(1.0 / k)} " \
                f"ELSE 0::float8 END"
    else:
        pexpr = _f(1.0 / n)
    x = st.create("x", f"SELECT v.vid, v.out_degree AS outdeg, {pexpr} AS p, {_f(1.0 / n)} AS rank, "
                       f"0::float8 AS res FROM {prep['v_sql']} v")
    plpy.execute(f"ANALYZE {x}")

    def dangling_sum(col, table):
        return plpy.execute(f"SELECT coalesce(sum({col}), 0)::float8 AS s FROM {table} WHERE outdeg = 0")[0]["s"]

    def gather_all(table, value):
        # sum over in-edges of value(src)/outdeg(src): the whole edge table against the state
        return (f"SELECT e.dst, sum(s.{value} / s.outdeg) AS g FROM {E} e JOIN {table} s ON s.vid = e.src "
                f"GROUP BY e.dst")

    if schedule == "sync":
        st.pass_mode("whole-graph")
        for rnd in range(1, max_iter + 1):
            t0 = time.perf_counter()
            dm = dangling_sum("rank", x)
            x = st.create("x", f"""
                SELECT x.vid, x.outdeg, x.p,
                       {_f(d)} * (coalesce(g.g, 0) + {_f(dm)} * x.p) + {_f(1.0 - d)} * x.p AS rank,
                       x.rank AS res
                FROM {x} x LEFT JOIN ({gather_all(x, 'rank')}) g ON g.dst = x.vid""")
            mx = plpy.execute(f"SELECT coalesce(max(abs(rank - res)), 0)::float8 AS mx FROM {x}")[0]["mx"]
            ge._report(on_round, rnd, n, m, mx, "whole-graph", t0)
            if mx < tol:
                return st, f"SELECT vid, rank AS pagerank FROM {x}", rnd, True
        return st, f"SELECT vid, rank AS pagerank FROM {x}", max_iter, False

    # dynamic: residual push. res = pending change; a vertex is scheduled while |res| > tol.
    st.pass_mode("whole-graph")
    dm = dangling_sum("rank", x)
    x = st.create("x", f"""
        SELECT x.vid, x.outdeg, x.p, x.rank,
               {_f(d)} * (coalesce(g.g, 0) + {_f(dm)} * x.p) + {_f(1.0 - d)} * x.p - x.rank AS res
        FROM {x} x LEFT JOIN ({gather_all(x, 'rank')}) g ON g.dst = x.vid""")
    tl = _f(tol)
    converged, nrounds = False, max_iter
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        sched = st.create("sched", f"SELECT vid, outdeg, res FROM {x} WHERE abs(res) > {tl}")
        s = plpy.execute(f"SELECT count(*)::int8 AS k, coalesce(sum(outdeg), 0)::int8 AS fe, "
                         f"coalesce(max(abs(res)), 0)::float8 AS mx, "
                         f"coalesce(sum(res) FILTER (WHERE outdeg = 0), 0)::float8 AS dm FROM {sched}")[0]
        if s["k"] == 0:
            ge._report(on_round, rnd, 0, 0, 0.0, "frontier", t0)
            converged, nrounds = True, rnd
            break
        plpy.execute(f"ANALYZE {sched}")
        whole = _use_whole_graph(ge, m, s["fe"])
        mode = "whole-graph" if whole else "frontier"
        st.pass_mode(mode)
        push = (f"SELECT e.dst, sum(s.res / s.outdeg) AS g FROM {sched} s JOIN {E} e ON e.src = s.vid "
                f"WHERE s.outdeg > 0 GROUP BY e.dst")
        if not whole:
            # frontier: the scheduled vertices' out-edges through the (src, dst) index
            push = f"SELECT dst, g FROM {st.create('push', push)}"
        st.pass_mode("whole-graph")  # the state rewrite is one hash join over the vertex table
        x = st.create("x", f"""
            SELECT x.vid, x.outdeg, x.p,
                   x.rank + CASE WHEN abs(x.res) > {tl} THEN x.res ELSE 0 END AS rank,
                   CASE WHEN abs(x.res) > {tl} THEN 0 ELSE x.res END
                     + {_f(d)} * coalesce(g.g, 0) + {_f(d * s['dm'])} * x.p AS res
            FROM {x} x LEFT JOIN ({push}) g ON g.dst = x.vid""")
        ge._report(on_round, rnd, s["k"], m if whole else s["fe"], s["mx"], mode, t0)
    if not converged:
        left = plpy.execute(f"SELECT count(*) AS k FROM {x} WHERE abs(res) > {tl}")[0]["k"]
        converged = left == 0
    total = plpy.execute(f"SELECT sum(rank)::float8 AS t FROM {x}")[0]["t"] or 0.0
    scale = f" / {_f(total)}" if total > 0 else ""
    return st, f"SELECT vid, rank{scale} AS pagerank FROM {x}", nrounds, converged


def write_from_sql(plpy, prep, out, id_name, select_sql, columns):
    """CREATE TABLE out AS the original id + columns of select_sql (which has a vid column).

    columns: [(out name, source column, 'vid' or None)]; 'vid' columns are dense ids shown as original ids.
    """
    q = plpy.quote_ident
    sel, joins = [], []
    for i, (name, col, kind) in enumerate(columns):
        if kind == "vid":
            joins.append(f"LEFT JOIN {prep['v_sql']} j{i} ON j{i}.vid = r.{col}")
            sel.append(f"j{i}.id AS {q(name)}")
        else:
            sel.append(f"r.{col} AS {q(name)}")
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT v.id AS {q(id_name)}, {', '.join(sel)} "
                 f"FROM ({select_sql}) r JOIN {prep['v_sql']} v ON v.vid = r.vid {' '.join(joins)} ORDER BY v.vid")


def wcc_sql(plpy, prep, ge, on_round):
    """Min-label propagation with a frontier table of the vertices whose label dropped.

    Returns (SqlRounds, result select (vid, component vid), rounds). Edges touched count undirected
    neighbour pairs, as graph_engine.wcc does on the undirected graph.
    """
    E, V = prep["e_sql"], prep["v_sql"]
    st = SqlRounds(plpy, "cc")
    directed = bool(prep["directed"])
    st.pass_mode("whole-graph")
    if directed:
        # undirected degree: distinct neighbours either way (a self-loop once)
        udeg = (f"SELECT v.vid, coalesce(u.k, 0)::int8 AS udeg FROM {V} v LEFT JOIN ("
                f"SELECT a AS vid, count(*) AS k FROM (SELECT src AS a, dst AS b FROM {E} "
                f"UNION SELECT dst, src FROM {E}) p GROUP BY a) u ON u.vid = v.vid")
    else:
        udeg = f"SELECT v.vid, v.out_degree::int8 AS udeg FROM {V} v"
    lab = st.create("lab", f"SELECT d.vid, d.vid AS label, d.vid AS old, d.udeg FROM ({udeg}) d")
    um = plpy.execute(f"SELECT coalesce(sum(udeg), 0)::int8 AS m FROM {lab}")[0]["m"]
    sched, k, fe = lab, int(prep["n_vertices"]), um
    rnd = 0
    while k:
        rnd += 1
        t0 = time.perf_counter()
        whole = _use_whole_graph(ge, um, fe)
        mode = "whole-graph" if whole else "frontier"
        st.pass_mode(mode)
        pairs = f"SELECT e.dst AS t, s.label AS l FROM {sched} s JOIN {E} e ON e.src = s.vid"
        if directed:
            pairs += f" UNION ALL SELECT e.src, s.label FROM {sched} s JOIN {E} e ON e.dst = s.vid"
        cand = st.create("cand", f"SELECT t, min(l) AS l FROM ({pairs}) p GROUP BY t")
        st.pass_mode("whole-graph")
        lab = st.create("lab", f"SELECT x.vid, CASE WHEN c.l < x.label THEN c.l ELSE x.label END AS label, "
                               f"x.label AS old, x.udeg FROM {lab} x LEFT JOIN {cand} c ON c.t = x.vid")
        sched = st.create("sched", f"SELECT vid, label, old, udeg FROM {lab} WHERE label < old")
        s = plpy.execute(f"SELECT count(*)::int8 AS k, coalesce(sum(udeg), 0)::int8 AS fe, "
                         f"coalesce(max(old - label), 0)::float8 AS mx FROM {sched}")[0]
        ge._report(on_round, rnd, k, um if whole else fe, s["mx"], mode, t0)
        k, fe = s["k"], s["fe"]
        if k:
            plpy.execute(f"ANALYZE {sched}")
    return st, f"SELECT vid, label AS component FROM {lab}", rnd


def sssp_sql(plpy, prep, ge, sources, on_round):
    """Bellman-Ford from a frontier table of the vertices whose distance dropped.

    Returns (SqlRounds, result select (vid, distance, parent vid), rounds). Parent ties: smallest parent.
    """
    E, V = prep["e_sql"], prep["v_sql"]
    m = int(prep["n_edges"])
    st = SqlRounds(plpy, "sp")
    st.pass_mode("whole-graph")
    srcs = "'{" + ",".join(str(int(x)) for x in sources) + "}'::int4[]"
    w = "coalesce(e.weight, 1::float8)" if not prep["weight"] else "e.weight"
    dist = st.create("dist", f"SELECT v.vid, CASE WHEN v.vid = ANY({srcs}) THEN 0::float8 ELSE 'Infinity'::float8 "
                             f"END AS dist, NULL::int4 AS parent, 'Infinity'::float8 AS old, v.out_degree::int8 AS outdeg "
                             f"FROM {V} v")
    sched = st.create("sched", f"SELECT vid, dist, outdeg FROM {dist} WHERE vid = ANY({srcs})")
    s = plpy.execute(f"SELECT count(*)::int8 AS k, coalesce(sum(outdeg), 0)::int8 AS fe FROM {sched}")[0]
    k, fe = s["k"], s["fe"]
    rnd = 0
    while k:
        rnd += 1
        t0 = time.perf_counter()
        whole = _use_whole_graph(ge, m, fe)
        mode = "whole-graph" if whole else "frontier"
        st.pass_mode(mode)
        best = st.create("best", f"SELECT DISTINCT ON (e.dst) e.dst AS vid, s.dist + {w} AS nd, s.vid AS src "
                                 f"FROM {sched} s JOIN {E} e ON e.src = s.vid ORDER BY e.dst, s.dist + {w}, s.vid")
        st.pass_mode("whole-graph")
        dist = st.create("dist", f"""
            SELECT x.vid, CASE WHEN b.nd < x.dist THEN b.nd ELSE x.dist END AS dist,
                   CASE WHEN b.nd < x.dist THEN b.src ELSE x.parent END AS parent, x.dist AS old, x.outdeg
            FROM {dist} x LEFT JOIN {best} b ON b.vid = x.vid""")
        sched = st.create("sched", f"SELECT vid, dist, old, outdeg FROM {dist} WHERE dist < old")
        s = plpy.execute(f"SELECT count(*)::int8 AS k, coalesce(sum(outdeg), 0)::int8 AS fe, "
                         f"max(old - dist) FILTER (WHERE old < 'Infinity') AS mx FROM {sched}")[0]
        mx = 0.0
        if s["k"]:
            mx = float(s["mx"]) if s["mx"] is not None else float("inf")
        ge._report(on_round, rnd, k, m if whole else fe, mx, mode, t0)
        k, fe = s["k"], s["fe"]
        if k:
            plpy.execute(f"ANALYZE {sched}")
    return st, f"SELECT vid, dist AS distance, parent FROM {dist}", rnd
