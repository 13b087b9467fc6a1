"""The iteration driver shared by every GLM-family model (takes ``plpy``; runs in the caller's backend).

One loop for all models and optimizers: per round it runs the ``glm_pass``
aggregate over the prepared blocks through ``passes.run`` (per grouping-column
group, each active group with its own model as a constant task, and per
partition of a partitioned source),
adds the partition states up, lets each group's optimizer take its step,
writes the iteration to the registry's history (loss, gradient norm, step
size, rows, elapsed ms), emits a NOTICE, and stops a group when it converges
(relative change of the objective below the tolerance) or reaches
``max_iter``. Converged groups are left out of the next rounds' SQL.

Objectives are means over rows plus the penalty:
    f(w) = (1/n) sum_i loss(y_i, x_i w) + l2/2 |w_pen|^2 (+ l1 |w_pen|_1 for elastic net)
Optimizers:
* ``newton`` (IRLS): Hessian pass per iteration, equilibrated pseudo-inverse
  step, step halving if the objective went up.
* ``lbfgs``: gradient pass per evaluation, two-loop recursion (memory 10),
  backtracking Armijo line search; run in a standardised parametrisation
  w = T v (columns centred on the intercept and scaled) so badly scaled
  features do not stall it.
* ``sgd``: one Bismarck epoch per pass (see optimizers._sgd_block) in the same
  parametrisation, step size lr * decay^epoch, iterate averaging.
"""
import json
import math
import time

import numpy as np

from . import optimizers, passes, registry


class Problem:
    """What to fit: family, shape, penalty, optimizer settings."""

    def __init__(self, name, family, d, k=1, add_intercept=False, family_params=(), l2=0.0, l1=0.0,
                 penalize_intercept=False, optimizer="newton", max_iter=20, tolerance=1e-4, verbose=False,
                 lr=None, decay=0.9, batch_size=100, average=True, madlib_irls=False, step_tolerance=0.0,
                 standardize=False):
        self.name = name
        # Newton: also converged when the step is this small relative to the coefficients
        self.step_tolerance = float(step_tolerance)
        # MADlib's IRLS (logregr_train): stop when the total log-likelihood changes by less than
        # the tolerance, and report the coefficients after the last Newton step (with the
        # log-likelihood and Hessian of the pass that computed that step)
        self.madlib_irls = bool(madlib_irls)
        self.family = family
        self.d = d
        self.k = k
        self.add_intercept = add_intercept
        self.dd = d + (1 if add_intercept else 0)
        self.p = self.dd * k
        self.family_params = list(family_params)
        self.l2 = float(l2)
        self.l1 = float(l1)
        self.penalize_intercept = penalize_intercept
        self.optimizer = optimizer
        self.max_iter = int(max_iter)
        self.tolerance = float(tolerance)
        self.verbose = bool(verbose)
        self.lr = lr
        self.decay = float(decay)
        self.batch_size = int(batch_size)
        self.average = bool(average)
        self.standardize = bool(standardize)   # penalise the coefficients of standardised features


class Group:
    def __init__(self, key, p):
        self.key = key
        self.w = np.zeros(p)
        self.done = False
        self.converged = False
        self.iterations = 0
        self.loss = None          # mean objective at w
        self.loss_sum = None      # sum of the data loss at w (no penalty)
        self.grad = None
        self.hess_sum = None
        self.rows = 0
        self.passes = 0
        self.pending_passes = 0
        self.message = ""


# ------------------------------------------------------------------------------- SQL


def group_key_sql(prep, alias=""):
    return passes.group_key_sql(prep, alias)


def run_pass(plpy, schema, prep, tasks, ordered=False):
    """One glm_pass: tasks {group key: task bytes} -> ({key: [partition states]}, elapsed ms)."""
    return passes.run(plpy, prep, f"{schema}.glm_pass(p.x, p.y, p.n, p.shuffle_key, {{task}})", tasks, ordered)


def group_rows(plpy, prep):
    return passes.group_rows(plpy, prep)


def label_values_found(plpy, source_sql, label_sql, limit=10):
    rows = plpy.execute(f"SELECT DISTINCT ({label_sql})::text AS v FROM {source_sql} "
                        f"WHERE ({label_sql}) IS NOT NULL ORDER BY 1 LIMIT {int(limit) + 1}")
    vals = [r["v"] for r in rows]
    more = len(vals) > limit
    return vals[:limit], more


