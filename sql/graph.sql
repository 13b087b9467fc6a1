-- graph: prepared graphs, traversals (BFS, k-hop, reachability) and colouring.
--   SELECT @extschema@.graph_prepare(NULL, NULL, 'edges', 'src=a, dest=b', true);
--   SELECT @extschema@.graph_bfs(NULL, 'id', 'edges', 'src=a, dest=b', 3, 'bfs_out');
-- Every function validates and quotes every name (plpython/graph.py) and runs
-- with the caller's rights.

CREATE OR REPLACE FUNCTION @extschema@.graph_prepare(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    directed boolean DEFAULT true
) RETURNS bigint LANGUAGE plpython3u AS $py$
#@kernel graph_prepare graph
spec = graph.resolve(plpy, "graph_prepare", vertex_table, vertex_id, edge_table, edge_args, directed)
return graph_prepare.ensure(plpy, "@extschema@", spec)["graph_id"]
$py$;
COMMENT ON FUNCTION @extschema@.graph_prepare(text, text, text, text, boolean) IS
    'indb_ml: renumber a graph''s vertices densely, index its edges both ways and pack it (reused while the tables are unchanged); returns the graph_id';

CREATE OR REPLACE FUNCTION @extschema@.graph_drop_prepared(edge_table text DEFAULT NULL)
RETURNS integer LANGUAGE plpython3u AS $py$
#@kernel graph_prepare graph
if edge_table is None:
    rows = plpy.execute("SELECT graph_id, table_prefix FROM @extschema@.prepared_graphs WHERE owner = current_user")
else:
    rows = plpy.execute(plpy.prepare(
        "SELECT graph_id, table_prefix FROM @extschema@.prepared_graphs "
        "WHERE owner = current_user AND edge_oid = pg_catalog.to_regclass($1)", ["text"]), [edge_table])
for row in rows:
    graph_prepare.drop_tables(plpy, "@extschema@", row["table_prefix"])
    plpy.execute(plpy.prepare("DELETE FROM @extschema@.prepared_graphs WHERE graph_id = $1", ["int8"]),
                 [row["graph_id"]])
return len(rows)
$py$;
COMMENT ON FUNCTION @extschema@.graph_drop_prepared(text) IS
    'indb_ml: drop the caller''s prepared copies of one edge table''s graphs (or all of them, given NULL); returns how many';

-- PL/Python cannot take polymorphic arguments: the public functions are SQL wrappers that turn
-- a vertex id (or an array of them) of any type into text[]; the drivers cast back to the id type.
CREATE OR REPLACE FUNCTION @extschema@._graph_ids(v anyelement)
RETURNS text[] LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    IF (SELECT t.typcategory FROM pg_catalog.pg_type t WHERE t.oid = pg_catalog.pg_typeof(v)) = 'A' THEN
        RETURN v::text::text[];
    END IF;
    RETURN ARRAY[v::text];
END
$$;

-- ------------------------------------------------------------------ BFS
-- MADlib's call shape: graph_bfs(vertex_table, vertex_id, edge_table, edge_args, source_vertex,
-- out_table, max_distance, directed (default false: undirected, as MADlib), grouping_cols);
-- out_table(id, dist, parent): the source is its own parent; a source without any edge gives no rows.
DROP FUNCTION IF EXISTS @extschema@._graph_bfs(text, text, text, text, text[], text, integer, boolean);
DROP FUNCTION IF EXISTS @extschema@.graph_bfs(text, text, text, text, anyelement, text, integer, boolean);
CREATE OR REPLACE FUNCTION @extschema@._graph_bfs(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    source_vertices text[],
    out_table text,
    max_distance integer DEFAULT NULL,
    directed boolean DEFAULT NULL,
    grouping_cols text DEFAULT NULL
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel graph_prepare registry identifiers graph graph_groups graph_multicol
import time
t0 = time.perf_counter()
schema, fn = "@extschema@", "graph_bfs"
global directed
directed = bool(directed)          # NULL: MADlib's default, undirected
if max_distance is not None and max_distance < 0:
    plpy.error(f"{fn}: max_distance must be >= 0 (or NULL for no bound), got {max_distance}")
if source_vertices is None:
    plpy.error(f"{fn}: source_vertex is NULL: give a vertex id or an array of them")
if graph_multicol.is_multi(vertex_id):
    plan = plpy.prepare(f"SELECT {schema}._graph_bfs($1, 'id', $2, $3, $4, $5, $6, $7, $8)",
                        ["text", "text", "text", "text[]", "text", "int4", "bool", "text"])
    src_ids = [graph_multicol.vertex_text(source_vertices)]
    return graph_multicol.run(plpy, schema, fn, vertex_table, vertex_id, edge_table, edge_args, out_table,
                              lambda v, e, a, o: plpy.execute(plan, [v, e, a, src_ids, o, max_distance, directed,
                                                                     grouping_cols]))
gcols = graph_groups.columns(plpy, fn, edge_table, grouping_cols)
if gcols:
    plan = plpy.prepare(f"SELECT {schema}._graph_bfs($1, $2, $3, $4, $5, $6, $7, $8)",
                        ["text", "text", "text", "text", "text[]", "text", "int4", "bool"])
    return graph_groups.run(plpy, schema, fn, edge_table, gcols, out_table, lambda e, o: plpy.execute(
        plan, [None, vertex_id, e, edge_args, source_vertices, o, max_distance, directed]),
        skip_error=lambda msg: "notice" if "is not a vertex of the graph" in msg else None)
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, directed)
sources = source_vertices
if not sources or any(s is None for s in sources):
    plpy.error(f"{fn}: source_vertex must not be empty or contain NULL")
