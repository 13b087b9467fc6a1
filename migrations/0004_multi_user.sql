-- 0004: multi-user safety.
--   * the group role indb_ml_user: GRANT indb_ml_user TO alice is all an analyst needs;
--   * row-level security on the catalog: a role sees and changes only its own rows
--     (superusers and the owner of the catalog - the installing role - see all);
--   * no UPDATE on catalog columns that could redirect anything; a model row can be
--     updated only while its training runs; a model is bound to its table's OID;
--   * packed data and prepared graphs live in @extschema@_data, where members may CREATE
--     (never in @extschema@, which holds the functions), each owned by the role that made it,
--     under random names (copies made before, under guessable names, are dropped);
--   * dropping a source drops its packed copies and prepared graphs (event trigger).
-- Runs as a superuser, both from the installer and inside CREATE EXTENSION.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'indb_ml_user') THEN
        CREATE ROLE indb_ml_user NOLOGIN;
    END IF;
END
$$;
COMMENT ON ROLE indb_ml_user IS
    'indb_ml: members may train, predict, evaluate and run graph algorithms on tables they can read';

-- The schema for packed data. Inside CREATE/ALTER EXTENSION it is not made a member (like the
-- main schema), so DROP EXTENSION needs no CASCADE after training; packed copies such a drop
-- left behind are unreachable caches and are dropped here.
DO $$
DECLARE
    r record;
BEGIN
    IF pg_catalog.to_regnamespace('@extschema@_data') IS NULL THEN
        CREATE SCHEMA @extschema@_data;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
               WHERE d.classid = 'pg_catalog.pg_namespace'::regclass
                 AND d.objid = '@extschema@_data'::regnamespace AND d.deptype = 'e') THEN
        EXECUTE (SELECT format('ALTER EXTENSION %I DROP SCHEMA @extschema@_data', e.extname)
                 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
                 WHERE d.classid = 'pg_catalog.pg_namespace'::regclass
                   AND d.objid = '@extschema@_data'::regnamespace AND d.deptype = 'e');
    END IF;
    FOR r IN SELECT c.relname FROM pg_catalog.pg_class c
             WHERE c.relnamespace = '@extschema@_data'::regnamespace AND c.relkind IN ('r', 'p')
               AND c.relname ~ '^_(prep|graph|als)_' LOOP
        EXECUTE format('DROP TABLE @extschema@_data.%I', r.relname);
    END LOOP;
END
$$;
COMMENT ON SCHEMA @extschema@_data IS
    'indb_ml: packed data and prepared graphs, each table owned by the role that made it and readable by it alone';

-- catalog columns: who owns a row-- catalog columns: who owns a row, which relation a model is bound to
-- regclass, not oid: pg_dump writes it as the table's name and a restore binds it to the new OID
ALTER TABLE @extschema@.models ADD COLUMN out_oid regclass;
UPDATE @extschema@.models m SET out_oid = c.oid::regclass
FROM pg_catalog.pg_class c
WHERE c.oid = pg_catalog.to_regclass(m.out_table) AND c.relkind = 'r'
  AND pg_catalog.pg_get_userbyid(c.relowner) = m.owner;
COMMENT ON COLUMN @extschema@.models.out_oid IS
    'the OID of the table training wrote; predict/evaluate read only that relation, owned by owner';
ALTER TABLE @extschema@.prepared_data ADD COLUMN owner name NOT NULL DEFAULT current_user;
ALTER TABLE @extschema@.prepared_graphs ADD COLUMN owner name NOT NULL DEFAULT current_user;
-- packed copies made before this migration sit in @extschema@ under guessable names, with
-- fingerprints that never match any more: drop them (caches; the next training packs again)
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT table_name FROM @extschema@.prepared_data LOOP
        EXECUTE format('DROP TABLE IF EXISTS @extschema@.%I', r.table_name);
    END LOOP;
    FOR r IN SELECT table_prefix FROM @extschema@.prepared_graphs LOOP
        EXECUTE format('DROP TABLE IF EXISTS @extschema@.%I, @extschema@.%I, @extschema@.%I',
                       r.table_prefix || '_csr', r.table_prefix || '_e', r.table_prefix || '_v');
    END LOOP;
    DELETE FROM @extschema@.prepared_data;
    DELETE FROM @extschema@.prepared_graphs;
END
$$;
COMMENT ON COLUMN @extschema@.prepared_data.table_name IS 'the packed table, in schema @extschema@_data, owned by owner';
COMMENT ON COLUMN @extschema@.prepared_graphs.table_prefix IS
    'the prepared tables <prefix>_v, _e, _csr, in schema @extschema@_data, owned by owner';

-- one model name per role: another role cannot pre-register (and so block) a name
DROP INDEX @extschema@.models_name_key;
CREATE UNIQUE INDEX models_owner_name_key ON @extschema@.models (owner, name);
CREATE INDEX prepared_data_by_owner ON @extschema@.prepared_data (owner, source_oid);
CREATE INDEX prepared_graphs_by_owner ON @extschema@.prepared_graphs (owner, edge_oid);

-- row-level security
ALTER TABLE @extschema@.models ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_select ON @extschema@.models FOR SELECT USING (owner = current_user);
CREATE POLICY own_insert ON @extschema@.models FOR INSERT WITH CHECK (owner = current_user);
CREATE POLICY own_running_update ON @extschema@.models FOR UPDATE
    USING (owner = current_user AND status = 'running') WITH CHECK (owner = current_user);
CREATE POLICY own_delete ON @extschema@.models FOR DELETE USING (owner = current_user);

ALTER TABLE @extschema@.model_iterations ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_model ON @extschema@.model_iterations
    USING (EXISTS (SELECT 1 FROM @extschema@.models m
                   WHERE m.model_id = model_iterations.model_id AND m.owner = current_user))
    WITH CHECK (EXISTS (SELECT 1 FROM @extschema@.models m
                        WHERE m.model_id = model_iterations.model_id AND m.owner = current_user));

