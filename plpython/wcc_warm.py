"""MADlib's resumable WCC: iteration_limit stops a run early, warm_start continues it.

A stopped run leaves its labels in ``out_table`` (component_id so far), the vertices still to
update in ``<out>_message(id, component_id)`` and their number in the summary's
``nodes_to_update``; a warm start reads them back (as dense vertex numbers of the same prepared
graph), replaces the three tables, and drops the message table once the run has converged.
"""
import numpy as np

from . import graph, graph_prepare, identifiers


def message_table(plpy, out):
    return {"sql": plpy.quote_ident(out["schema"]) + "." + plpy.quote_ident(out["name"] + "_message"),
            "schema": out["schema"], "name": out["name"] + "_message"}


def _exists(plpy, sql):
    return plpy.execute(plpy.prepare("SELECT pg_catalog.to_regclass($1) IS NOT NULL AS e", ["text"]), [sql])[0]["e"]


def resume(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table, edge_args, directed):
    """Validate a stopped run's tables -> (out, summary, message, prep, id_name, label, sched)."""
    q = plpy.quote_ident
    old = identifiers.resolve_table(plpy, out_table, f"{fn}: warm_start: out_table")
    out = {"sql": old["sql"], "schema": old["schema"], "name": old["name"], "given": out_table}
    summary = {"sql": q(old["schema"]) + "." + q(old["name"] + "_summary"), "schema": old["schema"],
               "name": old["name"] + "_summary"}
    message = message_table(plpy, out)
    if not _exists(plpy, summary["sql"]):
        plpy.error(f"{fn}: warm_start: {summary['sql']} is missing")
    if not _exists(plpy, message["sql"]):
        plpy.error(f"{fn}: warm_start: {message['sql']} is missing: the last run of {out['sql']} completed "
                   f"(or the table was dropped)")
    info = plpy.execute(f"SELECT method, vertex_id, component_column FROM {summary['sql']} LIMIT 1")
    if not info or info[0]["method"] != "wcc":
        plpy.error(f"{fn}: warm_start: {out['sql']} is not a stopped wcc() output")
    spec = graph.resolve(plpy, fn, vertex_table, vertex_id, edge_table, edge_args, directed)
    prep = graph_prepare.ensure(plpy, schema, spec)
    prep["schema"] = schema              # (graph_results calls back into this schema's functions)
    id_name, cname = info[0]["vertex_id"], info[0]["component_column"]
    n = prep["n_vertices"]
    rows = plpy.execute(f"SELECT v.vid, c.vid AS c FROM {out['sql']} o JOIN {prep['v_sql']} v "
                        f"ON v.id = o.{q(id_name)} JOIN {prep['v_sql']} c ON c.id = o.{q(cname)}")
    if len(rows) != n:
        plpy.error(f"{fn}: warm_start: {out['sql']} does not match the graph of {edge_table} "
                   f"({len(rows)} of {n} vertices): the tables changed since the stopped run")
    label = np.arange(n, dtype=np.int64)
    label[np.array([r["vid"] for r in rows], dtype=np.int64)] = [r["c"] for r in rows]
    sched = np.array(sorted(r["vid"] for r in plpy.execute(
        f"SELECT v.vid FROM {message['sql']} m JOIN {prep['v_sql']} v ON v.id = m.{q(id_name)}")), dtype=np.int64)
    plpy.execute(f"DROP TABLE {out['sql']}, {summary['sql']}, {message['sql']}")
    return out, summary, message, prep, id_name, label, sched


def write_message(plpy, prep, message, id_name, cname, label, sched):
    """The pending vertices with their current component into <out>_message (MADlib's message table)."""
    q = plpy.quote_ident
    plpy.execute(plpy.prepare(
        f"CREATE TABLE {message['sql']} AS SELECT v.id AS {q(id_name)}, c.id AS {q(cname)} "
        f"FROM unnest($1::int4[], $2::int4[]) AS u(v, c) JOIN {prep['v_sql']} v ON v.vid = u.v "
        f"JOIN {prep['v_sql']} c ON c.vid = u.c", ["int4[]", "int4[]"]),
        [sched.astype(np.int32).tolist(), label[sched].astype(np.int32).tolist()])