src_vids = sorted(set(graph.lookup_vertices(plpy, prep, [str(s) for s in sources], fn, "source vertex")))
E = graph_prepare.ensure_edges(plpy, prep)
# level-synchronous frontier join: each level inserts the not-yet-visited out-neighbours of the
# previous level (parent = the smallest vertex id of the previous level pointing at it)
plpy.execute("CREATE TEMP TABLE _indb_bfs (vid int4 PRIMARY KEY, dist int4 NOT NULL, parent int4) ON COMMIT DROP")
plpy.execute(plpy.prepare("INSERT INTO _indb_bfs SELECT s, 0, s FROM unnest($1::int4[]) s", ["int4[]"]), [src_vids])
step = plpy.prepare(f"""
    INSERT INTO _indb_bfs
    SELECT DISTINCT ON (e.dst) e.dst, $1 + 1, e.src
    FROM _indb_bfs f JOIN {E} e ON e.src = f.vid
    WHERE f.dist = $1 AND NOT EXISTS (SELECT 1 FROM _indb_bfs x WHERE x.vid = e.dst)
    ORDER BY e.dst, e.src""", ["int4"])
rounds = graph.Rounds(plpy, fn)
level, frontier = 0, len(src_vids)
while frontier and (max_distance is None or level < max_distance):
    t1 = time.perf_counter()
    touched = plpy.execute(plpy.prepare(
        f"SELECT coalesce(sum(v.out_degree), 0)::int8 AS t FROM _indb_bfs f JOIN {prep['v_sql']} v "
        f"ON v.vid = f.vid WHERE f.dist = $1", ["int4"]), [level])[0]["t"]
    found = plpy.execute(step, [level]).nrows()
    level += 1
    rounds({"round": level, "scheduled": frontier, "edges_touched": touched, "max_change": found,
            "mode": "frontier", "elapsed_ms": (time.perf_counter() - t1) * 1000.0, "new_vertices": found})
    frontier = found
q = plpy.quote_ident
parent_name = "parent" if id_name != "parent" else "parent_id"
dist_name = "dist" if id_name != "dist" else "distance"
# MADlib: a source that reaches nothing (an isolated vertex) gives no rows at all
plpy.execute(f"""CREATE TABLE {out['sql']} AS
    SELECT v.id AS {q(id_name)}, b.dist AS {q(dist_name)}, p.id AS {q(parent_name)}
    FROM _indb_bfs b JOIN {prep['v_sql']} v ON v.vid = b.vid LEFT JOIN {prep['v_sql']} p ON p.vid = b.parent
    WHERE EXISTS (SELECT 1 FROM _indb_bfs x WHERE x.dist > 0)
    ORDER BY b.dist, b.vid""")
reached = plpy.execute(f"SELECT count(*) AS n, max({q(dist_name)}) AS d FROM {out['sql']}")[0]
plpy.execute("DROP TABLE _indb_bfs")
model_id = graph.finish(plpy, schema, registry, "graph_bfs", out, summary, prep, rounds,
                        {"sources": [str(s) for s in sources], "max_distance": max_distance},
                        {"reached": reached["n"], "max_level": reached["d"]}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, "graph_bfs", model_id, [
    ("vertex_id", "text", id_name), ("edge_args", "text", edge_args),
    ("source_vertex", "text[]", [str(s) for s in sources]), ("max_distance", "int4", max_distance),
    ("num_reached", "int8", reached["n"]), ("max_level", "int4", reached["d"])]))
return (f"graph_bfs: {out['sql']}: {reached['n']} of {prep['n_vertices']} vertices reached, "
        f"{reached['d']} levels, {(time.perf_counter() - t0) * 1000:.0f} ms")
