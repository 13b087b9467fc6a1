"""Steps of apache/madlib src/ports/postgres/modules/glm/test/poisson.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'glm/test/poisson.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS warpbreaks CASCADE'),
 ('setup',
  'CREATE TABLE warpbreaks(\n'
  '    id      serial,\n'
  '    breaks  integer,\n'
  '    wool    char(1),\n'
  '    tension char(1),\n'
  '    g       char(1)\n'
  ')'),
 ('setup',
  'INSERT INTO warpbreaks(breaks, wool, tension, g) VALUES\n'
  "(26, 'A', 'L', '1'),\n"
  "(30, 'A', 'L', '1'),\n"
  "(54, 'A', 'L', '1'),\n"
  "(25, 'A', 'L', '1'),\n"
  "(70, 'A', 'L', '1'),\n"
  "(52, 'A', 'L', '1'),\n"
  "(51, 'A', 'L', '1'),\n"
  "(26, 'A', 'L', '1'),\n"
  "(67, 'A', 'L', '1'),\n"
  "(18, 'A', 'M', '1'),\n"
  "(21, 'A', 'M', '1'),\n"
  "(29, 'A', 'M', '1'),\n"
  "(17, 'A', 'M', '1'),\n"
  "(12, 'A', 'M', '1'),\n"
  "(18, 'A', 'M', '1'),\n"
  "(35, 'A', 'M', '1'),\n"
  "(30, 'A', 'M', '1'),\n"
  "(36, 'A', 'M', '1'),\n"
  "(36, 'A', 'H', '0'),\n"
  "(21, 'A', 'H', '0'),\n"
  "(24, 'A', 'H', '0'),\n"
  "(18, 'A', 'H', '0'),\n"
  "(10, 'A', 'H', '0'),\n"
  "(43, 'A', 'H', '0'),\n"
  "(28, 'A', 'H', '0'),\n"
  "(15, 'A', 'H', '0'),\n"
  "(26, 'A', 'H', '0'),\n"
  "(27, 'B', 'L', '0'),\n"
  "(14, 'B', 'L', '0'),\n"
  "(29, 'B', 'L', '0'),\n"
  "(19, 'B', 'L', '0'),\n"
  "(29, 'B', 'L', '0'),\n"
  "(31, 'B', 'L', '0'),\n"
  "(41, 'B', 'L', '0'),\n"
  "(20, 'B', 'L', '1'),\n"
  "(44, 'B', 'L', '1'),\n"
  "(42, 'B', 'M', '1'),\n"
  "(26, 'B', 'M', '1'),\n"
  "(19, 'B', 'M', '1'),\n"
  "(16, 'B', 'M', '1'),\n"
  "(39, 'B', 'M', '1'),\n"
  "(28, 'B', 'M', '1'),\n"
  "(21, 'B', 'M', '1'),\n"
  "(39, 'B', 'M', '1'),\n"
  "(29, 'B', 'M', '1'),\n"
  "(20, 'B', 'H', '1'),\n"
  "(21, 'B', 'H', '1'),\n"
  "(24, 'B', 'H', '1'),\n"
  "(17, 'B', 'H', '1'),\n"
  "(13, 'B', 'H', '1'),\n"
  "(15, 'B', 'H', '1'),\n"
  "(15, 'B', 'H', '1'),\n"
  "(16, 'B', 'H', '1'),\n"
  "(28, 'B', 'H', '1')"),
 ('setup', 'DROP TABLE IF EXISTS warpbreaks_dummy'),
 ('case',
  "create_indicator_variables: SELECT create_indicator_variables('warpbreaks', 'warpbreaks_dummy', "
  "'wool,tension')",
  "SELECT create_indicator_variables('warpbreaks', 'warpbreaks_dummy', 'wool,tension')"),
 ('case',
  'glm: SELECT glm(\'warpbreaks_dummy\', \'glm_model_sqrt\', \'breaks\', \'ARRAY[1.0,"wool_B","tension_M"',
  "SELECT glm('warpbreaks_dummy',\n"
  "           'glm_model_sqrt',\n"
  "           'breaks',\n"
  '           \'ARRAY[1.0,"wool_B","tension_M", "tension_H"]\',\n'
  "           'family=poisson, link=sqrt')"),
 ('check',
  'FROM glm_model_sqrt',
  ['relative_error(ARRAY[6.2620,-0.5059,-0.8545,-1.3644],      coef)            < 1e-4',
   'relative_error(-243.6731,                                  log_likelihood)  < 1e-4',
   'relative_error(ARRAY[0.136083,0.136083,0.166667,0.166667], std_err)         < 1e-4',
   'relative_error(ARRAY[46.016,-3.717,-5.127,-8.186],         z_stats)         < 1e-4',
   'relative_error(0.000201,                                   norm1(p_values)) < 1e-2']),
 ('case',
  'glm: SELECT glm(\'warpbreaks_dummy\', \'glm_model_identity\', \'breaks\', \'ARRAY[1.0,"wool_B","tensio',
  "SELECT glm('warpbreaks_dummy',\n"
  "           'glm_model_identity',\n"
  "           'breaks',\n"
  '           \'ARRAY[1.0,"wool_B","tension_M", "tension_H"]\',\n'
  "           'family=poisson, link=identity')"),
 ('check',
  'FROM glm_model_identity',
  ['relative_error(ARRAY[38.440,-4.877,-9.173,-14.385], coef)            < 1e-4',
   'relative_error(-244.6806,                           log_likelihood)  < 1e-4',
   'relative_error(ARRAY[1.600,1.413,1.8626,1.78255],   std_err)         < 1e-4',
   'relative_error(ARRAY[24.025,-3.452,-4.925,-8.070],  z_stats)         < 1e-4',
   'relative_error(0.00055682,                          norm1(p_values)) < 1e-2']),
 ('case',
  'glm: SELECT glm(\'warpbreaks_dummy\', \'glm_model_grp\', \'breaks\', \'ARRAY[1.0,"tension_M", "tension',
  "SELECT glm('warpbreaks_dummy',\n"
  "           'glm_model_grp',\n"
  "           'breaks',\n"
  '           \'ARRAY[1.0,"tension_M", "tension_H"]\',\n'
  "           'family=poisson, link=log',\n"
  "           'wool',\n"
  "           'max_iter=100,optimizer=irls,tolerance=1e-6',\n"
  '           TRUE)'),
 ('check',
  "FROM glm_model_grp\nWHERE wool = 'A'",
  ['relative_error(ARRAY[3.7967,-0.6187,-0.5958],  coef)           < 1e-4',
   'relative_error(-129.496,                       log_likelihood) < 1e-4',
   'relative_error(ARRAY[0.04994,0.08440,0.08378], std_err)        < 1e-4',
   'relative_error(ARRAY[76.030,-7.330,- 7.112],   z_stats)        < 1e-4',
   'norm1(                                         p_values)       < 1e-4']),
 ('case',
  'glm: SELECT glm(\'warpbreaks_dummy\', \'glm_model_grp_2\', \'breaks\', \'ARRAY[1.0,"tension_M", "tensi',
  "SELECT glm('warpbreaks_dummy',\n"
  "           'glm_model_grp_2',\n"
  "           'breaks',\n"
  '           \'ARRAY[1.0,"tension_M", "tension_H"]\',\n'
  "           'family=poisson, link=log',\n"
  "           'wool,g')"),
 ('setup', 'DROP TABLE IF EXISTS glm_model,glm_model_summary'),
 ('case',
  'glm: SELECT glm(\'warpbreaks_dummy\', \'glm_model\', \'breaks\', \'ARRAY[1.0,"wool_B","tension_M", "te',
  "SELECT glm('warpbreaks_dummy',\n"
  "           'glm_model',\n"
  "           'breaks',\n"
  '           \'ARRAY[1.0,"wool_B","tension_M", "tension_H"]\',\n'
  "           'family=poisson')"),
 ('check',
  'FROM glm_model',
  ['relative_error(ARRAY[3.6920,-0.2060,-0.3213,-0.5185],  coef)           < 1e-4',
   'relative_error(-242.528,                               log_likelihood) < 1e-4',
   'relative_error(ARRAY[0.04541,0.05157,0.06027,0.06396], std_err)        < 1e-4',
   'relative_error(ARRAY[81.302,-3.994,-5.332,-8.107],     z_stats)        < 1e-4',
   'relative_error(ARRAY[2e-16,6.49e-5,9.73e-8,5.21e-16],  p_values)       < 1e-4']),
 ('check',
  'FROM (\n'
  '    SELECT\n'
  '        breaks,\n'
  '        glm_predict(coef,\n'
  '                    ARRAY[1.0,"wool_B","tension_M", "tension_H"]::float8[],\n'
  "                    'log'\n"
  '        ) as prediction\n'
  '    FROM glm_model, warpbreaks_dummy\n'
  ') subq',
  ['relative_error(array_agg(breaks), array_agg(prediction)) < .4']),
 ('check',
  'FROM (\n'
  '    SELECT\n'
  '        breaks,\n'
  '        glm_predict_poisson(coef,\n'
  '                            ARRAY[1.0,"wool_B","tension_M", "tension_H"]::float8[],\n'
  "                            'log'\n"
  '        ) as prediction\n'
  '    FROM glm_model, warpbreaks_dummy\n'
  ') subq',
  ['relative_error(array_agg(breaks), array_agg(prediction)) < .4']),
 ('setup', 'DROP TABLE IF EXISTS warpbreaks_dummy_test'),
 ('setup', 'CREATE TABLE warpbreaks_dummy_test AS SELECT * FROM warpbreaks_dummy'),
 ('setup', 'ALTER TABLE warpbreaks_dummy_test ALTER COLUMN breaks type float8'),
 ('setup', "INSERT into warpbreaks_dummy_test values (55,'inf','b','h',0,1,1,0,0)"),
 ('setup', 'DROP TABLE IF EXISTS glm_model,glm_model_summary'),
 ('case',
  "glm: SELECT glm('warpbreaks_dummy_test', 'glm_model', 'case when breaks = ''inf'' then 10 else ",
  "SELECT glm('warpbreaks_dummy_test',\n"
  "           'glm_model',\n"
  "           'case when breaks = ''inf'' then 10 else breaks end',\n"
  '           \'ARRAY[1.0,"wool_B","tension_M", "tension_H"]\',\n'
  "           'family=poisson')"),
 ('check',
  'FROM glm_model_summary',
  ["dependent_varname = 'case when breaks = ''inf'' then 10 else breaks end'"])]
