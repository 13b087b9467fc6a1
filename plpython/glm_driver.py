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

This module holds what every model shares: the problem, the per-group state,
the ``Driver`` (passes, penalty, history) and ``setup`` (validate, pack, start
the registry row). The optimizer loops (newton, lbfgs, sgd) are in
``glm_loops``, their step math in ``glm_solvers``, label checks in
``glm_labels``, and the model and summary tables are written by ``glm_output``.
"""
import numpy as np

from . import glm_loops, glm_solvers, optimizers, passes, registry, suffstats_driver


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


def run_pass(plpy, schema, prep, tasks, ordered=False):
    """One glm_pass: tasks {group key: task bytes} -> ({key: [partition states]}, elapsed ms)."""
    return passes.run(plpy, prep, f"{schema}.glm_pass(p.x, p.y, p.n, p.shuffle_key, {{task}})", tasks, ordered)


# ------------------------------------------------------------------------------- driver


class Driver:
    def __init__(self, plpy, schema, prep, problem, model_id, groups):
        self.plpy = plpy
        self.schema = schema
        self.prep = prep
        prep.setdefault("caller", problem.name)
        self.pb = problem
        self.model_id = model_id
        self.groups = {key: Group(key, problem.p) for key, rows, _ in groups if rows > 0}
        self.total_rows = {key: rows for key, rows, _ in groups}
        self.group_list = list(groups)
        self.pass_count = 0
        self.label_check = None   # callback(group key) -> raises with the values found
        # a pass over every group found every label usable: later passes (same blocks) skip the count
        self.labels_checked = False

    # ---- helpers
    def mask(self, icpt):
        m = np.ones(self.pb.dd)
        if not self.pb.penalize_intercept and icpt >= 0:
            m[icpt] = 0.0
        return np.repeat(m, self.pb.k) if self.pb.k > 1 else m

    def task(self, mode, w, params=(), transform=None, with_stats=False):
        pb = self.pb
        return optimizers.make_task(pb.family, mode, pb.d, pb.k, w, list(pb.family_params) + list(params),
                                    pb.add_intercept, transform, check_labels=not self.labels_checked,
                                    with_stats=with_stats)

    def evaluate(self, mode, points, params=(), transform=None):
        """points {key: w} -> ({key: combined state dict}, ms); checks labels."""
        return self.evaluate_tasks({k: self.task(mode, w, params, transform) for k, w in points.items()})

    def evaluate_tasks(self, tasks, ordered=False):
        """One glm_pass over {key: task bytes} -> ({key: combined state dict}, ms); checks labels."""
        states, ms = self.run_tasks(tasks, ordered)
        found = {key: optimizers.add_states(states.get(key, []), self.pb.dd, self.pb.k) for key in tasks}
        return self._labels_checked_in({k: st for k, st in found.items() if st is not None}), ms

    def _labels_checked_in(self, out):
        """Report unusable labels in a pass's states {key: state dict} (label_check raises with the values
        found); once a pass over every group found none, later tasks skip the count. -> ``out``."""
        for key, st in out.items():
            if st["bad"] > 0 and self.label_check is not None:
                self.label_check(key, int(st["bad"]))
        if all(st["mode"] != optimizers.MODES["stats"] and st["bad"] == 0 for st in out.values()) \
                and set(self.groups) <= set(out):
            self.labels_checked = True
        return out

    def hessian_at_zero(self, points):
        """The Hessian pass of a logistic fit at w = 0 (IRLS's first) from the statistics stored at packing
        (suffstats_driver): the same state dicts and label check as ``evaluate("hess", points)``, without
        reading the blocks. -> ({key: state dict}, ms), or None (then run the pass)."""
        pb = self.pb
        if pb.family != "logistic" or pb.k != 1 or any(w.any() for w in points.values()):
            return None
        got = suffstats_driver.logistic_at_zero(self.plpy, self.schema, self.prep, self.group_list,
                                                pb.add_intercept)
        if got is None:
            return None
        res, ms = got
        if self.label_check is None and any(res[k]["bad"] for k in points if k in res):
            return None   # the pass skips blocks with bad labels: only the pass gives its numbers
        return self._labels_checked_in({key: dict(res[key], mode=optimizers.MODES["hess"])
                                        for key in points if key in res}), ms

    def run_tasks(self, tasks, ordered=False):
        """One glm_pass over the given tasks (counted): ({key: [partition states]}, elapsed ms)."""
        states, ms = run_pass(self.plpy, self.schema, self.prep, tasks, ordered)
        self.pass_count += 1
        return states, ms

    def penalty(self, w, mask):
        wp = w * mask
        return 0.5 * self.pb.l2 * float(wp @ wp) + self.pb.l1 * float(np.abs(wp).sum())

    # ---- the penalty of a model w: on w itself, or (standardize) on v = T^-1 w, the coefficients of
    # the standardised features (see glm_solvers.transform_from_stats); w stays on the original scale throughout
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
            self._set_stats(res)
        return self._trans

    def _set_stats(self, res):
        self._trans = {k: glm_solvers.transform_from_stats(st, self.pb.dd, self.pb.add_intercept) for k, st in res.items()}
        self._moments = {k: (st["sum_x"] / max(st["rows"], 1.0),
                             np.sqrt(np.maximum(st["sum_x2"] / max(st["rows"], 1.0)
                                                - (st["sum_x"] / max(st["rows"], 1.0)) ** 2, 0.0)))
                         for k, st in res.items()}

    def gradient_with_stats(self):
        """The first gradient pass of a fit, at every group's starting model, that also sums the columns
        (what ``stats`` needs): one pass instead of two. -> ({key: state dict}, ms), or None when the
        stats are known already."""
        if getattr(self, "_trans", None) is not None:
            return None
        res, ms = self.evaluate_tasks({k: self.task("grad", g.w, with_stats=True) for k, g in self.groups.items()})
        self._set_stats(res)
        return res, ms

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

    def run(self):
        opt = self.pb.optimizer
        if opt not in ("newton", "lbfgs", "sgd"):
            raise ValueError(f"unknown optimizer {opt}")
        getattr(glm_loops, opt)(self)
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
    groups = passes.group_rows(plpy, prep)
    model_id = registry.start(plpy, schema, out["sql"], algorithm, prep["source"]["sql"], out["sql"], dependent,
                              independent, grouping_cols, prep["feature_names"], params, prep["prepared_id"])
    return out, summary, prep, groups, model_id


def warn_few_rows(plpy, fname, prep, source_table):
    """A WARNING when there are fewer usable rows than features (one row, say): not identifiable."""
    n, d = prep["n_rows"], prep["n_features"]
    if n < max(2, d):
        plpy.warning(f"{fname}: only {n} usable row(s) in {source_table} for {d} feature(s): the model is not "
                     f"identifiable from so little data")
