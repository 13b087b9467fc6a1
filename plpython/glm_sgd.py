"""One Bismarck SGD epoch over a packed block, inside the glm_pass aggregate (kernel, no plpy).

The state carries the current model v and the iterate sum; a block's rows are visited in an order
seeded by (seed, the block's shuffle key, epoch), so an epoch is reproducible; mini-batch steps use
the family's gradient (optimizers.evaluate), an optional L2 term and, with a transform T (w = T v),
the gradient of the better-conditioned parametrisation. The driver is glm_loops.sgd.
"""
import numpy as np


def params(lr, batch_size, epoch, seed, l2, intercept_index, average):
    """The params vector of an SGD task (after any family params)."""
    return [lr, batch_size, epoch, seed, l2, intercept_index, 1.0 if average else 0.0]


def epoch_block(body, p, X, y, task_params, fam_np, k, T, shuffle_key, evaluate):
    """Mini-batch SGD over one block's rows. ``body``: the state after its header ([v (p), iterate sum
    (p)], updated in place); ``fam_np``: how many of ``task_params`` are the family's;
    ``evaluate(X, y, w, family_params)`` -> (loss sum, gradient sum, _). Returns the loss seen."""
    lr, batch, epoch, seed, l2, icpt, average = task_params[fam_np:fam_np + 7]
    fam_params = task_params[:fam_np]
    batch = max(int(batch), 1)
    v = body[:p]          # views into the state: updated in place
    vsum = body[p:2 * p]
    n = X.shape[0]
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(shuffle_key) & 0xFFFFFFFFFFFFFFFF, int(epoch)])
    order = rng.permutation(n)
    dd = X.shape[1]
    mask = np.ones(dd)
    if icpt >= 0:
        mask[int(icpt)] = 0.0
    mask = np.repeat(mask, k) if k > 1 else mask
    loss_total = 0.0
    for start in range(0, n, batch):
        idx = order[start:start + batch]
        nb = len(idx)
        w = T @ v.reshape(dd, -1) if T is not None else v.reshape(dd, -1)
        w = w.ravel() if k > 1 else w[:, 0]
        loss, g, _ = evaluate(X[idx], y[idx], w, fam_params)
        loss_total += loss
        g = g / nb
        if l2:
            g = g + l2 * mask * w
        if T is not None:
            g = (T.T @ g.reshape(dd, -1)).ravel()
        v -= lr * g
        if average:
            vsum += nb * v
    if not average:
        vsum += n * v
    return loss_total
