-- sssp: single-source shortest paths on the shared graph engine (Bellman-Ford where only vertices
-- whose distance dropped relax their out-edges in the next round), and path extraction.
--   SELECT @extschema@.graph_sssp(NULL, 'id', 'roads', 'src=a, dest=b, weight=cost', 17, 'sp');
--   SELECT @extschema@.graph_sssp_path('sp', 42);      -- {17, ..., 42}

-- engine => 'auto' (default: memory when the graph fits indb_ml.graph_memory_limit), 'memory' (numpy in
-- the backend) or 'sql' (the CSR read piece by piece through SQL).
DROP FUNCTION IF EXISTS @extschema@._graph_sssp(text, text, text, text, text[], text, boolean);
DROP FUNCTION IF EXISTS @extschema@.graph_sssp(text, text, text, text, anyelement, text, boolean);

CREATE OR REPLACE FUNCTION @extschema@._graph_sssp(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    source_vertices text[],
    out_table text,
    directed boolean DEFAULT true,
    engine text DEFAULT 'auto'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel sssp graph_prepare graph_sql_engine graph_engine registry identifiers graph
import time
import numpy as np
t0 = time.perf_counter()
schema, fn = "@extschema@", "graph_sssp"
engine_name = graph.engine_of(plpy, fn, engine)
if source_vertices is None or not source_vertices or any(v is None for v in source_vertices):
    plpy.error(f"{fn}: source_vertex must be a vertex id (or a non-empty array of them) without NULLs")
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, directed, weight_default="weight")
if prep["weight"]:
    if prep["n_null_weights"]:
        plpy.error(f"{fn}: {prep['n_null_weights']} edge(s) of {prep['edge_table']} have a NULL weight in column "
                   f"{prep['weight']!r}; fill or filter them")
    if prep["min_weight"] is not None and prep["min_weight"] < 0:
        plpy.error(f"{fn}: negative edge weight {prep['min_weight']:g} in column {prep['weight']!r} of "
                   f"{prep['edge_table']}: graph_sssp needs non-negative weights")
    if prep["min_weight"] is not None and not np.isfinite(prep["min_weight"]):
        plpy.error(f"{fn}: edge weights in column {prep['weight']!r} must be finite")
engine_name = graph.choose_engine(plpy, prep, engine_name)
sources = sorted(set(graph.lookup_vertices(plpy, prep, source_vertices, fn, "source vertex")))
rounds = graph.Rounds(plpy, fn)
pname = "parent" if id_name != "parent" else "parent_id"
if engine_name == "sql":
    g = graph_sql_engine.open_graph(plpy, prep)
else:
    g = graph_prepare.load(plpy, prep, ("out_deg", "out_dst", "out_w"))
if g.weighted and any(np.any(~np.isfinite(w)) for _, _, _, w in g.pieces("out")):
    plpy.error(f"{fn}: edge weights in column {prep['weight']!r} must be finite numbers")
dist, parent, nrounds = sssp.sssp(g, sources, on_round=rounds)
del g
reached = int(np.isfinite(dist).sum())
par_list = [None if p < 0 else p for p in parent.tolist()]
graph.write_vertex_table(plpy, prep, out, id_name, [("distance", "float8", dist), (pname, "vid", par_list)])
plpy.execute(f"CREATE UNIQUE INDEX ON {out['sql']} ({plpy.quote_ident(id_name)})")
model_id = graph.finish(plpy, schema, registry, fn, out, summary, prep, rounds,
                        {"sources": source_vertices, "engine": engine_name},
                        {"rounds": nrounds, "reached": reached, "edges_touched": rounds.edges_touched}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, fn, model_id, [
    ("vertex_id", "text", id_name), ("parent_column", "text", pname), ("weight", "text", prep["weight"] or None),
    ("source_vertices", "text[]", source_vertices), ("num_reached", "int8", reached),
    ("rounds", "int4", nrounds), ("edges_touched", "int8", rounds.edges_touched)]))
return (f"graph_sssp: {out['sql']}: {reached} of {prep['n_vertices']} vertices reached in {nrounds} rounds, "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms")
$py$;

CREATE OR REPLACE FUNCTION @extschema@.graph_sssp(
    vertex_table text, vertex_id text, edge_table text, edge_args text, source_vertex anyelement,
    out_table text, directed boolean DEFAULT true, engine text DEFAULT 'auto')
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@._graph_sssp(vertex_table, vertex_id, edge_table, edge_args,
                                   @extschema@._graph_ids(source_vertex), out_table, directed, engine)
$$;
COMMENT ON FUNCTION @extschema@.graph_sssp(text, text, text, text, anyelement, text, boolean, text) IS
    'indb_ml: shortest paths from a vertex (or array of vertices) with non-negative weights (weight= in edge_args, else a "weight" column, else 1 per edge); out_table(id, distance (Infinity if unreachable), parent)';

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
    -- follow parent pointers from the destination back to a source (a tree: depth bounded by the row count)
    EXECUTE format($q$
        WITH RECURSIVE back(v, p, depth) AS (
            SELECT %1$I, %2$I, 0 FROM %3$s WHERE %1$I = $1 AND distance < 'Infinity'
            UNION ALL
            SELECT t.%1$I, t.%2$I, b.depth + 1 FROM back b JOIN %3$s t ON t.%1$I = b.p
            WHERE b.depth < (SELECT count(*) FROM %3$s))
        SELECT array_agg(v ORDER BY depth DESC) FROM back$q$, idc, pc, rel)
    INTO path USING dest_vertex;
    RETURN path;
END
$$;
COMMENT ON FUNCTION @extschema@.graph_sssp_path(text, anyelement) IS
    'indb_ml: the shortest path source..dest_vertex from a graph_sssp() output table (NULL when unreachable)';
