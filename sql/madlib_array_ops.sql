-- MADlib's element-wise array operations (its array_ops module), which its users' SQL and its
-- install-check tests use around model calls: array_add, array_sub, array_mult, array_div,
-- array_dot, array_scalar_mult, and the vector norms norm1, norm2, dist_norm1, dist_norm2,
-- squared_dist_norm2. Arrays of different lengths are an error, NULL in gives NULL out.

DO $do$
DECLARE
    op record;
BEGIN
    FOR op IN SELECT * FROM (VALUES ('array_add', '+'), ('array_sub', '-'), ('array_mult', '*'),
                                    ('array_div', '/')) AS t(name, sym) LOOP
        EXECUTE format($f$
            CREATE OR REPLACE FUNCTION @extschema@.%1$I(a float8[], b float8[]) RETURNS float8[]
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $b$
            BEGIN
                IF cardinality(a) <> cardinality(b) THEN
                    RAISE EXCEPTION '%1$s: the arrays have %% and %% elements', cardinality(a), cardinality(b);
                END IF;
                RETURN ARRAY(SELECT x %2$s y FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i) ORDER BY i);
            END
            $b$;
            COMMENT ON FUNCTION @extschema@.%1$I(float8[], float8[]) IS
                'indb_ml: MADlib''s element-wise a %2$s b';
        $f$, op.name, op.sym);
    END LOOP;
END
$do$;

CREATE OR REPLACE FUNCTION @extschema@.array_dot(a float8[], b float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT sum(x) FROM unnest(@extschema@.array_mult(a, b)) AS x
$$;
COMMENT ON FUNCTION @extschema@.array_dot(float8[], float8[]) IS 'indb_ml: MADlib''s dot product of two arrays';

CREATE OR REPLACE FUNCTION @extschema@.array_scalar_mult(a float8[], s float8) RETURNS float8[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT x * s FROM unnest(a) WITH ORDINALITY AS t(x, i) ORDER BY i)
$$;
COMMENT ON FUNCTION @extschema@.array_scalar_mult(float8[], float8) IS 'indb_ml: MADlib''s array times a scalar';

CREATE OR REPLACE FUNCTION @extschema@.norm1(a float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT sum(abs(x)) FROM unnest(a) AS x $$;
CREATE OR REPLACE FUNCTION @extschema@.norm2(a float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT sqrt(sum(x * x)) FROM unnest(a) AS x $$;
CREATE OR REPLACE FUNCTION @extschema@.dist_norm1(a float8[], b float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT @extschema@.norm1(@extschema@.array_sub(a, b)) $$;
CREATE OR REPLACE FUNCTION @extschema@.dist_norm2(a float8[], b float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT @extschema@.norm2(@extschema@.array_sub(a, b)) $$;
CREATE OR REPLACE FUNCTION @extschema@.squared_dist_norm2(a float8[], b float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT sum(x * x) FROM unnest(@extschema@.array_sub(a, b)) AS x
$$;
COMMENT ON FUNCTION @extschema@.norm1(float8[]) IS 'indb_ml: MADlib''s L1 norm';
COMMENT ON FUNCTION @extschema@.norm2(float8[]) IS 'indb_ml: MADlib''s Euclidean norm';
COMMENT ON FUNCTION @extschema@.dist_norm1(float8[], float8[]) IS 'indb_ml: MADlib''s L1 distance';
COMMENT ON FUNCTION @extschema@.dist_norm2(float8[], float8[]) IS 'indb_ml: MADlib''s Euclidean distance';
COMMENT ON FUNCTION @extschema@.squared_dist_norm2(float8[], float8[]) IS 'indb_ml: MADlib''s squared Euclidean distance';
