"""k-fold cross-validation of any block-based trainer without repacking (takes ``plpy``).

The source is packed once (the trainer's own ``prepare.ensure``); folds are ids on the packed
blocks (of prepare's 2,000 rows, fewer for small sources so that every fold gets at least 4 blocks): blocks
are ordered by a hash of (seed, block number) and dealt round-robin into k folds
(``<out>_folds``: part, block, fold), so the folds depend on the seed and the table's row order
only. A block is a run of consecutive rows in the
table's physical order: a table sorted by the label gives folds of one class (``train_test_split``
writes its outputs in hash order; otherwise shuffle first, e.g. CREATE TABLE ... ORDER BY random()). For fold f the trainer runs unchanged, but while
cross_validate is running ``prepare.ensure`` hands it a view of the packed table without fold f's
blocks; the held-out blocks are then scored from the fitted model in numpy, block by block.

Metrics per fold and their mean (the row with fold NULL) go to ``out_table``:
regression r2, rmse, mae; classification accuracy, log_loss (probabilistic models), roc_auc
(binary); k-means inertia (sum of squared distances to the nearest centroid) and its mean per row.
"""
import json
import time

import numpy as np

from . import blocks, evaluate, identifiers, prepare, progress

# trainer -> number of leading positional arguments (source, out, [dependent,] features)
TRAINERS = {"linregr_train": 4, "logregr_train": 4, "glm": 4, "svm_classification": 4, "softmax_train": 4,
            "elastic_net_train": 4, "kmeans": 3}
VIEW = "pg_temp.indb_ml_cv_train"
MODEL = "pg_temp.indb_ml_cv_model"


def _drop_model(plpy, schema):
    if plpy.execute(f"SELECT 1 FROM {schema}.models WHERE name = '{MODEL}' AND owner = current_user"):
        plpy.execute(f"SELECT {schema}.drop_model('{MODEL}')")


def _signature(plpy, schema, trainer):
    row = plpy.execute(plpy.prepare(
        "SELECT p.proargnames AS names, ARRAY(SELECT pg_catalog.format_type(t, NULL) FROM unnest(p.proargtypes) "
        "WITH ORDINALITY AS u(t, i) ORDER BY i) AS types FROM pg_catalog.pg_proc p "
        "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname = $2 "
        "AND p.proargnames IS NOT NULL ORDER BY p.pronargs DESC LIMIT 1",
        ["text", "text"]), [schema, trainer])
    # the overload with the most (named) arguments: MADlib-compatible shorter forms may exist beside it
    return dict(zip(row[0]["names"], row[0]["types"]))


def _call_sql(plpy, schema, trainer, params, signature, fname):
    """SELECT trainer($1, $2, [$3,] $4, name => $5::type, ...) and the parameter types."""
    fixed = TRAINERS[trainer]
    names = list(signature)
    sql_args = [f"${i + 1}" for i in range(fixed)]
    types = ["text"] * fixed
    values = []
    for key, value in params.items():
        if key not in signature or key in names[:fixed]:
            plpy.error(f"{fname}: {trainer} has no parameter {key!r} (params); it takes "
                       f"{', '.join(names[fixed:])}")
        sql_args.append(f"{plpy.quote_ident(key)} => ${len(types) + 1}::{signature[key]}")
        types.append("text")
        values.append(None if value is None else
                      ("{" + ",".join(json.dumps(v) for v in value) + "}") if isinstance(value, list) else str(value))
    return f"SELECT {schema}.{plpy.quote_ident(trainer)}({', '.join(sql_args)}) AS r", types, values


def _assign_folds(plpy, prep, folds_sql, n_folds, seed):
    plpy.execute(f"""
        CREATE TABLE {folds_sql} AS
        SELECT part, block, ((row_number() OVER (ORDER BY hashint8extended(block, {int(seed)}), part, block)
                              - 1) % {int(n_folds)})::int + 1 AS fold
        FROM {prep['table']} WHERE n > 0""")
    counts = plpy.execute(f"SELECT count(DISTINCT fold) AS k FROM {folds_sql}")[0]["k"]
    if counts < n_folds:
        plpy.error(f"cross_validate: the source packs into {counts} non-empty block(s), fewer than "
                   f"n_folds = {n_folds}: too few rows")


