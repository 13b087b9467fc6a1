"""Steps of apache/madlib src/ports/postgres/modules/regress/test/robust.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'regress/test/robust.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS weibull'),
 ('setup',
  'CREATE TABLE weibull (\n'
  '    id INTEGER NOT NULL,\n'
  '    x1 DOUBLE PRECISION,\n'
  '    x2 DOUBLE PRECISION,\n'
  '    y DOUBLE PRECISION\n'
  ')'),
 ('setup',
  'INSERT INTO weibull(id, x1, x2, y) VALUES\n'
  '( 1, 41.9, 29.1, 251.3),\n'
  '( 2, 43.4, 29.3, 251.3),\n'
  '( 3, 43.9, 29.5, 248.3),\n'
  '( 4, 44.5, 29.7, 267.5),\n'
  '( 5, 47.3, 29.9, 273.0),\n'
  '( 6, 47.5, 30.3, 276.5),\n'
  '( 7, 47.9, 30.5, 270.3),\n'
  '( 8, 50.2, 30.7, 274.9),\n'
  '( 9, 52.8, 30.8, 285.0),\n'
  '(10, 53.2, 30.9, 290.0),\n'
  '(11, 56.7, 31.5, 297.0),\n'
  '(12, 57.0, 31.7, 302.5),\n'
  '(13, 63.5, 31.9, 304.5),\n'
  '(14, 65.3, 32.0, 309.3),\n'
  '(15, 71.1, 32.1, 321.7),\n'
  '(16, 77.0, 32.5, 330.7),\n'
  '(17, 77.8, 32.9, 349.0)'),
 ('case',
  'FROM: SELECT * FROM ( SELECT (robust_linregr(y, ARRAY[1, x1, x2], coef)).* FROM ( SELECT (linreg',
  'SELECT * FROM (\n'
  '\tSELECT (robust_linregr(y, ARRAY[1, x1, x2], coef)).*\n'
  '\tFROM\n'
  '\t(\t\tSELECT (linregr(y, ARRAY[1, x1, x2])).coef\n'
  '\t\t\tFROM weibull\n'
  '\t) as mle_coef,\n'
  '\tweibull as src\n'
  ') q'),
 ('setup', 'DROP TABLE IF EXISTS result_weibull_3'),
 ('setup', 'DROP TABLE IF EXISTS result_weibull_3_summary'),
 ('case',
  "robust_variance_linregr: select robust_variance_linregr('weibull', 'result_weibull_3', 'y', 'ARRAY[1, x1, "
  "x2]')",
  "select robust_variance_linregr('weibull', 'result_weibull_3', 'y', 'ARRAY[1, x1, x2]')"),
 ('setup', 'DROP TABLE IF EXISTS patients'),
 ('setup',
  'CREATE TABLE patients (\n'
  '    id INTEGER NOT NULL,\n'
  '    second_attack INTEGER,\n'
  '    treatment INTEGER,\n'
  '    trait_anxiety INTEGER\n'
  ')'),
 ('setup',
  'INSERT INTO patients(ID, second_attack, treatment, trait_anxiety) VALUES\n'
  '( 1, 1, 1, 70),\n'
  '( 2, 1, 1, 80),\n'
  '( 3, 1, 1, 50),\n'
  '( 4, 1, 0, 60),\n'
  '( 5, 1, 0, 40),\n'
  '( 6, 1, 0, 65),\n'
  '( 7, 1, 0, 75),\n'
  '( 8, 1, 0, 80),\n'
  '( 9, 1, 0, 70),\n'
  '(10, 1, 0, 60),\n'
  '(11, 0, 1, 65),\n'
  '(12, 0, 1, 50),\n'
  '(13, 0, 1, 45),\n'
  '(14, 0, 1, 35),\n'
  '(15, 0, 1, 40),\n'
  '(16, 0, 1, 50),\n'
  '(17, 0, 0, 55),\n'
  '(18, 0, 0, 45),\n'
  '(19, 0, 0, 50),\n'
  '(20, 0, 0, 60)'),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "robust_variance_logregr: select robust_variance_logregr('patients', 'temp_result', 'second_attack', "
  "'ARRAY[1, treat",
  "select robust_variance_logregr('patients', 'temp_result', 'second_attack', 'ARRAY[1, treatment, "
  "trait_anxiety]')"),
 ('case',
  'assert: SELECT assert( relative_error(coef, ARRAY[-6.36346, -1.024, 0.11904]) < 1e-3 AND relative_',
  'SELECT assert(\n'
  '\trelative_error(coef, ARRAY[-6.36346, -1.024, 0.11904]) < 1e-3 AND\n'
  '\trelative_error(std_err, ARRAY[3.4587,1.171,0.05343]) < 1e-3 AND\n'
  '\trelative_error(z_stats, ARRAY[-1.8398,-0.87409,2.2279]) < 1e-3 AND\n'
  '\trelative_error(p_values, ARRAY[0.06579,0.38206,0.025884]) < 1e-3,\n'
  "\t'Robust Variance: Wrong Results'\n"
  ')FROM temp_result'),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "robust_variance_logregr: select robust_variance_logregr('patients', 'temp_result', 'second_attack', "
  "'ARRAY[1, treat",
  "select robust_variance_logregr('patients', 'temp_result', 'second_attack', 'ARRAY[1, treatment, "
  "trait_anxiety]', NULL )"),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "robust_variance_logregr: select robust_variance_logregr('patients', 'temp_result', 'second_attack', "
  "'ARRAY[1, treat",
  "select robust_variance_logregr('patients', 'temp_result', 'second_attack', 'ARRAY[1, treatment, "
  "trait_anxiety]', NULL, 20 )"),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "robust_variance_logregr: select robust_variance_logregr('patients', 'temp_result', 'second_attack', "
  "'ARRAY[1, treat",
  "select robust_variance_logregr('patients', 'temp_result', 'second_attack', 'ARRAY[1, treatment, "
  "trait_anxiety]', NULL, 20 , 'irls')"),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "robust_variance_logregr: select robust_variance_logregr('patients', 'temp_result', 'second_attack', "
  "'ARRAY[1, treat",
  "select robust_variance_logregr('patients', 'temp_result', 'second_attack', 'ARRAY[1, treatment, "
  "trait_anxiety]', NULL, 20, 'irls', 0.0001 )"),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "robust_variance_logregr: select robust_variance_logregr('patients', 'temp_result', 'second_attack', "
  "'ARRAY[1, treat",
  "select robust_variance_logregr('patients', 'temp_result', 'second_attack', 'ARRAY[1, treatment, "
  "trait_anxiety]', NULL, 20, 'irls', 0.0001, FALSE )"),
 ('setup', 'DROP TABLE IF EXISTS test_hw_mlogr'),
 ('setup',
  'CREATE TABLE test_hw_mlogr(\n    feat1 INTEGER,\n    feat2 DOUBLE PRECISION,\n    cat INTEGER\n)'),
 ('setup',
  'INSERT INTO test_hw_mlogr(feat1, feat2, cat) VALUES\n'
  '(1,0.35,1),\n'
  '(2,0.33,0),\n'
  '(3,0.39,1),\n'
  '(1,0.37,1),\n'
  '(2,0.31,1),\n'
  '(3,0.36,0),\n'
  '(2,0.36,1),\n'
  '(2,0.31,1),\n'
  '(2,0.41,1),\n'
  '(2,0.37,1),\n'
  '(1,0.44,1),\n'
  '(3,0.33,2),\n'
  '(1,0.31,1),\n'
  '(2,0.44,1),\n'
  '(1,0.35,1),\n'
  '(1,0.44,0),\n'
  '(1,0.46,0),\n'
  '(2,0.46,1),\n'
  '(2,0.46,2),\n'
  '(3,0.49,1),\n'
  '(2,0.39,0),\n'
  '(2,0.44,1),\n'
  '(1,0.47,1),\n'
  '(1,0.44,1),\n'
  '(1,0.37,2),\n'
  '(3,0.38,2),\n'
  '(1,0.49,0),\n'
  '(2,0.44,0),\n'
  '(1,0.41,2),\n'
  '(1,0.5,2),\n'
  '(2,0.44,0),\n'
  '(1,0.39,1),\n'
  '(1,0.4,2),\n'
  '(1,0.46,2),\n'
  '(2,0.41,1),\n'
  '(2,0.39,1),\n'
  '(2,0.33,1),\n'
  '(3,0.59,2),\n'
  '(1,0.41,0),\n'
  '(2,0.47,2),\n'
  '(2,0.31,0),\n'
  '(3,0.42,2),\n'
  '(1,0.55,2),\n'
  '(3,0.4,1),\n'
  '(1,0.44,2),\n'
  '(1,0.54,1),\n'
  '(2,0.46,1),\n'
  '(1,0.54,0),\n'
  '(2,0.42,1),\n'
  '(2,0.49,2),\n'
  '(2,0.41,2),\n'
  '(2,0.41,1),\n'
  '(1,0.44,0),\n'
  '(1,0.57,2),\n'
  '(2,0.52,2),\n'
  '(1,0.49,0),\n'
  '(3,0.41,2),\n'
  '(3,0.57,0),\n'
  '(1,0.62,1),\n'
  '(3,0.33,0),\n'
  '(2,0.54,1),\n'
  '(2,0.4,2),\n'
  '(3,0.52,2),\n'
  '(2,0.57,1),\n'
  '(2,0.49,1),\n'
  '(2,0.46,1),\n'
  '(1,0.57,0),\n'
  '(2,0.49,2),\n'
  '(2,0.52,2),\n'
  '(2,0.53,0),\n'
  '(3,0.54,2),\n'
  '(2,0.57,2),\n'
  '(3,0.41,2),\n'
  '(1,0.52,0),\n'
  '(2,0.57,1),\n'
  '(1,0.54,0),\n'
  '(2,0.52,1),\n'
  '(2,0.52,0),\n'
  '(2,0.44,0),\n'
  '(2,0.46,2),\n'
  '(1,0.49,1),\n'
  '(2,0.54,2),\n'
  '(3,0.52,2),\n'
  '(1,0.44,0),\n'
  '(3,0.49,1),\n'
  '(1,0.46,2),\n'
  '(2,0.54,0),\n'
  '(2,0.39,0),\n'
  '(2,0.59,0),\n'
  '(2,0.45,1),\n'
  '(3,0.52,1),\n'
  '(3,0.54,0),\n'
  '(3,0.44,1),\n'
  '(2,0.5,2),\n'
  '(2,0.62,1),\n'
  '(2,0.59,0),\n'
  '(2,0.52,2),\n'
  '(2,0.52,1),\n'
  '(2,0.46,1),\n'
  '(2,0.41,0),\n'
  '(2,0.52,2),\n'
  '(2,0.52,1),\n'
  '(2,0.55,1),\n'
  '(2,0.41,1),\n'
  '(2,0.49,0),\n'
  '(1,0.59,2),\n'
  '(1,0.54,0),\n'
  '(2,0.54,0),\n'
  '(2,0.59,2),\n'
  '(2,0.55,2),\n'
  '(1,0.62,2),\n'
  '(2,0.54,2),\n'
  '(2,0.54,2),\n'
  '(2,0.54,2),\n'
  '(2,0.59,2),\n'
  '(2,0.57,1),\n'
  '(3,0.61,2),\n'
  '(3,0.52,2),\n'
  '(2,0.59,2),\n'
  '(2,0.62,2),\n'
  '(1,0.6,1),\n'
  '(2,0.59,2),\n'
  '(2,0.65,2),\n'
  '(3,0.61,2),\n'
  '(2,0.59,2),\n'
  '(3,0.59,2),\n'
  '(2,0.59,2),\n'
  '(2,0.59,2),\n'
  '(2,0.65,2),\n'
  '(3,0.57,2),\n'
  '(2,0.59,2),\n'
  '(3,0.49,2),\n'
  '(1,0.49,0),\n'
  '(3,0.59,2),\n'
  '(2,0.62,2),\n'
  '(3,0.59,0),\n'
  '(2,0.54,2),\n'
  '(3,0.63,2),\n'
  '(1,0.43,2),\n'
  '(3,0.54,2),\n'
  '(3,0.52,2),\n'
  '(1,0.57,2),\n'
  '(2,0.57,0),\n'
  '(2,0.57,0),\n'
  '(2,0.61,2),\n'
  '(2,0.62,0),\n'
  '(2,0.62,0),\n'
  '(1,0.65,0),\n'
  '(2,0.57,2),\n'
  '(3,0.59,2),\n'
  '(2,0.59,2),\n'
  '(3,0.62,2),\n'
  '(2,0.65,2),\n'
  '(2,0.62,1),\n'
  '(1,0.62,0),\n'
  '(2,0.62,2),\n'
  '(3,0.54,2),\n'
  '(3,0.62,2),\n'
  '(1,0.65,2),\n'
  '(3,0.62,2),\n'
  '(3,0.67,0),\n'
  '(3,0.65,0),\n'
  '(1,0.6,2),\n'
  '(3,0.59,2),\n'
  '(2,0.59,2),\n'
  '(2,0.59,1),\n'
  '(3,0.65,0),\n'
  '(3,0.62,2),\n'
  '(3,0.65,2),\n'
  '(3,0.59,0),\n'
  '(1,0.59,0),\n'
  '(3,0.61,2),\n'
  '(1,0.65,2),\n'
  '(3,0.67,1),\n'
  '(3,0.65,2),\n'
  '(1,0.65,2),\n'
  '(2,0.67,2),\n'
  '(1,0.65,2),\n'
  '(1,0.62,2),\n'
  '(3,0.52,2),\n'
  '(3,0.63,2),\n'
  '(2,0.59,2),\n'
  '(3,0.65,2),\n'
  '(2,0.59,0),\n'
  '(3,0.67,2),\n'
  '(3,0.67,2),\n'
  '(3,0.6,2),\n'
  '(3,0.67,2),\n'
  '(3,0.62,2),\n'
  '(2,0.54,2),\n'
  '(3,0.65,2),\n'
  '(3,0.62,2),\n'
  '(2,0.59,2),\n'
  '(3,0.6,2),\n'
  '(3,0.63,2),\n'
  '(3,0.65,2),\n'
  '(2,0.63,1),\n'
  '(2,0.67,2),\n'
  '(2,0.65,2),\n'
  '(2,0.62,2)'),
 ('case',
  "robust_variance_mlogregr: select robust_variance_mlogregr('help')",
  "select robust_variance_mlogregr('help')"),
 ('case',
  "robust_variance_mlogregr: select robust_variance_mlogregr('')",
  "select robust_variance_mlogregr('')"),
 ('case',
  "robust_variance_mlogregr: select robust_variance_mlogregr('random_test')",
  "select robust_variance_mlogregr('random_test')"),
 ('case',
  "robust_variance_mlogregr: select robust_variance_mlogregr('usage')",
  "select robust_variance_mlogregr('usage')"),
 ('setup', 'DROP TABLE IF EXISTS test_hw_mlogr_result'),
 ('setup', 'DROP TABLE IF EXISTS test_hw_mlogr_result_summary'),
 ('case',
  "robust_variance_mlogregr: SELECT robust_variance_mlogregr( 'test_hw_mlogr', 'test_hw_mlogr_result', "
  "'cat', 'ARRAY[1,",
  'SELECT robust_variance_mlogregr(\n'
  "    'test_hw_mlogr', 'test_hw_mlogr_result',\n"
  "    'cat', 'ARRAY[1, feat1, feat2]', 0, NULL, 20, 'irls', 0.0001, False)"),
 ('check',
  'from test_hw_mlogr_result\nwhere category = 1',
  ['relative_error(\n    std_err, ARRAY[1.20, 0.29, 2.36]) < 1e-1']),
 ('check',
  'from test_hw_mlogr_result\nwhere category = 2',
  ['relative_error(\n    std_err, ARRAY[1.28, 0.28, 2.18]) < 1e-1']),
 ('setup', 'DROP TABLE IF EXISTS test_hw_mlogr_result'),
 ('setup', 'DROP TABLE IF EXISTS test_hw_mlogr_result_summary'),
 ('case',
  "robust_variance_mlogregr: SELECT robust_variance_mlogregr( 'test_hw_mlogr', 'test_hw_mlogr_result', "
  "'cat', 'ARRAY[1,",
  'SELECT robust_variance_mlogregr(\n'
  "    'test_hw_mlogr', 'test_hw_mlogr_result',\n"
  "    'cat', 'ARRAY[1, feat1, feat2]', 0, NULL,\n"
  "    'max_iter=20, optimizer=irls, tolerance=0.0001',\n"
  '    False)'),
 ('setup', 'DROP TABLE IF EXISTS test_hw_mlogr_result'),
 ('setup', 'DROP TABLE IF EXISTS test_hw_mlogr_result_summary'),
 ('case',
  "robust_variance_mlogregr: SELECT robust_variance_mlogregr( 'test_hw_mlogr', 'test_hw_mlogr_result', "
  "'cat', 'ARRAY[1,",
  'SELECT robust_variance_mlogregr(\n'
  "    'test_hw_mlogr', 'test_hw_mlogr_result',\n"
  "    'cat', 'ARRAY[1, feat1, feat2]', 0, NULL,\n"
  "    'max_num_iterations=20, optimizer=irls, precision=0.0001',\n"
  '    False)'),
 ('setup', 'DROP TABLE IF EXISTS weibull_with_null'),
 ('setup', 'DROP TABLE IF EXISTS test_hw_mlogr_result_summary'),
 ('setup', 'CREATE TABLE weibull_with_null AS SELECT * FROM weibull'),
 ('setup',
  'INSERT INTO weibull_with_null(id, x1, x2, y) VALUES\n'
  '(18, NULL, 29.1, 251.3),\n'
  '(19, 43.4, NULL, 251.3),\n'
  '(20, 43.9, 29.5, NULL)'),
 ('setup', 'DROP TABLE IF EXISTS temp_result'),
 ('setup', 'DROP TABLE IF EXISTS temp_result_summary'),
 ('case',
  "robust_variance_linregr: SELECT robust_variance_linregr('weibull_with_null', 'temp_result', 'y', "
  "'ARRAY[1, x1, x2]'",
  "SELECT robust_variance_linregr('weibull_with_null', 'temp_result', 'y',\n"
  "                               'ARRAY[1, x1, x2]')"),
 ('setup', 'DROP TABLE IF EXISTS patients_with_null'),
 ('setup', 'CREATE TABLE patients_with_null AS SELECT * FROM patients'),
 ('setup',
  'INSERT INTO patients_with_null(ID, second_attack, treatment, trait_anxiety) VALUES\n'
  '(21, NULL, 1, 70),\n'
  '(22, 1, NULL, 80),\n'
  '(23, 1, 1, NULL)'),
 ('setup', 'DROP TABLE IF EXISTS temp_result'),
 ('setup', 'DROP TABLE IF EXISTS temp_result_summary'),
 ('case',
  "robust_variance_logregr: SELECT robust_variance_logregr('patients_with_null', 'temp_result', "
  "'second_attack', 'ARRA",
  "SELECT robust_variance_logregr('patients_with_null', 'temp_result', 'second_attack', 'ARRAY[1, treatment, "
  "trait_anxiety]')"),
 ('setup', 'DROP TABLE IF EXISTS test_hw_mlogr_null_value'),
 ('setup', 'CREATE TABLE test_hw_mlogr_null_value AS SELECT * FROM test_hw_mlogr'),
 ('setup', 'INSERT INTO test_hw_mlogr(feat1, feat2, cat) VALUES\n(NULL,0.67,2),\n(2,NULL,2),\n(2,0.62,NULL)'),
 ('setup', 'DROP TABLE IF EXISTS temp_result'),
 ('setup', 'DROP TABLE IF EXISTS temp_result_summary'),
 ('case',
  "robust_variance_mlogregr: SELECT robust_variance_mlogregr( 'test_hw_mlogr_null_value', 'temp_result', "
  "'cat', 'ARRAY[",
  'SELECT robust_variance_mlogregr(\n'
  "    'test_hw_mlogr_null_value', 'temp_result',\n"
  "    'cat', 'ARRAY[1, feat1, feat2]', 0, NULL,\n"
  "    'max_iter=20, optimizer=irls, tolerance=0.0001', False)"),
 ('check',
  'from temp_result\nwhere category = 1',
  ['relative_error(\n    std_err, ARRAY[1.20, 0.29, 2.36]) < 1e-1']),
 ('check',
  'from temp_result\nwhere category = 2',
  ['relative_error(\n    std_err, ARRAY[1.28, 0.28, 2.18]) < 1e-1'])]
