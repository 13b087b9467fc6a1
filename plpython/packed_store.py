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
    """SQL condition: the table named by ``name_expr`` is in the data schema and owned by the current role."""
    return (f"EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace ns "
            f"ON ns.oid = c.relnamespace WHERE ns.nspname = '{data_schema(schema)}' AND c.relname = {name_expr} "
            f"AND c.relkind IN ('r', 'p') AND c.relowner = (SELECT r.oid FROM pg_catalog.pg_roles r "
            f"WHERE r.rolname = current_user))")
