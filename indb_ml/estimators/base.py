"""What every in-database estimator shares: parameters, fitting from a table or from arrays,
feature matching, pickling, scikit-learn tags, the model's lifetime, history and display.

Two ways to fit:

* ``fit(db, table, ...)`` trains on a table (the family's own arguments: label, features, ...);
* ``fit(X, y)`` (scikit-learn's form; the connection is the ``db`` parameter) uploads the arrays or
  DataFrame with COPY into a TEMPORARY table, trains on it, then drops the upload and its packed copy.

A model fitted without ``model_table`` lives in TEMPORARY tables of the connection (``pg_temp``):
the server drops them when the connection ends, and ``Database.close()`` drops them (and their
registry rows) earlier. Name a ``model_table`` to keep a model.

Pickling keeps the fitted attributes, never the connection: a loaded model predicts arrays and
DataFrames offline, and tables once given a connection (``attach(db)``).
"""
from __future__ import annotations

import inspect
import uuid

import numpy as np
from psycopg import sql

from ..client import Database, connect
from ..progress import Progress
from .display import DisplayMixin
from .tables import (  # noqa: F401  (as_matrix: used by the estimator modules)
    LABEL_COLUMN,
    _columns_of,
    _float_matrix,
    _frame,
    _is_frame,
    _primary_key,
    _table_identifier,
    _upload,
    as_matrix,
)


