"""MADlib's k-fold cross-validation over packed blocks, shared by the SVMs (svm_cv) and elastic
net (elastic_net_cv), with MADlib's scores and validation_result table. (Unlike cross_validate,
which deals whole blocks to folds for any trainer, this deals the rows within each block.)

Folds are assigned to the rows of the packed blocks without repacking the source: each block
deals its rows to the k folds by a permutation seeded by the block's shuffle key
(``fold_block``, run in SQL block by block), so a fold's training / validation tables are one
CREATE TABLE AS each. Blocks with a negative block number (the one-class SVM's origin) stay in
every training fold and in no validation fold. Scores are MADlib's: accuracy for
classification, minus the root mean squared error for regression; the best combination is the
highest mean score (the first on ties), refitted on all the data by the caller.
"""
import math
import time

import numpy as np

from . import glm_driver


def fold_block(x_raw, y_raw, n, shuffle_key, k, fold, keep):
    """The rows of a block in fold ``fold`` (keep) or not in it (not keep) -> [x bytes, y bytes]."""
    if n == 0:
        return [b"", b""]
    rs = np.random.RandomState(int(shuffle_key) % (2 ** 32))
    folds = (rs.permutation(n) + int(shuffle_key)) % k
    sel = (folds == fold) if keep else (folds != fold)
    X = np.frombuffer(x_raw, dtype="<f8").reshape(n, -1)[sel]
    y = np.frombuffer(y_raw, dtype="<f8")[sel]
    return [np.ascontiguousarray(X).tobytes(), np.ascontiguousarray(y).tobytes()]


def score_block(x_raw, y_raw, n, coef, regression):
    """[hits (classification: x·w > 0 against labels 0/1) or squared error sum (regression), rows] of one
    block; a coefficient vector one longer than the features ends with the intercept."""
    if n == 0:
        return [0.0, 0.0]
    X = np.frombuffer(x_raw, dtype="<f8").reshape(n, -1)
    y = np.frombuffer(y_raw, dtype="<f8")
    w = np.asarray(coef, dtype=float)
    v = X @ w[:X.shape[1]] + (w[X.shape[1]] if w.size > X.shape[1] else 0.0)
    if regression:
        return [float(((v - y) ** 2).sum()), float(n)]
    return [float(((v > 0).astype(float) == y).sum()), float(n)]


class QuietDriver(glm_driver.Driver):
    """A cross-validation fit: iterations are counted, not written to the model's history."""

    def record(self, g, loss, gnorm, step, ms, info=None):
        g.iterations += 1


def fold_tables(plpy, schema, prep, k):
    """[(training table, validation table, training rows)] of the k folds (temporary tables)."""
    out = []
    for f in range(k):
        pair = []
        for keep in (False, True):
            name = f"indb_ml_cv_{'valid' if keep else 'train'}_{f}_{int(time.time() * 1e6) % 10 ** 12}"
            gcols = "".join(g + ", " for g in prep["group_sql"])
            plpy.execute(f"""
                CREATE TEMP TABLE {plpy.quote_ident(name)} AS
                SELECT {gcols}part, block, shuffle_key, (octet_length(r[2]) / 8)::integer AS n, 0 AS n_skipped,
                       r[1] AS x, r[2] AS y
                FROM (SELECT *, CASE WHEN block >= 0 THEN
                          {schema}.cv_fold_block(x, y, n, shuffle_key, {int(k)}, {int(f)}, {bool(keep)})
                          ELSE ARRAY[x, y] END AS r
                      FROM {prep['table']} WHERE n > 0 AND (block >= 0 OR {not keep})) AS s""")
            pair.append("pg_temp." + plpy.quote_ident(name))
        n_tr = plpy.execute(f"SELECT coalesce(sum(n), 0)::bigint AS n FROM {pair[0]}")[0]["n"]
        out.append((pair[0], pair[1], int(n_tr)))
    return out


def drop(plpy, folds):
    for tr, va, _ in folds:
        plpy.execute(f"DROP TABLE IF EXISTS {tr}")
        plpy.execute(f"DROP TABLE IF EXISTS {va}")


def score(plpy, schema, table, coef, regression):
    """MADlib's score of coef on a validation table, or None when it has no rows."""
    plan = plpy.prepare(f"SELECT sum(r[1]) AS a, sum(r[2]) AS b FROM (SELECT {schema}.cv_fold_score(x, y, n, $1, "
                        f"{bool(regression)}) AS r FROM {table} WHERE n > 0) AS s", ["float8[]"])
    r = plpy.execute(plan, [[float(v) for v in coef]])[0]
    if not r["b"]:
        return None
    return -math.sqrt(r["a"] / r["b"]) if regression else r["a"] / r["b"]


def mean_std(scores):
    """Mean and sample standard deviation (n - 1), as MADlib."""
    mean = sum(scores) / len(scores)
    std = math.sqrt(sum((x - mean) ** 2 for x in scores) / (len(scores) - 1)) if len(scores) > 1 else 0.0
    return mean, std


def best(rows):
    """The combination with the highest mean score, the first on ties. rows [(combination, mean, std)]."""
    return rows[max(range(len(rows)), key=lambda i: (rows[i][1], -i))][0]


def grid_search(plpy, schema, fname, prep, k, combos, fit, regression):
    """Score every combination by k-fold validation -> (the best combination, [(combination, mean, std)]).

    ``fit(fold_prep, groups, combo)`` trains on one fold's training table and returns its driver;
    each of the driver's groups' coefficients is scored on the fold's validation table."""
    folds = []
    try:
        folds = fold_tables(plpy, schema, prep, k)
        rows = []
        for combo in combos:
            scores = []
            for tr, va, n_tr in folds:
                drv = fit(dict(prep, table=tr, group_sql=[]), [("", n_tr, 0)], combo)
                for g in drv.groups.values():
                    sc = score(plpy, schema, va, g.w, regression)
                    if sc is not None:
                        scores.append(sc)
            if not scores:
                plpy.error(f"{fname}: n_folds={k} leaves no rows to validate on")
            mean, std = mean_std(scores)
            rows.append((combo, mean, std))
            plpy.notice(f"{fname}: cross-validation {combo} mean_score={mean:.6g} std_dev_score={std:.4g}")
    finally:
        drop(plpy, folds)
    return best(rows), rows


def write_result(plpy, table, rows):
    """MADlib's validation_result: the varied parameters, mean_score, std_dev_score (double precision)."""
    from . import identifiers
    out = identifiers.resolve_output_table(plpy, table, "validation_result")
    keys = list(rows[0][0])
    cols = keys + ["mean_score", "std_dev_score"]
    values = []
    for combo, mean, std in rows:
        values.extend([combo[k] for k in keys] + [mean, std])
    w = len(cols)
    tuples = ", ".join("(" + ", ".join(f"${i * w + j + 1}::float8" for j in range(w)) + ")" for i in range(len(rows)))
    plan = plpy.prepare(f"CREATE TABLE {out['sql']} ({', '.join(plpy.quote_ident(c) for c in cols)}) AS "
                        f"VALUES {tuples}", ["float8"] * (w * len(rows)))
    plpy.execute(plan, values)
