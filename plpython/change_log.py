"""The data half of a fingerprint from the opt-in change log, without a scan (takes ``plpy``).

``track_changes(table)`` (sql/change_tracking.sql, migrations/0007) puts a statement-level
trigger on a table and each of its partitions / inheritance children that appends one row per
write statement (INSERT, UPDATE, DELETE, TRUNCATE, COPY, MERGE) to ``source_changes``, in the
writer's transaction. Rows are only ever added (compaction merges rows without changing the
three sums below), so the rows a snapshot sees of one relation only grow: their count changes
with every committed write statement, including one that commits after a later id was read.

A source is read from the log only when every relation it reads carries the trigger as
created (AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE, FOR EACH STATEMENT, no WHEN, no column
list, ``_source_changed``) and ENABLE ALWAYS (so it also fires under
``session_replication_role = replica``); otherwise ``reading`` returns None and the caller
scans. The trigger row's OID and xmin are part of the reading: dropping, re-creating,
disabling or re-enabling it changes them, so writes made meanwhile cannot go unseen.

Take the reading BEFORE reading the data: a write committed in between makes the next reading
differ (the copy looks stale: safe), where a reading taken after could include a write the data
missed.
"""

# the relation $1 and every partition / inheritance child it reads (what reading it reads), as CTE "tree";
# the fingerprint's queries start from it too
SOURCE_TREE = """
WITH RECURSIVE tree(oid) AS (
    SELECT $1::oid
    UNION SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree t ON i.inhparent = t.oid)
"""

# tgtype 60 = INSERT 4 | DELETE 8 | UPDATE 16 | TRUNCATE 32, with row (1), before (2), instead (64) unset;
# {schema} is the install schema (a plain identifier), filled in per call
_READING = SOURCE_TREE + """SELECT bool_and(g.oid IS NOT NULL) AS tracked,
       string_agg(c.oid::text || ':' || coalesce(g.oid::text || '/' || g.xmin::text, '-') || ':'
                  || l.n::text || ':' || l.s::text || ':' || l.m::text, ';' ORDER BY c.oid) AS log
FROM tree t JOIN pg_catalog.pg_class c ON c.oid = t.oid
LEFT JOIN pg_catalog.pg_trigger g
       ON g.tgrelid = c.oid AND g.tgname = 'indb_ml_track_changes' AND g.tgenabled = 'A'
      AND g.tgfoid = '{schema}._source_changed()'::pg_catalog.regprocedure
      AND g.tgtype = 60 AND g.tgqual IS NULL AND pg_catalog.cardinality(g.tgattr::int2[]) = 0
CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.n), 0) AS n, coalesce(sum(coalesce(x.s, x.id)), 0) AS s, coalesce(max(x.id), 0) AS m
    FROM {schema}.source_changes x WHERE x.relid = c.oid) l
"""


def reading(plpy, schema, rel):
    """The change-log reading of relation ``rel`` (a ``identifiers.resolve_table`` dict) as text, or None
    when not every relation it reads is tracked (the caller scans). One index read per relation."""
    if schema is None or rel["relkind"] not in ("r", "p"):
        return None
    row = plpy.execute(plpy.prepare(_READING.format(schema=schema), ["oid"]), [rel["oid"]])[0]
    return row["log"] if row["tracked"] else None
