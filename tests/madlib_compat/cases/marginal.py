"""Steps of apache/madlib src/ports/postgres/modules/regress/test/marginal.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'regress/test/marginal.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS patients'),
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
 ('case', "margins_logregr: select margins_logregr('help')", "select margins_logregr('help')"),
 ('case', "margins_logregr: select margins_logregr('')", "select margins_logregr('')"),
 ('case', "margins_logregr: select margins_logregr('random_test')", "select margins_logregr('random_test')"),
 ('case', "margins_logregr: select margins_logregr('usage')", "select margins_logregr('usage')"),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_logregr: select margins_logregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment, ',
  'select margins_logregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              NULL,\n'
  '              ARRAY[1, 2, 3]\n'
  '             )'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_logregr: select margins_logregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment, ',
  'select margins_logregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              NULL,\n'
  '              NULL,\n'
  '              20,\n'
  "              'irls',\n"
  '              1e-5\n'
  '              )'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_logregr: select margins_logregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment, ',
  'select margins_logregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              NULL,\n'
  '              NULL,\n'
  '              20,\n'
  "              'irls'\n"
  '              )'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_logregr: select margins_logregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment, ',
  'select margins_logregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              NULL,\n'
  '              NULL,\n'
  '              20\n'
  '              )'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_logregr: select margins_logregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment, ',
  'select margins_logregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              NULL,\n'
  '              NULL\n'
  '              )'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_logregr: select margins_logregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment, ',
  'select margins_logregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              NULL\n'
  '              )'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_logregr: select margins_logregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment, ',
  'select margins_logregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]'\n"
  '              )'),
 ('case', "margins_mlogregr: select margins_mlogregr('help')", "select margins_mlogregr('help')"),
 ('case', "margins_mlogregr: select margins_mlogregr('')", "select margins_mlogregr('')"),
 ('case',
  "margins_mlogregr: select margins_mlogregr('random_test')",
  "select margins_mlogregr('random_test')"),
 ('case', "margins_mlogregr: select margins_mlogregr('usage')", "select margins_mlogregr('usage')"),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_mlogregr: select margins_mlogregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment,',
  'select margins_mlogregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              0,\n'
  '              NULL,\n'
  '              ARRAY[1, 2, 3],\n'
  "              'max_iter=30, optimizer=newton, tolerance=0.01')"),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_mlogregr: select margins_mlogregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment,',
  'select margins_mlogregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              0,\n'
  '              NULL,\n'
  '              NULL,\n'
  "             'max_iter=30, optimizer=newton, tolerance=1e-5')"),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_mlogregr: select margins_mlogregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment,',
  'select margins_mlogregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              0,\n'
  '              NULL,\n'
  '              NULL,\n'
  "             'max_iter=30, optimizer=newton')"),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_mlogregr: select margins_mlogregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment,',
  'select margins_mlogregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              0,\n'
  '              NULL,\n'
  '              NULL,\n'
  "             'max_iter=30')"),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_mlogregr: select margins_mlogregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment,',
  'select margins_mlogregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              0,\n'
  '              NULL,\n'
  '              NULL\n'
  '              )'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_mlogregr: select margins_mlogregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment,',
  'select margins_mlogregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              0,\n'
  '              NULL)'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_mlogregr: select margins_mlogregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment,',
  'select margins_mlogregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]',\n"
  '              0)'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_mlogregr: select margins_mlogregr( 'patients', 'result_table', 'second_attack', 'ARRAY[1, "
  'treatment,',
  'select margins_mlogregr(\n'
  "              'patients',\n"
  "              'result_table',\n"
  "              'second_attack',\n"
  "              'ARRAY[1, treatment, trait_anxiety]'\n"
  '              )'),
 ('setup', 'DROP TABLE IF EXISTS patients_with_null'),
 ('setup', 'CREATE TABLE patients_with_null AS SELECT * FROM patients'),
 ('setup',
  'INSERT INTO patients_with_null(ID, second_attack, treatment, trait_anxiety) VALUES\n'
  '(21, NULL, 0, 45),\n'
  '(22, 0, NULL, 50),\n'
  '(23, 0, 0, NULL)'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_logregr: select margins_logregr( 'patients_with_null', 'result_table', 'second_attack', 'ARRAY[1, "
  't',
  'select margins_logregr(\n'
  "    'patients_with_null',\n"
  "    'result_table',\n"
  "    'second_attack',\n"
  "    'ARRAY[1, treatment, trait_anxiety]')"),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "margins_mlogregr: select margins_mlogregr( 'patients_with_null', 'result_table', 'second_attack', "
  "'ARRAY[1, ",
  'select margins_mlogregr(\n'
  "    'patients_with_null',\n"
  "    'result_table',\n"
  "    'second_attack',\n"
  "    'ARRAY[1, treatment, trait_anxiety]')"),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "logregr_train: select logregr_train( 'patients', 'result_table', 'second_attack', 'ARRAY[1, treatment, tr",
  'select logregr_train(\n'
  "        'patients',\n"
  "        'result_table',\n"
  "        'second_attack',\n"
  "        'ARRAY[1, treatment, trait_anxiety, treatment^2*trait_anxiety]',\n"
  '        NULL,\n'
  '        100,\n'
  "        'irls',\n"
  '        1e-05\n'
  '    )'),
 ('setup', 'drop table if exists result_margin'),
 ('case',
  "margins: select margins( 'result_table', 'result_margin', NULL, NULL, NULL )",
  "select margins(\n    'result_table',\n    'result_margin',\n    NULL,\n    NULL,\n    NULL\n)"),
 ('setup', 'drop table if exists result_margin'),
 ('case',
  "margins: select margins( 'result_table', 'result_margin', '1, 2, 3, 2*2*3', 'patients', '3, 2' )",
  'select margins(\n'
  "    'result_table',\n"
  "    'result_margin',\n"
  "    '1, 2, 3, 2*2*3',\n"
  "    'patients',\n"
  "    '3,    2'\n"
  ')'),
 ('setup', 'drop table if exists result_table'),
 ('setup', 'drop table if exists result_table_summary'),
 ('case',
  "mlogregr_train: select mlogregr_train( 'patients', 'result_table', 'second_attack', 'ARRAY[1, treatment, "
  't',
  'select mlogregr_train(\n'
  "        'patients',\n"
  "        'result_table',\n"
  "        'second_attack',\n"
  "        'ARRAY[1, treatment, trait_anxiety]'\n"
  '    )'),
 ('setup', 'drop table if exists result_margin'),
 ('case',
  "margins: select margins( 'result_table', 'result_margin', NULL, NULL, '2,3' )",
  "select margins(\n    'result_table',\n    'result_margin',\n    NULL,\n    NULL,\n    '2,3'\n)"),
 ('check', 'from result_margin', ['relative_error(margins, ARRAY[-.1562142,.0181588]) < 1e-4']),
 ('check', 'from result_margin', ['relative_error(std_err, ARRAY[.1672651,.0038713]) < 1e-4']),
 ('check', 'from result_margin', ['relative_error(z_stats, ARRAY[-.933932,4.690614]) < 1e-4']),
 ('check', 'from result_margin', ['relative_error(p_values, ARRAY[.350339,2.72e-06]) < 1e-4'])]
