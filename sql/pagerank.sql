-- pagerank: PageRank on the shared graph engine with three schedules.
--   SELECT @extschema@.pagerank(NULL, 'id', 'edges', 'src=a, dest=b', 'pr_out');
--   SELECT @extschema@.pagerank('v', 'id', 'edges', 'src=a, dest=b', 'pr_out',
--                               tolerance => 1e-10, schedule => 'chromatic');
--   SELECT @extschema@.pagerank('v', 'id', 'edges', 'src=a, dest=b', 'pr_out', NULL, NULL, NULL, 'user_id');
-- sync: Jacobi rounds over the whole graph, stop when no vertex changed by more than the tolerance;
-- dynamic: prioritised residual push (largest pending change per out-edge first, threshold halving per
-- round), stops when the total pending change (L1) is at most the tolerance;
-- chromatic: Gauss-Seidel one colour at a time (serializable under edge consistency).
-- Dangling vertices (no out-edges) spread their rank like the personalization vector (networkx).

-- engine => 'auto' (default: 'memory' when the graph's arrays fit indb_ml.graph_memory_limit, else 'sql'),
-- 'memory' (numpy over the packed CSR in the backend) or 'sql' (the same kernels reading the prepared
-- CSR piece by piece through SQL each round: no backend memory proportional to the edges).
DROP FUNCTION IF EXISTS @extschema@.pagerank(text, text, text, text, text, double precision, integer,
                                             double precision, text, text[], boolean);
DROP FUNCTION IF EXISTS @extschema@.pagerank(text, text, text, text, text, double precision, integer,
                                             double precision, text, text[], boolean, text);

-- MADlib's call shape: pagerank(vertex_table, vertex_id, edge_table, edge_args, out_table,
-- damping_factor, max_iter, threshold, grouping_cols, personalization_vertices); ours by name after it
-- (schedule, directed, engine). NULL means the default: damping 0.85, 100 rounds, tolerance
-- 1 / (1000 * number of vertices) (MADlib's threshold).
CREATE OR REPLACE FUNCTION @extschema@.pagerank(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    out_table text,
    damping_factor double precision DEFAULT 0.85,
    max_iter integer DEFAULT 100,
    tolerance double precision DEFAULT NULL,
    grouping_cols text DEFAULT NULL,
    personalization_vertices text[] DEFAULT NULL,
    schedule text DEFAULT 'dynamic',
    directed boolean DEFAULT true,
    engine text DEFAULT 'auto'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel pagerank graph_color graph_prepare graph_sql_engine graph_engine registry identifiers graph graph_groups graph_multicol
import time
t0 = time.perf_counter()
schema, fn = "@extschema@", "pagerank"
global damping_factor, max_iter, tolerance, directed
damping_factor = 0.85 if damping_factor is None else damping_factor
max_iter = 100 if max_iter is None else max_iter
directed = True if directed is None else directed
if not (0.0 <= damping_factor < 1.0):
    plpy.error(f"{fn}: damping_factor must be in [0, 1), got {damping_factor}")
if max_iter < 1:
    plpy.error(f"{fn}: max_iter must be a positive number of rounds, got {max_iter}")
if tolerance is not None and not (tolerance >= 0.0):
    plpy.error(f"{fn}: tolerance must be >= 0, got {tolerance}")
sched_name = (schedule or "dynamic").strip().lower()
if sched_name not in ("sync", "dynamic", "chromatic"):
    plpy.error(f"{fn}: schedule must be 'sync', 'dynamic' or 'chromatic', got {schedule!r}")
if graph_multicol.is_multi(vertex_id):
    pv = (None if personalization_vertices is None else
          [graph_multicol.vertex_text(v) for v in personalization_vertices])
    plan = plpy.prepare(f"SELECT {schema}.pagerank($1, 'id', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                        ["text", "text", "text", "text", "float8", "int4", "float8", "text", "text[]", "text",
                         "bool", "text"])
    return graph_multicol.run(plpy, schema, fn, vertex_table, vertex_id, edge_table, edge_args, out_table,
                              lambda v, e, a, o: plpy.execute(plan, [
                                  v, e, a, o, damping_factor, max_iter, tolerance, grouping_cols, pv, sched_name,
                                  directed, engine]))
gcols = graph_groups.columns(plpy, fn, edge_table, grouping_cols)
if gcols:
    plan = plpy.prepare(f"SELECT {schema}.pagerank($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, $11, $12)",
                        ["text", "text", "text", "text", "text", "float8", "int4", "float8", "text[]", "text",
                         "bool", "text"])
    return graph_groups.run(plpy, schema, fn, edge_table, gcols, out_table, lambda e, o: plpy.execute(
        plan, [None, vertex_id, e, edge_args, o, damping_factor, max_iter, tolerance,
               personalization_vertices, sched_name, directed, engine]))
engine_name = graph.engine_of(plpy, fn, engine)
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, directed)
engine_name = graph.choose_engine(plpy, prep, engine_name)
if tolerance is None:
    tolerance = 1.0 / (1000.0 * prep["n_vertices"])     # MADlib's default threshold
