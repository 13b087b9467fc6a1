"""Data preparation, cross-validation and classifier curves, each one SQL call in the database.

    indb_ml.encode_categorical(db, "adult", "adult_enc", ["sex", "race"], top_k=5)
    indb_ml.train_test_split(db, "adult", "adult_train", "adult_test", 0.25, seed=42, stratify="income")
    indb_ml.cross_validate(db, indb_ml.LogisticRegression(), "adult", "income", ["age", "sex"], cv=5)
    fpr, tpr, thresholds = indb_ml.roc_curve(model, "adult_test")
    matrix, labels = indb_ml.confusion_matrix(model, "adult_test")

Names go to the server as parameters; the server validates and quotes them.
"""
from __future__ import annotations

import json
import uuid

import numpy as np
from psycopg import sql

from .client import connect
from .estimators.tables import _frame
from .progress import Progress


def _names(cols) -> str:
    if isinstance(cols, str):
        return cols
    return ", ".join(sql.Identifier(c).as_string(None) for c in cols)


def encode_categorical(db, source: str, out_table: str, columns, top_k: int | None = None,
                       other_label: str = "other", drop_first: bool = False) -> str:
    """One-hot encode ``columns`` of ``source`` into ``out_table`` (pandas.get_dummies layout), recorded
    under ``out_table`` so that ``apply_encoding`` gives new data the same columns."""
    return connect(db).call("encode_categorical", source, out_table, _names(columns), top_k, other_label, drop_first)


def apply_encoding(db, encoding: str, source: str, out_table: str) -> str:
    return connect(db).call("apply_encoding", encoding, source, out_table)


def train_test_split(db, source: str, train_out: str, test_out: str, test_fraction: float = 0.25,
                     seed: int = 0, stratify: str | None = None) -> str:
    """Deterministic for a seed (a hash of seed and row content), ``ceil(n * test_fraction)`` test rows
    (per class of ``stratify``)."""
    return connect(db).call("train_test_split", source, train_out, test_out, float(test_fraction), int(seed),
                            stratify)


def _model(model, db=None):
    """(Database, registry name) of a fitted estimator or of a model name."""
    if isinstance(model, str):
        if db is None:
            raise ValueError("give db= with a model name")
        return connect(db), model
    model._check_fitted()
    return (connect(db) if db is not None else model._table_db()), model.model_name_


def roc_curve(model, source: str, db=None, drop_intermediate: bool = False):
    """(fpr, tpr, thresholds) of a binary classifier on a labelled table, as sklearn.metrics.roc_curve."""
    dbh, name = _model(model, db)
    rows = dbh.execute(sql.SQL("SELECT threshold, fpr, tpr FROM {}.roc_curve(%s, %s, %s)").format(
        sql.Identifier(dbh.schema)), [name, source, drop_intermediate])
    a = np.array(rows, dtype=float)
    return a[:, 1], a[:, 2], a[:, 0]


def roc_auc(model, source: str, db=None) -> float:
    dbh, name = _model(model, db)
    return float(dbh.call("roc_auc", name, source))


def confusion_matrix(model, source: str, db=None):
    """(matrix, labels): matrix[i, j] = rows of class labels[i] predicted as labels[j]."""
    dbh, name = _model(model, db)
    rows = dbh.execute(sql.SQL("SELECT actual, predicted, count FROM {}.confusion_matrix(%s, %s)").format(
        sql.Identifier(dbh.schema)), [name, source])
    labels = list(dict.fromkeys(r[0] for r in rows))
    index = {v: i for i, v in enumerate(labels)}
    M = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for a, p, c in rows:
        M[index[a], index[p]] = c
    return M, labels


def plot_roc(model, source: str, db=None, ax=None):
    """The ROC curve with its AUC in the legend; needs matplotlib."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError("plot_roc needs matplotlib (pip install matplotlib)") from exc
    fpr, tpr, _ = roc_curve(model, source, db)
    area = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(fpr, tpr, label=f"AUC = {area:.4f}")
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend(loc="lower right")
    return ax


def cross_validate(db, estimator, table: str, label: str | None, features, cv: int = 5, seed: int = 0,
                   out_table: str | None = None, progress: bool = True):
    """k-fold cross-validation in the database (``indb_ml.cross_validate``: folds are ids on the packed
    blocks, nothing is repacked). ``estimator`` is an indb_ml estimator (its parameters are passed on)
    or a trainer name with ``params`` in a (trainer, params) tuple. Returns the per-fold table (the
    mean in the row with fold NaN/None) as a DataFrame, or a structured array without pandas.
    Without ``out_table`` the result tables are temporary and dropped once read."""
    dbh = connect(db)
    if isinstance(estimator, tuple):
        trainer, params = estimator
        expression = features if isinstance(features, str) else _array(features, True)
    else:
        trainer, params, expression = estimator._sql_trainer(dbh, table, features)
    keep = out_table is not None
    out = out_table or f"pg_temp.indb_ml_cv_{uuid.uuid4().hex[:10]}"
    try:
        with Progress(dbh, progress):
            dbh.call("cross_validate", trainer, table, out, label, expression, json.dumps(params), int(cv), int(seed))
        cur_rows = dbh.execute(sql.SQL("SELECT * FROM {} ORDER BY fold NULLS LAST").format(sql.SQL(out)))
        cols = [r[0] for r in dbh.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum", [out])]
    finally:
        if not keep:
            for t in (out, out + "_folds"):
                if dbh.table_exists(t):
                    dbh.execute(sql.SQL("DROP TABLE {}").format(sql.SQL(t)))
    return _frame(cur_rows, cols)


def cross_val_score(estimator, db, table: str, label: str | None, features, cv: int = 5, seed: int = 0):
    """Per-fold scores as ``sklearn.model_selection.cross_val_score`` gives them (the estimator's
    ``score``: accuracy for classifiers, R² for regressors, -inertia for k-means), computed in the
    database on folds of packed blocks."""
    res = cross_validate(db, estimator, table, label, features, cv, seed, progress=False)
    metric = {"classifier": "accuracy", "regressor": "r2", "clusterer": "inertia"}[estimator.estimator_type]
    values = np.asarray((res[metric] if hasattr(res, "columns") else res[metric])[:cv], dtype=float)
    return -values if metric == "inertia" else values


def _array(features, intercept):
    names = [sql.Identifier(f).as_string(None) for f in features]
    return "ARRAY[" + ", ".join((["1"] if intercept else []) + names) + "]"
