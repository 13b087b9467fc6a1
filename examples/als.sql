-- ALS matrix factorisation from psql:  psql -v ON_ERROR_STOP=1 -f examples/als.sql
-- A small ratings table (two taste groups), training, predictions and top-k recommendations.
\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS example_ratings, example_ratings_als, example_ratings_als_users, example_ratings_als_items;

CREATE TABLE example_ratings (user_id int, item_id int, rating float8);
-- users 1-20 like items 1-10, users 21-40 like items 11-20; each rates 12 items
INSERT INTO example_ratings
SELECT u, i, CASE WHEN (u <= 20) = (i <= 10) THEN 4 + (u + i) % 2 ELSE 1 + (u * i) % 2 END
FROM generate_series(1, 40) AS u, generate_series(1, 20) AS i
WHERE (u * 7 + i * 3) % 5 <> 0 AND (u + i) % 4 <> 0;
INSERT INTO example_ratings VALUES (1, 1, 5), (41, 1, NULL);   -- a duplicate (averaged), a NULL rating (skipped)

SELECT indb_ml.als_train('example_ratings', 'user_id', 'item_id', 'rating', 'example_ratings_als',
                         rank => 4, lambda => 0.05, max_iter => 10, seed => 1);
SELECT rank, lambda, iterations, round(train_rmse::numeric, 4) AS train_rmse, num_ratings,
       num_null_ratings_skipped, num_duplicate_pairs_averaged
FROM example_ratings_als;

-- predicted ratings, per row (NULL for user 41, who has no usable rating)
SELECT u, i, round(indb_ml.als_predict('example_ratings_als', u, i)::numeric, 2) AS predicted
FROM (VALUES (1, 2), (1, 15), (30, 2), (30, 15), (41, 1)) AS p(u, i);

-- top 3 unrated items for users 1 and 30, in one query
SELECT t.u, r.rank, r.item_id, round(r.score::numeric, 2) AS score
FROM (VALUES (1), (30)) AS t(u) CROSS JOIN LATERAL indb_ml.recommend('example_ratings_als', t.u, 3) AS r
ORDER BY t.u, r.rank;

-- train RMSE per iteration, from the registry
SELECT i.iteration, round(i.loss::numeric, 5) AS train_rmse, round(i.elapsed_ms::numeric) AS ms
FROM indb_ml.model_iterations i JOIN indb_ml.models m USING (model_id)
WHERE m.name = 'public.example_ratings_als' ORDER BY i.iteration;
