"""MADlib's graph measures over a graph_apsp() output, and vertex degrees over an edge table.

The APSP table's layout (its src, dest and weight column names) comes from ``<apsp>_summary``;
every other column except ``parent`` is a grouping column. Each measure writes one table,
grouping columns first, as MADlib does.
"""
from . import graph, identifiers


def layout(plpy, fn, apsp_table):
    """-> (table, src, dest, weight, [grouping columns])."""
    t, cols, row = identifiers.summary_table(plpy, fn, apsp_table, "apsp_table", "graph_apsp",
                                             ("src_column", "dest_column", "weight_column"))
    if row is None:
        plpy.error(f"{fn}: {t['sql']} is not a graph_apsp output table (no {t['name']}_summary)")
    names = (row["src_column"], row["dest_column"], row["weight_column"])
    if any(n not in cols for n in names):
        plpy.error(f"{fn}: {t['sql']} is not a graph_apsp output table")
    groups = [c for c in cols if c not in names and c != "parent"]
    return t, names[0], names[1], names[2], groups


def _no_filter(plpy, fn, vertex_filter_expr):
    if vertex_filter_expr is not None and str(vertex_filter_expr).strip():
        plpy.error(f"{fn}: vertex_filter_expr is not supported (a WHERE clause is not pasted into SQL); "
                   f"filter the output table instead")


def _gsql(plpy, groups):
    g = "".join(f"{plpy.quote_ident(c)}, " for c in groups)
    by = ", ".join(plpy.quote_ident(c) for c in groups)
    return g, by


def closeness(plpy, apsp_table, out_table, vertex_filter_expr=None):
    """Per source: 1/sum(d), k/sum(d), sum(1/d) (0 for d = 0), k = the other vertices it reaches."""
    fn = "graph_closeness"
    _no_filter(plpy, fn, vertex_filter_expr)
    t, s, d, w, groups = layout(plpy, fn, apsp_table)
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    q = plpy.quote_ident
    g, _ = _gsql(plpy, groups)
    inf = "'Infinity'::float8"
    plpy.execute(f"""CREATE TABLE {out['sql']} AS
        SELECT {g}{q(s)}, 1.0 / sum_dist AS inverse_sum_dist,
               CASE WHEN k_degree = 0 THEN NULL ELSE k_degree::float8 / sum_dist END AS inverse_avg_dist,
               sum_inverse_dist, k_degree
        FROM (SELECT {g}{q(s)},
                     sum(CASE WHEN {q(w)} = {inf} OR {q(s)} = {q(d)} THEN NULL ELSE {q(w)} END) AS sum_dist,
                     sum(CASE WHEN {q(w)} = {inf} THEN NULL WHEN {q(w)} = 0 THEN 0.
                              ELSE 1.0 / {q(w)} END) AS sum_inverse_dist,
                     count(CASE WHEN {q(w)} = {inf} OR {q(s)} = {q(d)} THEN NULL ELSE 1 END) AS k_degree
              FROM {t['sql']} GROUP BY {g}{q(s)}) x""")
    return f"{fn}: {out['sql']}"


def diameter(plpy, apsp_table, out_table):
    """The longest finite shortest path per group, and its end vertices as rows of a 2-D array."""
    fn = "graph_diameter"
    t, s, d, w, groups = layout(plpy, fn, apsp_table)
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    q = plpy.quote_ident
    g, by = _gsql(plpy, groups)
    using = ", ".join([q(c) for c in groups] + [q(w)])
    plpy.execute(f"""CREATE TABLE {out['sql']} AS
        SELECT {g}{q(w)} AS diameter, array_agg(ARRAY[{q(s)}, {q(d)}] ORDER BY {q(s)}, {q(d)})
               AS diameter_end_vertices
        FROM {t['sql']} JOIN (SELECT {g}max({q(w)}) AS {q(w)} FROM {t['sql']}
                              WHERE {q(w)} <> 'Infinity'::float8 {('GROUP BY ' + by) if by else ''}) m
             USING ({using})
        GROUP BY {g}{q(w)}""")
    return f"{fn}: {out['sql']}"


def avg_path_length(plpy, apsp_table, out_table, vertex_filter_expr=None):
    """The mean finite shortest-path length over pairs of distinct vertices, per group."""
    fn = "graph_avg_path_length"
    _no_filter(plpy, fn, vertex_filter_expr)
    t, s, d, w, groups = layout(plpy, fn, apsp_table)
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    q = plpy.quote_ident
    g, by = _gsql(plpy, groups)
    plpy.execute(f"""CREATE TABLE {out['sql']} AS
        SELECT {g}avg({q(w)}::float8) AS avg_path_length FROM {t['sql']}
        WHERE {q(s)} <> {q(d)} AND {q(w)} <> 'Infinity'::float8 {('GROUP BY ' + by) if by else ''}""")
    return f"{fn}: {out['sql']}"


def vertex_degrees(plpy, vertex_table, vertex_id, edge_table, edge_args, out_table, grouping_cols):
    """(groups, id, indegree, outdegree) of every vertex with an edge; self-loops are not counted."""
    fn = "graph_vertex_degrees"
    spec = graph.resolve(plpy, fn, vertex_table, vertex_id, edge_table, edge_args, True)
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    try:
        id_name = graph.output_id_name(vertex_id)
        items = identifiers.parse_name_list(grouping_cols, "grouping_cols")
    except identifiers.NameError_ as exc:
        plpy.error(f"{fn}: {exc}")
    ecols = identifiers.table_columns(plpy, spec["edges"]["oid"])
    groups = [identifiers.resolve_column(plpy, ecols, it, spec["edges"]["sql"], "grouping_cols") for it in items]
    q = plpy.quote_ident
    g, _ = _gsql(plpy, groups)
    using = ", ".join([q(c) for c in groups] + ["_v"])
    src, dst, e = q(spec["src"]), q(spec["dest"]), spec["edges"]["sql"]
    keep = f"WHERE {src} <> {dst} AND {src} IS NOT NULL AND {dst} IS NOT NULL"
    plpy.execute(f"""CREATE TABLE {out['sql']} AS
        SELECT {g}_v AS {q(id_name)}, coalesce(indegree, 0) AS indegree, coalesce(outdegree, 0) AS outdegree
        FROM (SELECT {g}{dst} AS _v, count(*) AS indegree FROM {e} {keep} GROUP BY {g}{dst}) i
        FULL JOIN (SELECT {g}{src} AS _v, count(*) AS outdegree FROM {e} {keep} GROUP BY {g}{src}) o
        USING ({using})""")
    return f"{fn}: {out['sql']}"
