"""MADlib's cross-validation for the SVMs: every combination of the listed parameter values is
scored by k-fold validation and the best (highest mean score; the first on ties) is refitted on
all the data.

Folds are assigned to the rows of the packed blocks without repacking the source: each block
deals its rows to the k folds by a permutation seeded by the block's shuffle key
(``fold_block``), and a fold's training / validation tables are built block by block in SQL.
The one-class SVM's origin (block -1) stays in every training fold. Scores are MADlib's:
accuracy for classification, minus the root mean squared error for regression. The
validation_result table holds the varied parameters, mean_score and std_dev_score (sample
standard deviation over the folds), one row per combination.
"""
import math
import time

import numpy as np

from . import svm_params


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
    """[hits (classification) or squared error sum (regression), rows] of one block under coef."""
    if n == 0:
        return [0.0, 0.0]
    X = np.frombuffer(x_raw, dtype="<f8").reshape(n, -1)
    y = np.frombuffer(y_raw, dtype="<f8")
    v = X @ np.asarray(coef, dtype=float)
    if regression:
        return [float(((v - y) ** 2).sum()), float(n)]
    return [float(((v > 0).astype(float) == y).sum()), float(n)]


def _fold_table(plpy, schema, prep, k, fold, keep, tag):
    name = f"indb_ml_svm_cv_{tag}_{fold}_{int(time.time() * 1e6) % 10 ** 12}"
    gcols = "".join(g + ", " for g in prep["group_sql"])
    plpy.execute(f"""
        CREATE TEMP TABLE {plpy.quote_ident(name)} AS
        SELECT {gcols}part, block, shuffle_key, (octet_length(r[2]) / 8)::integer AS n, 0 AS n_skipped,
               r[1] AS x, r[2] AS y
        FROM (SELECT *, CASE WHEN block >= 0 THEN
                  {schema}.svm_fold_block(x, y, n, shuffle_key, {int(k)}, {int(fold)}, {bool(keep)})
                  ELSE ARRAY[x, y] END AS r
              FROM {prep['table']} WHERE n > 0 AND (block >= 0 OR {not keep})) AS s""")
    return "pg_temp." + plpy.quote_ident(name)


def validate(plpy, schema, fname, prep, model_id, text, grids, k, kind, labels, fit):
    """-> (the best combination {key: value}, [(combination, mean, std)]). fit(prep, groups, settings) -> driver."""
    regression = kind == "regression"
    folds = []
    try:
        for f in range(k):
            tr = _fold_table(plpy, schema, prep, k, f, False, "train")
            va = _fold_table(plpy, schema, prep, k, f, True, "valid")
            folds.append((tr, va))
        rows = []
        for combo in svm_params.combos(grids):
            s = svm_params.settings(plpy, fname, svm_params.with_values(text, combo),
                                    "regression" if regression else "classification")
            if kind == "one_class" and s["class_weight"] is None:
                s["class_weight"] = "balanced"
            scores = []
            for tr, va in folds:
                n_tr = plpy.execute(f"SELECT coalesce(sum(n), 0)::bigint AS n FROM {tr}")[0]["n"]
                drv = fit(dict(prep, table=tr, group_sql=[]), [("", int(n_tr), 0)], s)
                (g,) = drv.groups.values()
                plan = plpy.prepare(f"SELECT sum(r[1]) AS a, sum(r[2]) AS b FROM (SELECT "
                                    f"{schema}.svm_fold_score(x, y, n, $1, {regression}) AS r FROM {va} "
                                    f"WHERE n > 0) AS s", ["float8[]"])
                r = plpy.execute(plan, [[float(v) for v in g.w]])[0]
                if not r["b"]:
                    continue
                scores.append(-math.sqrt(r["a"] / r["b"]) if regression else r["a"] / r["b"])
            if not scores:
                plpy.error(f"{fname}: n_folds={k} leaves no rows to validate on")
            mean = sum(scores) / len(scores)
            std = math.sqrt(sum((x - mean) ** 2 for x in scores) / (len(scores) - 1)) if len(scores) > 1 else 0.0
            rows.append((combo, mean, std))
            plpy.notice(f"{fname}: cross-validation {combo} mean_score={mean:.6g} std_dev_score={std:.4g}")
    finally:
        for tr, va in folds:
            plpy.execute(f"DROP TABLE IF EXISTS {tr}")
            plpy.execute(f"DROP TABLE IF EXISTS {va}")
    best = max(range(len(rows)), key=lambda i: (rows[i][1], -i))
    return rows[best][0], rows


def write_result(plpy, fname, table, rows):
    """MADlib's validation_result: the varied parameters, mean_score, std_dev_score (double precision)."""
    from . import identifiers
    out = identifiers.resolve_output_table(plpy, table, "validation_result")
    keys = list(rows[0][0])
    cols = keys + ["mean_score", "std_dev_score"]
    types = ["float8"] * len(cols)
    values = []
    for combo, mean, std in rows:
        values.extend([combo[k] for k in keys] + [mean, std])
    w = len(cols)
    tuples = ", ".join("(" + ", ".join(f"${i * w + j + 1}::float8" for j in range(w)) + ")" for i in range(len(rows)))
    plan = plpy.prepare(f"CREATE TABLE {out['sql']} ({', '.join(plpy.quote_ident(c) for c in cols)}) AS "
                        f"VALUES {tuples}", types * len(rows))
    plpy.execute(plan, values)
