-- 0003: prepared graphs - vertex ids renumbered to dense integers once, edges
-- with out-degree, indexes both ways and a packed CSR copy for the engine;
-- reused by every graph algorithm while the sources are unchanged.

CREATE TABLE @extschema@.prepared_graphs (
    graph_id        bigserial PRIMARY KEY,
    vertex_oid      oid,                -- NULL: vertices are the edge endpoints
    vertex_table    text,
    vertex_id       text,               -- column name in the vertex table
    edge_oid        oid NOT NULL,
    edge_table      text NOT NULL,
    src             text NOT NULL,      -- resolved column names
    dest            text NOT NULL,
    weight          text NOT NULL DEFAULT '',   -- '' when unweighted
    directed        boolean NOT NULL,
    id_type         text NOT NULL,      -- SQL type of the original vertex ids
    fingerprint     text,               -- NULL: never reused (views)
    table_prefix    text NOT NULL,      -- _graph_<id>: _v (vertices), _e (edges), _csr (packed)
    n_vertices      bigint NOT NULL,
    n_edges         bigint NOT NULL,    -- stored directed edges (undirected: both directions)
    n_input_edges   bigint NOT NULL,    -- rows of the edge table
    n_null_skipped  bigint NOT NULL,    -- rows with a NULL endpoint, skipped
    n_duplicates    bigint NOT NULL,    -- rows merged into an earlier edge between the same vertices
    n_self_loops    bigint NOT NULL,
    n_null_weights  bigint NOT NULL DEFAULT 0,
    min_weight      double precision,
    prepare_ms      double precision,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_used_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX prepared_graphs_lookup ON @extschema@.prepared_graphs (edge_oid, src, dest, weight, directed);
COMMENT ON TABLE @extschema@.prepared_graphs IS
    'indb_ml prepared graphs: dense vertex numbering, edges indexed both ways and packed CSR, reused while the sources are unchanged';
