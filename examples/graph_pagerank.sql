-- Graph analytics in SQL: a small directed graph with text ids, then PageRank (three schedules),
-- connected components, shortest paths, BFS, k-hop, reachability, colouring and label propagation.
-- Run: psql -v ON_ERROR_STOP=1 -f examples/graph_pagerank.sql
DROP TABLE IF EXISTS ex_graph_v, ex_graph_e, ex_graph_seeds,
    ex_graph_pr, ex_graph_pr_summary, ex_graph_prc, ex_graph_prc_summary,
    ex_graph_wcc, ex_graph_wcc_summary, ex_graph_sp, ex_graph_sp_summary,
    ex_graph_bfs, ex_graph_bfs_summary, ex_graph_khop, ex_graph_khop_summary,
    ex_graph_col, ex_graph_col_summary, ex_graph_lp, ex_graph_lp_summary,
    ex_graph_sp_path, ex_graph_cpt, ex_graph_hist, ex_graph_ge, ex_graph_gpr, ex_graph_gpr_summary;
SELECT indb_ml.graph_drop_prepared('ex_graph_e') WHERE to_regclass('ex_graph_e') IS NOT NULL;

CREATE TABLE ex_graph_v (city text PRIMARY KEY);
INSERT INTO ex_graph_v VALUES ('amsterdam'), ('berlin'), ('cologne'), ('dresden'), ('essen'), ('faro'), ('geneva');
CREATE TABLE ex_graph_e (from_city text, to_city text, km double precision);
INSERT INTO ex_graph_e VALUES
    ('amsterdam', 'berlin', 650), ('berlin', 'dresden', 190), ('amsterdam', 'cologne', 260),
    ('cologne', 'essen', 70), ('essen', 'berlin', 530), ('dresden', 'amsterdam', 840),
    ('cologne', 'berlin', 570), ('faro', 'geneva', 1900);      -- geneva has no out-edges; faro/geneva apart

-- PageRank: dynamic schedule (only vertices with a pending change are recomputed each round)
SELECT indb_ml.pagerank('ex_graph_v', 'city', 'ex_graph_e', 'src=from_city, dest=to_city', 'ex_graph_pr',
                        tolerance => 1e-10);
SELECT city, round(pagerank::numeric, 4) AS pagerank FROM ex_graph_pr ORDER BY pagerank DESC;
-- the chromatic schedule (Gauss-Seidel by colour) reaches the same ranks in fewer rounds
SELECT indb_ml.pagerank('ex_graph_v', 'city', 'ex_graph_e', 'src=from_city, dest=to_city', 'ex_graph_prc',
                        tolerance => 1e-10, schedule => 'chromatic');
SELECT s1.__iterations__ AS dynamic_rounds, s2.__iterations__ AS chromatic_rounds,
       (SELECT max(abs(a.pagerank - b.pagerank)) FROM ex_graph_pr a JOIN ex_graph_prc b USING (city)) AS max_diff
FROM ex_graph_pr_summary s1, ex_graph_prc_summary s2;
-- what each round did
SELECT i.iteration AS round, i.rows AS scheduled, i.info->>'edges_touched' AS edges_touched,
       i.loss AS max_change, round(i.elapsed_ms::numeric, 2) AS ms
FROM indb_ml.model_iterations i JOIN indb_ml.models m USING (model_id)
WHERE m.name = 'public.ex_graph_pr' ORDER BY i.iteration;

-- weakly connected components (component id = smallest city name) and their sizes
SELECT indb_ml.wcc('ex_graph_v', 'city', 'ex_graph_e', 'src=from_city, dest=to_city', 'ex_graph_wcc');
SELECT * FROM ex_graph_wcc ORDER BY city;
SELECT * FROM indb_ml.graph_wcc_histogram('ex_graph_wcc');
-- MADlib's helpers write tables: the largest component, and every component's size
SELECT indb_ml.graph_wcc_largest_cpt('ex_graph_wcc', 'ex_graph_cpt');
SELECT indb_ml.graph_wcc_histogram('ex_graph_wcc', 'ex_graph_hist');
SELECT * FROM ex_graph_hist ORDER BY num_vertices DESC;

-- shortest paths by distance, and one path
SELECT indb_ml.graph_sssp('ex_graph_v', 'city', 'ex_graph_e', 'src=from_city, dest=to_city, weight=km',
                          'amsterdam'::text, 'ex_graph_sp');
SELECT * FROM ex_graph_sp ORDER BY km;             -- (city, km, parent): MADlib names it after the weight
SELECT indb_ml.graph_sssp_path('ex_graph_sp', 'essen'::text) AS amsterdam_to_essen;
SELECT indb_ml.graph_sssp_get_path('ex_graph_sp', 'essen'::text, 'ex_graph_sp_path');   -- MADlib's form

-- traversals
SELECT indb_ml.graph_bfs('ex_graph_v', 'city', 'ex_graph_e', 'src=from_city, dest=to_city', 'cologne'::text,
                         'ex_graph_bfs', directed => true);      -- MADlib's default is undirected
SELECT * FROM ex_graph_bfs ORDER BY dist, city;
SELECT indb_ml.graph_khop('ex_graph_v', 'city', 'ex_graph_e', 'src=from_city, dest=to_city', 'essen'::text,
                          'ex_graph_khop', 2);
SELECT indb_ml.graph_reachable('ex_graph_v', 'city', 'ex_graph_e', 'src=from_city, dest=to_city',
                               'essen'::text, 'cologne'::text) AS essen_reaches_cologne;

-- a proper colouring, and label propagation from two seeds
SELECT indb_ml.graph_color('ex_graph_v', 'city', 'ex_graph_e', 'src=from_city, dest=to_city', 'ex_graph_col');
CREATE TABLE ex_graph_seeds (city text, region text);
INSERT INTO ex_graph_seeds VALUES ('amsterdam', 'west'), ('dresden', 'east');
SELECT indb_ml.label_propagation('ex_graph_v', 'city', 'ex_graph_e', 'src=from_city, dest=to_city',
                                 'ex_graph_seeds', 'ex_graph_lp', label_col => 'region', tolerance => 1e-9,
                                 max_iter => 500);
SELECT city, region, round(confidence::numeric, 3) AS confidence, is_seed FROM ex_graph_lp ORDER BY city;

-- grouping_cols in MADlib's position: one PageRank per group (here two copies of the graph, one without
-- faro -> geneva), summary per group
CREATE TABLE ex_graph_ge AS SELECT e.*, 1 AS grp FROM ex_graph_e e
    UNION ALL SELECT e.*, 2 FROM ex_graph_e e WHERE from_city <> 'faro';
SELECT indb_ml.pagerank('ex_graph_v', 'city', 'ex_graph_ge', 'src=from_city, dest=to_city', 'ex_graph_gpr',
                        NULL, NULL, NULL, 'grp');
SELECT grp, count(*) AS vertices, round(sum(pagerank)::numeric, 6) AS total FROM ex_graph_gpr GROUP BY grp ORDER BY grp;
SELECT grp, __iterations__ FROM ex_graph_gpr_summary ORDER BY grp;
