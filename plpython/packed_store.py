"""Where packed data and prepared graphs live, and who may use them.

They are tables in ``<schema>_data`` (members of ``indb_ml_user`` may CREATE there; the
``<schema>`` schema with the functions stays closed), owned by the role that made them, with
no grants to others. Names carry 64 random bits, so another role can neither guess nor
pre-create them. A catalog row is trusted only together with the table it names: that table
must exist in ``<schema>_data`` and be owned by the current role (``OWNED_BY_ME``).
"""
import secrets


def data_schema(schema):
    return f"{schema}_data"


def new_name(prefix):
    """An unpredictable table name such as ``_prep_3f9a0c1d2b4e5f60``."""
    return f"{prefix}_{secrets.token_hex(8)}"


def owned_by_me_sql(schema, name_expr):
    """SQL condition: the table named by ``name_expr`` is in the data schema and owned by the current role
    (a plain table, or the partitioned table of a sharded source's packing)."""
    return (f"EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace ns "
            f"ON ns.oid = c.relnamespace WHERE ns.nspname = '{data_schema(schema)}' AND c.relname = {name_expr} "
            f"AND c.relkind IN ('r', 'p') AND c.relowner = (SELECT r.oid FROM pg_catalog.pg_roles r "
            f"WHERE r.rolname = current_user))")


def drop_orphans(plpy, schema):
    """Drop the current role's packed copies whose source is gone without a DROP (a temporary
    table at the end of its session fires no event trigger); returns how many. Run before every
    new packing, so such copies live at most until the role packs again."""
    rows = plpy.execute(f"DELETE FROM {schema}.prepared_data p WHERE owner = current_user AND NOT EXISTS "
                        f"(SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = p.source_oid) RETURNING table_name")
    for row in rows:
        if plpy.execute(f"SELECT {owned_by_me_sql(schema, plpy.quote_literal(row['table_name']))} AS m")[0]["m"]:
            plpy.execute(f"DROP TABLE {data_schema(schema)}.{plpy.quote_ident(row['table_name'])}")
    return len(rows)
