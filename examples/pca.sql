-- PCA from psql:  psql -v ON_ERROR_STOP=1 -f examples/pca.sql
-- Correlated measurements, a one-pass covariance aggregate, components and scores per row.
\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS example_measures, example_measures_pca, example_measures_pca_summary,
    example_measures_pca_mean, example_measures_scores;

CREATE TABLE example_measures (id serial, a float8, b float8, c float8);
INSERT INTO example_measures (a, b, c)
SELECT t, 2 * t + 0.1 * sin(g * 3.1), -t + 0.3 * cos(g * 1.3)
FROM generate_series(1, 200) AS g, LATERAL (SELECT sin(g * 0.37) * 10 AS t) AS s;

-- MADlib's signature: source, out_table, row_id, k (or a proportion of variance such as 0.95);
-- the data is every other column (a, b, c)
SELECT indb_ml.pca_train('example_measures', 'example_measures_pca', 'id', 2);
SELECT row_id, principal_components, round(std_dev::numeric, 6) AS std_dev, round(proportion::numeric, 6) AS proportion
FROM example_measures_pca ORDER BY row_id;
SELECT column_mean FROM example_measures_pca_mean;

-- MADlib's table form of the projection
SELECT indb_ml.pca_project('example_measures', 'example_measures_pca', 'example_measures_scores', 'id');
SELECT * FROM example_measures_scores ORDER BY row_id LIMIT 5;

-- scores of every row on the two components
SELECT id, indb_ml.pca_project('example_measures_pca', ARRAY[a, b, c]) AS scores
FROM example_measures ORDER BY id LIMIT 5;
