"""The SQL graph engine (engine => 'sql'): fixed points whose state and scheduling tables are SQL tables.

The same fixed points as graph_engine, but the state lives in SQL tables: nothing proportional to the
graph is held in the backend's Python memory. Per-round state is a TEMP table (ON COMMIT DROP) that is
rewritten by CREATE TABLE AS each round and swapped in (never UPDATEd in place); the scheduling table
holds the dirty vertices. A round joins the scheduling table against the prepared edge table: with few
scheduled vertices an index nested loop over the edge index (frontier pass), with many of them a hash
join over the whole edge table (whole-graph pass); the planner is steered with set_config(..., true)
and the caller's settings are restored afterwards. The per-round reports are those of graph_engine.
"""
import time

from . import graph_prepare  # noqa: F401


def _f(x):
    """A float as a float8 literal (our own computed numbers only, never user text)."""
    x = float(x)
    if x != x:
        return "'NaN'::float8"
    if x in (float("inf"), float("-inf")):
        return "'Infinity'::float8" if x > 0 else "'-Infinity'::float8"
    return f"'{x!r}'::float8"


class SqlRounds:
    """Temp tables of one SQL-engine run, planner steering, and the round clock."""

    SETTINGS = ("enable_nestloop", "enable_hashjoin", "enable_mergejoin", "work_mem")

    def __init__(self, plpy, tag):
        self.plpy, self.tag, self.names = plpy, tag, set()
        self.saved = {s: plpy.execute(f"SELECT current_setting('{s}') AS v")[0]["v"] for s in self.SETTINGS}
        self._set("work_mem", "256MB")
        self.mode = None

    def _set(self, name, value):
        ql = self.plpy.quote_literal
        self.plpy.execute(f"SELECT set_config({ql(name)}, {ql(value)}, true)")

    def pass_mode(self, mode):
        """'whole-graph': hash joins over the whole edge table; 'frontier': index nested loops."""
        if mode == self.mode:
            return
        if mode == "whole-graph":
            self._set("enable_nestloop", "off")
            self._set("enable_hashjoin", "on")
            self._set("enable_mergejoin", self.saved["enable_mergejoin"])
        else:
            self._set("enable_nestloop", "on")
            self._set("enable_hashjoin", "off")
            self._set("enable_mergejoin", "off")
        self.mode = mode

    def create(self, what, select_sql):
        """CREATE TEMP TABLE <what>_new AS select, then swap it in for <what>: returns the table name."""
        cur, new = f"_indb_g{self.tag}_{what}", f"_indb_g{self.tag}_{what}_new"
        self.plpy.execute(f"CREATE TEMP TABLE {new} ON COMMIT DROP AS {select_sql}")
        if cur in self.names:
            self.plpy.execute(f"DROP TABLE pg_temp.{cur}")
        self.plpy.execute(f"ALTER TABLE pg_temp.{new} RENAME TO {cur}")
        self.names.add(cur)
        return cur

    def close(self):
        for n in sorted(self.names):
            self.plpy.execute(f"DROP TABLE pg_temp.{n}")
        self.names.clear()
        for s, v in self.saved.items():
            self._set(s, v)
        self.mode = None


def _use_whole_graph(ge, m, frontier_edges):
    return ge.use_whole_graph(m, frontier_edges)


