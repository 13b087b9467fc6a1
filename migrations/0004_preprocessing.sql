-- 0004: recorded encodings - what encode_categorical did to each column, so that new data
-- (prediction, evaluation) gets exactly the same columns (apply_encoding).

CREATE TABLE @extschema@.encodings (
    encoding_id     bigserial PRIMARY KEY,
    name            text NOT NULL,          -- the output table (quoted, qualified) = the encoding's name
    source_table    text NOT NULL,
    columns         jsonb NOT NULL,         -- [{"column", "levels": [...], "names": [...], "other": name|null}]
    params          jsonb NOT NULL DEFAULT '{}'::jsonb,
    owner           name NOT NULL DEFAULT current_user,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX encodings_name_key ON @extschema@.encodings (name);
COMMENT ON TABLE @extschema@.encodings IS
    'indb_ml encode_categorical runs: the levels kept per column and the output column names, re-applied by apply_encoding';
