-- Opt-in change tracking (migrations/0007): a table's owner runs track_changes(table) once, and
-- refits / graph calls on that table check freshness by reading its change rows (an index read)
-- instead of scanning it (plpython/change_log.py, docs/design.md "Freshness").

-- the relations a source reads: itself and every partition / inheritance child, with their kind
CREATE OR REPLACE FUNCTION @extschema@._source_tree(source regclass)
RETURNS TABLE (rel regclass, relkind "char")
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE tree(oid) AS (
        SELECT source::oid
        UNION SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree t ON i.inhparent = t.oid)
    SELECT c.oid::regclass, c.relkind FROM tree t JOIN pg_catalog.pg_class c ON c.oid = t.oid ORDER BY c.oid
$$;

COMMENT ON FUNCTION @extschema@._source_tree(regclass) IS
    'indb_ml: a relation and every partition / inheritance child of it (what reading it reads), with relkind';

CREATE OR REPLACE FUNCTION @extschema@.track_changes(source regclass)
RETURNS integer LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
    k integer := 0;
BEGIN
    IF source IS NULL THEN
        RAISE EXCEPTION 'track_changes: table is NULL';
    END IF;
    FOR r IN SELECT * FROM @extschema@._source_tree(source) LOOP
        IF r.relkind NOT IN ('r', 'p') THEN
            RAISE EXCEPTION 'track_changes: % is not a table or partitioned table (relkind %); '
                'only tables can be tracked (views, foreign tables and materialized views are read by a scan)',
                r.rel, r.relkind;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
                       WHERE g.tgrelid = r.rel AND g.tgname = 'indb_ml_track_changes') THEN
            -- PostgreSQL's own check: the owner or a role with the TRIGGER privilege
            EXECUTE format('CREATE TRIGGER indb_ml_track_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                           'ON %s FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._source_changed()', r.rel);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
                       WHERE g.tgrelid = r.rel AND g.tgname = 'indb_ml_track_changes' AND g.tgenabled = 'A') THEN
            -- ALWAYS: also fires under session_replication_role = replica (logical replication's apply)
            IF NOT pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = r.rel),
                                          'USAGE') THEN
                RAISE EXCEPTION 'track_changes: only the owner of % can track it (the trigger must be ENABLE '
                    'ALWAYS so that writes under session_replication_role = replica are counted too)', r.rel
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER indb_ml_track_changes', r.rel);
        END IF;
        k := k + 1;
    END LOOP;
    RETURN k;
END
$$;
COMMENT ON FUNCTION @extschema@.track_changes(regclass) IS
    'indb_ml: opt in to exact change tracking of a table you own (and each of its partitions): a statement trigger '
    'logs every write statement, so refits and graph calls check freshness with an index read instead of a scan. '
    'Partitions attached later are not tracked until you run it again (until then the source is scanned). '
    'Returns the number of relations tracked.';

CREATE OR REPLACE FUNCTION @extschema@.untrack_changes(source regclass)
RETURNS integer LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
    k integer := 0;
BEGIN
    IF source IS NULL THEN
        RAISE EXCEPTION 'untrack_changes: table is NULL';
    END IF;
    FOR r IN SELECT t.rel FROM @extschema@._source_tree(source) t
             WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
                           WHERE g.tgrelid = t.rel AND g.tgname = 'indb_ml_track_changes') LOOP
        EXECUTE format('DROP TRIGGER indb_ml_track_changes ON %s', r.rel);
        k := k + 1;
    END LOOP;
    RETURN k;
END
$$;
COMMENT ON FUNCTION @extschema@.untrack_changes(regclass) IS
    'indb_ml: stop tracking a table and its partitions (drops the triggers; freshness is checked by a scan again). '
    'Returns the number of triggers dropped.';

-- compaction: the catalog owner's maintenance. Each relation's rows become one summary row with the
-- same (sum(n), sum(s), max(id)), so fingerprints - and the caches they guard - stay valid; rows of
-- relations that are no longer tracked (untracked or dropped) are deleted.
CREATE OR REPLACE FUNCTION @extschema@.compact_source_changes()
RETURNS bigint LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    gone bigint;
    merged bigint;
BEGIN
    -- one compaction at a time; writers (inserts) are not blocked
    LOCK TABLE @extschema@.source_changes IN SHARE UPDATE EXCLUSIVE MODE;
    DELETE FROM @extschema@.source_changes c
     WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
                       WHERE g.tgrelid = c.relid AND g.tgname = 'indb_ml_track_changes');
    GET DIAGNOSTICS gone = ROW_COUNT;
    WITH many AS (
        SELECT relid FROM @extschema@.source_changes GROUP BY relid HAVING count(*) > 1),
    old AS (
        DELETE FROM @extschema@.source_changes c USING many WHERE c.relid = many.relid
        RETURNING c.relid, c.id, c.n, coalesce(c.s, c.id) AS s)
    INSERT INTO @extschema@.source_changes (id, relid, n, s)
    SELECT max(id), relid, sum(n), sum(s) FROM old GROUP BY relid;
    GET DIAGNOSTICS merged = ROW_COUNT;
    RETURN gone + merged;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.compact_source_changes() FROM PUBLIC, indb_ml_user;
COMMENT ON FUNCTION @extschema@.compact_source_changes() IS
    'indb_ml: catalog owner only: merge each tracked relation''s change rows into one (fingerprints unchanged) '
    'and delete the rows of relations no longer tracked. Returns rows deleted plus summary rows written.';
