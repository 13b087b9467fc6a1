"""MADlib's grouping_cols for the graph functions: one run per group of the edge table.

Each distinct combination of the grouping columns (NULL is a value, as in GROUP BY) gets its
own copy of its edges (a temp table with every column, so edge_args still apply); the
algorithm runs on it through its own SQL function into a temp output, and the rows are
copied into the caller's output table and ``<out>_summary`` with the grouping columns
first (MADlib's layout). As in MADlib, a group's vertices are the endpoints of its edges
(the vertex table only names the id column), so each group is its own graph.
"""
from . import identifiers

_GRP = "_indb_graph_groups"


def columns(plpy, fn, edge_table, grouping_cols):
    """grouping_cols text -> [catalog column names] of edge_table ([] for NULL/'')."""
    try:
        items = identifiers.parse_name_list(grouping_cols, "grouping_cols")
    except identifiers.NameError_ as exc:
        plpy.error(f"{fn}: {exc}")
    if not items:
        return []
    edges = identifiers.resolve_table(plpy, edge_table, f"{fn}: edge_table")
    ecols = identifiers.table_columns(plpy, edges["oid"])
    names = [identifiers.resolve_column(plpy, ecols, it, edges["sql"], "grouping_cols") for it in items]
    if len(set(names)) != len(names):
        plpy.error(f"{fn}: grouping_cols {grouping_cols!r} names a column twice")
    return names


def run(plpy, schema, fn, edge_table, gcols, out_table, invoke, skip_error=None):
    """Run ``invoke(edge_tmp, out_tmp)`` once per group; returns a one-line report.

    ``skip_error(message)`` -> 'warning' or 'notice' drops that group with that message instead
    of failing the call (MADlib: an SSSP group with a negative cycle is dropped with a warning,
    a group whose graph lacks the source vertex has no rows); None: the error stands.
    """
    q = plpy.quote_ident
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    summary = identifiers.sibling_table(plpy, out, "_summary", f"{fn}: summary table")
    edges = identifiers.resolve_table(plpy, edge_table, f"{fn}: edge_table")
    glist = ", ".join(q(c) for c in gcols)
    match = " AND ".join(f"e.{q(c)} IS NOT DISTINCT FROM g.{q(c)}" for c in gcols)
    plpy.execute(f"DROP TABLE IF EXISTS pg_temp.{_GRP}")
    plpy.execute(f"CREATE TEMP TABLE {_GRP} AS SELECT row_number() OVER (ORDER BY {glist}) AS _k, {glist} "
                 f"FROM (SELECT DISTINCT {glist} FROM {edges['sql']}) d")
    ngroups = plpy.execute(f"SELECT count(*) AS n FROM pg_temp.{_GRP}")[0]["n"]
    gsel = ", ".join(f"g.{q(c)}" for c in gcols)
    done, skipped = 0, []
    for k in range(1, ngroups + 1):
        e_tmp, o_tmp = f"pg_temp._indb_grp_e{k}", f"pg_temp._indb_grp_o{k}"
        plpy.execute(plpy.prepare(
            f"CREATE TEMP TABLE _indb_grp_e{k} AS SELECT e.* FROM {edges['sql']} e JOIN pg_temp.{_GRP} g "
            f"ON {match} WHERE g._k = $1", ["int8"]), [k])
        try:
            with plpy.subtransaction():
                invoke(e_tmp, o_tmp)
        except plpy.SPIError as exc:
            msg = str(exc)
            level = skip_error(msg) if skip_error is not None else None
            if level is None:
                raise
            skipped.append(k)
            (plpy.warning if level == "warning" else plpy.notice)(f"{fn}: group {k} dropped: {msg}")
        else:
            for dst, src in ((out, o_tmp), (summary, o_tmp + "_summary")):
                body = (f"SELECT {gsel}, o.* FROM {src} o CROSS JOIN pg_temp.{_GRP} g WHERE g._k = $1")
                first = plpy.execute(plpy.prepare("SELECT pg_catalog.to_regclass($1) IS NULL AS f", ["text"]),
                                     [dst["sql"]])[0]["f"]
                stmt = f"CREATE TABLE {dst['sql']} AS {body}" if first else f"INSERT INTO {dst['sql']} {body}"
                plpy.execute(plpy.prepare(stmt, ["int8"]), [k])
            done += 1
        plpy.execute(f"DROP TABLE IF EXISTS {o_tmp}, {o_tmp}_summary")
        forget(plpy, schema, o_tmp)
        plpy.execute(plpy.prepare(f"SELECT {schema}.graph_drop_prepared($1)", ["text"]), [e_tmp])
        plpy.execute(f"DROP TABLE IF EXISTS {e_tmp}")
    plpy.execute(f"DROP TABLE IF EXISTS pg_temp.{_GRP}")
    if done == 0:
        plpy.error(f"{fn}: no group of {edges['sql']} gave a result"
                   + (f" ({len(skipped)} dropped)" if skipped else ""))
    return (f"{fn}: {out['sql']}: {done} of {ngroups} groups by ({', '.join(gcols)})"
            + (f", {len(skipped)} dropped" if skipped else ""))



def forget(plpy, schema, tmp_out):
    """A per-group (or copied) run's registry entry names a temp table that is gone: drop the entry."""
    plpy.execute(plpy.prepare(f"DELETE FROM {schema}.models WHERE name = $1 AND owner = current_user", ["text"]),
                 [tmp_out])
