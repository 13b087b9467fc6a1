"""Steps of apache/madlib src/ports/postgres/modules/graph/test/apsp.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'graph/test/apsp.sql_in'
STEPS = [('setup',
  'DROP TABLE IF EXISTS vertex,"EDGE",out,out_summary,out_path,\n'
  '\tvertex_alt,edge_alt,out_alt,out_alot_summary,\n'
  '\tedge_gr,out_gr,out_gr_summary,out_gr_path,\n'
  '\tedge_gr2, out_gr2, out_gr2_summary CASCADE'),
 ('setup', 'CREATE TABLE vertex(\n                  id INTEGER\n                )'),
 ('setup',
  'CREATE TABLE "EDGE"(\n'
  '                  src INTEGER,\n'
  '                  "DEST" INTEGER,\n'
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
  'graph_apsp: SELECT graph_apsp(\'vertex\',NULL,\'"EDGE"\',\'dest="DEST"\',\'out\')',
  'SELECT graph_apsp(\'vertex\',NULL,\'"EDGE"\',\'dest="DEST"\',\'out\')'),
 ('case', 'sql: SELECT * FROM out ORDER BY src,"DEST"', 'SELECT * FROM out ORDER BY src,"DEST"'),
 ('check', 'FROM out WHERE src = 0 AND "DEST" = 7', ['weight = 4']),
 ('check', 'FROM out WHERE src = 0 AND "DEST" = 7', ['parent = 6']),
 ('check', 'FROM out WHERE src = 3 AND "DEST" = 4', ['weight = 11']),
 ('check', 'FROM out WHERE src = 3 AND "DEST" = 4', ['parent = 0']),
 ('case',
  "graph_apsp_get_path: SELECT graph_apsp_get_path('out',0,7,'out_path')",
  "SELECT graph_apsp_get_path('out',0,7,'out_path')"),
 ('setup',
  'CREATE TABLE edge_gr AS\n'
  '(SELECT *, 0 AS grp FROM "EDGE"\n'
  'UNION\n'
  'SELECT *, 1 AS grp FROM "EDGE" WHERE src < 6 AND "DEST" < 6\n'
  'UNION\n'
  'SELECT *, 2 AS grp FROM "EDGE" WHERE src < 6 AND "DEST" < 6\n'
  ')'),
 ('setup', 'INSERT INTO edge_gr VALUES\n(7,NULL,NULL,1),\n(4,0,-20,2)'),
 ('case',
  'graph_apsp: SELECT graph_apsp(\'vertex\',NULL,\'edge_gr\',\'dest="DEST"\',\'out_gr\',\'grp\')',
  'SELECT graph_apsp(\'vertex\',NULL,\'edge_gr\',\'dest="DEST"\',\'out_gr\',\'grp\')'),
 ('check', 'FROM out_gr WHERE src = 0 AND "DEST" = 5 AND grp = 1', ['weight = 2']),
 ('check', 'FROM out_gr WHERE src = 0 AND "DEST" = 5 AND grp = 1', ['parent = 2']),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN id TO src'),
 ('case',
  'graph_apsp: SELECT graph_apsp(\'vertex\',\'src\',\'edge_gr\',\'dest="DEST"\',\'out\',\'grp\')',
  'SELECT graph_apsp(\'vertex\',\'src\',\'edge_gr\',\'dest="DEST"\',\'out\',\'grp\')'),
 ('case', 'sql: SELECT * FROM out ORDER BY src,"DEST"', 'SELECT * FROM out ORDER BY src,"DEST"'),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN src TO "DEST"'),
 ('case',
  'graph_apsp: SELECT graph_apsp(\'vertex\',\'"DEST"\',\'edge_gr\',\'dest="DEST"\',\'out\',\'grp\')',
  'SELECT graph_apsp(\'vertex\',\'"DEST"\',\'edge_gr\',\'dest="DEST"\',\'out\',\'grp\')'),
 ('case', 'sql: SELECT * FROM out ORDER BY src,"DEST"', 'SELECT * FROM out ORDER BY src,"DEST"'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN "DEST" TO id'),
 ('setup', 'CREATE TABLE v2 AS SELECT (id+992147483647)::bigint as id FROM vertex'),
 ('setup',
  'CREATE TABLE e2 AS SELECT (src+992147483647)::bigint as src, ("DEST"+992147483647)::bigint as dest, '
  'weight FROM "EDGE"'),
 ('setup', 'DROP TABLE IF EXISTS pg_temp.out2, pg_temp.out2_summary, pg_temp.out2_path'),
 ('case',
  "graph_apsp: SELECT graph_apsp('v2',NULL,'e2',NULL,'pg_temp.out2')",
  "SELECT graph_apsp('v2',NULL,'e2',NULL,'pg_temp.out2')"),
 ('case',
  'graph_apsp_get_path: SELECT '
  "graph_apsp_get_path('pg_temp.out2',992147483647,992147483652,'pg_temp.out2_path')",
  "SELECT graph_apsp_get_path('pg_temp.out2',992147483647,992147483652,'pg_temp.out2_path')"),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary, out_path'),
 ('setup', 'DELETE FROM "EDGE" WHERE "DEST" = 7'),
 ('case',
  'graph_apsp: SELECT graph_apsp(\'vertex\',NULL,\'"EDGE"\',\'dest="DEST"\',\'out\')',
  'SELECT graph_apsp(\'vertex\',NULL,\'"EDGE"\',\'dest="DEST"\',\'out\')'),
 ('check', 'FROM\n(SELECT * FROM out WHERE parent IS NULL)q1', ['count(*) = 0']),
 ('case',
  "graph_apsp_get_path: SELECT graph_apsp_get_path('out',0,5,'out_path')",
  "SELECT graph_apsp_get_path('out',0,5,'out_path')"),
 ('setup', 'DROP TABLE IF EXISTS vertex_mult_apsp, edge_mult_apsp, edge_mult_apsp_gr2 CASCADE'),
 ('setup', 'CREATE TABLE vertex_mult_apsp(\nid1 INTEGER,\nid2 INTEGER\n)'),
 ('setup',
  'CREATE TABLE edge_mult_apsp(\n'
  'src1 INTEGER,\n'
  'dest1 INTEGER,\n'
  'weight INTEGER,\n'
  'src2 INTEGER,\n'
  'dest2 INTEGER\n'
  ')'),
 ('setup',
  'INSERT INTO vertex_mult_apsp VALUES\n(0, 0),\n(1, 1),\n(2, 2),\n(3, 3),\n(4, 4),\n(5, 5),\n(6, 6)'),
 ('setup',
  'INSERT INTO edge_mult_apsp VALUES\n'
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
  'CREATE TABLE edge_mult_apsp_gr2 AS\n'
  '(   SELECT *, 0 AS grp1, 0 AS grp2 FROM edge_mult_apsp\n'
  '    UNION\n'
  '    SELECT *, 1 AS grp1, 0 AS grp2 FROM edge_mult_apsp WHERE src1 < 6 AND dest1 < 6\n'
  '    UNION\n'
  '    SELECT *, 1 AS grp1, 1 AS grp2 FROM edge_mult_apsp WHERE src1 < 6 AND dest1 < 6\n'
  ')'),
 ('setup', 'DROP TABLE IF EXISTS apsp_mult_col_out'),
 ('setup', 'DROP TABLE IF EXISTS apsp_mult_col_out_summary'),
 ('setup', 'DROP TABLE IF EXISTS apsp_mult_col_out_path'),
 ('case',
  "graph_apsp: SELECT graph_apsp( 'vertex_mult_apsp', '[id1,id2]', 'edge_mult_apsp', 'src=[src1,src2], de",
  'SELECT graph_apsp(\n'
  "'vertex_mult_apsp', \n"
  "'[id1,id2]', \n"
  "'edge_mult_apsp', \n"
  "'src=[src1,src2], dest=[dest1,dest2]', \n"
  "'apsp_mult_col_out')"),
 ('check',
  'FROM apsp_mult_col_out WHERE src = ARRAY[0,0]::BIGINT[] AND dest = ARRAY[7,7]::BIGINT[]',
  ['weight = 4']),
 ('check',
  'FROM apsp_mult_col_out WHERE src = ARRAY[0,0]::BIGINT[] AND dest = ARRAY[7,7]::BIGINT[]',
  ['parent = ARRAY[6,6]::BIGINT[]']),
 ('case',
  'graph_apsp_get_path: SELECT '
  "graph_apsp_get_path('apsp_mult_col_out',ARRAY[0,0],ARRAY[7,7],'apsp_mult_col_out_pa",
  "SELECT graph_apsp_get_path('apsp_mult_col_out',ARRAY[0,0],ARRAY[7,7],'apsp_mult_col_out_path')"),
 ('setup', 'DROP TABLE IF EXISTS apsp_mult_col_out'),
 ('setup', 'DROP TABLE IF EXISTS apsp_mult_col_out_summary'),
 ('case',
  "graph_apsp: SELECT graph_apsp( 'vertex_mult_apsp', '[id1,id2]', 'edge_mult_apsp_gr2', 'src=[src1,src2]",
  'SELECT graph_apsp(\n'
  "'vertex_mult_apsp', \n"
  "'[id1,id2]', \n"
  "'edge_mult_apsp_gr2', \n"
  "'src=[src1,src2], dest=[dest1,dest2]', \n"
  "'apsp_mult_col_out', \n"
  "'grp1,grp2')"),
 ('check',
  'FROM apsp_mult_col_out WHERE src = ARRAY[0,0]::BIGINT[] AND dest = ARRAY[7,7]::BIGINT[] AND grp1 = 1',
  ['weight = 2']),
 ('check',
  'FROM apsp_mult_col_out WHERE src = ARRAY[0,0]::BIGINT[] AND dest = ARRAY[5,5]::BIGINT[] AND grp1 = 1',
  ['parent = ARRAY[2,2]::BIGINT[]'])]
