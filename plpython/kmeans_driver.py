"""The k-means driver (takes ``plpy``; runs in the caller's backend): seeding and Lloyd for R runs at once.

Every pass is one aggregate over the prepared blocks that serves all runs
(``n_init`` restarts): the seeding passes draw for every run, and a Lloyd pass
carries the centroids of every run still iterating, plus those of runs that
just converged (the pass measures their final objective). The best final
objective wins. Pass counts are reported so benchmarks can state them.
"""
import time

import numpy as np

from . import blocks, kmeans, kmeans_seed, passes, session

INITS = ("kmeans++", "kmeans++plain", "kmeans||", "random", "given")
PARALLEL_ROUNDS = 5          # k-means|| sampling rounds (Bahmani et al. find 5 enough), 2k rows each
LITERAL_BYTES = 4 << 20      # a pass's bytea arguments up to this size travel as SQL literals (parallel plans)


class Passes:
    """The k-means aggregates over one packed table, one pass each; counts the passes.

    A pass goes through ``passes.run`` (the pass settings, workers by size, per-partition states) as
    one-shot SQL with its arguments as literals (centroids as hex bytea): a statement prepared by
    ``plpy.prepare`` is planned without parallel query (SPI_prepare), so the passes ran in the leader
    alone. Arguments over ``LITERAL_BYTES`` (many runs of many large centroids) go as parameters of a
    prepared statement instead, serial as before. A sharded packed table runs each aggregate on every
    shard (``shard_passes``, parameters)."""

    MERGES = {"sample": kmeans_seed.sample_merge, "step": kmeans.step_merge, "far": kmeans.far_merge,
              "silhouette": kmeans.silhouette_merge, "swap": kmeans_seed.swap_merge}

    def __init__(self, plpy, schema, table, prep):
        self.plpy = plpy
        self.schema = schema
        self.count = 0
        self.prep = prep
        self.sharded = bool(prep.get("shards"))
        # the random stream follows (seed, partition, block): a one-partition source uses partition 0, not
        # its OID, so a seed gives the same centroids in every database holding the same table
        one_part = plpy.execute(f"SELECT count(DISTINCT part) <= 1 AS one FROM {table}")[0]["one"]
        self._part = "0::oid" if one_part else "p.part"

    def _aggregate(self, name, args):
        """Run kmeans_<name>_agg over the blocks with ``args`` (after x, n) -> the merged state."""
        self.count += 1
        merge = self.MERGES[name]
        if self.sharded:          # docs/sharding.md: pushed to every shard, states merged here
            from . import shard_passes
            head = "p.x, p.n, p.part, p.block" if name == "sample" else "p.x, p.n"
            agg = f"{self.schema}.kmeans_{name}_agg({head}, " + ", ".join(f"${i + 1}" for i in range(len(args))) + ")"
            self.prep.setdefault("caller", "kmeans")
            states, _ = shard_passes.aggregate(self.plpy, self.schema, self.prep, agg, [v for v, _ in args],
                                               [t for _, t in args], f"a k-means pass (kmeans_{name}_agg)")
            return shard_passes.combine(states, merge)
        head = f"p.x, p.n, {self._part}, p.block" if name == "sample" else "p.x, p.n"
        if sum(len(v) for v, t in args if t == "bytea" and v is not None) > LITERAL_BYTES:
            return self._prepared(name, head, args)
        agg = f"{self.schema}.kmeans_{name}_agg({head}, " + ", ".join(_literal(v, t) for v, t in args) + ")"
        states, _ = passes.run(self.plpy, self.prep, agg)
        state = passes.combine([s for parts in states.values() for s in parts], merge)
        return None if state is None else blocks.from_bytes(state)

    def _prepared(self, name, head, args):
        """A pass whose arguments are too large for SQL text (a plan carries its constants to every worker
        as text, ~4 characters a byte): parameters of a prepared statement - which PostgreSQL runs
        without parallel workers."""
        agg = f"{self.schema}.kmeans_{name}_agg({head}, " + ", ".join(f"${i + 1}" for i in range(len(args))) + ")"
        plan = self.plpy.prepare(f"SELECT {agg} AS s FROM {self.prep['table']} AS p WHERE p.n > 0",
                                 [t for _, t in args])
        with session.settings(self.plpy, **passes.run_settings(self.plpy, self.prep)):
            return self.plpy.execute(plan, [v for v, _ in args])[0]["s"]

    def sample(self, centers, cands, runs, m, seed, round_):
        raw = lambda a: None if a is None or a.size == 0 else blocks.to_bytes(a)  # noqa: E731
        return kmeans_seed.sample_result(self._aggregate("sample", [
            (raw(centers), "bytea"), (raw(cands), "bytea"), (runs, "int4"), (m, "int4"), (seed, "int8"),
            (round_, "int4")]))

    def step(self, C, k):
        return kmeans.step_result(self._aggregate("step", [(blocks.to_bytes(C), "bytea"), (k, "int4")]))

    def far(self, C, k, m):
        return kmeans.far_result(self._aggregate("far", [(blocks.to_bytes(C), "bytea"), (k, "int4"), (m, "int4")]))

    def swap(self, centers, cands, runs):
        return kmeans_seed.swap_result(self._aggregate("swap", [
            (blocks.to_bytes(centers), "bytea"), (blocks.to_bytes(cands), "bytea"), (runs, "int4")]))

    def silhouette(self, C, ks):
        return kmeans.silhouette_result(self._aggregate("silhouette", [
            (blocks.to_bytes(C), "bytea"), ([int(v) for v in ks], "int4[]")]))


