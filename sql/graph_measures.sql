-- graph_measures: MADlib's measures over a graph_apsp() output, and vertex degrees (plpython/graph_measures.py).
--   SELECT @extschema@.graph_closeness('sp_all', 'sp_close');
--   SELECT @extschema@.graph_vertex_degrees('v', 'id', 'edges', 'src=a, dest=b', 'deg');

CREATE OR REPLACE FUNCTION @extschema@.graph_closeness(apsp_table text, out_table text,
                                                       vertex_filter_expr text DEFAULT NULL)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph graph_measures
return graph_measures.closeness(plpy, apsp_table, out_table, vertex_filter_expr)
$py$;
COMMENT ON FUNCTION @extschema@.graph_closeness(text, text, text) IS
    'indb_ml: MADlib''s closeness per source of a graph_apsp() output: (<groups>, <src>, inverse_sum_dist, inverse_avg_dist, sum_inverse_dist, k_degree)';

CREATE OR REPLACE FUNCTION @extschema@.graph_diameter(apsp_table text, out_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph graph_measures
return graph_measures.diameter(plpy, apsp_table, out_table)
$py$;
COMMENT ON FUNCTION @extschema@.graph_diameter(text, text) IS
    'indb_ml: MADlib''s diameter of a graph_apsp() output: (<groups>, diameter, diameter_end_vertices)';

CREATE OR REPLACE FUNCTION @extschema@.graph_avg_path_length(apsp_table text, out_table text,
                                                             vertex_filter_expr text DEFAULT NULL)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph graph_measures
return graph_measures.avg_path_length(plpy, apsp_table, out_table, vertex_filter_expr)
$py$;
COMMENT ON FUNCTION @extschema@.graph_avg_path_length(text, text, text) IS
    'indb_ml: MADlib''s average shortest-path length of a graph_apsp() output: (<groups>, avg_path_length)';

CREATE OR REPLACE FUNCTION @extschema@.graph_vertex_degrees(vertex_table text, vertex_id text, edge_table text,
                                                            edge_args text, out_table text,
                                                            grouping_cols text DEFAULT NULL)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel graph_prepare registry identifiers graph graph_measures
return graph_measures.vertex_degrees(plpy, vertex_table, vertex_id, edge_table, edge_args, out_table,
                                     grouping_cols)
$py$;
COMMENT ON FUNCTION @extschema@.graph_vertex_degrees(text, text, text, text, text, text) IS
    'indb_ml: MADlib''s in- and out-degrees (self-loops not counted): (<groups>, id, indegree, outdegree)';