def write_table(plpy, out_sql, prep, columns, results):
    """CREATE TABLE out AS grouping columns + result columns, one row per group.

    ``columns`` [(name, sql type)], ``results`` {group key: {name: value}}. Values travel as one
    jsonb literal (quote_literal) read by jsonb_to_recordset: nothing is pasted unquoted."""
    rows = []
    # a dict {key: row}, or [(key, row), ...] for several rows per group (multinom: one per category)
    for key, res in (results.items() if isinstance(results, dict) else results):
        row = {"_gkey": key}
        row.update(res)
        rows.append(row)
    payload = plpy.quote_literal(registry._json(rows))
    coldefs = ", ".join(f"{plpy.quote_ident(n)} {t}" for n, t in [("_gkey", "text")] + list(columns))
    colsel = ", ".join(f"r.{plpy.quote_ident(n)}" for n, _ in columns)
    if prep["group_sql"]:
        g = ", ".join(prep["group_sql"])
        key = group_key_sql(prep)
        gsel = ", ".join(f"k.{c}" for c in prep["group_sql"])
        plpy.execute(f"CREATE TABLE {out_sql} AS SELECT {gsel}, {colsel} FROM "
                     f"(SELECT DISTINCT {g}, {key} AS _gkey FROM {prep['table']}) AS k "
                     f"JOIN jsonb_to_recordset({payload}::jsonb) AS r({coldefs}) ON r._gkey = k._gkey "
                     f"ORDER BY {gsel}")
    else:
        plpy.execute(f"CREATE TABLE {out_sql} AS SELECT {colsel} FROM jsonb_to_recordset({payload}::jsonb) "
                     f"AS r({coldefs})")


# ------------------------------------------------------------------------------- parametrisation


def transform_from_stats(st, dd, add_intercept):
    """T with w = T v: centre on the constant column (if any) and scale by the standard deviation.
    Returns (T, index of the constant column or -1)."""
    n = max(st["rows"], 1.0)
    mean = st["sum_x"] / n
    msq = st["sum_x2"] / n
    var = np.maximum(msq - mean ** 2, 0.0)
    const = np.flatnonzero((var <= 1e-12 * np.maximum(msq, 1e-300)) & (np.abs(mean) > 0))
    if add_intercept:
        c = dd - 1
    elif const.size:
        c = int(const[0])
    else:
        c = -1
    T = np.zeros((dd, dd))
    if c < 0:
        rms = np.sqrt(msq)
        rms[rms == 0] = 1.0
        np.fill_diagonal(T, 1.0 / rms)
        return T, -1
    sd = np.sqrt(var)
    sd[sd == 0] = 1.0
    for j in range(dd):
        if j == c:
            continue
        if var[j] <= 1e-12 * max(msq[j], 1e-300) and j in const:
            # another constant column: scale only
            T[j, j] = 1.0 / max(abs(mean[j]), 1e-300)
            continue
        T[j, j] = 1.0 / sd[j]
        T[c, j] = -mean[j] / sd[j] / mean[c]
    T[c, c] = 1.0 / mean[c]
    return T, c


# ------------------------------------------------------------------------------- driver


