-- 0004: registered shards - postgres_fdw servers whose data indb_ml trains on
-- where it lives (each shard packs its own rows and computes its own partial
-- aggregate). indb_ml.add_shard(server) checks a server and records it here;
-- the indb_ml.shards view (sql/shards.sql) adds the live server options.

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