def pagerank_sql(plpy, prep, ge, damping, tol, max_iter, schedule, pers, on_round):
    """PageRank with state in temp tables. Returns (out_select, rounds, converged).

    out_select is a query (vid, pagerank) over a temp table; run before close().
    """
    n, m = int(prep["n_vertices"]), int(prep["n_edges"])
    d = float(damping)
    E = graph_prepare.ensure_edges(plpy, prep)
    st = SqlRounds(plpy, "pr")
    if pers:
        k = len(pers)
        pexpr = f"CASE WHEN v.vid = ANY('{{{','.join(str(int(x)) for x in pers)}}}'::int4[]) THEN {_f(1.0 / k)} " \
                f"ELSE 0::float8 END"
    else:
        pexpr = _f(1.0 / n)
    x = st.create("x", f"SELECT v.vid, v.out_degree AS outdeg, {pexpr} AS p, {_f(1.0 / n)} AS rank, "
                       f"0::float8 AS res FROM {prep['v_sql']} v")
    plpy.execute(f"ANALYZE {x}")

    def dangling_sum(col, table):
        return plpy.execute(f"SELECT coalesce(sum({col}), 0)::float8 AS s FROM {table} WHERE outdeg = 0")[0]["s"]

    def gather_all(table, value):
        # sum over in-edges of value(src)/outdeg(src): the whole edge table against the state
        return (f"SELECT e.dst, sum(s.{value} / s.outdeg) AS g FROM {E} e JOIN {table} s ON s.vid = e.src "
                f"GROUP BY e.dst")

    if schedule == "sync":
        st.pass_mode("whole-graph")
        for rnd in range(1, max_iter + 1):
            t0 = time.perf_counter()
            dm = dangling_sum("rank", x)
            x = st.create("x", f"""
                SELECT x.vid, x.outdeg, x.p,
                       {_f(d)} * (coalesce(g.g, 0) + {_f(dm)} * x.p) + {_f(1.0 - d)} * x.p AS rank,
                       x.rank AS res
                FROM {x} x LEFT JOIN ({gather_all(x, 'rank')}) g ON g.dst = x.vid""")
            mx = plpy.execute(f"SELECT coalesce(max(abs(rank - res)), 0)::float8 AS mx FROM {x}")[0]["mx"]
            ge.report(on_round, rnd, n, m, mx, "whole-graph", t0)
            if mx < tol:
                return st, f"SELECT vid, rank AS pagerank FROM {x}", rnd, True
        return st, f"SELECT vid, rank AS pagerank FROM {x}", max_iter, False

    # dynamic: residual push. res = pending change; a vertex is scheduled while |res| > tol.
    st.pass_mode("whole-graph")
    dm = dangling_sum("rank", x)
    x = st.create("x", f"""
        SELECT x.vid, x.outdeg, x.p, x.rank,
               {_f(d)} * (coalesce(g.g, 0) + {_f(dm)} * x.p) + {_f(1.0 - d)} * x.p - x.rank AS res
        FROM {x} x LEFT JOIN ({gather_all(x, 'rank')}) g ON g.dst = x.vid""")
    tl = _f(tol)
    converged, nrounds = False, max_iter
    for rnd in range(1, max_iter + 1):
        t0 = time.perf_counter()
        sched = st.create("sched", f"SELECT vid, outdeg, res FROM {x} WHERE abs(res) > {tl}")
        s = plpy.execute(f"SELECT count(*)::int8 AS k, coalesce(sum(outdeg), 0)::int8 AS fe, "
                         f"coalesce(max(abs(res)), 0)::float8 AS mx, "
                         f"coalesce(sum(res) FILTER (WHERE outdeg = 0), 0)::float8 AS dm FROM {sched}")[0]
        if s["k"] == 0:
            ge.report(on_round, rnd, 0, 0, 0.0, "frontier", t0)
            converged, nrounds = True, rnd
            break
        plpy.execute(f"ANALYZE {sched}")
        whole = _use_whole_graph(ge, m, s["fe"])
        mode = "whole-graph" if whole else "frontier"
        st.pass_mode(mode)
        push = (f"SELECT e.dst, sum(s.res / s.outdeg) AS g FROM {sched} s JOIN {E} e ON e.src = s.vid "
                f"WHERE s.outdeg > 0 GROUP BY e.dst")
        if not whole:
            # frontier: the scheduled vertices' out-edges through the (src, dst) index
            push = f"SELECT dst, g FROM {st.create('push', push)}"
        st.pass_mode("whole-graph")  # the state rewrite is one hash join over the vertex table
        x = st.create("x", f"""
            SELECT x.vid, x.outdeg, x.p,
                   x.rank + CASE WHEN abs(x.res) > {tl} THEN x.res ELSE 0 END AS rank,
                   CASE WHEN abs(x.res) > {tl} THEN 0 ELSE x.res END
                     + {_f(d)} * coalesce(g.g, 0) + {_f(d * s['dm'])} * x.p AS res
            FROM {x} x LEFT JOIN ({push}) g ON g.dst = x.vid""")
        ge.report(on_round, rnd, s["k"], m if whole else s["fe"], s["mx"], mode, t0)
    if not converged:
        left = plpy.execute(f"SELECT count(*) AS k FROM {x} WHERE abs(res) > {tl}")[0]["k"]
        converged = left == 0
    total = plpy.execute(f"SELECT sum(rank)::float8 AS t FROM {x}")[0]["t"] or 0.0
    scale = f" / {_f(total)}" if total > 0 else ""
    return st, f"SELECT vid, rank{scale} AS pagerank FROM {x}", nrounds, converged


def write_from_sql(plpy, prep, out, id_name, select_sql, columns):
    """CREATE TABLE out AS the original id + columns of select_sql (which has a vid column).

    columns: [(out name, source column, 'vid' or None)]; 'vid' columns are dense ids shown as original ids.
    """
    q = plpy.quote_ident
    sel, joins = [], []
    for i, (name, col, kind) in enumerate(columns):
        if kind == "vid":
            joins.append(f"LEFT JOIN {prep['v_sql']} j{i} ON j{i}.vid = r.{col}")
            sel.append(f"j{i}.id AS {q(name)}")
        else:
            sel.append(f"r.{col} AS {q(name)}")
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT v.id AS {q(id_name)}, {', '.join(sel)} "
                 f"FROM ({select_sql}) r JOIN {prep['v_sql']} v ON v.vid = r.vid {' '.join(joins)} ORDER BY v.vid")