class Driver:
    def __init__(self, plpy, schema, prep, problem, model_id, groups):
        self.plpy = plpy
        self.schema = schema
        self.prep = prep
        self.pb = problem
        self.model_id = model_id
        self.groups = {key: Group(key, problem.p) for key, rows, _ in groups if rows > 0}
        self.total_rows = {key: rows for key, rows, _ in groups}
        self.pass_count = 0
        self.label_check = None   # callback(group key) -> raises with the values found

    # ---- helpers
    def mask(self, icpt):
        m = np.ones(self.pb.dd)
        if not self.pb.penalize_intercept and icpt >= 0:
            m[icpt] = 0.0
        return np.repeat(m, self.pb.k) if self.pb.k > 1 else m

    def task(self, mode, w, params=(), transform=None):
        pb = self.pb
        return optimizers.make_task(pb.family, mode, pb.d, pb.k, w, list(pb.family_params) + list(params),
                                    pb.add_intercept, transform)

    def evaluate(self, mode, points, params=(), transform=None):
        """points {key: w} -> {key: combined state dict}; checks labels."""
        tasks = {k: self.task(mode, w, params, transform) for k, w in points.items()}
        states, ms = run_pass(self.plpy, self.schema, self.prep, tasks)
        self.pass_count += 1
        out = {}
        for key in points:
            st = optimizers.add_states(states.get(key, []), self.pb.dd, self.pb.k)
            if st is None:
                continue
            if st["bad"] > 0 and self.label_check is not None:
                self.label_check(key, int(st["bad"]))
            out[key] = st
        return out, ms

    def penalty(self, w, mask):
        wp = w * mask
        return 0.5 * self.pb.l2 * float(wp @ wp) + self.pb.l1 * float(np.abs(wp).sum())

    # ---- the penalty of a model w: on w itself, or (standardize) on v = T^-1 w, the coefficients of
    # the standardised features (see transform_from_stats); w stays on the original scale throughout
    def _t_inv(self, key):
        if not self.pb.standardize:
            return None
        cache = self.__dict__.setdefault("_t_inv_cache", {})
        if key not in cache:
            cache[key] = np.linalg.inv(self.stats()[key][0])
        return cache[key]

    def _to_v(self, Ti, w):
        return (Ti @ w.reshape(self.pb.dd, -1)).ravel()

    def penalty_at(self, key, w, mask):
        Ti = self._t_inv(key)
        return self.penalty(w if Ti is None else self._to_v(Ti, w), mask)

    def penalty_grad(self, key, w, mask):
        Ti = self._t_inv(key)
        if Ti is None:
            return self.pb.l2 * mask * w
        return (Ti.T @ (self.pb.l2 * mask * self._to_v(Ti, w)).reshape(self.pb.dd, -1)).ravel()

    def penalty_hess(self, key, mask):
        Ti = self._t_inv(key)
        if Ti is None:
            return self.pb.l2 * np.diag(mask)
        D = Ti.T @ np.diag(mask[::self.pb.k]) @ Ti
        return self.pb.l2 * (np.kron(D, np.eye(self.pb.k)) if self.pb.k > 1 else D)

    def transform_info(self):
        """{group key: {feature_mean, feature_scale}} of the standardisation (registry params)."""
        return {k: {"feature_mean": m.tolist(), "feature_scale": s.tolist()}
                for k, (m, s) in getattr(self, "_moments", {}).items()}

    def notice(self, g, it, loss, gnorm, step, ms, extra=""):
        label = f" group {g.key}" if g.key else ""
        registry.progress.report(self.plpy, self.pb.name, it, self.pb.max_iter, f"{self.pb.name}: iteration {it}/{self.pb.max_iter}{label} objective={loss:.12g} "
                         f"grad_norm={gnorm:.4g} step={step:.4g} rows={g.rows} ({ms:.0f} ms){extra}", objective=loss, group=g.key)

    def record(self, g, loss, gnorm, step, ms, info=None):
        g.iterations += 1
        registry.iteration(self.plpy, self.schema, self.model_id, g.iterations, g.key, loss, gnorm, step,
                           g.rows, ms, info)
        self.notice(g, g.iterations, loss, gnorm, step, ms)

    def stats(self):
        """One pass of column sums / squares -> {key: (T, constant column index)} (cached)."""
        if getattr(self, "_trans", None) is None:
            res, _ = self.evaluate("stats", {k: g.w for k, g in self.groups.items()})
            self._trans = {k: transform_from_stats(st, self.pb.dd, self.pb.add_intercept) for k, st in res.items()}
            self._moments = {k: (st["sum_x"] / max(st["rows"], 1.0),
                                 np.sqrt(np.maximum(st["sum_x2"] / max(st["rows"], 1.0)
                                                    - (st["sum_x"] / max(st["rows"], 1.0)) ** 2, 0.0)))
                             for k, st in res.items()}
        return self._trans

    def penalty_mask(self, key):
        """The penalised coefficients: all but the intercept (explicit, or a constant column of the data)."""
        pb = self.pb
        if pb.add_intercept:
            return self.mask(pb.dd - 1)
        if pb.penalize_intercept or (pb.l1 == 0.0 and pb.l2 == 0.0):
            return self.mask(-1)
        return self.mask(self.stats()[key][1])

    def converged(self, old, new):
        return abs(old - new) <= self.pb.tolerance * max(abs(new), 1e-12)

    # ---- Newton / IRLS
    def newton(self):
        pb = self.pb
        masks = {k: self.penalty_mask(k) for k in self.groups}
        st_ = {k: {"prev_w": None, "prev_loss": None, "dir": None, "step": 1.0, "halvings": 0}
               for k in self.groups}
        active = dict(self.groups)
        while active:
            res, ms = self.evaluate("hess", {k: g.w for k, g in active.items()})
            for key in list(active):
                g, s, mask = active[key], st_[key], masks[key]
                if key not in res:
                    g.done = True
                    del active[key]
                    continue
                r = res[key]
                n = r["rows"]
                g.rows = int(n)
                loss = r["loss"] / n + self.penalty_at(key, g.w, mask)
                if s["prev_loss"] is not None and not (loss <= s["prev_loss"] + 1e-12 * abs(s["prev_loss"])) \
                        and s["halvings"] < 40:
                    # the full Newton step went uphill (or overflowed): halve it
                    s["halvings"] += 1
                    s["step"] *= 0.5
                    g.w = s["prev_w"] + s["step"] * s["dir"]
                    continue
                grad = r["grad"] / n + self.penalty_grad(key, g.w, mask)
                H = r["hess"] / n + self.penalty_hess(key, mask)
                g.loss, g.loss_sum, g.grad, g.hess_sum = loss, r["loss"], grad, r["hess"]
                gnorm = float(np.linalg.norm(grad))
                self.record(g, loss, gnorm, s["step"], ms, {"halvings": s["halvings"]} if s["halvings"] else None)
                if pb.madlib_irls:
                    done = s.get("prev_total") is not None and abs(s["prev_total"] - r["loss"]) < pb.tolerance
                else:
                    done = s["prev_loss"] is not None and self.converged(s["prev_loss"], loss)
                if gnorm == 0.0 or done or g.iterations >= pb.max_iter:
                    g.converged = gnorm == 0.0 or done
                    g.done = True
                    if pb.madlib_irls and gnorm > 0.0:
                        g.w = g.w + optimizers.equilibrated_solve(H, -grad)[0]
                    del active[key]
                    continue
                direction, _ = optimizers.equilibrated_solve(H, -grad)
                if pb.step_tolerance and np.linalg.norm(direction) <= pb.step_tolerance * (
                        np.linalg.norm(g.w) + pb.step_tolerance):
                    g.converged, g.done = True, True
                    g.w = g.w + direction
                    del active[key]
                    continue
                s.update(prev_w=g.w.copy(), prev_loss=loss, dir=direction, step=1.0, halvings=0,
                         prev_total=r["loss"])
                g.w = g.w + direction

    # ---- L-BFGS
    def lbfgs(self, memory=10):
        pb = self.pb
        trans = self.stats()
        S = {}
        for key, g in self.groups.items():
            if key not in trans:
                g.done = True
                continue
            T, icpt = trans[key]
            S[key] = {"T": T, "mask": self.penalty_mask(key),
                      "v": np.zeros(pb.p), "loss": None, "gv": None, "dir": None, "a": 1.0,
                      "s": [], "y": [], "trial": np.zeros(pb.p), "passes": 0}
        active = {k: g for k, g in self.groups.items() if k in S}

        def to_w(T, v):
            return (T @ v.reshape(pb.dd, -1)).ravel()

        def to_v(T, gw):
            return (T.T @ gw.reshape(pb.dd, -1)).ravel()

        while active:
            points = {k: to_w(S[k]["T"], S[k]["trial"]) for k in active}
            res, ms = self.evaluate("grad", points)
            for key in list(active):
                g, s = active[key], S[key]
                if key not in res:
                    g.done = True
                    del active[key]
                    continue
                r = res[key]
                n = r["rows"]
                g.rows = int(n)
                w_t = points[key]
                loss_t = r["loss"] / n + self.penalty_at(key, w_t, s["mask"])
                gw = r["grad"] / n + self.penalty_grad(key, w_t, s["mask"])
                gv = to_v(s["T"], gw)
                s["passes"] += 1
                if s["loss"] is None:
                    accept = True
                else:
                    slope = float(s["gv"] @ s["dir"])
                    accept = math.isfinite(loss_t) and loss_t <= s["loss"] + 1e-4 * s["a"] * slope
                    if not accept:
                        if s["a"] < 1e-16 or s["passes"] > 60:
                            # the line search cannot make progress: we are at the optimum to machine precision
                            g.converged, g.done = True, True
                            del active[key]
                            continue
                        # quadratic interpolation of the step, kept within [0.1, 0.5] of the last one
                        a = s["a"]
                        denom = 2.0 * (loss_t - s["loss"] - slope * a) if math.isfinite(loss_t) else 0.0
                        a_new = -slope * a * a / denom if denom > 0 else 0.5 * a
                        s["a"] = min(max(a_new, 0.1 * a), 0.5 * a)
                        s["trial"] = s["v"] + s["a"] * s["dir"]
                        continue
                old = s["loss"]
                if old is not None:
                    sv, yv = s["trial"] - s["v"], gv - s["gv"]
                    if sv @ yv > 1e-10 * np.linalg.norm(sv) * np.linalg.norm(yv):
                        s["s"].append(sv)
                        s["y"].append(yv)
                        if len(s["s"]) > memory:
                            s["s"].pop(0)
                            s["y"].pop(0)
                step = 0.0 if old is None else s["a"]
                s["v"], s["loss"], s["gv"] = s["trial"].copy(), loss_t, gv
                g.w, g.loss, g.loss_sum, g.grad = w_t, loss_t, r["loss"], gw
                gnorm = float(np.linalg.norm(gw))
                self.record(g, loss_t, gnorm, step, ms, {"evaluations": s["passes"]})
                s["passes"] = 0
                if old is not None and self.converged(old, loss_t) or float(np.abs(gv).max()) == 0.0:
                    g.converged, g.done = True, True
                    del active[key]
                    continue
                if g.iterations >= pb.max_iter:
                    g.done = True
                    del active[key]
                    continue
                direction = optimizers.lbfgs_direction(gv, s["s"], s["y"])
                if not direction @ gv < 0:
                    s["s"], s["y"] = [], []
                    direction = -gv
                s["dir"] = direction
                s["a"] = 1.0 if s["s"] else min(1.0, 1.0 / max(float(np.linalg.norm(gv)), 1e-300))
                s["trial"] = s["v"] + s["a"] * direction

    # ---- SGD (Bismarck)
    def sgd(self):
        pb = self.pb
        trans = self.stats()
        seed = int(float(self.prep.get("shuffle_seed") or 0.0) * 2 ** 31)
        S = {}
        for key, g in self.groups.items():
            if key not in trans:
                g.done = True
                continue
            T, icpt = trans[key]
            if pb.add_intercept:
                icpt = pb.dd - 1
            S[key] = {"T": T, "icpt": -1 if pb.penalize_intercept else icpt, "v": np.zeros(pb.p), "loss": None,
                      "mask": self.penalty_mask(key)}
        active = {k: g for k, g in self.groups.items() if k in S}
        lr0 = pb.lr if pb.lr is not None else 0.5
        epoch = 0
        while active:
            lr = lr0 * pb.decay ** epoch
            tasks = {}
            for key in active:
                s = S[key]
                params = optimizers.sgd_params(lr, pb.batch_size, epoch, seed, pb.l2, s["icpt"], pb.average)
                tasks[key] = self.task("sgd", s["v"], params, s["T"])
            states, ms = run_pass(self.plpy, self.schema, self.prep, tasks, ordered=True)
            self.pass_count += 1
            for key in list(active):
                g, s = active[key], S[key]
                st = optimizers.add_states(states.get(key, []), pb.dd, pb.k)
                if st is None:
                    g.done = True
                    del active[key]
                    continue
                if st["bad"] > 0 and self.label_check is not None:
                    self.label_check(key, int(st["bad"]))
                n = st["rows"]
                g.rows = int(n)
                v_new = st["vsum"] / n
                w_new = (s["T"] @ v_new.reshape(pb.dd, -1)).ravel()
                mask = s["mask"]
                if pb.l1 > 0:   # L1 (svm norm=L1): one proximal step per epoch, the clipping of its n/batch steps
                    thr = lr * pb.l1 * max(n / pb.batch_size, 1.0) * mask
                    w_new = np.sign(w_new) * np.maximum(np.abs(w_new) - thr, 0.0)
                    v_new = np.linalg.solve(s["T"], w_new.reshape(pb.dd, -1)).ravel()
                loss = st["loss"] / n + self.penalty_at(key, w_new, mask)   # running loss seen during the epoch
                step_norm = float(np.linalg.norm(v_new - s["v"]))
                s["v"] = v_new
                g.w = w_new
                old = s["loss"]
                s["loss"] = loss
                self.record(g, loss, step_norm / max(lr, 1e-300), lr, ms, {"epoch": epoch, "loss": "running"})
                if old is not None and self.converged(old, loss):
                    g.converged, g.done = True, True
                    del active[key]
                elif g.iterations >= pb.max_iter:
                    g.done = True
                    del active[key]
            epoch += 1

    def run(self):
        opt = self.pb.optimizer
        if opt == "newton":
            self.newton()
        elif opt == "lbfgs":
            self.lbfgs()
        elif opt == "sgd":
            self.sgd()
        else:
            raise ValueError(f"unknown optimizer {opt}")
        if self.pb.standardize:
            registry.update_params(self.plpy, self.schema, self.model_id,
                                   {"standardize": True, "transform": self.transform_info()})
        return self.groups

    def final(self, mode="hess"):
        """Exact objective (and Hessian) at every group's final model: one pass."""
        pts = {k: g.w for k, g in self.groups.items() if g.rows or g.iterations}
        if not pts:
            return
        res, _ = self.evaluate(mode, pts)
        for key, r in res.items():
            g = self.groups[key]
            n = r["rows"]
            g.rows = int(n)
            mask = self.penalty_mask(key)
            g.loss_sum = r["loss"]
            g.loss = r["loss"] / n + self.penalty_at(key, g.w, mask)
            g.grad = r["grad"] / n + self.penalty_grad(key, g.w, mask)
            if "hess" in r:
                g.hess_sum = r["hess"]


