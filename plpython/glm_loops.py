"""The three optimizer loops of the GLM driver (``glm_driver.Driver.run`` picks one by ``Problem.optimizer``).

Each loop takes the ``Driver`` (which runs the passes, adds the penalty and
records every iteration) and updates its groups' models until each converges
or reaches ``max_iter``; groups that are done leave the next passes.

* ``newton`` (IRLS): Hessian pass per iteration, equilibrated pseudo-inverse
  step, step halving if the objective went up. A logistic fit's first
  iteration (w = 0) reads the statistics stored at packing instead of a pass
  (``Driver.hessian_at_zero``).
* ``lbfgs``: gradient pass per evaluation, two-loop recursion (memory 10),
  backtracking Armijo line search; run in a standardised parametrisation
  w = T v (columns centred on the intercept and scaled) so badly scaled
  features do not stall it.
* ``sgd``: one Bismarck epoch per pass (see glm_sgd.epoch_block) in the same
  parametrisation, step size lr * decay^epoch, iterate averaging.
"""
import math

import numpy as np

from . import glm_sgd, glm_solvers


def _answered(active, res):
    """(key, group, combined state) of every active group the pass returned, its rows recorded; a group
    the pass did not return (no rows) is done and leaves ``active``."""
    for key in list(active):
        g = active[key]
        if key not in res:
            g.done = True
            del active[key]
            continue
        g.rows = int(res[key]["rows"])
        yield key, g, res[key]


def _standardised(drv):
    """(key, T, constant column) of every group the stats pass saw, w = T v (glm_solvers.transform_from_stats);
    a group it did not see (no rows) is done."""
    trans = drv.stats()
    for key, g in drv.groups.items():
        if key not in trans:
            g.done = True
            continue
        yield (key,) + tuple(trans[key])


def newton(drv):
    """Newton / IRLS: a Hessian pass per iteration, equilibrated pseudo-inverse step, halving uphill steps."""
    pb = drv.pb
    masks = {k: drv.penalty_mask(k) for k in drv.groups}
    st_ = {k: {"prev_w": None, "prev_loss": None, "dir": None, "step": 1.0, "halvings": 0}
           for k in drv.groups}
    active = dict(drv.groups)
    first = True
    while active:
        points = {k: g.w for k, g in active.items()}
        # the first pass of a logistic fit (at w = 0) comes from the statistics stored at packing
        got = drv.hessian_at_zero(points) if first else None
        first = False
        res, ms = got or drv.evaluate("hess", points)
        for key, g, r in _answered(active, res):
            s, mask = st_[key], masks[key]
            n = r["rows"]
            loss = r["loss"] / n + drv.penalty_at(key, g.w, mask)
            if s["prev_loss"] is not None and not (loss <= s["prev_loss"] + 1e-12 * abs(s["prev_loss"])) \
                    and s["halvings"] < 40:
                # the full Newton step went uphill (or overflowed): halve it
                s["halvings"] += 1
                s["step"] *= 0.5
                g.w = s["prev_w"] + s["step"] * s["dir"]
                continue
            grad = r["grad"] / n + drv.penalty_grad(key, g.w, mask)
            H = r["hess"] / n + drv.penalty_hess(key, mask)
            g.loss, g.loss_sum, g.grad, g.hess_sum = loss, r["loss"], grad, r["hess"]
            gnorm = float(np.linalg.norm(grad))
            drv.record(g, loss, gnorm, s["step"], ms, {"halvings": s["halvings"]} if s["halvings"] else None)
            if pb.madlib_irls:
                done = s.get("prev_total") is not None and abs(s["prev_total"] - r["loss"]) < pb.tolerance
            else:
                done = s["prev_loss"] is not None and drv.converged(s["prev_loss"], loss)
            if gnorm == 0.0 or done or g.iterations >= pb.max_iter:
                g.converged = gnorm == 0.0 or done
                g.done = True
                if pb.madlib_irls and gnorm > 0.0:
                    g.w = g.w + glm_solvers.equilibrated_solve(H, -grad)[0]
                del active[key]
                continue
            direction, _ = glm_solvers.equilibrated_solve(H, -grad)
            if pb.step_tolerance and np.linalg.norm(direction) <= pb.step_tolerance * (
                    np.linalg.norm(g.w) + pb.step_tolerance):
                g.converged, g.done = True, True
                g.w = g.w + direction
                del active[key]
                continue
            s.update(prev_w=g.w.copy(), prev_loss=loss, dir=direction, step=1.0, halvings=0,
                     prev_total=r["loss"])
            g.w = g.w + direction


