"""Aggregate passes over a sharded packed table: one pushed-down aggregate per shard, all at once.

The coordinator's packed table is list-partitioned by ``part`` with foreign
partitions on the shards, so ``SELECT part, agg(...) FROM packed GROUP BY
part`` under ``enable_partitionwise_aggregate`` becomes an Append of one
(async) Foreign Scan per shard whose remote SQL contains the aggregate: each
shard reads its own blocks and returns one state (a few KB), the driver
combines the states with the kernel's merge. Before an aggregate's first
pass the plan is checked with EXPLAIN (VERBOSE): a shard that would ship its
blocks instead of its aggregate is an error naming the server. A shard that
fails during a pass gives an error naming it (server, host:port) and the
step, never the remote SQL with the hex-encoded model.
"""
import json
import re
import time

import numpy as np

from . import blocks, shards


def is_sharded(prep):
    return bool(prep.get("shards"))


def pass_sql(schema, prep, agg_sql, where=""):
    """One state per partition (and group): grouping columns, part, st. Grouped passes wrap it to add the
    group key (computed here, above the pushed-down aggregate)."""
    if not prep["group_sql"]:
        return f"SELECT p.part, {agg_sql} AS st FROM {prep['table']} AS p WHERE p.n > 0{where} GROUP BY p.part"
    g = ", ".join(f"p.{c}" for c in prep["group_sql"])
    key = "ROW(" + ", ".join(f"s.{c}" for c in prep["group_sql"]) + ")::text"
    return (f"SELECT {key} AS gkey, s.st FROM (SELECT {g}, p.part, {agg_sql} AS st FROM {prep['table']} AS p "
            f"WHERE p.n > 0{where} GROUP BY {g}, p.part) AS s")


def _settings(plpy, values):
    """Set GUCs for this transaction; returns the previous values (to restore)."""
    old = {}
    for key, value in values.items():
        old[key] = plpy.execute(plpy.prepare("SELECT current_setting($1) AS v", ["text"]), [key])[0]["v"]
        plpy.execute(plpy.prepare("SELECT set_config($1, $2, true)", ["text", "text"]), [key, value])
    return old


PASS_SETTINGS = {"enable_partitionwise_aggregate": "on", "enable_async_append": "on"}


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def remote_scans(plan_json):
    """Foreign Scan nodes of an EXPLAIN (VERBOSE, FORMAT JSON) plan: [(relations, remote sql, async)]."""
    plan = plan_json[0]["Plan"] if isinstance(plan_json, list) else plan_json["Plan"]
    return [(n.get("Relations", ""), n.get("Remote SQL", ""), bool(n.get("Async Capable")))
            for n in _plan_nodes(plan) if n.get("Node Type") == "Foreign Scan"]


def check_pushdown(plpy, schema, prep, agg_sql, params, types, fname, where=""):
    """EXPLAIN the pass; every shard must compute the aggregate remotely, else an error naming the server."""
    func = agg_sql.split("(", 1)[0].split(".")[-1]
    plan = plpy.prepare(f"EXPLAIN (VERBOSE, FORMAT JSON) {pass_sql(schema, prep, agg_sql, where)}", types)
    raw = plpy.execute(plan, params)[0]["QUERY PLAN"]
    scans = remote_scans(json.loads(raw) if isinstance(raw, str) else raw)
    for shard in prep["shards"]:
        child = shard["child"]
        pushed = [s for s in scans if re.search(rf"\b{re.escape(child)}\b", s[0]) and s[0].startswith("Aggregate")
                  and func in s[1]]
        if not pushed:
            info = shards.server_info(plpy, shard["server"], fname)
            plpy.error(f"{fname}: shard {info['label']} would not compute {func} remotely (the plan pulls its "
                       f"packed blocks to the coordinator): indb_ml must be an extension here and on the shard, "
                       f"and the server needs the options extensions 'indb_ml' and a raised fdw_tuple_cost: run "
                       f"SELECT {schema}.add_shard({plpy.quote_literal(shard['server'])})")
    return scans


def aggregate(plpy, schema, prep, agg_sql, params=(), types=(), step="a training pass", fname=None, where=""):
    """Run ``agg_sql`` (e.g. "indb_ml.pca_cov_agg(x, n)") on every shard -> ([per-partition states], ms);
    grouped: ({group key: [per-partition states]}, ms)."""
    fname = fname or prep.get("caller", "training")
    checked = prep.setdefault("_pushdown_checked", set())
    old = _settings(plpy, PASS_SETTINGS)
    try:
        if agg_sql + where not in checked:
            check_pushdown(plpy, schema, prep, agg_sql, list(params), list(types), fname, where)
            checked.add(agg_sql + where)
        t0 = time.perf_counter()
        try:
            rows = plpy.execute(plpy.prepare(pass_sql(schema, prep, agg_sql, where), list(types)), list(params))
        except plpy.SPIError as exc:
            fault(plpy, schema, prep, exc, step, fname)
        ms = (time.perf_counter() - t0) * 1000.0
    finally:
        _settings(plpy, old)
    if not prep["group_sql"]:
        return [r["st"] for r in rows], ms
    out = {}
    for r in rows:
        out.setdefault(r["gkey"], []).append(r["st"])
    return out, ms


