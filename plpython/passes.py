"""One aggregate pass over prepared (packed) data: the only place that writes pass SQL.

Driver helper (takes ``plpy``). Every trainer's pass is the same query shape:

    SELECT <group key>, <part>, <aggregate over p.x, p.y, p.n, p.shuffle_key, task>
    FROM <packed table> p [JOIN <per-group tasks>] WHERE p.n > 0
    [GROUP BY <group key>, <part>]

* grouping columns: each group's task (its current model) is joined from a
  VALUES list, and the pass is grouped by the group key;
* partitioned sources: the packed table is list-partitioned by ``part`` and the
  pass is grouped by ``part`` with partitionwise aggregation, so each partition
  is aggregated on its own (the shape a sharded, postgres_fdw partition needs:
  a full aggregate grouped by the partition key, pushed to the shard);
* parallelism: the packed table's ``parallel_workers`` is chosen by its size at
  prepare time (packing.set_workers), and each pass caps the workers by the
  packed bytes, what a worker costs on this server (``workers.py``: ~0.15 s
  to import numpy, ~0.02 s when the server preloads it) and its CPUs. An ungrouped pass (a
  partial aggregate straight over the parallel scan) keeps the leader aggregating
  blocks from the start while the workers start, then they join in; a grouped or
  ordered pass (a sort before the aggregate) turns leader participation off, or
  the leader's sort would drain the table of blocks before the workers start.
  Every pass turns off JIT, which compiles for longer than the pass takes.

A pass returns the partial states per group key; the caller adds them with its
kernel's merge function.
"""
import time

from . import blocks, session, workers

# what a pass sets for its duration (and gives back)
PASS_SETTINGS = {"jit": "off", "parallel_leader_participation": "off", "enable_partitionwise_aggregate": "on"}


def leader_aggregates(prep, ordered=False):
    """Does the leader take blocks too? Not when a sort precedes the aggregate (grouped, partitioned
    or ordered passes): its sort would drain the table of blocks before the workers start."""
    return not (prep["group_sql"] or partitioned(prep) or ordered)


def settings(prep, ordered=False, max_workers=None):
    """The settings of one pass (``leader_aggregates``: leader participation); ``max_workers`` (if
    given) caps the parallel workers of each Gather."""
    out = dict(PASS_SETTINGS)
    if leader_aggregates(prep, ordered):
        out["parallel_leader_participation"] = "on"
    if max_workers is not None:
        out["max_parallel_workers_per_gather"] = int(max_workers)
    return out


def worker_cap(plpy, prep, ordered=False):
    """The parallel workers a pass over ``prep`` gets here: by its packed bytes, whether the server
    preloads numpy and how many CPUs it has (workers.py); ``run`` keeps the caller's
    max_parallel_workers_per_gather if lower."""
    return workers.for_bytes(workers.packed_bytes(prep), workers.preloaded(plpy), workers.server_cpus(),
                             leader_aggregates(prep, ordered))


def run_settings(plpy, prep, ordered=False, max_workers=None):
    """``settings`` for session.settings: the worker cap applied to the caller's own value
    (``max_workers``: a lower cap, e.g. 0 for a pass over the small ``stats`` column)."""
    cap = worker_cap(plpy, prep, ordered)
    out = settings(prep, ordered, cap if max_workers is None else min(cap, int(max_workers)))
    cap = out["max_parallel_workers_per_gather"]
    out["max_parallel_workers_per_gather"] = lambda mine: min(cap, int(mine))
    return out


def group_key_sql(prep, alias=""):
    """SQL of one text key per group (``''`` without grouping columns)."""
    if not prep["group_sql"]:
        return "''::text"
    cols = ", ".join(alias + g for g in prep["group_sql"])
    return f"ROW({cols})::text"


def bytea_literal(raw):
    return f"decode('{bytes(raw).hex()}', 'hex')"


def partitioned(prep):
    return prep["source"]["relkind"] == "p"


