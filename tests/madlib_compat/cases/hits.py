"""Steps of apache/madlib src/ports/postgres/modules/graph/test/hits.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'graph/test/hits.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS vertex, edge'),
 ('setup', 'CREATE TABLE vertex(\n        id INTEGER\n        )'),
 ('setup',
  'CREATE TABLE edge(\n        src INTEGER,\n        dest INTEGER,\n        user_id INTEGER\n        )'),
 ('setup', 'INSERT INTO vertex VALUES\n(0),\n(1),\n(2),\n(3),\n(4),\n(5),\n(6)'),
 ('setup',
  'INSERT INTO edge VALUES\n'
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
  '(6, 3, 1)'),
 ('setup', 'DROP TABLE IF EXISTS hits_out, hits_out_summary'),
 ('case',
  "hits: SELECT hits( 'vertex', 'id', 'edge', 'src=src, dest=dest', 'hits_out', 3)",
  'SELECT hits(\n'
  "         'vertex',        \n"
  "         'id',            \n"
  "         'edge',          \n"
  "         'src=src, dest=dest', \n"
  "         'hits_out',       \n"
  '         3)'),
 ('check', 'FROM hits_out', ['count(*) = 7']),
 ('check', 'FROM hits_out WHERE id=0', ['relative_error(authority, 0.0865332738777835) < 10e-10']),
 ('check', 'FROM hits_out WHERE id=0', ['relative_error(hub, 0.375721659592363) < 10e-10']),
 ('setup', 'TRUNCATE TABLE vertex, edge'),
 ('setup', 'INSERT INTO vertex VALUES\n(0),\n(1),\n(2),\n(3),\n(4),\n(5),\n(6)'),
 ('setup',
  'INSERT INTO edge VALUES\n'
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
 ('setup', 'DROP TABLE IF EXISTS hits_out, hits_out_summary'),
 ('case',
  "hits: SELECT hits( 'vertex', 'id', 'edge', 'src=src, dest=dest', 'hits_out', 3, 0, 'user_id')",
  'SELECT hits(\n'
  "         'vertex',        \n"
  "         'id',            \n"
  "         'edge',          \n"
  "         'src=src, dest=dest', \n"
  "         'hits_out',       \n"
  '         3,                \n'
  '         0,                \n'
  "         'user_id')"),
 ('check', 'FROM hits_out', ['count(*) = 14']),
 ('check',
  'FROM hits_out WHERE id=2 and user_id = 1',
  ['relative_error(authority , 0.432666369388918) < 10e-10']),
 ('check',
  'FROM hits_out WHERE id=6 and user_id = 2',
  ['relative_error(authority , 0.016273613872603) < 10e-10']),
 ('setup', 'DROP TABLE IF EXISTS hits_out, hits_out_summary'),
 ('case',
  "hits: SELECT hits( 'vertex', 'id', 'edge', 'src=src, dest=dest', 'hits_out', 3, 0.01, 'user_id')",
  'SELECT hits(\n'
  "         'vertex',        \n"
  "         'id',            \n"
  "         'edge',          \n"
  "         'src=src, dest=dest', \n"
  "         'hits_out',      \n"
  '         3,               \n'
  '         0.01,            \n'
  "         'user_id')"),
 ('check', 'FROM hits_out', ['count(*) = 14']),
 ('check', 'FROM hits_out WHERE id=3 and user_id = 1', ['relative_error(hub , 0.040618557793769) < 10e-10']),
 ('check',
  'FROM hits_out WHERE id=5 and user_id = 2',
  ['relative_error(hub , 0.00818161871503306) < 10e-10']),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN id TO src'),
 ('case',
  "hits: SELECT hits('vertex','src','edge',NULL,'out',3,0.01,'user_id')",
  "SELECT hits('vertex','src','edge',NULL,'out',3,0.01,'user_id')"),
 ('setup', 'DROP TABLE IF EXISTS out, out_summary'),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN src TO dest'),
 ('case',
  "hits: SELECT hits('vertex','dest','edge',NULL,'out',3,0.01,'user_id')",
  "SELECT hits('vertex','dest','edge',NULL,'out',3,0.01,'user_id')"),
 ('setup', 'ALTER TABLE vertex RENAME COLUMN dest TO id'),
 ('setup', 'CREATE TABLE v2 AS SELECT (id+992147483647)::bigint as id FROM vertex'),
 ('setup',
  'CREATE TABLE e2 AS SELECT (src+992147483647)::bigint as src, (dest+992147483647)::bigint as dest FROM '
  'edge'),
 ('setup', 'DROP TABLE IF EXISTS pg_temp.out2, pg_temp.out2_summary'),
 ('case',
  "hits: SELECT hits('v2',NULL,'e2',NULL,'pg_temp.out2')",
  "SELECT hits('v2',NULL,'e2',NULL,'pg_temp.out2')"),
 ('case', 'count: SELECT count(*) from pg_temp.out2', 'SELECT count(*) from pg_temp.out2')]
