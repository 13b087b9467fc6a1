-- 0002: a readable view over the registry, and the index that serves
-- "history of model X" queries without scanning every iteration.

CREATE INDEX model_iterations_by_model ON @extschema@.model_iterations (model_id, iteration);

CREATE VIEW @extschema@.model_summary AS
SELECT m.model_id,
       m.name,
       m.algorithm,
       m.status,
       m.source_table,
       m.owner,
       m.started_at,
       m.train_ms,
       (SELECT count(*) FROM @extschema@.model_iterations i WHERE i.model_id = m.model_id) AS iterations,
       m.metrics
FROM @extschema@.models m;
COMMENT ON VIEW @extschema@.model_summary IS 'indb_ml: one line per model with its iteration count';
