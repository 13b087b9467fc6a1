"""Steps of apache/madlib src/ports/postgres/modules/graph/test/measures.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'graph/test/measures.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS vertex, "EDGE"'),
 ('setup', 'CREATE TABLE vertex(\n        id INTEGER,\n        name TEXT\n        )'),
 ('setup',
  'CREATE TABLE "EDGE"(\n'
  '        src_id INTEGER,\n'
  '        "DEST_ID" INTEGER,\n'
  '        edge_weight FLOAT8\n'
  '        )'),
 ('setup',
  'INSERT INTO vertex VALUES\n'
  "(0, 'A'),\n"
  "(1, 'B'),\n"
  "(2, 'C'),\n"
  "(3, 'D'),\n"
  "(4, 'E'),\n"
  "(5, 'F'),\n"
  "(6, 'G'),\n"
  "(7, 'H')"),
 ('setup',
  'INSERT INTO "EDGE" VALUES\n'
  '(0, 1, 1.0),\n'
  '(0, 2, 1.0),\n'
  '(0, 4, 10.0),\n'
  '(1, 2, 2.0),\n'
  '(1, 3, 10.0),\n'
  '(2, 3, 1.0),\n'
  '(2, 5, 1.0),\n'
  '(2, 6, 3.0),\n'
  '(3, 0, 1.0),\n'
  '(4, 0, -2.0),\n'
  '(5, 6, 1.0),\n'
  '(6, 7, 1.0)'),
 ('setup', 'DROP TABLE IF EXISTS out_apsp, out_apsp_summary'),
 ('case',
  'graph_apsp: SELECT graph_apsp(\'vertex\', \'id\', \'"EDGE"\', \'src=src_id, dest="DEST_ID", '
  'weight=edge_weigh',
  "SELECT graph_apsp('vertex',      \n"
  "                  'id',          \n"
  '                  \'"EDGE"\',        \n'
  '                  \'src=src_id, dest="DEST_ID", weight=edge_weight\',\n'
  '                                 \n'
  "                  'out_apsp')"),
 ('case',
  "graph_closeness: SELECT graph_closeness('out_apsp', 'pg_temp.__madlib__out_closeness')",
  "SELECT graph_closeness('out_apsp', 'pg_temp.__madlib__out_closeness')"),
 ('check',
  'FROM pg_temp.__madlib__out_closeness\nWHERE src_id = 0',
  ['relative_error(inverse_sum_dist, 0.04347) < 1e-2',
   'relative_error(inverse_avg_dist, 0.3043) < 1e-2',
   'relative_error(sum_inverse_dist, 3.6833) < 1e-2',
   'k_degree = 7']),
 ('case',
  "graph_diameter: SELECT graph_diameter('out_apsp', 'pg_temp.__madlib__out_diameter')",
  "SELECT graph_diameter('out_apsp', 'pg_temp.__madlib__out_diameter')"),
 ('check', 'FROM pg_temp.__madlib__out_diameter', ['diameter=14']),
 ('case',
  "graph_avg_path_length: SELECT graph_avg_path_length('out_apsp', 'pg_temp.__madlib__out_avg_path_length')",
  "SELECT graph_avg_path_length('out_apsp', 'pg_temp.__madlib__out_avg_path_length')"),
 ('check', 'FROM pg_temp.__madlib__out_avg_path_length', ['relative_error(avg_path_length, 2.97) < 1e-2']),
 ('case',
  'graph_vertex_degrees: SELECT graph_vertex_degrees(\'vertex\', \'id\', \'"EDGE"\', \'src=src_id, '
  'dest="DEST_ID", weight=',
  "SELECT graph_vertex_degrees('vertex',      \n"
  "                     'id',          \n"
  '                     \'"EDGE"\',        \n'
  '                     \'src=src_id, dest="DEST_ID", weight=edge_weight\',\n'
  '                                 \n'
  "                     'pg_temp.__madlib__out_degrees')"),
 ('check', 'FROM pg_temp.__madlib__out_degrees\nWHERE id = 0', ['indegree = 2', 'outdegree = 3']),
 ('check', 'FROM pg_temp.__madlib__out_degrees\nWHERE id = 7', ['COUNT(*)=1']),
 ('setup', 'DELETE FROM "EDGE" WHERE "DEST_ID"=7'),
 ('setup', 'INSERT INTO "EDGE" VALUES (7,6,1)'),
 ('case',
  'graph_vertex_degrees: SELECT graph_vertex_degrees(\'vertex\', \'id\', \'"EDGE"\', \'src=src_id, '
  'dest="DEST_ID", weight=',
  "SELECT graph_vertex_degrees('vertex',      \n"
  "                     'id',          \n"
  '                     \'"EDGE"\',        \n'
  '                     \'src=src_id, dest="DEST_ID", weight=edge_weight\',\n'
  '                                 \n'
  "                     'out_degrees')"),
 ('check', 'FROM out_degrees\nWHERE id = 7', ['COUNT(*)=1']),
 ('setup', 'DROP TABLE IF EXISTS edge_gr'),
 ('setup',
  'CREATE TABLE edge_gr AS\n'
  '(\n'
  '  SELECT *, 0 AS grp FROM "EDGE"\n'
  '  UNION\n'
  '  SELECT *, 1 AS grp FROM "EDGE" WHERE src_id < 6 AND "DEST_ID" < 6\n'
  ')'),
 ('setup', 'INSERT INTO edge_gr VALUES\n(4,5,-20,1)'),
 ('setup', 'DROP TABLE IF EXISTS out_apsp, out_apsp_summary'),
 ('case',
  'graph_apsp: SELECT graph_apsp(\'vertex\', \'id\', \'edge_gr\', \'src=src_id, dest="DEST_ID", '
  'weight=edge_weig',
  "SELECT graph_apsp('vertex',      \n"
  "                  'id',          \n"
  "                  'edge_gr',     \n"
  '                  \'src=src_id, dest="DEST_ID", weight=edge_weight\',\n'
  "                  'out_apsp',      \n"
  "                  'grp'          \n"
  ')'),
 ('setup', 'DROP TABLE IF EXISTS out_closeness'),
 ('case',
  "graph_closeness: SELECT graph_closeness('out_apsp', 'out_closeness')",
  "SELECT graph_closeness('out_apsp', 'out_closeness')"),
 ('case',
  'sql: SELECT * FROM out_closeness ORDER BY grp, src_id',
  'SELECT * FROM out_closeness ORDER BY grp, src_id'),
 ('setup', 'DROP TABLE IF EXISTS out_diameter'),
 ('case',
  "graph_diameter: SELECT graph_diameter('out_apsp', 'out_diameter')",
  "SELECT graph_diameter('out_apsp', 'out_diameter')"),
 ('case', 'sql: SELECT * FROM out_diameter ORDER BY grp', 'SELECT * FROM out_diameter ORDER BY grp'),
 ('setup', 'DROP TABLE IF EXISTS out'),
 ('case',
  "graph_avg_path_length: SELECT graph_avg_path_length('out_apsp', 'out')",
  "SELECT graph_avg_path_length('out_apsp', 'out')"),
 ('case', 'sql: SELECT * FROM out ORDER BY grp', 'SELECT * FROM out ORDER BY grp'),
 ('setup', 'DROP TABLE IF EXISTS out_degrees'),
 ('case',
  "graph_vertex_degrees: SELECT graph_vertex_degrees('vertex', 'id', 'edge_gr', 'src=src_id, "
  'dest="DEST_ID", weight',
  "SELECT graph_vertex_degrees('vertex',      \n"
  "                     'id',          \n"
  "                     'edge_gr',        \n"
  '                     \'src=src_id, dest="DEST_ID", weight=edge_weight\',\n'
  "                     'out_degrees',\n"
  "                     'grp')"),
 ('case', 'sql: SELECT * FROM out_degrees ORDER BY grp, id', 'SELECT * FROM out_degrees ORDER BY grp, id'),
 ('check', 'FROM out_degrees\nWHERE id = 7 AND grp = 0', ['COUNT(*)=1']),
 ('setup', 'DELETE FROM edge_gr WHERE src_id=7 and grp=0'),
 ('setup', 'INSERT INTO edge_gr VALUES (6,7,1,0)'),
 ('setup', 'DROP TABLE IF EXISTS out_degrees'),
 ('case',
  "graph_vertex_degrees: SELECT graph_vertex_degrees('vertex', 'id', 'edge_gr', 'src=src_id, "
  'dest="DEST_ID", weight',
  "SELECT graph_vertex_degrees('vertex',      \n"
  "                     'id',          \n"
  "                     'edge_gr',        \n"
  '                     \'src=src_id, dest="DEST_ID", weight=edge_weight\',\n'
  '                                 \n'
  "                     'out_degrees',\n"
  "                     'grp')"),
 ('case', 'sql: SELECT * FROM out_degrees ORDER BY grp, id', 'SELECT * FROM out_degrees ORDER BY grp, id'),
 ('check', 'FROM out_degrees\nWHERE id=7 AND grp = 0', ['COUNT(*)=1']),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN id TO src_id'),
 ('case',
  'graph_vertex_degrees: SELECT graph_vertex_degrees(\'vertex\',\'src_id\',\'"EDGE"\', \'src=src_id, '
  'dest="DEST_ID", weigh',
  'SELECT graph_vertex_degrees(\'vertex\',\'src_id\',\'"EDGE"\',\n'
  '    \'src=src_id, dest="DEST_ID", weight=edge_weight\',\'out\')'),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN src_id TO "DEST_ID"'),
 ('case',
  'graph_vertex_degrees: SELECT graph_vertex_degrees(\'vertex\',\'"DEST_ID"\',\'"EDGE"\', \'src=src_id, '
  'dest="DEST_ID", we',
  'SELECT graph_vertex_degrees(\'vertex\',\'"DEST_ID"\',\'"EDGE"\',\n'
  '    \'src=src_id, dest="DEST_ID", weight=edge_weight\',\'out\')'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN "DEST_ID" TO id'),
 ('setup', 'CREATE TABLE v2 AS SELECT (id+992147483647)::bigint as id FROM vertex'),
 ('setup',
  'CREATE TABLE e2 AS\n'
  'SELECT (src_id+992147483647)::bigint as src_id, ("DEST_ID"+992147483647)::bigint as "DEST_ID", '
  'edge_weight\n'
  'FROM "EDGE"'),
 ('setup', 'DROP TABLE IF EXISTS out_apsp, out_apsp_summary'),
 ('case',
  'graph_apsp: SELECT graph_apsp(\'v2\', \'id\', \'e2\', \'src=src_id, dest="DEST_ID", weight=edge_weight\', '
  "'out",
  "SELECT graph_apsp('v2',      \n"
  "                  'id',          \n"
  "                  'e2',        \n"
  '                  \'src=src_id, dest="DEST_ID", weight=edge_weight\',\n'
  '                                 \n'
  "                  'out_apsp')"),
 ('setup', 'DROP TABLE IF EXISTS out_closeness'),
 ('case',
  "graph_closeness: SELECT graph_closeness('out_apsp', 'out_closeness')",
  "SELECT graph_closeness('out_apsp', 'out_closeness')"),
 ('setup', 'DROP TABLE IF EXISTS out_diameter'),
 ('case',
  "graph_diameter: SELECT graph_diameter('out_apsp', 'out_diameter')",
  "SELECT graph_diameter('out_apsp', 'out_diameter')"),
 ('setup', 'DROP TABLE IF EXISTS out'),
 ('case',
  "graph_avg_path_length: SELECT graph_avg_path_length('out_apsp', 'out')",
  "SELECT graph_avg_path_length('out_apsp', 'out')"),
 ('setup', 'DROP TABLE IF EXISTS out_degrees'),
 ('case',
  'graph_vertex_degrees: SELECT graph_vertex_degrees(\'v2\', \'id\', \'e2\', \'src=src_id, dest="DEST_ID", '
  'weight=edge_wei',
  "SELECT graph_vertex_degrees('v2',      \n"
  "                     'id',          \n"
  "                     'e2',        \n"
  '                     \'src=src_id, dest="DEST_ID", weight=edge_weight\',\n'
  "                     'out_degrees')")]