def history_json(groups):
    return json.dumps({k: g.iterations for k, g in groups.items()})


# ------------------------------------------------------------------------------- setup shared by the models


def check_common(plpy, fname, max_iter, tolerance, optimizer=None, allowed=()):
    if max_iter is None or int(max_iter) < 1:
        plpy.error(f"{fname}: max_iter must be a positive number of iterations, got {max_iter}")
    if tolerance is None or not float(tolerance) >= 0:
        plpy.error(f"{fname}: tolerance must be >= 0, got {tolerance}")
    if optimizer is not None and optimizer not in allowed:
        plpy.error(f"{fname}: optimizer {optimizer!r} is not one of {', '.join(sorted(allowed))}")


def setup(plpy, schema, fname, algorithm, source_table, out_table, dependent, independent, grouping_cols,
          params, label_values=None):
    """Validate names, pack (or reuse) the data, start the registry row.
    -> (out, summary, prep, groups [(key, rows, skipped)], model_id)."""
    from . import identifiers, prepare
    out = identifiers.resolve_output_table(plpy, out_table, "out_table")
    summary = identifiers.sibling_table(plpy, out, "_summary", "summary table")
    if dependent is None or not str(dependent).strip():
        plpy.error(f"{fname}: dependent_varname is empty: give the label column")
    prep = prepare.ensure(plpy, schema, source_table, dependent, independent, grouping_cols,
                          label_values=label_values)
    if prep["n_rows"] == 0:
        if prep["n_skipped"]:
            plpy.error(f"{fname}: all {prep['n_skipped']} rows of {source_table} have NULL, NaN or infinite "
                       f"values in {dependent} or {independent}; nothing to train on")
        plpy.error(f"{fname}: source table {source_table} is empty")
    warn_few_rows(plpy, fname, prep, source_table)
    groups = group_rows(plpy, prep)
    model_id = registry.start(plpy, schema, out["sql"], algorithm, prep["source"]["sql"], out["sql"], dependent,
                              independent, grouping_cols, prep["feature_names"], params, prep["prepared_id"])
    return out, summary, prep, groups, model_id


