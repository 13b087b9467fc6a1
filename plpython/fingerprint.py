"""Source fingerprints: may a packed copy (or a prepared graph) of a source be reused? (takes ``plpy``)

A fingerprint has two halves, both read with the caller's rights:

* definition - the source and every partition / inheritance child it reads, each with its
  relkind and relfilenode, and for each the used columns' name, number, type, typmod and
  collation. RENAME, DROP/ADD COLUMN, ALTER TYPE, TRUNCATE, VACUUM FULL, CLUSTER, REFRESH and
  ATTACH/DETACH PARTITION all change it.
* data - one scan: row count, the sum of the rows' xmin (mod 2^32, through ``age(xmin)``,
  which is about twice as cheap as a text cast) and the last ctid. A committed INSERT, UPDATE
  or DELETE changes the count or brings in a row with a newer xmin.

PostgreSQL keeps no exact cheaper record of "this table changed" (pg_stat counters are
asynchronous and not transactional; relfilenode changes only on rewrites), so the data half
stays one scan.

``None`` means never reuse: views and foreign tables (through postgres_fdw xmin reads 0), sources
with a foreign partition, sources with row-level security (what a role sees may depend on
settings), and any source read by a transaction that has already written something (it may have
changed the source, and its own rows share one xmin; autocommit trainings are not affected).
"""
from . import locks

_TWO32 = 1 << 32

_DEFINITION = """
WITH RECURSIVE tree(oid) AS (
    SELECT $1::oid
    UNION SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree t ON i.inhparent = t.oid)
SELECT bool_or(c.relkind NOT IN ('r', 'p', 'm')) AS unsupported,
       bool_or(c.relrowsecurity) AS rls,
       pg_catalog.pg_current_xact_id_if_assigned() IS NOT NULL AS writing,
       (SELECT coalesce(bool_and(pg_catalog.has_column_privilege($1::oid, u, 'SELECT')), true)
        FROM unnest($2::text[]) AS u) AS readable,
       pg_catalog.md5(string_agg(c.oid::text || ':' || c.relkind::text || ':' || c.relfilenode::text || ':'
                                 || coalesce(a.cols, ''), ';' ORDER BY c.oid)) AS definition
FROM tree t JOIN pg_catalog.pg_class c ON c.oid = t.oid
LEFT JOIN LATERAL (
    SELECT string_agg(a.attname::text || '/' || a.attnum::text || '/' || a.atttypid::text || '/' || a.atttypmod::text
                      || '/' || a.attcollation::text, ',' ORDER BY a.attname) AS cols
    FROM pg_catalog.pg_attribute a
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY ($2::name[])) a ON true
"""


def source_fingerprint(plpy, rel, columns, what="source table"):
    """Fingerprint text of relation ``rel`` (a ``identifiers.resolve_table`` dict) as read through
    ``columns`` (the used column names), or None when a copy of it must never be reused.

    Errors when the caller may not SELECT a used column, so a copy is never served to a role
    that lost access to its source."""
    if rel["relkind"] not in ("r", "p", "m"):
        return None
    cols = sorted({c for c in columns if c})
    d = plpy.execute(plpy.prepare(_DEFINITION, ["oid", "text[]"]), [rel["oid"], cols])[0]
    if not d["readable"]:
        plpy.error(f"permission denied: cannot SELECT the used columns ({', '.join(cols)}) of {what} {rel['sql']}")
    if d["unsupported"] or d["rls"] or d["writing"]:
        return None
    row = plpy.execute(
        f"SELECT count(*) AS n, coalesce(sum(pg_catalog.age(xmin)::int8), 0) "
        f"- count(*) * pg_catalog.age('3'::xid)::int8 AS x, max(ctid)::text AS c FROM {rel['sql']}")[0]
    return f"v2:{d['definition']}:{row['n']}:{int(row['x']) % _TWO32}:{row['c']}"


def lock(plpy, *key):
    """Serialise work on one key (e.g. packing one source) until the transaction ends (``locks.wait``)."""
    return locks.wait(plpy, "indb_ml:" + "\x1f".join(str(k) for k in key))
