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


def _sibling(plpy, out, suffix):
    return {"sql": plpy.quote_ident(out["schema"]) + "." + plpy.quote_ident(out["name"] + suffix)}


def _exists(plpy, sql):
    return plpy.execute(plpy.prepare("SELECT pg_catalog.to_regclass($1) IS NOT NULL AS e", ["text"]), [sql])[0]["e"]


def run(plpy, schema, fn, edge_table, gcols, out_table, invoke, skip_error=None, extra=(), warm=False):
    """Run ``invoke(edge_tmp, out_tmp)`` once per group; returns a one-line report.

    ``skip_error(message)`` -> 'warning' or 'notice' drops that group with that message instead
    of failing the call (MADlib: an SSSP group with a negative cycle is dropped with a warning,
    a group whose graph lacks the source vertex has no rows); None: the error stands.
    ``extra``: further optional sibling tables a run may write (WCC's '_message'), gathered too.
    ``warm``: the output tables exist (a stopped WCC run): each group's rows are handed back to
    its run as its own out_table, summary and extra tables, then the tables are rebuilt.
    """
    q = plpy.quote_ident
    edges = identifiers.resolve_table(plpy, edge_table, f"{fn}: edge_table")
    glist = ", ".join(q(c) for c in gcols)
    match = " AND ".join(f"e.{q(c)} IS NOT DISTINCT FROM g.{q(c)}" for c in gcols)
    plpy.execute(f"DROP TABLE IF EXISTS pg_temp.{_GRP}")
    plpy.execute(f"CREATE TEMP TABLE {_GRP} AS SELECT row_number() OVER (ORDER BY {glist}) AS _k, {glist} "
                 f"FROM (SELECT DISTINCT {glist} FROM {edges['sql']}) d")
    ngroups = plpy.execute(f"SELECT count(*) AS n FROM pg_temp.{_GRP}")[0]["n"]
    suffixes = ("", "_summary") + tuple(extra)
    if warm:
        old = identifiers.resolve_table(plpy, out_table, f"{fn}: warm_start: out_table")
        out = {"sql": old["sql"], "schema": old["schema"], "name": old["name"]}
        for suffix in suffixes:
            src = _sibling(plpy, out, suffix)["sql"]
            if not _exists(plpy, src):
                plpy.error(f"{fn}: warm_start: {src} is missing")
            cols = [c for c in identifiers.table_columns(plpy, plpy.execute(plpy.prepare(
                "SELECT pg_catalog.to_regclass($1)::oid AS o", ["text"]), [src])[0]["o"]) if c not in gcols]
            for k in range(1, ngroups + 1):
                plpy.execute(plpy.prepare(
                    f"CREATE TEMP TABLE _indb_grp_o{k}{suffix} AS SELECT {', '.join('e.' + q(c) for c in cols)} "
                    f"FROM {src} e JOIN pg_temp.{_GRP} g ON {match} WHERE g._k = $1", ["int8"]), [k])
        plpy.execute(f"DROP TABLE {', '.join(_sibling(plpy, out, x)['sql'] for x in suffixes)}")
    else:
        out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
        for suffix in suffixes[1:]:
            identifiers.sibling_table(plpy, out, suffix, f"{fn}: {suffix[1:]} table")
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
            for suffix in suffixes:
                dst, src = _sibling(plpy, out, suffix), o_tmp + suffix
                if not _exists(plpy, src):
                    continue
                body = (f"SELECT {gsel}, o.* FROM {src} o CROSS JOIN pg_temp.{_GRP} g WHERE g._k = $1")
                first = plpy.execute(plpy.prepare("SELECT pg_catalog.to_regclass($1) IS NULL AS f", ["text"]),
                                     [dst["sql"]])[0]["f"]
                stmt = f"CREATE TABLE {dst['sql']} AS {body}" if first else f"INSERT INTO {dst['sql']} {body}"
                plpy.execute(plpy.prepare(stmt, ["int8"]), [k])
            done += 1
        plpy.execute(f"DROP TABLE IF EXISTS {', '.join(o_tmp + x for x in suffixes)}")
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
