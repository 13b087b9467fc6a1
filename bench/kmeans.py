"""Benchmark: k-means seeding methods inside PostgreSQL against scikit-learn, on 1M x 20 blobs.

    python bench/kmeans.py                         # a throwaway local cluster
    python bench/kmeans.py --dsn "host=... dbname=..."
    python bench/kmeans.py --before /work/main     # also the code of another checkout, installed
                                                   # side by side in schema indb_ml_before

Data: ``rows`` x ``dims`` rows around ``k`` well-separated centres (centre
coordinate j of blob c is ((7c + 3j) mod 11) - 5, plus uniform noise in
[-1, 1)); the objective at the blob means is the optimum. Per seed and method
(plain k-means++, greedy k-means++ (the default), k-means||, and the
``--before`` checkout's default): final objective, seconds per fit, passes over
the blocks per fit. Per Lloyd iteration: seconds against a bare scan of the
same rows (``SELECT sum(x[2])``) measured in the same run (and the ``--before``
checkout's, from its fits in the same run). scikit-learn:
KMeans(n_init=1) (greedy k-means++) per seed after a binary COPY export (export
time apart). Then the same per-seed table on closer blobs (N(0, 1) noise around centres
in [-10, 10)^d, where plain k-means++ merges clusters for some seeds), k-means||
against greedy k-means++ at k = 100 on a smaller table, and the k = 50 blobs of
tests/kmeans_data.py (1,500 rows in 5-d): per seed 0..19, whether each method (one
start) ends at the optimum. Figures go to bench/report.py's table (``make bench``).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))          # this checkout's indb_ml (installed into the server), not the venv's
sys.path.insert(1, str(HERE))
sys.path.insert(2, str(HERE.parent / "tests"))
from common import connect, server  # noqa: E402
from report import add  # noqa: E402

GROUP = "k-means"

METHODS = ["kmeans++plain", "kmeans++", "kmeans||"]


def _timed(conn, query, params=None):
    t = time.perf_counter()
    cur = conn.execute(query, params)
    rows = cur.fetchall() if cur.description else []
    return time.perf_counter() - t, rows


def make_blobs(conn, table, rows, dims, k, hard=False):
    """k <= 11: the issue's centres ((7c + 3j) mod 11) - 5; larger k, or hard: centres from hashtext
    (in [-40, 40), or [-10, 10) when hard); noise uniform in [-1, 1) (N(0, 1) when hard)."""
    if hard:
        centre = "(abs(hashtext((g % {k})::text || ':' || j)) % 2000) / 100.0 - 10.0".format(k=int(k))
    else:
        centre = ("((g % {k}) * 7 + j * 3) % 11 - 5.0" if k <= 11 else
                  "(abs(hashtext((g % {k})::text || ':' || j)) % 8000) / 100.0 - 40.0").format(k=int(k))
    noise = ("sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())" if hard else "(random() - 0.5) * 2")
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    t, _ = _timed(conn, f"""
        CREATE TABLE {table} AS
        SELECT g AS id, g % {int(k)} AS blob,
               ARRAY(SELECT {centre} + {noise} FROM generate_series(1, {int(dims)}) AS j) AS x
        FROM generate_series(1, {int(rows)}) AS g""")
    conn.execute(f"ANALYZE {table}")
    return t


def export(conn, table):
    t = time.perf_counter()
    with conn.cursor(binary=True) as cur:
        cur.execute(f"SELECT x, blob FROM {table} ORDER BY id")
        rows = cur.fetchall()
    X = np.array([r[0] for r in rows], dtype=float)
    blob = np.array([r[1] for r in rows])
    return X, blob, time.perf_counter() - t


def optimum(X, blob):
    return float(sum(((X[blob == j] - X[blob == j].mean(0)) ** 2).sum() for j in np.unique(blob)))


def fit(conn, schema, table, k, init, seed, max_iter):
    conn.execute("DROP TABLE IF EXISTS bench_km, bench_km_summary")
    extra = "" if init is None else f", init => '{init}'"
    secs, _ = _timed(conn, f"SELECT {schema}.kmeans('{table}', 'bench_km', 'x', {int(k)}, max_iter => {int(max_iter)}, "
                           f"seed => {int(seed)}{extra})")
    row = conn.execute("SELECT objective, iterations FROM bench_km_summary").fetchone()
    passes = None
    if schema == "indb_ml":
        passes = sum(conn.execute("SELECT seeding_passes, lloyd_passes FROM bench_km_summary").fetchone())
    hist = conn.execute(f"SELECT i.elapsed_ms FROM {schema}.model_iterations i JOIN {schema}.models m "
                        f"USING (model_id) WHERE m.name = 'public.bench_km' AND i.iteration > 0").fetchall()
    return {"objective": row[0], "iterations": row[1], "seconds": secs, "passes": passes,
            "iteration_seconds": [h[0] / 1000.0 for h in hist]}


def install_before(dsn, checkout):
    """Install another checkout's code in schema indb_ml_before (its own catalog), for a before/after run."""
    code = ("import sys; from indb_ml import installer; "
            "installer.install(sys.argv[1], schema='indb_ml_before', write_extension=False)")
    subprocess.run([sys.executable, "-c", code, dsn], cwd=checkout, check=True)


