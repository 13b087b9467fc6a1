-- graph_apsp: MADlib's all-pairs shortest paths (one Bellman-Ford per source on the shared kernel,
-- negative weights allowed, a negative cycle an error) and its path helper; measures over its output
-- are in graph_measures.sql.
--   SELECT @extschema@.graph_apsp('v', 'id', 'edges', 'src=a, dest=b, weight=w', 'sp_all');
-- out_table(<src column>, <dest column>, <weight column>, parent) holds every reachable pair, a vertex
-- with itself at 0 (its own parent); the column names are the edge table's, as in MADlib.

CREATE OR REPLACE FUNCTION @extschema@.graph_apsp(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    out_table text,
    grouping_cols text DEFAULT NULL,
    directed boolean DEFAULT true
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel sssp graph_prepare graph_engine registry identifiers graph graph_groups graph_multicol
global directed
import time
import numpy as np
t0 = time.perf_counter()
schema, fn = "@extschema@", "graph_apsp"
directed = True if directed is None else directed
if graph_multicol.is_multi(vertex_id):
    plan = plpy.prepare(f"SELECT {schema}.graph_apsp($1, 'id', $2, $3, $4, $5, $6)",
                        ["text", "text", "text", "text", "text", "bool"])
    return graph_multicol.run(plpy, schema, fn, vertex_table, vertex_id, edge_table, edge_args, out_table,
                              lambda v, e, a, o: plpy.execute(plan, [v, e, a, o, grouping_cols, directed]))
gcols = graph_groups.columns(plpy, fn, edge_table, grouping_cols)
if gcols:
    plan = plpy.prepare(f"SELECT {schema}.graph_apsp($1, $2, $3, $4, $5, NULL, $6)",
                        ["text", "text", "text", "text", "text", "bool"])
    return graph_groups.run(plpy, schema, fn, edge_table, gcols, out_table, lambda e, o: plpy.execute(
        plan, [None, vertex_id, e, edge_args, o, directed]),
        skip_error=lambda msg: "warning" if "negative cycle" in msg else None)
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, directed, weight_default="weight")
if prep["weight"]:
    if prep["n_null_weights"]:
        plpy.error(f"{fn}: {prep['n_null_weights']} edge(s) of {prep['edge_table']} have a NULL weight in column "
                   f"{prep['weight']!r}; fill or filter them")
    if prep["min_weight"] is not None and not np.isfinite(prep["min_weight"]):
        plpy.error(f"{fn}: edge weights in column {prep['weight']!r} must be finite")
g = graph_prepare.load(plpy, prep, ("out_deg", "out_dst", "out_w"))
n = g.n
src, dst, wgt, par = [], [], [], []
for s in range(n):
    try:
        dist, parent, _ = sssp.sssp(g, [s])
    except sssp.NegativeCycle as exc:
        plpy.error(f"{fn}: detected a negative cycle in the graph of {prep['edge_table']} ({exc})")
    parent[s] = s
    reached = np.flatnonzero(np.isfinite(dist))
    src.append(np.full(reached.size, s, dtype=np.int32))
    dst.append(reached.astype(np.int32))
    wgt.append(dist[reached])
    par.append(parent[reached].astype(np.int32))
del g
q = plpy.quote_ident
sname, dname, wname = prep["src"], prep["dest"], prep["weight"] or "weight"
plpy.execute(plpy.prepare(
    f"CREATE TABLE {out['sql']} AS SELECT vs.id AS {q(sname)}, vd.id AS {q(dname)}, u.w AS {q(wname)}, "
    f"vp.id AS parent FROM unnest($1::int4[], $2::int4[], $3::float8[], $4::int4[]) AS u(s, d, w, p) "
    f"JOIN {prep['v_sql']} vs ON vs.vid = u.s JOIN {prep['v_sql']} vd ON vd.vid = u.d "
    f"JOIN {prep['v_sql']} vp ON vp.vid = u.p", ["int4[]", "int4[]", "float8[]", "int4[]"]),
    [np.concatenate(a).tolist() for a in (src, dst, wgt, par)])
