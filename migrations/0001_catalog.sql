-- 0001: the catalog - model registry, iteration history, prepared-data registry.
-- Forward-only. The installer runs each migration in its own transaction and
-- records it in @extschema@.schema_migrations.

CREATE TABLE @extschema@.models (
    model_id            bigserial PRIMARY KEY,
    name                text NOT NULL,          -- the output table as given by the user
    algorithm           text NOT NULL,          -- 'linregr', 'logregr', 'pagerank', ...
    source_table        text,
    out_table           text,
    dependent_varname   text,
    independent_varname text,
    grouping_cols       text,
    feature_names       text[],
    params              jsonb NOT NULL DEFAULT '{}'::jsonb,
    metrics             jsonb NOT NULL DEFAULT '{}'::jsonb,
    status              text NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running', 'succeeded', 'failed')),
    owner               name NOT NULL DEFAULT current_user,
    prepared_id         bigint,
    output_tables       text[] NOT NULL DEFAULT '{}',
    started_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at         timestamptz,
    train_ms            double precision
);
CREATE UNIQUE INDEX models_name_key ON @extschema@.models (name);
COMMENT ON TABLE @extschema@.models IS
    'indb_ml model registry: one row per trained model (or graph result), keyed by the output table name';

CREATE TABLE @extschema@.model_iterations (
    model_id    bigint NOT NULL REFERENCES @extschema@.models ON DELETE CASCADE,
    group_key   text NOT NULL DEFAULT '',       -- grouping-column values as text, '' when ungrouped
    iteration   integer NOT NULL,
    loss        double precision,
    grad_norm   double precision,
    step_size   double precision,
    rows        bigint,
    elapsed_ms  double precision,
    info        jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (model_id, group_key, iteration)
);
COMMENT ON TABLE @extschema@.model_iterations IS
    'indb_ml iteration history: what each round of training (or of a graph algorithm) did';

CREATE TABLE @extschema@.prepared_data (
    prepared_id     bigserial PRIMARY KEY,
    source_oid      oid NOT NULL,
    source_table    text NOT NULL,
    x_expr          text NOT NULL,      -- the validated SQL expression that builds the feature array
    y_expr          text NOT NULL,      -- the validated SQL expression of the label ('' when unlabelled)
    grouping_cols   text[] NOT NULL DEFAULT '{}',
    block_size      integer NOT NULL,
    table_name      text NOT NULL,      -- the packed table, inside this schema
    fingerprint     text,               -- NULL: never reused (views)
    n_features      integer NOT NULL,
    n_rows          bigint NOT NULL,    -- rows packed
    n_skipped       bigint NOT NULL,    -- rows skipped for NULL/NaN/Inf
    n_blocks        integer NOT NULL,
    shuffle_seed    double precision NOT NULL,
    prepare_ms      double precision,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_used_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX prepared_data_lookup ON @extschema@.prepared_data (source_oid, x_expr, y_expr);
COMMENT ON TABLE @extschema@.prepared_data IS
    'indb_ml packed copies of source tables: blocks of rows as float64 bytea, reused while the source is unchanged';