def query(plpy, prep, aggregate, tasks=None, ordered=False):
    """The SQL of a pass. ``aggregate`` is the aggregate call over ``p.x, p.y, p.n, p.shuffle_key``
    with ``{task}`` where the group's task goes; ``tasks`` {group key: task bytes} (None: the aggregate takes no task).
    ``ordered``: blocks reach the aggregate in the shuffle order recorded at prepare time, per
    partition (SGD epochs are reproducible). Result columns: gkey, part, st."""
    table = prep["table"]
    grouped = bool(prep["group_sql"])
    key = group_key_sql(prep, "p.")
    if tasks is None:
        task_sql, join = "NULL::bytea", ""
    elif grouped:
        values = ", ".join(f"({plpy.quote_literal(k)}, {bytea_literal(t)})" for k, t in tasks.items())
        task_sql, join = "m.task", f" JOIN (VALUES {values}) AS m(gkey, task) ON m.gkey = {key}"
    else:
        (task,) = tasks.values()
        task_sql, join = bytea_literal(task), ""
    per_part = partitioned(prep) or ordered
    part = "p.part" if per_part else "NULL::oid"
    keys = ([key] if grouped else []) + (["p.part"] if per_part else [])
    if ordered:
        src = (f"(SELECT {key} AS gkey, p.part, p.x, p.y, p.n, p.shuffle_key, {task_sql} AS task "
               f"FROM {table} AS p{join} WHERE p.n > 0 ORDER BY 1, 2, p.shuffle_key) AS p")
        return (f"SELECT p.gkey, p.part, {aggregate.format(task='p.task')} AS st FROM {src} "
                f"GROUP BY p.gkey, p.part")
    call = aggregate.format(task=task_sql)
    group_by = f" GROUP BY {', '.join(keys)}" if keys else ""
    return f"SELECT {key} AS gkey, {part} AS part, {call} AS st FROM {table} AS p{join} WHERE p.n > 0{group_by}"


def run(plpy, prep, aggregate, tasks=None, ordered=False, max_workers=None):
    """Run a pass -> ({group key: [partial states]}, elapsed ms). ``max_workers``: see ``run_settings``."""
    if prep.get("shards"):   # one pushed-down aggregate per shard, checked by EXPLAIN (docs/sharding.md)
        from . import shard_passes
        return shard_passes.run(plpy, prep, aggregate, tasks, ordered)
    t0 = time.perf_counter()
    sql = query(plpy, prep, aggregate, tasks, ordered)
    out = {}
    with session.settings(plpy, **run_settings(plpy, prep, ordered, max_workers)):
        for row in plpy.execute(sql):
            out.setdefault(row["gkey"], []).append(row["st"])
    return out, (time.perf_counter() - t0) * 1000.0


def combine(parts, merge):
    """Add a group's partial states with the kernel's merge function -> state bytes (None if there
    are none). States arrive as bytea, or as float8[] from an aggregate with a final function."""
    acc = None
    for raw in parts:
        if raw is None:
            continue
        raw = bytes(raw) if isinstance(raw, (bytes, bytearray, memoryview)) else blocks.to_bytes(raw)
        acc = merge(acc, raw)
    return acc


def group_rows(plpy, prep):
    """[(key, rows, skipped)] of every group in the prepared table (all-skipped groups included)."""
    if prep.get("shards") and not prep["group_sql"]:   # the totals the shards reported when packing
        return [("", int(prep["n_rows"]), int(prep["n_skipped"]))]
    key = group_key_sql(prep)
    return [(r["gkey"], int(r["n"]), int(r["skipped"])) for r in plpy.execute(
        f"SELECT {key} AS gkey, coalesce(sum(n), 0)::bigint AS n, coalesce(sum(n_skipped), 0)::bigint AS skipped "
        f"FROM {prep['table']} GROUP BY 1 ORDER BY 1")]


def group_values(plpy, prep):
    """{group key: {grouping column: value}} of every group in the prepared table."""
    if not prep["group_sql"]:
        return {"": {}}
    names = [g for g, _ in prep["groups"]]
    out = {}
    for r in plpy.execute(f"SELECT DISTINCT {', '.join(prep['group_sql'])}, {group_key_sql(prep)} AS _indb_gkey "
                          f"FROM {prep['table']}"):
        out[r["_indb_gkey"]] = {g: r[g] for g in names}
    return out
