-- sssp: single-source shortest paths on the shared graph engine (Bellman-Ford where only vertices
-- whose distance dropped relax their out-edges in the next round), and path extraction.
--   SELECT @extschema@.graph_sssp(NULL, 'id', 'roads', 'src=a, dest=b, weight=cost', 17, 'sp');
--   SELECT @extschema@.graph_sssp_path('sp', 42);      -- {17, ..., 42}

-- engine => 'auto' (default: memory when the graph fits indb_ml.graph_memory_limit), 'memory' (numpy in
-- the backend) or 'sql' (the CSR read piece by piece through SQL).
DROP FUNCTION IF EXISTS @extschema@._graph_sssp(text, text, text, text, text[], text, boolean);
DROP FUNCTION IF EXISTS @extschema@.graph_sssp(text, text, text, text, anyelement, text, boolean);
DROP FUNCTION IF EXISTS @extschema@._graph_sssp(text, text, text, text, text[], text, boolean, text);
DROP FUNCTION IF EXISTS @extschema@.graph_sssp(text, text, text, text, anyelement, text, boolean, text);

-- MADlib's call shape: graph_sssp(vertex_table, vertex_id, edge_table, edge_args, source_vertex,
-- out_table, grouping_cols); ours by name after it (directed, engine). out_table(id, <weight column>,
-- parent) holds the reached vertices, the source its own parent; negative weights are allowed and a
-- reachable negative cycle is an error (with grouping_cols: that group is dropped with a warning).
CREATE OR REPLACE FUNCTION @extschema@._graph_sssp(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    source_vertices text[],
    out_table text,
    grouping_cols text DEFAULT NULL,
    directed boolean DEFAULT true,
    engine text DEFAULT 'auto'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel sssp graph_prepare graph_sql_engine graph_engine registry identifiers graph graph_groups graph_multicol
import time
import numpy as np
t0 = time.perf_counter()
schema, fn = "@extschema@", "graph_sssp"
global directed
directed = True if directed is None else directed
engine_name = graph.engine_of(plpy, fn, engine)
if source_vertices is None or not source_vertices or any(v is None for v in source_vertices):
    plpy.error(f"{fn}: source_vertex must be a vertex id (or a non-empty array of them) without NULLs")
if graph_multicol.is_multi(vertex_id):
    plan = plpy.prepare(f"SELECT {schema}._graph_sssp($1, 'id', $2, $3, $4, $5, $6, $7, $8)",
                        ["text", "text", "text", "text[]", "text", "text", "bool", "text"])
    src_ids = [graph_multicol.vertex_text(source_vertices)]
    return graph_multicol.run(plpy, schema, fn, vertex_table, vertex_id, edge_table, edge_args, out_table,
                              lambda v, e, a, o: plpy.execute(plan, [v, e, a, src_ids, o, grouping_cols, directed,
                                                                     engine_name]))
gcols = graph_groups.columns(plpy, fn, edge_table, grouping_cols)
if gcols:
    plan = plpy.prepare(f"SELECT {schema}._graph_sssp($1, $2, $3, $4, $5, $6, NULL, $7, $8)",
                        ["text", "text", "text", "text", "text[]", "text", "bool", "text"])
    return graph_groups.run(plpy, schema, fn, edge_table, gcols, out_table, lambda e, o: plpy.execute(
        plan, [None, vertex_id, e, edge_args, source_vertices, o, directed, engine_name]),
        skip_error=lambda msg: ("warning" if "negative cycle" in msg else
                                "notice" if "is not a vertex of the graph" in msg else None))
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, directed, weight_default="weight")
if prep["weight"]:
    if prep["n_null_weights"]:
        plpy.error(f"{fn}: {prep['n_null_weights']} edge(s) of {prep['edge_table']} have a NULL weight in column "
                   f"{prep['weight']!r}; fill or filter them")
    if prep["min_weight"] is not None and not np.isfinite(prep["min_weight"]):
        plpy.error(f"{fn}: edge weights in column {prep['weight']!r} must be finite")
    if not directed and prep["min_weight"] is not None and prep["min_weight"] < 0:
        plpy.error(f"{fn}: negative edge weight {prep['min_weight']:g} in an undirected graph is a negative cycle")
engine_name = graph.choose_engine(plpy, prep, engine_name)
sources = sorted(set(graph.lookup_vertices(plpy, prep, source_vertices, fn, "source vertex")))
rounds = graph.Rounds(plpy, fn)
pname = "parent" if id_name != "parent" else "parent_id"
wname = prep["weight"] or "weight"
if wname in (id_name, pname):
    wname = "distance"