def bench(conn, rows, dims, k, seeds, max_iter, before, k_large, rows_large, rows_hard=200_000):
    out = {"rows": rows, "dims": dims, "k": k, "seeds": seeds}
    out["make_table_seconds"] = make_blobs(conn, "bench_km_points", rows, dims, k)
    scans = [_timed(conn, "SELECT sum(x[2]) FROM bench_km_points")[0] for _ in range(3)]
    out["prepare_seconds"], _ = _timed(conn, "SELECT indb_ml.prepare('bench_km_points', NULL, 'x')")
    X, blob, out["export_seconds"] = export(conn, "bench_km_points")
    out["optimum"] = optimum(X, blob)
    methods = ([("before (default)", "indb_ml_before", None)] if before else []) + [(m, "indb_ml", m) for m in METHODS]
    table = {}
    iter_secs, before_secs = [], []
    for label, schema, init in methods:
        runs = [fit(conn, schema, "bench_km_points", k, init, s, max_iter) for s in range(seeds)]
        (iter_secs if schema == "indb_ml" else before_secs).extend(t for r in runs for t in r["iteration_seconds"])
        table[label] = runs
        # the bare scan again after each method's fits: the machine's load drifts over the run
        scans += [_timed(conn, "SELECT sum(x[2]) FROM bench_km_points")[0] for _ in range(3)]
        print(json.dumps({label: [(r["objective"], round(r["seconds"], 2), r["passes"]) for r in runs]}), flush=True)
    from sklearn.cluster import KMeans

    sk = []
    for s in range(seeds):
        t = time.perf_counter()
        m = KMeans(k, n_init=1, random_state=s, max_iter=max_iter, algorithm="lloyd").fit(X)
        sk.append({"objective": float(m.inertia_), "seconds": time.perf_counter() - t, "passes": None,
                   "iterations": int(m.n_iter_)})
    table["scikit-learn KMeans(n_init=1)"] = sk
    out["fits"] = table
    out["bare_scan_seconds"] = statistics.median(scans)
    out["lloyd_iteration_seconds_median"] = statistics.median(iter_secs)
    out["lloyd_iteration_over_bare_scan"] = out["lloyd_iteration_seconds_median"] / out["bare_scan_seconds"]
    if before_secs:      # the --before checkout's Lloyd iterations, in the same run (its default seeding's fits)
        out["before_lloyd_iteration_seconds_median"] = statistics.median(before_secs)
    # before / after on blobs close enough that plain k-means++ merges clusters (the 200k x 20 case)
    make_blobs(conn, "bench_km_hard", rows_hard, dims, k, hard=True)
    conn.execute("SELECT indb_ml.prepare('bench_km_hard', NULL, 'x')")
    XH, blobH, _ = export(conn, "bench_km_hard")
    hard = {"rows": rows_hard, "optimum": optimum(XH, blobH), "fits": {}}
    for label, schema, init in methods:
        hard["fits"][label] = [fit(conn, schema, "bench_km_hard", k, init, s, max_iter) for s in range(seeds)]
    hard["fits"]["scikit-learn KMeans(n_init=1)"] = [
        {"objective": float(KMeans(k, n_init=1, random_state=s, max_iter=max_iter).fit(XH).inertia_), "seconds": 0.0,
         "passes": None} for s in range(seeds)]
    out["hard"] = hard
    # k-means|| against greedy k-means++ at large k
    make_blobs(conn, "bench_km_large", rows_large, dims, k_large)
    conn.execute("SELECT indb_ml.prepare('bench_km_large', NULL, 'x')")
    XL, blobL, _ = export(conn, "bench_km_large")
    out["large"] = {"rows": rows_large, "k": k_large, "optimum": optimum(XL, blobL),
                    "fits": {m: fit(conn, "indb_ml", "bench_km_large", k_large, m, 0, max_iter)
                             for m in ("kmeans++", "kmeans||")}}
    out["k50"] = blobs50(conn, 20, max_iter)
    return out


def blobs50(conn, seeds, max_iter):
    """The k = 50 blobs of the tests (tests/kmeans_data.py): objective / optimum per seed, one start each."""
    from kmeans_data import blobs, load_array_table
    from kmeans_data import optimum as blob_optimum
    from sklearn.cluster import KMeans

    X, lab, k = blobs("k50")
    load_array_table(conn, "bench_km_k50", X)
    best = blob_optimum(X, lab)
    fits = {m: [fit(conn, "indb_ml", "bench_km_k50", k, m, s, max_iter)["objective"] / best for s in range(seeds)]
            for m in METHODS}
    fits["scikit-learn KMeans(n_init=1)"] = [
        float(KMeans(k, n_init=1, random_state=s, max_iter=max_iter).fit(X).inertia_) / best for s in range(seeds)]
    return {"rows": len(X), "k": k, "seeds": seeds, "fits": fits,
            "hits": {m: sum(abs(r - 1) <= 1e-9 for r in v) for m, v in fits.items()}}


