"""MADlib's WCC helpers: tables computed from a wcc() output (with or without grouping_cols).

The output's layout comes from its ``<wcc>_summary`` (vertex_id, component_column); every
other column of the output is a grouping column. Each helper writes one new table with the
grouping columns first, as MADlib does.
"""
from . import graph_multicol, identifiers


def layout(plpy, fn, wcc_table):
    """-> (table dict, id column, component column, [grouping columns], id type)."""
    t, cols, info = identifiers.summary_table(plpy, fn, wcc_table, "wcc_table", "wcc",
                                              ("vertex_id", "component_column"))
    if info is None or info["vertex_id"] not in cols or info["component_column"] not in cols:
        plpy.error(f"{fn}: {t['sql']} is not a wcc output table")
    idc, cc = info["vertex_id"], info["component_column"]
    return t, idc, cc, [c for c in cols if c not in (idc, cc)], cols[idc]["type"]


def _g(plpy, groups, prefix=""):
    return "".join(f"{prefix}{plpy.quote_ident(c)}, " for c in groups)


def _match(plpy, groups, a, b):
    return "".join(f" AND {a}.{plpy.quote_ident(c)} IS NOT DISTINCT FROM {b}.{plpy.quote_ident(c)}" for c in groups)


def histogram(plpy, wcc_table, out_table):
    """(groups, component_id, num_vertices): the size of every component."""
    fn = "graph_wcc_histogram"
    t, _, cc, groups, _ = layout(plpy, fn, wcc_table)
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    g, q = _g(plpy, groups), plpy.quote_ident
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT {g}{q(cc)} AS component_id, count(*) AS num_vertices "
                 f"FROM {t['sql']} GROUP BY {g}{q(cc)}")
    return f"{fn}: {out['sql']}"


def largest(plpy, wcc_table, out_table):
    """(groups, component_id, num_vertices): the largest component(s) of each group, every tie kept."""
    fn = "graph_wcc_largest_cpt"
    t, _, cc, groups, _ = layout(plpy, fn, wcc_table)
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    g, q = _g(plpy, groups), plpy.quote_ident
    part = f"PARTITION BY {', '.join(q(c) for c in groups)}" if groups else ""
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT {g}component_id, num_vertices FROM ("
                 f"SELECT {g}{q(cc)} AS component_id, count(*) AS num_vertices, "
                 f"max(count(*)) OVER ({part}) AS _m FROM {t['sql']} GROUP BY {g}{q(cc)}) s "
                 f"WHERE num_vertices = _m")
    return f"{fn}: {out['sql']}"


def num_cpts(plpy, wcc_table, out_table):
    """(groups, num_components)."""
    fn = "graph_wcc_num_cpts"
    t, _, cc, groups, _ = layout(plpy, fn, wcc_table)
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    g, q = _g(plpy, groups), plpy.quote_ident
    group_by = f" GROUP BY {', '.join(q(c) for c in groups)}" if groups else ""
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT {g}count(DISTINCT {q(cc)}) AS num_components "
                 f"FROM {t['sql']}{group_by}")
    return f"{fn}: {out['sql']}"


def _one_id(plpy, fn, values, what, idt):
    """A vertex given as an array of text: one id, or the columns of one multi-column id."""
    if values is None or not values or any(v is None for v in values):
        plpy.error(f"{fn}: {what} must be a vertex id without NULLs")
    if idt.endswith("[]"):
        return graph_multicol.vertex_text(values)
    if len(values) != 1:
        plpy.error(f"{fn}: {what} must be one vertex id")
    return str(values[0])


def vertex_check(plpy, wcc_table, pair, out_table):
    """(groups, component_id) of the groups where both vertices of the pair share a component."""
    fn = "graph_wcc_vertex_check"
    if pair is None or len(pair) != 2:
        plpy.error(f"{fn}: vertex_pair must be an array of two vertex ids")
    t, idc, cc, groups, idt = layout(plpy, fn, wcc_table)
    pair = [_one_id(plpy, fn, v if isinstance(v, list) else [v], "vertex_pair", idt) for v in pair]
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    q = plpy.quote_ident
    plpy.execute(plpy.prepare(
        f"CREATE TABLE {out['sql']} AS SELECT {_g(plpy, groups, 'a.')}a.{q(cc)} AS component_id "
        f"FROM {t['sql']} a JOIN {t['sql']} b ON a.{q(cc)} = b.{q(cc)}{_match(plpy, groups, 'a', 'b')} "
        f"WHERE a.{q(idc)} = $1::text::{idt} AND b.{q(idc)} = $2::text::{idt}", ["text", "text"]),
        pair)
    return f"{fn}: {out['sql']}"


def reachable(plpy, wcc_table, source, out_table):
    """(groups, component_id, dest): every other vertex of the source's component, per group."""
    fn = "graph_wcc_reachable_vertices"
    t, idc, cc, groups, idt = layout(plpy, fn, wcc_table)
    src = _one_id(plpy, fn, source, "src", idt)
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    q = plpy.quote_ident
    plpy.execute(plpy.prepare(
        f"CREATE TABLE {out['sql']} AS SELECT {_g(plpy, groups, 's.')}s.{q(cc)} AS component_id, "
        f"o.{q(idc)} AS dest FROM {t['sql']} s JOIN {t['sql']} o ON o.{q(cc)} = s.{q(cc)}"
        f"{_match(plpy, groups, 'o', 's')} WHERE s.{q(idc)} = $1::text::{idt} AND o.{q(idc)} <> s.{q(idc)}",
        ["text"]), [src])
    return f"{fn}: {out['sql']}"