class InDatabaseEstimator(DisplayMixin):
    """scikit-learn conventions (``get_params``/``set_params``, trailing-underscore
    attributes after ``fit``) for models that are trained and stored in PostgreSQL."""

    algorithm = "model"
    estimator_type: str | None = None     # 'classifier', 'regressor', 'clusterer' or None
    supervised = True

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p for p, v in sig.parameters.items() if p != "self" and v.kind is not v.VAR_KEYWORD]

    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name, None) for name in self._param_names()}

    def set_params(self, **params) -> "InDatabaseEstimator":
        for name, value in params.items():
            if name not in self._param_names():
                raise ValueError(f"{type(self).__name__} has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items() if k != "db" or v is not None)
        return f"{type(self).__name__}({args})"

    # ----- pickling: the connection is not part of the state
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("db_", None)
        if "db" in state:
            state["db"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def attach(self, db) -> "InDatabaseEstimator":
        """Give a loaded (unpickled) model a connection for predictions on tables."""
        self.db_ = connect(db)
        return self

    # ----- scikit-learn interop
    @property
    def _estimator_type(self):   # scikit-learn < 1.6 reads this attribute
        return self.estimator_type

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, InputTags, RegressorTags, Tags, TargetTags

        kind = self.estimator_type
        return Tags(estimator_type=kind, target_tags=TargetTags(required=self.supervised),
                    classifier_tags=ClassifierTags() if kind == "classifier" else None,
                    regressor_tags=RegressorTags() if kind == "regressor" else None,
                    input_tags=InputTags(string=True, categorical=True, allow_nan=True))

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_name_")

    # ----- fitting
    def fit(self, X, y=None, *args, **kwargs):
        """``fit(db, table, ...)`` on a table, or ``fit(X, y)`` on arrays / a DataFrame (uploaded)."""
        if isinstance(y, str):
            return self._fit_named(X, y, *args, **kwargs)
        if args:
            raise TypeError("fit(X, y) takes no further positional arguments; to train on a table call "
                            "fit(db, 'table', ...)")
        return self._fit_arrays(X, y, **kwargs)

    def _fit_named(self, db, table, *args, **kwargs):
        db = self._db(db)
        auto = kwargs.get("model_table") is None
        self._fit_table(db, table, *args, **kwargs)
        self.db_ = db
        if auto:
            db.track_model(self.model_name_)
        self._record_features()
        self._record_encodings(db)
        self.history_ = self._fetch_history()
        return self

    def _record_encodings(self, db):
        """Text features were one-hot encoded by the server; its feature names (``col=level``) say how,
        so local predictions apply the same encoding (``encodings_`` {column: levels})."""
        feats = getattr(self, "features_", None)
        self.encodings_ = {}
        if not isinstance(feats, (list, tuple)):
            return
        rows = db.execute(sql.SQL("SELECT feature_names FROM {}.models WHERE name = %s").format(
            sql.Identifier(db.schema)), [self.model_name_])
        names = (rows[0][0] if rows else None) or []
        self.coef_names_ = [n for n in names if n not in ("1", "1.0")] if names else list(feats)
        for f in feats:
            if f not in names:
                levels = [n[len(f) + 1:] for n in names if n.startswith(f + "=")]
                if levels:
                    self.encodings_[f] = levels

    def _fit_arrays(self, X, y, **kwargs):
        if getattr(self, "db", None) is None:
            raise ValueError(f"{type(self).__name__}.fit(X, y) needs a connection: pass db= to the constructor "
                             f"({type(self).__name__}(db=indb_ml.connect(...)))")
        if self.supervised and y is None:
            raise ValueError(f"{type(self).__name__}.fit(X, y): y is required")
        db = self._db(self.db)
        names, columns = _columns_of(X)
        table = _upload(db, names, columns, None if y is None else np.asarray(y))
        try:
            if self.supervised:
                self._fit_named(db, table, label=LABEL_COLUMN, features=names, **kwargs)
            else:
                self._fit_named(db, table, features=names, **kwargs)
        finally:
            db.call("drop_prepared", table)
            db.drop_table(table)
            db.forget(table)
        self.table_ = None
        if y is not None and hasattr(self, "classes_"):
            # the server keeps class labels as text; give them back in y's type, as scikit-learn does
            yv = np.asarray(y)
            try:
                self.classes_ = np.asarray(self.classes_).astype(yv.dtype) if yv.dtype.kind in "biuf" else self.classes_
            except (TypeError, ValueError):
                pass
        self.feature_names_in_ = np.asarray(names, dtype=object) if _is_frame(X) else None
        if self.feature_names_in_ is None:
            del self.feature_names_in_
        self.n_features_in_ = len(names)
        return self

    def _record_features(self):
        feats = getattr(self, "features_", None)
        if isinstance(feats, (list, tuple)):
            self.feature_names_in_ = np.asarray([str(f) for f in feats], dtype=object)
            self.n_features_in_ = len(feats)

    def _fit_table(self, db, table, *args, **kwargs):
        raise NotImplementedError

    def _sql_trainer(self, db, table, features) -> tuple[str, dict, str]:
        """(SQL trainer, its named arguments, feature expression) for indb_ml.cross_validate."""
        raise NotImplementedError(f"{type(self).__name__} has no in-database cross-validation; use "
                                  f"sklearn.model_selection.cross_val_score with fit(X, y)")

    # ----- feature matching for local predictions
    def _X(self, X) -> np.ndarray:
        """A float matrix in the fitted feature order: DataFrames matched by column name, arrays by width."""
        self._check_fitted()
        names = getattr(self, "feature_names_in_", None)
        if getattr(self, "encodings_", None):
            return self._encoded(X, names)
        if _is_frame(X):
            cols = [str(c) for c in X.columns]
            if names is not None:
                self._check_columns(cols, names)
                X = X[list(names)]
            return _float_matrix(X, list(names) if names is not None else cols)
        M = np.asarray(X, dtype=float)
        if M.ndim == 1:
            M = M.reshape(-1, 1)
        n = getattr(self, "n_features_in_", None)
        if n is not None and M.shape[1] != n:
            raise ValueError(f"X has {M.shape[1]} features, but {type(self).__name__} was fitted with {n}"
                             + (f" ({', '.join(names)})" if names is not None else ""))
        return M

    def _encoded(self, X, names) -> np.ndarray:
        """Columns by name (DataFrame) or position (2-d array), text features one-hot as at training."""
        if _is_frame(X):
            self._check_columns([str(c) for c in X.columns], names)
            cols = {str(c): X[c].to_numpy() for c in X.columns}
        else:
            A = np.asarray(X, dtype=object)
            if A.ndim != 2 or A.shape[1] != len(names):
                raise ValueError(f"X needs the {len(names)} columns {list(names)}, got shape {A.shape}")
            cols = {n: A[:, j] for j, n in enumerate(names)}
        out = []
        for n in names:
            v = cols[n]
            if n in self.encodings_:
                missing = np.array([x is None or (isinstance(x, float) and x != x) for x in v])
                for level in self.encodings_[n]:
                    out.append(np.where(missing, np.nan, (v.astype(object) == level).astype(float)))
            else:
                out.append(np.asarray(v, dtype=float))
        return np.column_stack(out)

    def _check_columns(self, cols, names):
        missing = [n for n in names if n not in cols]
        extra = [c for c in cols if c not in set(names)]
        if missing or extra:
            raise ValueError(
                f"{type(self).__name__} was fitted on the columns {list(names)}; the DataFrame "
                + (f"lacks {missing}" if missing else "") + (" and " if missing and extra else "")
                + (f"has unexpected {extra}" if extra else ""))

    def _feature_items(self) -> list[sql.Composable]:
        """SQL of each feature as the model saw it: a column, or its one-hot indicators."""
        items = []
        for f in self.features_:
            if f in getattr(self, "encodings_", {}):
                items += [sql.SQL("({}::text = {})::int::float8").format(sql.Identifier(f), sql.Literal(v))
                          for v in self.encodings_[f]]
            else:
                items.append(sql.Identifier(f))
        return items

    # ----- helpers for subclasses
    @staticmethod
    def _db(db) -> Database:
        return connect(db)

    def _table_db(self) -> Database:
        db = getattr(self, "db_", None)
        if db is None:
            raise RuntimeError(f"this {type(self).__name__} has no connection (it was unpickled): "
                               "call attach(db) to predict on tables")
        return db

    def _model_table(self, db: Database, model_table: str | None) -> str:
        if model_table:
            return model_table
        return f"pg_temp.indb_ml_{self.algorithm}_{uuid.uuid4().hex[:10]}"

    @staticmethod
    def _feature_expression(features, fit_intercept: bool) -> str:
        """A feature list -> 'ARRAY[1, "a", "b"]' with every name quoted; a string is passed through
        (the server parses and validates it)."""
        if isinstance(features, str):
            return features
        names = [sql.Identifier(f).as_string(None) for f in features]
        if not names:
            raise ValueError("features is empty")
        return "ARRAY[" + ", ".join((["1"] if fit_intercept else []) + names) + "]"

    def _progress(self, db, enabled=None):
        return Progress(db, getattr(self, "progress", True) if enabled is None else enabled)

    def _fetch_history(self) -> list[dict]:
        db = self.db_
        rows = db.execute(
            sql.SQL("SELECT i.group_key, i.iteration, i.loss, i.grad_norm, i.step_size, i.rows, i.elapsed_ms, i.info "
                    "FROM {s}.model_iterations i JOIN {s}.models m USING (model_id) WHERE m.name = %s "
                    "ORDER BY i.group_key, i.iteration").format(s=sql.Identifier(db.schema)),
            [self.model_name_])
        keys = ["group_key", "iteration", "loss", "grad_norm", "step_size", "rows", "elapsed_ms", "info"]
        return [dict(zip(keys, r)) for r in rows]

    def training_info(self) -> list[dict]:
        """The iteration history the server recorded for this model (kept when pickled)."""
        self._check_fitted()
        if getattr(self, "db_", None) is not None:
            try:
                self.history_ = self._fetch_history()
            except Exception:
                pass
        return list(getattr(self, "history_", []))

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_name_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; call fit() first")

    def _record_fit(self, db: Database, table: str, label: str, features, model_table: str) -> list[dict]:
        """After a supervised training call: where the model came from, and its table's rows (one per group)."""
        self.db_ = db
        self.model_table_ = model_table
        self.model_name_ = self._qualified(db, model_table)
        self.features_ = list(features) if not isinstance(features, str) else features
        self.table_ = table
        self.label_ = label
        self.groups_ = db.fetch_table(model_table)
        return self.groups_

    def _qualified(self, db: Database, table: str) -> str:
        """The registry name of an output table: schema.table, both quoted as the server does
        (``pg_temp.name`` as given for temporary models: the registry keeps that spelling)."""
        if table.startswith("pg_temp."):
            if not db.table_exists(table):
                raise LookupError(f"model table {table!r} was not created")
            return table
        rel = db.regclass(table)
        if rel is None:
            raise LookupError(f"model table {table!r} was not created")
        return rel

    # ----- predictions on tables
    def _prediction_columns(self, schema: str) -> list[tuple[str, sql.Composable, list]]:
        """[(output column, SQL expression over the source row, parameters)] for predict_table."""
        raise NotImplementedError(f"{type(self).__name__} cannot predict a table")

    def predict_table(self, table: str, id_col: str | None = None, out_table: str | None = None):
        """Predict every row of a table in the database.

        Returns a pandas DataFrame indexed by ``id_col`` (default: the table's one-column primary
        key), a numpy structured array without pandas, or - with ``out_table`` - writes the
        predictions to that new table and returns its name."""
        self._check_fitted()
        db = self._table_db()
        rel = db.regclass(table)
        if rel is None:
            raise LookupError(f"table {table!r} does not exist")
        if id_col is None:
            id_col = _primary_key(db, rel)
            if id_col is None:
                raise ValueError(f"table {table!r} has no one-column primary key: pass id_col=")
        cols = self._prediction_columns(db.schema)
        select = sql.SQL(", ").join(
            [sql.Identifier(id_col)] + [sql.SQL("{} AS {}").format(e, sql.Identifier(n)) for n, e, _ in cols])
        params = [p for _, _, ps in cols for p in ps]
        query = sql.SQL("SELECT {} FROM {}").format(select, sql.SQL(rel))
        if out_table is not None:
            db.execute(sql.SQL("CREATE TABLE {} AS ").format(_table_identifier(out_table)) + query, params)
            return out_table
        rows = db.execute(query + sql.SQL(" ORDER BY 1"), params)
        names = [id_col] + [n for n, _, _ in cols]
        return _frame(rows, names, index=id_col)

    def _predict_on_table(self, table: str, column: str):
        """One prediction column of a table: a Series keyed by the table's primary key when it has a
        one-column key (a structured array without pandas), else an array in scan order."""
        db = self._table_db()
        rel = db.regclass(table)
        if rel is None:
            raise LookupError(f"table {table!r} does not exist")
        pk = _primary_key(db, rel)
        if pk is not None:
            out = self.predict_table(rel, pk)
            return out[column] if hasattr(out, "columns") else out[[pk, column]]
        (expr, params), = [(e, ps) for n, e, ps in self._prediction_columns(db.schema) if n == column]
        rows = db.execute(sql.SQL("SELECT {} FROM {}").format(expr, sql.SQL(rel)), params)
        vals = [r[0] for r in rows]
        numeric = all(isinstance(v, (int, float, list)) or v is None for v in vals)
        return np.array(vals, dtype=float if numeric else object)