def wcc_sql(plpy, prep, ge, on_round):
    """Min-label propagation with a frontier table of the vertices whose label dropped.

    Returns (SqlRounds, result select (vid, component vid), rounds). Edges touched count undirected
    neighbour pairs, as graph_engine.wcc does on the undirected graph.
    """
    E, V = graph_prepare.ensure_edges(plpy, prep), prep["v_sql"]
    st = SqlRounds(plpy, "cc")
    directed = bool(prep["directed"])
    st.pass_mode("whole-graph")
    # edges touched count both directions of a directed graph, as the memory engine does
    deg = "(v.out_degree + v.in_degree)::int8" if directed else "v.out_degree::int8"
    lab = st.create("lab", f"SELECT v.vid, v.vid AS label, v.vid AS old, {deg} AS udeg FROM {V} v")
    um = int(prep["n_edges"]) * (2 if directed else 1)
    sched, k, fe = lab, int(prep["n_vertices"]), um
    rnd = 0
    while k:
        rnd += 1
        t0 = time.perf_counter()
        whole = _use_whole_graph(ge, um, fe)
        mode = "whole-graph" if whole else "frontier"
        st.pass_mode(mode)
        pairs = f"SELECT e.dst AS t, s.label AS l FROM {sched} s JOIN {E} e ON e.src = s.vid"
        if directed:
            pairs += f" UNION ALL SELECT e.src, s.label FROM {sched} s JOIN {E} e ON e.dst = s.vid"
        cand = st.create("cand", f"SELECT t, min(l) AS l FROM ({pairs}) p GROUP BY t")
        st.pass_mode("whole-graph")
        lab = st.create("lab", f"SELECT x.vid, CASE WHEN c.l < x.label THEN c.l ELSE x.label END AS label, "
                               f"x.label AS old, x.udeg FROM {lab} x LEFT JOIN {cand} c ON c.t = x.vid")
        sched = st.create("sched", f"SELECT vid, label, old, udeg FROM {lab} WHERE label < old")
        s = plpy.execute(f"SELECT count(*)::int8 AS k, coalesce(sum(udeg), 0)::int8 AS fe, "
                         f"coalesce(max(old - label), 0)::float8 AS mx FROM {sched}")[0]
        ge.report(on_round, rnd, k, um if whole else fe, s["mx"], mode, t0)
        k, fe = s["k"], s["fe"]
        if k:
            plpy.execute(f"ANALYZE {sched}")
    return st, f"SELECT vid, label AS component FROM {lab}", rnd


def sssp_sql(plpy, prep, ge, sources, on_round):
    """Bellman-Ford from a frontier table of the vertices whose distance dropped.

    Returns (SqlRounds, result select (vid, distance, parent vid), rounds). Parent ties: smallest parent.
    """
    E, V = graph_prepare.ensure_edges(plpy, prep), prep["v_sql"]
    m = int(prep["n_edges"])
    st = SqlRounds(plpy, "sp")
    st.pass_mode("whole-graph")
    srcs = "'{" + ",".join(str(int(x)) for x in sources) + "}'::int4[]"
    w = "coalesce(e.weight, 1::float8)" if not prep["weight"] else "e.weight"
    dist = st.create("dist", f"SELECT v.vid, CASE WHEN v.vid = ANY({srcs}) THEN 0::float8 ELSE 'Infinity'::float8 "
                             f"END AS dist, NULL::int4 AS parent, 'Infinity'::float8 AS old, v.out_degree::int8 AS outdeg "
                             f"FROM {V} v")
    sched = st.create("sched", f"SELECT vid, dist, outdeg FROM {dist} WHERE vid = ANY({srcs})")
    s = plpy.execute(f"SELECT count(*)::int8 AS k, coalesce(sum(outdeg), 0)::int8 AS fe FROM {sched}")[0]
    k, fe = s["k"], s["fe"]
    rnd = 0
    while k:
        rnd += 1
        t0 = time.perf_counter()
        whole = _use_whole_graph(ge, m, fe)
        mode = "whole-graph" if whole else "frontier"
        st.pass_mode(mode)
        best = st.create("best", f"SELECT DISTINCT ON (e.dst) e.dst AS vid, s.dist + {w} AS nd, s.vid AS src "
                                 f"FROM {sched} s JOIN {E} e ON e.src = s.vid ORDER BY e.dst, s.dist + {w}, s.vid")
        st.pass_mode("whole-graph")
        dist = st.create("dist", f"""
            SELECT x.vid, CASE WHEN b.nd < x.dist THEN b.nd ELSE x.dist END AS dist,
                   CASE WHEN b.nd < x.dist THEN b.src ELSE x.parent END AS parent, x.dist AS old, x.outdeg
            FROM {dist} x LEFT JOIN {best} b ON b.vid = x.vid""")
        sched = st.create("sched", f"SELECT vid, dist, old, outdeg FROM {dist} WHERE dist < old")
        s = plpy.execute(f"SELECT count(*)::int8 AS k, coalesce(sum(outdeg), 0)::int8 AS fe, "
                         f"max(old - dist) FILTER (WHERE old < 'Infinity') AS mx FROM {sched}")[0]
        mx = 0.0
        if s["k"]:
            mx = float(s["mx"]) if s["mx"] is not None else float("inf")
        ge.report(on_round, rnd, k, m if whole else fe, mx, mode, t0)
        k, fe = s["k"], s["fe"]
        if k:
            plpy.execute(f"ANALYZE {sched}")
    return st, f"SELECT vid, dist AS distance, parent FROM {dist}", rnd
