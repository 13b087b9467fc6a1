-- hits: MADlib's HITS (hubs and authorities) on a prepared graph (plpython/hits.py).
--   SELECT @extschema@.hits('v', 'id', 'edges', 'src=a, dest=b', 'hits_out');

CREATE OR REPLACE FUNCTION @extschema@.hits(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    out_table text,
    max_iter integer DEFAULT 100,
    threshold double precision DEFAULT NULL,
    grouping_cols text DEFAULT NULL,
    directed boolean DEFAULT true
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel hits graph_prepare graph_engine registry identifiers graph graph_groups graph_multicol
global max_iter, threshold, directed
import time
t0 = time.perf_counter()
schema, fn = "@extschema@", "hits"
max_iter = 100 if max_iter is None else max_iter
directed = True if directed is None else directed
if max_iter < 1:
    plpy.error(f"{fn}: max_iter must be a positive number of rounds, got {max_iter}")
if threshold is not None and not (threshold >= 0.0):
    plpy.error(f"{fn}: threshold must be >= 0, got {threshold}")
if graph_multicol.is_multi(vertex_id):
    plan = plpy.prepare(f"SELECT {schema}.hits($1, 'id', $2, $3, $4, $5, $6, $7, $8)",
                        ["text", "text", "text", "text", "int4", "float8", "text", "bool"])
    return graph_multicol.run(plpy, schema, fn, vertex_table, vertex_id, edge_table, edge_args, out_table,
                              lambda v, e, a, o: plpy.execute(plan, [v, e, a, o, max_iter, threshold,
                                                                     grouping_cols, directed]))
gcols = graph_groups.columns(plpy, fn, edge_table, grouping_cols)
if gcols:
    # MADlib's HITS scores every vertex of the vertex table in each group
    plan = plpy.prepare(f"SELECT {schema}.hits($1, $2, $3, $4, $5, $6, $7, NULL, $8)",
                        ["text", "text", "text", "text", "text", "int4", "float8", "bool"])
    return graph_groups.run(plpy, schema, fn, edge_table, gcols, out_table, lambda e, o: plpy.execute(
        plan, [vertex_table, vertex_id, e, edge_args, o, max_iter, threshold, directed]))
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, directed)
if threshold is None:
    threshold = 1.0 / (1000.0 * prep["n_vertices"])      # MADlib's default, as PageRank's
g = graph_prepare.load(plpy, prep, ("out_deg", "out_dst"))
try:
    auth, hub, nrounds, converged = hits.hits(g, max_iter, threshold)
except ValueError as exc:
    plpy.error(f"{fn}: {exc}")
del g
graph.write_vertex_table(plpy, prep, out, id_name, [("authority", "float8", auth), ("hub", "float8", hub)])
model_id = graph.finish(plpy, schema, registry, fn, out, summary, prep, None,
                        {"max_iter": max_iter, "threshold": threshold}, {"rounds": nrounds, "converged": converged}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, fn, model_id, [
    ("vertex_id", "text", id_name), ("edge_args", "text", edge_args), ("threshold", "float8", threshold),
    ("__iterations__", "int4", nrounds), ("converged", "bool", converged)]))
return f"{fn}: {out['sql']}: {prep['n_vertices']} vertices, {nrounds} rounds"
$py$;
COMMENT ON FUNCTION @extschema@.hits(text, text, text, text, text, integer, double precision, text, boolean) IS
    'indb_ml: HITS hubs and authorities, MADlib''s call shape and iteration (L2-normalised, threshold default 1/(1000 N)); out_table(id, authority, hub)';
