"""Steps of apache/madlib src/ports/postgres/modules/svm/test/svm.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'svm/test/svm.sql_in'
STEPS = [('function',
  'CREATE OR REPLACE FUNCTION __svm_target_cl_func(ind float8[])\n'
  'RETURNS float8 AS $$\n'
  'BEGIN\n'
  '    IF (ind[1] > 0 AND ind[2] < 0) THEN RETURN 1; END IF;\n'
  '    RETURN -1;\n'
  'END\n'
  '$$ LANGUAGE plpgsql'),
 ('function',
  'CREATE OR REPLACE FUNCTION __svr_target_cl_func(ind float8[])\n'
  'RETURNS float8 AS $$\n'
  'BEGIN\n'
  '    RETURN 1*ind[1] + 2*ind[2];\n'
  'END\n'
  '$$ LANGUAGE plpgsql'),
 ('function',
  'CREATE OR REPLACE FUNCTION __svm_random_ind(d INT)\n'
  'RETURNS float8[] AS $$\n'
  'DECLARE\n'
  '    ret float8[];\n'
  'BEGIN\n'
  '    FOR i IN 1..(d-1) LOOP\n'
  '        ret[i] = RANDOM() * 40 - 20;\n'
  '    END LOOP;\n'
  '    IF (RANDOM() > 0.5) THEN\n'
  '        ret[d] = 10;\n'
  '    ELSE\n'
  '        ret[d] = -10;\n'
  '    END IF;\n'
  '    RETURN ret;\n'
  'END\n'
  '$$ LANGUAGE plpgsql'),
 ('function',
  'CREATE OR REPLACE FUNCTION svm_generate_cls_data(\n'
  '    output_table text, num int, dim int)\n'
  'RETURNS VOID AS $$\n'
  'DECLARE\n'
  '    temp_table text;\n'
  'BEGIN\n'
  "    temp_table := 'madlib_temp_' || output_table;\n"
  "    EXECUTE '\n"
  "        CREATE TABLE ' || temp_table || ' AS\n"
  '            SELECT\n'
  '                subq.val AS id,\n'
  "                __svm_random_ind(' || dim || ') AS ind\n"
  '            FROM\n'
  "                (SELECT generate_series(1, ' || num || ') AS val) subq';\n"
  "    EXECUTE '\n"
  "        CREATE TABLE ' || output_table || ' AS\n"
  '            SELECT id, ind, __svm_target_cl_func(ind) AS label\n'
  "            FROM ' || temp_table;\n"
  'END\n'
  '$$ LANGUAGE plpgsql'),
 ('function',
  'CREATE OR REPLACE FUNCTION svr_generate_cls_data(\n'
  '    output_table text, num int, dim int)\n'
  'RETURNS VOID AS $$\n'
  'DECLARE\n'
  '    temp_table text;\n'
  'BEGIN\n'
  "    temp_table := 'madlib_temp_' || output_table;\n"
  "    EXECUTE '\n"
  "        CREATE TABLE ' || temp_table || ' AS\n"
  '            SELECT\n'
  '                subq.val AS id,\n'
  "                __svm_random_ind(' || dim || ') AS ind\n"
  '            FROM\n'
  "                (SELECT generate_series(1, ' || num || ') AS val) subq';\n"
  "    EXECUTE '\n"
  "        CREATE TABLE ' || output_table || ' AS\n"
  '            SELECT id, ind, __svr_target_cl_func(ind) AS label\n'
  "            FROM ' || temp_table;\n"
  'END\n'
  '$$ LANGUAGE plpgsql'),
 ('case',
  "svm_generate_cls_data: SELECT svm_generate_cls_data('svm_train_data', 1000, 4)",
  "SELECT svm_generate_cls_data('svm_train_data', 1000, 4)"),
 ('case',
  "svm_generate_cls_data: SELECT svm_generate_cls_data('svm_test_data', 1000, 4)",
  "SELECT svm_generate_cls_data('svm_test_data', 1000, 4)"),
 ('case',
  "svr_generate_cls_data: SELECT svr_generate_cls_data('svr_train_data', 1000, 4)",
  "SELECT svr_generate_cls_data('svr_train_data', 1000, 4)"),
 ('case',
  "svr_generate_cls_data: SELECT svr_generate_cls_data('svr_test_data', 1000, 4)",
  "SELECT svr_generate_cls_data('svr_test_data', 1000, 4)"),
 ('case',
  "svm_regression: SELECT svm_regression( 'svr_train_data', 'svr_model', 'label', 'ind')",
  "SELECT svm_regression(\n     'svr_train_data',\n     'svr_model',\n     'label',\n     'ind')"),
 ('check', 'FROM svr_model', ['norm1(coef) < 4']),
 ('case',
  "svm_regression: SELECT svm_regression( 'svr_train_data', 'svr_model2', 'label', 'ind', NULL, NULL, NULL, "
  "'",
  'SELECT svm_regression(\n'
  "     'svr_train_data',\n"
  "     'svr_model2',\n"
  "     'label',\n"
  "     'ind',\n"
  '     NULL,\n'
  '     NULL,\n'
  '     NULL,\n'
  "     'init_stepsize=0.01, max_iter=50, lambda=2, norm=l2, epsilon=0.01',\n"
  '     false)'),
 ('case',
  "svm_predict: SELECT svm_predict('svr_model2', 'svr_train_data', 'id', 'svr_test_result')",
  "SELECT svm_predict('svr_model2', 'svr_train_data', 'id', 'svr_test_result')"),
 ('check',
  'FROM\n'
  '    (\n'
  '        SELECT\n'
  '            train.id,\n'
  '            abs(train.label - test.prediction) AS err\n'
  '        FROM svr_train_data AS train, svr_test_result AS test\n'
  '        WHERE train.id = test.id\n'
  '    ) AS subq',
  ['avg(subq.err) < 0.1']),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_train_data', 'lclss', 'label', 'ind', NULL, NULL, "
  "NULL, 'm",
  'SELECT svm_classification(\n'
  "    'svm_train_data',\n"
  "    'lclss',\n"
  "    'label',\n"
  "    'ind',\n"
  '    NULL, \n'
  '    NULL, \n'
  '    NULL, \n'
  "    'max_iter=10, tolerance=0' \n"
  '    )'),
 ('case',
  "svm_predict: SELECT svm_predict('lclss', 'svm_test_data', 'id', 'svm_test_predict')",
  "SELECT svm_predict('lclss', 'svm_test_data', 'id', 'svm_test_predict')"),
 ('setup',
  'CREATE TABLE svm_normalized AS\n'
  'SELECT\n'
  '    id,\n'
  '    array_append(array_div(array_sub(ind, ind_avg), ind_stddev), 1::FLOAT8) AS ind,\n'
  '    label\n'
  'FROM svm_train_data,\n'
  '    (\n'
  '        SELECT ARRAY[avg(ind[1]),avg(ind[2]),\n'
  '            avg(ind[3]),avg(ind[4])] AS ind_avg\n'
  '        FROM svm_train_data\n'
  '    ) AS svm_ind_avg,\n'
  '    (\n'
  '        SELECT ARRAY[stddev(ind[1]),stddev(ind[2]),\n'
  '            stddev(ind[3]),stddev(ind[4])] AS ind_stddev\n'
  '        FROM svm_train_data\n'
  '    ) AS svm_ind_stddev\n'
  'ORDER BY random()'),
 ('setup',
  'CREATE TABLE svm_test_normalized AS\n'
  'SELECT\n'
  '    id,\n'
  '    array_append(array_div(array_sub(ind, ind_avg), ind_stddev), 1::FLOAT8) AS ind,\n'
  '    label\n'
  'FROM svm_test_data,\n'
  '    (\n'
  '        SELECT ARRAY[avg(ind[1]),avg(ind[2]),\n'
  '            avg(ind[3]),avg(ind[4])] AS ind_avg\n'
  '        FROM svm_test_data\n'
  '    ) AS svm_test_ind_avg,\n'
  '    (\n'
  '        SELECT ARRAY[stddev(ind[1]),stddev(ind[2]),\n'
  '            stddev(ind[3]),stddev(ind[4])] AS ind_stddev\n'
  '        FROM svm_test_data\n'
  '    ) AS svm_test_ind_stddev'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_normalized', 'svm_model', 'label', 'ind', NULL, NULL, "
  'NULL',
  'SELECT svm_classification(\n'
  "    'svm_normalized',\n"
  "    'svm_model',\n"
  "    'label',\n"
  "    'ind',\n"
  '    NULL, \n'
  '    NULL, \n'
  '    NULL, \n'
  "    'init_stepsize=0.03, decay_factor=1, max_iter=5, tolerance=0, lambda=0',\n"
  '    false \n'
  '    )'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_normalized', 'svm_model_small_norm2', 'label', 'ind', "
  'NULL',
  'SELECT svm_classification(\n'
  "    'svm_normalized',\n"
  "    'svm_model_small_norm2',\n"
  "    'label',\n"
  "    'ind',\n"
  '    NULL, \n'
  '    NULL, \n'
  '    NULL, \n'
  "    'init_stepsize=0.03, decay_factor=1, max_iter=5, tolerance=0, lambda=1'\n"
  '    )'),
 ('check',
  'FROM svm_model AS noreg, svm_model_small_norm2 AS l2',
  ['norm2(l2.coef) < norm2(noreg.coef) OR\n'
   '        (\n'
   '            (norm2(l2.coef)-norm2(noreg.coef))/norm2(noreg.coef) < 0.1 AND\n'
   '            l2.loss < noreg.loss\n'
   '        )']),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_normalized', 'svm_model_very_sparse', 'label', 'ind', "
  'NULL',
  'SELECT svm_classification(\n'
  "    'svm_normalized',\n"
  "    'svm_model_very_sparse',\n"
  "    'label',\n"
  "    'ind',\n"
  '    NULL, \n'
  '    NULL, \n'
  '    NULL, \n'
  "    'init_stepsize=0.03, decay_factor=1, max_iter=5, tolerance=0, lambda=1, norm=L1'\n"
  '    )'),
 ('check',
  'FROM\n(\n    SELECT unnest(coef) AS w_i FROM svm_model_very_sparse\n) subq\nWHERE w_i != 0',
  ['count(*) > 0']),
 ('case',
  "svm_predict: SELECT svm_predict('svm_model','svm_test_normalized', 'id', 'svm_test_predict2')",
  "SELECT svm_predict('svm_model','svm_test_normalized', 'id', 'svm_test_predict2')"),
 ('case',
  'count: SELECT count(*) AS misclassification_count FROM svm_test_predict2 NATURAL JOIN svm_test_no',
  'SELECT\n'
  '    count(*) AS misclassification_count\n'
  'FROM svm_test_predict2 NATURAL JOIN svm_test_normalized\n'
  'WHERE prediction <> label'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_normalized', 'svm_model_decay_factor_non_zero', "
  "'label', '",
  'SELECT svm_classification(\n'
  "    'svm_normalized',\n"
  "    'svm_model_decay_factor_non_zero',\n"
  "    'label',\n"
  "    'ind',\n"
  '    NULL, \n'
  '    NULL, \n'
  '    NULL, \n'
  "    'init_stepsize=0.03, decay_factor=0.9, max_iter=5, tolerance=0, lambda={0.001}',\n"
  '    false \n'
  '    )'),
 ('case',
  'sql: SELECT norm_of_gradient FROM svm_model_decay_factor_non_zero',
  'SELECT norm_of_gradient FROM svm_model_decay_factor_non_zero'),
 ('setup',
  'CREATE TABLE svm_test_predict_decay_factor_nonzero AS\n'
  'SELECT\n'
  '    svm_test_normalized.id,\n'
  '    CASE WHEN array_dot(coef, ind) >= 0 THEN 1 ELSE -1 END AS prediction,\n'
  '    label\n'
  'FROM svm_test_normalized, svm_model_decay_factor_non_zero'),
 ('case',
  'count: SELECT count(*) AS misclassification_count FROM svm_test_predict_decay_factor_nonzero WHER',
  'SELECT count(*) AS misclassification_count\n'
  'FROM svm_test_predict_decay_factor_nonzero\n'
  'WHERE prediction <> label'),
 ('setup',
  'CREATE TABLE svm_normalized_fancy_label AS\n'
  'SELECT\n'
  '    id,\n'
  '    array_append(array_div(array_sub(ind, ind_avg), ind_stddev), 1::FLOAT8) AS ind,\n'
  "    CASE when label = 1 THEN 'YES'\n"
  "        ELSE 'NO'\n"
  '    END AS label,\n'
  '    (id % 4) AS gid\n'
  'FROM svm_train_data,\n'
  '    (\n'
  '        SELECT ARRAY[avg(ind[1]),avg(ind[2]),\n'
  '            avg(ind[3]),avg(ind[4])] AS ind_avg\n'
  '        FROM svm_train_data\n'
  '    ) AS svm_ind_avg,\n'
  '    (\n'
  '        SELECT ARRAY[stddev(ind[1]),stddev(ind[2]),\n'
  '            stddev(ind[3]),stddev(ind[4])] AS ind_stddev\n'
  '        FROM svm_train_data\n'
  '    ) AS svm_ind_stddev\n'
  'ORDER BY random()'),
 ('setup',
  'INSERT INTO svm_normalized_fancy_label VALUES\n'
  "(1001, ARRAY[NULL,1,1,1,1]::float8[], 'YES', 1001 % 4),\n"
  '(1002, ARRAY[5,1,1,1,1]::float8[], NULL, 1002 % 4),\n'
  '(1003, ARRAY[5,1,NULL,1,1]::float8[], NULL, 1003 % 4)'),
 ('setup',
  'CREATE TABLE svm_test_normalized_fancy_label AS\n'
  'SELECT\n'
  '    id,\n'
  '    array_append(array_div(array_sub(ind, ind_avg), ind_stddev), 1::FLOAT8) AS ind,\n'
  "    CASE when label = 1 THEN 'YES'\n"
  "        ELSE 'NO'\n"
  '    END AS label,\n'
  '    (id % 4) as gid\n'
  'FROM svm_test_data,\n'
  '    (\n'
  '        SELECT ARRAY[avg(ind[1]),avg(ind[2]),\n'
  '            avg(ind[3]),avg(ind[4])] AS ind_avg\n'
  '        FROM svm_test_data\n'
  '    ) AS svm_test_ind_avg,\n'
  '    (\n'
  '        SELECT ARRAY[stddev(ind[1]),stddev(ind[2]),\n'
  '            stddev(ind[3]),stddev(ind[4])] AS ind_stddev\n'
  '        FROM svm_test_data\n'
  '    ) AS svm_test_ind_stddev'),
 ('setup',
  'INSERT INTO svm_test_normalized_fancy_label VALUES\n'
  "(1001, ARRAY[NULL,1,1,1,1]::float8[], 'YES', 1001 % 4)"),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_normalized_fancy_label', 'svm_model_fancy_label', "
  "'label',",
  'SELECT svm_classification(\n'
  "    'svm_normalized_fancy_label',\n"
  "    'svm_model_fancy_label',\n"
  "    'label',\n"
  "    'ind',\n"
  '    NULL, \n'
  '    NULL, \n'
  "    'gid', \n"
  "    'init_stepsize=0.03, decay_factor=0.9, max_iter=5, tolerance=0, lambda=0.001',\n"
  '    TRUE \n'
  '    )'),
 ('check', 'FROM svm_model_fancy_label', ['count(*)=4']),
 ('case',
  "svm_predict: SELECT svm_predict('svm_model_fancy_label', 'svm_test_normalized_fancy_label', 'id', 'svm_",
  "SELECT svm_predict('svm_model_fancy_label', 'svm_test_normalized_fancy_label', 'id', "
  "'svm_test_fancy_label')"),
 ('case',
  'sql: SELECT o.id, label, prediction, o.gid FROM svm_test_predict p, svm_test_normalized_fancy_l',
  'SELECT o.id, label, prediction, o.gid FROM svm_test_predict p, svm_test_normalized_fancy_label o where '
  'o.id = p.id'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_normalized', 'svm_model_expression', "
  "'label>(ind[2]+ind[4]",
  'SELECT svm_classification(\n'
  "    'svm_normalized',\n"
  "    'svm_model_expression',\n"
  "    'label>(ind[2]+ind[4])',\n"
  "    'ARRAY[ind[1],ind[3],ind[5]]',\n"
  '    NULL, \n'
  '    NULL, \n'
  '    NULL, \n'
  "    'init_stepsize=0.03, decay_factor=0.9, max_iter=5, tolerance=0, lambda=0.001',\n"
  '    false \n'
  '    )'),
 ('case',
  "svm_one_class: SELECT svm_one_class( 'svm_normalized', 'svm_model_expression1', 'ind', 'gaussian' )",
  'SELECT svm_one_class(\n'
  "    'svm_normalized',\n"
  "    'svm_model_expression1',\n"
  "    'ind',\n"
  "    'gaussian'\n"
  '    )'),
 ('setup',
  'CREATE TABLE abalone_train_small_tmp (\n'
  '    sex TEXT,\n'
  '    id SERIAL NOT NULL,\n'
  '    length DOUBLE PRECISION,\n'
  '    diameter DOUBLE PRECISION,\n'
  '    height DOUBLE PRECISION,\n'
  '    whole DOUBLE PRECISION,\n'
  '    shucked DOUBLE PRECISION,\n'
  '    viscera DOUBLE PRECISION,\n'
  '    shell DOUBLE PRECISION,\n'
  '    rings INTEGER)'),
 ('setup',
  'INSERT INTO abalone_train_small_tmp(id,sex,length,diameter,height,whole,shucked,viscera,shell,rings) '
  'VALUES\n'
  "(1040,'F',0.66,0.475,0.18,1.3695,0.641,0.294,0.335,6),\n"
  "(3160,'F',0.34,0.255,0.085,0.204,0.097,0.021,0.05,6),\n"
  "(3984,'F',0.585,0.45,0.125,0.874,0.3545,0.2075,0.225,6),\n"
  "(861,'F',0.595,0.475,0.16,1.1405,0.547,0.231,0.271,6),\n"
  "(932,'F',0.445,0.335,0.11,0.4355,0.2025,0.1095,0.1195,6),\n"
  "(1585,'F',0.515,0.375,0.11,0.6065,0.3005,0.131,0.15,6),\n"
  "(3187,'F',0.47,0.36,0.11,0.4965,0.237,0.127,0.13,6),\n"
  "(3202,'F',0.385,0.3,0.1,0.2725,0.1115,0.057,0.08,6),\n"
  "(949,'F',0.475,0.36,0.12,0.5915,0.3245,0.11,0.127,6),\n"
  "(2582,'F',0.53,0.42,0.17,0.828,0.41,0.208,0.1505,6),\n"
  "(2551,'I',0.28,0.22,0.08,0.1315,0.066,0.024,0.03,5),\n"
  "(1246,'I',0.385,0.28,0.09,0.228,0.1025,0.042,0.0655,5),\n"
  "(819,'I',0.35,0.25,0.07,0.18,0.0655,0.048,0.054,6),\n"
  "(297,'I',0.275,0.205,0.075,0.1105,0.045,0.0285,0.035,6),\n"
  "(3630,'I',0.27,0.205,0.05,0.084,0.03,0.0185,0.029,6),\n"
  "(2196,'I',0.26,0.215,0.08,0.099,0.037,0.0255,0.045,5),\n"
  "(2343,'I',0.255,0.185,0.07,0.075,0.028,0.018,0.025,6),\n"
  "(49,'I',0.325,0.245,0.07,0.161,0.0755,0.0255,0.045,6),\n"
  "(2185,'I',0.32,0.235,0.08,0.1485,0.064,0.031,0.045,6),\n"
  "(2154,'I',0.28,0.2,0.075,0.1225,0.0545,0.0115,0.035,5),\n"
  "(1996,'I',0.32,0.24,0.07,0.133,0.0585,0.0255,0.041,6),\n"
  "(126,'I',0.27,0.195,0.06,0.073,0.0285,0.0235,0.03,5),\n"
  "(1227,'I',0.35,0.27,0.075,0.215,0.1,0.036,0.065,6),\n"
  "(3969,'I',0.375,0.29,0.095,0.2875,0.123,0.0605,0.08,6),\n"
  "(2505,'I',0.31,0.24,0.105,0.2885,0.118,0.065,0.083,6),\n"
  "(2039,'I',0.28,0.215,0.08,0.132,0.072,0.022,0.033,5),\n"
  "(829,'I',0.41,0.325,0.1,0.394,0.208,0.0655,0.106,6),\n"
  "(3197,'I',0.325,0.245,0.075,0.1495,0.0605,0.033,0.045,5),\n"
  "(1447,'I',0.44,0.34,0.105,0.369,0.164,0.08,0.1015,5),\n"
  "(2821,'I',0.375,0.285,0.09,0.2545,0.119,0.0595,0.0675,6),\n"
  "(1828,'I',0.34,0.26,0.085,0.1885,0.0815,0.0335,0.06,6),\n"
  "(2002,'I',0.36,0.27,0.085,0.2185,0.1065,0.038,0.062,6),\n"
  "(785,'I',0.215,0.155,0.06,0.0525,0.021,0.0165,0.015,5),\n"
  "(2199,'I',0.27,0.19,0.08,0.081,0.0265,0.0195,0.03,6),\n"
  "(3527,'I',0.335,0.26,0.085,0.192,0.097,0.03,0.054,6),\n"
  "(466,'I',0.175,0.125,0.05,0.0235,0.008,0.0035,0.008,5),\n"
  "(425,'I',0.26,0.2,0.07,0.092,0.037,0.02,0.03,6),\n"
  "(1825,'I',0.185,0.135,0.04,0.027,0.0105,0.0055,0.009,5),\n"
  "(3815,'I',0.38,0.275,0.095,0.2425,0.106,0.0485,0.21,6),\n"
  "(2503,'I',0.285,0.21,0.07,0.109,0.044,0.0265,0.033,5),\n"
  "(3998,'I',0.36,0.27,0.09,0.2075,0.098,0.039,0.062,6),\n"
  "(333,'I',0.3,0.22,0.08,0.121,0.0475,0.042,0.035,5),\n"
  "(1837,'I',0.415,0.31,0.09,0.2815,0.1245,0.0615,0.085,6),\n"
  "(2813,'I',0.24,0.17,0.05,0.0545,0.0205,0.016,0.0155,5),\n"
  "(930,'I',0.44,0.345,0.13,0.4495,0.209,0.0835,0.134,6),\n"
  "(1436,'I',0.385,0.3,0.09,0.247,0.1225,0.044,0.0675,5),\n"
  "(3972,'I',0.4,0.295,0.095,0.252,0.1105,0.0575,0.066,6),\n"
  "(1433,'I',0.365,0.255,0.08,0.1985,0.0785,0.0345,0.053,5),\n"
  "(1252,'I',0.405,0.285,0.09,0.2645,0.1265,0.0505,0.075,6),\n"
  "(3439,'I',0.43,0.335,0.105,0.378,0.188,0.0785,0.09,6),\n"
  "(1250,'I',0.395,0.27,0.1,0.2985,0.1445,0.061,0.082,5),\n"
  "(2865,'I',0.31,0.23,0.07,0.1245,0.0505,0.0265,0.038,6),\n"
  "(3411,'I',0.415,0.31,0.105,0.3595,0.167,0.083,0.0915,6),\n"
  "(1539,'I',0.355,0.27,0.075,0.1775,0.079,0.0315,0.054,6),\n"
  "(1990,'I',0.28,0.21,0.075,0.1195,0.053,0.0265,0.03,6),\n"
  "(1771,'I',0.455,0.335,0.105,0.422,0.229,0.0865,0.1,6),\n"
  "(2291,'I',0.325,0.27,0.1,0.185,0.08,0.0435,0.065,6),\n"
  "(3381,'I',0.19,0.13,0.045,0.0265,0.009,0.005,0.009,5),\n"
  "(1545,'I',0.37,0.27,0.095,0.2175,0.097,0.046,0.065,6),\n"
  "(652,'I',0.335,0.245,0.09,0.1665,0.0595,0.04,0.06,6),\n"
  "(3434,'I',0.365,0.27,0.105,0.2155,0.0915,0.0475,0.063,6),\n"
  "(2004,'I',0.375,0.28,0.08,0.226,0.105,0.047,0.065,6),\n"
  "(2000,'I',0.35,0.25,0.07,0.1605,0.0715,0.0335,0.046,6),\n"
  "(3946,'I',0.235,0.175,0.065,0.0615,0.0205,0.02,0.019,6),\n"
  "(177,'I',0.315,0.21,0.06,0.125,0.06,0.0375,0.035,5),\n"
  "(920,'I',0.41,0.31,0.09,0.3335,0.1635,0.061,0.091,6),\n"
  "(3437,'I',0.38,0.275,0.095,0.2505,0.0945,0.0655,0.075,6),\n"
  "(2630,'I',0.33,0.24,0.075,0.163,0.0745,0.033,0.048,6),\n"
  "(1092,'I',0.45,0.33,0.11,0.3685,0.16,0.0885,0.102,6),\n"
  "(3476,'I',0.4,0.315,0.085,0.2675,0.116,0.0585,0.0765,6),\n"
  "(3526,'I',0.33,0.23,0.085,0.1695,0.079,0.026,0.0505,6),\n"
  "(1534,'I',0.295,0.215,0.07,0.121,0.047,0.0155,0.0405,6),\n"
  "(921,'I',0.415,0.33,0.09,0.3595,0.17,0.081,0.09,6),\n"
  "(2206,'I',0.275,0.22,0.08,0.1365,0.0565,0.0285,0.042,6),\n"
  "(1218,'I',0.315,0.23,0.08,0.1375,0.0545,0.031,0.0445,5),\n"
  "(1998,'I',0.335,0.25,0.08,0.1695,0.0695,0.044,0.0495,6),\n"
  "(2455,'I',0.275,0.2,0.065,0.092,0.0385,0.0235,0.027,5),\n"
  "(2548,'I',0.23,0.18,0.05,0.064,0.0215,0.0135,0.02,5),\n"
  "(3996,'I',0.245,0.175,0.055,0.0785,0.04,0.018,0.02,5),\n"
  "(3408,'I',0.35,0.265,0.08,0.192,0.081,0.0465,0.053,6),\n"
  "(3907,'M',0.245,0.18,0.065,0.0635,0.0245,0.0135,0.02,4),\n"
  "(3850,'M',0.385,0.3,0.115,0.3435,0.1645,0.085,0.1025,6),\n"
  "(124,'M',0.37,0.265,0.075,0.214,0.09,0.051,0.07,6),\n"
  "(2583,'M',0.53,0.41,0.14,0.681,0.3095,0.1415,0.1835,6),\n"
  "(526,'M',0.175,0.125,0.04,0.024,0.0095,0.006,0.005,4),\n"
  "(2184,'M',0.495,0.4,0.155,0.8085,0.2345,0.1155,0.35,6),\n"
  "(2132,'M',0.32,0.24,0.08,0.18,0.08,0.0385,0.055,6),\n"
  "(651,'M',0.255,0.18,0.065,0.079,0.034,0.014,0.025,5),\n"
  "(612,'M',0.195,0.145,0.05,0.032,0.01,0.008,0.012,4),\n"
  "(958,'M',0.5,0.39,0.135,0.6595,0.3145,0.1535,0.1565,6),\n"
  "(3174,'M',0.35,0.265,0.09,0.2265,0.0995,0.0575,0.065,6),\n"
  "(265,'M',0.27,0.2,0.08,0.1205,0.0465,0.028,0.04,6),\n"
  "(519,'M',0.325,0.23,0.09,0.147,0.06,0.034,0.045,4),\n"
  "(2382,'M',0.155,0.115,0.025,0.024,0.009,0.005,0.0075,5),\n"
  "(698,'M',0.28,0.205,0.1,0.1165,0.0545,0.0285,0.03,5),\n"
  "(2381,'M',0.175,0.135,0.04,0.0305,0.011,0.0075,0.01,5),\n"
  "(516,'M',0.27,0.195,0.08,0.1,0.0385,0.0195,0.03,6),\n"
  "(831,'M',0.415,0.305,0.1,0.325,0.156,0.0505,0.091,6),\n"
  "(3359,'M',0.285,0.215,0.075,0.106,0.0415,0.023,0.035,5)"),
 ('setup', 'CREATE TABLE abalone_train_small AS (\n    SELECT * FROM abalone_train_small_tmp\n)'),
 ('setup', 'CREATE TABLE abalone_eps (\n    sex TEXT,\n    epsilon DOUBLE PRECISION)'),
 ('setup', "INSERT INTO abalone_eps(sex, epsilon) VALUES\n('I', 0.2),\n('M', 0.05)"),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_train_data', 'm5', 'label', 'ind', NULL,NULL,NULL, "
  "'init_s",
  'SELECT svm_classification(\n'
  "     'svm_train_data',\n"
  "     'm5',\n"
  "     'label',\n"
  "     'ind',\n"
  '     NULL,NULL,NULL,\n'
  "     'init_stepsize=0.01, max_iter=20, lambda=0.000002')"),
 ('case',
  "svm_predict: SELECT svm_predict('m5','svm_test_data', 'id', 'svm_test_5')",
  "SELECT svm_predict('m5','svm_test_data', 'id', 'svm_test_5')"),
 ('case',
  'count: SELECT count(*) AS misclassification_count FROM svm_test_5 NATURAL JOIN svm_test_data WHER',
  'SELECT\n'
  '    count(*) AS misclassification_count\n'
  'FROM svm_test_5 NATURAL JOIN svm_test_data\n'
  'WHERE prediction <> label'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_train_data', 'm6', 'label', 'ind', 'gaussian', "
  "'n_componen",
  'SELECT svm_classification(\n'
  "     'svm_train_data',\n"
  "     'm6',\n"
  "     'label',\n"
  "     'ind',\n"
  "     'gaussian',\n"
  "     'n_components=3, fit_intercept=false',\n"
  '     NULL,\n'
  "     'max_iter=2')"),
 ('case',
  "svm_predict: SELECT svm_predict('m6','svm_test_data', 'id', 'svm_test_6')",
  "SELECT svm_predict('m6','svm_test_data', 'id', 'svm_test_6')"),
 ('check', 'FROM m6', ['array_upper(coef, 1) = 3']),
 ('case',
  "svm_regression: SELECT svm_regression( 'abalone_train_small', 'svr_mdl_m', 'rings', "
  "'ARRAY[1,diameter,shel",
  'SELECT svm_regression(\n'
  "        'abalone_train_small',\n"
  "        'svr_mdl_m',\n"
  "        'rings',\n"
  "        'ARRAY[1,diameter,shell,shucked,length]',\n"
  "        'gau',\n"
  "        'n_components=10',\n"
  "        'sex',\n"
  "        'max_iter=2, init_stepsize=1, decay_factor=0.9, tolerance=1e-16, epsilon = 0.05',\n"
  '        false)'),
 ('case',
  "svm_predict: SELECT svm_predict('svr_mdl_m','abalone_train_small', 'id', 'svm_test_mdl_m')",
  "SELECT svm_predict('svr_mdl_m','abalone_train_small', 'id', 'svm_test_mdl_m')"),
 ('check', 'FROM svr_mdl_m', ['array_upper(coef, 1) = 10']),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_train_data', 'm7', 'label', 'ind', 'gaussian', "
  "'n_componen",
  'SELECT svm_classification(\n'
  "     'svm_train_data',\n"
  "     'm7',\n"
  "     'label',\n"
  "     'ind',\n"
  "     'gaussian',\n"
  "     'n_components=3, fit_intercept=true',\n"
  '     NULL,\n'
  "     'init_stepsize=[0.01, 0.1], max_iter=2, n_folds=3, lambda=[0.01, 0.1, 0.5], "
  "validation_result=m7_cv')"),
 ('case',
  "svm_predict: SELECT svm_predict('m7','svm_test_data', 'id', 'svm_test_7')",
  "SELECT svm_predict('m7','svm_test_data', 'id', 'svm_test_7')"),
 ('check', 'FROM m7', ['array_upper(coef, 1) = 4']),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_train_data', 'm8', 'label', 'ind', 'gaussian', "
  "'n_componen",
  'SELECT svm_classification(\n'
  "     'svm_train_data',\n"
  "     'm8',\n"
  "     'label',\n"
  "     'ind',\n"
  "     'gaussian',\n"
  "     'n_components=3, fit_in_memory=False',\n"
  '     NULL,\n'
  "     'max_iter=2, n_folds=3, lambda=[0.01, 0.1, 0.5]')"),
 ('check', 'FROM m8', ['array_upper(coef, 1) = 3']),
 ('setup',
  'CREATE TABLE kernel_data (\n'
  '    index bigint,\n'
  '    x1 double precision,\n'
  '    x2 double precision,\n'
  '    y double precision\n'
  ')'),
 ('setup',
  'INSERT INTO kernel_data (index, x1, x2, y) VALUES (0, 0.400000000000000022, -0.699999999999999956, 0)'),
 ('setup', 'INSERT INTO kernel_data (index, x1, x2, y) VALUES (1, -1.5, -1, 0)'),
 ('setup',
  'INSERT INTO kernel_data (index, x1, x2, y) VALUES (2, -1.39999999999999991, -0.900000000000000022, 0)'),
 ('setup',
  'INSERT INTO kernel_data (index, x1, x2, y) VALUES (3, -1.30000000000000004, -1.19999999999999996, 0)'),
 ('setup',
  'INSERT INTO kernel_data (index, x1, x2, y) VALUES (4, -1.10000000000000009, -0.200000000000000011, 0)'),
 ('setup',
  'INSERT INTO kernel_data (index, x1, x2, y) VALUES (5, -1.19999999999999996, -0.400000000000000022, 0)'),
 ('setup', 'INSERT INTO kernel_data (index, x1, x2, y) VALUES (6, -0.5, 1.19999999999999996, 0)'),
 ('setup', 'INSERT INTO kernel_data (index, x1, x2, y) VALUES (7, -1.5, 2.10000000000000009, 0)'),
 ('setup', 'INSERT INTO kernel_data (index, x1, x2, y) VALUES (8, 1, 1, 1)'),
 ('setup',
  'INSERT INTO kernel_data (index, x1, x2, y) VALUES (9, 1.30000000000000004, 0.800000000000000044, 1)'),
 ('setup', 'INSERT INTO kernel_data (index, x1, x2, y) VALUES (10, 1.19999999999999996, 0.5, 1)'),
 ('setup', 'INSERT INTO kernel_data (index, x1, x2, y) VALUES (11, 0.200000000000000011, -2, 1)'),
 ('setup', 'INSERT INTO kernel_data (index, x1, x2, y) VALUES (12, 0.5, -2.39999999999999991, 1)'),
 ('setup',
  'INSERT INTO kernel_data (index, x1, x2, y) VALUES (13, 0.200000000000000011, -2.29999999999999982, 1)'),
 ('setup', 'INSERT INTO kernel_data (index, x1, x2, y) VALUES (14, 0, -2.70000000000000018, 1)'),
 ('setup',
  'INSERT INTO kernel_data (index, x1, x2, y) VALUES (15, 1.30000000000000004, 2.10000000000000009, 1)'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_train_data', 'poly_mapping', 'label', 'ind', 'poly', "
  "'n_co",
  'SELECT svm_classification(\n'
  "     'svm_train_data',\n"
  "     'poly_mapping',\n"
  "     'label',\n"
  "     'ind',\n"
  "     'poly',\n"
  "     'n_components=3, fit_intercept=true',\n"
  '     NULL,\n'
  "     'max_iter=2')"),
 ('case',
  "svm_predict: SELECT svm_predict('poly_mapping','svm_test_data', 'id', 'svm_test_poly_mapping')",
  "SELECT svm_predict('poly_mapping','svm_test_data', 'id', 'svm_test_poly_mapping')"),
 ('check', 'FROM poly_mapping', ['array_upper(coef, 1) = 4']),
 ('case',
  "svm_regression: SELECT svm_regression( 'abalone_train_small', 'svr_mdl_poly', 'rings', "
  "'ARRAY[1,diameter,s",
  'SELECT svm_regression(\n'
  "        'abalone_train_small',\n"
  "        'svr_mdl_poly',\n"
  "        'rings',\n"
  "        'ARRAY[1,diameter,shell,shucked,length]',\n"
  "        'po',\n"
  "        'degree=2, n_components=10, fit_intercept=true',\n"
  "        'sex',\n"
  "        'max_iter=2, init_stepsize=1, decay_factor=0.9, tolerance=1e-16, epsilon = 0.05',\n"
  '        false)'),
 ('case',
  "svm_predict: SELECT svm_predict('svr_mdl_poly','abalone_train_small', 'id', 'svm_test_poly')",
  "SELECT svm_predict('svr_mdl_poly','abalone_train_small', 'id', 'svm_test_poly')"),
 ('check', 'FROM svr_mdl_poly', ['array_upper(coef, 1) = 11']),
 ('case',
  "svm_classification: SELECT svm_classification( 'kernel_data', 'm10', 'y', 'array[x1, x2]', 'gaussian', "
  "'gamma=",
  'SELECT svm_classification(\n'
  "     'kernel_data',\n"
  "     'm10',\n"
  "     'y',\n"
  "     'array[x1, x2]',\n"
  "     'gaussian',\n"
  "     'gamma=1, n_components=20, random_state=2',\n"
  '     NULL,\n'
  "     'init_stepsize=1, max_iter=10')"),
 ('setup',
  'CREATE TABLE svm_unbalanced (\n'
  '    index bigint,\n'
  '    x1 double precision,\n'
  '    x2 double precision,\n'
  '    y bigint,\n'
  '    y_text text\n'
  ')'),
 ('copy',
  "COPY svm_unbalanced (index, x1, x2, y, y_text) FROM stdin delimiter '|'",
  '0|2.43651804549486251|-0.917634620475113127|0|zero\n'
  '1|-0.792257628395183544|-1.60945293323425576|0|zero\n'
  '2|1.29811144398701783|-3.45230804532042423|0|zero\n'
  '3|2.61721764632472009|-1.14181035134265407|0|zero\n'
  '4|0.478558644085647855|-0.374055563216115106|0|zero\n'
  '5|2.19316190556746093|-3.09021106424648107|0|zero\n'
  '6|-0.483625806020261229|-0.576081532002623464|0|zero\n'
  '7|1.70065416350315601|-1.64983690097104629|0|zero\n'
  '8|-0.258642311325653629|-1.31678762688205753|0|zero\n'
  '9|0.0633206200733892471|0.87422282057373335|0|zero\n'
  '10|-1.65092876581938186|1.7170855647594212|0|zero\n'
  '11|1.35238608088919321|0.753741508352802292|0|zero\n'
  '12|1.35128392389661767|-1.02559178876149959|0|zero\n'
  '13|-0.184335338277972272|-1.40365415138860317|0|zero\n'
  '14|-0.40183211943902386|0.795533200107279015|0|zero\n'
  '15|-1.03749112758796347|-0.595130290283966024|0|zero\n'
  '16|-1.03075905017939906|-1.26780846224807942|0|zero\n'
  '17|-1.00686919625522853|-0.0189968983783520423|0|zero\n'
  '18|-1.67596552295291668|0.351623546725638225|0|zero\n'
  '19|2.48970326566480571|1.11306624086600348|0|zero\n'
  '20|-0.287753328542422415|-1.3314434461272544|0|zero\n'
  '21|-1.12073744062625646|2.53868190154161999|0|zero\n'
  '22|0.0762116321640434469|-0.955493469854030053|0|zero\n'
  '23|0.286373227001199049|3.15038270471826332|0|zero\n'
  '24|0.180238428722443722|0.925804664561128865|0|zero\n'
  '25|0.450255479933741265|-0.528374769740277972|0|zero\n'
  '26|-1.71377729703321036|-0.524014083619316229|0|zero\n'
  '27|-0.313341350062167179|0.879934786773296507|0|zero\n'
  '28|1.25847512081175728|1.39665312195533597|0|zero\n'
  '29|0.428380987881388176|1.32771174640609213|0|zero\n'
  '30|-1.1315969114949791|1.87930223284993181|0|zero\n'
  '31|0.769394730627013246|-0.447139252654073505|0|zero\n'
  '32|0.73277721980624555|-0.113357569531583588|0|zero\n'
  '33|1.69744408117714052|2.27972522463329819|0|zero\n'
  '34|3.27836310979974233|-2.09474450323220651|0|zero\n'
  '35|-2.16617070814438417|-0.756698794419676801|0|zero\n'
  '36|0.240055604171745707|1.31425338167433736|0|zero\n'
  '37|0.473452420862407852|-3.03330182373600454|0|zero\n'
  '38|-0.459306018942557737|1.24196196391086922|0|zero\n'
  '39|0.345142103046575111|1.14301677046803718|0|zero\n'
  '40|-0.333492213915538904|-0.301137103394996164|0|zero\n'
  '41|0.279842086482426478|0.615077470812384508|0|zero\n'
  '42|0.297449580190154605|0.178512968711188214|0|zero\n'
  '43|-1.00599342943354575|0.56634567948137915|0|zero\n'
  '44|0.182731906487155399|1.6942258618678796|0|zero\n'
  '45|1.7983768198522605|0.277734626225915771|0|zero\n'
  '46|-0.562927425135171244|-0.958095611181333573|0|zero\n'
  '47|0.635241531096169321|0.116010102522839123|0|zero\n'
  '48|-0.515780513356613346|0.065395285251370408|0|zero\n'
  '49|-0.930001265922193898|1.04704805110832844|0|zero\n'
  '50|-0.670692847178997353|1.8367615572082483|0|zero\n'
  '51|0.605237462686200045|0.890367784855600419|0|zero\n'
  '52|-1.64236776861156275|0.254073649588002159|0|zero\n'
  '53|1.11083467664441216|-1.43055090271190188|0|zero\n'
  '54|-0.399327759005433103|0.0489218200400378389|0|zero\n'
  '55|-2.05967598037013344|0.472739088063437674|0|zero\n'
  '56|1.2692409713775501|-1.28927391124797941|0|zero\n'
  '57|0.525818967996161013|-1.96842511685614774|0|zero\n'
  '58|-0.0580432638990766719|-2.42365853205494197|0|zero\n'
  '59|1.682126562353496|0.613350806905241686|0|zero\n'
  '60|-0.0369254338136675297|-1.16274242875373934|0|zero\n'
  '61|1.91063389523816496|2.95065262388210225|0|zero\n'
  '62|-2.78697279667012809|1.85424604567923046|0|zero\n'
  '63|2.44147612972335981|0.507017544861713687|0|zero\n'
  '64|-1.79890204850277913|1.29501797631603233|0|zero\n'
  '65|-0.271380453117225695|-0.905880941689885866|0|zero\n'
  '66|-1.84508720350044264|0.825806243964323006|0|zero\n'
  '67|1.18921029887902163|-0.935296094519687427|0|zero\n'
  '68|0.78086450561005627|-1.71651208443471415|0|zero\n'
  '69|1.20279154780701703|0.0698509476362183107|0|zero\n'
  '70|-0.279854657861023148|-0.152618808793717808|0|zero\n'
  '71|1.30332923550880198|1.12561745979751215|0|zero\n'
  '72|0.794197986529063815|0.206551814996079108|0|zero\n'
  '73|0.116731691869058879|0.927570392997786763|0|zero\n'
  '74|0.348741838768106827|1.02382711029672779|0|zero\n'
  '75|-0.465175160277089994|-3.65225664616070844|0|zero\n'
  '76|1.55823690278912119|3.28046947046138637|0|zero\n'
  '77|0.662046665352873154|-0.150232849925249656|0|zero\n'
  '78|-0.204667115844049508|-0.178581281662214819|0|zero\n'
  '79|0.0261141124500068982|-1.68302809312033252|0|zero\n'
  '80|-0.775641686880341852|-1.49554024147539444|0|zero\n'
  '81|0.373198742081655654|-0.444961728556294012|0|zero\n'
  '82|0.742816985966940679|-0.26205473961375142|0|zero\n'
  '83|1.47950278173186289|0.320300852003162662|0|zero\n'
  '84|3.28604959345460035|-2.8445413843366385|0|zero\n'
  '85|-0.970375032382362002|1.35223033747306642|0|zero\n'
  '86|3.79248856020959701|-0.37295216657319008|0|zero\n'
  '87|0.0655034897675836614|-0.339471363770407764|0|zero\n'
  '88|1.9971856688813876|-0.430961795214028331|0|zero\n'
  '89|1.02010475981715665|-0.479702398348006764|0|zero\n'
  '90|-1.9088381328689914|0.470321580695148234|0|zero\n'
  '91|0.754777220152989092|1.93983882379839256|0|zero\n'
  '92|-0.165670539625974472|-0.926043095568541363|0|zero\n'
  '93|0.844141644928539492|0.361105638356598369|0|zero\n'
  '94|0.420997615683958493|-0.109669055620916639|0|zero\n'
  '95|1.7405078549906543|0.554239074563585565|0|zero\n'
  '96|2.85698806251147186|1.66658504784075689|0|zero\n'
  '97|0.988574694150315292|-2.44115751092438593|0|zero\n'
  '98|0.903478920443443689|0.630423305470589446|0|zero\n'
  '99|1.2164275092053336|1.56666314206088808|0|zero\n'
  '100|1.79956090410553671|2.41200280922520394|1|one\n'
  '101|1.71884728449045499|2.97743903750451722|1|one\n'
  '102|1.33402416674137592|1.1196557198006083|1|one\n'
  '103|1.1746393670879498|1.55472220791847571|1|one\n'
  '104|1.4404423007201359|2.97803945185182073|1|one\n'
  '105|1.83675025096090794|1.32866210531128193|1|one\n'
  '106|2.55719148838989607|1.7067380305892037|1|one\n'
  '107|1.38157331172930142|2.43791946382464975|1|one\n'
  '108|2.31168108828901619|1.7825216585223862|1|one\n'
  '109|2.70377000012061419|2.06455078985536256|1|one\n'),
 ('setup', 'DROP TABLE IF EXISTS svm_out, svm_out_summary'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_unbalanced', 'svm_out', 'y', 'ARRAY[1, x1, x2]', "
  "'linear',",
  'SELECT svm_classification(\n'
  "    'svm_unbalanced',\n"
  "    'svm_out',\n"
  "    'y',\n"
  "    'ARRAY[1, x1, x2]',\n"
  "    'linear',\n"
  '    NULL,\n'
  '    NULL,\n'
  "    'max_iter=1000, init_stepsize=0.1, class_weight=balanced'\n"
  '    )'),
 ('setup', 'DROP TABLE IF EXISTS svm_predict_out'),
 ('case',
  "svm_predict: SELECT svm_predict('svm_out', 'svm_unbalanced', 'index', 'svm_predict_out')",
  "SELECT svm_predict('svm_out', 'svm_unbalanced', 'index', 'svm_predict_out')"),
 ('check',
  'FROM svm_unbalanced JOIN svm_predict_out\nusing (index)\nWHERE y = prediction and y = 1',
  ['count(*)/10. >= 0.70']),
 ('setup', 'DROP TABLE IF EXISTS svm_out, svm_out_summary'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_unbalanced', 'svm_out', 'y', 'ARRAY[1, x1, x2]', "
  "'linear',",
  'SELECT svm_classification(\n'
  "    'svm_unbalanced',\n"
  "    'svm_out',\n"
  "    'y',\n"
  "    'ARRAY[1, x1, x2]',\n"
  "    'linear',\n"
  '    NULL,\n'
  '    NULL,\n'
  "    'max_iter=1000, init_stepsize=0.1, class_weight={1:10, 0:1}'\n"
  '    )'),
 ('setup', 'DROP TABLE IF EXISTS svm_predict_out'),
 ('case',
  "svm_predict: SELECT svm_predict('svm_out', 'svm_unbalanced', 'index', 'svm_predict_out')",
  "SELECT svm_predict('svm_out', 'svm_unbalanced', 'index', 'svm_predict_out')"),
 ('check',
  'FROM svm_unbalanced JOIN svm_predict_out\nusing (index)\nWHERE y = prediction and y = 1',
  ['count(*)/10. >= 0.70']),
 ('setup', 'DROP TABLE IF EXISTS svm_out, svm_out_summary'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_unbalanced', 'svm_out', 'y_text', 'ARRAY[1, x1, x2]', "
  "'lin",
  'SELECT svm_classification(\n'
  "    'svm_unbalanced',\n"
  "    'svm_out',\n"
  "    'y_text',\n"
  "    'ARRAY[1, x1, x2]',\n"
  "    'linear',\n"
  '    NULL,\n'
  '    NULL,\n'
  "    'max_iter=1000, init_stepsize=0.1, class_weight={zero:1, one:10}'\n"
  '    )'),
 ('setup', 'DROP TABLE IF EXISTS svm_predict_out'),
 ('case',
  "svm_predict: SELECT svm_predict('svm_out', 'svm_unbalanced', 'index', 'svm_predict_out')",
  "SELECT svm_predict('svm_out', 'svm_unbalanced', 'index', 'svm_predict_out')"),
 ('check',
  "FROM svm_unbalanced JOIN svm_predict_out\nusing (index)\nWHERE y_text = prediction and y_text = 'one'",
  ['count(*)/10. >= 0.70']),
 ('case',
  "svm_one_class: SELECT svm_one_class( 'svm_normalized', 'svm_model_expression2', 'ind', 'gaussian', NULL, ",
  'SELECT svm_one_class(\n'
  "    'svm_normalized',\n"
  "    'svm_model_expression2',\n"
  "    'ind',\n"
  "    'gaussian',\n"
  '    NULL,\n'
  '    NULL,\n'
  "    'init_stepsize=0.01, max_iter=3, lambda=[0.0002, 0.2], '\n"
  "    'n_folds=3, epsilon = [0.003, 0.2]'\n"
  '    )'),
 ('case',
  "svm_predict: SELECT svm_predict('svm_model_expression2', 'svm_test_normalized', 'id', 'svm_test_model_e",
  "SELECT svm_predict('svm_model_expression2', 'svm_test_normalized', 'id', 'svm_test_model_expression2')"),
 ('case',
  "svm_regression: SELECT svm_regression( 'svr_train_data', 'm1', 'label', 'ind', 'poly', NULL, NULL, "
  "'init_s",
  'SELECT svm_regression(\n'
  "     'svr_train_data',\n"
  "     'm1',\n"
  "     'label',\n"
  "     'ind',\n"
  "     'poly',\n"
  '      NULL,\n'
  '      NULL,\n'
  "     'init_stepsize=0.01, max_iter=3, lambda=[0.0002, 0.2], '\n"
  "     'n_folds=3, epsilon = [0.003, 0.2]',\n"
  '     true)'),
 ('case',
  "svm_predict: SELECT svm_predict('m1','svm_test_data', 'id', 'svm_test_8')",
  "SELECT svm_predict('m1','svm_test_data', 'id', 'svm_test_8')"),
 ('case',
  "svm_regression: SELECT svm_regression( 'svr_train_data', 'm2', 'label', 'ind', NULL,NULL,NULL, "
  "'init_steps",
  'SELECT svm_regression(\n'
  "     'svr_train_data',\n"
  "     'm2',\n"
  "     'label',\n"
  "     'ind',\n"
  '     NULL,NULL,NULL,\n'
  "     'init_stepsize=0.01, max_iter=2, lambda=[0.0002, 0.2], n_folds=3',\n"
  '     false)'),
 ('case', 'sql: SELECT reg_params FROM m2_summary', 'SELECT reg_params FROM m2_summary'),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_train_data', 'm3', 'label', 'ind', NULL,NULL,NULL, "
  "'init_s",
  'SELECT svm_classification(\n'
  "     'svm_train_data',\n"
  "     'm3',\n"
  "     'label',\n"
  "     'ind',\n"
  '     NULL,NULL,NULL,\n'
  "     'init_stepsize=[0.01, 1], max_iter=3, lambda=[20, 0.0002, 0.02], '\n"
  "     'n_folds=3, epsilon=[0.1, 1], validation_result=val_res')"),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_train_data', 'm4', 'label', 'ind', NULL,NULL,NULL, "
  "'init_s",
  'SELECT svm_classification(\n'
  "     'svm_train_data',\n"
  "     'm4',\n"
  "     'label',\n"
  "     'ind',\n"
  '     NULL,NULL,NULL,\n'
  "     'init_stepsize=0.01, max_iter=20, lambda=[20, 0.0002, 0.02], '\n"
  "     'n_folds=3, validation_result=val_res2')"),
 ('case', 'sql: SELECT reg_params FROM m1_summary', 'SELECT reg_params FROM m1_summary'),
 ('case',
  "svm_predict: SELECT svm_predict('m1','svm_test_data', 'id', 'svm_test_reg_params')",
  "SELECT svm_predict('m1','svm_test_data', 'id', 'svm_test_reg_params')"),
 ('case',
  "svm_classification: SELECT svm_classification( 'svm_train_data', 'm9', 'label', 'ind', 'poly', "
  "'n_components=3",
  'SELECT svm_classification(\n'
  "     'svm_train_data',\n"
  "     'm9',\n"
  "     'label',\n"
  "     'ind',\n"
  "     'poly',\n"
  "     'n_components=3',\n"
  '     NULL,\n'
  "     'max_iter=2, n_folds=3, lambda=[0.01, 0.1, 0.5]')"),
 ('case',
  "svm_predict: SELECT svm_predict('m9','svm_test_data', 'id', 'svm_test_9')",
  "SELECT svm_predict('m9','svm_test_data', 'id', 'svm_test_9')"),
 ('check', 'FROM m9', ['array_upper(coef, 1) = 3'])]
