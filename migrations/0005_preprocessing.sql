-- 0005: recorded encodings - what encode_categorical did to each column, so that new data
-- (prediction, evaluation) gets exactly the same columns (apply_encoding). Rows are their
-- owner's, like the rest of the catalog (0004).

CREATE TABLE @extschema@.encodings (
    encoding_id     bigserial PRIMARY KEY,
    name            text NOT NULL,          -- the output table (quoted, qualified) = the encoding's name
    source_table    text NOT NULL,
    columns         jsonb NOT NULL,         -- [{"column", "levels": [...], "names": [...], "other": name|null}]
    params          jsonb NOT NULL DEFAULT '{}'::jsonb,
    owner           name NOT NULL DEFAULT current_user,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX encodings_owner_name_key ON @extschema@.encodings (owner, name);
COMMENT ON TABLE @extschema@.encodings IS
    'indb_ml encode_categorical runs: the levels kept per column and the output column names, re-applied by apply_encoding';

ALTER TABLE @extschema@.encodings ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON @extschema@.encodings USING (owner = current_user) WITH CHECK (owner = current_user);
GRANT SELECT, INSERT, DELETE ON @extschema@.encodings TO indb_ml_user;
GRANT USAGE ON SEQUENCE @extschema@.encodings_encoding_id_seq TO indb_ml_user;

-- standardize: the driver merges the transform it learnt into params while the training runs
-- (the row-level policy already limits updates to the caller's running models)
GRANT UPDATE (params) ON @extschema@.models TO indb_ml_user;
