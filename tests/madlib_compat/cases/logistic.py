"""Steps of apache/madlib src/ports/postgres/modules/regress/test/logistic.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'regress/test/logistic.sql_in'
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
  '( 0, NULL, 1, 70),\n'
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
  '(21, 0, 0, NULL),\n'
  '(22, 0, NULL, 60)'),
 ('setup', 'CREATE VIEW patients_view AS\n  (SELECT * FROM patients)'),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "logregr_train: select logregr_train( 'patients', 'temp_result', 'second_attack', 'ARRAY[1, treatment, tra",
  'select logregr_train(\n'
  "    'patients',\n"
  "    'temp_result',\n"
  "    'second_attack',\n"
  "    'ARRAY[1, treatment, trait_anxiety]',\n"
  '    Null,\n'
  '    20,\n'
  "    'irls'\n"
  ')'),
 ('check',
  'FROM temp_result',
  ['relative_error(coef, ARRAY[-6.36, -1.02, 0.119]) < 1e-3',
   'relative_error(log_likelihood, -9.41) < 1e-3',
   'relative_error(std_err, ARRAY[3.21, 1.17, 0.0550]) < 0.002',
   'relative_error(z_stats, ARRAY[-1.98, -0.874, 2.17]) < 0.002',
   'relative_error(p_values, ARRAY[0.0477, 0.382, 0.0304]) < 1e-3',
   'relative_error(odds_ratios, ARRAY[0.00172, 0.359, 1.13]) < 0.004',
   'relative_error(condition_no, sqrt(106329)) < 1e-2',
   'num_rows_processed = 20',
   'num_missing_rows_skipped = 3']),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "logregr_train: select logregr_train( 'patients_view', 'temp_result', 'second_attack', 'ARRAY[1, treatment",
  'select logregr_train(\n'
  "    'patients_view',\n"
  "    'temp_result',\n"
  "    'second_attack',\n"
  "    'ARRAY[1, treatment, trait_anxiety]',\n"
  '    Null,\n'
  '    20,\n'
  "    'irls'\n"
  ')'),
 ('check',
  'FROM temp_result',
  ['relative_error(coef, ARRAY[-6.36, -1.02, 0.119]) < 1e-3',
   'relative_error(log_likelihood, -9.41) < 1e-3',
   'relative_error(std_err, ARRAY[3.21, 1.17, 0.0550]) < 0.002',
   'relative_error(z_stats, ARRAY[-1.98, -0.874, 2.17]) < 0.002',
   'relative_error(p_values, ARRAY[0.0477, 0.382, 0.0304]) < 1e-3',
   'relative_error(odds_ratios, ARRAY[0.00172, 0.359, 1.13]) < 0.004',
   'relative_error(condition_no, sqrt(106329)) < 1e-2',
   'num_rows_processed = 20',
   'num_missing_rows_skipped = 3']),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "logregr_train: select logregr_train( 'patients', 'temp_result', 'second_attack', 'ARRAY[1, treatment, tra",
  'select logregr_train(\n'
  "    'patients',\n"
  "    'temp_result',\n"
  "    'second_attack',\n"
  "    'ARRAY[1, treatment, trait_anxiety]',\n"
  '    Null,\n'
  '    200,\n'
  "    'cg',\n"
  '    0\n'
  ')'),
 ('check',
  'FROM temp_result',
  ['relative_error(coef, ARRAY[-6.36, -1.02, 0.119]) < 0.04',
   'relative_error(log_likelihood, -9.41) < 1e-3',
   'relative_error(std_err, ARRAY[3.21, 1.17, 0.0550]) < 0.02',
   'relative_error(z_stats, ARRAY[-1.98, -0.874, 2.17]) < 0.02',
   'relative_error(p_values, ARRAY[0.0477, 0.382, 0.0304]) < 0.03',
   'relative_error(odds_ratios, ARRAY[0.00172, 0.359, 1.13]) < 0.01',
   'relative_error(condition_no, sqrt(106329)) < 0.02',
   'num_rows_processed = 20',
   'num_missing_rows_skipped = 3']),
 ('setup', 'DROP TABLE IF EXISTS crime'),
 ('setup',
  'CREATE TABLE crime (\n'
  '\tid SERIAL NOT NULL,\n'
  '    CrimeRat DOUBLE PRECISION,\n'
  '    MaleTeen INTEGER,\n'
  '    South SMALLINT,\n'
  '    Educ DOUBLE PRECISION,\n'
  '    Police60 INTEGER,\n'
  '    Police59 INTEGER,\n'
  '    Labor INTEGER,\n'
  '    Males INTEGER,\n'
  '    Pop   INTEGER,\n'
  '    NonWhite INTEGER,\n'
  '    Unemp1  INTEGER,\n'
  '    Unemp2  INTEGER,\n'
  '    Median  INTEGER,\n'
  '    BelowMed INTEGER\n'
  ')'),
 ('setup',
  'INSERT INTO crime(\n'
  '    CrimeRat, MaleTeen, South, Educ, Police60, Police59, Labor, Males, Pop,\n'
  '    NonWhite, Unemp1, Unemp2, Median, BelowMed\n'
  ') VALUES\n'
  '(79.1, 151, 1, 9.1, 58, 56, 510, 950, 33, 301, 108, 41, 394, 261),\n'
  '(163.5, 143, 0, 11.3, 103, 95, 583, 1012, 13, 102, 96, 36, 557, 194),\n'
  '(57.8, 142, 1, 8.9, 45, 44, 533, 969, 18, 219, 94, 33, 318, 250),\n'
  '(196.9, 136, 0, 12.1, 149, 141, 577, 994, 157, 80, 102, 39, 673, 167),\n'
  '(123.4, 141, 0, 12.1, 109, 101, 591, 985, 18, 30, 91, 20, 578, 174),\n'
  '(68.2, 121, 0, 11.0, 118, 115, 547, 964, 25, 44, 84, 29, 689, 126),\n'
  '(96.3, 127, 1, 11.1, 82, 79, 519, 982, 4, 139, 97, 38, 620, 168),\n'
  '(155.5, 131, 1, 10.9, 115, 109, 542, 969, 50, 179, 79, 35, 472, 206),\n'
  '(85.6, 157, 1, 9.0, 65, 62, 553, 955, 39, 286, 81, 28, 421, 239),\n'
  '(70.5, 140, 0, 11.8, 71, 68, 632, 1029, 7, 15, 100, 24, 526, 174),\n'
  '(167.4, 124, 0, 10.5, 121, 116, 580, 966, 101, 106, 77, 35, 657, 170),\n'
  '(84.9, 134, 0, 10.8, 75, 71, 595, 972, 47, 59, 83, 31, 580, 172),\n'
  '(51.1, 128, 0, 11.3, 67, 60, 624, 972, 28, 10, 77, 25, 507, 206),\n'
  '(66.4, 135, 0, 11.7, 62, 61, 595, 986, 22, 46, 77, 27, 529, 190),\n'
  '(79.8, 152, 1, 8.7, 57, 53, 530, 986, 30, 72, 92, 43, 405, 264),\n'
  '(94.6, 142, 1, 8.8, 81, 77, 497, 956, 33, 321, 116, 47, 427, 247),\n'
  '(53.9, 143, 0, 11.0, 66, 63, 537, 977, 10, 6, 114, 35, 487, 166),\n'
  '(92.9, 135, 1, 10.4, 123, 115, 537, 978, 31, 170, 89, 34, 631, 165),\n'
  '(75.0, 130, 0, 11.6, 128, 128, 536, 934, 51, 24, 78, 34, 627, 135),\n'
  '(122.5, 125, 0, 10.8, 113, 105, 567, 985, 78, 94, 130, 58, 626, 166),\n'
  '(74.2, 126, 0, 10.8, 74, 67, 602, 984, 34, 12, 102, 33, 557, 195),\n'
  '(43.9, 157, 1, 8.9, 47, 44, 512, 962, 22, 423, 97, 34, 288, 276),\n'
  '(121.6, 132, 0, 9.6, 87, 83, 564, 953, 43, 92, 83, 32, 513, 227),\n'
  '(96.8, 131, 0, 11.6, 78, 73, 574, 1038, 7, 36, 142, 42, 540, 176),\n'
  '(52.3, 130, 0, 11.6, 63, 57, 641, 984, 14, 26, 70, 21, 486, 196),\n'
  '(199.3, 131, 0, 12.1, 160, 143, 631, 1071, 3, 77, 102, 41, 674, 152),\n'
  '(34.2, 135, 0, 10.9, 69, 71, 540, 965, 6, 4, 80, 22, 564, 139),\n'
  '(121.6, 152, 0, 11.2, 82, 76, 571, 1018, 10, 79, 103, 28, 537, 215),\n'
  '(104.3, 119, 0, 10.7, 166, 157, 521, 938, 168, 89, 92, 36, 637, 154),\n'
  '(69.6, 166, 1, 8.9, 58, 54, 521, 973, 46, 254, 72, 26, 396, 237),\n'
  '(37.3, 140, 0, 9.3, 55, 54, 535, 1045, 6, 20, 135, 40, 453, 200),\n'
  '(75.4, 125, 0, 10.9, 90, 81, 586, 964, 97, 82, 105, 43, 617, 163),\n'
  '(107.2, 147, 1, 10.4, 63, 64, 560, 972, 23, 95, 76, 24, 462, 233),\n'
  '(92.3, 126, 0, 11.8, 97, 97, 542, 990, 18, 21, 102, 35, 589, 166),\n'
  '(65.3, 123, 0, 10.2, 97, 87, 526, 948, 113, 76, 124, 50, 572, 158),\n'
  '(127.2, 150, 0, 10.0, 109, 98, 531, 964, 9, 24, 87, 38, 559, 153),\n'
  '(83.1, 177, 1, 8.7, 58, 56, 638, 974, 24, 349, 76, 28, 382, 254),\n'
  '(56.6, 133, 0, 10.4, 51, 47, 599, 1024, 7, 40, 99, 27, 425, 225),\n'
  '(82.6, 149, 1, 8.8, 61, 54, 515, 953, 36, 165, 86, 35, 395, 251),\n'
  '(115.1, 145, 1, 10.4, 82, 74, 560, 981, 96, 126, 88, 31, 488, 228),\n'
  '(88.0, 148, 0, 12.2, 72, 66, 601, 998, 9, 19, 84, 20, 590, 144),\n'
  '(54.2, 141, 0, 10.9, 56, 54, 523, 968, 4, 2, 107, 37, 489, 170),\n'
  '(82.3, 162, 1, 9.9, 75, 70, 522, 996, 40, 208, 73, 27, 496, 224),\n'
  '(103.0, 136, 0, 12.1, 95, 96, 574, 1012, 29, 36, 111, 37, 622, 162),\n'
  '(45.5, 139, 1, 8.8, 46, 41, 480, 968, 19, 49, 135, 53, 457, 249),\n'
  '(50.8, 126, 0, 10.4, 106, 97, 599, 989, 40, 24, 78, 25, 593, 171),\n'
  '(84.9, 130, 0, 12.1, 90, 91, 623, 1049, 3, 22, 113, 40, 588, 160)'),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "logregr_train: select logregr_train( 'crime', 'temp_result', 'crimerat >= 110', 'array[1, maleteen, south",
  'select logregr_train(\n'
  "    'crime',\n"
  "    'temp_result',\n"
  "    'crimerat >= 110',\n"
  "    'array[1, maleteen, south, educ, police59]'\n"
  ')'),
 ('check',
  'FROM temp_result',
  ['relative_error(coef, ARRAY[-17.70177, .0833837, -1.117091, .0229224, .0581834]) < 1e-5',
   'relative_error(log_likelihood, -18.606959) < 1e-5',
   'relative_error(std_err, ARRAY[9.495993, .0440353, 1.359616, .5594047, .0210049]) < 1e-5',
   'relative_error(z_stats, ARRAY[-1.864, 1.894, -0.822, 0.041, 2.770]) < 1e-3',
   'relative_error(p_values, ARRAY[0.062, 0.058, 0.411, 0.967, 0.006]) < 1e-3',
   'relative_error(odds_ratios, ARRAY[exp(-17.70177), 1.086959, .3272305, 1.023187, 1.059909]) < 1e-5',
   'relative_error(condition_no, sqrt(14513863)) < 1e-2']),
 ('setup', 'DROP TABLE IF EXISTS grad_school'),
 ('setup', 'DROP TABLE IF EXISTS grad_school_summary'),
 ('setup',
  'CREATE TABLE grad_school (\n'
  '    id SERIAL NOT NULL,\n'
  '    admit INTEGER,\n'
  '    gre INTEGER,\n'
  '    gpa DOUBLE PRECISION,\n'
  '    rank INTEGER\n'
  ')'),
 ('copy',
  'COPY grad_school (admit, gre, gpa, rank) FROM STDIN',
  '0\t380\t3.61\t3\n'
  '1\t660\t3.67\t3\n'
  '1\t800\t4\t1\n'
  '1\t640\t3.19\t4\n'
  '0\t520\t2.93\t4\n'
  '1\t760\t3\t2\n'
  '1\t560\t2.98\t1\n'
  '0\t400\t3.08\t2\n'
  '1\t540\t3.39\t3\n'
  '0\t700\t3.92\t2\n'
  '0\t800\t4\t4\n'
  '0\t440\t3.22\t1\n'
  '1\t760\t4\t1\n'
  '0\t700\t3.08\t2\n'
  '1\t700\t4\t1\n'
  '0\t480\t3.44\t3\n'
  '0\t780\t3.87\t4\n'
  '0\t360\t2.56\t3\n'
  '0\t800\t3.75\t2\n'
  '1\t540\t3.81\t1\n'
  '0\t500\t3.17\t3\n'
  '1\t660\t3.63\t2\n'
  '0\t600\t2.82\t4\n'
  '0\t680\t3.19\t4\n'
  '1\t760\t3.35\t2\n'
  '1\t800\t3.66\t1\n'
  '1\t620\t3.61\t1\n'
  '1\t520\t3.74\t4\n'
  '1\t780\t3.22\t2\n'
  '0\t520\t3.29\t1\n'
  '0\t540\t3.78\t4\n'
  '0\t760\t3.35\t3\n'
  '0\t600\t3.4\t3\n'
  '1\t800\t4\t3\n'
  '0\t360\t3.14\t1\n'
  '0\t400\t3.05\t2\n'
  '0\t580\t3.25\t1\n'
  '0\t520\t2.9\t3\n'
  '1\t500\t3.13\t2\n'
  '1\t520\t2.68\t3\n'
  '0\t560\t2.42\t2\n'
  '1\t580\t3.32\t2\n'
  '1\t600\t3.15\t2\n'
  '0\t500\t3.31\t3\n'
  '0\t700\t2.94\t2\n'
  '1\t460\t3.45\t3\n'
  '1\t580\t3.46\t2\n'
  '0\t500\t2.97\t4\n'
  '0\t440\t2.48\t4\n'
  '0\t400\t3.35\t3\n'
  '0\t640\t3.86\t3\n'
  '0\t440\t3.13\t4\n'
  '0\t740\t3.37\t4\n'
  '1\t680\t3.27\t2\n'
  '0\t660\t3.34\t3\n'
  '1\t740\t4\t3\n'
  '0\t560\t3.19\t3\n'
  '0\t380\t2.94\t3\n'
  '0\t400\t3.65\t2\n'
  '0\t600\t2.82\t4\n'
  '1\t620\t3.18\t2\n'
  '0\t560\t3.32\t4\n'
  '0\t640\t3.67\t3\n'
  '1\t680\t3.85\t3\n'
  '0\t580\t4\t3\n'
  '0\t600\t3.59\t2\n'
  '0\t740\t3.62\t4\n'
  '0\t620\t3.3\t1\n'
  '0\t580\t3.69\t1\n'
  '0\t800\t3.73\t1\n'
  '0\t640\t4\t3\n'
  '0\t300\t2.92\t4\n'
  '0\t480\t3.39\t4\n'
  '0\t580\t4\t2\n'
  '0\t720\t3.45\t4\n'
  '0\t720\t4\t3\n'
  '0\t560\t3.36\t3\n'
  '1\t800\t4\t3\n'
  '0\t540\t3.12\t1\n'
  '1\t620\t4\t1\n'
  '0\t700\t2.9\t4\n'
  '0\t620\t3.07\t2\n'
  '0\t500\t2.71\t2\n'
  '0\t380\t2.91\t4\n'
  '1\t500\t3.6\t3\n'
  '0\t520\t2.98\t2\n'
  '0\t600\t3.32\t2\n'
  '0\t600\t3.48\t2\n'
  '0\t700\t3.28\t1\n'
  '1\t660\t4\t2\n'
  '0\t700\t3.83\t2\n'
  '1\t720\t3.64\t1\n'
  '0\t800\t3.9\t2\n'
  '0\t580\t2.93\t2\n'
  '1\t660\t3.44\t2\n'
  '0\t660\t3.33\t2\n'
  '0\t640\t3.52\t4\n'
  '0\t480\t3.57\t2\n'
  '0\t700\t2.88\t2\n'
  '0\t400\t3.31\t3\n'
  '0\t340\t3.15\t3\n'
  '0\t580\t3.57\t3\n'
  '0\t380\t3.33\t4\n'
  '0\t540\t3.94\t3\n'
  '1\t660\t3.95\t2\n'
  '1\t740\t2.97\t2\n'
  '1\t700\t3.56\t1\n'
  '0\t480\t3.13\t2\n'
  '0\t400\t2.93\t3\n'
  '0\t480\t3.45\t2\n'
  '0\t680\t3.08\t4\n'
  '0\t420\t3.41\t4\n'
  '0\t360\t3\t3\n'
  '0\t600\t3.22\t1\n'
  '0\t720\t3.84\t3\n'
  '0\t620\t3.99\t3\n'
  '1\t440\t3.45\t2\n'
  '0\t700\t3.72\t2\n'
  '1\t800\t3.7\t1\n'
  '0\t340\t2.92\t3\n'
  '1\t520\t3.74\t2\n'
  '1\t480\t2.67\t2\n'
  '0\t520\t2.85\t3\n'
  '0\t500\t2.98\t3\n'
  '0\t720\t3.88\t3\n'
  '0\t540\t3.38\t4\n'
  '1\t600\t3.54\t1\n'
  '0\t740\t3.74\t4\n'
  '0\t540\t3.19\t2\n'
  '0\t460\t3.15\t4\n'
  '1\t620\t3.17\t2\n'
  '0\t640\t2.79\t2\n'
  '0\t580\t3.4\t2\n'
  '0\t500\t3.08\t3\n'
  '0\t560\t2.95\t2\n'
  '0\t500\t3.57\t3\n'
  '0\t560\t3.33\t4\n'
  '0\t700\t4\t3\n'
  '0\t620\t3.4\t2\n'
  '1\t600\t3.58\t1\n'
  '0\t640\t3.93\t2\n'
  '1\t700\t3.52\t4\n'
  '0\t620\t3.94\t4\n'
  '0\t580\t3.4\t3\n'
  '0\t580\t3.4\t4\n'
  '0\t380\t3.43\t3\n'
  '0\t480\t3.4\t2\n'
  '0\t560\t2.71\t3\n'
  '1\t480\t2.91\t1\n'
  '0\t740\t3.31\t1\n'
  '1\t800\t3.74\t1\n'
  '0\t400\t3.38\t2\n'
  '1\t640\t3.94\t2\n'
  '0\t580\t3.46\t3\n'
  '0\t620\t3.69\t3\n'
  '1\t580\t2.86\t4\n'
  '0\t560\t2.52\t2\n'
  '1\t480\t3.58\t1\n'
  '0\t660\t3.49\t2\n'
  '0\t700\t3.82\t3\n'
  '0\t600\t3.13\t2\n'
  '0\t640\t3.5\t2\n'
  '1\t700\t3.56\t2\n'
  '0\t520\t2.73\t2\n'
  '0\t580\t3.3\t2\n'
  '0\t700\t4\t1\n'
  '0\t440\t3.24\t4\n'
  '0\t720\t3.77\t3\n'
  '0\t500\t4\t3\n'
  '0\t600\t3.62\t3\n'
  '0\t400\t3.51\t3\n'
  '0\t540\t2.81\t3\n'
  '0\t680\t3.48\t3\n'
  '1\t800\t3.43\t2\n'
  '0\t500\t3.53\t4\n'
  '1\t620\t3.37\t2\n'
  '0\t520\t2.62\t2\n'
  '1\t620\t3.23\t3\n'
  '0\t620\t3.33\t3\n'
  '0\t300\t3.01\t3\n'
  '0\t620\t3.78\t3\n'
  '0\t500\t3.88\t4\n'
  '0\t700\t4\t2\n'
  '1\t540\t3.84\t2\n'
  '0\t500\t2.79\t4\n'
  '0\t800\t3.6\t2\n'
  '0\t560\t3.61\t3\n'
  '0\t580\t2.88\t2\n'
  '0\t560\t3.07\t2\n'
  '0\t500\t3.35\t2\n'
  '1\t640\t2.94\t2\n'
  '0\t800\t3.54\t3\n'
  '0\t640\t3.76\t3\n'
  '0\t380\t3.59\t4\n'
  '1\t600\t3.47\t2\n'
  '0\t560\t3.59\t2\n'
  '0\t660\t3.07\t3\n'
  '1\t400\t3.23\t4\n'
  '0\t600\t3.63\t3\n'
  '0\t580\t3.77\t4\n'
  '0\t800\t3.31\t3\n'
  '1\t580\t3.2\t2\n'
  '1\t700\t4\t1\n'
  '0\t420\t3.92\t4\n'
  '1\t600\t3.89\t1\n'
  '1\t780\t3.8\t3\n'
  '0\t740\t3.54\t1\n'
  '1\t640\t3.63\t1\n'
  '0\t540\t3.16\t3\n'
  '0\t580\t3.5\t2\n'
  '0\t740\t3.34\t4\n'
  '0\t580\t3.02\t2\n'
  '0\t460\t2.87\t2\n'
  '0\t640\t3.38\t3\n'
  '1\t600\t3.56\t2\n'
  '1\t660\t2.91\t3\n'
  '0\t340\t2.9\t1\n'
  '1\t460\t3.64\t1\n'
  '0\t460\t2.98\t1\n'
  '1\t560\t3.59\t2\n'
  '0\t540\t3.28\t3\n'
  '0\t680\t3.99\t3\n'
  '1\t480\t3.02\t1\n'
  '0\t800\t3.47\t3\n'
  '0\t800\t2.9\t2\n'
  '1\t720\t3.5\t3\n'
  '0\t620\t3.58\t2\n'
  '0\t540\t3.02\t4\n'
  '0\t480\t3.43\t2\n'
  '1\t720\t3.42\t2\n'
  '0\t580\t3.29\t4\n'
  '0\t600\t3.28\t3\n'
  '0\t380\t3.38\t2\n'
  '0\t420\t2.67\t3\n'
  '1\t800\t3.53\t1\n'
  '0\t620\t3.05\t2\n'
  '1\t660\t3.49\t2\n'
  '0\t480\t4\t2\n'
  '0\t500\t2.86\t4\n'
  '0\t700\t3.45\t3\n'
  '0\t440\t2.76\t2\n'
  '1\t520\t3.81\t1\n'
  '1\t680\t2.96\t3\n'
  '0\t620\t3.22\t2\n'
  '0\t540\t3.04\t1\n'
  '0\t800\t3.91\t3\n'
  '0\t680\t3.34\t2\n'
  '0\t440\t3.17\t2\n'
  '0\t680\t3.64\t3\n'
  '0\t640\t3.73\t3\n'
  '0\t660\t3.31\t4\n'
  '0\t620\t3.21\t4\n'
  '1\t520\t4\t2\n'
  '1\t540\t3.55\t4\n'
  '1\t740\t3.52\t4\n'
  '0\t640\t3.35\t3\n'
  '1\t520\t3.3\t2\n'
  '1\t620\t3.95\t3\n'
  '0\t520\t3.51\t2\n'
  '0\t640\t3.81\t2\n'
  '0\t680\t3.11\t2\n'
  '0\t440\t3.15\t2\n'
  '1\t520\t3.19\t3\n'
  '1\t620\t3.95\t3\n'
  '1\t520\t3.9\t3\n'
  '0\t380\t3.34\t3\n'
  '0\t560\t3.24\t4\n'
  '1\t600\t3.64\t3\n'
  '1\t680\t3.46\t2\n'
  '0\t500\t2.81\t3\n'
  '1\t640\t3.95\t2\n'
  '0\t540\t3.33\t3\n'
  '1\t680\t3.67\t2\n'
  '0\t660\t3.32\t1\n'
  '0\t520\t3.12\t2\n'
  '1\t600\t2.98\t2\n'
  '0\t460\t3.77\t3\n'
  '1\t580\t3.58\t1\n'
  '1\t680\t3\t4\n'
  '1\t660\t3.14\t2\n'
  '0\t660\t3.94\t2\n'
  '0\t360\t3.27\t3\n'
  '0\t660\t3.45\t4\n'
  '0\t520\t3.1\t4\n'
  '1\t440\t3.39\t2\n'
  '0\t600\t3.31\t4\n'
  '1\t800\t3.22\t1\n'
  '1\t660\t3.7\t4\n'
  '0\t800\t3.15\t4\n'
  '0\t420\t2.26\t4\n'
  '1\t620\t3.45\t2\n'
  '0\t800\t2.78\t2\n'
  '0\t680\t3.7\t2\n'
  '0\t800\t3.97\t1\n'
  '0\t480\t2.55\t1\n'
  '0\t520\t3.25\t3\n'
  '0\t560\t3.16\t1\n'
  '0\t460\t3.07\t2\n'
  '0\t540\t3.5\t2\n'
  '0\t720\t3.4\t3\n'
  '0\t640\t3.3\t2\n'
  '1\t660\t3.6\t3\n'
  '1\t400\t3.15\t2\n'
  '1\t680\t3.98\t2\n'
  '0\t220\t2.83\t3\n'
  '0\t580\t3.46\t4\n'
  '1\t540\t3.17\t1\n'
  '0\t580\t3.51\t2\n'
  '0\t540\t3.13\t2\n'
  '0\t440\t2.98\t3\n'
  '0\t560\t4\t3\n'
  '0\t660\t3.67\t2\n'
  '0\t660\t3.77\t3\n'
  '1\t520\t3.65\t4\n'
  '0\t540\t3.46\t4\n'
  '1\t300\t2.84\t2\n'
  '1\t340\t3\t2\n'
  '1\t780\t3.63\t4\n'
  '1\t480\t3.71\t4\n'
  '0\t540\t3.28\t1\n'
  '0\t460\t3.14\t3\n'
  '0\t460\t3.58\t2\n'
  '0\t500\t3.01\t4\n'
  '0\t420\t2.69\t2\n'
  '0\t520\t2.7\t3\n'
  '0\t680\t3.9\t1\n'
  '0\t680\t3.31\t2\n'
  '1\t560\t3.48\t2\n'
  '0\t580\t3.34\t2\n'
  '0\t500\t2.93\t4\n'
  '0\t740\t4\t3\n'
  '0\t660\t3.59\t3\n'
  '0\t420\t2.96\t1\n'
  '0\t560\t3.43\t3\n'
  '1\t460\t3.64\t3\n'
  '1\t620\t3.71\t1\n'
  '0\t520\t3.15\t3\n'
  '0\t620\t3.09\t4\n'
  '0\t540\t3.2\t1\n'
  '1\t660\t3.47\t3\n'
  '0\t500\t3.23\t4\n'
  '1\t560\t2.65\t3\n'
  '0\t500\t3.95\t4\n'
  '0\t580\t3.06\t2\n'
  '0\t520\t3.35\t3\n'
  '0\t500\t3.03\t3\n'
  '0\t600\t3.35\t2\n'
  '0\t580\t3.8\t2\n'
  '0\t400\t3.36\t2\n'
  '0\t620\t2.85\t2\n'
  '1\t780\t4\t2\n'
  '0\t620\t3.43\t3\n'
  '1\t580\t3.12\t3\n'
  '0\t700\t3.52\t2\n'
  '1\t540\t3.78\t2\n'
  '1\t760\t2.81\t1\n'
  '0\t700\t3.27\t2\n'
  '0\t720\t3.31\t1\n'
  '1\t560\t3.69\t3\n'
  '0\t720\t3.94\t3\n'
  '1\t520\t4\t1\n'
  '1\t540\t3.49\t1\n'
  '0\t680\t3.14\t2\n'
  '0\t460\t3.44\t2\n'
  '1\t560\t3.36\t1\n'
  '0\t480\t2.78\t3\n'
  '0\t460\t2.93\t3\n'
  '0\t620\t3.63\t3\n'
  '0\t580\t4\t1\n'
  '0\t800\t3.89\t2\n'
  '1\t540\t3.77\t2\n'
  '1\t680\t3.76\t3\n'
  '1\t680\t2.42\t1\n'
  '1\t620\t3.37\t1\n'
  '0\t560\t3.78\t2\n'
  '0\t560\t3.49\t4\n'
  '0\t620\t3.63\t2\n'
  '1\t800\t4\t2\n'
  '0\t640\t3.12\t3\n'
  '0\t540\t2.7\t2\n'
  '0\t700\t3.65\t2\n'
  '1\t540\t3.49\t2\n'
  '0\t540\t3.51\t2\n'
  '0\t660\t4\t1\n'
  '1\t480\t2.62\t2\n'
  '0\t420\t3.02\t1\n'
  '1\t740\t3.86\t2\n'
  '0\t580\t3.36\t2\n'
  '0\t640\t3.17\t2\n'
  '0\t640\t3.51\t2\n'
  '1\t800\t3.05\t2\n'
  '1\t660\t3.88\t2\n'
  '1\t600\t3.38\t3\n'
  '1\t620\t3.75\t2\n'
  '1\t460\t3.99\t3\n'
  '0\t620\t4\t2\n'
  '0\t560\t3.04\t3\n'
  '0\t460\t2.63\t2\n'
  '0\t700\t3.65\t2\n'
  '0\t600\t3.89\t3\n'),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "logregr_train: select logregr_train( 'grad_school', 'temp_result', 'admit', 'ARRAY[1, gre, gpa, (rank = 2",
  'select logregr_train(\n'
  "    'grad_school',\n"
  "    'temp_result',\n"
  "    'admit',\n"
  "    'ARRAY[1, gre, gpa, (rank = 2)::INT::FLOAT8, (rank = 3)::INT::FLOAT8, (rank = 4)::INT::FLOAT8]'\n"
  ')'),
 ('check',
  'FROM temp_result',
  ['relative_error(coef, ARRAY[-3.989979, 0.002264, 0.804038, -0.675443, -1.340204, -1.551464]) < 1e-5',
   'relative_error(log_likelihood, -229.2587) < 1e-5',
   'relative_error(std_err, ARRAY[1.139951, 0.001094, 0.331819, 0.316490, 0.345306, 0.417832]) < 1e-5',
   'relative_error(z_stats, ARRAY[-3.500, 2.070, 2.423, -2.134, -3.881, -3.713]) < 1e-3',
   'relative_error(p_values, ARRAY[0.000465, 0.038465, 0.015388, 0.032829, 0.000104, 0.000205]) < 1e-3',
   'relative_error(odds_ratios, ARRAY[0.0185001, 1.0022670, 2.2345448, 0.5089310, 0.2617923, 0.2119375]) < '
   '1e-5',
   'relative_error(condition_no, 6379.028) < 1e-2']),
 ('case',
  'logregr_predict: select logregr_predict( coef, ARRAY[1, gre, gpa, (rank = 2)::INT::FLOAT8, (rank = '
  '3)::INT:',
  'select logregr_predict(\n'
  '    coef,\n'
  '    ARRAY[1, gre, gpa, (rank = 2)::INT::FLOAT8, (rank = 3)::INT::FLOAT8, (rank = 4)::INT::FLOAT8])\n'
  'FROM temp_result, grad_school'),
 ('case',
  'logregr_predict_prob: select logregr_predict_prob( coef, ARRAY[1, gre, gpa, (rank = 2)::INT::FLOAT8, '
  '(rank = 3):',
  'select logregr_predict_prob(\n'
  '    coef,\n'
  '    ARRAY[1, gre, gpa, (rank = 2)::INT::FLOAT8, (rank = 3)::INT::FLOAT8, (rank = 4)::INT::FLOAT8])\n'
  'FROM temp_result, grad_school'),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "logregr_train: select logregr_train( 'grad_school', 'temp_result', 'admit', 'ARRAY[1, gre, gpa, (rank = 2",
  'select logregr_train(\n'
  "    'grad_school',\n"
  "    'temp_result',\n"
  "    'admit',\n"
  "    'ARRAY[1, gre, gpa, (rank = 2)::INT::FLOAT8, (rank = 3)::INT::FLOAT8, (rank = 4)::INT::FLOAT8]',\n"
  '    Null,\n'
  '    20,\n'
  "    'cg',\n"
  '    0\n'
  ')'),
 ('setup', 'INSERT INTO grad_school (admit, gre, gpa, rank) VALUES\n(NULL, NULL, 3, 4),\n(1, NULL, 3, 5)'),
 ('setup', 'drop table if exists temp_result'),
 ('setup', 'drop table if exists temp_result_summary'),
 ('case',
  "logregr_train: select logregr_train( 'grad_school', 'temp_result', 'admit', 'ARRAY[1, gre, gpa]', 'rank')",
  'select logregr_train(\n'
  "    'grad_school',\n"
  "    'temp_result',\n"
  "    'admit',\n"
  "    'ARRAY[1, gre, gpa]',\n"
  "    'rank')")]
