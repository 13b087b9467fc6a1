-- wcc: weakly connected components on the shared graph engine (min-label propagation with
-- dirty-vertex scheduling); component_id = the smallest vertex id of the component.
--   SELECT @extschema@.wcc(NULL, 'id', 'edges', 'src=a, dest=b', 'wcc_out');
--   SELECT * FROM @extschema@.graph_wcc_histogram('wcc_out');          -- (component_size, num_components)
--   SELECT @extschema@.graph_wcc_histogram('wcc_out', 'wcc_hist');    -- MADlib: (component_id, num_vertices)

-- engine => 'auto' (default: memory when the graph fits indb_ml.graph_memory_limit), 'memory' (numpy in
-- the backend) or 'sql' (the CSR read piece by piece through SQL).
DROP FUNCTION IF EXISTS @extschema@.wcc(text, text, text, text, text, boolean);
DROP FUNCTION IF EXISTS @extschema@.wcc(text, text, text, text, text, boolean, text);
DROP FUNCTION IF EXISTS @extschema@.weakly_connected_components(text, text, text, text, text, boolean);
DROP FUNCTION IF EXISTS @extschema@.weakly_connected_components(text, text, text, text, text, boolean, text);

-- MADlib's call shape: wcc(vertex_table, vertex_id, edge_table, edge_args, out_table, grouping_cols,
-- iteration_limit, warm_start); ours by name after it (directed, engine).
CREATE OR REPLACE FUNCTION @extschema@.wcc(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    out_table text,
    grouping_cols text DEFAULT NULL,
    iteration_limit integer DEFAULT NULL,
    warm_start boolean DEFAULT NULL,
    directed boolean DEFAULT true,
    engine text DEFAULT 'auto'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel wcc graph_prepare graph_sql_engine graph_engine registry identifiers graph graph_groups graph_multicol wcc_warm
import time
import numpy as np
t0 = time.perf_counter()
schema, fn = "@extschema@", "wcc"
global directed
directed = True if directed is None else directed
limit = None if not iteration_limit else iteration_limit        # MADlib: NULL or 0 = no limit
if limit is not None and limit < 0:
    plpy.error(f"{fn}: iteration_limit must be >= 0 (0 or NULL: no limit), got {iteration_limit}")
if (limit is not None or warm_start) and graph_multicol.is_multi(vertex_id):
    plpy.error(f"{fn}: iteration_limit and warm_start are not supported with multi-column vertex ids")
engine_name = graph.engine_of(plpy, fn, engine)
if graph_multicol.is_multi(vertex_id):
    plan = plpy.prepare(f"SELECT {schema}.wcc($1, 'id', $2, $3, $4, $5, directed => $6, engine => $7)",
                        ["text", "text", "text", "text", "text", "bool", "text"])
    return graph_multicol.run(plpy, schema, fn, vertex_table, vertex_id, edge_table, edge_args, out_table,
                              lambda v, e, a, o: plpy.execute(plan, [v, e, a, o, grouping_cols, directed,
                                                                     engine_name]), component=True)
gcols = graph_groups.columns(plpy, fn, edge_table, grouping_cols)
if gcols:
    plan = plpy.prepare(f"SELECT {schema}.wcc($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9)",
                        ["text", "text", "text", "text", "text", "int4", "bool", "bool", "text"])
    return graph_groups.run(plpy, schema, fn, edge_table, gcols, out_table, lambda e, o: plpy.execute(
        plan, [None, vertex_id, e, edge_args, o, iteration_limit, warm_start, directed, engine_name]),
        extra=("_message",), warm=bool(warm_start))
label0 = sched0 = None
if warm_start:
    out, summary, message, prep, id_name, label0, sched0 = wcc_warm.resume(
        plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table, edge_args, directed)
else:
    out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                              edge_args, directed)
    message = wcc_warm.message_table(plpy, out)
    if limit is not None and plpy.execute(plpy.prepare("SELECT pg_catalog.to_regclass($1) IS NOT NULL AS e",
                                                       ["text"]), [message["sql"]])[0]["e"]:
        plpy.error(f"{fn}: {message['sql']} already exists; drop it or choose another out_table")