$py$;
CREATE OR REPLACE FUNCTION @extschema@.graph_bfs(
    vertex_table text, vertex_id text, edge_table text, edge_args text, source_vertex anyelement,
    out_table text, max_distance integer DEFAULT NULL, directed boolean DEFAULT NULL,
    grouping_cols text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@._graph_bfs(vertex_table, vertex_id, edge_table, edge_args,
                                  @extschema@._graph_ids(source_vertex), out_table, max_distance, directed,
                                  grouping_cols)
$$;
COMMENT ON FUNCTION @extschema@.graph_bfs(text, text, text, text, anyelement, text, integer, boolean, text) IS
    'indb_ml: breadth-first search from a vertex (or an array of vertices), MADlib''s call shape (undirected unless directed => true; grouping_cols: one search per group); out_table(id, dist, parent), the source its own parent';

-- ------------------------------------------------------------------ k-hop (recursive CTE)
CREATE OR REPLACE FUNCTION @extschema@._graph_khop(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    source_vertices text[],
    out_table text,
    k integer DEFAULT 1,
    directed boolean DEFAULT true
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel graph_prepare registry identifiers graph
import time
t0 = time.perf_counter()
schema, fn = "@extschema@", "graph_khop"
if k is None or k < 0:
    plpy.error(f"{fn}: k must be a non-negative number of hops, got {k}")
if source_vertices is None:
    plpy.error(f"{fn}: source_vertex is NULL: give a vertex id or an array of them")
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, directed)
sources = source_vertices
if not sources or any(s is None for s in sources):
    plpy.error(f"{fn}: source_vertex must not be empty or contain NULL")
src_vids = sorted(set(graph.lookup_vertices(plpy, prep, [str(s) for s in sources], fn, "source vertex")))
graph_prepare.ensure_edges(plpy, prep)
q = plpy.quote_ident
# a recursive CTE bounded by k: UNION keeps each (vertex, hop) once, so it is cycle-safe and at
# most n*(k+1) rows; the hop count of a vertex is the smallest hop it was reached at
plpy.execute(plpy.prepare(f"""CREATE TABLE {out['sql']} AS
    WITH RECURSIVE walk(vid, hop) AS (
        SELECT unnest($1::int4[]), 0
        UNION
        SELECT e.dst, w.hop + 1 FROM walk w JOIN {prep['e_sql']} e ON e.src = w.vid WHERE w.hop < $2)
    SELECT v.id AS {q(id_name)}, min(w.hop) AS hops
    FROM walk w JOIN {prep['v_sql']} v ON v.vid = w.vid GROUP BY v.vid, v.id ORDER BY 2, v.vid""",
    ["int4[]", "int4"]), [src_vids, k])
n = plpy.execute(f"SELECT count(*) AS n FROM {out['sql']}")[0]["n"]
model_id = graph.finish(plpy, schema, registry, "graph_khop", out, summary, prep, None,
                        {"sources": [str(s) for s in sources], "k": k}, {"reached": n}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, "graph_khop", model_id, [
    ("source_vertices", "text[]", [str(s) for s in sources]), ("k", "int4", k), ("num_reached", "int8", n)]))
return f"graph_khop: {out['sql']}: {n} vertices within {k} hops"
$py$;
CREATE OR REPLACE FUNCTION @extschema@.graph_khop(
    vertex_table text, vertex_id text, edge_table text, edge_args text, source_vertex anyelement,
    out_table text, k integer DEFAULT 1, directed boolean DEFAULT true)
RETURNS text LANGUAGE sql AS $$
    SELECT @extschema@._graph_khop(vertex_table, vertex_id, edge_table, edge_args,
                                   @extschema@._graph_ids(source_vertex), out_table, k, directed)
$$;
COMMENT ON FUNCTION @extschema@.graph_khop(text, text, text, text, anyelement, text, integer, boolean) IS
    'indb_ml: the k-hop neighbourhood of a vertex (or array of vertices) as a recursive CTE; out_table(id, hops), sources at hop 0';

-- ------------------------------------------------------------------ reachability (recursive CTE)
CREATE OR REPLACE FUNCTION @extschema@._graph_reachable(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    source_vertex text[],
    target_vertex text[],
    directed boolean DEFAULT true
) RETURNS boolean LANGUAGE plpython3u AS $py$
#@kernel graph_prepare graph
fn = "graph_reachable"
if source_vertex is None or target_vertex is None:
    plpy.error(f"{fn}: source_vertex and target_vertex must not be NULL")
if len(source_vertex) != 1 or len(target_vertex) != 1:
    plpy.error(f"{fn}: source_vertex and target_vertex must be single vertex ids")
