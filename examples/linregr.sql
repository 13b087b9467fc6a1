-- Linear regression from psql:  psql -v ON_ERROR_STOP=1 -f examples/linregr.sql
-- Makes a small table, trains, reads the model, predicts per row, looks at the registry.
\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS example_houses, example_houses_linregr, example_houses_linregr_summary,
                     example_houses_by_city, example_houses_by_city_summary;

CREATE TABLE example_houses (id serial, city text, rooms float8, age float8, price float8);
INSERT INTO example_houses (city, rooms, age, price)
SELECT CASE WHEN g % 2 = 0 THEN 'Lyon' ELSE 'Nantes' END,
       1 + g % 7, (g * 13) % 40,
       50000 + 30000 * (1 + g % 7) - 800 * ((g * 13) % 40) + 5000 * sin(g)
FROM generate_series(1, 500) AS g;
INSERT INTO example_houses (city, rooms, age, price) VALUES ('Lyon', NULL, 10, 1e5);  -- skipped and counted

-- one model; the features are an ARRAY of columns and constants (1 = intercept)
SELECT indb_ml.linregr_train('example_houses', 'example_houses_linregr', 'price', 'ARRAY[1, rooms, age]');
SELECT coef, r2, std_err, p_values, num_rows_processed, num_missing_rows_skipped FROM example_houses_linregr;

-- predictions per row, in any query
SELECT h.id, h.price, round(indb_ml.linregr_predict(m.coef, ARRAY[1, h.rooms, h.age])::numeric, 1) AS predicted
FROM example_houses h, example_houses_linregr m
ORDER BY h.id LIMIT 5;

-- one model per group, in the same pass
SELECT indb_ml.linregr_train('example_houses', 'example_houses_by_city', 'price', 'ARRAY[1, rooms, age]', 'city');
SELECT city, coef, r2, num_rows_processed FROM example_houses_by_city ORDER BY city;

-- what training did, from the registry
SELECT name, algorithm, status, metrics->>'num_rows_processed' AS rows FROM indb_ml.model_summary
WHERE name LIKE '%example_houses%' ORDER BY model_id;

DROP TABLE example_houses_linregr, example_houses_linregr_summary,
           example_houses_by_city, example_houses_by_city_summary;
SELECT indb_ml.drop_prepared('example_houses');
DROP TABLE example_houses;
