-- preprocessing: data preparation in SQL (plpython/preprocessing.py).
--   SELECT @extschema@.encode_categorical('adult', 'adult_enc', 'sex, race, workclass', top_k => 5);
--   SELECT @extschema@.apply_encoding('adult_enc', 'adult_new', 'adult_new_enc');   -- same columns for new data
--   SELECT @extschema@.train_test_split('adult', 'adult_train', 'adult_test', 0.25, 42, 'income');
-- Trainers also take text features directly (one-hot at prepare time, plpython/encoding.py).

CREATE OR REPLACE FUNCTION @extschema@.encode_categorical(
    source_table text,
    out_table text,
    categorical_cols text,
    top_k integer DEFAULT NULL,
    other_label text DEFAULT 'other',
    drop_first boolean DEFAULT false
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel preprocessing
return preprocessing.encode_categorical(plpy, "@extschema@", source_table, out_table, categorical_cols, top_k,
                                        other_label, drop_first)
$py$;
COMMENT ON FUNCTION @extschema@.encode_categorical(text, text, text, integer, text, boolean) IS
    'indb_ml: one-hot encoding like pandas.get_dummies (other columns first, then <column>_<level> 0/1 columns, levels sorted; NULL gives zeros); top_k keeps the most frequent levels and adds <column>_<other_label>; recorded in encodings under out_table for apply_encoding';

CREATE OR REPLACE FUNCTION @extschema@.apply_encoding(encoding_name text, source_table text, out_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel preprocessing
return preprocessing.apply_encoding(plpy, "@extschema@", encoding_name, source_table, out_table)
$py$;
COMMENT ON FUNCTION @extschema@.apply_encoding(text, text, text) IS
    'indb_ml: encode new data exactly as a recorded encode_categorical run (same output columns; unseen levels count as other, or as all zeros without top_k)';

CREATE OR REPLACE FUNCTION @extschema@.train_test_split(
    source_table text,
    train_out text,
    test_out text,
    test_fraction float8 DEFAULT 0.25,
    seed bigint DEFAULT 0,
    stratify_col text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel preprocessing
return preprocessing.train_test_split(plpy, source_table, train_out, test_out, test_fraction, seed, stratify_col)
$py$;
COMMENT ON FUNCTION @extschema@.train_test_split(text, text, text, float8, bigint, text) IS
    'indb_ml: split a table into train_out and test_out: ceil(n * test_fraction) rows (per stratum of stratify_col) to test, chosen by a hash of (seed, row): deterministic for a seed, independent of physical row order; both outputs keep the source''s primary key';
