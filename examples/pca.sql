-- PCA from psql:  psql -v ON_ERROR_STOP=1 -f examples/pca.sql
-- Correlated measurements, a one-pass covariance aggregate, components and scores per row.
\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS example_measures, example_measures_pca, example_measures_pca_summary;

CREATE TABLE example_measures (id serial, a float8, b float8, c float8);
INSERT INTO example_measures (a, b, c)
SELECT t, 2 * t + 0.1 * sin(g * 3.1), -t + 0.3 * cos(g * 1.3)
FROM generate_series(1, 200) AS g, LATERAL (SELECT sin(g * 0.37) * 10 AS t) AS s;

SELECT indb_ml.pca_train('example_measures', 'example_measures_pca', 'ARRAY[a, b, c]', 2);
SELECT component_id, component, round(explained_variance_ratio::numeric, 6) AS ratio
FROM example_measures_pca ORDER BY component_id;
SELECT mean, total_variance FROM example_measures_pca_summary;

-- scores of every row on the two components
SELECT id, indb_ml.pca_project('example_measures_pca', ARRAY[a, b, c]) AS scores
FROM example_measures ORDER BY id LIMIT 5;
