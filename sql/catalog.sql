-- catalog: removing what a role owns. Rows of the registry and of the prepared-data catalogs
-- are visible only to the role that made them (row-level security, migrations/0004); these
-- functions run with the caller's rights and touch only the caller's rows and tables.
--   SELECT @extschema@.drop_model('public.my_model');

CREATE OR REPLACE FUNCTION @extschema@.drop_model(model_name text, drop_tables boolean DEFAULT true)
RETURNS integer LANGUAGE plpython3u AS $py$
"""Forget one of the caller's models and drop its output tables (those the caller owns)."""
#@kernel evaluate
if model_name is None or not str(model_name).strip():
    plpy.error("drop_model: model_name is empty: give the model's output table name")
plan = plpy.prepare("SELECT model_id, name, output_tables, out_table FROM @extschema@.models "
                    "WHERE name = $1 AND owner = current_user", ["text"])
rows = plpy.execute(plan, [model_name])
if not rows:
    try:
        rows = plpy.execute(plan, [evaluate.qualified_name(plpy, model_name)])
    except plpy.SPIError:
        rows = []
if not rows:
    plpy.error(f"drop_model: model {model_name!r} is not one of your models in @extschema@.models")
row = rows[0]
dropped = 0
if drop_tables is None or drop_tables:
    tables = list(row["output_tables"] or []) or ([row["out_table"]] if row["out_table"] else [])
    for t in tables:
        found = plpy.execute(plpy.prepare(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1) "
            "AND c.relkind = 'r' "
            "AND c.relowner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)", ["text"]), [t])
        if found:
            plpy.execute(f"DROP TABLE {found[0]['q']}")
            dropped += 1
plpy.execute(plpy.prepare("DELETE FROM @extschema@.models WHERE model_id = $1", ["int8"]), [row["model_id"]])
return dropped
$py$;
COMMENT ON FUNCTION @extschema@.drop_model(text, boolean) IS
    'indb_ml: remove one of the caller''s models from the registry (with its iteration history) and, unless drop_tables => false, drop its output tables that the caller owns; returns how many tables were dropped';

-- The table a user names as a model, checked against the caller's registry: it must be the very
-- relation (by OID) one of the caller's succeeded models of that algorithm was trained into, a
-- plain table still owned by the model's owner. Returns the model's output tables (quoted names)
-- with the bound one first.
CREATE OR REPLACE FUNCTION @extschema@._bound_model(model text, algorithm text, fname text)
RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    rel regclass := pg_catalog.to_regclass(model);
    r record;
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION '%: model % does not exist', fname, model;
    END IF;
    SELECT m.owner, m.output_tables INTO r FROM @extschema@.models m
    WHERE m.out_oid::oid = rel::oid AND m.algorithm = $2 AND m.status = 'succeeded'
    ORDER BY (m.owner = current_user) DESC, m.model_id DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION '%: % is not the table of one of your % models in @extschema@.models', fname, model, algorithm;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = rel::oid AND c.relkind = 'r'
                   AND pg_catalog.pg_get_userbyid(c.relowner) = r.owner) THEN
        RAISE EXCEPTION '%: model % is not a table owned by the model''s owner %', fname, model, r.owner;
    END IF;
    RETURN ARRAY[rel::text] || r.output_tables;
END
$$;

-- true when t is exactly one identifier as quote_ident writes it (safe to paste into SQL)
CREATE OR REPLACE FUNCTION @extschema@._is_quoted_ident(t text)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    parts text[];
BEGIN
    IF t IS NULL THEN
        RETURN false;
    END IF;
    parts := pg_catalog.parse_ident(t, false);
    RETURN pg_catalog.cardinality(parts) = 1 AND pg_catalog.quote_ident(parts[1]) = t;
EXCEPTION WHEN OTHERS THEN
    RETURN false;
END
$$;
