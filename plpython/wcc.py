"""Weakly connected components on the memory engine: min-label propagation with dirty-vertex scheduling.

Component id = the smallest vertex id of the component. A directed graph is
read both ways through its two CSRs (no undirected copy is built); edges
touched count both directions. No database access here.
"""
import time

import numpy as np

from . import graph_engine

ge = graph_engine


def wcc(g, max_iter=None, on_round=None, label=None, sched=None, state=None):
    """Returns (label int64[n], rounds, converged). Round 1 schedules every vertex; later rounds the
    vertices whose label dropped, which push their label to all their neighbours.

    A run can resume (MADlib's warm start): ``label`` and ``sched`` are a stopped run's labels and
    pending vertices; ``state['sched']`` receives the pending vertices when max_iter stops a run."""
    n = g.n
    label = np.arange(n, dtype=np.int64) if label is None else np.asarray(label, dtype=np.int64).copy()
    sched = np.arange(n, dtype=np.int64) if sched is None else np.asarray(sched, dtype=np.int64)
    both = g.directed          # an undirected graph already stores both directions in the out-CSR
    deg = g.out_degree + g.in_degree if both else g.out_degree
    total = 2 * g.m if both else g.m
    rnd = 0
    while sched.size:
        rnd += 1
        if max_iter is not None and rnd > max_iter:
            if state is not None:
                state["sched"] = sched
            return label, rnd - 1, False
        t0 = time.perf_counter()
        frontier_edges = int(deg[sched].sum())
        cand = label.copy()
        if ge.use_whole_graph(total, frontier_edges):
            mode, touched = "whole-graph", total
            big = np.iinfo(np.int64).max
            for direction in (("in", "out") if both else ("out",)):
                got = ge.gather(g, lambda nb, w: label[nb], np.minimum, int(big), direction)
                np.minimum(cand, got, out=cand)
        else:
            mode = "frontier"
            touched = 0
            for part in ge.groups(deg, sched):
                srcs, dsts, _ = ge.out_nbrs(g, part)
                np.minimum.at(cand, dsts, label[srcs])
                touched += dsts.size
                if both:
                    icounts, isrc, _ = ge.in_nbrs(g, part)
                    np.minimum.at(cand, isrc, np.repeat(label[part], icounts))
                    touched += isrc.size
        changed = np.flatnonzero(cand < label)
        max_change = float((label[changed] - cand[changed]).max()) if changed.size else 0.0
        label = cand
        ge.report(on_round, rnd, sched.size, touched, max_change, mode, t0)
        sched = changed
    return label, rnd, True
