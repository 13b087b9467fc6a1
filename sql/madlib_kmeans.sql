-- MADlib's k-means call shapes, each returning MADlib's one-row result, over indb_ml.kmeans
-- (plpython/madlib_kmeans.py):
--   SELECT * FROM @extschema@.kmeanspp('points', 'coords', 10);
--   SELECT * FROM @extschema@.kmeans_random('points', 'coords', 10);
--   SELECT * FROM @extschema@.kmeans('points', 'coords', 'init_centroids', 'coords');
--   SELECT * FROM @extschema@.kmeans('points', 'coords', ARRAY[[0,0],[5,5]]::float8[]);

--@aggregate kmeans_l1_agg(x bytea, n integer, task bytea)
--@    sfunc kmeans_l1_transition = kmeans_l1.transition
--@    combinefunc kmeans_l1_merge = kmeans_l1.merge
--@    comment 'indb_ml: one iteration of MADlib''s k-means with fn_dist dist_norm1 over packed blocks (task: k, d, centroids, previous centroids): [n, d, k, sums per cluster, counts, 1-norm distance sums, reassigned]'

DROP TYPE IF EXISTS @extschema@.kmeans_result CASCADE;
CREATE TYPE @extschema@.kmeans_result AS (
    centroids float8[],
    cluster_variance float8[],
    objective_fn float8,
    frac_reassigned float8,
    num_iterations integer
);

CREATE OR REPLACE FUNCTION @extschema@.kmeanspp(
    rel_source text, expr_point text, k integer,
    fn_dist text DEFAULT 'squared_dist_norm2', agg_centroid text DEFAULT 'avg',
    max_num_iterations integer DEFAULT 20, min_frac_reassigned float8 DEFAULT 0.001,
    seeding_sample_ratio float8 DEFAULT 1.0
) RETURNS @extschema@.kmeans_result LANGUAGE plpython3u AS $py$
#@kernel madlib_kmeans
madlib_kmeans.check(plpy, "kmeanspp", fn_dist, agg_centroid, max_num_iterations)
return madlib_kmeans.run(plpy, "@extschema@", "kmeanspp", rel_source, expr_point, k, "kmeans++", max_num_iterations)
$py$;
COMMENT ON FUNCTION @extschema@.kmeanspp(text, text, integer, text, text, integer, float8, float8) IS
    'indb_ml: MADlib''s kmeanspp: k-means with k-means++ seeding, one result row (centroids, cluster_variance, objective_fn, frac_reassigned, num_iterations)';

CREATE OR REPLACE FUNCTION @extschema@.kmeans_random(
    rel_source text, expr_point text, k integer,
    fn_dist text DEFAULT 'squared_dist_norm2', agg_centroid text DEFAULT 'avg',
    max_num_iterations integer DEFAULT 20, min_frac_reassigned float8 DEFAULT 0.001
) RETURNS @extschema@.kmeans_result LANGUAGE plpython3u AS $py$
#@kernel madlib_kmeans
madlib_kmeans.check(plpy, "kmeans_random", fn_dist, agg_centroid, max_num_iterations)
return madlib_kmeans.run(plpy, "@extschema@", "kmeans_random", rel_source, expr_point, k, "random",
                         max_num_iterations)
$py$;
COMMENT ON FUNCTION @extschema@.kmeans_random(text, text, integer, text, text, integer, float8) IS
    'indb_ml: MADlib''s kmeans_random: k-means from k random rows, one result row';

CREATE OR REPLACE FUNCTION @extschema@.kmeans(
    rel_source text, expr_point text, initial_centroids float8[],
    fn_dist text DEFAULT 'squared_dist_norm2', agg_centroid text DEFAULT 'avg',
    max_num_iterations integer DEFAULT 20, min_frac_reassigned float8 DEFAULT 0.001
) RETURNS @extschema@.kmeans_result LANGUAGE plpython3u AS $py$
#@kernel madlib_kmeans
madlib_kmeans.check(plpy, "kmeans", fn_dist, agg_centroid, max_num_iterations, given_centroids=True)
if not initial_centroids:
    plpy.error("kmeans: initial_centroids is empty")
if madlib_kmeans.is_l1(fn_dist):
    return madlib_kmeans.run_l1(plpy, "@extschema@", "kmeans", rel_source, expr_point, initial_centroids,
                                max_num_iterations, min_frac_reassigned)
return madlib_kmeans.run(plpy, "@extschema@", "kmeans", rel_source, expr_point, len(initial_centroids), "random",
                         max_num_iterations, initial_centroids)
$py$;
COMMENT ON FUNCTION @extschema@.kmeans(text, text, float8[], text, text, integer, float8) IS
    'indb_ml: MADlib''s kmeans from given initial centroids (a k x d array), one result row';

CREATE OR REPLACE FUNCTION @extschema@.kmeans(
    rel_source text, expr_point text, rel_initial_centroids text, expr_centroid text,
    fn_dist text DEFAULT 'squared_dist_norm2', agg_centroid text DEFAULT 'avg',
    max_num_iterations integer DEFAULT 20, min_frac_reassigned float8 DEFAULT 0.001
) RETURNS @extschema@.kmeans_result LANGUAGE plpython3u AS $py$
#@kernel madlib_kmeans
madlib_kmeans.check(plpy, "kmeans", fn_dist, agg_centroid, max_num_iterations, given_centroids=True)
cents = madlib_kmeans.centroids_from_table(plpy, "kmeans", rel_initial_centroids, expr_centroid)
if madlib_kmeans.is_l1(fn_dist):
    return madlib_kmeans.run_l1(plpy, "@extschema@", "kmeans", rel_source, expr_point, cents, max_num_iterations,
                                min_frac_reassigned)
