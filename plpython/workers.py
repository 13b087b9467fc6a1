"""How many parallel workers a pass over packed blocks gets: by packed bytes, what a worker costs, and CPUs.

A parallel worker is a fresh backend: before it aggregates a block it starts PL/Python and imports
numpy, ~0.15 s on this kind of machine, on every pass - unless the server preloads them
(``shared_preload_libraries`` holds ``indb_ml_preload``: the postmaster has imported numpy, so a
worker starts in ~0.02 s). A pass reads about 1 GB of packed blocks per second and process, so a
worker pays off once its share of the blocks takes several times its start: 256 MB per worker
without the preload, 64 MB with it. And no more processes work on a pass than the server has
CPUs (``usable_cpus``): on 2 CPUs the leader and 2 workers took 1.59-1.80 bare scans per
Hessian pass where the leader and 1 worker took 1.48-1.57, the three processes taking turns.
The packed table's ``parallel_workers`` (set at prepare, ``packing.set_workers``) is what its size
could use on a preloading server; each pass caps it with ``max_parallel_workers_per_gather`` for
the server it runs on (``passes.settings``), never above the caller's own setting. Driver helper:
``preloaded`` takes ``plpy``.
"""

import os

PRELOAD_LIBRARY = "indb_ml_preload"
BYTES_PER_WORKER = 256 << 20             # each worker imports numpy itself (~0.15 s)
BYTES_PER_PRELOADED_WORKER = 64 << 20    # numpy already in the postmaster (~0.02 s)
MAX_WORKERS = 8

_preloaded = []   # per backend: shared_preload_libraries cannot change without a server restart
_cpus = []        # per backend: the CPUs it may use


def for_bytes(nbytes, preloaded, cpus=None, leader_works=True):
    """Workers for a pass over ``nbytes`` of packed blocks (0: the leader alone), at most one per
    CPU (``cpus``; None: no limit) besides the leader when it aggregates blocks too."""
    per = BYTES_PER_PRELOADED_WORKER if preloaded else BYTES_PER_WORKER
    n = min(int(nbytes // per), MAX_WORKERS)
    if cpus is not None:
        n = min(n, int(cpus) - (1 if leader_works else 0))
    return max(0, n)


def usable_cpus(affinity=None, cpu_max=None):
    """CPUs this process may use: its affinity mask, lowered by a cgroup v2 quota (``cpu.max``:
    "<quota> <period>" or "max <period>", a container's CPU limit) rounded up. The arguments
    stand in for the process's own readings (tests)."""
    if affinity is None:
        affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cpu_max is None:
        cpu_max = _cgroup_cpu_max()
    cpus = int(affinity)
    quota, _, period = (cpu_max or "").partition(" ")
    if quota.isdigit() and period.strip().isdigit() and int(period):
        cpus = min(cpus, -(-int(quota) // int(period)))
    return max(1, cpus)


def server_cpus():
    """``usable_cpus`` of this backend, read once (in the server: the CPUs its passes may use)."""
    if not _cpus:
        _cpus.append(usable_cpus())
    return _cpus[0]


def _cgroup_cpu_max():
    """This process's cgroup v2 ``cpu.max`` ("" when there is none or it cannot be read)."""
    try:
        with open("/proc/self/cgroup") as f:
            path = next((line.split("::", 1)[1].strip() for line in f if line.startswith("0::")), None)
        if path is None:
            return ""
        with open(f"/sys/fs/cgroup{path.rstrip('/')}/cpu.max") as f:
            return f.read().strip()
    except OSError:
        return ""


def preloaded(plpy):
    """Does this server preload PL/Python and numpy? The library's own setting ``indb_ml.preloaded``
    (on when the postmaster imported numpy) is readable by every role; shared_preload_libraries only
    by superusers and pg_read_all_settings members (the check kept for a library without that setting)."""
    if not _preloaded:
        row = plpy.execute(
            "SELECT pg_catalog.current_setting('indb_ml.preloaded', true) AS flag, "
            "CASE WHEN pg_catalog.pg_has_role('pg_read_all_settings', 'USAGE') "
            "THEN pg_catalog.current_setting('shared_preload_libraries') END AS libs")[0]
        flag = (row["flag"] or "").lower()
        _preloaded.append(flag == "on" if flag in ("on", "off") else lists_preload(row["libs"] or ""))
    return _preloaded[0]


def lists_preload(setting):
    """Does a shared_preload_libraries value name the preload library (by name, path or $libdir/name.so)?"""
    for entry in setting.split(","):
        name = entry.strip().strip('"').rsplit("/", 1)[-1]
        if name in (PRELOAD_LIBRARY, PRELOAD_LIBRARY + ".so"):
            return True
    return False


def packed_bytes(prep):
    """Bytes of a prepared table's blocks (features and a label per row, float64), from its row counts."""
    return int(prep.get("n_rows") or 0) * (int(prep.get("n_features") or 0) + 1) * 8