if engine_name == "sql":
    g = graph_sql_engine.open_graph(plpy, prep)
else:
    g = graph_prepare.load(plpy, prep, ("out_deg", "out_dst", "out_w"))
if g.weighted and any(np.any(~np.isfinite(w)) for _, _, _, w in g.pieces("out")):
    plpy.error(f"{fn}: edge weights in column {prep['weight']!r} must be finite numbers")
graph.mark(prep, "load")
try:
    dist, parent, nrounds = sssp.sssp(g, sources, on_round=rounds)
except sssp.NegativeCycle as exc:
    plpy.error(f"{fn}: detected a negative cycle in the graph of {prep['edge_table']} ({exc})")
del g
graph.mark(prep, "rounds")
parent[sources] = sources          # MADlib: the source is its own parent
reached = int(np.isfinite(dist).sum())
q = plpy.quote_ident
# MADlib keeps only the reached vertices (an unreachable one has no parent): only they are written
graph.write_vertex_table(plpy, prep, out, id_name, [(wname, "float8", dist), (pname, "vid", parent)],
                         skip_null=pname)
plpy.execute(f"CREATE UNIQUE INDEX ON {out['sql']} ({q(id_name)})")
graph.mark(prep, "write")
model_id = graph.finish(plpy, schema, registry, fn, out, summary, prep, rounds,
                        {"sources": source_vertices, "engine": engine_name},
                        {"rounds": nrounds, "reached": reached, "edges_touched": rounds.edges_touched}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, fn, model_id, [
    ("vertex_id", "text", id_name), ("edge_args", "text", edge_args), ("parent_column", "text", pname),
    ("weight", "text", wname), ("source_vertex", "text[]", source_vertices), ("num_reached", "int8", reached),
    ("rounds", "int4", nrounds), ("edges_touched", "int8", rounds.edges_touched)]))
