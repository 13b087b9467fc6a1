"""Steps of apache/madlib src/ports/postgres/modules/glm/test/ordinal.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'glm/test/ordinal.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS multinom_test'),
 ('setup',
  'CREATE TABLE multinom_test (\n    feat1 INTEGER,\n    feat2 INTEGER,\n    cat INTEGER,\n    g CHAR\n)'),
 ('setup',
  'INSERT INTO multinom_test(feat1, feat2, cat, g) VALUES\n'
  "(1,35,1,'A'),\n"
  "(2,33,0,'A'),\n"
  "(3,39,1,'A'),\n"
  "(1,37,1,'A'),\n"
  "(2,31,1,'A'),\n"
  "(3,36,0,'A'),\n"
  "(2,36,1,'A'),\n"
  "(2,31,1,'A'),\n"
  "(2,41,1,'A'),\n"
  "(2,37,1,'A'),\n"
  "(1,44,1,'A'),\n"
  "(3,33,2,'A'),\n"
  "(1,31,1,'A'),\n"
  "(2,44,1,'A'),\n"
  "(1,35,1,'A'),\n"
  "(1,44,0,'A'),\n"
  "(1,46,0,'A'),\n"
  "(2,46,1,'A'),\n"
  "(2,46,2,'A'),\n"
  "(3,49,1,'A'),\n"
  "(2,39,0,'A'),\n"
  "(2,44,1,'A'),\n"
  "(1,47,1,'A'),\n"
  "(1,44,1,'A'),\n"
  "(1,37,2,'A'),\n"
  "(3,38,2,'A'),\n"
  "(1,49,0,'A'),\n"
  "(2,44,0,'A'),\n"
  "(1,41,2,'A'),\n"
  "(1,50,2,'A'),\n"
  "(2,44,0,'A'),\n"
  "(1,39,1,'A'),\n"
  "(1,40,2,'A'),\n"
  "(1,46,2,'A'),\n"
  "(2,41,1,'A'),\n"
  "(2,39,1,'A'),\n"
  "(2,33,1,'A'),\n"
  "(3,59,2,'A'),\n"
  "(1,41,0,'A'),\n"
  "(2,47,2,'A'),\n"
  "(2,31,0,'A'),\n"
  "(3,42,2,'A'),\n"
  "(1,55,2,'A'),\n"
  "(3,40,1,'A'),\n"
  "(1,44,2,'A'),\n"
  "(1,54,1,'A'),\n"
  "(2,46,1,'A'),\n"
  "(1,54,0,'A'),\n"
  "(2,42,1,'A'),\n"
  "(2,49,2,'A'),\n"
  "(2,41,2,'A'),\n"
  "(2,41,1,'A'),\n"
  "(1,44,0,'A'),\n"
  "(1,57,2,'A'),\n"
  "(2,52,2,'A'),\n"
  "(1,49,0,'A'),\n"
  "(3,41,2,'A'),\n"
  "(3,57,0,'A'),\n"
  "(1,62,1,'A'),\n"
  "(3,33,0,'A'),\n"
  "(2,54,1,'A'),\n"
  "(2,40,2,'A'),\n"
  "(3,52,2,'A'),\n"
  "(2,57,1,'A'),\n"
  "(2,49,1,'A'),\n"
  "(2,46,1,'A'),\n"
  "(1,57,0,'A'),\n"
  "(2,49,2,'A'),\n"
  "(2,52,2,'A'),\n"
  "(2,53,0,'A'),\n"
  "(3,54,2,'A'),\n"
  "(2,57,2,'A'),\n"
  "(3,41,2,'A'),\n"
  "(1,52,0,'A'),\n"
  "(2,57,1,'A'),\n"
  "(1,54,0,'A'),\n"
  "(2,52,1,'A'),\n"
  "(2,52,0,'A'),\n"
  "(2,44,0,'A'),\n"
  "(2,46,2,'A'),\n"
  "(1,49,1,'A'),\n"
  "(2,54,2,'A'),\n"
  "(3,52,2,'A'),\n"
  "(1,44,0,'A'),\n"
  "(3,49,1,'A'),\n"
  "(1,46,2,'A'),\n"
  "(2,54,0,'A'),\n"
  "(2,39,0,'A'),\n"
  "(2,59,0,'A'),\n"
  "(2,45,1,'A'),\n"
  "(3,52,1,'A'),\n"
  "(3,54,0,'A'),\n"
  "(3,44,1,'A'),\n"
  "(2,50,2,'A'),\n"
  "(2,62,1,'A'),\n"
  "(2,59,0,'A'),\n"
  "(2,52,2,'A'),\n"
  "(2,52,1,'A'),\n"
  "(2,46,1,'A'),\n"
  "(2,41,0,'A'),\n"
  "(2,52,2,'A'),\n"
  "(2,52,1,'A'),\n"
  "(2,55,1,'A'),\n"
  "(2,41,1,'A'),\n"
  "(2,49,0,'A'),\n"
  "(1,59,2,'A'),\n"
  "(1,54,0,'A'),\n"
  "(2,54,0,'A'),\n"
  "(2,59,2,'A'),\n"
  "(2,55,2,'A'),\n"
  "(1,62,2,'A'),\n"
  "(2,54,2,'A'),\n"
  "(2,54,2,'A'),\n"
  "(2,54,2,'A'),\n"
  "(2,59,2,'A'),\n"
  "(2,57,1,'A'),\n"
  "(3,61,2,'A'),\n"
  "(3,52,2,'A'),\n"
  "(2,59,2,'A'),\n"
  "(2,62,2,'A'),\n"
  "(1,60,1,'A'),\n"
  "(2,59,2,'A'),\n"
  "(2,65,2,'A'),\n"
  "(3,61,2,'A'),\n"
  "(2,59,2,'A'),\n"
  "(3,59,2,'A'),\n"
  "(2,59,2,'A'),\n"
  "(2,59,2,'A'),\n"
  "(2,65,2,'A'),\n"
  "(3,57,2,'A'),\n"
  "(2,59,2,'A'),\n"
  "(3,49,2,'A'),\n"
  "(1,49,0,'A'),\n"
  "(3,59,2,'A'),\n"
  "(2,62,2,'A'),\n"
  "(3,59,0,'A'),\n"
  "(2,54,2,'A'),\n"
  "(3,63,2,'A'),\n"
  "(1,43,2,'A'),\n"
  "(3,54,2,'A'),\n"
  "(3,52,2,'A'),\n"
  "(1,57,2,'A'),\n"
  "(2,57,0,'A'),\n"
  "(2,57,0,'A'),\n"
  "(2,61,2,'A'),\n"
  "(2,62,0,'A'),\n"
  "(2,62,0,'A'),\n"
  "(1,65,0,'A'),\n"
  "(2,57,2,'A'),\n"
  "(3,59,2,'A'),\n"
  "(2,59,2,'A'),\n"
  "(3,62,2,'A'),\n"
  "(2,65,2,'B'),\n"
  "(2,62,1,'B'),\n"
  "(1,62,0,'B'),\n"
  "(2,62,2,'B'),\n"
  "(3,54,2,'B'),\n"
  "(3,62,2,'B'),\n"
  "(1,65,2,'B'),\n"
  "(3,62,2,'B'),\n"
  "(3,67,0,'B'),\n"
  "(3,65,0,'B'),\n"
  "(1,60,2,'B'),\n"
  "(3,59,2,'B'),\n"
  "(2,59,2,'B'),\n"
  "(2,59,1,'B'),\n"
  "(3,65,0,'B'),\n"
  "(3,62,2,'B'),\n"
  "(3,65,2,'B'),\n"
  "(3,59,0,'B'),\n"
  "(1,59,0,'B'),\n"
  "(3,61,2,'B'),\n"
  "(1,65,2,'B'),\n"
  "(3,67,1,'B'),\n"
  "(3,65,2,'B'),\n"
  "(1,65,2,'B'),\n"
  "(2,67,2,'B'),\n"
  "(1,65,2,'B'),\n"
  "(1,62,2,'B'),\n"
  "(3,52,2,'B'),\n"
  "(3,63,2,'B'),\n"
  "(2,59,2,'B'),\n"
  "(3,65,2,'B'),\n"
  "(2,59,0,'B'),\n"
  "(3,67,2,'B'),\n"
  "(3,67,2,'B'),\n"
  "(3,60,2,'B'),\n"
  "(3,67,2,'B'),\n"
  "(3,62,2,'B'),\n"
  "(2,54,2,'B'),\n"
  "(3,65,2,'B'),\n"
  "(3,62,2,'B'),\n"
  "(2,59,2,'B'),\n"
  "(3,60,2,'B'),\n"
  "(3,63,2,'B'),\n"
  "(3,65,2,'B'),\n"
  "(2,63,1,'B'),\n"
  "(2,67,2,'B'),\n"
  "(2,65,2,'B'),\n"
  "(2,62,2,'B')"),
 ('case',
  "ordinal: SELECT ordinal( 'multinom_test', 'ordinal_out', 'cat', 'ARRAY[feat1, feat2]', '0<1<2', 'lo",
  'SELECT ordinal(\n'
  "    'multinom_test',\n"
  "    'ordinal_out',\n"
  "    'cat',\n"
  "    'ARRAY[feat1, feat2]',\n"
  "    '0<1<2',\n"
  "    'logit'\n"
  '    )'),
 ('check',
  'FROM ordinal_out',
  ['relative_error(coef_threshold, ARRAY[2.6350, 3.8995]) < 1e-4',
   'relative_error(coef_feature, ARRAY[.53958, .05595]) < 1e-4',
   'relative_error(log_likelihood, -190.92) < 1e-4']),
 ('setup', 'DROP TABLE IF EXISTS multinom_to_prd'),
 ('setup',
  'CREATE TABLE multinom_to_prd (\n    feat1 INTEGER,\n    feat2 INTEGER,\n    id INTEGER,\n    g CHAR\n)'),
 ('setup',
  'INSERT INTO multinom_to_prd(feat1, feat2, id, g) VALUES\n'
  "(1,35,1,'A'),\n"
  "(2,33,2,'A'),\n"
  "(3,39,3,'B'),\n"
  "(1,37,4,'B')"),
 ('case',
  "ordinal_predict: SELECT ordinal_predict( 'ordinal_out', 'multinom_to_prd', 'ordinal_prd', 'probability' )",
  "SELECT ordinal_predict(\n\t'ordinal_out',\n\t'multinom_to_prd',\n\t'ordinal_prd',\n\t'probability'\n\t)"),
 ('check',
  'FROM (SELECT array_agg("0" ORDER BY id) as prob FROM ordinal_prd)subq',
  ['relative_error(prob, ARRAY[0.5342011, 0.4278446, 0.2375883, 0.5062776])< 1e-4']),
 ('setup', 'DROP TABLE IF EXISTS ordinal_out, ordinal_out_summary'),
 ('case',
  "ordinal: SELECT ordinal( 'multinom_test', 'ordinal_out', 'cat', 'ARRAY[feat1, feat2]', '0<1<2', 'lo",
  'SELECT ordinal(\n'
  "    'multinom_test',\n"
  "    'ordinal_out',\n"
  "    'cat',\n"
  "    'ARRAY[feat1, feat2]',\n"
  "    '0<1<2',\n"
  "    'logit',\n"
  "    'g'\n"
  '    )'),
 ('check',
  "FROM ordinal_out\nWHERE g='A'",
  ['relative_error(coef_threshold, ARRAY[2.3497, 3.7680]) < 1e-4',
   'relative_error(coef_feature, ARRAY[0.59758, 0.04845]) < 1e-4',
   'relative_error(log_likelihood, -154.6991) < 1e-4']),
 ('setup', 'DROP TABLE IF EXISTS ordinal_prd'),
 ('case',
  "ordinal_predict: SELECT ordinal_predict( 'ordinal_out', 'multinom_to_prd', 'ordinal_prd', 'probability' )",
  "SELECT ordinal_predict(\n\t'ordinal_out',\n\t'multinom_to_prd',\n\t'ordinal_prd',\n\t'probability'\n\t)"),
 ('check',
  'FROM (SELECT array_agg("0" ORDER BY id) as prob FROM ordinal_prd where id=1 OR id=2)subq',
  ['relative_error(prob, ARRAY[0.5141240, 0.3907468])< 1e-4']),
 ('setup', 'DROP TABLE IF EXISTS ordinal_out, ordinal_out_summary'),
 ('case',
  "ordinal: SELECT ordinal( 'multinom_test', 'ordinal_out', 'cat', 'ARRAY[feat1, feat2]', '0<1<2', 'pr",
  'SELECT ordinal(\n'
  "    'multinom_test',\n"
  "    'ordinal_out',\n"
  "    'cat',\n"
  "    'ARRAY[feat1, feat2]',\n"
  "    '0<1<2',\n"
  "    'probit'\n"
  '    )'),
 ('check',
  'FROM ordinal_out',
  ['relative_error(coef_threshold, ARRAY[1.5104, 2.2577]) < 1e-4',
   'relative_error(coef_feature, ARRAY[.31431, .03215]) < 1e-4',
   'relative_error(log_likelihood, -191.9912) < 1e-4']),
 ('setup', 'DROP TABLE IF EXISTS ordinal_prd'),
 ('case',
  "ordinal_predict: SELECT ordinal_predict( 'ordinal_out', 'multinom_to_prd', 'ordinal_prd', 'probability' )",
  'SELECT ordinal_predict(\n'
  "\t'ordinal_out',\n"
  "\t'multinom_to_prd',\n"
  "\t'ordinal_prd',\n"
  "\t'probability'\n"
  '    )'),
 ('check',
  'FROM (SELECT array_agg("0" ORDER BY id) as prob FROM ordinal_prd)subq',
  ['relative_error(prob, ARRAY[0.5281595, 0.4288294, 0.2461692, 0.5025270])< 1e-4'])]
