-- 0007: opt-in change tracking - an exact, transactional change counter for sources.
--   indb_ml.track_changes(table) (sql/change_tracking.sql) puts a statement-level trigger
--   indb_ml_track_changes on the table (and every partition / inheritance child) that appends
--   one row per write statement to source_changes. A fully tracked source's fingerprint then
--   reads its change rows through an index (cost ~ write statements, not rows) instead of
--   scanning the source (plpython/change_log.py).
--   * insert-only: writers never update a shared row (no contention between writers);
--   * the trigger function is SECURITY DEFINER (owned by the catalog owner) and inserts only
--     TG_RELID, so writers need no privilege here and nobody else can insert, change or delete
--     change rows (trigger functions cannot be called directly);
--   * row-level security: a role reads the change rows of tracked relations it may SELECT
--     (directly or through a parent it may SELECT, as a partitioned source's leaves are read).
-- Runs as a superuser, both from the installer and inside CREATE/ALTER EXTENSION.

CREATE TABLE @extschema@.source_changes (
    id     bigserial NOT NULL,   -- from a sequence; a summary row keeps the largest id it stands for
    relid  oid NOT NULL,         -- the relation written (TG_RELID)
    n      bigint NOT NULL DEFAULT 1,   -- write statements this row stands for (compaction sums them)
    s      numeric                      -- sum of the ids it stands for; NULL = id (one statement)
);
CREATE INDEX source_changes_by_relid ON @extschema@.source_changes (relid, id) INCLUDE (n, s);
COMMENT ON TABLE @extschema@.source_changes IS
    'indb_ml: one row per write statement (INSERT, UPDATE, DELETE, TRUNCATE, COPY) on a tracked table '
    '(track_changes); a tracked source''s fingerprint is (sum(n), sum(coalesce(s, id)), max(id)) of its rows';

-- the trigger function: inserts one row, nothing else (trigger functions cannot be called directly)
CREATE OR REPLACE FUNCTION @extschema@._source_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO @extschema@.source_changes (relid) VALUES (TG_RELID);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@._source_changed() IS
    'indb_ml: statement trigger of track_changes: appends (TG_RELID) to source_changes '
    '(SECURITY DEFINER, inserts only)';

-- may the current role read the change rows of relation rel: it may SELECT some column of rel
-- or of a table rel is a partition / inheritance child of (the leaves a parent's reader reads).
-- No SET clause, so the planner inlines it into the policy (evaluated per change row); every name
-- and operator is qualified, so a caller's search_path cannot change what it means.
CREATE OR REPLACE FUNCTION @extschema@._may_read_changes(rel oid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(pg_catalog.has_any_column_privilege(rel, 'SELECT'), false) OR EXISTS (
        WITH RECURSIVE up(oid) AS (
            SELECT i.inhparent FROM pg_catalog.pg_inherits i WHERE i.inhrelid OPERATOR(pg_catalog.=) rel
            UNION SELECT i.inhparent FROM pg_catalog.pg_inherits i JOIN up ON i.inhrelid OPERATOR(pg_catalog.=) up.oid)
        SELECT 1 FROM up WHERE coalesce(pg_catalog.has_any_column_privilege(up.oid, 'SELECT'), false))
$$;
COMMENT ON FUNCTION @extschema@._may_read_changes(oid) IS
    'indb_ml: row-level security of source_changes: may the current role SELECT the relation or a parent of it';

ALTER TABLE @extschema@.source_changes ENABLE ROW LEVEL SECURITY;
-- the readable tracked relations are found once per query (an uncorrelated subquery over the
-- tracking triggers), not once per change row: a log read costs a hash probe per row
CREATE POLICY readable ON @extschema@.source_changes FOR SELECT USING (
    relid IN (SELECT g.tgrelid FROM pg_catalog.pg_trigger g
              WHERE g.tgname OPERATOR(pg_catalog.=) 'indb_ml_track_changes'
                AND @extschema@._may_read_changes(g.tgrelid)));
REVOKE ALL ON @extschema@.source_changes FROM PUBLIC;
REVOKE ALL ON SEQUENCE @extschema@.source_changes_id_seq FROM PUBLIC;
GRANT SELECT ON @extschema@.source_changes TO PUBLIC;