return (f"graph_sssp: {out['sql']}: {reached} of {prep['n_vertices']} vertices reached in {nrounds} rounds, "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms")
$py$;

CREATE OR REPLACE FUNCTION @extschema@.graph_sssp(
    vertex_table text, vertex_id text, edge_table text, edge_args text, source_vertex anyelement,
    out_table text, grouping_cols text DEFAULT NULL, directed boolean DEFAULT true, engine text DEFAULT 'auto')
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@._graph_sssp(vertex_table, vertex_id, edge_table, edge_args,
                                   @extschema@._graph_ids(source_vertex), out_table, grouping_cols, directed, engine)
$$;
COMMENT ON FUNCTION @extschema@.graph_sssp(text, text, text, text, anyelement, text, text, boolean, text) IS
    'indb_ml: shortest paths from a vertex (or array of vertices), MADlib''s call shape; weights may be negative (Bellman-Ford; a negative cycle is an error); out_table(id, <weight column>, parent) for the reached vertices, the source its own parent';

CREATE OR REPLACE FUNCTION @extschema@.graph_sssp_path(sssp_table text, dest_vertex anyelement)
RETURNS anyarray LANGUAGE plpgsql STABLE AS $$
DECLARE
    rel regclass := pg_catalog.to_regclass(sssp_table);
    idc text;
    pc text;
    path ALIAS FOR $0;
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION 'graph_sssp_path: table % does not exist', sssp_table;
    END IF;
    SELECT max(a.attname) FILTER (WHERE a.attnum = 1), max(a.attname) FILTER (WHERE a.attnum = 3)
    INTO idc, pc FROM pg_catalog.pg_attribute a WHERE a.attrelid = rel AND a.attnum IN (1, 3);
    IF pc IS NULL OR pc NOT IN ('parent', 'parent_id') THEN
        RAISE EXCEPTION 'graph_sssp_path: % is not a graph_sssp() output table', sssp_table;
    END IF;
    -- follow parent pointers from the destination back to a source, which is its own parent
    -- (a tree: depth bounded by the row count)
    EXECUTE format($q$
        WITH RECURSIVE back(v, p, depth) AS (
            SELECT %1$I, %2$I, 0 FROM %3$s WHERE %1$I = $1
            UNION ALL
            SELECT t.%1$I, t.%2$I, b.depth + 1 FROM back b JOIN %3$s t ON t.%1$I = b.p
            WHERE b.v IS DISTINCT FROM b.p AND b.depth < (SELECT count(*) FROM %3$s))
        SELECT array_agg(v ORDER BY depth DESC) FROM back$q$, idc, pc, rel)
    INTO path USING dest_vertex;
    RETURN path;
END
$$;
COMMENT ON FUNCTION @extschema@.graph_sssp_path(text, anyelement) IS
    'indb_ml: the shortest path source..dest_vertex from a graph_sssp() output table (NULL when unreachable)';

-- MADlib's helper: the path(s) to dest_vertex into a table path_table(<grouping columns>, path);
-- a group where dest_vertex was not reached gets an empty path.
CREATE OR REPLACE FUNCTION @extschema@._graph_sssp_get_path(sssp_table text, dest_vertex text[], path_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph_multicol
fn = "graph_sssp_get_path"
dest = dest_vertex
q = plpy.quote_ident
src = identifiers.resolve_table(plpy, sssp_table, f"{fn}: sssp_table")
out = identifiers.resolve_output_table(plpy, path_table, f"{fn}: path_table")
if dest is None or not dest or any(v is None for v in dest):
    plpy.error(f"{fn}: dest_vertex must be a vertex id without NULLs")
summ = plpy.execute(plpy.prepare("SELECT pg_catalog.to_regclass($1) AS r", ["text"]),
                    [f"{q(src['schema'])}.{q(src['name'] + '_summary')}"])[0]["r"]
if summ is None:
    plpy.error(f"{fn}: {src['sql']} has no summary table {src['name']}_summary: is it a graph_sssp() output?")
cols = identifiers.table_columns(plpy, src["oid"])
info = plpy.execute(f"SELECT vertex_id, parent_column, weight FROM {q(src['schema'])}.{q(src['name'] + '_summary')} "
                    f"LIMIT 1")
if not info or info[0]["vertex_id"] not in cols or info[0]["parent_column"] not in cols:
    plpy.error(f"{fn}: {src['sql']} is not a graph_sssp() output table")
idc, pc, wc = info[0]["vertex_id"], info[0]["parent_column"], info[0]["weight"]
groups = [c for c in cols if c not in (idc, pc, wc)]
idt = cols[idc]["type"]
if cols[idc]["elem"] is not None:            # multi-column vertex ids: one id is a whole array
    dest = [graph_multicol.vertex_text(dest)]
elif len(dest) != 1:
    plpy.error(f"{fn}: dest_vertex must be one vertex id")
t = src["sql"]
gsel = "".join(f"t.{q(c)}, " for c in groups)
gb = "".join(f"b.{q(c)}, " for c in groups)
gmatch = "".join(f" AND t.{q(c)} IS NOT DISTINCT FROM b.{q(c)}" for c in groups)
glist = ", ".join(q(c) for c in groups)
gjoin = " AND ".join(f"g.{q(c)} IS NOT DISTINCT FROM r.{q(c)}" for c in groups) or "true"
body = f"""
    WITH RECURSIVE back AS (
        SELECT {gsel}t.{q(idc)} AS _v, t.{q(pc)} AS _p, ARRAY[t.{q(idc)}] AS _path, 0 AS _depth
        FROM {t} t WHERE t.{q(idc)} = $1::text::{idt}
        UNION ALL
        SELECT {gsel}t.{q(idc)}, t.{q(pc)}, t.{q(idc)} || b._path, b._depth + 1
        FROM back b JOIN {t} t ON t.{q(idc)} = b._p{gmatch}
        WHERE b._v IS DISTINCT FROM b._p AND b._depth < (SELECT count(*) FROM {t}))
    SELECT {gb}b._path AS path FROM back b WHERE b._v = b._p"""
if groups:
    body = (f"WITH r AS ({body}) "
            f"SELECT {', '.join('g.' + q(c) for c in groups)}, coalesce(r.path, '{{}}'::{idt}[]) AS path "
            f"FROM (SELECT DISTINCT {glist} FROM {t}) g LEFT JOIN r ON {gjoin}")
plpy.execute(plpy.prepare(f"CREATE TABLE {out['sql']} AS {body}", ["text"]), [str(dest[0])])
n = plpy.execute(f"SELECT count(*) AS n FROM {out['sql']} WHERE cardinality(path) > 0")[0]["n"]
return f"{fn}: {out['sql']}: {n} path(s) to {dest[0]}"
$py$;
CREATE OR REPLACE FUNCTION @extschema@.graph_sssp_get_path(sssp_table text, dest_vertex anyelement, path_table text)
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@._graph_sssp_get_path(sssp_table, @extschema@._graph_ids(dest_vertex), path_table)
$$;
COMMENT ON FUNCTION @extschema@.graph_sssp_get_path(text, anyelement, text) IS
    'indb_ml: MADlib''s path helper: the shortest path to dest_vertex from a graph_sssp() output into path_table(<grouping columns>, path); an unreached group gets an empty path';
