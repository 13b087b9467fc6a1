-- wcc: weakly connected components on the shared graph engine (min-label propagation with
-- dirty-vertex scheduling); component_id = the smallest vertex id of the component.
--   SELECT @extschema@.wcc(NULL, 'id', 'edges', 'src=a, dest=b', 'wcc_out');
--   SELECT * FROM @extschema@.graph_wcc_histogram('wcc_out');

-- engine => 'auto' (default: memory when the graph fits indb_ml.graph_memory_limit), 'memory' (numpy in
-- the backend) or 'sql' (the CSR read piece by piece through SQL).
DROP FUNCTION IF EXISTS @extschema@.wcc(text, text, text, text, text, boolean);

CREATE OR REPLACE FUNCTION @extschema@.wcc(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    out_table text,
    directed boolean DEFAULT true,
    engine text DEFAULT 'auto'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel wcc graph_prepare graph_sql_engine graph_engine registry identifiers graph
import time
import numpy as np
t0 = time.perf_counter()
schema, fn = "@extschema@", "wcc"
engine_name = graph.engine_of(plpy, fn, engine)
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, directed)
engine_name = graph.choose_engine(plpy, prep, engine_name)
rounds = graph.Rounds(plpy, fn)
cname = "component_id" if id_name != "component_id" else "component"
if engine_name == "sql":
    g = graph_sql_engine.open_graph(plpy, prep)
else:
    g = graph_prepare.load(plpy, prep, ("out_deg", "out_dst") + (("in_deg", "in_src") if prep["directed"] else ()))
label, nrounds, _ = wcc.wcc(g, on_round=rounds)
del g
sizes = np.bincount(label)
ncomp, largest = int(np.count_nonzero(sizes)), int(sizes.max())
graph.write_vertex_table(plpy, prep, out, id_name, [(cname, "vid", label.astype(np.int32))])
plpy.execute(f"CREATE INDEX ON {out['sql']} ({plpy.quote_ident(cname)})")
model_id = graph.finish(plpy, schema, registry, fn, out, summary, prep, rounds, {"engine": engine_name},
                        {"rounds": nrounds, "num_components": ncomp, "largest_component_size": largest,
                         "edges_touched": rounds.edges_touched}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, fn, model_id, [
    ("vertex_id", "text", id_name), ("component_column", "text", cname),
    ("num_components", "int8", ncomp), ("largest_component_size", "int8", largest),
    ("rounds", "int4", nrounds), ("edges_touched", "int8", rounds.edges_touched)]))
return (f"wcc: {out['sql']}: {ncomp} components (largest {largest} of {prep['n_vertices']} vertices) in {nrounds} rounds, "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms")
$py$;
COMMENT ON FUNCTION @extschema@.wcc(text, text, text, text, text, boolean, text) IS
    'indb_ml: weakly connected components (engine auto | memory | sql); out_table(id, component_id = smallest vertex id of the component)';

DROP FUNCTION IF EXISTS @extschema@.weakly_connected_components(text, text, text, text, text, boolean);
CREATE OR REPLACE FUNCTION @extschema@.weakly_connected_components(
    vertex_table text, vertex_id text, edge_table text, edge_args text, out_table text,
    directed boolean DEFAULT true, engine text DEFAULT 'auto')
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@.wcc(vertex_table, vertex_id, edge_table, edge_args, out_table, directed, engine)
$$;
COMMENT ON FUNCTION @extschema@.weakly_connected_components(text, text, text, text, text, boolean, text) IS
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

CREATE OR REPLACE FUNCTION @extschema@.graph_wcc_largest_cpt(wcc_table text, out_table text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    col text := @extschema@._wcc_component_column(wcc_table);
    n bigint;
BEGIN
    IF pg_catalog.to_regclass(out_table) IS NOT NULL THEN
        RAISE EXCEPTION 'graph_wcc_largest_cpt: output table % already exists', out_table;
    END IF;
    -- ties between equally large components: the one with the smallest component id
    EXECUTE format(
        'CREATE TABLE %s AS SELECT %2$I, count(*) AS num_vertices FROM %3$s GROUP BY %2$I '
        'ORDER BY count(*) DESC, %2$I LIMIT 1',
        (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(p), '.') FROM pg_catalog.unnest(pg_catalog.parse_ident(out_table)) p),
        col, pg_catalog.to_regclass(wcc_table));
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN format('graph_wcc_largest_cpt: %s', out_table);
END
$$;
COMMENT ON FUNCTION @extschema@.graph_wcc_largest_cpt(text, text) IS
    'indb_ml: the largest component of a wcc() output table into out_table(component_id, num_vertices)';
