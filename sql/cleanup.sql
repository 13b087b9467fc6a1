-- cleanup: packed copies whose source is gone without a DROP (drop_prepared(source) in core.sql
-- removes those of one source, drop_model in catalog.sql a model; a DROP of the source removes
-- its copies by the event trigger of migration 0004).
--   SELECT @extschema@.drop_orphans();

CREATE OR REPLACE FUNCTION @extschema@.drop_orphans()
RETURNS integer LANGUAGE plpython3u AS $py$
"""The caller's packed copies whose source is gone without a DROP (a temporary table at session end)."""
#@kernel packed_store
rows = plpy.execute("DELETE FROM @extschema@.prepared_data p WHERE owner = current_user AND NOT EXISTS "
                    "(SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = p.source_oid) RETURNING table_name")
for row in rows:
    if plpy.execute(f"SELECT {packed_store.owned_by_me_sql('@extschema@', plpy.quote_literal(row['table_name']))} AS m"
                    )[0]["m"]:
        plpy.execute(f"DROP TABLE {packed_store.data_schema('@extschema@')}.{plpy.quote_ident(row['table_name'])}")
return len(rows)
$py$;
COMMENT ON FUNCTION @extschema@.drop_orphans() IS
    'indb_ml: drop the caller''s packed copies whose source table no longer exists (temporary tables of ended sessions); returns how many';