def _restricting(original, state, plpy, folds_sql, n_folds, seed):
    def ensure(plpy_, schema_, source_name, dependent, independent, grouping_cols=None, *args, **kwargs):
        # the first fold packs (or reuses) as usual; later folds get the same packed table without
        # asking again (a transaction that has written never reuses a copy: see fingerprint.py)
        key = (source_name, dependent, independent, grouping_cols, args, sorted(kwargs.items()))
        if state["prep"] is None:
            if not args and "block_size" not in kwargs:
                kwargs["block_size"] = _block_size(plpy, source_name, n_folds)
            desc = original(plpy_, schema_, source_name, dependent, independent, grouping_cols, *args, **kwargs)
            if desc["groups"]:
                plpy.error("cross_validate: grouping columns are not supported")
            _assign_folds(plpy, desc, folds_sql, n_folds, seed)
            state["prep"], state["key"] = desc, key
        elif key != state["key"]:
            plpy.error("cross_validate: the trainer asked for different data in different folds")
        desc = state["prep"]
        plpy.execute(f"CREATE OR REPLACE TEMPORARY VIEW indb_ml_cv_train AS SELECT p.* FROM {desc['table']} AS p "
                     f"JOIN {folds_sql} AS f USING (part, block) WHERE f.fold <> {int(state['fold'])}")
        c = plpy.execute(f"SELECT coalesce(sum(n), 0) AS n, count(*) AS b FROM {VIEW}")[0]
        return dict(desc, table=VIEW, n_rows=c["n"], n_skipped=0, n_blocks=c["b"], reused=True)
    return ensure


