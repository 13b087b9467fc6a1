"""MADlib's GLM iteration (glm.py_in / GLM_impl.hpp), reproduced so that glm returns MADlib's numbers.

Pass 1 starts from μ = init(y) and fits η = g(μ) by weighted least squares; each later pass k at
β_k sums the log-likelihood at the dispersion ψ_k of the previous pass, the Fisher information
and the score, and (families with a dispersion) Pearson's χ² at β_k; then β_{k+1} = β_k + step.
The run stops when the log-likelihoods of two consecutive passes differ by less than the
tolerance relative to the smaller, or after max_iter passes - or, our addition, when the step is
below 1e-12 of |β| (no further change is representable, whatever the tolerance). The result is
MADlib's: β after the last step, that pass's log-likelihood and information, and the dispersion
Pearson χ²(β_k) / (n - p).
"""
import time

import numpy as np

from . import glm_families, glm_solvers, optimizers

STEP_FLOOR = 1e-12


def _pass(drv, mode, points, params_of):
    tasks = {k: optimizers.make_task("glm", mode, drv.pb.d, 1, w, params_of(k), check_labels=not drv.labels_checked)
             for k, w in points.items()}
    return drv.evaluate_tasks(tasks)


def fit(drv, codes, estimated):
    """Runs MADlib's iteration on every group of the driver; returns {key: dict(ll, hess, pearson, n)}."""
    pb = drv.pb
    w = {k: np.zeros(pb.p) for k in drv.groups}
    psi = {k: 1.0 for k in drv.groups}
    prev = {}
    final = {}
    active = set(drv.groups)
    first = True
    while active:
        t0 = time.perf_counter()
        # Pearson's χ² at β_k (the next dispersion) rides along in the same pass as the information
        what = glm_families.START if first else (
            glm_families.FIT_LOGLIK_PEARSON if estimated else glm_families.FIT_LOGLIK)
        res, _ = _pass(drv, "hess", {k: w[k] for k in active}, lambda k: list(codes) + [what, psi[k]])
        pear = {k: {"loss": r["pearson"]} for k, r in res.items() if "pearson" in r}
        ms = (time.perf_counter() - t0) * 1000.0
        for key in list(active):
            g = drv.groups[key]
            if key not in res:
                g.done = True
                active.discard(key)
                continue
            r = res[key]
            n = r["rows"]
            g.rows = int(n)
            ll = r["loss"]
            step = glm_solvers.equilibrated_solve(r["hess"], -r["grad"])[0]
            w[key] = w[key] + step
            pearson = pear[key]["loss"] if key in pear else None
            psi[key] = pearson / n if pearson is not None else 1.0
            g.w = w[key]
            g.loss_sum, g.hess_sum = -ll, r["hess"]
            drv.record(g, -ll / n, float(np.linalg.norm(r["grad"])), float(np.linalg.norm(step)), ms)
            final[key] = {"ll": ll, "hess": r["hess"], "pearson": pearson, "n": n}
            done = False
            if key in prev:
                a, b = prev[key], ll
                done = a >= 0 or b >= 0 or abs(a - b) / min(abs(a), abs(b)) < pb.tolerance
            done = done or np.linalg.norm(step) <= STEP_FLOOR * (np.linalg.norm(w[key]) + STEP_FLOOR)
            prev[key] = ll
            if done or g.iterations >= pb.max_iter:
                g.converged, g.done = bool(done), True
                active.discard(key)
        first = False
    return final