def warn_few_rows(plpy, fname, prep, source_table):
    """A WARNING when there are fewer usable rows than features (one row, say): not identifiable."""
    n, d = prep["n_rows"], prep["n_features"]
    if n < max(2, d):
        plpy.warning(f"{fname}: only {n} usable row(s) in {source_table} for {d} feature(s): the model is not "
                     f"identifiable from so little data")


def check_two_classes(plpy, fname, prep, dependent, grouping_cols=None):
    """Error when the label (of a group) takes one value: a logistic model of one class is undefined.
    Ungrouped, the scan stops at the first row whose label differs from the first one."""
    col, _ = label_column_sql(plpy, prep, dependent)
    src = prep["source"]["sql"]
    if not prep["group_sql"]:
        other = plpy.execute(f"SELECT 1 AS x FROM {src} WHERE {col} IS NOT NULL AND {col} IS DISTINCT FROM "
                             f"(SELECT {col} FROM {src} WHERE {col} IS NOT NULL LIMIT 1) LIMIT 1")
        if not other:
            plpy.error(f"{fname}: the label {dependent} of {src} has a single value: a model of one class is "
                       f"undefined; the training data needs both classes")
        return
    g = ", ".join(prep["group_sql"])
    # groups whose rows were all skipped (NULL features) are not trained (as MADlib): not checked
    trained = " AND ".join(f"p.{c} IS NOT DISTINCT FROM s.{c}" for c in prep["group_sql"])
    bad = plpy.execute(f"SELECT ({g})::text AS k FROM {src} AS s WHERE {col} IS NOT NULL AND EXISTS "
                       f"(SELECT 1 FROM {prep['table']} AS p WHERE p.n > 0 AND {trained}) GROUP BY {g} "
                       f"HAVING count(DISTINCT {col}) < 2 LIMIT 1")
    if bad:
        plpy.error(f"{fname}: in group {bad[0]['k']} the label {dependent} of {src} has a single value: a model "
                   f"of one class is undefined; every group needs both classes")


