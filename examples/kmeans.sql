-- k-means from psql:  psql -v ON_ERROR_STOP=1 -f examples/kmeans.sql
-- Three blobs of points, k-means++ seeding in the database, per-row assignment, the history.
\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS example_points, example_points_km, example_points_km_summary;

CREATE TABLE example_points (id serial, x float8, y float8);
INSERT INTO example_points (x, y)
SELECT cx + 0.5 * sin(g * 1.7), cy + 0.5 * cos(g * 2.3)
FROM generate_series(1, 300) AS g,
     LATERAL (SELECT (ARRAY[0, 6, 3])[1 + g % 3] AS cx, (ARRAY[0, 0, 5])[1 + g % 3] AS cy) AS c;
INSERT INTO example_points (x, y) VALUES (NULL, 1);   -- skipped and counted

SELECT indb_ml.kmeans('example_points', 'example_points_km', 'ARRAY[x, y]', 3, seed => 42);
SELECT cluster_id, centroid, size, round(sse::numeric, 3) AS sse FROM example_points_km ORDER BY cluster_id;
SELECT objective, iterations, converged, num_missing_rows_skipped FROM example_points_km_summary;

-- cluster of every row, in any query
SELECT indb_ml.kmeans_assign('example_points_km', ARRAY[x, y]) AS cluster, count(*)
FROM example_points WHERE x IS NOT NULL GROUP BY 1 ORDER BY 1;

-- the per-iteration history (iteration 0 is the seeding)
SELECT i.iteration, round(i.loss::numeric, 4) AS objective, i.step_size AS centroid_shift
FROM indb_ml.model_iterations i JOIN indb_ml.models m USING (model_id)
WHERE m.name = 'public.example_points_km' ORDER BY i.iteration;
