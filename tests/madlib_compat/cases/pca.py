"""Steps of apache/madlib src/ports/postgres/modules/pca/test/pca.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'pca/test/pca.sql_in'
STEPS = [('setup', 'DROP TABLE IF EXISTS mat'),
 ('setup', 'CREATE TABLE mat (\n    row_id integer,\n    row_vec double precision[]\n)'),
 ('copy',
  "COPY mat (row_id, row_vec) FROM stdin delimiter '|'",
  '1|{396,840,353,446,318,886,15,584,159,383}\n'
  '2|{691,58,899,163,159,533,604,582,269,390}\n'
  '3|{293,742,298,75,404,857,941,662,846,2}\n'
  '4|{462,532,787,265,982,306,600,608,212,885}\n'
  '5|{304,151,337,387,643,753,603,531,459,652}\n'
  '6|{327,946,368,943,7,516,272,24,591,204}\n'
  '7|{877,59,260,302,891,498,710,286,864,675}\n'
  '8|{458,959,774,376,228,354,300,669,718,565}\n'
  '9|{824,390,818,844,180,943,424,520,65,913}\n'
  '10|{882,761,398,688,761,405,125,484,222,873}\n'
  '11|{528,1,860,18,814,242,314,965,935,809}\n'
  '12|{492,220,576,289,321,261,173,1,44,241}\n'
  '13|{415,701,221,503,67,393,479,218,219,916}\n'
  '14|{350,192,211,633,53,783,30,444,176,932}\n'
  '15|{909,472,871,695,930,455,398,893,693,838}\n'
  '16|{739,651,678,577,273,935,661,47,373,618}\n'),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10)",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10, NULL)",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10, NULL)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10, NULL, 0)",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10, NULL, 0)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10, NULL, 0, FALSE)",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10,\nNULL, 0, FALSE)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10, NULL, 0, FALSE, N",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10,\nNULL, 0, FALSE, NULL)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('setup', 'drop table if exists result_table_214712398172490838'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10, NULL, 0, FALSE, '",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 10,\n"
  "NULL, 0, FALSE, 'result_table_214712398172490838')"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('setup', 'drop table if exists result_table_214712398172490838'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 5, NULL, 5, FALSE, 'r",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 5,\n"
  "NULL, 5, FALSE, 'result_table_214712398172490838')"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8)",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8, NULL)",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8, NULL)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8, NULL, 0)",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8, NULL, 0)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8, NULL, 0, FALSE)",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8,\nNULL, 0, FALSE)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8, NULL, 0, FALSE, ",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8,\nNULL, 0, FALSE, NULL)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('setup', 'drop table if exists result_table_214712398172490838'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8, NULL, 0, FALSE, ",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8,\n"
  "NULL, 0, FALSE, 'result_table_214712398172490838')"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('setup', 'drop table if exists result_table_214712398172490838'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8, NULL, 5, FALSE, ",
  "select pca_train('mat', 'result_table_214712398172490837', 'row_id', 0.8,\n"
  "NULL, 5, FALSE, 'result_table_214712398172490838')"),
 ('setup', 'DROP TABLE IF EXISTS mat'),
 ('setup', 'CREATE TABLE mat (\n    id integer,\n    row_vec double precision[],\n    grp integer\n)'),
 ('copy',
  "COPY mat (id, row_vec, grp) FROM stdin delimiter '|'",
  '1|{396,840,353,446,318,886,15,584,159,383}|1\n'
  '2|{691,58,899,163,159,533,604,582,269,390}|1\n'
  '3|{293,742,298,75,404,857,941,662,846,2}|1\n'
  '4|{462,532,787,265,982,306,600,608,212,885}|1\n'
  '5|{304,151,337,387,643,753,603,531,459,652}|1\n'
  '6|{327,946,368,943,7,516,272,24,591,204}|1\n'
  '7|{877,59,260,302,891,498,710,286,864,675}|1\n'
  '8|{458,959,774,376,228,354,300,669,718,565}|2\n'
  '9|{824,390,818,844,180,943,424,520,65,913}|2\n'
  '10|{882,761,398,688,761,405,125,484,222,873}|2\n'
  '11|{528,1,860,18,814,242,314,965,935,809}|2\n'
  '12|{492,220,576,289,321,261,173,1,44,241}|2\n'
  '13|{415,701,221,503,67,393,479,218,219,916}|2\n'
  '14|{350,192,211,633,53,783,30,444,176,932}|2\n'
  '15|{909,472,871,695,930,455,398,893,693,838}|2\n'
  '16|{739,651,678,577,273,935,661,47,373,618}|2\n'),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('setup', 'drop table if exists result_table_214712398172490838'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'id', 0.8, 'grp', 5, FALSE, 're",
  "select pca_train('mat', 'result_table_214712398172490837', 'id', 0.8,\n"
  "'grp', 5, FALSE, 'result_table_214712398172490838')"),
 ('setup', 'DROP TABLE IF EXISTS cmat'),
 ('setup',
  'CREATE TABLE cmat (\n'
  '    id  integer,\n'
  '    val0    float8,\n'
  '    val1    float8,\n'
  '    val2    float8,\n'
  '    val3    float8,\n'
  '    val4    float8,\n'
  '    val5    float8,\n'
  '    val6    float8,\n'
  '    val7    float8,\n'
  '    val8    float8,\n'
  '    val9    float8,\n'
  '    grp     integer\n'
  ')'),
 ('copy',
  "COPY cmat (id, val0, val1, val2, val3, val4, val5, val6, val7, val8, val9, grp) FROM stdin delimiter '|'",
  '1|396|840|353|446|318|886|15|584|159|383|1\n'
  '2|691|58|899|163|159|533|604|582|269|390|1\n'
  '3|293|742|298|75|404|857|941|662|846|2|1\n'
  '4|462|532|787|265|982|306|600|608|212|885|1\n'
  '5|304|151|337|387|643|753|603|531|459|652|1\n'
  '6|327|946|368|943|7|516|272|24|591|204|1\n'
  '7|877|59|260|302|891|498|710|286|864|675|2\n'
  '8|458|959|774|376|228|354|300|669|718|565|2\n'
  '9|824|390|818|844|180|943|424|520|65|913|2\n'
  '10|882|761|398|688|761|405|125|484|222|873|2\n'
  '11|528|1|860|18|814|242|314|965|935|809|2\n'
  '12|492|220|576|289|321|261|173|1|44|241|2\n'
  '13|415|701|221|503|67|393|479|218|219|916|2\n'
  '14|350|192|211|633|53|783|30|444|176|932|2\n'
  '15|909|472|871|695|930|455|398|893|693|838|2\n'
  '16|739|651|678|577|273|935|661|47|373|618|2\n'),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('setup', 'drop table if exists result_table_214712398172490838'),
 ('case',
  "pca_train: select pca_train('mat', 'result_table_214712398172490837', 'id', 0.8, 'grp', 5, FALSE, 're",
  "select pca_train('mat', 'result_table_214712398172490837', 'id', 0.8,\n"
  "'grp', 5, FALSE, 'result_table_214712398172490838')"),
 ('setup', 'DROP TABLE IF EXISTS sparse_mat'),
 ('setup', 'CREATE TABLE sparse_mat (\n    row_id integer,\n    col_id integer,\n    val_id integer\n)'),
 ('copy',
  "COPY sparse_mat (row_id, col_id, val_id) FROM stdin delimiter '|'",
  '1|2|4\n1|5|6\n3|8|4\n5|4|2\n6|6|12\n8|1|2\n8|7|2\n9|3|4\n9|8|2\n'),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 10)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 10, NULL)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 10, NULL, 0)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 10, NULL, 0, FALSE)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 10, NULL, 0, FALSE, NULL)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('setup', 'drop table if exists result_table_214712398172490838'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 10, NULL, 0, FALSE, 'result_table_214712398172490838')"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 0.8)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 0.8, NULL)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 0.8, NULL, 0)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 0.8, NULL, 0, FALSE)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 0.8, NULL, 0, FALSE, NULL)"),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('setup', 'drop table if exists result_table_214712398172490838'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'row_id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'row_id', 'col_id', 'val_id', 10, 10, 0.8, NULL, 0, FALSE, 'result_table_214712398172490838')"),
 ('setup', 'alter table sparse_mat rename column row_id to rownr'),
 ('setup', 'alter table sparse_mat rename column col_id to colnr'),
 ('setup', 'alter table sparse_mat rename column val_id to vals'),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat', 'result_table_214712398172490837', 'rownr', "
  "'colnr',",
  "select pca_sparse_train('sparse_mat', 'result_table_214712398172490837',\n"
  "'rownr', 'colnr', 'vals', 10, 10, 10)"),
 ('setup', 'DROP TABLE IF EXISTS sparse_mat_grp'),
 ('setup',
  'CREATE TABLE sparse_mat_grp (\n'
  '    id integer,\n'
  '    col_id integer,\n'
  '    val_id integer,\n'
  '    grp    integer\n'
  ')'),
 ('copy',
  "COPY sparse_mat_grp (id, col_id, val_id, grp) FROM stdin delimiter '|'",
  '1|2|4|1\n1|5|6|1\n3|8|4|1\n5|4|2|1\n1|2|4|2\n1|5|6|2\n3|8|4|2\n5|4|2|2\n'),
 ('setup', 'drop table if exists result_table_214712398172490837'),
 ('setup', 'drop table if exists result_table_214712398172490837_mean'),
 ('setup', 'drop table if exists result_table_214712398172490838'),
 ('case',
  "pca_sparse_train: select pca_sparse_train('sparse_mat_grp', 'result_table_214712398172490837', 'id', "
  "'col_id",
  "select pca_sparse_train('sparse_mat_grp', 'result_table_214712398172490837',\n"
  "'id', 'col_id', 'val_id', 10, 10, 0.8, 'grp', 0, FALSE, 'result_table_214712398172490838')"),
 ('setup', 'drop table if exists mat'),
 ('setup',
  'CREATE TABLE mat (\n'
  '    row_id integer,\n'
  '    col1 double precision,\n'
  '    col2 double precision,\n'
  '    col3 double precision\n'
  ')'),
 ('copy',
  "COPY mat (row_id, col1, col2, col3) FROM stdin delimiter '|'",
  '1|4|7|5\n2|1|2|5\n3|7|4|4\n4|9|2|4\n5|8|5|7\n6|0|5|5\n'),
 ('setup', 'DROP TABLE IF EXISTS mat2'),
 ('setup', 'CREATE TABLE mat2 (\n    row_id integer,\n    row_vec double precision[]\n)'),
 ('copy',
  "COPY mat2 (row_id, row_vec) FROM stdin delimiter '|'",
  '1|{4,7,5}\n2|{1,2,5}\n3|{7,4,4}\n4|{9,2,4}\n5|{8,5,7}\n6|{0,5,5}\n'),
 ('setup', 'drop table if exists table_a'),
 ('setup', 'drop table if exists table_a_mean'),
 ('case',
  "pca_train: select pca_train('mat', 'table_a', 'row_id', 3)",
  "select pca_train('mat', 'table_a', 'row_id', 3)"),
 ('setup', 'drop table if exists table_b'),
 ('setup', 'drop table if exists table_b_mean'),
 ('case',
  "pca_train: select pca_train('mat2', 'table_b', 'row_id', 3)",
  "select pca_train('mat2', 'table_b', 'row_id', 3)"),
 ('check',
  'FROM table_a, table_b WHERE table_a.row_id = table_b.row_id',
  ['relative_error(table_a.std_dev, table_b.std_dev) < 1e-2',
   'relative_error(\n'
   '        array_mult(table_a.principal_components, table_a.principal_components),\n'
   '        array_mult(table_b.principal_components, table_b.principal_components)\n'
   '    ) < 1e-2']),
 ('setup', 'DROP TABLE IF EXISTS mat_group_text'),
 ('setup', 'CREATE TABLE mat_group_text (\nid integer,\nrow_vec double precision[],\nmatrix_id_text text\n)'),
 ('setup',
  'INSERT INTO mat_group_text VALUES\n'
  "(1, '{1,2,3}', '1'),\n"
  "(2, '{2,1,2}', '1'),\n"
  "(3, '{3,2,1}', '1'),\n"
  "(4, '{1,2,3,4,5}', '2'),\n"
  "(5, '{2,5,2,4,1}', '2'),\n"
  "(6, '{5,4,3,2,1}', '2')"),
 ('setup', 'DROP TABLE IF EXISTS result_table_group_text, result_table_group_text_mean'),
 ('case',
  "pca_train: SELECT pca_train( 'mat_group_text', 'result_table_group_text', 'id', 0.8, 'matrix_id_text'",
  'SELECT pca_train(\n'
  "    'mat_group_text',           \n"
  "    'result_table_group_text',  \n"
  "    'id',                       \n"
  '    0.8,                        \n'
  "    'matrix_id_text')")]