def label_column_sql(plpy, prep, dependent):
    from . import expressions, identifiers
    columns = identifiers.table_columns(plpy, prep["source"]["oid"])
    sql, typ, _ = expressions.value_expression(plpy, dependent, columns, prep["source"]["sql"], "dependent_varname")
    return sql, {"typname": typ}


def label_checker(plpy, fname, prep, dependent, expectation):
    """A Driver.label_check callback: raise an error naming the label values found."""
    def check(key, bad):
        col, _ = label_column_sql(plpy, prep, dependent)
        vals, more = label_values_found(plpy, prep["source"]["sql"], col)
        where = f" (group {key})" if key else ""
        plpy.error(f"{fname}: {bad} rows{where} of {prep['source']['sql']} have a label that is not valid: "
                   f"{expectation}; column {dependent} holds the values {', '.join(vals)}{', ...' if more else ''}")
    return check


def distinct_labels(plpy, fname, prep_source_sql, col_sql, limit=1000):
    rows = plpy.execute(f"SELECT v::text AS v FROM (SELECT DISTINCT {col_sql} AS v FROM {prep_source_sql} "
                        f"WHERE {col_sql} IS NOT NULL) AS d ORDER BY d.v LIMIT {int(limit) + 1}")
    vals = [r["v"] for r in rows]
    if not vals:
        if not plpy.execute(f"SELECT EXISTS (SELECT 1 FROM {prep_source_sql}) AS e")[0]["e"]:
            plpy.error(f"{fname}: source table {prep_source_sql} is empty")
        plpy.error(f"{fname}: every label ({col_sql}) of {prep_source_sql} is NULL; nothing to train on")
    if len(vals) > limit:
        plpy.error(f"{fname}: the label has more than {limit} distinct values")
    return vals


def write_summary(plpy, summary_sql, fields):
    """CREATE TABLE summary AS one row of (name, type, value) fields, values as parameters."""
    names = [f for f, _, _ in fields]
    types = [t for _, t, _ in fields]
    cols = ", ".join(f"${i + 1}::{t} AS {plpy.quote_ident(n)}" for i, (n, t) in enumerate(zip(names, types)))
    plan = plpy.prepare(f"CREATE TABLE {summary_sql} AS SELECT {cols}", types)
    plpy.execute(plan, [v for _, _, v in fields])

