"""MADlib's multi-column vertex ids: vertex_id '[a,b]', edge_args 'src=[s1,s2], dest=[d1,d2]'.

The engine renumbers one id column, so a vertex here is the text form of ARRAY[a, b]::bigint[]
(one value per vertex, compared exactly). The tables are copied once with those ids
(``_indb_src``, ``_indb_dest`` next to every edge column, so grouping columns and the weight
still apply), the algorithm runs on the copies, and the output's id columns (the vertex id,
``parent``) are turned back into bigint[] as MADlib writes them; a WCC component_id becomes
the smallest id array of its component (MADlib's order, not the text order).
"""
import re

from . import graph_groups, identifiers

_ITEM = re.compile(r'\s*([A-Za-z_]+)\s*=\s*(\[[^\]]*\]|"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*(,|$)')


def is_multi(vertex_id):
    return vertex_id is not None and str(vertex_id).strip().startswith("[")


def _columns(plpy, fn, text, what, cols, table):
    """'[a, "B"]' -> resolved column names (at least one)."""
    inner = str(text).strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        plpy.error(f"{fn}: {what} {text!r} must be a column or a [column, ...] list")
    try:
        items = identifiers.parse_name_list(inner[1:-1], what)
    except identifiers.NameError_ as exc:
        plpy.error(f"{fn}: {exc}")
    if not items:
        plpy.error(f"{fn}: {what} {text!r} names no column")
    return [identifiers.resolve_column(plpy, cols, it, table, what) for it in items]


def _edge_args(plpy, fn, text):
    out, pos, text = {}, 0, str(text or "")
    while pos < len(text):
        m = _ITEM.match(text, pos)
        if not m:
            plpy.error(f"{fn}: cannot read edge_args {text!r} at {text[pos:pos + 20]!r}")
        out[m.group(1).lower()] = m.group(2)
        pos = m.end()
    unknown = set(out) - {"src", "dest", "weight"}
    if unknown:
        plpy.error(f"{fn}: unknown key(s) {sorted(unknown)} in edge_args {text!r}: use src, dest, weight")
    return out


def vertex_text(v):
    """A multi-column vertex given as a list (or its text) -> the text id used on the copies."""
    if isinstance(v, (list, tuple)):
        return "{" + ",".join(str(int(x)) for x in v) + "}"
    return "{" + ",".join(str(int(x)) for x in re.findall(r"-?\d+", str(v))) + "}"


def run(plpy, schema, fn, vertex_table, vertex_id, edge_table, edge_args, out_table, invoke, component=False):
    """Copy with array ids, ``invoke(v_tmp, e_tmp, edge_args_tmp, out_tmp)``, convert the output back."""
    q = plpy.quote_ident
    out = identifiers.resolve_output_table(plpy, out_table, f"{fn}: out_table")
    summary = identifiers.sibling_table(plpy, out, "_summary", f"{fn}: summary table")
    edges = identifiers.resolve_table(plpy, edge_table, f"{fn}: edge_table")
    ecols = identifiers.table_columns(plpy, edges["oid"])
    args = _edge_args(plpy, fn, edge_args)
    src = _columns(plpy, fn, args.get("src", "[src]"), "src in edge_args", ecols, edges["sql"])
    dest = _columns(plpy, fn, args.get("dest", "[dest]"), "dest in edge_args", ecols, edges["sql"])
    if len(src) != len(dest):
        plpy.error(f"{fn}: src and dest in edge_args name different numbers of columns")

    def arr(cols, alias):       # NULL when a part is NULL (an edge with a NULL endpoint is skipped)
        nulls = " OR ".join(f"{alias}.{q(c)} IS NULL" for c in cols)
        return f"CASE WHEN {nulls} THEN NULL ELSE ARRAY[{', '.join(f'{alias}.{q(c)}::int8' for c in cols)}]::text END"
    plpy.execute("DROP TABLE IF EXISTS pg_temp._indb_mc_e, pg_temp._indb_mc_v, pg_temp._indb_mc_o, "
                 "pg_temp._indb_mc_o_summary")
    plpy.execute(f"CREATE TEMP TABLE _indb_mc_e AS SELECT e.*, {arr(src, 'e')} AS _indb_src, "
                 f"{arr(dest, 'e')} AS _indb_dest FROM {edges['sql']} e")
    v_tmp = None
    if vertex_table is not None and str(vertex_table).strip():
        vt = identifiers.resolve_table(plpy, vertex_table, f"{fn}: vertex_table")
        vid = _columns(plpy, fn, vertex_id, "vertex_id", identifiers.table_columns(plpy, vt["oid"]), vt["sql"])
        if len(vid) != len(src):
            plpy.error(f"{fn}: vertex_id and edge_args name different numbers of id columns")
        plpy.execute(f"CREATE TEMP TABLE _indb_mc_v AS SELECT {arr(vid, 'v')} AS id FROM {vt['sql']} v")
        v_tmp = "pg_temp._indb_mc_v"
    e_args = "src=_indb_src, dest=_indb_dest" + (f", weight={args['weight']}" if "weight" in args else "")
    invoke(v_tmp, "pg_temp._indb_mc_e", e_args, "pg_temp._indb_mc_o")
    ocols = list(identifiers.table_columns(plpy, plpy.execute(
        "SELECT 'pg_temp._indb_mc_o'::regclass::oid AS o")[0]["o"]))
    groups = [c for c in ocols if c not in ("id", "parent", "component_id", "dist") and
              c in ecols and c not in ("_indb_src", "_indb_dest")]
    sel = []
    for c in ocols:
        if c in ("id", "parent"):
            sel.append(f"o.{q(c)}::int8[] AS {q(c)}")
        elif c in ("_indb_src", "_indb_dest"):          # graph_apsp names its columns after edge_args
            sel.append(f"o.{q(c)}::int8[] AS {q(c[6:])}")
        elif c == "component_id" and component:
            part = ", ".join([f"o.{q(g)}" for g in groups] + ["o.component_id"])
            sel.append(f"min(o.id::int8[]) OVER (PARTITION BY {part}) AS component_id")
        else:
            sel.append(f"o.{q(c)}")
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT {', '.join(sel)} FROM pg_temp._indb_mc_o o")
    plpy.execute(f"CREATE TABLE {summary['sql']} AS SELECT * FROM pg_temp._indb_mc_o_summary")
    scols = identifiers.table_columns(plpy, plpy.execute(
        "SELECT 'pg_temp._indb_mc_o_summary'::regclass::oid AS o")[0]["o"])
    for col, name in (("src_column", "src"), ("dest_column", "dest")):     # graph_apsp's layout
        if col in scols:
            plpy.execute(f"UPDATE {summary['sql']} SET {col} = '{name}' WHERE {col} = '_indb_{name}'")
    plpy.execute("DROP TABLE IF EXISTS pg_temp._indb_mc_o, pg_temp._indb_mc_o_summary, pg_temp._indb_mc_v")
    graph_groups.forget(plpy, schema, "pg_temp._indb_mc_o")
    plpy.execute(plpy.prepare(f"SELECT {schema}.graph_drop_prepared($1)", ["text"]), ["pg_temp._indb_mc_e"])
    plpy.execute("DROP TABLE IF EXISTS pg_temp._indb_mc_e")
    return f"{fn}: {out['sql']} (multi-column vertex ids {vertex_id})"