def _block_size(plpy, source_name, n_folds):
    """The default block size, or smaller so that every fold gets at least 4 blocks."""
    src = identifiers.resolve_table(plpy, source_name, "source table")
    n = plpy.execute(f"SELECT count(*) AS n FROM {src['sql']}")[0]["n"]
    return int(max(1, min(prepare.DEFAULT_BLOCK_SIZE, n // (4 * n_folds))))


def _held_out(plpy, prep, folds_sql, fold):
    rows = plpy.execute(f"SELECT p.x, p.y, p.n FROM {prep['table']} AS p JOIN {folds_sql} AS f USING (part, block) "
                        f"WHERE f.fold = {int(fold)} AND p.n > 0 ORDER BY p.part, p.block")
    X = np.vstack([blocks.matrix(r["x"], r["n"]) for r in rows])
    y = np.concatenate([blocks.vector(r["y"]) for r in rows]) if rows and rows[0]["y"] is not None else None
    return X, y


def auc(y, score):
    """ROC AUC with ties counted half (the Mann-Whitney statistic)."""
    order = np.argsort(score, kind="mergesort")
    s, yy = score[order], y[order]
    _, start, counts = np.unique(s, return_index=True, return_counts=True)
    ranks = np.empty(len(s))
    for a, c in zip(start, counts):
        ranks[a:a + c] = a + (c + 1) / 2.0
    pos = yy.sum()
    neg = len(yy) - pos
    if pos == 0 or neg == 0:
        return None
    return float((ranks[yy == 1].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def score_linear(model, X, y):
    M = X @ model["W"] + model["intercept"]
    link = model["link"]
    if model["kind"] == "regression" or link in ("identity", "log"):
        p = np.exp(M) if link == "log" else M
        resid = y - p
        sst = ((y - y.mean()) ** 2).sum()
        return {"r2": float(1.0 - (resid ** 2).sum() / sst) if sst > 0 else None,
                "rmse": float(np.sqrt(np.mean(resid ** 2))), "mae": float(np.mean(np.abs(resid)))}
    if link == "softmax":
        E = np.exp(M - M.max(axis=1, keepdims=True))
        P = E / E.sum(axis=1, keepdims=True)
        idx = y.astype(int)
        return {"accuracy": float(np.mean(P.argmax(axis=1) == idx)),
                "log_loss": float(-np.mean(np.log(np.maximum(P[np.arange(len(idx)), idx], 1e-15))))}
    if link == "svm":
        return {"accuracy": float(np.mean((M > 0).astype(int) == y)), "roc_auc": auc(y, M)}
    p = 1.0 / (1.0 + np.exp(-M))
    pc = np.clip(p, 1e-15, 1 - 1e-15)
    return {"accuracy": float(np.mean((p >= 0.5).astype(int) == y)), "roc_auc": auc(y, p),
            "log_loss": float(-np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc)))}


def score_kmeans(plpy, X):
    C = np.array([r["centroid"] for r in plpy.execute(f"SELECT centroid FROM {MODEL} ORDER BY cluster_id")])
    d = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    return {"inertia": float(d.sum()), "mean_sq_distance": float(d.mean())}


def run(plpy, schema, trainer, source_table, out_table, dependent, independent, params, n_folds, seed):
    fname = "cross_validate"
    t0 = time.perf_counter()
    if trainer not in TRAINERS:
        plpy.error(f"{fname}: trainer {trainer!r} is not one of {', '.join(sorted(TRAINERS))}")
    if n_folds is None or int(n_folds) < 2:
        plpy.error(f"{fname}: n_folds must be at least 2, got {n_folds}")
    params = json.loads(params) if isinstance(params, str) else (params or {})
    if not isinstance(params, dict):
        plpy.error(f"{fname}: params must be a JSON object of the trainer's named arguments")
    out = identifiers.resolve_output_table(plpy, out_table, "out_table")
    folds = identifiers.sibling_table(plpy, out, "_folds", "folds table")
    signature = _signature(plpy, schema, trainer)
    query, types, values = _call_sql(plpy, schema, trainer, params, signature, fname)
    plan = plpy.prepare(query, types)
    fixed = [source_table, MODEL] + ([dependent] if TRAINERS[trainer] == 4 else []) + [independent]
    if TRAINERS[trainer] == 3 and dependent is not None:
        plpy.error(f"{fname}: {trainer} is unsupervised; pass dependent_varname => NULL")
    state = {"prep": None, "fold": 0}
    original = prepare.ensure
    prepare.ensure = _restricting(original, state, plpy, folds["sql"], int(n_folds), seed or 0)
    results = []
    try:
        for f in range(1, int(n_folds) + 1):
            state["fold"] = f
            _drop_model(plpy, schema)
            tf = time.perf_counter()
            plpy.execute(plan, fixed + values)
            n_train = state["prep"] and plpy.execute(f"SELECT coalesce(sum(n), 0) AS n FROM {VIEW}")[0]["n"]
            X, y = _held_out(plpy, state["prep"], folds["sql"], f)
            if trainer == "kmeans":
                m = score_kmeans(plpy, X)
            else:
                m = score_linear(evaluate.load_model(plpy, schema, MODEL), X, y)
            results.append((f, int(n_train), len(X), m))
            progress.report(plpy, fname, f, n_folds, f"{fname}: fold {f}/{n_folds} "
                            + ", ".join(f"{k}={v:.6g}" for k, v in m.items() if v is not None)
                            + f" ({(time.perf_counter() - tf) * 1000.0:.0f} ms)", unit="fold")
    finally:
        prepare.ensure = original
        _drop_model(plpy, schema)
        plpy.execute(f"DROP VIEW IF EXISTS {VIEW}")
    names = list(results[0][3])
    cols = ", ".join(f"{plpy.quote_ident(k)} float8" for k in names)
    plpy.execute(f"CREATE TABLE {out['sql']} (fold integer, n_train bigint, n_test bigint, {cols})")
    ins = plpy.prepare(f"INSERT INTO {out['sql']} VALUES ($1, $2, $3, {', '.join(f'${i + 4}' for i in range(len(names)))})",
                       ["int4", "int8", "int8"] + ["float8"] * len(names))
    for f, a, b, m in results:
        plpy.execute(ins, [f, a, b] + [m[k] for k in names])
    means = [None if any(r[3][k] is None for r in results) else float(np.mean([r[3][k] for r in results]))
             for k in names]
    plpy.execute(ins, [None, None, None] + means)
    summary = ", ".join(f"{k}={v:.6g}" for k, v in zip(names, means) if v is not None)
    return (f"{fname}: {trainer} on {source_table}, {n_folds} folds of packed blocks: mean {summary} "
            f"({(time.perf_counter() - t0) * 1000.0:.0f} ms); per fold in {out['sql']}, folds in {folds['sql']}")
