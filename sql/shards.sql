-- shards: train on a table split over PostgreSQL servers with postgres_fdw.
--   CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db1', port '5432', dbname 'sales');
--   CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user 'ml', password '...');
--   SELECT @extschema@.add_shard('shard1');
-- A partitioned table whose partitions are foreign tables on registered shards
-- is then a sharded source for every trainer on packed blocks: each shard packs
-- its own rows (shard_prepare, run over dblink) and computes its own partial
-- aggregate (pushed down by postgres_fdw); the coordinator combines them.

CREATE OR REPLACE FUNCTION @extschema@.add_shard(server_name text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel shards
return shards.add(plpy, "@extschema@", server_name)
$py$;
COMMENT ON FUNCTION @extschema@.add_shard(text) IS
    'indb_ml: register a postgres_fdw server as a shard after checking it (indb_ml extension at the same version, numpy loads); sets its options extensions, async_capable, fdw_tuple_cost';

CREATE OR REPLACE FUNCTION @extschema@.drop_shard(server_name text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel shards
return shards.drop(plpy, "@extschema@", server_name)
$py$;
COMMENT ON FUNCTION @extschema@.drop_shard(text) IS
    'indb_ml: unregister a shard and drop the coordinator''s packed tables that read from it (the server and its options stay)';

CREATE OR REPLACE VIEW @extschema@.shards AS
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

CREATE OR REPLACE FUNCTION @extschema@.shard_prepare(
    source_table text,
    dependent_varname text,
    independent_varname text,
    grouping_cols text,
    block_size integer,
    part oid,
    seed float8,
    label_values text[]
) RETURNS jsonb LANGUAGE plpython3u AS $py$
#@kernel shard_packing
return shard_packing.shard_prepare(plpy, "@extschema@", source_table, dependent_varname, independent_varname,
                                   grouping_cols, block_size, part, seed, label_values)
$py$;
COMMENT ON FUNCTION @extschema@.shard_prepare(text, text, text, text, integer, oid, float8, text[]) IS
    'indb_ml (runs on a shard, called by the coordinator over dblink): pack or reuse this shard''s rows of a sharded source, recording part as the coordinator''s partition';
