"""Steps of apache/madlib src/ports/postgres/modules/graph/test/bfs.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'graph/test/bfs.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS vertex,"EDGE",edge_grp'),
 ('setup', 'CREATE TABLE vertex(\n                  id INTEGER\n                )'),
 ('setup',
  'INSERT INTO vertex VALUES\n(0),\n(1),\n(2),\n(3),\n(4),\n(5),\n(6),\n(7),\n(8),\n(9),\n(10),\n(11)'),
 ('setup',
  'CREATE TABLE "EDGE"(\n'
  '                  "SRC" INTEGER,\n'
  '                  dest INTEGER,\n'
  '                  weight DOUBLE PRECISION\n'
  '                )'),
 ('setup',
  'INSERT INTO "EDGE" VALUES\n'
  '(0, 5, 1),\n'
  '(1, 0, 1),\n'
  '(1, 3, 1),\n'
  '(2, 6, 1),\n'
  '(3, 4, 1),\n'
  '(3, 5, 1),\n'
  '(4, 2, 1),\n'
  '(8, 9, 1),\n'
  '(9, 10, 1),\n'
  '(9, 11, 1),\n'
  '(10, 8, 1)'),
 ('setup',
  'CREATE TABLE edge_grp(\n'
  '                  g1 INTEGER,\n'
  '                  g2 TEXT,\n'
  '                  "SRC" INTEGER,\n'
  '                  dest INTEGER,\n'
  '                  weight DOUBLE PRECISION\n'
  '                )'),
 ('setup',
  'INSERT INTO edge_grp VALUES\n'
  "(100, 'a', 0, 5, 1),\n"
  "(100, 'a', 1, 0, 1),\n"
  "(100, 'a', 1, 3, 1),\n"
  "(100, 'a', 2, 6, 1),\n"
  "(100, 'a', 3, 4, 1),\n"
  "(100, 'a', 3, 5, 1),\n"
  "(100, 'a', 4, 2, 1),\n"
  "(100, 'a', 8, 9, 1),\n"
  "(100, 'a', 9, 10, 1),\n"
  "(100, 'a', 9, 11, 1),\n"
  "(100, 'a', 10, 8, 1),\n"
  "(100, 'b', 0, 5, 1),\n"
  "(100, 'b', 1, 0, 1),\n"
  "(100, 'b', 1, 3, 1),\n"
  "(100, 'b', 2, 6, 1),\n"
  "(100, 'b', 3, 4, 1),\n"
  "(100, 'b', 3, 5, 1),\n"
  "(100, 'b', 4, 2, 1),\n"
  "(100, 'b', 8, 9, 1),\n"
  "(100, 'b', 9, 10, 1),\n"
  "(100, 'b', 9, 11, 1),\n"
  "(100, 'b', 10, 8, 1),\n"
  "(202, 'c', 8, 9, 1),\n"
  "(202, 'c', 9, 10, 1),\n"
  "(202, 'c', 9, 11, 1),\n"
  "(202, 'c', 10, 8, 1),\n"
  "(NULL, 'b', 8, 9, 1),\n"
  "(NULL, 'b', 9, 10, 1),\n"
  "(NULL, 'b', 9, 11, 1),\n"
  "(NULL, 'b', 10, 8, 1)"),
 ('setup', 'DROP TABLE IF EXISTS out_frombfs, out_frombfs_summary'),
 ('case',
  'graph_bfs: SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',3,\'out_frombfs\')',
  'SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',3,\'out_frombfs\')'),
 ('check',
  'FROM out_frombfs WHERE dist = 1 GROUP BY dist',
  ['(array_agg(id ORDER BY id) = ARRAY[1,4,5]::INT[])',
   '(array_agg(parent ORDER BY id) = ARRAY[3,3,3]::INT[])']),
 ('check', 'FROM out_frombfs', ['max(dist) = 3']),
 ('setup', 'DROP TABLE IF EXISTS out_frombfs, out_frombfs_summary'),
 ('case',
  'graph_bfs: SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',7,\'out_frombfs\')',
  'SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',7,\'out_frombfs\')'),
 ('check', 'FROM out_frombfs', ['COUNT(*) = 0']),
 ('setup', 'DROP TABLE IF EXISTS out_frombfs, out_frombfs_summary'),
 ('case',
  'graph_bfs: SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',8,\'out_frombfs\',NULL,FALSE,NULL)',
  'SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',8,\'out_frombfs\',NULL,FALSE,NULL)'),
 ('check', 'FROM out_frombfs WHERE dist = 2 AND id = 10', ['parent = 8']),
 ('setup', 'DROP TABLE IF EXISTS out_frombfs, out_frombfs_summary'),
 ('case',
  'graph_bfs: SELECT '
  'graph_bfs(\'vertex\',\'id\',\'"EDGE"\',\'src="SRC",dest\',3,\'out_frombfs\',NULL,TRUE,NULL)',
  'SELECT graph_bfs(\'vertex\',\'id\',\'"EDGE"\',\'src="SRC",dest\',3,\'out_frombfs\',NULL,TRUE,NULL)'),
 ('check',
  'FROM out_frombfs WHERE dist = 1 GROUP BY dist',
  ['(array_agg(id ORDER BY id) = ARRAY[4,5]::INT[])', '(array_agg(parent ORDER BY id) = ARRAY[3,3]::INT[])']),
 ('check', 'FROM out_frombfs', ['COUNT(*) = 5']),
 ('setup', 'DROP TABLE IF EXISTS out_frombfs, out_frombfs_summary'),
 ('case',
  'graph_bfs: SELECT '
  'graph_bfs(\'vertex\',\'id\',\'"EDGE"\',\'src="SRC",dest\',7,\'out_frombfs\',NULL,TRUE,NULL)',
  'SELECT graph_bfs(\'vertex\',\'id\',\'"EDGE"\',\'src="SRC",dest\',7,\'out_frombfs\',NULL,TRUE,NULL)'),
 ('check', 'FROM out_frombfs', ['COUNT(*) = 0']),
 ('setup', 'DROP TABLE IF EXISTS out_frombfs, out_frombfs_summary'),
 ('case',
  'graph_bfs: SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',8,\'out_frombfs\',NULL,TRUE)',
  'SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',8,\'out_frombfs\',NULL,TRUE)'),
 ('check', 'FROM out_frombfs WHERE dist = 2', ['COUNT(*) = 2']),
 ('setup', 'DROP TABLE IF EXISTS out_frombfs, out_frombfs_summary'),
 ('case',
  'graph_bfs: SELECT graph_bfs(\'vertex\',\'id\',\'"EDGE"\',\'src="SRC",dest\',3,\'out_frombfs\',2,FALSE)',
  'SELECT graph_bfs(\'vertex\',\'id\',\'"EDGE"\',\'src="SRC",dest\',3,\'out_frombfs\',2,FALSE)'),
 ('check', 'FROM out_frombfs', ['MAX(dist) = 2', 'COUNT(*) = 6']),
 ('setup', 'DROP TABLE IF EXISTS out_frombfs, out_frombfs_summary'),
 ('case',
  'graph_bfs: SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',3,\'out_frombfs\',2,TRUE)',
  'SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',3,\'out_frombfs\',2,TRUE)'),
 ('check', 'FROM out_frombfs', ['MAX(dist) = 2', 'COUNT(*) = 4']),
 ('setup', 'DROP TABLE IF EXISTS out_frombfs, out_frombfs_summary'),
 ('case',
  'graph_bfs: SELECT '
  'graph_bfs(\'vertex\',NULL,\'edge_grp\',\'src="SRC"\',3,\'out_frombfs\',NULL,NULL,\'g1,g2\')',
  'SELECT graph_bfs(\'vertex\',NULL,\'edge_grp\',\'src="SRC"\',3,\'out_frombfs\',NULL,NULL,\'g1,g2\')'),
 ('check', 'FROM out_frombfs', ['COUNT(*) = 14']),
 ('check', "FROM out_frombfs WHERE g2 = 'a'", ['COUNT(*) = 7']),
 ('check',
  "FROM out_frombfs WHERE dist = 2 AND g1 = 100 AND g2 = 'a'",
  ['array_agg(id ORDER BY id) = ARRAY[0,2]::INT[]', 'array_agg(parent ORDER BY id) = ARRAY[1,4]::INT[]']),
 ('check',
  "FROM out_frombfs WHERE dist = 2 AND g1 = 100 AND g2 = 'b'",
  ['array_agg(id ORDER BY id) = ARRAY[0,2]::INT[]', 'array_agg(parent ORDER BY id) = ARRAY[1,4]::INT[]']),
 ('check', 'FROM out_frombfs GROUP BY g1,g2', ['MIN(g1) = 100', 'MAX(g1) = 100']),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN id TO "SRC"'),
 ('case',
  'graph_bfs: SELECT graph_bfs(\'vertex\',\'"SRC"\',\'edge_grp\',\'src="SRC"\',3,\'out\',NULL,NULL,\'g1\')',
  'SELECT graph_bfs(\'vertex\',\'"SRC"\',\'edge_grp\',\'src="SRC"\',3,\'out\',NULL,NULL,\'g1\')'),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN "SRC" TO dest'),
 ('case',
  'graph_bfs: SELECT graph_bfs(\'vertex\',\'dest\',\'edge_grp\',\'src="SRC"\',3,\'out\',NULL,NULL,\'g1\')',
  'SELECT graph_bfs(\'vertex\',\'dest\',\'edge_grp\',\'src="SRC"\',3,\'out\',NULL,NULL,\'g1\')'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN dest TO id'),
 ('setup', 'CREATE TABLE v2 AS SELECT (id+992147483647)::bigint as id FROM vertex'),
 ('setup',
  'CREATE TABLE e2 AS SELECT ("SRC"+992147483647)::bigint as src, (dest+992147483647)::bigint as dest FROM '
  '"EDGE"'),
 ('setup', 'DROP TABLE IF EXISTS pg_temp.out2, pg_temp.out2_summary'),
 ('case',
  "graph_bfs: SELECT graph_bfs('v2',NULL,'e2',NULL,992147483650,'pg_temp.out2')",
  "SELECT graph_bfs('v2',NULL,'e2',NULL,992147483650,'pg_temp.out2')"),
 ('case', 'count: SELECT count(*) from pg_temp.out2', 'SELECT count(*) from pg_temp.out2'),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary, out_path'),
 ('setup', 'DELETE FROM "EDGE" WHERE dest = 7'),
 ('case',
  'graph_bfs: SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',3,\'out\')',
  'SELECT graph_bfs(\'vertex\',NULL,\'"EDGE"\',\'src="SRC"\',3,\'out\')'),
 ('check', 'FROM (SELECT * FROM out WHERE parent IS NULL)q1', ['count(*) = 0'])]
