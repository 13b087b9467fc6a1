"""What every in-database estimator shares: parameters, the model table, history."""
from __future__ import annotations

import inspect
import uuid

import numpy as np
from psycopg import sql

from ..client import Database, connect


class InDatabaseEstimator:
    """scikit-learn conventions (``get_params``/``set_params``, trailing-underscore
    attributes after ``fit``) for models that are trained and stored in PostgreSQL."""

    algorithm = "model"

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> "InDatabaseEstimator":
        for name, value in params.items():
            if name not in self._param_names():
                raise ValueError(f"{type(self).__name__} has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # ----- helpers for subclasses
    @staticmethod
    def _db(db) -> Database:
        return connect(db)

    def _model_table(self, db: Database, model_table: str | None) -> str:
        if model_table:
            return model_table
        return f"indb_ml_{self.algorithm}_{uuid.uuid4().hex[:10]}"

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

    def training_info(self) -> list[dict]:
        """The iteration history the server recorded for this model."""
        self._check_fitted()
        cur = self.db_.conn.cursor()
        rows = cur.execute(
            sql.SQL("SELECT i.group_key, i.iteration, i.loss, i.grad_norm, i.step_size, i.rows, i.elapsed_ms, i.info "
                    "FROM {s}.model_iterations i JOIN {s}.models m USING (model_id) WHERE m.name = %s "
                    "ORDER BY i.group_key, i.iteration").format(s=sql.Identifier(self.db_.schema)),
            [self.model_name_]).fetchall()
        keys = ["group_key", "iteration", "loss", "grad_norm", "step_size", "rows", "elapsed_ms", "info"]
        return [dict(zip(keys, r)) for r in rows]

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_name_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; call fit() first")

    def _qualified(self, db: Database, table: str) -> str:
        """The registry name of an output table: schema.table, both quoted as the server does."""
        row = db.execute("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
                         "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(%s)", [table])
        if not row:
            raise LookupError(f"model table {table!r} was not created")
        return row[0][0]


def as_matrix(X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    return X