def lbfgs(drv, memory=10):
    """L-BFGS in the standardised parametrisation w = T v: a gradient pass per evaluation, Armijo backtracking.
    The first evaluation is at w = 0 whatever T is, so its pass also sums the columns that T comes from."""
    pb = drv.pb
    first = drv.gradient_with_stats() if all(not g.w.any() for g in drv.groups.values()) else None
    S = {}
    for key, T, icpt in _standardised(drv):
        S[key] = {"T": T, "mask": drv.penalty_mask(key),
                  "v": np.zeros(pb.p), "loss": None, "gv": None, "dir": None, "a": 1.0,
                  "s": [], "y": [], "trial": np.zeros(pb.p), "passes": 0}
    active = {k: g for k, g in drv.groups.items() if k in S}

    def to_w(T, v):
        return (T @ v.reshape(pb.dd, -1)).ravel()

    def to_v(T, gw):
        return (T.T @ gw.reshape(pb.dd, -1)).ravel()

    while active:
        points = {k: to_w(S[k]["T"], S[k]["trial"]) for k in active}
        if first is not None:     # the pass that gave T evaluated every group at w = 0 = T 0
            res, ms = first
            first = None
        else:
            res, ms = drv.evaluate("grad", points)
        for key, g, r in _answered(active, res):
            s = S[key]
            n = r["rows"]
            w_t = points[key]
            loss_t = r["loss"] / n + drv.penalty_at(key, w_t, s["mask"])
            gw = r["grad"] / n + drv.penalty_grad(key, w_t, s["mask"])
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
            drv.record(g, loss_t, gnorm, step, ms, {"evaluations": s["passes"]})
            s["passes"] = 0
            if old is not None and drv.converged(old, loss_t) or float(np.abs(gv).max()) == 0.0:
                g.converged, g.done = True, True
                del active[key]
                continue
            if g.iterations >= pb.max_iter:
                g.done = True
                del active[key]
                continue
            direction = glm_solvers.lbfgs_direction(gv, s["s"], s["y"])
            if not direction @ gv < 0:
                s["s"], s["y"] = [], []
                direction = -gv
            s["dir"] = direction
            s["a"] = 1.0 if s["s"] else min(1.0, 1.0 / max(float(np.linalg.norm(gv)), 1e-300))
            s["trial"] = s["v"] + s["a"] * direction


def sgd(drv):
    """SGD: one Bismarck epoch per pass in the standardised parametrisation, step lr * decay^epoch."""
    pb = drv.pb
    seed = int(float(drv.prep.get("shuffle_seed") or 0.0) * 2 ** 31)
    S = {}
    for key, T, icpt in _standardised(drv):
        if pb.add_intercept:
            icpt = pb.dd - 1
        S[key] = {"T": T, "icpt": -1 if pb.penalize_intercept else icpt, "v": np.zeros(pb.p), "loss": None,
                  "mask": drv.penalty_mask(key)}
    active = {k: g for k, g in drv.groups.items() if k in S}
    lr0 = pb.lr if pb.lr is not None else 0.5
    epoch = 0
    while active:
        lr = lr0 * pb.decay ** epoch
        tasks = {}
        for key in active:
            s = S[key]
            params = glm_sgd.params(lr, pb.batch_size, epoch, seed, pb.l2, s["icpt"], pb.average)
            tasks[key] = drv.task("sgd", s["v"], params, s["T"])
        res, ms = drv.evaluate_tasks(tasks, ordered=True)
        for key, g, st in _answered(active, res):
            s = S[key]
            n = st["rows"]
            v_new = st["vsum"] / n
            w_new = (s["T"] @ v_new.reshape(pb.dd, -1)).ravel()
            mask = s["mask"]
            if pb.l1 > 0:   # L1 (svm norm=L1): one proximal step per epoch, the clipping of its n/batch steps
                thr = lr * pb.l1 * max(n / pb.batch_size, 1.0) * mask
                w_new = np.sign(w_new) * np.maximum(np.abs(w_new) - thr, 0.0)
                v_new = np.linalg.solve(s["T"], w_new.reshape(pb.dd, -1)).ravel()
            loss = st["loss"] / n + drv.penalty_at(key, w_new, mask)   # running loss seen during the epoch
            step_norm = float(np.linalg.norm(v_new - s["v"]))
            s["v"] = v_new
            g.w = w_new
            old = s["loss"]
            s["loss"] = loss
            drv.record(g, loss, step_norm / max(lr, 1e-300), lr, ms, {"epoch": epoch, "loss": "running"})
            if old is not None and drv.converged(old, loss):
                g.converged, g.done = True, True
                del active[key]
            elif g.iterations >= pb.max_iter:
                g.done = True
                del active[key]
        epoch += 1
