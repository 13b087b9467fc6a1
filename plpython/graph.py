"""Graph drivers' helpers: edge_args parsing, name resolution, engine choice, writing results.

``edge_args`` follows MADlib: ``'src=from_id, dest=to_id, weight=cost'``. The
grammar is strict - comma-separated ``key=column`` pairs (a bare ``key`` keeps the default
column name, as in MADlib), keys among ``src``,
``dest``, ``weight``, each at most once, columns as plain or double-quoted
identifiers - and every column is resolved against the catalog and quoted.

Preparing graphs is ``graph_prepare``; the SQL engine is ``graph_sql_engine``.
"""
import re
import time

from . import graph_prepare, graph_results, identifiers, registry  # noqa: F401  (loaded together: see #@kernel lines)

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
        m = re.compile(r"\s*([A-Za-z_]+)\s*(=?)").match(text, pos)
        if not m:
            raise EdgeArgsError(f"expected key=column at {text[pos:pos + 20]!r} in edge_args {text!r}")
        key = m.group(1).lower()
        if key not in EDGE_KEYS:
            raise EdgeArgsError(f"unknown key {m.group(1)!r} in edge_args {text!r}: use src, dest, weight")
        if key in out:
            raise EdgeArgsError(f"key {key!r} given twice in edge_args {text!r}")
        if not m.group(2):          # a bare key (MADlib: 'src=a, dest'): the default column name
            out[key] = (key, False)
            pos = m.end()
        else:
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
            vertex_id = "id"        # MADlib: NULL (or '') means the column 'id'
        if str(vertex_id).strip().startswith("["):
            plpy.error(f"{fn}: vertex_id {vertex_id!r}: multi-column vertex ids are not supported; "
                       f"use one integer or text id column")
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


write_vertex_table = graph_results.write_vertex_table     # (drivers call it as graph.write_vertex_table)


def write_summary(plpy, summary, fields):
    """CREATE TABLE summary AS SELECT one row; fields: [(name, sqltype, value)]."""
    q = plpy.quote_ident
    sel = ", ".join(f"${i + 1}::{t} AS {q(n)}" for i, (n, t, _) in enumerate(fields))
    plpy.execute(plpy.prepare(f"CREATE TABLE {summary['sql']} AS SELECT {sel}", [t for _, t, _ in fields]),
                 [v for _, _, v in fields])


class Stages:
    """Wall-clock milliseconds of a call's stages (freshness check, load, rounds, write), kept in the
    model's metrics as ``stages_ms``: where the fixed cost of a call goes."""

    def __init__(self):
        self.t, self.ms = time.perf_counter(), {}

    def mark(self, name):
        now = time.perf_counter()
        self.ms[name] = round(self.ms.get(name, 0.0) + (now - self.t) * 1000.0, 2)
        self.t = now


def mark(prep, name):
    """Close stage ``name`` of the call (see ``Stages``)."""
    if prep.get("stages") is not None:
        prep["stages"].mark(name)


class Rounds:
    """Collects the engine's per-round reports, emits a NOTICE each, writes them to the registry."""

    def __init__(self, plpy, fn):
        self.plpy, self.fn, self.rows = plpy, fn, []

    def __call__(self, r):
        self.rows.append(r)
        registry.progress.report(
            self.plpy, self.fn, r["round"], None,
            f"{self.fn}: round {r['round']}: {r['scheduled']} scheduled vertices, {r['edges_touched']} edges "
            f"touched ({r['mode']}), max change {r['max_change']:.3g}, {r['elapsed_ms']:.1f} ms",
            unit="round", max_change=r["max_change"])

    def save(self, registry, schema, model_id):
        registry.iterations(self.plpy, schema, model_id, [
            dict(iteration=r["round"], loss=r["max_change"], rows=r["scheduled"], elapsed_ms=r["elapsed_ms"],
                 info={k: v for k, v in r.items() if k not in ("round", "elapsed_ms")}) for r in self.rows])

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
    stages = Stages()
    prep = graph_prepare.ensure(plpy, schema, spec, stages=stages)
    stages.mark("prepare")
    prep["stages"], prep["schema"] = stages, schema
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
    if prep.get("stages") is not None:
        metrics["stages_ms"] = prep["stages"].ms
    if prep.get("engine"):
        metrics.setdefault("engine", prep["engine"])
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
            ("engine", "text", prep.get("engine")), ("engine_reason", "text", prep.get("engine_reason")),
            ("model_id", "int8", model_id), ("graph_id", "int8", prep["graph_id"]),
            ("reused_prepared_graph", "bool", prep["reused"])]


ENGINES = ("auto", "memory", "sql")
DEFAULT_MEMORY_LIMIT = "1GB"


def memory_limit(plpy):
    """The memory budget of the memory engine: setting indb_ml.graph_memory_limit (default 1GB)."""
    row = plpy.execute("SELECT pg_catalog.pg_size_bytes(coalesce(nullif(current_setting("
                       "'indb_ml.graph_memory_limit', true), ''), '" + DEFAULT_MEMORY_LIMIT + "')) AS b")[0]
    return int(row["b"])


def engine_of(plpy, fn, engine):
    name = (engine or "auto").strip().lower()
    if name not in ENGINES:
        plpy.error(f"{fn}: engine must be 'auto', 'memory' or 'sql', got {engine!r}")
    return name


def choose_engine(plpy, prep, engine):
    """'auto': the memory engine when the graph's arrays fit indb_ml.graph_memory_limit, else 'sql'.

    Records prep['engine'] and prep['engine_reason'] (written to the summary)."""
    from . import graph_csr
    need = graph_csr.memory_bytes(prep["n_vertices"], prep["n_edges"], bool(prep["weight"]))
    if engine != "auto":
        prep["engine"], prep["engine_reason"] = engine, "requested"
        return engine
    limit = memory_limit(plpy)
    prep["engine"] = "memory" if need <= limit else "sql"
    prep["engine_reason"] = (f"auto: arrays need {need} bytes, indb_ml.graph_memory_limit is {limit} bytes")
    return prep["engine"]
