"""Steps of apache/madlib src/ports/postgres/modules/kmeans/test/kmeans.sql_in (data, calls, asserted values):
transcribed by scripts/madlib_port.py; replayed by tests/madlib_compat/runner.py."""
SOURCE = 'kmeans/test/kmeans.sql_in'
STEPS = [('setup',
  'CREATE TABLE kmeans_2d(\n'
  '\tid SERIAL,\n'
  '\tx DOUBLE PRECISION,\n'
  '\ty DOUBLE PRECISION,\n'
  '\tposition DOUBLE PRECISION[]\n'
  ')'),
 ('setup',
  'INSERT INTO kmeans_2d(x, y, position)\n'
  'SELECT\n'
  '\tx, y,\n'
  '\tARRAY[\n'
  '\t\tx + random() * 15.0,\n'
  '\t\ty + random() * 15.0\n'
  '\t]::DOUBLE PRECISION[] AS position\n'
  'FROM (\n'
  '\tSELECT\n'
  '\t\trandom() * 100.0 AS x,\n'
  '\t\trandom() * 100.0 AS y\n'
  '\tFROM generate_series(1,10)\n'
  ') AS centroids, generate_series(1,100) i'),
 ('setup', 'CREATE TABLE centroids AS\nSELECT x,y,position\nFROM kmeans_2d\nORDER BY random()\nLIMIT 10'),
 ('case',
  "kmeanspp: SELECT * FROM kmeanspp('kmeans_2d', 'position', 10)",
  "SELECT * FROM kmeanspp('kmeans_2d', 'position', 10)"),
 ('case',
  "kmeanspp: SELECT * FROM kmeanspp('kmeans_2d', 'position', 10, 'indb_ml.squared_dist_norm2'::VARCHAR,",
  "SELECT * FROM kmeanspp('kmeans_2d', 'position', 10,\n"
  "                       'indb_ml.squared_dist_norm2'::VARCHAR,\n"
  "                       'indb_ml.avg'::VARCHAR, 20::INTEGER,\n"
  '                       0.001::DOUBLE PRECISION, 0.1::DOUBLE PRECISION )'),
 ('case',
  "kmeanspp: SELECT * FROM kmeanspp('kmeans_2d', 'position', 10, 'indb_ml.squared_dist_norm2'::VARCHAR,",
  "SELECT * FROM kmeanspp('kmeans_2d', 'position', 10,\n"
  "                       'indb_ml.squared_dist_norm2'::VARCHAR,\n"
  "                       'indb_ml.avg'::VARCHAR, 20::INTEGER,\n"
  '                       0.001::DOUBLE PRECISION, 1.5::DOUBLE PRECISION )'),
 ('case',
  "kmeans_random: SELECT * FROM kmeans_random('kmeans_2d', 'position', 10)",
  "SELECT * FROM kmeans_random('kmeans_2d', 'position', 10)"),
 ('case',
  "kmeans: SELECT * FROM kmeans('kmeans_2d', 'position', 'centroids', 'position')",
  "SELECT * FROM kmeans('kmeans_2d', 'position', 'centroids', 'position')"),
 ('case',
  "kmeans: SELECT * FROM kmeans('kmeans_2d', 'position', ARRAY[ ARRAY[10,10], ARRAY[20,20], ARRAY[30,",
  "SELECT * FROM kmeans('kmeans_2d', 'position', ARRAY[\n"
  '    ARRAY[10,10],\n'
  '    ARRAY[20,20],\n'
  '    ARRAY[30,30],\n'
  '    ARRAY[40,40],\n'
  '    ARRAY[50,50],\n'
  '    ARRAY[60,60],\n'
  '    ARRAY[70,70],\n'
  '    ARRAY[80,80],\n'
  '    ARRAY[90,90],\n'
  '    ARRAY[10,10]\n'
  ']::DOUBLE PRECISION[][])'),
 ('case',
  "kmeans: SELECT * FROM kmeans('kmeans_2d', 'position', 'centroids', 'position', 'indb_ml.dist_norm1",
  "SELECT * FROM kmeans('kmeans_2d', 'position', 'centroids', 'position', 'indb_ml.dist_norm1')"),
 ('case',
  "kmeans: SELECT * FROM kmeans('kmeans_2d', 'position', 'centroids', 'position', 'indb_ml.dist_norm2",
  "SELECT * FROM kmeans('kmeans_2d', 'position', 'centroids', 'position', 'indb_ml.dist_norm2')"),
 ('case',
  "kmeans: SELECT * FROM kmeans('kmeans_2d', 'array[x,y]', 'centroids', 'array[x,y]')",
  "SELECT * FROM kmeans('kmeans_2d', 'array[x,y]', 'centroids', 'array[x,y]')"),
 ('case',
  "kmeanspp: SELECT * FROM kmeanspp('kmeans_2d', 'array[x,y]', 10)",
  "SELECT * FROM kmeanspp('kmeans_2d', 'array[x,y]', 10)"),
 ('case',
  "kmeans_random: SELECT * FROM kmeans_random('kmeans_2d', 'arRAy [ x,y]', 10)",
  "SELECT * FROM kmeans_random('kmeans_2d', 'arRAy [ x,y]', 10)"),
 ('setup', 'DROP TABLE IF EXISTS km_sample'),
 ('setup', 'CREATE TABLE km_sample(pid int, points double precision[])'),
 ('copy',
  "COPY km_sample (pid, points) FROM stdin DELIMITER '|'",
  '1 | {14.23, 1.71, 2.43, 15.6, 127, 2.8, 3.0600, 0.2800, 2.29, 5.64, 1.04, 3.92, 1065}\n'
  '2 | {13.2, 1.78, 2.14, 11.2, 1, 2.65, 2.76, 0.26, 1.28, 4.38, 1.05, 3.49, 1050}\n'
  '3 | {13.16, 2.36,  2.67, 18.6, 101, 2.8,  3.24, 0.3, 2.81, 5.6799, 1.03, 3.17, 1185}\n'
  '4 | {14.37, 1.95, 2.5, 16.8, 113, 3.85, 3.49, 0.24, 2.18, 7.8, 0.86, 3.45, 1480}\n'
  '5 | {13.24, 2.59, 2.87, 21, 118, 2.8, 2.69, 0.39, 1.82, 4.32, 1.04, 2.93, 735}\n'
  '6 | {14.2, 1.76, 2.45, 15.2, 112, 3.27, 3.39, 0.34, 1.97, 6.75, 1.05, 2.85, 1450}\n'
  '7 | {14.39, 1.87, 2.45, 14.6, 96, 2.5, 2.52, 0.3, 1.98, 5.25, 1.02, 3.58, 1290}\n'
  '8 | {14.06, 2.15, 2.61, 17.6, 121, 2.6, 2.51, 0.31, 1.25, 5.05, 1.06, 3.58, 1295}\n'
  '9 | {14.83, 1.64, 2.17, 14, 97, 2.8, 2.98, 0.29, 1.98, 5.2, 1.08, 2.85, 1045}\n'
  '10 | {13.86, 1.35, 2.27, 16, 98, 2.98, 3.15, 0.22, 1.8500, 7.2199, 1.01, NULL, 1045}\n'),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeanspp_auto: SELECT * FROM kmeanspp_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], '",
  "SELECT * FROM kmeanspp_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 0.1, 'elbow')"),
 ('check', 'FROM autokm_out_summary', ['elbow > 0', 'objective_fn > 0']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeanspp_auto: SELECT * FROM kmeanspp_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], '",
  "SELECT * FROM kmeanspp_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 0.1, 'silhouette')"),
 ('check', 'FROM autokm_out_summary', ['silhouette > 0', 'objective_fn > 0']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeanspp_auto: SELECT * FROM kmeanspp_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], '",
  "SELECT * FROM kmeanspp_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 0.1, 'both')"),
 ('check', 'FROM autokm_out_summary', ['silhouette > 0', 'objective_fn > 0']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeanspp_auto: SELECT * FROM kmeanspp_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8])",
  "SELECT * FROM kmeanspp_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8])"),
 ('check', 'FROM autokm_out_summary', ['silhouette > 0', 'objective_fn > 0']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeans_random_auto: SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', "
  'ARRAY[2,3,4,5,6,7,',
  "SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 'elbow')"),
 ('check', 'FROM autokm_out_summary', ['elbow > 0', 'objective_fn > 0']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeans_random_auto: SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', "
  'ARRAY[2,3,4,5,6,7,',
  "SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 'El')"),
 ('check', 'FROM autokm_out_summary', ['elbow > 0', 'objective_fn > 0']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeans_random_auto: SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', "
  'ARRAY[5,6,7,8])',
  "SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[5,6,7,8])"),
 ('check', 'FROM autokm_out_summary', ['silhouette > 0', 'objective_fn > 0']),
 ('check', 'FROM (SELECT * FROM autokm_out WHERE k = any(ARRAY[5,6,7,8]))q', ['count(*) = 4']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeans_random_auto: SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', "
  'ARRAY[12,3,5,6,8],',
  "SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[12,3,5,6,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 'silhouette')"),
 ('setup', 'DROP TABLE IF EXISTS km_sample_out, silh_out'),
 ('setup',
  'CREATE TABLE km_sample_out AS\n'
  "SELECT * FROM kmeanspp('km_sample', 'points', 2,\n"
  "                       'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001)"),
 ('case',
  "simple_silhouette_points: SELECT * FROM simple_silhouette_points('km_sample', 'silh_out', 'pid', "
  "'points', 'km_sampl",
  "SELECT * FROM simple_silhouette_points('km_sample', 'silh_out', 'pid', 'points',\n"
  "                                'km_sample_out', 'centroids',\n"
  "                                'indb_ml.squared_dist_norm2')"),
 ('check', 'FROM silh_out\nWHERE silh IS NOT NULL', ['silh > 0']),
 ('setup', 'DROP TABLE IF EXISTS silh_out'),
 ('case',
  "simple_silhouette_points: SELECT * FROM simple_silhouette_points( 'km_sample', 'silh_out', 'pid', "
  "'points', 'km_samp",
  'SELECT * FROM simple_silhouette_points(\n'
  "    'km_sample', 'silh_out', 'pid', 'points',\n"
  "    'km_sample_out', 'centroids')"),
 ('check', 'FROM silh_out\nWHERE silh IS NOT NULL', ['count(*) = 9']),
 ('setup', 'DROP TABLE IF EXISTS silh_out'),
 ('case',
  "simple_silhouette_points: SELECT * FROM simple_silhouette_points( 'km_sample', 'silh_out', 'pid', "
  "'points', (SELECT ",
  'SELECT * FROM simple_silhouette_points(\n'
  "    'km_sample', 'silh_out', 'pid', 'points',\n"
  '    (SELECT centroids FROM km_sample_out))'),
 ('check', 'FROM silh_out\nWHERE silh IS NOT NULL', ['silh > 0']),
 ('check', 'FROM autokm_out_summary', ['silhouette > 0', 'objective_fn > 0']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeans_random_auto: SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', "
  'ARRAY[2,3,4,5,6,7,',
  "SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 'silhouetTe')"),
 ('check', 'FROM autokm_out_summary', ['silhouette > 0', 'objective_fn > 0']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeans_random_auto: SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', "
  'ARRAY[2,3,4,5,6,7,',
  "SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 'siL')"),
 ('check', 'FROM autokm_out_summary', ['silhouette > 0', 'objective_fn > 0']),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeans_random_auto: SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', "
  'ARRAY[2,3,4,5,6,7,',
  "SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 'both')"),
 ('check',
  'FROM autokm_out_summary',
  ['silhouette > 0', 'objective_fn > 0', "selection_algorithm = 'silhouette'"]),
 ('setup', 'DROP TABLE IF EXISTS autokm_out,autokm_out_summary'),
 ('case',
  "kmeans_random_auto: SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', "
  'ARRAY[2,3,4,5,6,7,',
  "SELECT * FROM kmeans_random_auto('kmeans_2d', 'autokm_out', 'position', ARRAY[2,3,4,5,6,7,8], "
  "'indb_ml.squared_dist_norm2',\n"
  "                       'indb_ml.avg', 20, 0.001, 'b')"),
 ('check',
  'FROM autokm_out_summary',
  ['silhouette > 0', 'objective_fn > 0', "selection_algorithm = 'silhouette'"]),
 ('setup', 'DROP TABLE IF EXISTS silh_out'),
 ('case',
  "simple_silhouette_points: SELECT * FROM simple_silhouette_points( 'km_sample', 'silh_out', 'pid', "
  "'points', ARRAY[[1",
  'SELECT * FROM simple_silhouette_points(\n'
  "    'km_sample', 'silh_out', 'pid', 'points',\n"
  '    ARRAY[[1,1,1,1,1,1,1,1,1,1,1,1,1],\n'
  '    [14.23, 1.71, 2.43, 15.6, 127, 2.8, 3.0600, 0.2800, 2.29, 5.64, 1.04, 3.92, 1065]]::DOUBLE '
  "PRECISION[][],'indb_ml.dist_norm2')"),
 ('check', 'FROM silh_out\nWHERE pid = 1', ['relative_error(1, silh) < 1e-3']),
 ('check', 'FROM silh_out\nWHERE pid = 2', ['relative_error(0.8789, silh) < 1e-3']),
 ('check', 'FROM silh_out\nWHERE pid = 3', ['relative_error(0.8966, silh) < 1e-3']),
 ('check', 'FROM silh_out\nWHERE pid = 4', ['relative_error(0.7200, silh) < 1e-3']),
 ('check', 'FROM silh_out\nWHERE pid = 5', ['relative_error(0.5560, silh) < 1e-3']),
 ('check', 'FROM silh_out\nWHERE pid = 6', ['relative_error(0.7348, silh) < 1e-3']),
 ('check', 'FROM silh_out\nWHERE pid = 7', ['relative_error(0.8242, silh) < 1e-3']),
 ('check', 'FROM silh_out\nWHERE pid = 8', ['relative_error(0.8229, silh) < 1e-3']),
 ('check', 'FROM silh_out\nWHERE pid = 9', ['relative_error(0.9655, silh) < 1e-3']),
 ('check', 'FROM silh_out', ['centroid_id = 1', 'neighbor_centroid_id = 0']),
 ('setup', 'DROP TABLE IF EXISTS km_sample_out, silh_out'),
 ('setup', 'DROP TABLE IF EXISTS km_sample CASCADE'),
 ('setup', 'DROP TABLE IF EXISTS centroids CASCADE'),
 ('setup', 'DROP TABLE IF EXISTS kmeans_2d CASCADE')]
