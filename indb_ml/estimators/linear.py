"""LinearRegression: OLS trained by ``linregr_train`` inside the database."""
from __future__ import annotations

import numpy as np
from psycopg import sql

from .base import InDatabaseEstimator


class LinearRegression(InDatabaseEstimator):
    """Ordinary least squares, scikit-learn style, computed next to the data.

    ``fit(db, table, label=..., features=[...])`` trains in the server and
    keeps the model table there; ``coef_``, ``intercept_``, ``std_err_``,
    ``p_values_`` and ``r2_`` are read back. ``predict``/``score`` take a
    numpy array (computed locally from the coefficients) or a table name
    (computed in the database).
    """

    algorithm = "linregr"
    estimator_type = "regressor"

    def __init__(self, fit_intercept: bool = True, progress: bool = True, db=None):
        self.fit_intercept = fit_intercept
        self.progress = progress
        self.db = db

    def _fit_table(self, db, table: str, label: str, features, model_table: str | None = None,
                   grouping_cols: str | None = None) -> "LinearRegression":
        model_table = self._model_table(db, model_table)
        expression = self._feature_expression(features, self.fit_intercept)
        label_sql = sql.Identifier(label).as_string(None) if not label.startswith('"') else label
        with self._progress(db):
            self.summary_ = db.call("linregr_train", table, model_table, label_sql, expression, grouping_cols)
        rows = self._record_fit(db, table, label, features, model_table)
        if grouping_cols:
            return self
        row = rows[0]
        coef = np.asarray(row["coef"], dtype=float)
        if self.fit_intercept and not isinstance(features, str):
            self.intercept_, self.coef_ = float(coef[0]), coef[1:]
        else:
            self.intercept_, self.coef_ = 0.0, coef
        self.std_err_ = np.asarray(row["std_err"], dtype=float)
        self.t_stats_ = np.asarray(row["t_stats"], dtype=float)
        self.p_values_ = np.asarray(row["p_values"], dtype=float)
        self.r2_ = row["r2"]
        self.condition_no_ = row["condition_no"]
        self.n_rows_ = row["num_rows_processed"]
        self.n_skipped_ = row["num_missing_rows_skipped"]
        self.n_features_in_ = len(self.coef_)
        return self

    def predict(self, X) -> np.ndarray:
        """Predictions for a matrix (locally) or for every row of a table (in the database)."""
        self._check_fitted()
        if isinstance(X, str):
            return self._predict_on_table(X, "prediction")
        return self._X(X) @ self.coef_ + self.intercept_

    def _sql_trainer(self, db, table, features):
        return "linregr_train", {}, self._feature_expression(features, self.fit_intercept)

    def _prediction_columns(self, schema):
        """From the coefficients (as a parameter): works for a loaded model whose tables are gone."""
        if isinstance(self.features_, str):
            raise ValueError("predict on a table needs the features given as a list of column names")
        feats = self._feature_items()
        if self.fit_intercept:
            feats = [sql.Literal(1.0)] + feats
        coef = [self.intercept_] + list(self.coef_) if self.fit_intercept else list(self.coef_)
        expr = sql.SQL("{s}.linregr_predict(%s::float8[], ARRAY[{f}]::float8[])").format(
            s=sql.Identifier(schema), f=sql.SQL(", ").join(feats))
        return [("prediction", expr, [[float(c) for c in coef]])]

    def _table_sql(self, table: str) -> str:
        rel = self._table_db().regclass(table)
        if rel is None:
            raise LookupError(f"table {table!r} does not exist")
        return rel

    def score(self, X, y=None) -> float:
        """R² of predictions: of a matrix against y, or of a table against its label column (in SQL)."""
        self._check_fitted()
        if isinstance(X, str):
            if isinstance(self.features_, str):
                raise ValueError("score on a table needs the features given as a list of column names")
            feats = [sql.Identifier(f) for f in self.features_]
            if self.fit_intercept:
                feats = [sql.Literal(1.0)] + feats
            pred = sql.SQL("{s}.linregr_predict(%s, ARRAY[{f}]::float8[])").format(
                s=sql.Identifier(self._table_db().schema), f=sql.SQL(", ").join(feats))
            y_col = sql.Identifier(y or self.label_)
            query = sql.SQL("SELECT 1 - sum(({y} - {p})^2) / nullif(sum(({y} - m)^2), 0) "
                            "FROM {t}, (SELECT avg({y}) AS m FROM {t}) a WHERE {y} IS NOT NULL").format(
                y=y_col, p=pred, t=sql.SQL(self._table_sql(X)))
            coef = [self.intercept_] + list(self.coef_) if self.fit_intercept else list(self.coef_)
            return float(self._table_db().execute(query, [coef])[0][0])
        y = np.asarray(y, dtype=float)
        resid = y - self.predict(X)
        return float(1.0 - resid @ resid / ((y - y.mean()) @ (y - y.mean())))
