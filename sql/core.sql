-- core: shared building blocks of every indb_ml module - the block codec,
-- data preparation (packing a source into blocks) and server introspection.
-- Every function runs with the caller's rights (SECURITY INVOKER).

CREATE OR REPLACE FUNCTION @extschema@.server_info()
RETURNS jsonb LANGUAGE plpython3u STABLE AS $py$
import json, sys
try:
    import numpy
    nv = numpy.__version__
except ImportError:
    nv = None
#@kernel workers
return json.dumps({"python": sys.version.split()[0], "prefix": sys.prefix, "numpy": nv,
                   "cpus": workers.usable_cpus()})
$py$;
COMMENT ON FUNCTION @extschema@.server_info() IS
    'indb_ml: the Python and numpy versions that PL/Python uses inside this server, and the CPUs a pass may use';

CREATE OR REPLACE FUNCTION @extschema@.f8_pack(arr bytea)
RETURNS bytea LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel blocks
return blocks.pack_array_send(arr)
$py$;
COMMENT ON FUNCTION @extschema@.f8_pack(bytea) IS
    'indb_ml: binary float8[] (array_send) -> raw little-endian float64 bytes, the packed-block format';

-- The data part of a float8 array without NULLs, as bytea: raw float64 in the server's byte order,
-- no per-element conversion (array_send converts every element). f8_raw is the built-in
-- bytea substring applied to the array's bytes (any varlena is safe to read as bytea);
-- f8_block skips the array header: 16 bytes + 8 per dimension, padded to 8, minus the
-- 4-byte length word that bytea does not show.
CREATE OR REPLACE FUNCTION @extschema@.f8_raw(arr float8[], start integer)
RETURNS bytea LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE AS 'bytea_substr_no_len';
COMMENT ON FUNCTION @extschema@.f8_raw(float8[], integer) IS
    'indb_ml: the bytes of a float8 array from position start (1-based), as bytea; used by f8_block';

CREATE OR REPLACE FUNCTION @extschema@.f8_block(arr float8[])
RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $sql$
SELECT @extschema@.f8_raw(arr, ((23 + 8 * array_ndims(arr)) / 8) * 8 - 3)
$sql$;
COMMENT ON FUNCTION @extschema@.f8_block(float8[]) IS
    'indb_ml: a float8 array without NULLs -> its values as raw float64 bytes (server byte order), the packed-block format on little-endian servers';

-- A transaction id's 32 bits as a (signed) integer: the per-row term of a source's fingerprint,
-- sum(xid_bits(xmin)) (plpython/fingerprint.py). An alias of the built-in unary plus of integer:
-- xid and integer are both 4 bytes passed by value, so the function returns the xid's bits
-- unchanged. Unlike mxid_age(), which takes a lock per row, and age(), which is parallel
-- restricted, it costs no more than reading the column, in parallel workers too.
CREATE OR REPLACE FUNCTION @extschema@.xid_bits(x xid)
RETURNS integer LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE AS 'int4up';
COMMENT ON FUNCTION @extschema@.xid_bits(xid) IS
    'indb_ml: a transaction id''s 32 bits as integer (-2^31 .. 2^31 - 1); summed over xmin by source fingerprints';

DROP TYPE IF EXISTS @extschema@.f8_block_rows CASCADE;
CREATE TYPE @extschema@.f8_block_rows AS (x bytea, y bytea, n integer, dropped integer, stats bytea);

CREATE OR REPLACE FUNCTION @extschema@.f8_clean(x bytea, y bytea, n integer)
RETURNS @extschema@.f8_block_rows LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $py$
#@kernel suffstats
return suffstats.clean_block(x, y, n)
$py$;
COMMENT ON FUNCTION @extschema@.f8_clean(bytea, bytea, integer) IS
    'indb_ml: a packed block without its rows holding NaN or infinite values, how many were dropped (x, y, n, dropped NULL when there are none), and the sufficient statistics of the rows kept (plpython/suffstats.py)';

CREATE OR REPLACE FUNCTION @extschema@.f8_unpack(raw bytea)
RETURNS float8[] LANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$
#@kernel blocks
return blocks.vector(raw).tolist()
$py$;
COMMENT ON FUNCTION @extschema@.f8_unpack(bytea) IS
    'indb_ml: raw float64 bytes of a packed block -> float8[] (for inspection)';

CREATE OR REPLACE FUNCTION @extschema@.prepare(
    source_table text,
    dependent_varname text,
    independent_varname text,
    grouping_cols text DEFAULT NULL,
    block_size integer DEFAULT 2000
) RETURNS bigint LANGUAGE plpython3u AS $py$
#@kernel prepare
if block_size is None or block_size < 1:
    plpy.error("block_size must be a positive number of rows")
info = prepare.ensure(plpy, "@extschema@", source_table, dependent_varname, independent_varname,
                      grouping_cols, block_size)
return info["prepared_id"]
$py$;
COMMENT ON FUNCTION @extschema@.prepare(text, text, text, text, integer) IS
    'indb_ml: pack a source table into blocks of rows (reused by training while the source is unchanged); returns the prepared_id';

CREATE OR REPLACE FUNCTION @extschema@.drop_prepared(source_table text DEFAULT NULL)
RETURNS integer LANGUAGE plpython3u AS $py$
"""Drop the caller's packed copies: of one source, or all when source_table is NULL."""
#@kernel packed_store
mine = "owner = current_user"
if source_table is None:
    rows = plpy.execute(f"DELETE FROM @extschema@.prepared_data WHERE {mine} RETURNING table_name")
else:
    rows = plpy.execute(plpy.prepare(
        f"DELETE FROM @extschema@.prepared_data WHERE {mine} AND source_oid = pg_catalog.to_regclass($1) "
        f"RETURNING table_name", ["text"]), [source_table])
for row in rows:
    name = plpy.quote_literal(row["table_name"])
    if plpy.execute(f"SELECT {packed_store.owned_by_me_sql('@extschema@', name)} AS m")[0]["m"]:
        plpy.execute(f"DROP TABLE {packed_store.data_schema('@extschema@')}.{plpy.quote_ident(row['table_name'])}")
return len(rows)
$py$;
COMMENT ON FUNCTION @extschema@.drop_prepared(text) IS
    'indb_ml: drop the caller''s packed copies of one source table (or all of them, given NULL); returns how many';
