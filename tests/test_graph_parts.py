"""graph_engine.part_edges: passes over a small graph run in sixteenths of its edges (the peak memory of a
100k-edge graph), and no result depends on the part size - every per-vertex reduction stays in one part."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from plpython import graph_color, graph_engine as ge, label_propagation, pagerank, sssp, wcc  # noqa: E402


def test_part_edges():
    assert ge.part_edges(104_000) == 104_000 // 16
    assert ge.part_edges(100) == ge.MIN_PART
    assert ge.part_edges(10_000_000) == ge.CHUNK
    assert ge.part_edges(16 * ge.CHUNK) == ge.CHUNK
    ptr = np.arange(0, 160_001, 10)                    # 16,000 vertices of 10 edges
    assert max(int(ptr[b] - ptr[a]) for a, b in ge.vertex_ranges(ptr)) <= 160_000 // 16


def _runs(g):
    rng = np.random.default_rng(1)
    seeds = rng.choice(g.n, 40, replace=False)
    out = {"color": graph_color.color(g, 0)[0],
           "lp": label_propagation.label_propagation(g, seeds, seeds % 3, 3, 1e-6, 30)[0],
           "wcc": wcc.wcc(g)[0], "sssp": sssp.sssp(g, np.array([int(seeds[0])]))[:2]}
    for sched in ("sync", "dynamic"):
        out["pr_" + sched] = pagerank.pagerank(g, 0.85, 1e-9, 100, sched)[0]
    return out


@pytest.mark.parametrize("parts", [2, 64])
def test_results_do_not_depend_on_the_part_size(monkeypatch, parts):
    rng = np.random.default_rng(3)
    n, m = 3000, 40_000
    w = 1.0 / np.arange(1, n + 1) ** 0.8                    # skewed degrees: parts cut at uneven vertices
    s, d = rng.choice(n, m, p=w / w.sum()), rng.choice(n, m, p=w / w.sum())
    g = ge.Graph.from_edges(n, s, d, rng.uniform(0.5, 2.0, m))
    base = _runs(g)
    monkeypatch.setattr(ge, "PARTS", parts)
    monkeypatch.setattr(ge, "MIN_PART", 64)
    assert ge.part_edges(g.m) != ge.CHUNK
    other = _runs(g)
    for k in base:
        a, b = base[k], other[k]
        for x, y in (zip(a, b) if isinstance(a, tuple) else [(a, b)]):
            assert np.array_equal(np.asarray(x), np.asarray(y)), k      # bit for bit
