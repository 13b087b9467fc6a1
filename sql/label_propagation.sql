DROP FUNCTION IF EXISTS @extschema@.label_propagation(text, text, text, text, text, text, text, text, integer,
                                                      double precision, boolean);
-- label_propagation: semi-supervised labelling on the shared graph engine (Zhu & Ghahramani label
-- propagation; CoEM on bipartite graphs). Seeds keep their label; every other vertex takes the
-- weighted average of its in-neighbours' label distributions (all neighbours when undirected),
-- recomputed only while one of its in-neighbours changes by more than the tolerance.
--   SELECT @extschema@.label_propagation(NULL, 'id', 'edges', 'src=a, dest=b', 'seeds', 'lp_out');

CREATE OR REPLACE FUNCTION @extschema@.label_propagation(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    seed_labels_table text,
    out_table text,
    seed_vertex_col text DEFAULT NULL,
    label_col text DEFAULT 'label',
    max_iter integer DEFAULT 100,
    tolerance double precision DEFAULT 1e-6,
    directed boolean DEFAULT false,
    engine text DEFAULT 'auto'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel label_propagation graph_prepare graph_sql_engine graph_engine registry identifiers graph
import time
import numpy as np
t0 = time.perf_counter()
schema, fn = "@extschema@", "label_propagation"
q = plpy.quote_ident
if max_iter is None or max_iter < 1:
    plpy.error(f"{fn}: max_iter must be a positive number of rounds, got {max_iter}")
if tolerance is None or not (tolerance >= 0.0):
    plpy.error(f"{fn}: tolerance must be >= 0, got {tolerance}")
seeds = identifiers.resolve_table(plpy, seed_labels_table, f"{fn}: seed_labels_table")
scols = identifiers.table_columns(plpy, seeds["oid"])
try:
    sv_items = identifiers.parse_name_list(seed_vertex_col or vertex_id or "id", "seed_vertex_col")
    lab_items = identifiers.parse_name_list(label_col, "label_col")
except identifiers.NameError_ as exc:
    plpy.error(f"{fn}: {exc}")
if len(sv_items) != 1 or len(lab_items) != 1:
    plpy.error(f"{fn}: seed_vertex_col and label_col must each be one column name")
sv = identifiers.resolve_column(plpy, scols, sv_items[0], seeds["sql"], "seed_vertex_col")
lab = identifiers.resolve_column(plpy, scols, lab_items[0], seeds["sql"], "label_col")
label_type = scols[lab]["type"]
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, directed)
rows = plpy.execute(f"""
    SELECT s.{q(sv)}::text AS v, v.vid, s.{q(lab)}::text AS label
    FROM {seeds['sql']} s LEFT JOIN {prep['v_sql']} v ON v.id = s.{q(sv)}::{prep['id_type']}
    WHERE s.{q(sv)} IS NOT NULL AND s.{q(lab)} IS NOT NULL""")
missing = [r["v"] for r in rows if r["vid"] is None]
if missing:
    plpy.error(f"{fn}: seed vertex {', '.join(missing[:5])} of {seeds['sql']} is not a vertex of the graph")
classes = [r["l"] for r in plpy.execute(
    f"SELECT DISTINCT {q(lab)}::text AS l, {q(lab)} AS o FROM {seeds['sql']} WHERE {q(lab)} IS NOT NULL "
    f"AND {q(sv)} IS NOT NULL ORDER BY 2")]
if not classes:
    plpy.error(f"{fn}: {seeds['sql']} has no seed labels (no rows with non-NULL {sv} and {lab})")
cidx = {c: i for i, c in enumerate(classes)}
seed_of = {}
for r in rows:
    if seed_of.setdefault(r["vid"], r["label"]) != r["label"]:
        plpy.error(f"{fn}: seed vertex {r['v']} has two labels ({seed_of[r['vid']]!r} and {r['label']!r})")
sv_ids = np.array(sorted(seed_of), dtype=np.int64)
sv_cls = np.array([cidx[seed_of[v]] for v in sv_ids], dtype=np.int64)
engine_name = graph.choose_engine(plpy, prep, graph.engine_of(plpy, fn, engine))
if engine_name == "sql":
    g = graph_sql_engine.open_graph(plpy, prep)
else:
    g = graph_prepare.load(plpy, prep, ("out_deg", "out_dst", "in_deg", "in_src", "in_w"))
if g.weighted and any(np.any(np.isnan(w) | (w < 0)) for _, _, _, w in g.pieces("in")):
    plpy.error(f"{fn}: edge weights must be non-negative and not NULL")
graph.mark(prep, "load")
rounds = graph.Rounds(plpy, fn)
F, nrounds, converged = label_propagation.label_propagation(g, sv_ids, sv_cls, len(classes), tolerance, max_iter,
                                                       rounds)
del g
graph.mark(prep, "rounds")
if not converged:
    plpy.warning(f"{fn}: did not converge to tolerance {tolerance:g} in {max_iter} rounds")
tot = F.sum(axis=1)
best = np.where(tot > 0, F.argmax(axis=1) + 1, 0).astype(np.int32)      # 1-based class; 0: unlabelled (NULL)
conf = F.max(axis=1)
np.divide(conf, tot, out=conf, where=tot > 0)
conf[tot <= 0] = np.nan                                                  # NULL
del F, tot
seeded = f"(SELECT s.{q(sv)}::{prep['id_type']} FROM {seeds['sql']} s WHERE s.{q(lab)} IS NOT NULL)"
graph.write_vertex_table(
    plpy, prep, out, id_name, [("cls", "int4", best, 0), ("confidence", "float8", conf, np.nan)],
    select=lambda items, k: [items[0], f"(${k}::text[])[u.c0]::{label_type} AS {q(lab)}", items[2],
                             f"u.id IN {seeded} AS is_seed"],
    extra=[("text[]", classes)])
graph.mark(prep, "write")
labelled = int(np.count_nonzero(best))
model_id = graph.finish(plpy, schema, registry, fn, out, summary, prep, rounds,
                        {"seed_labels_table": seeds["sql"], "label_col": lab, "tolerance": tolerance,
                         "max_iter": max_iter, "engine": engine_name},
                        {"rounds": nrounds, "converged": converged, "labelled": labelled,
                         "num_classes": len(classes), "edges_touched": rounds.edges_touched}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, fn, model_id, [
    ("seed_labels_table", "text", seeds["sql"]), ("num_seeds", "int8", len(seed_of)),
    ("num_classes", "int4", len(classes)), ("num_labelled", "int8", labelled), ("rounds", "int4", nrounds),
    ("converged", "bool", converged), ("edges_touched", "int8", rounds.edges_touched)]))
return (f"label_propagation: {out['sql']}: {labelled} of {prep['n_vertices']} vertices labelled from "
        f"{len(seed_of)} seeds "
        f"({len(classes)} labels) in {nrounds} rounds")
$py$;
COMMENT ON FUNCTION @extschema@.label_propagation(text, text, text, text, text, text, text, text, integer, double precision, boolean, text) IS
    'indb_ml: semi-supervised label propagation from seed_labels_table(vertex, label); out_table(id, label, confidence, is_seed)';
