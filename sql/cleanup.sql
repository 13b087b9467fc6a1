-- cleanup: packed copies whose source is gone without a DROP (drop_prepared(source) in core.sql
-- removes those of one source, drop_model in catalog.sql a model; a DROP of the source removes
-- its copies by the event trigger of migration 0004).
--   SELECT @extschema@.drop_orphans();

CREATE OR REPLACE FUNCTION @extschema@.drop_orphans()
RETURNS integer LANGUAGE plpython3u AS $py$
"""The caller's packed copies whose source is gone without a DROP (a temporary table at session end)."""
#@kernel packed_store
return packed_store.drop_orphans(plpy, "@extschema@")
$py$;
COMMENT ON FUNCTION @extschema@.drop_orphans() IS
    'indb_ml: drop the caller''s packed copies whose source table no longer exists (temporary tables of ended sessions); returns how many';
