"""HITS (Kleinberg's hubs and authorities), MADlib's iteration: no database access here.

Both scores start at 1; each round the authority of v is the sum of the hubs pointing at it,
then the hub of v the sum of the (new) authorities it points at, each vector divided by its
L2 norm. A round stops the run when no score changed by more than ``threshold`` (0: run
``max_iter`` rounds).
"""
import numpy as np

from . import graph_engine

ge = graph_engine


def hits(g, max_iter=100, threshold=0.0):
    """Returns (authority, hub, rounds, converged); a graph without edges has no defined scores."""
    pieces = list(ge.out_stream(g))
    es = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, np.int64)
    ed = np.concatenate([p[1] for p in pieces]).astype(np.int64) if pieces else np.zeros(0, np.int64)
    n = g.n
    auth, hub = np.ones(n), np.ones(n)
    for rnd in range(1, max_iter + 1):
        a = np.bincount(ed, weights=hub[es], minlength=n)
        h = np.bincount(es, weights=a[ed], minlength=n)
        na, nh = np.sqrt((a * a).sum()), np.sqrt((h * h).sum())
        if na == 0 or nh == 0:
            raise ValueError("the scores vanish (a graph without edges): HITS is not defined")
        a, h = a / na, h / nh
        change = max(float(np.abs(a - auth).max()), float(np.abs(h - hub).max())) if n else 0.0
        auth, hub = a, h
        if threshold != 0 and change <= threshold:
            return auth, hub, rnd, True
    return auth, hub, max_iter, threshold == 0
