"""Graph result writes against the floor: graph_results.write_vertex_table for each algorithm's column
shape (PageRank, WCC, SSSP, colouring, HITS) on the seeded power-law graph (98.6k vertices), alternating
with the floor - CREATE TABLE AS of as many (bigint, float8) rows from generate_series - in one backend,
best of N each. Only the write: no rounds, no fingerprint, no call overhead. (Runs against older
checkouts too: without ``skip_null``, SSSP's result is written whole, then its unreached rows deleted.)

    PYTHONPATH=. python bench/graph_write.py            # a throwaway local cluster
    PYTHONPATH=. python bench/graph_write.py --reps 15
"""
from __future__ import annotations

import argparse

import psycopg

from graph import ARGS, load, power_law_graph  # noqa: E402  (bench/ is the script's own directory)
from common import server  # noqa: E402
from report import add, print_table  # noqa: E402

GROUP = "graph write"

# Runs inside the server with the kernels the graph functions loaded in this backend (graph_color below).
BENCH_FN = r"""
CREATE OR REPLACE FUNCTION pg_temp.write_bench(edge_table text, reps int) RETURNS text LANGUAGE plpython3u AS $py$
import inspect, sys, time
import numpy as np
mods = {k.rsplit('.', 1)[1]: m for k, m in sys.modules.items() if k.endswith(('.graph_results', '.graph_prepare'))}
row = dict(plpy.execute(plpy.prepare(
    "SELECT * FROM indb_ml.prepared_graphs WHERE edge_oid = $1::regclass AND directed ORDER BY graph_id DESC LIMIT 1",
    ["text"]), [edge_table])[0])
prep = mods['graph_prepare'].with_tables('indb_ml', row)
prep['schema'] = 'indb_ml'
n = prep['n_vertices']
rng = np.random.default_rng(0)
rank = rng.random(n) / n
label = rng.integers(0, n, n)
parent = rng.integers(0, n, n)
parent[::5] = -1
dist = rng.random(n) * 10
dist[parent < 0] = np.inf
color = rng.integers(0, 40, n)
write = mods['graph_results'].write_vertex_table
out = {"sql": "_wb"}
def sssp():
    cols = [("weight", "float8", dist), ("parent", "vid", parent)]
    if "skip_null" in inspect.signature(write).parameters:
        write(plpy, prep, out, "id", cols, skip_null="parent")
    else:                                       # (the code before skip_null: all rows, then a DELETE)
        write(plpy, prep, out, "id", cols)
        plpy.execute("DELETE FROM _wb WHERE parent IS NULL")
cases = {
    "floor": lambda: plpy.execute(f"CREATE TABLE _wb AS SELECT i::bigint AS id, random() AS pagerank "
                                  f"FROM generate_series(1, {n}) AS i"),
    "pagerank": lambda: write(plpy, prep, out, "id", [("pagerank", "float8", rank)]),
    "wcc": lambda: write(plpy, prep, out, "id", [("component_id", "vid", label)]),
    "sssp": sssp,
    "colouring": lambda: write(plpy, prep, out, "id", [("color", "int4", color)]),
    "hits": lambda: write(plpy, prep, out, "id", [("authority", "float8", rank), ("hub", "float8", rank[::-1])]),
}
best = {k: float("inf") for k in cases}
for _ in range(reps):
    for k, f in cases.items():
        plpy.execute("DROP TABLE IF EXISTS _wb")
        t = time.perf_counter()
        f()
        best[k] = min(best[k], time.perf_counter() - t)
plpy.execute("DROP TABLE IF EXISTS _wb")
return ",".join(f"{k}={v}" for k, v in best.items()) + f",n={n}"
$py$;
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dsn", help="a database with indb_ml installed; default: a throwaway local cluster")
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()
    with server(args.dsn) as dsn:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SET client_min_messages = warning")
            s, d, w = power_law_graph()
            load(conn, "bench_write_powerlaw", s, d, w)
            conn.execute(f"SELECT indb_ml.graph_prepare(NULL, NULL, 'bench_write_powerlaw', {ARGS})")
            conn.execute("DROP TABLE IF EXISTS _wb_warm, _wb_warm_summary")
            conn.execute(f"SELECT indb_ml.graph_color(NULL, 'id', 'bench_write_powerlaw', {ARGS}, '_wb_warm', "
                         f"engine => 'memory')")           # loads the kernels into this backend
            conn.execute(BENCH_FN)
            got = dict(kv.split("=") for kv in conn.execute("SELECT pg_temp.write_bench('bench_write_powerlaw', %s)",
                                                            [args.reps]).fetchone()[0].split(","))
        floor, n = float(got.pop("floor")), int(got.pop("n"))
        print(f"[graph write] floor: {n} (bigint, float8) rows by CREATE TABLE AS: {floor * 1000:.0f} ms "
              f"(best of {args.reps})")
        add(f"graph write: floor, {n} rows", floor, 1.0, "x the floor", "reference", None, GROUP)
        for k, v in got.items():
            v = float(v)
            print(f"[graph write] {k:10s} result: {v * 1000:5.0f} ms = {v / floor:.2f}x the floor", flush=True)
            add(f"graph write: {k} result table", v, v / floor, "x the floor", "", None, GROUP)
        print()
        print_table()


if __name__ == "__main__":
    main()