pers = None
if personalization_vertices is not None:
    if not personalization_vertices or any(v is None for v in personalization_vertices):
        plpy.error(f"{fn}: personalization_vertices must be a non-empty array without NULLs")
    pers = sorted(set(graph.lookup_vertices(plpy, prep, personalization_vertices, fn, "personalization vertex")))
rounds = graph.Rounds(plpy, fn)
colors, ncolors = None, None
# both engines run the same kernels; the memory engine loads the CSR arrays it needs (sync gathers
# over the in-CSR, dynamic also pushes over the out-CSR, chromatic reads its colour classes' in-edges
# from cin_src and needs both CSRs only to colour the graph on first use), the sql engine reads them
# piece by piece through SQL each round
if engine_name == "sql":
    g = graph_sql_engine.open_graph(plpy, prep)
else:
    g = graph_prepare.load(plpy, prep, ("out_deg", "in_deg") + (
        ("in_src",) if sched_name == "sync" else ("in_src", "out_dst") if sched_name == "dynamic" or
        not graph_prepare.colors_cached(plpy, prep) else ()))
graph.mark(prep, "load")
p = pagerank.personalization_vector(g.n, pers)
if sched_name == "chromatic":
    colors, _ = graph_prepare.colors(plpy, prep, g, release=engine_name != "sql")     # frees both CSRs
    ncolors = int(colors.max()) + 1
    plpy.notice(f"{fn}: chromatic schedule with {ncolors} colours")
reader = graph_prepare.colour_class_reader(plpy, prep, g, colors) if colors is not None else None
rank, nrounds, converged = pagerank.pagerank(g, damping_factor, tolerance, max_iter, sched_name, p, colors, rounds,
                                             reader)
del g
graph.mark(prep, "rounds")
if not converged:
    plpy.warning(f"{fn}: did not converge to tolerance {tolerance:g} in {max_iter} rounds")
graph.write_vertex_table(plpy, prep, out, id_name, [("pagerank", "float8", rank)])
graph.mark(prep, "write")
metrics = {"rounds": nrounds, "converged": converged, "edges_touched": rounds.edges_touched,
           "schedule": sched_name, "num_colors": ncolors}
model_id = graph.finish(plpy, schema, registry, fn, out, summary, prep, rounds,
                        {"damping_factor": damping_factor, "max_iter": max_iter, "tolerance": tolerance,
                         "schedule": sched_name, "personalization_vertices": personalization_vertices,
                         "engine": engine_name},
                        metrics, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, fn, model_id, [
    ("schedule", "text", sched_name), ("damping_factor", "float8", damping_factor),
    ("tolerance", "float8", tolerance), ("__iterations__", "int4", nrounds), ("converged", "bool", converged),
    ("edges_touched", "int8", rounds.edges_touched), ("num_colors", "int4", ncolors),
    ("personalization_vertices", "text[]", personalization_vertices)]))
return (f"pagerank: {out['sql']}: {prep['n_vertices']} vertices, {sched_name} schedule, {nrounds} rounds, "
        f"{rounds.edges_touched} edges touched, {'converged' if converged else 'NOT converged'}, "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms")
$py$;
COMMENT ON FUNCTION @extschema@.pagerank(text, text, text, text, text, double precision, integer, double precision, text, text[], text, boolean, text) IS
    'indb_ml: PageRank, MADlib''s call shape (grouping_cols: one run per group; schedules sync | dynamic | chromatic; engine auto | memory | sql); out_table(id, pagerank) and out_table_summary';
