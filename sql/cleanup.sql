-- cleanup: remove a model (its tables and registry row), or packed copies whose source is gone
-- (drop_prepared(source) in core.sql removes those of one source).
--   SELECT @extschema@.drop_model('public.adult_logregr');
--   SELECT @extschema@.drop_orphans();                  -- packed copies whose source table is gone
-- The Python client calls these when it closes, for what it created (uploads, unnamed models).

CREATE OR REPLACE FUNCTION @extschema@.drop_model(model_name text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    m record;
    t text;
    dropped integer := 0;
BEGIN
    SELECT * INTO m FROM @extschema@.models
    WHERE name = model_name
       OR name = (SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_catalog.pg_class c
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.oid = pg_catalog.to_regclass(model_name))
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    FOR t IN SELECT DISTINCT u FROM unnest(m.output_tables || ARRAY[m.out_table]) AS u WHERE u IS NOT NULL LOOP
        IF pg_catalog.to_regclass(t) IS NOT NULL THEN
            EXECUTE format('DROP TABLE %s', pg_catalog.to_regclass(t));
            dropped := dropped + 1;
        END IF;
    END LOOP;
    DELETE FROM @extschema@.models WHERE model_id = m.model_id;
    RETURN dropped;
END
$$;
COMMENT ON FUNCTION @extschema@.drop_model(text) IS
    'indb_ml: drop a model''s output tables and its registry row (with its iteration history); returns the number of tables dropped';

CREATE OR REPLACE FUNCTION @extschema@.drop_orphans()
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN SELECT p.prepared_id, p.table_name FROM @extschema@.prepared_data p
             WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = p.source_oid) LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I.%I', '@extschema@', r.table_name);
        DELETE FROM @extschema@.prepared_data WHERE prepared_id = r.prepared_id;
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.drop_orphans() IS
    'indb_ml: drop packed copies (prepared_data) whose source table no longer exists; returns how many';