def group_values(plpy, prep):
    """{group key: [value of each grouping column]} of the packed table (read once per training)."""
    if "_group_values" not in prep:
        g = ", ".join(prep["group_sql"])
        key = "ROW(" + g + ")::text"
        rows = plpy.execute(f"SELECT DISTINCT {key} AS _gkey, {g} FROM {prep['table']}")
        prep["_group_values"] = {r["_gkey"]: [r[name] for name, _ in prep["groups"]] for r in rows}
    return prep["_group_values"]


def combine(states, merge):
    """Partial states (bytea, or float8[] after a FINALFUNC) -> one state of the same kind, via ``merge``."""
    acc, as_list = None, False
    for st in states:
        if st is None:
            continue
        if isinstance(st, (list, tuple)):
            as_list = True
            st = blocks.to_bytes(np.asarray(st, dtype=float))
        acc = merge(acc, bytes(st))
    if acc is None:
        return None
    return blocks.from_bytes(acc).tolist() if as_list else acc


def run(plpy, prep, aggregate_sql, tasks=None, ordered=False, step=None, task_type="bytea"):
    """A pass over a sharded table -> ({group key: [partial states]}, ms).

    ``aggregate_sql``: the aggregate call over ``p.x, p.y, p.n, p.shuffle_key`` with ``{task}`` where the
    group's task (model) goes; ``tasks`` {group key: task bytes} or None. ``ordered`` (SGD): each shard
    feeds its blocks in the shuffle order recorded at packing (an ORDER BY inside the aggregate, which
    postgres_fdw ships). Grouped, each group's task is picked by a CASE on the grouping columns
    (shippable, unlike the join with a VALUES list a single-node pass uses), so one pushed-down query
    serves every group."""
    schema, _, name = aggregate_sql.split("(", 1)[0].rpartition(".")
    step = step or f"a training pass ({name})"

    def call(task_sql):
        text = aggregate_sql.format(task=task_sql)
        return text[:-1] + " ORDER BY p.shuffle_key)" if ordered else text

    if tasks is None or not prep["group_sql"]:
        if tasks is None:
            agg, params, types = call("NULL::bytea"), [], []
        else:
            (task,) = tasks.values()
            agg, params, types = call("$1"), [task], [task_type]
        states, ms = aggregate(plpy, schema, prep, agg, params, types, step)
        return ({"": states} if not prep["group_sql"] else states), ms
    values = group_values(plpy, prep)
    params, types, whens = [], [], []
    for key, task in tasks.items():
        conds = []
        for (name_, typ), value in zip(prep["groups"], values[key]):
            params.append(value)
            types.append(typ)
            conds.append(f"p.{plpy.quote_ident(name_)} IS NOT DISTINCT FROM ${len(params)}")
        params.append(task)
        types.append(task_type)
        whens.append(f"WHEN {' AND '.join(conds)} THEN ${len(params)}")
    case = f"CASE {' '.join(whens)} END"
    return aggregate(plpy, schema, prep, call(case), params, types, step, where=f" AND ({case}) IS NOT NULL")


def rows_by_group(plpy, prep, aggregate_sql, merge, step):
    """For drivers that read one row per group (its grouping columns, ``s`` the state, ``n`` the rows):
    a sharded pass, the states combined per group with ``merge``."""
    states, _ = run(plpy, prep, aggregate_sql, None, False, step)
    if not prep["group_sql"]:
        return [{"s": combine(states.get("", []), merge), "n": int(prep["n_rows"])}]
    g = ", ".join(prep["group_sql"])
    counts = {r["k"]: int(r["n"]) for r in plpy.execute(
        f"SELECT ROW({g})::text AS k, sum(n)::bigint AS n FROM {prep['table']} WHERE n > 0 GROUP BY {g}")}
    values = group_values(plpy, prep)
    out = []
    for key, parts in states.items():
        row = dict(zip([name for name, _ in prep["groups"]], values[key]))
        row.update(s=combine(parts, merge), n=counts[key])
        out.append(row)
    return out


def glm_pass(plpy, schema, prep, tasks, ordered=False):
    """glm_driver.run_pass for a sharded table."""
    return run(plpy, prep, f"{schema}.glm_pass(p.x, p.y, p.n, p.shuffle_key, {{task}})", tasks, ordered)


def fault(plpy, schema, prep, exc, step, fname):
    shards.fault(plpy, [s["server"] for s in prep["shards"]], exc, step, fname)
