"""Steps of apache/madlib src/ports/postgres/modules/graph/test/sssp.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'graph/test/sssp.sql_in'
STEPS = [('setup',
  'DROP TABLE IF EXISTS vertex,"EDGE",out,out_summary,out_path,\n'
  '\tvertex_alt,edge_alt,out_alt,out_alot_summary,\n'
  '\tedge_gr,out_gr,out_gr_summary,out_gr_path,\n'
  '\tedge_gr2, out_gr2, out_gr2_summary,\n'
  '\t"edge_Q", "out_Q", "out_Q_summary", "out_Q_path"'),
 ('setup', 'CREATE TABLE vertex(\n                  id INTEGER\n                )'),
 ('setup',
  'CREATE TABLE "EDGE"(\n'
  '                  src INTEGER,\n'
  '                  dest INTEGER,\n'
  '                  weight DOUBLE PRECISION\n'
  '                )'),
 ('setup', 'INSERT INTO vertex VALUES\n(0),\n(1),\n(2),\n(3),\n(4),\n(5),\n(6),\n(7)'),
 ('setup',
  'INSERT INTO "EDGE" VALUES\n'
  '(0, 1, 1),\n'
  '(0, 2, 1),\n'
  '(0, 4, 10),\n'
  '(1, 2, 2),\n'
  '(1, 3, 10),\n'
  '(2, 3, 1),\n'
  '(2, 5, 1),\n'
  '(2, 6, 3),\n'
  '(3, 0, 1),\n'
  '(4, 0, -2),\n'
  '(5, 6, 1),\n'
  '(6, 7, 1)'),
 ('case',
  'graph_sssp: SELECT graph_sssp(\'vertex\',NULL,\'"EDGE"\',NULL,0,\'out\')',
  'SELECT graph_sssp(\'vertex\',NULL,\'"EDGE"\',NULL,0,\'out\')'),
 ('check', 'FROM out WHERE id = 6', ['weight = 3']),
 ('check', 'FROM out WHERE id = 6', ['parent = 5']),
 ('case',
  "graph_sssp_get_path: SELECT graph_sssp_get_path('out',6,'out_path')",
  "SELECT graph_sssp_get_path('out',6,'out_path')"),
 ('setup', 'CREATE TABLE vertex_alt AS SELECT id AS v_id\n\tFROM vertex'),
 ('setup', 'CREATE TABLE edge_alt AS SELECT src AS e_src, dest, weight AS e_weight\n\tFROM "EDGE"'),
 ('case',
  "graph_sssp: SELECT graph_sssp('vertex_alt','v_id','edge_alt','src=e_src, weight=e_weight' ,1,'out_alt'",
  "SELECT graph_sssp('vertex_alt','v_id','edge_alt','src=e_src, weight=e_weight'\n\t,1,'out_alt')"),
 ('check', 'FROM out_alt WHERE v_id = 6', ['e_weight = 4']),
 ('check', 'FROM out_alt WHERE v_id = 6', ['parent = 5']),
 ('setup',
  'CREATE TABLE edge_gr AS\n'
  '( \tSELECT *, 0 AS grp FROM "EDGE"\n'
  '\tUNION\n'
  '\tSELECT *, 1 AS grp FROM "EDGE" WHERE src < 6 AND dest < 6\n'
  '\tUNION\n'
  '\tSELECT *, 2 AS grp FROM "EDGE" WHERE src < 6 AND dest < 6\n'
  ')'),
 ('setup', 'INSERT INTO edge_gr VALUES\n(7,NULL,NULL,1),\n(4,0,-20,2)'),
 ('case',
  "graph_sssp: SELECT graph_sssp('vertex',NULL,'edge_gr',NULL,0,'out_gr','grp')",
  "SELECT graph_sssp('vertex',NULL,'edge_gr',NULL,0,'out_gr','grp')"),
 ('check', 'FROM out_gr WHERE id = 6 AND grp = 0', ['weight = 3']),
 ('check', 'FROM out_gr WHERE id = 6 AND grp = 0', ['parent = 5']),
 ('check', 'FROM out_gr WHERE id = 5 AND grp = 1', ['weight = 2']),
 ('check', 'FROM out_gr WHERE id = 5 AND grp = 1', ['parent = 2']),
 ('check', 'FROM out_gr WHERE id = 7 AND grp = 1', ["weight = 'Infinity'"]),
 ('case',
  "graph_sssp_get_path: SELECT graph_sssp_get_path('out_gr',5,'out_gr_path')",
  "SELECT graph_sssp_get_path('out_gr',5,'out_gr_path')"),
 ('setup',
  'CREATE TABLE edge_gr2 AS\n'
  '( \tSELECT *, 0 AS grp1, 0 AS grp2 FROM "EDGE"\n'
  '\tUNION\n'
  '\tSELECT *, 1 AS grp1, 0 AS grp2 FROM "EDGE" WHERE src < 6 AND dest < 6\n'
  '\tUNION\n'
  '\tSELECT *, 1 AS grp1, 1 AS grp2 FROM "EDGE" WHERE src < 6 AND dest < 6\n'
  ')'),
 ('case',
  "graph_sssp: SELECT graph_sssp('vertex',NULL,'edge_gr2',NULL,0,'out_gr2','grp1,grp2')",
  "SELECT graph_sssp('vertex',NULL,'edge_gr2',NULL,0,'out_gr2','grp1,grp2')"),
 ('check', 'FROM out_gr2 WHERE id = 6 AND grp1 = 0 AND grp2 = 0', ['weight = 3']),
 ('check', 'FROM out_gr2 WHERE id = 6 AND grp1 = 0 AND grp2 = 0', ['parent = 5']),
 ('setup', 'CREATE TABLE "edge_Q" AS SELECT src, dest AS "dest_Q", weight FROM "EDGE"'),
 ('case',
  'graph_sssp: SELECT graph_sssp(\'vertex\',\'\',\'"edge_Q"\',\'dest="dest_Q"\',0,\'"out_Q"\',\'\')',
  'SELECT graph_sssp(\'vertex\',\'\',\'"edge_Q"\',\'dest="dest_Q"\',0,\'"out_Q"\',\'\')'),
 ('case', 'sql: SELECT * FROM "out_Q"', 'SELECT * FROM "out_Q"'),
 ('case', 'sql: SELECT * FROM "out_Q_summary"', 'SELECT * FROM "out_Q_summary"'),
 ('case',
  'graph_sssp_get_path: SELECT graph_sssp_get_path(\'"out_Q"\',5,\'"out_Q_path"\')',
  'SELECT graph_sssp_get_path(\'"out_Q"\',5,\'"out_Q_path"\')'),
 ('case', 'sql: SELECT * FROM "out_Q_path"', 'SELECT * FROM "out_Q_path"'),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN id TO src'),
 ('case',
  "graph_sssp: SELECT graph_sssp('vertex','src','edge_gr',NULL,0,'out','grp')",
  "SELECT graph_sssp('vertex','src','edge_gr',NULL,0,'out','grp')"),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN src TO dest'),
 ('case',
  "graph_sssp: SELECT graph_sssp('vertex','dest','edge_gr',NULL,0,'out','grp')",
  "SELECT graph_sssp('vertex','dest','edge_gr',NULL,0,'out','grp')"),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN dest TO id'),
 ('setup', 'CREATE TABLE v2 AS SELECT (id+992147483647)::bigint as id FROM vertex'),
 ('setup',
  'CREATE TABLE e2 AS SELECT (src+992147483647)::bigint as src, (dest+992147483647)::bigint as dest, weight '
  'FROM "EDGE"'),
 ('setup', 'DROP TABLE IF EXISTS pg_temp.out2, pg_temp.out2_summary, pg_temp.out2_path'),
 ('case',
  "graph_sssp: SELECT graph_sssp('v2',NULL,'e2',NULL,992147483647,'pg_temp.out2')",
  "SELECT graph_sssp('v2',NULL,'e2',NULL,992147483647,'pg_temp.out2')"),
 ('case', 'count: SELECT count(*) from pg_temp.out2', 'SELECT count(*) from pg_temp.out2'),
 ('case',
  "graph_sssp_get_path: SELECT graph_sssp_get_path('pg_temp.out2',992147483652,'pg_temp.out2_path')",
  "SELECT graph_sssp_get_path('pg_temp.out2',992147483652,'pg_temp.out2_path')"),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary, out_path'),
 ('setup', 'DELETE FROM "EDGE" WHERE dest = 7'),
 ('case',
  'graph_sssp: SELECT graph_sssp(\'vertex\',NULL,\'"EDGE"\',NULL,0,\'out\')',
  'SELECT graph_sssp(\'vertex\',NULL,\'"EDGE"\',NULL,0,\'out\')'),
 ('check', 'FROM\n(SELECT * FROM out WHERE parent IS NULL)q1', ['count(*) = 0']),
 ('case',
  "graph_sssp_get_path: SELECT graph_sssp_get_path('out',5,'out_path')",
  "SELECT graph_sssp_get_path('out',5,'out_path')"),
 ('setup', 'DROP TABLE IF EXISTS vertex_mult_sssp, edge_mult_sssp, edge_mult_sssp_gr2 CASCADE'),
 ('setup', 'CREATE TABLE vertex_mult_sssp(\nid1 INTEGER,\nid2 INTEGER\n)'),
 ('setup',
  'CREATE TABLE edge_mult_sssp(\n'
  'src1 INTEGER,\n'
  'dest1 INTEGER,\n'
  'weight INTEGER,\n'
  'src2 INTEGER,\n'
  'dest2 INTEGER\n'
  ')'),
 ('setup',
  'INSERT INTO vertex_mult_sssp VALUES\n(0, 0),\n(1, 1),\n(2, 2),\n(3, 3),\n(4, 4),\n(5, 5),\n(6, 6)'),
 ('setup',
  'INSERT INTO edge_mult_sssp VALUES\n'
  '(0, 1, 1, 0, 1),\n'
  '(0, 2, 1, 0, 2),\n'
  '(0, 4, 10, 0, 4),\n'
  '(1, 2, 2, 1, 2),\n'
  '(1, 3, 10, 1, 3),\n'
  '(2, 3, 1, 2, 3),\n'
  '(2, 5, 1, 2, 5),\n'
  '(2, 6, 3, 2, 6),\n'
  '(3, 0, 1, 3, 0),\n'
  '(4, 0, -2, 4, 0),\n'
  '(5, 6, 1, 5, 6),\n'
  '(6, 7, 1, 6, 7)'),
 ('setup',
  'CREATE TABLE edge_mult_sssp_gr2 AS\n'
  '( \tSELECT *, 0 AS grp1, 0 AS grp2 FROM edge_mult_sssp\n'
  '\tUNION\n'
  '\tSELECT *, 1 AS grp1, 0 AS grp2 FROM edge_mult_sssp WHERE src1 < 6 AND dest1 < 6\n'
  '\tUNION\n'
  '\tSELECT *, 1 AS grp1, 1 AS grp2 FROM edge_mult_sssp WHERE src1 < 6 AND dest1 < 6\n'
  ')'),
 ('setup', 'DROP TABLE IF EXISTS sssp_mult_col_out'),
 ('setup', 'DROP TABLE IF EXISTS sssp_mult_col_out_summary'),
 ('setup', 'DROP TABLE IF EXISTS sssp_mult_col_out_path'),
 ('case',
  "graph_sssp: SELECT graph_sssp( 'vertex_mult_sssp', '[id1,id2]', 'edge_mult_sssp', 'src=[src1,src2], de",
  'SELECT graph_sssp(\n'
  "'vertex_mult_sssp', \n"
  "'[id1,id2]', \n"
  "'edge_mult_sssp', \n"
  "'src=[src1,src2], dest=[dest1,dest2]', \n"
  'ARRAY[0,0],\n'
  "'sssp_mult_col_out')"),
 ('check', 'FROM sssp_mult_col_out WHERE id = ARRAY[6,6]::BIGINT[]', ['weight = 3']),
 ('check', 'FROM sssp_mult_col_out WHERE id = ARRAY[6,6]::BIGINT[]', ['parent = ARRAY[5,5]::BIGINT[]']),
 ('case',
  "graph_sssp_get_path: SELECT graph_sssp_get_path('sssp_mult_col_out',ARRAY[6,6],'sssp_mult_col_out_path')",
  "SELECT graph_sssp_get_path('sssp_mult_col_out',ARRAY[6,6],'sssp_mult_col_out_path')"),
 ('setup', 'DROP TABLE IF EXISTS sssp_mult_col_out'),
 ('setup', 'DROP TABLE IF EXISTS sssp_mult_col_out_summary'),
 ('case',
  "graph_sssp: SELECT graph_sssp( 'vertex_mult_sssp', '[id1,id2]', 'edge_mult_sssp_gr2', 'src=[src1,src2]",
  'SELECT graph_sssp(\n'
  "'vertex_mult_sssp', \n"
  "'[id1,id2]', \n"
  "'edge_mult_sssp_gr2', \n"
  "'src=[src1,src2], dest=[dest1,dest2]', \n"
  'ARRAY[0,0],\n'
  "'sssp_mult_col_out', \n"
  "'grp1,grp2')"),
 ('check',
  'FROM sssp_mult_col_out WHERE id = ARRAY[6,6]::BIGINT[] AND grp1 = 0 AND grp2 = 0',
  ['weight = 3']),
 ('check',
  'FROM sssp_mult_col_out WHERE id = ARRAY[6,6]::BIGINT[] AND grp1 = 0 AND grp2 = 0',
  ['parent = ARRAY[5,5]::BIGINT[]']),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'CREATE TABLE v(id INT)'),
 ('setup',
  "INSERT INTO v VALUES\n  (ascii('s')),\n  (ascii('t')),\n  (ascii('y')),\n  (ascii('x')),\n  (ascii('z'))"),
 ('setup', 'CREATE TABLE e(src INT, dest INT, weight float8)'),
 ('setup',
  'INSERT INTO e VALUES\n'
  "(ascii('t'), ascii('x'), 5),\n"
  "(ascii('t'), ascii('y'), 8),\n"
  "(ascii('t'), ascii('z'), -4),\n"
  "(ascii('x'), ascii('t'), -2),\n"
  "(ascii('y'), ascii('x'), -3),\n"
  "(ascii('y'), ascii('z'), 9),\n"
  "(ascii('z'), ascii('x'), 7),\n"
  "(ascii('z'), ascii('s'), 2),\n"
  "(ascii('s'), ascii('t'), 6),\n"
  "(ascii('s'), ascii('y'), 7)"),
 ('setup', 'CREATE TABLE e_grp(src INT, dest INT, weight float8, grp INT)'),
 ('setup',
  'INSERT INTO e_grp VALUES\n'
  "(ascii('t'), ascii('x'), 5, 1),\n"
  "(ascii('t'), ascii('y'), 8, 1),\n"
  "(ascii('t'), ascii('z'), -4, 1),\n"
  "(ascii('x'), ascii('t'), -2, 1),\n"
  "(ascii('y'), ascii('x'), -3, 1),\n"
  "(ascii('y'), ascii('z'), 9, 1),\n"
  "(ascii('z'), ascii('x'), 7, 1),\n"
  "(ascii('z'), ascii('s'), 2, 1),\n"
  "(ascii('s'), ascii('t'), 6, 1),\n"
  "(ascii('s'), ascii('y'), 7, 1),\n"
  "(ascii('t'), ascii('x'), 5, 2),\n"
  "(ascii('t'), ascii('y'), 8, 2),\n"
  "(ascii('t'), ascii('z'), -4, 2),\n"
  "(ascii('x'), ascii('t'), -2, 2),\n"
  "(ascii('y'), ascii('x'), -3, 2),\n"
  "(ascii('y'), ascii('z'), 9, 2),\n"
  "(ascii('z'), ascii('x'), 7, 2),\n"
  "(ascii('z'), ascii('s'), 2, 2),\n"
  "(ascii('s'), ascii('t'), 6, 2),\n"
  "(ascii('s'), ascii('y'), 7, 2)"),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('case',
  "graph_sssp: SELECT graph_sssp('v', 'id', 'e', 'src=src,dest=dest,weight=weight', ascii('s'), 'out')",
  "SELECT graph_sssp('v',\n'id',\n'e',\n'src=src,dest=dest,weight=weight',\nascii('s'),\n'out')"),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('case',
  "graph_sssp: SELECT graph_sssp('v', 'id', 'e_grp', 'src=src,dest=dest,weight=weight', ascii('s'), 'out'",
  "SELECT graph_sssp('v',\n'id',\n'e_grp',\n'src=src,dest=dest,weight=weight',\nascii('s'),\n'out',\n'grp')"),
 ('setup', 'DROP TABLE IF EXISTS vertex,"EDGE" CASCADE'),
 ('setup', 'CREATE TABLE vertex(\n                  id INTEGER\n                )'),
 ('setup',
  'CREATE TABLE "EDGE"(\n'
  '                  src INTEGER,\n'
  '                  dest INTEGER,\n'
  '                  weight DOUBLE PRECISION\n'
  '                )'),
 ('setup', 'INSERT INTO vertex VALUES\n(0),\n(1),\n(2),\n(3),\n(4),\n(5),\n(6),\n(7)'),
 ('setup',
  'INSERT INTO "EDGE" VALUES\n'
  '(0, 1, 1),\n'
  '(0, 2, 1),\n'
  '(0, 4, 10),\n'
  '(1, 2, 2),\n'
  '(1, 3, 10),\n'
  '(2, 3, 1),\n'
  '(2, 5, 1),\n'
  '(2, 6, 3),\n'
  '(3, 0, -999),\n'
  '(4, 0, -2),\n'
  '(5, 6, 1),\n'
  '(6, 7, 1)'),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('check',
  '',
  ['trap_error($TRAP$SELECT graph_sssp(\'vertex\',NULL,\'"EDGE"\',NULL,0,\'out\');\n$TRAP$) = 1'])]
