-- 0006: registered shards - postgres_fdw servers whose data indb_ml trains on
-- where it lives (each shard packs its own rows and computes its own partial
-- aggregate). indb_ml.add_shard(server) checks a server and records it here;
-- the indb_ml.shards view adds the live server options.

CREATE TABLE @extschema@.shard_servers (
    server_name     text PRIMARY KEY,   -- pg_foreign_server.srvname (postgres_fdw)
    remote_version  text NOT NULL,      -- indb_ml version on the shard when it was added
    remote_numpy    text NOT NULL,      -- numpy version inside the shard's PL/Python
    remote_server_version text NOT NULL,
    added_by        name NOT NULL DEFAULT current_user,
    added_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE @extschema@.shard_servers IS
    'indb_ml: postgres_fdw servers registered as shards by add_shard (checked: same indb_ml version, numpy loads)';

CREATE VIEW @extschema@.shards AS
SELECT r.server_name,
       (SELECT split_part(o, '=', 2) FROM unnest(s.srvoptions) AS o WHERE o LIKE 'host=%') AS host,
       (SELECT split_part(o, '=', 2) FROM unnest(s.srvoptions) AS o WHERE o LIKE 'port=%') AS port,
       (SELECT split_part(o, '=', 2) FROM unnest(s.srvoptions) AS o WHERE o LIKE 'dbname=%') AS dbname,
       r.remote_version,
       r.remote_numpy,
       r.remote_server_version,
       s.srvoptions AS server_options,
       s.oid IS NOT NULL AS server_exists,
       r.added_by,
       r.added_at
FROM @extschema@.shard_servers r
LEFT JOIN pg_catalog.pg_foreign_server s ON s.srvname = r.server_name;
COMMENT ON VIEW @extschema@.shards IS
    'indb_ml: registered shards with their connection (host, port, dbname) and the versions checked by add_shard';

-- members of indb_ml_user train on sharded sources: they read which servers are shards
-- (registering one alters a foreign server: its owner runs add_shard)
GRANT SELECT ON @extschema@.shard_servers, @extschema@.shards TO indb_ml_user;

-- the packing of a sharded source is a partitioned table (its partitions are foreign tables
-- over the shards' packed tables): dropping a source drops it too
CREATE OR REPLACE FUNCTION @extschema@._drop_owned_packed(owner_name name, table_name text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    rel oid;
BEGIN
    SELECT c.oid INTO rel FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = '@extschema@_data' AND c.relname = table_name AND c.relkind IN ('r', 'p')
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
