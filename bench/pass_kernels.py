"""Per-block cost of the pass kernels, without a server: µs per packed block of 1,000 rows x 20 features.

    /usr/bin/python3 bench/pass_kernels.py [--before DIR] [--calls 2000] [--rows 1014] [--features 20]

Run it with the server's Python (Debian's python3 and numpy: what PL/Python runs) to see what a
pass pays per block inside its transition function; detoasting (~40 µs per 160 KB block) and
PL/Python's copy of the block (~10 µs) come on top. Each figure is the 10th percentile of
``--calls`` timed calls (a shared machine's preemptions land in the upper tail). ``--before DIR``
times another checkout's kernels too, call by call in turn with this one's, on the same blocks.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import types
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def kernels(root: Path, tag: str) -> dict:
    """plpython/<name>.py of a checkout as a package of its own (kernels import siblings relatively)."""
    pkg = types.ModuleType(tag)
    pkg.__path__ = [str(root / "plpython")]
    sys.modules[tag] = pkg
    out = {}
    for name in ("blocks", "optimizers", "linregr", "kmeans"):
        spec = importlib.util.spec_from_file_location(f"{tag}.{name}", root / "plpython" / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[f"{tag}.{name}"] = mod
        spec.loader.exec_module(mod)
        out[name] = mod
    return out


def p10(fns, calls: int) -> list:
    """10th percentile µs of each function, timed call by call in turn (the same moment's load for all)."""
    for fn in fns:
        fn()
    times = [[] for _ in fns]
    for _ in range(calls):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t)
    return [sorted(ts)[len(ts) // 10] * 1e6 for ts in times]


def cases(K: dict, n: int, d: int, rng) -> dict:
    """name -> a zero-argument call of one transition on one block (state already holding one block)."""
    X = np.hstack([np.ones((n, 1)), rng.uniform(-1, 1, (n, d - 1))])
    y = (rng.random(n) < 0.5).astype(float)
    xb, yb = X.tobytes(), y.tobytes()
    O, L, KM = K["optimizers"], K["linregr"], K["kmeans"]
    w = rng.normal(scale=0.3, size=d)
    out = {}
    for label, mode, point in (("logistic gradient, w = 0", "grad", np.zeros(d)),
                               ("logistic gradient", "grad", w),
                               ("logistic Hessian, w = 0 (IRLS's first pass)", "hess", np.zeros(d)),
                               ("logistic Hessian", "hess", w)):
        task = O.make_task("logistic", mode, d, 1, point)
        st = O.transition(None, xb, yb, n, 1, task)
        out[label] = (lambda st=st, task=task: O.transition(st, xb, yb, n, 1, task))
        try:   # a checkout whose tasks can say the labels were checked by an earlier pass
            known = O.make_task("logistic", mode, d, 1, point, check_labels=False)
        except TypeError:
            known = None
        if known is not None and mode == "hess" and point.any():
            out[label + ", labels known good"] = (lambda st=st, task=known: O.transition(st, xb, yb, n, 1, task))
    st = L.transition(None, xb, yb, n)
    out["linregr"] = lambda: L.transition(st, xb, yb, n)
    C = rng.uniform(-1, 1, (10, d))
    cb = C.tobytes()
    st_k = KM.step_transition(None, xb, n, cb, 10)
    out["k-means Lloyd step, k = 10"] = lambda: KM.step_transition(st_k, xb, n, cb, 10)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=Path, help="another checkout's kernels, timed side by side")
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=1014, help="rows per block (a 1M-row table packs ~1,014)")
    ap.add_argument("--features", type=int, default=20)
    args = ap.parse_args()
    checkouts = [("now", HERE.parent)] + ([("before", args.before.resolve())] if args.before else [])
    calls = {label: cases(kernels(root, f"bench_pk_{label}"), args.rows, args.features, np.random.default_rng(0))
             for label, root in checkouts}
    print(f"numpy {np.__version__}; µs per block of {args.rows} x {args.features}, 10th percentile of {args.calls} calls")
    names = list(calls["now"])
    width = max(len(n) for n in names)
    print(f"{'kernel':{width}s}  " + "  ".join(f"{label:>8s}" for label, _ in checkouts))
    for name in names:
        have = [label for label, _ in checkouts if name in calls[label]]
        got = dict(zip(have, p10([calls[label][name] for label in have], args.calls)))
        print(f"{name:{width}s}  " + "  ".join(f"{got[label]:8.1f}" if label in got else f"{'-':>8s}"
                                               for label, _ in checkouts))


if __name__ == "__main__":
    main()
