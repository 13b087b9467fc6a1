"""The statistics stored at packing, read instead of a pass over the blocks (driver helper, takes ``plpy``).

Packing stores each block's sufficient statistics (``stats`` column, plpython/suffstats.py).
``by_group`` sums them per group (and per partition, through ``passes.run``: the same grouping,
partitioned and sharded handling as every pass) with no parallel workers - a few KB per block, a
few ms for a 1M-row table. Callers fall back to their pass when the statistics cannot be used:

* the packed copy has no ``stats`` column (packed by an older version: it stays valid, its fits
  take their passes until the source changes and it is packed again);
* a sharded source one of whose shards did not say it stored them (another version);
* a group's statistics do not count every row it holds (a block without them);
* ``SET indb_ml.sufficient_stats = off`` (the pass path, e.g. to compare both).

Statistics live and die with their packed copy (the same row as the block), so they are never
staler than the blocks. A table derived from a packed copy (cross-validation's folds: a view of
some blocks, whose statistics are those of its rows) is read the same way; one whose blocks' width
differs from the statistics' (svm's mapped features) falls back. Sums are cached per table in ``prep``.
"""
from . import blocks, passes, suffstats

SETTING = "indb_ml.sufficient_stats"


def stored(plpy, table):
    """Does this packed table have the ``stats`` column? (Not when an older version packed it.)"""
    return plpy.execute(plpy.prepare(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = $1::regclass AND attname = 'stats' "
        "AND NOT attisdropped) AS s", ["text"]), [table])[0]["s"]


def available(plpy, prep):
    """May fits on this packed copy use its statistics? (module docstring)"""
    cached = prep.get("_has_stats")
    if cached is None or cached[0] != prep["table"]:   # keyed by table: a derived dict(prep, table=...) asks again
        wanted = plpy.execute(f"SELECT coalesce(current_setting('{SETTING}', true), '') <> 'off' AS w")[0]["w"]
        # a sharded copy: every shard's packing said it stored them (shard_packing.shard_prepare)
        cached = prep["_has_stats"] = (prep["table"], bool(
            wanted and stored(plpy, prep["table"]) and all(s.get("stats") for s in prep.get("shards") or [])))
    return cached[1]


def by_group(plpy, schema, prep, groups):
    """({group key: summed statistics (float64 array)} for every group with rows, ms), or None when they
    cannot be used (then the caller runs its pass). ``groups``: [(key, rows, skipped)] (passes.group_rows).
    Read once per packed copy and call (cached in ``prep``)."""
    cached = prep.get("_suffstats")
    if cached is not None and cached[0] == prep["table"]:
        return cached[1]
    out = None
    if available(plpy, prep):
        states, ms = passes.run(plpy, prep, f"{schema}.suffstats_agg(p.stats)", max_workers=0)
        sums = {}
        for key, rows, _ in groups:
            if rows <= 0:
                continue
            raw = passes.combine(states.get(key, []), suffstats.merge)
            s = None if raw is None else blocks.from_bytes(raw)
            # some block of the group has no statistics, or a table derived from a packed copy changed its
            # features (svm's mapped blocks copy the column): the pass
            if s is None or s[0] != rows or s[1] != prep["n_features"]:
                sums = None
                break
            sums[key] = s
        out = None if sums is None else (sums, ms)
    prep["_suffstats"] = (prep["table"], out)
    return out


def linregr_by_group(plpy, schema, prep, groups):
    """linregr's summed aggregate state per group: from the statistics when they can be used, else from
    ``linregr_agg``'s pass. -> ({group key: state bytes or None}, ms, from_stats)."""
    from . import linregr
    got = by_group(plpy, schema, prep, groups)
    if got is not None:
        sums, ms = got
        return {k: suffstats.linregr_state(sums[k]) if k in sums else None for k, _, _ in groups}, ms, True
    states, ms = passes.run(plpy, prep, f"{schema}.linregr_agg(p.x, p.y, p.n)")
    return {k: passes.combine(states.get(k, []), linregr.merge) for k, _, _ in groups}, ms, False


def logistic_at_zero(plpy, schema, prep, groups, add_intercept):
    """({group key: what glm_pass's logistic Hessian pass at w = 0 gives, as optimizers.unpack_state's
    dict without the mode}, ms), or None."""
    got = by_group(plpy, schema, prep, groups)
    if got is None:
        return None
    sums, ms = got
    return {k: suffstats.logistic_at_zero(s, add_intercept) for k, s in sums.items()}, ms


def both_classes(plpy, schema, prep, groups):
    """True when the statistics show labels 0 and 1 (and no other) in every group with rows: then the
    one-class check over the source (glm_labels.check_two_classes) cannot fail. False: run it."""
    got = by_group(plpy, schema, prep, groups)
    if got is None:
        return False
    for s in got[0].values():
        u = suffstats.unpack(s)
        if u["not01"] or not 0 < u["sum_y"] < u["n"]:
            return False
    return True
