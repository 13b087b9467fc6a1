"""Source fingerprints: may a packed copy (or a prepared graph) of a source be reused? (takes ``plpy``)

A fingerprint has two halves, both read with the caller's rights:

* definition - the source and every partition / inheritance child it reads, each with its
  relkind and relfilenode, and for each the used columns' name, number, type, typmod and
  collation. RENAME, DROP/ADD COLUMN, ALTER TYPE, TRUNCATE, VACUUM FULL, CLUSTER, REFRESH and
  ATTACH/DETACH PARTITION all change it.
* data - row count, the sum of the rows' xmin as ``sum(3 - xmin) mod 2^32`` and the last ctid.
  A committed INSERT, UPDATE or DELETE changes the count or brings in a row with a newer xmin.
  The count and the sum take one scan, in parallel workers: each row's xmin is read as its 32 bits
  by ``xid_bits`` (sql/core.sql, an alias of the built-in unary plus of integer: no lock, no text
  cast, parallel safe - ``mxid_age()`` took a lock per row, ``age()`` is parallel restricted).
  The last ctid is read from the last pages (a TID range scan, widened to the whole relation
  only when those pages hold no visible row).

PostgreSQL keeps no exact cheaper record of "this table changed" that an ordinary role may read
(pg_stat counters are asynchronous and not transactional; relfilenode changes only on rewrites;
page LSNs and the visibility map need superuser functions), so the data half is one scan of
the tuples - unless the table's owner opted in with ``track_changes``: a source every relation
of which is tracked is read from its change log instead (``tracked``, ``change_log.py``).
Packing sums the same term per block while it reads the rows (``packing.py``: ``xmin_term``),
so a first packing pays no scan for its fingerprint: ``prepare`` composes it with ``compose``
(``xmin_sum`` and ``last_ctid``).

``None`` means never reuse: views and foreign tables (through postgres_fdw xmin reads 0), sources
with a foreign partition, sources with row-level security (what a role sees may depend on
settings), and any source read by a transaction that has already written something (it may have
changed the source, and its own rows share one xmin; autocommit trainings are not affected).
"""
from . import change_log, locks, session

_TWO32 = 1 << 32

_DEFINITION = change_log.SOURCE_TREE + """SELECT bool_or(c.relkind NOT IN ('r', 'p', 'm')) AS unsupported,
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


# pages at the end of a relation searched for its last visible row before the whole relation is
TAIL_PAGES = 16


def definition(plpy, rel, columns, what="source table"):
    """The definition half of relation ``rel``'s fingerprint (a ``identifiers.resolve_table`` dict)
    as read through ``columns`` (the used column names), or None when a copy of it must never be
    reused. Cheap (catalog only).

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
    return d["definition"]


_PAGES = change_log.SOURCE_TREE + """SELECT coalesce(max(pg_catalog.pg_relation_size(c.oid) / current_setting('block_size')::int8), 0) AS p
FROM tree t JOIN pg_catalog.pg_class c ON c.oid = t.oid WHERE c.relkind IN ('r', 'm')
"""


def last_ctid(plpy, rel):
    """The relation's last visible ctid (text, None when it has no row), partitions and inheritance
    children included: read from the last TAIL_PAGES pages of the largest of them (a TID range scan),
    from the whole relation only when those pages hold no visible row. A statement of its own: a
    change since the count and the xmin sum were read only makes a copy look stale."""
    pages = plpy.execute(plpy.prepare(_PAGES, ["oid"]), [rel["oid"]])[0]["p"]
    row = plpy.execute(f"SELECT max(ctid)::text AS c FROM {rel['sql']} "
                       f"WHERE ctid >= '({max(int(pages) - TAIL_PAGES, 0)},0)'::tid")[0]
    if row["c"] is not None or pages <= TAIL_PAGES:
        return row["c"]
    return plpy.execute(f"SELECT max(ctid)::text AS c FROM {rel['sql']}")[0]["c"]


def xmin_term(schema, alias=""):
    """SQL of one row's xmin as its 32 bits (an int4: ``sum`` of it is exact in int8), read through
    the install ``schema``'s ``xid_bits``; ``alias``: the relation's alias with its dot."""
    return f"{schema}.xid_bits({alias}xmin)"


def xmin_sum(n, bits_sum):
    """sum(3 - xmin) mod 2^32 of ``n`` rows from the sum of their ``xmin_term``: the form fingerprints
    have had since v3, so those recorded before xid_bits still compare equal."""
    return (3 * int(n) - int(bits_sum)) % _TWO32


def compose(defn, n, xmins, last):
    """The fingerprint text from its parts: row count, ``xmin_sum`` of the rows, last ctid (text, or
    None for no row)."""
    return f"v3:{defn}:{int(n)}:{int(xmins) % _TWO32}:{last}"


def tracked(plpy, schema, rel, defn):
    """The whole fingerprint of a source every relation of which is tracked (``change_log.py``:
    definition half + change-log reading, no scan), else None. Take it before reading the data."""
    log = None if defn is None else change_log.reading(plpy, schema, rel)
    return None if log is None else f"t1:{defn}:{log}"


def source_fingerprint(plpy, schema, rel, columns, what="source table"):
    """Fingerprint text of relation ``rel`` (a ``identifiers.resolve_table`` dict) as read through
    ``columns`` (the used column names), or None when a copy of it must never be reused; ``schema``:
    the install schema (its ``xid_bits``; a fully tracked source is read from its change log instead).

    Errors when the caller may not SELECT a used column, so a copy is never served to a role
    that lost access to its source."""
    defn = definition(plpy, rel, columns, what)
    if defn is None:
        return None
    fp = tracked(plpy, schema, rel, defn)
    if fp is not None:
        return fp
    # JIT would compile for longer than the scan takes
    with session.settings(plpy, jit="off"):
        row = plpy.execute(f"SELECT count(*) AS n, coalesce(sum({xmin_term(schema)}), 0) AS s "
                           f"FROM {rel['sql']}")[0]
    last = last_ctid(plpy, rel) if row["n"] else None
    return compose(defn, row["n"], xmin_sum(row["n"], row["s"]), last)


def lock(plpy, *key):
    """Serialise work on one key (e.g. packing one source) until the transaction ends (``locks.wait``)."""
    return locks.wait(plpy, "indb_ml:" + "\x1f".join(str(k) for k in key))
