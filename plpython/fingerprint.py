"""Source fingerprints: may a packed copy (or a prepared graph) of a source be reused? (takes ``plpy``)

A fingerprint has two halves, both read with the caller's rights:

* definition - the source and every partition / inheritance child it reads, each with its
  relkind and relfilenode, and for each the used columns' name, number, type, typmod and
  collation. RENAME, DROP/ADD COLUMN, ALTER TYPE, TRUNCATE, VACUUM FULL, CLUSTER, REFRESH and
  ATTACH/DETACH PARTITION all change it.
* data - row count, the sum of the rows' xmin as ``sum(3 - xmin) mod 2^32`` and the last ctid.
  A committed INSERT, UPDATE or DELETE changes the count or brings in a row with a newer xmin.
  The count and the sum take one scan, in parallel workers: the sum is read through
  ``mxid_age(xmin)`` (the multixact counter minus the argument, parallel safe, where ``age()``
  is parallel restricted and a text cast costs twice as much), and the counter cancels out of
  ``sum(mxid_age(xmin)) - count * mxid_age('3')`` as long as it does not move during the scan -
  read before and after; if it moved, the scan is repeated with ``xmin::text::int8`` (same value).
  The last ctid is read from the last pages (a TID range scan, widened to the whole relation
  only when those pages hold no visible row).

PostgreSQL keeps no exact cheaper record of "this table changed" that an ordinary role may read
(pg_stat counters are asynchronous and not transactional; relfilenode changes only on rewrites;
page LSNs and the visibility map need superuser functions), so the data half is one scan of
the tuples - unless the table's owner opted in with ``track_changes``: a source every relation
of which is tracked is read from its change log instead (``tracked``, ``change_log.py``).
Packing sums the count and the xmin term per block while it reads the rows (``packing.py``,
with ``age(xmin)``: ``PACKING_XMIN_TERM``), so a first packing pays no scan for its fingerprint:
``prepare`` composes it with ``compose`` (and ``last_ctid``).

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


def counter(plpy):
    """``mxid_age('3')`` now: the term that cancels the multixact counter out of a sum of
    ``mxid_age(xmin)`` (XMIN_TERM) taken while it did not move."""
    return int(plpy.execute("SELECT pg_catalog.mxid_age('3'::xid) AS a")[0]["a"])


# per row; summed over n rows: sum(XMIN_TERM) - n * counter() = sum(3 - xmin) mod 2^32
XMIN_TERM = "pg_catalog.mxid_age({}xmin)"

# The packing's own reading (packing.py: a serial INSERT, so age(), which is parallel restricted, may
# run there). age(xmin) counts from the transaction's stable xid: it cannot move while packing and takes
# no lock per row (mxid_age reads the multixact counter under one: ~5% of a packing). age() is INT_MAX
# for a non-normal xmin - a row frozen before 9.4 keeps xmin 2 - which the sum replaces by 3 - 2 = 1
# (plus the counter that cancels). Summed over n rows: packing_sum - n * packing_counter() = sum(3 - xmin).
PACKING_XMIN_TERM = "pg_catalog.age({}xmin)"


def packing_sum(term):
    """SQL summing the packing's per-row term (a column holding PACKING_XMIN_TERM) over a block."""
    return (f"(coalesce(sum({term}), 0)::int8 + count(*) FILTER (WHERE {term} = 2147483647) "
            f"* (1 + pg_catalog.age('3'::xid)::int8 - 2147483647))")


def packing_counter(plpy):
    """``age('3')`` in this transaction: cancels its stable xid out of a ``packing_sum``."""
    return int(plpy.execute("SELECT pg_catalog.age('3'::xid) AS a")[0]["a"])


def compose(defn, n, xmin_sum, last):
    """The fingerprint text from its parts: row count, sum(3 - xmin) (any representative mod 2^32),
    last ctid (text, or None for no row)."""
    return f"v3:{defn}:{int(n)}:{int(xmin_sum) % _TWO32}:{last}"


def tracked(plpy, schema, rel, defn):
    """The whole fingerprint of a source every relation of which is tracked (``change_log.py``:
    definition half + change-log reading, no scan), else None. Take it before reading the data."""
    log = None if defn is None else change_log.reading(plpy, schema, rel)
    return None if log is None else f"t1:{defn}:{log}"


def source_fingerprint(plpy, rel, columns, what="source table", schema=None):
    """Fingerprint text of relation ``rel`` (a ``identifiers.resolve_table`` dict) as read through
    ``columns`` (the used column names), or None when a copy of it must never be reused. With the
    install ``schema``, a fully tracked source is read from its change log instead of scanned.

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
        before = counter(plpy)
        row = plpy.execute(f"SELECT count(*) AS n, coalesce(sum({XMIN_TERM.format('')}), 0) AS s "
                           f"FROM {rel['sql']}")[0]
        if counter(plpy) == before:
            xmin_sum = int(row["s"]) - int(row["n"]) * before
        else:   # a multixact was created during the scan: the exact, slower reading
            row = plpy.execute(f"SELECT count(*) AS n, coalesce(sum(xmin::text::int8), 0) AS s "
                               f"FROM {rel['sql']}")[0]
            xmin_sum = 3 * int(row["n"]) - int(row["s"])
    last = last_ctid(plpy, rel) if row["n"] else None
    return compose(defn, row["n"], xmin_sum, last)


def lock(plpy, *key):
    """Serialise work on one key (e.g. packing one source) until the transaction ends (``locks.wait``)."""
    return locks.wait(plpy, "indb_ml:" + "\x1f".join(str(k) for k in key))
