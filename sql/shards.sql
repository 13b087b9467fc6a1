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