return madlib_kmeans.run(plpy, "@extschema@", "kmeans", rel_source, expr_point, len(cents), "random",
                         max_num_iterations, cents)
$py$;
COMMENT ON FUNCTION @extschema@.kmeans(text, text, text, text, text, text, integer, float8) IS
    'indb_ml: MADlib''s kmeans from the initial centroids in a table (rel_initial_centroids, expr_centroid), one result row';

-- silhouettes and automatic k (MADlib's kmeanspp_auto, kmeans_random_auto, simple_silhouette_points)
CREATE OR REPLACE FUNCTION @extschema@.silhouette_point(x float8[], centroids float8[], fn_dist text DEFAULT 'squared_dist_norm2')
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel madlib_kmeans
return madlib_kmeans.silhouette_point(x, centroids, fn_dist)
$py$;
COMMENT ON FUNCTION @extschema@.silhouette_point(float8[], float8[], text) IS
    'indb_ml: MADlib''s simplified silhouette of one point: [closest centroid id, second closest id (0-based), (b - a) / max(a, b)]';

CREATE OR REPLACE FUNCTION @extschema@.simple_silhouette_points(
    rel_source text, output_table text, pid text, expr_point text, centroids_table text, centroids_col text,
    fn_dist text DEFAULT 'squared_dist_norm2'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel madlib_kmeans identifiers
t = identifiers.resolve_table(plpy, centroids_table, "centroids_table")
col = identifiers.resolve_one_column(plpy, identifiers.table_columns(plpy, t["oid"]), centroids_col,
                                     centroids_table, "centroids_col", "simple_silhouette_points: ")
rows = plpy.execute(f"SELECT {plpy.quote_ident(col)} AS c FROM {t['sql']} LIMIT 2")
if len(rows) != 1:
    plpy.error("simple_silhouette_points: centroids_table must hold exactly one row of centroids")
return madlib_kmeans.silhouette_points(plpy, "@extschema@", "simple_silhouette_points", rel_source, output_table,
                                       pid, expr_point, rows[0]["c"], fn_dist)
$py$;

CREATE OR REPLACE FUNCTION @extschema@.simple_silhouette_points(
    rel_source text, output_table text, pid text, expr_point text, centroids float8[],
    fn_dist text DEFAULT 'squared_dist_norm2'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel madlib_kmeans
return madlib_kmeans.silhouette_points(plpy, "@extschema@", "simple_silhouette_points", rel_source, output_table,
                                       pid, expr_point, centroids, fn_dist)
$py$;
COMMENT ON FUNCTION @extschema@.simple_silhouette_points(text, text, text, text, float8[], text) IS
    'indb_ml: MADlib''s per-point simplified silhouettes: output_table (pid, centroid_id, neighbor_centroid_id, silh)';

CREATE OR REPLACE FUNCTION @extschema@.kmeanspp_auto(
    rel_source text, output_table text, expr_point text, k integer[],
    fn_dist text DEFAULT 'squared_dist_norm2', agg_centroid text DEFAULT 'avg',
    max_num_iterations integer DEFAULT 20, min_frac_reassigned float8 DEFAULT 0.001,
    seeding_sample_ratio float8 DEFAULT 1.0, k_selection_algorithm text DEFAULT 'silhouette'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel madlib_kmeans
return madlib_kmeans.auto(plpy, "@extschema@", "kmeanspp_auto", rel_source, output_table, expr_point, k, fn_dist,
                          agg_centroid, max_num_iterations, "kmeans++", k_selection_algorithm)
$py$;
COMMENT ON FUNCTION @extschema@.kmeanspp_auto(text, text, text, integer[], text, text, integer, float8, float8, text) IS
    'indb_ml: MADlib''s kmeanspp_auto: k-means++ for each k, k chosen by simplified silhouette and/or elbow; output_table and output_table_summary';

CREATE OR REPLACE FUNCTION @extschema@.kmeans_random_auto(
    rel_source text, output_table text, expr_point text, k integer[],
    fn_dist text DEFAULT 'squared_dist_norm2', agg_centroid text DEFAULT 'avg',
    max_num_iterations integer DEFAULT 20, min_frac_reassigned float8 DEFAULT 0.001,
    k_selection_algorithm text DEFAULT 'silhouette'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel madlib_kmeans
return madlib_kmeans.auto(plpy, "@extschema@", "kmeans_random_auto", rel_source, output_table, expr_point, k, fn_dist,
                          agg_centroid, max_num_iterations, "random", k_selection_algorithm)
$py$;
COMMENT ON FUNCTION @extschema@.kmeans_random_auto(text, text, text, integer[], text, text, integer, float8, text) IS
    'indb_ml: MADlib''s kmeans_random_auto: random seeding for each k, k chosen by simplified silhouette and/or elbow';
