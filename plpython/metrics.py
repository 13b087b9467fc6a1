"""ROC curve and confusion matrix of a registered classifier on a labelled table (takes ``plpy``).

Scores are computed per row in SQL (``predict_proba`` / ``predict_score``) and aggregated in SQL:
one row per distinct score with its positive and negative counts, cumulated by a window. Only
those aggregated rows reach Python, which applies scikit-learn's rules: the curve starts at
(0, 0) with threshold +inf, and ``drop_intermediate`` removes collinear points as
``sklearn.metrics.roc_curve`` does.
"""
import numpy as np

from . import evaluate


def _binary_score_sql(plpy, schema, model, x_sql, fname):
    name = plpy.quote_literal(model["name"])
    if model["link"] == "logit":
        return f"({schema}.predict_proba({name}, {x_sql}))[2]"
    if model["link"] == "svm":
        return f"{schema}.predict_score({name}, {x_sql})"
    plpy.error(f"{fname}: model {model['name']} ({model['algorithm']}) is not a binary classifier")


def roc_curve(plpy, schema, model_name, source_name, drop_intermediate=False):
    """-> [(threshold, fpr, tpr)] from the highest threshold down."""
    fname = "roc_curve"
    model = evaluate.load_model(plpy, schema, model_name)
    src, cols, x_sql = evaluate._sources(plpy, model, source_name, fname, schema)
    y_sql = evaluate._label_sql(plpy, model, cols, source_name, fname)
    score = _binary_score_sql(plpy, schema, model, x_sql, fname)
    rows = plpy.execute(f"""
        SELECT p, sum(sum(y)) OVER w AS tps, sum(sum(1 - y)) OVER w AS fps
        FROM (SELECT {y_sql} AS y, {score} AS p FROM {src['sql']}) AS s
        WHERE y IS NOT NULL AND p IS NOT NULL AND p <> 'NaN'::float8
        GROUP BY p WINDOW w AS (ORDER BY p DESC) ORDER BY p DESC""")
    if not rows:
        plpy.error(f"{fname}: no labelled rows with complete features in {source_name}")
    thr = np.array([r["p"] for r in rows], dtype=float)
    tps = np.array([r["tps"] for r in rows], dtype=float)
    fps = np.array([r["fps"] for r in rows], dtype=float)
    if drop_intermediate and len(fps) > 2:
        keep = np.where(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])[0]
        thr, tps, fps = thr[keep], tps[keep], fps[keep]
    tps, fps, thr = np.r_[0.0, tps], np.r_[0.0, fps], np.r_[np.inf, thr]
    pos, neg = tps[-1], fps[-1]
    if pos == 0 or neg == 0:
        plpy.error(f"{fname}: {source_name} holds only one class; a ROC curve needs both")
    return [(float(t), float(f), float(p)) for t, f, p in zip(thr, fps / neg, tps / pos)]


def auc(points):
    """Area under (fpr, tpr) points by the trapezoidal rule."""
    f = np.array([p[1] for p in points])
    t = np.array([p[2] for p in points])
    return float(np.sum(np.diff(f) * (t[1:] + t[:-1]) / 2.0))


def confusion_matrix(plpy, schema, model_name, source_name):
    """-> [(actual, predicted, count)] for every pair of classes, in the model's class order."""
    fname = "confusion_matrix"
    model = evaluate.load_model(plpy, schema, model_name)
    if model["kind"] != "classification":
        plpy.error(f"{fname}: model {model['name']} ({model['algorithm']}) is not a classifier")
    src, cols, x_sql = evaluate._sources(plpy, model, source_name, fname, schema)
    y_sql = evaluate._label_sql(plpy, model, cols, source_name, fname)
    name = plpy.quote_literal(model["name"])
    if model["link"] == "softmax":
        pred = (f"(SELECT i - 1 FROM unnest({schema}.predict_proba({name}, {x_sql})) WITH ORDINALITY AS t(v, i) "
                f"ORDER BY v DESC, i LIMIT 1)")
        labels = [str(v) for v in model["labels"]]
    elif model["link"] == "svm":
        pred = f"({schema}.predict_score({name}, {x_sql}) > 0)::int"
        labels = [str(v) for v in model["labels"]]
    else:
        pred = f"(({schema}.predict_proba({name}, {x_sql}))[2] >= 0.5)::int"
        labels = [str(v) for v in (model.get("labels") or [0, 1])]
    rows = plpy.execute(f"""
        SELECT y::int AS y, pred, count(*) AS c
        FROM (SELECT {y_sql} AS y, {pred} AS pred FROM {src['sql']}) AS s
        WHERE y IS NOT NULL AND pred IS NOT NULL GROUP BY 1, 2""")
    counts = {(r["y"], r["pred"]): r["c"] for r in rows}
    return [(labels[a], labels[b], int(counts.get((a, b), 0)))
            for a in range(len(labels)) for b in range(len(labels))]