engine_name = graph.choose_engine(plpy, prep, engine_name)
rounds = graph.Rounds(plpy, fn)
cname = "component_id" if id_name != "component_id" else "component"
if engine_name == "sql":
    g = graph_sql_engine.open_graph(plpy, prep)
else:
    g = graph_prepare.load(plpy, prep, ("out_deg", "out_dst") + (("in_deg", "in_src") if prep["directed"] else ()))
graph.mark(prep, "load")
state = {}
label, nrounds, converged = wcc.wcc(g, max_iter=limit, on_round=rounds, label=label0, sched=sched0, state=state)
del g
graph.mark(prep, "rounds")
pending = state.get("sched", np.zeros(0, dtype=np.int64)) if not converged else np.zeros(0, dtype=np.int64)
if pending.size:
    wcc_warm.write_message(plpy, prep, message, id_name, cname, label, pending)
sizes = np.bincount(label)
ncomp, largest = int(np.count_nonzero(sizes)), int(sizes.max())
graph.write_vertex_table(plpy, prep, out, id_name, [(cname, "vid", label)])
plpy.execute(f"CREATE INDEX ON {out['sql']} ({plpy.quote_ident(cname)})")
graph.mark(prep, "write")
model_id = graph.finish(plpy, schema, registry, fn, out, summary, prep, rounds, {"engine": engine_name},
                        {"rounds": nrounds, "num_components": ncomp, "largest_component_size": largest,
                         "edges_touched": rounds.edges_touched}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, fn, model_id, [
    ("vertex_id", "text", id_name), ("edge_args", "text", edge_args), ("component_column", "text", cname),
    ("num_components", "int8", ncomp), ("largest_component_size", "int8", largest),
    ("rounds", "int4", nrounds), ("edges_touched", "int8", rounds.edges_touched),
    ("iteration_limit", "int4", iteration_limit), ("nodes_to_update", "int8", int(pending.size))]))