def _literal(value, typ):
    """A pass argument as SQL text: bytes as hex bytea, integers (and integer arrays) through int()."""
    if value is None:
        return f"NULL::{typ}"
    if typ == "bytea":
        return passes.bytea_literal(value)
    if typ == "int4[]":
        return "ARRAY[" + ", ".join(str(int(v)) for v in value) + "]::int4[]"
    return f"{int(value)}::{typ}"


class TooFewPoints(Exception):
    pass


def seed_runs(passes, init, k, R, seed, d, local_search=True):
    """Initial centroids (R, k, d) for R runs, and the data's mean feature variance (tolerance scale).

    Greedy k-means++ ends with one local-search pass (``local_search``): the final pass draws 2 + ⌊ln k⌋
    rows by D² under the chosen centres, one more pass scores every (row, centre) swap, and the best swap
    is made if it lowers the cost. It mends greedy k-means++'s typical slip, the last centres landing in
    covered clusters while a cluster near another one stays uncovered (k+2 passes instead of k+1)."""
    first = passes.sample(None, None, R, 1 if init != "random" else k, seed, 0)
    var = float(first["var"].mean())
    if init == "random":
        C = [first["samples"][r][0] for r in range(R)]
        if min(len(c) for c in C) < k:
            raise TooFewPoints(min(len(c) for c in C))
        return np.array(C), var
    C = np.array([first["samples"][r][0][:1] for r in range(R)])        # (R, 1, d)
    if k == 1:
        return C, var
    if init == "kmeans++plain":
        for t in range(1, k):
            res = passes.sample(C, None, R, 1, seed, t)
            new = [res["samples"][r][0][:1] for r in range(R)]
            if min(len(c) for c in new) == 0:
                raise TooFewPoints(t)
            C = np.concatenate([C, np.array(new)], axis=1)
        return C, var
    if init == "kmeans||":
        return _parallel(passes, C, k, R, seed, d), var
    # greedy k-means++: step t's candidates are scored while step t+1's are drawn, per hypothesis
    L = kmeans_seed.n_candidates(k)
    cands = None
    for t in range(1, k + 1):
        res = passes.sample(C, cands, R, L if t < k or local_search else 0, seed, t)
        if cands is None:
            nxt = [res["samples"][r][0] for r in range(R)]
        else:
            pot = np.where(np.isfinite(res["potential"]), res["potential"], np.inf)
            best = pot.argmin(axis=1)
            if not np.isfinite(pot[np.arange(R), best]).all():
                raise TooFewPoints(C.shape[1])
            C = np.concatenate([C, cands[np.arange(R), best][:, None, :]], axis=1)
            nxt = [res["samples"][r][best[r]] for r in range(R)] if t < k or local_search else None
        if nxt is not None:
            if t < k and min(len(c) for c in nxt) == 0:
                raise TooFewPoints(C.shape[1])
            cands = np.array([kmeans_seed.pad(c, L, d) for c in nxt])
    if local_search and np.isfinite(cands).any():
        res = passes.swap(C, cands, R)
        for r in range(R):
            swap = kmeans_seed.best_swap(res["current"][r], res["cost"][r])
            if swap is not None:
                C[r, swap[1]] = cands[r, swap[0]]
    return C, var