def print_table(out):
    opt = out["optimum"]
    print(f"\nk-means on {out['rows']} x {out['dims']}, k = {out['k']} (optimum {opt:.6g}); objective / optimum "
          f"per seed, median seconds per fit, passes per fit")
    for label, runs in out["fits"].items():
        ratios = " ".join(f"{r['objective'] / opt:7.4f}" for r in runs)
        passes = statistics.median([r["passes"] for r in runs]) if runs[0]["passes"] is not None else "-"
        print(f"  {label:32s} {ratios}   {statistics.median([r['seconds'] for r in runs]):7.2f} s   {passes}")
    print(f"  (scikit-learn after a {out['export_seconds']:.2f} s export)")
    print(f"Lloyd iteration: {out['lloyd_iteration_seconds_median']:.3f} s = "
          f"{out['lloyd_iteration_over_bare_scan']:.2f} bare scans ({out['bare_scan_seconds']:.3f} s); target <= 2")
    if "before_lloyd_iteration_seconds_median" in out:
        b = out["before_lloyd_iteration_seconds_median"]
        print(f"  before (--before checkout, same run): {b:.3f} s = {b / out['bare_scan_seconds']:.2f} bare scans")
    if "hard" in out:
        H = out["hard"]
        print(f"closer blobs (N(0, 1) noise around centres in [-10, 10)^{out['dims']}), {H['rows']} rows, "
              f"k = {out['k']} (optimum {H['optimum']:.6g}): objective / optimum per seed")
        for label, runs in H["fits"].items():
            print(f"  {label:32s} " + " ".join(f"{r['objective'] / H['optimum']:7.4f}" for r in runs))
    L = out["large"]
    print(f"k = {L['k']} on {L['rows']} rows (optimum {L['optimum']:.6g}):")
    for m, r in L["fits"].items():
        print(f"  {m:10s} objective/optimum {r['objective'] / L['optimum']:.4f}  {r['seconds']:.2f} s  "
              f"{r['passes']} passes")
    if "k50" in out:
        K = out["k50"]
        print(f"k = {K['k']} blobs ({K['rows']} rows, tests/kmeans_data.py), one start per seed 0..{K['seeds'] - 1}: "
              f"objective / optimum, and seeds at the optimum")
        for label, ratios in K["fits"].items():
            print(f"  {label:32s} {K['hits'][label]:2d}/{K['seeds']}  " + " ".join(f"{r:.3f}" for r in ratios))
    report(out)


def report(out):
    """The k-means rows of the common benchmark table (bench/report.py)."""
    it, scan = out["lloyd_iteration_seconds_median"], out["bare_scan_seconds"]
    size = f"{out['rows'] // 10**6}M" if out["rows"] % 10**6 == 0 else f"{out['rows'] // 1000}k"
    add(f"k-means Lloyd iteration {size} x {out['dims']}, k = {out['k']}", it,
        it / scan, "scans", "<= 2", it / scan <= 2, GROUP, f"bare scan {scan:.3f} s")
    opt = out["optimum"]
    for label, runs in out["fits"].items():
        worst = max(r["objective"] for r in runs) / opt
        secs = statistics.median(r["seconds"] for r in runs)
        passes = statistics.median(r["passes"] for r in runs) if runs[0]["passes"] is not None else None
        target = label in METHODS[1:]          # plain k-means++ and scikit-learn: for comparison
        add(f"k-means {label}: worst objective / optimum over {len(runs)} seeds", secs, worst, "x optimum",
            "1" if target else "", abs(worst - 1) <= 1e-9 if target else None, GROUP,
            "" if passes is None else f"{passes:g} passes per fit")
    if "k50" in out:
        K = out["k50"]
        for label, hits in K["hits"].items():
            target = label in METHODS[1:]
            add(f"k-means k = 50 blobs, {label}, one start: seeds at the optimum", None, hits / K["seeds"],
                "share of seeds", ">= 0.95" if target else "", hits / K["seeds"] >= 0.95 if target else None, GROUP,
                f"{hits}/{K['seeds']}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dsn", help="an existing database with indb_ml installed (default: a throwaway cluster)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dims", type=int, default=20)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--max-iter", type=int, default=20)
    ap.add_argument("--k-large", type=int, default=100)
    ap.add_argument("--rows-large", type=int, default=200_000)
    ap.add_argument("--rows-hard", type=int, default=200_000, help="rows of the closer-blobs table")
    ap.add_argument("--before", help="a checkout whose code to compare (installed in schema indb_ml_before)")
    args = ap.parse_args(argv)
    with server(args.dsn) as dsn:
        if args.before:
            install_before(dsn, args.before)
        with connect(dsn) as conn:
            out = bench(conn, args.rows, args.dims, args.k, args.seeds, args.max_iter, args.before, args.k_large,
                        args.rows_large, args.rows_hard)
    print_table(out)
    return out


if __name__ == "__main__":
    main()