spec = graph.resolve(plpy, fn, vertex_table, vertex_id, edge_table, edge_args, directed)
prep = graph_prepare.ensure(plpy, "@extschema@", spec)
graph_prepare.ensure_edges(plpy, prep)
s, t = graph.lookup_vertices(plpy, prep, [source_vertex[0], target_vertex[0]], fn, "vertex")
# UNION (not UNION ALL) discards every vertex already produced, so each vertex is expanded once:
# cycle-safe, and the scan stops as soon as the target appears
return plpy.execute(plpy.prepare(f"""
    WITH RECURSIVE reach(vid) AS (
        SELECT $1::int4
        UNION
        SELECT e.dst FROM reach r JOIN {prep['e_sql']} e ON e.src = r.vid)
    SELECT EXISTS (SELECT 1 FROM reach WHERE vid = $2) AS found""", ["int4", "int4"]), [s, t])[0]["found"]
$py$;
CREATE OR REPLACE FUNCTION @extschema@.graph_reachable(
    vertex_table text, vertex_id text, edge_table text, edge_args text, source_vertex anycompatible,
    target_vertex anycompatible, directed boolean DEFAULT true)
RETURNS boolean LANGUAGE sql AS $$
    SELECT @extschema@._graph_reachable(vertex_table, vertex_id, edge_table, edge_args,
                                        @extschema@._graph_ids(source_vertex),
                                        @extschema@._graph_ids(target_vertex), directed)
$$;
DROP FUNCTION IF EXISTS @extschema@.graph_reachable(text, text, text, text, anyelement, anyelement, boolean);
COMMENT ON FUNCTION @extschema@.graph_reachable(text, text, text, text, anycompatible, anycompatible, boolean) IS
    'indb_ml: is there a path from source_vertex to target_vertex? (recursive CTE, stops at the target)';

-- ------------------------------------------------------------------ colouring
DROP FUNCTION IF EXISTS @extschema@.graph_color(text, text, text, text, text, integer);
CREATE OR REPLACE FUNCTION @extschema@.graph_color(
    vertex_table text,
    vertex_id text,
    edge_table text,
    edge_args text,
    out_table text,
    seed integer DEFAULT 0,
    engine text DEFAULT 'auto'
) RETURNS text LANGUAGE plpython3u AS $py$
#@kernel graph_color graph_prepare graph_sql_engine graph_engine registry identifiers graph
import time
t0 = time.perf_counter()
schema, fn = "@extschema@", "graph_color"
out, summary, prep, id_name = graph.begin(plpy, schema, fn, out_table, vertex_table, vertex_id, edge_table,
                                          edge_args, True)
engine_name = graph.choose_engine(plpy, prep, graph.engine_of(plpy, fn, engine))
if engine_name == "sql":
    g = graph_sql_engine.open_graph(plpy, prep)
else:
    g = graph_prepare.load(plpy, prep, ("out_deg", "out_dst", "in_deg", "in_src"))
graph.mark(prep, "load")
rounds = graph.Rounds(plpy, fn)
colors, nrounds = graph_color.color(g, seed=seed or 0, on_round=rounds)
del g
graph.mark(prep, "rounds")
ncolors = int(colors.max()) + 1
graph.write_vertex_table(plpy, prep, out, id_name, [("color", "int4", colors)])
graph.mark(prep, "write")
model_id = graph.finish(plpy, schema, registry, "graph_color", out, summary, prep, rounds,
                        {"seed": seed, "engine": engine_name},
                        {"num_colors": ncolors, "rounds": nrounds}, t0)
graph.write_summary(plpy, summary, graph.summary_fields(prep, "graph_color", model_id, [
    ("num_colors", "int4", ncolors), ("rounds", "int4", nrounds), ("seed", "int4", seed)]))
return f"graph_color: {out['sql']}: {ncolors} colours in {nrounds} rounds (Jones-Plassmann, seed {seed})"
$py$;
COMMENT ON FUNCTION @extschema@.graph_color(text, text, text, text, text, integer, text) IS
    'indb_ml: proper vertex colouring of the undirected graph (Jones-Plassmann, seeded priorities); out_table(id, color)';

-- One piece of a graph result being written by the calling function's CREATE TABLE AS (graph_results.py:
-- write_vertex_table): text held by this backend under a random token for the length of that statement;
-- NULL for any other token. Internal.
CREATE OR REPLACE FUNCTION @extschema@._graph_result_piece(token text, piece integer, col integer)
RETURNS text LANGUAGE plpython3u AS $py$
#@kernel graph_results
return graph_results.result_piece(token, piece, col)
$py$;
COMMENT ON FUNCTION @extschema@._graph_result_piece(text, integer, integer) IS
    'indb_ml internal: one piece of a graph result column while graph functions write their out_table';