def _parallel(passes, C, k, R, seed, d):
    """k-means||: PARALLEL_ROUNDS passes drawing 2k rows each by D², one pass weighting the candidates by
    the rows nearest to them, then a weighted greedy k-means++ and Lloyd on the candidates (no pass)."""
    P = [list(C[r]) for r in range(R)]
    for t in range(1, PARALLEL_ROUNDS + 1):
        res = passes.sample(np.array(P), None, R, 2 * k, seed, t)
        for r in range(R):
            P[r].extend(res["samples"][r][0])
        if max(len(p) for p in P) != min(len(p) for p in P):     # few distinct rows: pad with duplicates
            top = max(len(p) for p in P)
            for p in P:
                p.extend([p[0]] * (top - len(p)))
    P = np.array(P)
    m = P.shape[1]
    runs, _ = passes.step(P.reshape(R * m, d), m)
    out = []
    for r in range(R):
        rng = np.random.default_rng([int(seed) & 0xFFFFFFFFFFFFFFFF, 1_000_003, r])
        try:
            out.append(kmeans_seed.local_kmeans(P[r], runs[r]["counts"], k, rng))
        except ValueError:
            raise TooFewPoints(int((runs[r]["counts"] > 0).sum()))
    return np.array(out)


def lloyd_runs(passes, C0, k, max_iter, tol, on_iteration=None):
    """Lloyd for R runs sharing passes. Each run stops at its own convergence (centroid shift ≤ tol, as
    scikit-learn) or max_iter; one more pass (shared with the runs still going) measures its final
    objective, sizes and SSE. -> list of dicts per run."""
    R = C0.shape[0]
    runs = [{"C": C0[r].copy(), "iterations": 0, "converged": False, "state": "active", "objectives": []}
            for r in range(R)]
    while True:
        live = [r for r in range(R) if runs[r]["state"] != "done"]
        if not live:
            break
        t = time.perf_counter()
        C = np.concatenate([runs[r]["C"] for r in live])
        results, n = passes.step(C, k)
        need_far = [i for i, r in enumerate(live)
                    if runs[r]["state"] == "active" and (results[i]["counts"] == 0).any()]
        far = {}
        if need_far:
            m = max(int((results[i]["counts"] == 0).sum()) for i in need_far)
            far_res = passes.far(np.concatenate([runs[live[i]]["C"] for i in need_far]), k, m)
            far = {need_far[j]: far_res[j] for j in range(len(need_far))}
        ms = (time.perf_counter() - t) * 1000.0
        for i, r in enumerate(live):
            run, res = runs[r], results[i]
            if run["state"] == "measure":
                run.update(state="done", result=res)
                continue
            newC, reseeded = kmeans.update(res, run["C"], far.get(i))
            shift = float(((newC - run["C"]) ** 2).sum())
            run["iterations"] += 1
            run["objectives"].append(res["objective"])
            if on_iteration:
                on_iteration(r, run["iterations"], res, shift, reseeded, n, ms)
            run["C"] = newC
            run["converged"] = shift <= tol
            if run["converged"] or run["iterations"] >= max_iter:
                # shift 0: this pass already measured the final centroids
                run["state"] = "done" if shift == 0.0 else "measure"
                if shift == 0.0:
                    run["result"] = res
    return runs
