"""Steps of apache/madlib src/ports/postgres/modules/regress/test/multilogistic.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'regress/test/multilogistic.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS patients'),
 ('setup',
  'CREATE TABLE patients (\n'
  '    id INTEGER NOT NULL,\n'
  '    "SECOND_ATTACK" INTEGER,\n'
  '    treatment INTEGER,\n'
  '    trait_anxiety INTEGER\n'
  ')'),
 ('setup',
  'INSERT INTO patients(id, "SECOND_ATTACK", treatment, trait_anxiety) VALUES\n'
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
 ('check',
  'FROM mlogregr(\n'
  '    \'patients\', \'"SECOND_ATTACK"\', \'ARRAY[1, treatment, trait_anxiety]\', 20,\n'
  "    'irls', 0.0001, 1)",
  ['relative_error(coef, ARRAY[6.36, 1.02, -0.119]) < 1e-2',
   'relative_error(log_likelihood, -9.41) < 1e-2',
   'relative_error(std_err, ARRAY[3.21, 1.17, 0.0550]) < 0.002',
   'relative_error(z_stats, ARRAY[1.98, 0.874, -2.17]) < 0.002',
   'relative_error(p_values, ARRAY[0.0477, 0.382, 0.0304]) < 1e-3',
   'relative_error(odds_ratios, ARRAY[580.26, 2.78, 0.89]) < 0.01',
   'relative_error(condition_no, 106329) < 1e-2']),
 ('setup', 'DROP TABLE IF EXISTS temp_result'),
 ('setup', 'DROP TABLE IF EXISTS temp_result_summary'),
 ('case',
  'mlogregr_train: SELECT mlogregr_train( \'patients\', \'temp_result\', \'"SECOND_ATTACK"\', \'ARRAY[1, '
  'treatment, ',
  'SELECT mlogregr_train(\n'
  "    'patients',\n"
  "    'temp_result',\n"
  '    \'"SECOND_ATTACK"\',\n'
  "    'ARRAY[1, treatment, trait_anxiety]')"),
 ('setup', 'DROP TABLE IF EXISTS predict_result'),
 ('case',
  "mlogregr_predict: SELECT mlogregr_predict( 'temp_result', 'patients', 'id', 'predict_result' )",
  "SELECT mlogregr_predict(\n    'temp_result',\n    'patients',\n    'id',\n    'predict_result'\n    )"),
 ('setup', 'DROP TABLE IF EXISTS test3'),
 ('setup',
  'CREATE TABLE test3 (\n    id SERIAL,\n    feat1 INTEGER,\n    feat2 INTEGER,\n    cat INTEGER\n)'),
 ('setup',
  'INSERT INTO test3(feat1, feat2, cat) VALUES\n'
  '(1,35,1),\n'
  '(2,33,0),\n'
  '(3,39,1),\n'
  '(1,37,1),\n'
  '(2,31,1),\n'
  '(3,36,0),\n'
  '(2,36,1),\n'
  '(2,31,1),\n'
  '(2,41,1),\n'
  '(2,37,1),\n'
  '(1,44,1),\n'
  '(3,33,2),\n'
  '(1,31,1),\n'
  '(2,44,1),\n'
  '(1,35,1),\n'
  '(1,44,0),\n'
  '(1,46,0),\n'
  '(2,46,1),\n'
  '(2,46,2),\n'
  '(3,49,1),\n'
  '(2,39,0),\n'
  '(2,44,1),\n'
  '(1,47,1),\n'
  '(1,44,1),\n'
  '(1,37,2),\n'
  '(3,38,2),\n'
  '(1,49,0),\n'
  '(2,44,0),\n'
  '(1,41,2),\n'
  '(1,50,2),\n'
  '(2,44,0),\n'
  '(1,39,1),\n'
  '(1,40,2),\n'
  '(1,46,2),\n'
  '(2,41,1),\n'
  '(2,39,1),\n'
  '(2,33,1),\n'
  '(3,59,2),\n'
  '(1,41,0),\n'
  '(2,47,2),\n'
  '(2,31,0),\n'
  '(3,42,2),\n'
  '(1,55,2),\n'
  '(3,40,1),\n'
  '(1,44,2),\n'
  '(1,54,1),\n'
  '(2,46,1),\n'
  '(1,54,0),\n'
  '(2,42,1),\n'
  '(2,49,2),\n'
  '(2,41,2),\n'
  '(2,41,1),\n'
  '(1,44,0),\n'
  '(1,57,2),\n'
  '(2,52,2),\n'
  '(1,49,0),\n'
  '(3,41,2),\n'
  '(3,57,0),\n'
  '(1,62,1),\n'
  '(3,33,0),\n'
  '(2,54,1),\n'
  '(2,40,2),\n'
  '(3,52,2),\n'
  '(2,57,1),\n'
  '(2,49,1),\n'
  '(2,46,1),\n'
  '(1,57,0),\n'
  '(2,49,2),\n'
  '(2,52,2),\n'
  '(2,53,0),\n'
  '(3,54,2),\n'
  '(2,57,2),\n'
  '(3,41,2),\n'
  '(1,52,0),\n'
  '(2,57,1),\n'
  '(1,54,0),\n'
  '(2,52,1),\n'
  '(2,52,0),\n'
  '(2,44,0),\n'
  '(2,46,2),\n'
  '(1,49,1),\n'
  '(2,54,2),\n'
  '(3,52,2),\n'
  '(1,44,0),\n'
  '(3,49,1),\n'
  '(1,46,2),\n'
  '(2,54,0),\n'
  '(2,39,0),\n'
  '(2,59,0),\n'
  '(2,45,1),\n'
  '(3,52,1),\n'
  '(3,54,0),\n'
  '(3,44,1),\n'
  '(2,50,2),\n'
  '(2,62,1),\n'
  '(2,59,0),\n'
  '(2,52,2),\n'
  '(2,52,1),\n'
  '(2,46,1),\n'
  '(2,41,0),\n'
  '(2,52,2),\n'
  '(2,52,1),\n'
  '(2,55,1),\n'
  '(2,41,1),\n'
  '(2,49,0),\n'
  '(1,59,2),\n'
  '(1,54,0),\n'
  '(2,54,0),\n'
  '(2,59,2),\n'
  '(2,55,2),\n'
  '(1,62,2),\n'
  '(2,54,2),\n'
  '(2,54,2),\n'
  '(2,54,2),\n'
  '(2,59,2),\n'
  '(2,57,1),\n'
  '(3,61,2),\n'
  '(3,52,2),\n'
  '(2,59,2),\n'
  '(2,62,2),\n'
  '(1,60,1),\n'
  '(2,59,2),\n'
  '(2,65,2),\n'
  '(3,61,2),\n'
  '(2,59,2),\n'
  '(3,59,2),\n'
  '(2,59,2),\n'
  '(2,59,2),\n'
  '(2,65,2),\n'
  '(3,57,2),\n'
  '(2,59,2),\n'
  '(3,49,2),\n'
  '(1,49,0),\n'
  '(3,59,2),\n'
  '(2,62,2),\n'
  '(3,59,0),\n'
  '(2,54,2),\n'
  '(3,63,2),\n'
  '(1,43,2),\n'
  '(3,54,2),\n'
  '(3,52,2),\n'
  '(1,57,2),\n'
  '(2,57,0),\n'
  '(2,57,0),\n'
  '(2,61,2),\n'
  '(2,62,0),\n'
  '(2,62,0),\n'
  '(1,65,0),\n'
  '(2,57,2),\n'
  '(3,59,2),\n'
  '(2,59,2),\n'
  '(3,62,2),\n'
  '(2,65,2),\n'
  '(2,62,1),\n'
  '(1,62,0),\n'
  '(2,62,2),\n'
  '(3,54,2),\n'
  '(3,62,2),\n'
  '(1,65,2),\n'
  '(3,62,2),\n'
  '(3,67,0),\n'
  '(3,65,0),\n'
  '(1,60,2),\n'
  '(3,59,2),\n'
  '(2,59,2),\n'
  '(2,59,1),\n'
  '(3,65,0),\n'
  '(3,62,2),\n'
  '(3,65,2),\n'
  '(3,59,0),\n'
  '(1,59,0),\n'
  '(3,61,2),\n'
  '(1,65,2),\n'
  '(3,67,1),\n'
  '(3,65,2),\n'
  '(1,65,2),\n'
  '(2,67,2),\n'
  '(1,65,2),\n'
  '(1,62,2),\n'
  '(3,52,2),\n'
  '(3,63,2),\n'
  '(2,59,2),\n'
  '(3,65,2),\n'
  '(2,59,0),\n'
  '(3,67,2),\n'
  '(3,67,2),\n'
  '(3,60,2),\n'
  '(3,67,2),\n'
  '(3,62,2),\n'
  '(2,54,2),\n'
  '(3,65,2),\n'
  '(3,62,2),\n'
  '(2,59,2),\n'
  '(3,60,2),\n'
  '(3,63,2),\n'
  '(3,65,2),\n'
  '(2,63,1),\n'
  '(2,67,2),\n'
  '(2,65,2),\n'
  '(2,62,2)'),
 ('check',
  "FROM mlogregr(\n    'test3', 'cat', 'ARRAY[1, feat1, feat2]', 20, 'irls',  0.001, 2\n)",
  ['relative_error(coef, ARRAY[3.579, 5.99, -0.636, -0.451, -0.0581, -0.112]) < 1e-2',
   'relative_error(log_likelihood, -182.22) < 1e-2',
   'relative_error(std_err, ARRAY[1.219, 1.209, 0.266, 0.273, 0.0214, 0.0216]) < 0.02',
   'relative_error(z_stats, ARRAY[2.935, 4.953, -2.3912, -1.653, -2.710, -5.171]) < 0.02',
   'relative_error(p_values, ARRAY[0.003326, 7.3019e-07, 0.0167, 0.0982, 0.006726, 2.3177e-07]) < 1e-2',
   'relative_error(odds_ratios, ARRAY[35.85, 399.42, 0.53, 0.64, 0.94, 0.89]) < 1e-2',
   'relative_error(condition_no, 256089) < 1e-2']),
 ('setup', 'DROP TABLE IF EXISTS temp_result'),
 ('setup', 'DROP TABLE IF EXISTS temp_result_summary'),
 ('case',
  "mlogregr_train: SELECT mlogregr_train( 'test3', 'temp_result', 'cat', 'ARRAY[1, feat1, feat2]')",
  "SELECT mlogregr_train(\n    'test3',\n    'temp_result',\n    'cat',\n    'ARRAY[1, feat1, feat2]')"),
 ('setup', 'DROP TABLE IF EXISTS predict_result'),
 ('case',
  "mlogregr_predict: SELECT mlogregr_predict( 'temp_result', 'test3', 'id', 'predict_result', 'response')",
  'SELECT mlogregr_predict(\n'
  "    'temp_result',\n"
  "    'test3',\n"
  "    'id',\n"
  "    'predict_result',\n"
  "    'response')"),
 ('setup', 'DROP TABLE IF EXISTS predict_result'),
 ('case',
  "mlogregr_predict: SELECT mlogregr_predict( 'temp_result', 'test3', 'id', 'predict_result', 'prob')",
  'SELECT mlogregr_predict(\n'
  "    'temp_result',\n"
  "    'test3',\n"
  "    'id',\n"
  "    'predict_result',\n"
  "    'prob')"),
 ('setup', 'DROP TABLE IF EXISTS predict_result'),
 ('case',
  "mlogregr_predict: SELECT mlogregr_predict( 'temp_result', 'test3', 'ARRAY[1, feat1, feat2]', "
  "'predict_result",
  'SELECT mlogregr_predict(\n'
  "    'temp_result',\n"
  "    'test3',\n"
  "    'ARRAY[1, feat1, feat2]',\n"
  "    'predict_result',\n"
  "    'response')"),
 ('setup', 'DROP TABLE IF EXISTS predict_result'),
 ('case',
  "mlogregr_predict: SELECT mlogregr_predict( 'temp_result', 'test3', 'ARRAY[1, feat1, feat2]', "
  "'predict_result",
  'SELECT mlogregr_predict(\n'
  "    'temp_result',\n"
  "    'test3',\n"
  "    'ARRAY[1, feat1, feat2]',\n"
  "    'predict_result',\n"
  "    'prob')"),
 ('setup', 'DROP TABLE IF EXISTS patients_with_null'),
 ('setup',
  'CREATE TABLE patients_with_null (\n'
  '    id INTEGER NOT NULL,\n'
  '    second_attack INTEGER,\n'
  '    treatment INTEGER,\n'
  '    trait_anxiety INTEGER\n'
  ')'),
 ('setup',
  'INSERT INTO patients_with_null(ID, second_attack, treatment, trait_anxiety) VALUES\n'
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
  '(20, 0, 0, 60),\n'
  '(21, NULL, 0, 45),\n'
  '(22, 0, NULL, 50),\n'
  '(23, 0, 0, NULL)'),
 ('check',
  'FROM mlogregr(\n'
  "    'patients_with_null', 'second_attack', 'ARRAY[1, treatment, trait_anxiety]', 20,\n"
  "    'irls', 0.0001, 1)",
  ['relative_error(coef, ARRAY[6.36, 1.02, -0.119]) < 1e-2',
   'relative_error(log_likelihood, -9.41) < 1e-2',
   'relative_error(std_err, ARRAY[3.21, 1.17, 0.0550]) < 0.002',
   'relative_error(z_stats, ARRAY[1.98, 0.874, -2.17]) < 0.002',
   'relative_error(p_values, ARRAY[0.0477, 0.382, 0.0304]) < 1e-3',
   'relative_error(odds_ratios, ARRAY[580.26, 2.78, 0.89]) < 0.01',
   'relative_error(condition_no, 106329) < 1e-2',
   'num_processed = 20']),
 ('setup', 'DROP TABLE IF EXISTS temp_result'),
 ('setup', 'DROP TABLE IF EXISTS temp_result_summary'),
 ('case',
  "mlogregr_train: SELECT mlogregr_train( 'patients_with_null', 'temp_result', 'second_attack', 'ARRAY[1, "
  'tre',
  'SELECT mlogregr_train(\n'
  "    'patients_with_null',\n"
  "    'temp_result',\n"
  "    'second_attack',\n"
  "    'ARRAY[1, treatment, trait_anxiety]')"),
 ('setup', 'DROP TABLE IF EXISTS patients_all_null'),
 ('setup',
  'CREATE TABLE patients_all_null (\n'
  '    id INTEGER NOT NULL,\n'
  '    second_attack INTEGER,\n'
  '    treatment INTEGER,\n'
  '    trait_anxiety INTEGER\n'
  ')'),
 ('setup',
  'INSERT INTO patients_all_null(ID, second_attack, treatment, trait_anxiety) VALUES\n'
  '( 1, NULL, 1, 70),\n'
  '( 2, 1, 1, NULL),\n'
  '( 3, 1, 1, NULL),\n'
  '( 4, 1, 0, NULL),\n'
  '( 5, 1, 0, NULL),\n'
  '( 6, 1, 0, NULL),\n'
  '( 7, 1, 0, NULL),\n'
  '( 8, 1, 0, NULL),\n'
  '( 9, 1, 0, NULL),\n'
  '(10, 1, 0, NULL),\n'
  '(11, NULL, 1, 65),\n'
  '(12, 0, NULL, 50),\n'
  '(13, 0, NULL, 45),\n'
  '(14, 0, NULL, 35),\n'
  '(15, 0, NULL, 40),\n'
  '(16, 0, NULL, 50),\n'
  '(17, 0, NULL, 55),\n'
  '(18, 0, NULL, 45),\n'
  '(19, 0, NULL, 50),\n'
  '(20, 0, NULL, 60)'),
 ('case',
  "mlogregr: SELECT mlogregr( 'patients_all_null', 'second_attack', 'ARRAY[1, treatment, trait_anxiety]",
  'SELECT mlogregr(\n'
  "    'patients_all_null',\n"
  "    'second_attack',\n"
  "    'ARRAY[1, treatment, trait_anxiety]',\n"
  "    20, 'irls', 0.0001, 1)")]