return (f"wcc: {out['sql']}: {ncomp} components (largest {largest} of {prep['n_vertices']} vertices) in {nrounds} rounds, "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms")
$py$;
COMMENT ON FUNCTION @extschema@.wcc(text, text, text, text, text, text, integer, boolean, boolean, text) IS
    'indb_ml: weakly connected components, MADlib''s call shape (grouping_cols: one run per group; engine auto | memory | sql); out_table(id, component_id = smallest vertex id of the component)';

CREATE OR REPLACE FUNCTION @extschema@.weakly_connected_components(
    vertex_table text, vertex_id text, edge_table text, edge_args text, out_table text,
    grouping_cols text DEFAULT NULL, iteration_limit integer DEFAULT NULL, warm_start boolean DEFAULT NULL,
    directed boolean DEFAULT true, engine text DEFAULT 'auto')
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@.wcc(vertex_table, vertex_id, edge_table, edge_args, out_table, grouping_cols,
                           iteration_limit, warm_start, directed, engine)
$$;
COMMENT ON FUNCTION @extschema@.weakly_connected_components(text, text, text, text, text, text, integer, boolean, boolean, text) IS
    'indb_ml: the MADlib name of wcc()';

CREATE OR REPLACE FUNCTION @extschema@._wcc_component_column(wcc_table text)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    rel regclass := pg_catalog.to_regclass(wcc_table);
    col text;
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION 'wcc helper: table % does not exist', wcc_table;
    END IF;
    SELECT a.attname INTO col FROM pg_catalog.pg_attribute a
    WHERE a.attrelid = rel AND a.attnum = 2 AND NOT a.attisdropped
      AND a.attname IN ('component_id', 'component');
    IF col IS NULL THEN
        RAISE EXCEPTION 'wcc helper: % is not a wcc() output table (no component_id column)', wcc_table;
    END IF;
    RETURN col;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@.graph_wcc_histogram(wcc_table text)
RETURNS TABLE (component_size bigint, num_components bigint) LANGUAGE plpgsql STABLE AS $$
DECLARE
    col text := @extschema@._wcc_component_column(wcc_table);
BEGIN
    RETURN QUERY EXECUTE format(
        'SELECT s.n, count(*) FROM (SELECT count(*) AS n FROM %s GROUP BY %I) s GROUP BY s.n ORDER BY s.n DESC',
        pg_catalog.to_regclass(wcc_table), col);
END
$$;
COMMENT ON FUNCTION @extschema@.graph_wcc_histogram(text) IS
    'indb_ml: component-size histogram of a wcc() output table: (component_size, num_components)';

CREATE OR REPLACE FUNCTION @extschema@.graph_wcc_num_cpts(wcc_table text)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    col text := @extschema@._wcc_component_column(wcc_table);
    n bigint;
BEGIN
    EXECUTE format('SELECT count(DISTINCT %I) FROM %s', col, pg_catalog.to_regclass(wcc_table)) INTO n;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.graph_wcc_num_cpts(text) IS 'indb_ml: number of components in a wcc() output table';

-- MADlib's helpers: each writes one table, grouping columns first (plpython/wcc_helpers.py).
DROP FUNCTION IF EXISTS @extschema@.graph_wcc_largest_cpt(text, text);
CREATE OR REPLACE FUNCTION @extschema@.graph_wcc_largest_cpt(wcc_table text, largest_cpt_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph_multicol wcc_helpers
return wcc_helpers.largest(plpy, wcc_table, largest_cpt_table)
$py$;
COMMENT ON FUNCTION @extschema@.graph_wcc_largest_cpt(text, text) IS
    'indb_ml: the largest component(s) of each group of a wcc() output into largest_cpt_table(<groups>, component_id, num_vertices), ties all kept';

CREATE OR REPLACE FUNCTION @extschema@.graph_wcc_histogram(wcc_table text, histogram_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph_multicol wcc_helpers
return wcc_helpers.histogram(plpy, wcc_table, histogram_table)
$py$;
COMMENT ON FUNCTION @extschema@.graph_wcc_histogram(text, text) IS
    'indb_ml: MADlib''s histogram: the size of every component into histogram_table(<groups>, component_id, num_vertices)';

CREATE OR REPLACE FUNCTION @extschema@.graph_wcc_num_cpts(wcc_table text, count_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph_multicol wcc_helpers
return wcc_helpers.num_cpts(plpy, wcc_table, count_table)
$py$;
COMMENT ON FUNCTION @extschema@.graph_wcc_num_cpts(text, text) IS
    'indb_ml: the number of components of each group into count_table(<groups>, num_components)';

CREATE OR REPLACE FUNCTION @extschema@._graph_wcc_vertex_check(wcc_table text, vertex_pair text[], pair_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph_multicol wcc_helpers
return wcc_helpers.vertex_check(plpy, wcc_table, vertex_pair, pair_table)
$py$;
CREATE OR REPLACE FUNCTION @extschema@.graph_wcc_vertex_check(wcc_table text, vertex_pair anyarray, pair_table text)
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@._graph_wcc_vertex_check(wcc_table, vertex_pair::text::text[], pair_table)
$$;
-- an array literal ('{{14,14},{15,15}}': two multi-column vertex ids) arrives as text
CREATE OR REPLACE FUNCTION @extschema@.graph_wcc_vertex_check(wcc_table text, vertex_pair text, pair_table text)
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@._graph_wcc_vertex_check(wcc_table, vertex_pair::text[], pair_table)
$$;
COMMENT ON FUNCTION @extschema@.graph_wcc_vertex_check(text, anyarray, text) IS
    'indb_ml: the groups (and component) where both vertices of vertex_pair are in one component, into pair_table(<groups>, component_id)';

CREATE OR REPLACE FUNCTION @extschema@._graph_wcc_reachable_vertices(wcc_table text, src text[], out_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph_multicol wcc_helpers
return wcc_helpers.reachable(plpy, wcc_table, src, out_table)
$py$;
CREATE OR REPLACE FUNCTION @extschema@.graph_wcc_reachable_vertices(wcc_table text, src anyelement, out_table text)
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@._graph_wcc_reachable_vertices(wcc_table, @extschema@._graph_ids(src), out_table)
$$;
COMMENT ON FUNCTION @extschema@.graph_wcc_reachable_vertices(text, anyelement, text) IS
    'indb_ml: every other vertex of src''s component, per group, into out_table(<groups>, component_id, dest)';
