"""Steps of apache/madlib src/ports/postgres/modules/graph/test/wcc.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'graph/test/wcc.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS vertex, "EDGE"'),
 ('setup', 'CREATE TABLE vertex(\nvertex_id INTEGER\n)'),
 ('setup', 'CREATE TABLE "EDGE"(\nsrc_node INTEGER,\ndest_node INTEGER,\nuser_id INTEGER\n)'),
 ('setup',
  'INSERT INTO vertex VALUES\n'
  '(0),\n'
  '(1),\n'
  '(2),\n'
  '(3),\n'
  '(4),\n'
  '(5),\n'
  '(6),\n'
  '(10),\n'
  '(11),\n'
  '(12),\n'
  '(13),\n'
  '(14),\n'
  '(15),\n'
  '(16)'),
 ('setup',
  'INSERT INTO "EDGE" VALUES\n'
  '(0, 1, 1),\n'
  '(0, 2, 1),\n'
  '(1, 2, 1),\n'
  '(1, 3, 1),\n'
  '(2, 3, 1),\n'
  '(2, 5, 1),\n'
  '(2, 6, 1),\n'
  '(3, 0, 1),\n'
  '(5, 6, 1),\n'
  '(6, 3, 1),\n'
  '(10, 11, 1),\n'
  '(10, 12, 1),\n'
  '(11, 12, 1),\n'
  '(11, 13, 1),\n'
  '(12, 13, 1),\n'
  '(13, 10, 1),\n'
  '(15, 16, 1),\n'
  '(15, 14, 1)'),
 ('setup', 'DROP TABLE IF EXISTS wcc_out, wcc_out_summary'),
 ('case',
  'weakly_connected_components: SELECT weakly_connected_components( \'vertex\', \'vertex_id\', \'"EDGE"\', '
  "'src=src_node,dest=de",
  'SELECT weakly_connected_components(\n'
  "    'vertex',\n"
  "    'vertex_id',\n"
  '    \'"EDGE"\',\n'
  "    'src=src_node,dest=dest_node',\n"
  "    'wcc_out')"),
 ('check', 'FROM wcc_out', ['relative_error(count(distinct component_id), 4) < 0.00001']),
 ('setup',
  'INSERT INTO "EDGE" VALUES\n'
  '(0, 1, 2),\n'
  '(0, 2, 2),\n'
  '(1, 2, 2),\n'
  '(1, 3, 2),\n'
  '(2, 3, 2),\n'
  '(2, 5, 2),\n'
  '(2, 6, 2),\n'
  '(3, 0, 2),\n'
  '(5, 6, 2),\n'
  '(6, 3, 2),\n'
  '(10, 11, 2),\n'
  '(10, 12, 2),\n'
  '(11, 12, 2),\n'
  '(11, 13, 2),\n'
  '(12, 13, 2),\n'
  '(13, 10, 2),\n'
  '(15, 16, 2),\n'
  '(15, 14, 2)'),
 ('setup', 'DROP TABLE IF EXISTS wcc_out, wcc_out_summary'),
 ('case',
  'weakly_connected_components: SELECT weakly_connected_components( \'vertex\', \'vertex_id\', \'"EDGE"\', '
  "'src=src_node,dest=de",
  'SELECT weakly_connected_components(\n'
  "    'vertex',\n"
  "    'vertex_id',\n"
  '    \'"EDGE"\',\n'
  "    'src=src_node,dest=dest_node',\n"
  "    'wcc_out',\n"
  "    'user_id')"),
 ('check', 'FROM wcc_out WHERE user_id=2', ['relative_error(count(distinct component_id), 3) < 0.00001']),
 ('check', 'FROM wcc_out WHERE user_id=1', ['relative_error(count(distinct component_id), 3) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS largest_cpt_table'),
 ('case',
  "graph_wcc_largest_cpt: SELECT graph_wcc_largest_cpt( 'wcc_out', 'largest_cpt_table')",
  "SELECT graph_wcc_largest_cpt(\n     'wcc_out',             \n     'largest_cpt_table')"),
 ('check', 'FROM largest_cpt_table WHERE user_id=2', ['relative_error(num_vertices, 6) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS histogram_table'),
 ('case',
  "graph_wcc_histogram: SELECT graph_wcc_histogram( 'wcc_out', 'histogram_table')",
  "SELECT graph_wcc_histogram(\n     'wcc_out',           \n     'histogram_table')"),
 ('check',
  'FROM histogram_table WHERE user_id=1 and component_id=10',
  ['relative_error(num_vertices, 4) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS vc_table'),
 ('case',
  "graph_wcc_vertex_check: SELECT graph_wcc_vertex_check( 'wcc_out', ARRAY[14,15], 'vc_table')",
  "SELECT graph_wcc_vertex_check(\n     'wcc_out',    \n     ARRAY[14,15], \n     'vc_table')"),
 ('check', 'FROM vc_table WHERE user_id=1', ['relative_error(count(DISTINCT component_id), 1) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS reach_table'),
 ('case',
  "graph_wcc_reachable_vertices: SELECT graph_wcc_reachable_vertices( 'wcc_out', 0, 'reach_table')",
  'SELECT graph_wcc_reachable_vertices(\n'
  "     'wcc_out',         \n"
  '     0,               \n'
  "     'reach_table')"),
 ('check', 'FROM reach_table WHERE user_id=2', ['relative_error(count(dest), 5) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS count_table'),
 ('case',
  "graph_wcc_num_cpts: SELECT graph_wcc_num_cpts( 'wcc_out', 'count_table')",
  "SELECT graph_wcc_num_cpts(\n     'wcc_out',       \n     'count_table')"),
 ('check', 'FROM count_table WHERE user_id=1', ['relative_error(num_components, 3) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN vertex_id TO src'),
 ('case',
  'weakly_connected_components: SELECT weakly_connected_components(\'vertex\',\'src\',\'"EDGE"\', '
  "'src=src_node,dest=dest_node',",
  'SELECT weakly_connected_components(\'vertex\',\'src\',\'"EDGE"\',\n'
  "    'src=src_node,dest=dest_node','out','user_id')"),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN src TO dest'),
 ('case',
  'weakly_connected_components: SELECT weakly_connected_components(\'vertex\',\'dest\',\'"EDGE"\', '
  "'src=src_node,dest=dest_node'",
  'SELECT weakly_connected_components(\'vertex\',\'dest\',\'"EDGE"\',\n'
  "    'src=src_node,dest=dest_node','out','user_id')"),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN dest TO vertex_id'),
 ('setup', 'DROP TABLE IF EXISTS v2,e2'),
 ('setup', 'CREATE TABLE v2 AS SELECT (vertex_id+992147483647)::bigint as id FROM vertex'),
 ('setup',
  'CREATE TABLE e2 AS SELECT (src_node+992147483647)::bigint as src, (dest_node+992147483647)::bigint as '
  'dest, user_id FROM "EDGE"'),
 ('case',
  "weakly_connected_components: SELECT weakly_connected_components('v2',NULL,'e2',NULL,'pg_temp.wcc_out')",
  "SELECT weakly_connected_components('v2',NULL,'e2',NULL,'pg_temp.wcc_out')"),
 ('case', 'count: SELECT count(*) from pg_temp.wcc_out', 'SELECT count(*) from pg_temp.wcc_out'),
 ('case',
  'count: SELECT count(*) from pg_temp.wcc_out_summary',
  'SELECT count(*) from pg_temp.wcc_out_summary'),
 ('setup', 'DROP TABLE IF EXISTS vertex_mult, edge_mult CASCADE'),
 ('setup', 'CREATE TABLE vertex_mult AS SELECT vertex_id AS id1, vertex_id AS id2 FROM vertex'),
 ('setup',
  'CREATE TABLE edge_mult AS\n'
  'SELECT src_node AS src1, src_node AS src2,\n'
  '       dest_node AS dest1, dest_node AS dest2,\n'
  '       user_id AS user_id1, user_id AS user_id2\n'
  'FROM "EDGE"\n'
  'WHERE user_id = 1'),
 ('setup', 'DROP TABLE IF EXISTS wcc_mult_out CASCADE'),
 ('setup', 'DROP TABLE IF EXISTS wcc_mult_out_summary CASCADE'),
 ('case',
  "weakly_connected_components: SELECT weakly_connected_components( 'vertex_mult', '[id1,id2]', 'edge_mult', "
  "'src=[src1,sr",
  'SELECT weakly_connected_components(\n'
  "    'vertex_mult',\n"
  "    '[id1,id2]',\n"
  "    'edge_mult',\n"
  "    'src=[src1,src2], dest=[dest1,dest2]',\n"
  "    'wcc_mult_out')"),
 ('check', 'FROM wcc_out', ['relative_error(count(distinct component_id), 4) < 0.00001']),
 ('setup',
  'INSERT INTO edge_mult\n'
  'SELECT src_node AS src1, src_node AS src2,\n'
  '       dest_node AS dest1, dest_node AS dest2,\n'
  '       user_id AS user_id1, user_id AS user_id2\n'
  'FROM "EDGE"\n'
  'WHERE user_id = 2'),
 ('setup', 'DROP TABLE IF EXISTS wcc_mult_out CASCADE'),
 ('setup', 'DROP TABLE IF EXISTS wcc_mult_out_summary CASCADE'),
 ('case',
  "weakly_connected_components: SELECT weakly_connected_components( 'vertex_mult', '[id1,id2]', 'edge_mult', "
  "'src=[src1,sr",
  'SELECT weakly_connected_components(\n'
  "    'vertex_mult',\n"
  "    '[id1,id2]',\n"
  "    'edge_mult',\n"
  "    'src=[src1,src2], dest=[dest1,dest2]',\n"
  "    'wcc_mult_out',\n"
  "    'user_id1,user_id2')"),
 ('check',
  'FROM wcc_mult_out WHERE user_id1=1',
  ['relative_error(count(distinct component_id), 3) < 0.00001']),
 ('check',
  'FROM wcc_mult_out WHERE user_id1=1',
  ['relative_error(count(distinct component_id), 3) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS largest_cpt_table'),
 ('case',
  "graph_wcc_largest_cpt: SELECT graph_wcc_largest_cpt( 'wcc_mult_out', 'largest_cpt_table')",
  "SELECT graph_wcc_largest_cpt(\n     'wcc_mult_out',             \n     'largest_cpt_table')"),
 ('check', 'FROM largest_cpt_table WHERE user_id1=2', ['relative_error(num_vertices, 6) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS histogram_table'),
 ('case',
  "graph_wcc_histogram: SELECT graph_wcc_histogram( 'wcc_mult_out', 'histogram_table')",
  "SELECT graph_wcc_histogram(\n     'wcc_mult_out',           \n     'histogram_table')"),
 ('check',
  'FROM histogram_table WHERE user_id1=1',
  ["array_agg(num_vertices order by num_vertices asc)= '{3, 4, 6}'"]),
 ('setup', 'DROP TABLE IF EXISTS vc_table'),
 ('case',
  "graph_wcc_vertex_check: SELECT graph_wcc_vertex_check( 'wcc_mult_out', '{{14,14},{15,15}}', 'vc_table')",
  'SELECT graph_wcc_vertex_check(\n'
  "     'wcc_mult_out',    \n"
  "     '{{14,14},{15,15}}',      \n"
  "     'vc_table')"),
 ('check', 'FROM vc_table WHERE user_id1=1', ['relative_error(count(DISTINCT component_id), 1) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS reach_table'),
 ('case',
  "graph_wcc_reachable_vertices: SELECT graph_wcc_reachable_vertices( 'wcc_mult_out', '{0,0}'::BIGINT[], "
  "'reach_table')",
  'SELECT graph_wcc_reachable_vertices(\n'
  "     'wcc_mult_out',         \n"
  "     '{0,0}'::BIGINT[],               \n"
  "     'reach_table')"),
 ('check', 'FROM reach_table WHERE user_id1=2', ['relative_error(count(dest), 5) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS count_table'),
 ('case',
  "graph_wcc_num_cpts: SELECT graph_wcc_num_cpts( 'wcc_mult_out', 'count_table')",
  "SELECT graph_wcc_num_cpts(\n     'wcc_mult_out',       \n     'count_table')"),
 ('check', 'FROM count_table WHERE user_id1=1', ['relative_error(num_components, 3) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS wcc_non_warm_start_out, wcc_non_warm_start_out_summary'),
 ('case',
  'weakly_connected_components: SELECT '
  "weakly_connected_components('v2',NULL,'e2',NULL,'wcc_non_warm_start_out')",
  "SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_non_warm_start_out')"),
 ('setup', 'DROP TABLE IF EXISTS wcc_warm_start_out, wcc_warm_start_out_summary, wcc_warm_start_out_message'),
 ('case',
  "weakly_connected_components: SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', "
  'NULL, 1)',
  "SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', NULL, 1)"),
 ('check', 'FROM wcc_warm_start_out_summary', ['count(*) > 0']),
 ('check', 'FROM wcc_warm_start_out_summary', ['nodes_to_update > 0']),
 ('check', 'FROM wcc_warm_start_out_message', ['count(*) > 0']),
 ('check', 'FROM wcc_warm_start_out_summary', ['nodes_to_update > 0']),
 ('case',
  "weakly_connected_components: SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', "
  'NULL, 1, True',
  "SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', NULL, 1, True)"),
 ('check', 'FROM wcc_warm_start_out_summary', ['count(*) > 0']),
 ('check', 'FROM wcc_warm_start_out_summary', ['nodes_to_update > 0']),
 ('check', 'FROM wcc_warm_start_out_message', ['count(*) > 0']),
 ('case',
  "weakly_connected_components: SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', "
  'NULL, 2, True',
  "SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', NULL, 2, True)"),
 ('check', 'FROM wcc_warm_start_out_summary', ['nodes_to_update = 0']),
 ('check',
  'FROM wcc_non_warm_start_out w1, wcc_warm_start_out w2\n'
  'WHERE w1.id = w2.id AND w1.component_id != w2.component_id',
  ['count(*) < 0.00001']),
 ('check',
  'FROM wcc_warm_start_out\nWHERE component_id = 992147483657',
  ['relative_error(count(*), 4) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS wcc_non_warm_start_out, wcc_non_warm_start_out_summary'),
 ('case',
  'weakly_connected_components: SELECT '
  "weakly_connected_components('v2',NULL,'e2',NULL,'wcc_non_warm_start_out', 'user_id'",
  "SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_non_warm_start_out', 'user_id')"),
 ('setup', 'DROP TABLE IF EXISTS wcc_warm_start_out, wcc_warm_start_out_summary, wcc_warm_start_out_message'),
 ('case',
  "weakly_connected_components: SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', "
  "'user_id', 2)",
  "SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', 'user_id', 2)"),
 ('check', 'FROM wcc_warm_start_out_summary', ['count(*) > 0']),
 ('check', 'FROM wcc_warm_start_out_message', ['count(*) > 0']),
 ('check', 'FROM wcc_warm_start_out_summary', ['nodes_to_update > 0']),
 ('case',
  "weakly_connected_components: SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', "
  "'user_id', 2,",
  "SELECT weakly_connected_components('v2',NULL,'e2',NULL,'wcc_warm_start_out', 'user_id', 2, True)"),
 ('check',
  'FROM wcc_non_warm_start_out w1, wcc_warm_start_out w2\n'
  'WHERE w1.id = w2.id AND w1.user_id = w2.user_id AND w1.component_id != w2.component_id',
  ['count(*) = 0']),
 ('check',
  'FROM wcc_warm_start_out WHERE user_id=1 AND component_id = 992147483657',
  ['relative_error(count(*), 4) < 0.00001']),
 ('check',
  'FROM\n'
  '    information_schema.tables\n'
  'WHERE\n'
  "    table_schema LIKE 'madlib_installcheck_%' AND\n"
  "    table_name LIKE '__madlib_temp_%'",
  ['count(table_name) = 0'])]