ALTER TABLE @extschema@.prepared_data ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON @extschema@.prepared_data USING (owner = current_user) WITH CHECK (owner = current_user);
ALTER TABLE @extschema@.prepared_graphs ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON @extschema@.prepared_graphs USING (owner = current_user) WITH CHECK (owner = current_user);

-- the summary view reads the registry with the caller's rights (so RLS applies)
DO $$
BEGIN
    IF pg_catalog.current_setting('server_version_num')::int >= 150000 THEN
        EXECUTE 'ALTER VIEW @extschema@.model_summary SET (security_invoker = true)';
    ELSE
        EXECUTE $v$
        CREATE OR REPLACE VIEW @extschema@.model_summary AS
        SELECT m.model_id, m.name, m.algorithm, m.status, m.source_table, m.owner, m.started_at, m.train_ms,
               (SELECT count(*) FROM @extschema@.model_iterations i WHERE i.model_id = m.model_id) AS iterations,
               m.metrics
        FROM @extschema@.models m
        WHERE m.owner = current_user
           OR (SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)$v$;
    END IF;
END
$$;

-- privileges of the group role
GRANT USAGE ON SCHEMA @extschema@ TO indb_ml_user;
GRANT USAGE, CREATE ON SCHEMA @extschema@_data TO indb_ml_user;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO indb_ml_user;
ALTER DEFAULT PRIVILEGES IN SCHEMA @extschema@ GRANT EXECUTE ON FUNCTIONS TO indb_ml_user;
GRANT SELECT ON @extschema@.schema_migrations, @extschema@.install_info, @extschema@.model_summary TO indb_ml_user;
GRANT SELECT, INSERT, DELETE ON @extschema@.models TO indb_ml_user;
GRANT UPDATE (status, metrics, output_tables, finished_at, train_ms, out_oid) ON @extschema@.models TO indb_ml_user;
GRANT SELECT, INSERT ON @extschema@.model_iterations TO indb_ml_user;
GRANT SELECT, INSERT, DELETE ON @extschema@.prepared_data, @extschema@.prepared_graphs TO indb_ml_user;
GRANT UPDATE (last_used_at) ON @extschema@.prepared_data, @extschema@.prepared_graphs TO indb_ml_user;
GRANT USAGE ON SEQUENCE @extschema@.models_model_id_seq, @extschema@.prepared_data_prepared_id_seq,
    @extschema@.prepared_graphs_graph_id_seq TO indb_ml_user;

-- Dropping a relation drops the packed copies and prepared graphs made from it (every role's),
-- and dropping a packed table forgets its catalog row. SECURITY DEFINER because the copies of
-- other roles are theirs: it reads only pg_event_trigger_dropped_objects() and catalog rows,
-- and drops a table only when it is in @extschema@_data and owned by the role its row names.
CREATE OR REPLACE FUNCTION @extschema@._drop_owned_packed(owner_name name, table_name text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    rel oid;
BEGIN
    SELECT c.oid INTO rel FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = '@extschema@_data' AND c.relname = table_name AND c.relkind = 'r'
      AND c.relowner = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = owner_name);
    IF rel IS NOT NULL THEN
        BEGIN
            EXECUTE format('DROP TABLE %s', rel::regclass);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'indb_ml: could not drop the packed table %: %', rel::regclass, SQLERRM;
        END;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION @extschema@._drop_owned_packed(name, text) FROM PUBLIC, indb_ml_user;

CREATE OR REPLACE FUNCTION @extschema@._on_sql_drop()
RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    obj record;
    r record;
BEGIN
    IF pg_catalog.to_regclass('@extschema@.prepared_data') IS NULL
       OR pg_catalog.to_regclass('@extschema@.prepared_graphs') IS NULL THEN
        RETURN;  -- indb_ml itself is being removed
    END IF;
    FOR obj IN SELECT d.objid, d.schema_name, d.object_name FROM pg_catalog.pg_event_trigger_dropped_objects() d
               WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
                 AND d.object_type IN ('table', 'view', 'materialized view', 'foreign table') LOOP
        IF obj.schema_name = '@extschema@_data' THEN
            DELETE FROM @extschema@.prepared_data WHERE table_name = obj.object_name;
            DELETE FROM @extschema@.prepared_graphs
            WHERE obj.object_name IN (table_prefix || '_v', table_prefix || '_e', table_prefix || '_csr');
            CONTINUE;
        END IF;
        FOR r IN DELETE FROM @extschema@.prepared_data WHERE source_oid = obj.objid
                 RETURNING owner, table_name LOOP
            PERFORM @extschema@._drop_owned_packed(r.owner, r.table_name);
        END LOOP;
        FOR r IN DELETE FROM @extschema@.prepared_graphs WHERE edge_oid = obj.objid OR vertex_oid = obj.objid
                 RETURNING owner, table_prefix LOOP
            PERFORM @extschema@._drop_owned_packed(r.owner, r.table_prefix || '_csr');
            PERFORM @extschema@._drop_owned_packed(r.owner, r.table_prefix || '_e');
            PERFORM @extschema@._drop_owned_packed(r.owner, r.table_prefix || '_v');
        END LOOP;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION @extschema@._on_sql_drop() FROM PUBLIC, indb_ml_user;
COMMENT ON FUNCTION @extschema@._on_sql_drop() IS
    'indb_ml: on DROP of a source, drop its packed copies and prepared graphs; on DROP of a packed table, forget it';

CREATE EVENT TRIGGER @extschema@_sql_drop ON sql_drop EXECUTE FUNCTION @extschema@._on_sql_drop();
