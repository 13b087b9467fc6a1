"""How many parallel workers a pass over packed blocks gets: by packed bytes, and by what a worker costs.

A parallel worker is a fresh backend: before it aggregates a block it starts PL/Python and imports
numpy, ~0.15 s on this kind of machine, on every pass - unless the server preloads them
(``shared_preload_libraries`` holds ``indb_ml_preload``: the postmaster has imported numpy, so a
worker starts in ~0.02 s). A pass reads about 1 GB of packed blocks per second and process, so a
worker pays off once its share of the blocks takes several times its start: 256 MB per worker
without the preload, 64 MB with it. The packed table's ``parallel_workers`` (set at prepare,
``packing.set_workers``) is what its size could use on a preloading server; each pass caps it with
``max_parallel_workers_per_gather`` for the server it runs on (``passes.settings``), never above the
caller's own setting. Driver helper: ``preloaded`` takes ``plpy``.
"""

PRELOAD_LIBRARY = "indb_ml_preload"
BYTES_PER_WORKER = 256 << 20             # each worker imports numpy itself (~0.15 s)
BYTES_PER_PRELOADED_WORKER = 64 << 20    # numpy already in the postmaster (~0.02 s)
MAX_WORKERS = 8

_preloaded = []   # per backend: shared_preload_libraries cannot change without a server restart


def for_bytes(nbytes, preloaded):
    """Workers for a pass over ``nbytes`` of packed blocks (0: the leader alone)."""
    per = BYTES_PER_PRELOADED_WORKER if preloaded else BYTES_PER_WORKER
    return max(0, min(int(nbytes // per), MAX_WORKERS))


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