npairs = int(sum(a.size for a in src))
model_id = graph.finish(plpy, schema, registry, fn, out, summary, prep, None, {}, {"num_pairs": npairs}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, fn, model_id, [
    ("vertex_id", "text", id_name), ("edge_args", "text", edge_args), ("grouping_cols", "text", None),
    ("src_column", "text", sname), ("dest_column", "text", dname), ("weight_column", "text", wname),
    ("num_pairs", "int8", npairs)]))
return f"{fn}: {out['sql']}: {npairs} reachable pairs of {n} vertices, {(time.perf_counter() - t0) * 1000:.0f} ms"
$py$;
COMMENT ON FUNCTION @extschema@.graph_apsp(text, text, text, text, text, text, boolean) IS
    'indb_ml: all-pairs shortest paths, MADlib''s call shape (negative weights allowed; grouping_cols: one run per group); out_table(<src>, <dest>, <weight>, parent) for every reachable pair';

CREATE OR REPLACE FUNCTION @extschema@._graph_apsp_get_path(apsp_table text, source text[], dest text[],
                                                            path_table text)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel identifiers graph graph_multicol graph_measures
fn = "graph_apsp_get_path"
t, s, d, w, groups = graph_measures.layout(plpy, fn, apsp_table)
out = identifiers.resolve_output_table(plpy, path_table, f"{fn}: path_table")
cols = identifiers.table_columns(plpy, t["oid"])
ends = []
for v, what in ((source, "source_vertex"), (dest, "dest_vertex")):
    if v is None or not v or any(x is None for x in v):
        plpy.error(f"{fn}: {what} must be a vertex id without NULLs")
    if cols[s]["elem"] is not None:
        ends.append(graph_multicol.vertex_text(v))
    elif len(v) != 1:
        plpy.error(f"{fn}: {what} must be one vertex id")
    else:
        ends.append(str(v[0]))
q = plpy.quote_ident
idt = cols[s]["type"]
gsel = "".join(f"t.{q(c)}, " for c in groups)
gb = "".join(f"b.{q(c)}, " for c in groups)
gmatch = "".join(f" AND t.{q(c)} IS NOT DISTINCT FROM b.{q(c)}" for c in groups)
body = f"""
    WITH RECURSIVE back AS (
        SELECT {gsel}t.{q(d)} AS _v, t.parent AS _p, ARRAY[t.{q(d)}] AS _path, 0 AS _depth
        FROM {t['sql']} t WHERE t.{q(s)} = $1::text::{idt} AND t.{q(d)} = $2::text::{idt}
        UNION ALL
        SELECT {gsel}t.{q(d)}, t.parent, t.{q(d)} || b._path, b._depth + 1
        FROM back b JOIN {t['sql']} t ON t.{q(s)} = $1::text::{idt} AND t.{q(d)} = b._p{gmatch}
        WHERE b._v IS DISTINCT FROM b._p AND b._depth < (SELECT count(*) FROM {t['sql']}))
    SELECT {gb}b._path AS path FROM back b WHERE b._v = b._p"""
if groups:
    glist = ", ".join(q(c) for c in groups)
    gjoin = " AND ".join(f"g.{q(c)} IS NOT DISTINCT FROM r.{q(c)}" for c in groups)
    body = (f"WITH r AS ({body}) SELECT {', '.join('g.' + q(c) for c in groups)}, "
            f"coalesce(r.path, '{{}}'::{idt}[]) AS path FROM (SELECT DISTINCT {glist} FROM {t['sql']}) g "
            f"LEFT JOIN r ON {gjoin}")
plpy.execute(plpy.prepare(f"CREATE TABLE {out['sql']} AS {body}", ["text", "text"]), ends)
return f"{fn}: {out['sql']}"
$py$;
CREATE OR REPLACE FUNCTION @extschema@.graph_apsp_get_path(apsp_table text, source_vertex anyelement,
                                                           dest_vertex anyelement, path_table text)
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@._graph_apsp_get_path(apsp_table, @extschema@._graph_ids(source_vertex),
                                            @extschema@._graph_ids(dest_vertex), path_table)
$$;
COMMENT ON FUNCTION @extschema@.graph_apsp_get_path(text, anyelement, anyelement, text) IS
    'indb_ml: MADlib''s path helper: the shortest path source..dest from a graph_apsp() output into path_table(<groups>, path)';
