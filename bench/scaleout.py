"""Scale-out: sharded training over postgres_fdw with 1, 2 and 3 shards (coordinator + shards on loopback).

For each shard count k the same rows (``--rows`` x ``--features``, a logistic
label) are split over k shards and trained on through a list-partitioned
table whose partitions are foreign tables. Reported, against a single-node
table on the coordinator measured in the same run:

* packing time (every shard packs its share at the same time) and each
  shard's own packing time;
* time per pass (a gradient pass and a Hessian pass of ``glm_pass``, one
  pushed-down aggregate per shard, concurrently) and each shard's time for
  the same aggregate run on the shard alone;
* bytes returned per pass (the partial states) vs. the packed bytes a
  coordinator would have to pull without pushdown;
* a projection for shards on separate machines: the slowest shard's own
  time + the coordinator's fixed cost per pass (measured with 1 shard) +
  the returned bytes over a 1 Gbit/s link. On one 2-core machine the shards
  compete for the same cores, so no speed-up is expected here.

    .venv/bin/python bench/scaleout.py --rows 200000 --features 20
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indb_ml.shard_lab import ShardLab  # noqa: E402
from plpython import optimizers  # noqa: E402

LINK_BYTES_PER_S = 125e6   # 1 Gbit/s


def fill(conn, table, rows, d, seed, start=0):
    """rows x d uniform features and a logistic label, generated in the server (no client transfer)."""
    feats = ", ".join("random() - 0.5" for _ in range(d))
    conn.execute(f"CREATE TABLE {table} (id bigint, x float8[], y boolean)")
    conn.execute("SELECT setseed(%s)", [seed])
    conn.execute(f"INSERT INTO {table} SELECT g, ARRAY[{feats}], false FROM generate_series({start + 1}, "
                 f"{start + rows}) AS g")
    conn.execute(f"UPDATE {table} SET y = random() < 1 / (1 + exp(-(x[1] * 2 - x[2] + 0.5)))")
    conn.execute(f"VACUUM ANALYZE {table}")


def median_time(fn, repeat):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), out


def pass_sql(table):
    return f"SELECT part, indb_ml.glm_pass(x, y, n, shuffle_key, %s) AS st FROM {table} WHERE n > 0 GROUP BY part"


def run(args):
    counts = [int(k) for k in args.shards.split(",")]
    lab = ShardLab(max(counts)).start()
    d = args.features
    tasks = {mode: optimizers.make_task("logistic", code, d, 1, [0.01] * (d + 1), add_intercept=True)
             for mode, code in (("gradient", "grad"), ("hessian", "hess"))}
    report = {"rows": args.rows, "features": args.features, "configs": []}
    try:
        coord = psycopg.connect(lab.dsn, autocommit=True)
        for i in range(max(counts)):
            coord.execute("SELECT indb_ml.add_shard(%s)", [f"shard{i + 1}"])
        # single-node reference: all rows in one local table on the coordinator
        fill(coord, "single", args.rows, args.features, 0.1)
        t0 = time.perf_counter()
        coord.execute("SELECT indb_ml.prepare('single', 'y', 'x')")
        single_pack = time.perf_counter() - t0
        single_table = coord.execute("SELECT 'indb_ml_data.' || table_name FROM indb_ml.prepared_data "
                                     "WHERE source_oid = 'single'::regclass").fetchone()[0]
        single = {"packing_s": single_pack}
        for name, task in tasks.items():
            single[f"{name}_pass_s"], _ = median_time(
                lambda: coord.execute(pass_sql(single_table), [task]).fetchall(), args.repeat)
        report["single_node"] = single
        for k in counts:
            share = args.rows // k
            coord.execute(f"CREATE TABLE src{k} (id bigint, x float8[], y boolean) PARTITION BY RANGE (id)")
            for i in range(k):
                lo, hi = i * share, (i + 1) * share if i < k - 1 else args.rows
                with lab.shard_conn(i) as s:
                    fill(s, f"src{k}", hi - lo, args.features, 0.2 + i / 100, lo)
                coord.execute(f"CREATE FOREIGN TABLE src{k}_{i + 1} PARTITION OF src{k} FOR VALUES FROM ({lo + 1}) "
                              f"TO ({hi + 1}) SERVER shard{i + 1} OPTIONS (table_name 'src{k}')")
            t0 = time.perf_counter()
            coord.execute(f"SELECT indb_ml.prepare('src{k}', 'y', 'x')")
            packing = time.perf_counter() - t0
            table = coord.execute("SELECT 'indb_ml_data.' || table_name FROM indb_ml.prepared_data "
                                  "WHERE source_oid = %s::regclass", [f"src{k}"]).fetchone()[0]
            shard_pack, shard_tables, packed_bytes = [], [], []
            for i in range(k):
                with lab.shard_conn(i) as s:
                    ms, tname = s.execute("SELECT prepare_ms, table_name FROM indb_ml.prepared_data "
                                          "ORDER BY prepared_id DESC LIMIT 1").fetchone()
                    shard_pack.append(ms / 1000.0)
                    shard_tables.append(f"indb_ml_data.{tname}")
                    packed_bytes.append(s.execute(f"SELECT sum(length(x) + coalesce(length(y), 0)) "
                                                  f"FROM indb_ml_data.{tname}").fetchone()[0])
            cfg = {"shards": k, "packing_s": packing, "shard_packing_s": shard_pack,
                   "packed_bytes_per_shard": packed_bytes}
            coord.execute("SET enable_partitionwise_aggregate = on")
            plan = coord.execute(f"EXPLAIN (VERBOSE, FORMAT JSON) {pass_sql(table)}", [tasks["gradient"]]).fetchone()[0]
            from plpython import shard_passes
            scans = shard_passes.remote_scans(plan)
            cfg["plan"] = [r[0] for r in coord.execute(
                f"EXPLAIN (VERBOSE, COSTS OFF) {pass_sql(table)}", [tasks["gradient"]]).fetchall()]
            cfg["remote_aggregates"] = sum(1 for rel, sql, _ in scans if rel.startswith("Aggregate") and "glm_pass" in sql)
            cfg["async"] = all(a for _, _, a in scans)
            for name, task in tasks.items():
                secs, rows = median_time(lambda: coord.execute(pass_sql(table), [task]).fetchall(), args.repeat)
                per_shard = []
                for i in range(k):
                    with lab.shard_conn(i) as s:
                        s.execute(pass_sql(shard_tables[i]), [task]).fetchall()   # warm the backend (numpy)
                        t, _ = median_time(lambda: s.execute(pass_sql(shard_tables[i]), [task]).fetchall(),
                                           args.repeat)
                        per_shard.append(t)
                cfg[f"{name}_pass_s"] = secs
                cfg[f"{name}_shard_pass_s"] = per_shard
                cfg[f"{name}_bytes_returned"] = sum(len(r[1]) + 4 for r in rows)
            coord.execute("RESET enable_partitionwise_aggregate")
            report["configs"].append(cfg)
        one = report["configs"][0] if report["configs"][0]["shards"] == 1 else None
        for cfg in report["configs"]:
            for name in tasks:
                if one is None:
                    continue
                overhead = max(one[f"{name}_pass_s"] - one[f"{name}_shard_pass_s"][0], 0.0)
                cfg[f"{name}_projected_separate_machines_s"] = (
                    max(cfg[f"{name}_shard_pass_s"]) + overhead + cfg[f"{name}_bytes_returned"] / LINK_BYTES_PER_S)
        coord.close()
    finally:
        lab.destroy()
    return report


def show(report):
    s = report["single_node"]
    print(f"scale-out over postgres_fdw: {report['rows']} rows x {report['features']} features (+ intercept)")
    print(f"single node (coordinator, local table): packing {s['packing_s']:.2f} s, gradient pass "
          f"{s['gradient_pass_s'] * 1000:.0f} ms, Hessian pass {s['hessian_pass_s'] * 1000:.0f} ms")
    print(f"{'shards':>6} {'pack s':>7} {'per-shard pack s':>18} {'grad ms':>8} {'per-shard grad ms':>20} "
          f"{'hess ms':>8} {'bytes/pass':>10} {'packed bytes pulled otherwise':>30} {'proj. grad ms':>13} "
          f"{'proj. hess ms':>13}")
    for c in report["configs"]:
        per_pack = ", ".join(f"{v:.2f}" for v in c["shard_packing_s"])
        per_grad = ", ".join(f"{v * 1000:.0f}" for v in c["gradient_shard_pass_s"])
        pg = c.get("gradient_projected_separate_machines_s")
        ph = c.get("hessian_projected_separate_machines_s")
        print(f"{c['shards']:>6} {c['packing_s']:>7.2f} {per_pack:>18} {c['gradient_pass_s'] * 1000:>8.0f} "
              f"{per_grad:>20} {c['hessian_pass_s'] * 1000:>8.0f} {c['gradient_bytes_returned']:>10} "
              f"{sum(c['packed_bytes_per_shard']):>30} {pg * 1000 if pg else float('nan'):>13.0f} "
              f"{ph * 1000 if ph else float('nan'):>13.0f}")
        print(f"{'':>6} remote aggregates in the plan: {c['remote_aggregates']} of {c['shards']}, "
              f"async: {c['async']}")
    last = report["configs"][-1]
    print(f"plan of a gradient pass over {last['shards']} shards (the task is a parameter):")
    print("\n".join("    " + re.sub(r"(\\x[0-9a-f]{16})[0-9a-f]+", r"\1...", line) for line in last["plan"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--features", type=int, default=20)
    ap.add_argument("--shards", default="1,2,3")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    args = ap.parse_args()
    report = run(args)
    show(report)
    if args.json:
        print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
