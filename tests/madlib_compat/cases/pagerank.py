"""Steps of apache/madlib src/ports/postgres/modules/graph/test/pagerank.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'graph/test/pagerank.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS vertex, "EDGE"'),
 ('setup', 'CREATE TABLE vertex(\n        id INTEGER\n        )'),
 ('setup',
  'CREATE TABLE "EDGE"(\n        src INTEGER,\n        dest INTEGER,\n        user_id INTEGER\n        )'),
 ('setup', 'INSERT INTO vertex VALUES\n(0),\n(1),\n(2),\n(3),\n(4),\n(5),\n(6)'),
 ('setup',
  'INSERT INTO "EDGE" VALUES\n'
  '(0, 1, 1),\n'
  '(0, 2, 1),\n'
  '(0, 4, 1),\n'
  '(1, 2, 1),\n'
  '(1, 3, 1),\n'
  '(2, 3, 1),\n'
  '(2, 5, 1),\n'
  '(2, 6, 1),\n'
  '(3, 0, 1),\n'
  '(4, 0, 1),\n'
  '(5, 6, 1),\n'
  '(6, 3, 1),\n'
  '(0, 1, 2),\n'
  '(0, 2, 2),\n'
  '(0, 4, 2),\n'
  '(1, 2, 2),\n'
  '(1, 3, 2),\n'
  '(2, 3, 2),\n'
  '(3, 0, 2),\n'
  '(4, 0, 2),\n'
  '(5, 6, 2),\n'
  '(6, 3, 2)'),
 ('setup', 'DROP TABLE IF EXISTS pagerank_out, pagerank_out_summary'),
 ('case',
  'pagerank: SELECT pagerank( \'vertex\', \'id\', \'"EDGE"\', \'src=src, dest=dest\', \'pagerank_out\')',
  'SELECT pagerank(\n'
  "             'vertex',        \n"
  "             'id',            \n"
  '             \'"EDGE"\',          \n'
  "             'src=src, dest=dest', \n"
  "             'pagerank_out')"),
 ('check', 'FROM pagerank_out', ['relative_error(SUM(pagerank), 1) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS pagerank_gr_out'),
 ('setup', 'DROP TABLE IF EXISTS pagerank_gr_out_summary'),
 ('case',
  'pagerank: SELECT pagerank( \'vertex\', \'id\', \'"EDGE"\', \'src=src, dest=dest\', \'pagerank_gr_out\', '
  'NULL, ',
  'SELECT pagerank(\n'
  "             'vertex',        \n"
  "             'id',            \n"
  '             \'"EDGE"\',          \n'
  "             'src=src, dest=dest', \n"
  "             'pagerank_gr_out', \n"
  '             NULL,              \n'
  '             NULL,              \n'
  '             NULL,              \n'
  "             'user_id')"),
 ('check', 'FROM pagerank_gr_out WHERE user_id=1', ['relative_error(SUM(pagerank), 1) < 0.00001']),
 ('check', 'FROM pagerank_gr_out WHERE user_id=2', ['relative_error(SUM(pagerank), 1) < 0.00001']),
 ('check', 'FROM pagerank_gr_out_summary WHERE user_id=1', ['relative_error(__iterations__, 11) = 0']),
 ('check', 'FROM pagerank_gr_out_summary WHERE user_id=2', ['relative_error(__iterations__, 14) = 0']),
 ('setup', 'DROP TABLE IF EXISTS pagerank_ppr_out'),
 ('setup', 'DROP TABLE IF EXISTS pagerank_ppr_out_summary'),
 ('case',
  'pagerank: SELECT pagerank( \'vertex\', \'id\', \'"EDGE"\', \'src=src, dest=dest\', \'pagerank_ppr_out\', '
  'NULL,',
  'SELECT pagerank(\n'
  "             'vertex',        \n"
  "             'id',            \n"
  '             \'"EDGE"\',          \n'
  "             'src=src, dest=dest', \n"
  "             'pagerank_ppr_out', \n"
  '             NULL,              \n'
  '             NULL,              \n'
  '             NULL,              \n'
  '             NULL,         \n'
  "            '{1,3}')"),
 ('check', 'FROM pagerank_ppr_out', ['relative_error(SUM(pagerank), 1) < 0.005']),
 ('check', 'from pagerank_ppr_out', ["array_agg(id order by pagerank desc) = '{0,3,1,2,4,6,5}'"]),
 ('setup', 'DROP TABLE IF EXISTS pagerank_ppr_grp_out'),
 ('setup', 'DROP TABLE IF EXISTS pagerank_ppr_grp_out_summary'),
 ('case',
  'pagerank: SELECT pagerank( \'vertex\', \'id\', \'"EDGE"\', \'src=src, dest=dest\', '
  "'pagerank_ppr_grp_out', N",
  'SELECT pagerank(\n'
  "             'vertex',        \n"
  "             'id',            \n"
  '             \'"EDGE"\',          \n'
  "             'src=src, dest=dest', \n"
  "             'pagerank_ppr_grp_out', \n"
  '             NULL,              \n'
  '             NULL,              \n'
  '             NULL,              \n'
  "             'user_id',         \n"
  "            '{1,3}')"),
 ('check', 'FROM pagerank_ppr_grp_out WHERE user_id=1', ['relative_error(SUM(pagerank), 1) < 0.005']),
 ('check',
  'from  pagerank_ppr_grp_out',
  ["array_agg(user_id order by pagerank desc)= '{2, 2, 1, 1, 2, 2, 1, 1, 2, 1, 2, 1, 2, 1}'"]),
 ('setup', 'DROP TABLE IF EXISTS vertex, "EDGE"'),
 ('setup', 'CREATE TABLE vertex(\nid INTEGER\n)'),
 ('setup', 'CREATE TABLE "EDGE"(\nsrc INTEGER,\ndest INTEGER,\nuser_id INTEGER\n)'),
 ('setup', 'INSERT INTO vertex VALUES\n(0),\n(1),\n(2)'),
 ('setup', 'INSERT INTO "EDGE" VALUES\n(0, 1, 1),\n(0, 2, 1),\n(1, 2, 1),\n(2, 1, 1),\n(0, 1, 2)'),
 ('setup', 'DROP TABLE IF EXISTS pagerank_gr_out'),
 ('setup', 'DROP TABLE IF EXISTS pagerank_gr_out_summary'),
 ('case',
  'pagerank: SELECT pagerank( \'vertex\', \'id\', \'"EDGE"\', \'src=src, dest=dest\', \'pagerank_gr_out\', '
  'NULL, ',
  'SELECT pagerank(\n'
  "'vertex', \n"
  "'id', \n"
  '\'"EDGE"\', \n'
  "'src=src, dest=dest', \n"
  "'pagerank_gr_out', \n"
  'NULL, \n'
  'NULL, \n'
  'NULL, \n'
  "'user_id')"),
 ('check', 'FROM pagerank_gr_out WHERE user_id=1', ['relative_error(SUM(pagerank), 1) < 0.00001']),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN id TO src'),
 ('case',
  'pagerank: SELECT pagerank(\'vertex\',\'src\',\'"EDGE"\',NULL,\'out\',NULL,NULL,NULL,\'user_id\')',
  'SELECT pagerank(\'vertex\',\'src\',\'"EDGE"\',NULL,\'out\',NULL,NULL,NULL,\'user_id\')'),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN src TO dest'),
 ('case',
  'pagerank: SELECT pagerank(\'vertex\',\'dest\',\'"EDGE"\',NULL,\'out\',NULL,NULL,NULL,\'user_id\')',
  'SELECT pagerank(\'vertex\',\'dest\',\'"EDGE"\',NULL,\'out\',NULL,NULL,NULL,\'user_id\')'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN dest TO id'),
 ('setup', 'CREATE TABLE v2 AS SELECT (id+992147483647)::bigint as id FROM vertex'),
 ('setup',
  'CREATE TABLE e2 AS SELECT (src+992147483647)::bigint as src, (dest+992147483647)::bigint as dest FROM '
  '"EDGE"'),
 ('setup', 'DROP TABLE IF EXISTS pg_temp.out2, pg_temp.out2_summary'),
 ('case',
  "pagerank: SELECT pagerank('v2',NULL,'e2',NULL,'pg_temp.out2')",
  "SELECT pagerank('v2',NULL,'e2',NULL,'pg_temp.out2')"),
 ('case', 'count: SELECT count(*) from pg_temp.out2', 'SELECT count(*) from pg_temp.out2'),
 ('setup', 'DROP TABLE IF EXISTS vertex_mult_pagerank, edge_mult_pagerank CASCADE'),
 ('setup', 'CREATE TABLE vertex_mult_pagerank(\nid1 INTEGER,\nid2 INTEGER\n)'),
 ('setup',
  'CREATE TABLE edge_mult_pagerank(\n'
  'src1 INTEGER,\n'
  'dest1 INTEGER,\n'
  'user_id1 INTEGER,\n'
  'src2 INTEGER,\n'
  'dest2 INTEGER,\n'
  'user_id2 INTEGER\n'
  ')'),
 ('setup',
  'INSERT INTO vertex_mult_pagerank VALUES\n(0, 0),\n(1, 1),\n(2, 2),\n(3, 3),\n(4, 4),\n(5, 5),\n(6, 6)'),
 ('setup',
  'INSERT INTO edge_mult_pagerank VALUES\n'
  '(0, 1, 1, 0, 1, 1),\n'
  '(0, 2, 1, 0, 2, 1),\n'
  '(0, 4, 1, 0, 4, 1),\n'
  '(1, 2, 1, 1, 2, 1),\n'
  '(1, 3, 1, 1, 3, 1),\n'
  '(2, 3, 1, 2, 3, 1),\n'
  '(2, 5, 1, 2, 5, 1),\n'
  '(2, 6, 1, 2, 6, 1),\n'
  '(3, 0, 1, 3, 0, 1),\n'
  '(4, 0, 1, 4, 0, 1),\n'
  '(5, 6, 1, 5, 6, 1),\n'
  '(6, 3, 1, 6, 3, 1),\n'
  '(0, 1, 2, 0, 1, 2),\n'
  '(0, 2, 2, 0, 2, 2),\n'
  '(0, 4, 2, 0, 4, 2),\n'
  '(1, 2, 2, 1, 2, 2),\n'
  '(1, 3, 2, 1, 3, 2),\n'
  '(2, 3, 2, 2, 3, 2),\n'
  '(3, 0, 2, 3, 0, 2),\n'
  '(4, 0, 2, 4, 0, 2),\n'
  '(5, 6, 2, 5, 6, 2),\n'
  '(6, 3, 2, 6, 3, 2)'),
 ('setup', 'DROP TABLE IF EXISTS pagerank_mult_col_out'),
 ('setup', 'DROP TABLE IF EXISTS pagerank_mult_col_out_summary'),
 ('case',
  "pagerank: SELECT pagerank( 'vertex_mult_pagerank', '[id1,id2]', 'edge_mult_pagerank', 'src=[src1,src",
  'SELECT pagerank(\n'
  "'vertex_mult_pagerank', \n"
  "'[id1,id2]', \n"
  "'edge_mult_pagerank', \n"
  "'src=[src1,src2], dest=[dest1,dest2]', \n"
  "'pagerank_mult_col_out', \n"
  'NULL, \n'
  'NULL, \n'
  'NULL, \n'
  "'user_id1,user_id2')"),
 ('check', 'FROM pagerank_mult_col_out WHERE user_id1=1', ['relative_error(SUM(pagerank), 1) < 0.005']),
 ('check',
  'FROM (\n'
  '        SELECT id FROM pagerank_mult_col_out\n'
  '        WHERE user_id1 = 1 ORDER BY pagerank DESC LIMIT 1)q',
  ["id = '{0,0}'::BIGINT[]"]),
 ('setup', 'DROP TABLE IF EXISTS pagerank_mult_col_out'),
 ('setup', 'DROP TABLE IF EXISTS pagerank_mult_col_out_summary'),
 ('case',
  "pagerank: SELECT pagerank( 'vertex_mult_pagerank', '[id1,id2]', 'edge_mult_pagerank', 'src=[src1,src",
  'SELECT pagerank(\n'
  "'vertex_mult_pagerank', \n"
  "'[id1,id2]', \n"
  "'edge_mult_pagerank', \n"
  "'src=[src1,src2], dest=[dest1,dest2]', \n"
  "'pagerank_mult_col_out', \n"
  'NULL, \n'
  'NULL, \n'
  'NULL, \n'
  "'user_id1,user_id2',\n"
  "'{{1,1},{3,3}}')"),
 ('check', 'FROM pagerank_mult_col_out WHERE user_id1=1', ['relative_error(SUM(pagerank), 1) < 0.005']),
 ('check',
  'FROM (\n'
  '        SELECT id FROM pagerank_mult_col_out\n'
  '        WHERE user_id1 = 1 ORDER BY pagerank DESC LIMIT 1)q',
  ["id = '{0,0}'::BIGINT[]"])]
