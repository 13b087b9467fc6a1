"""GLM-family estimators trained inside PostgreSQL: LogisticRegression, LinearSVC, ElasticNet,
SoftmaxRegression, PoissonRegression.

Each ``fit(db, table, label=..., features=[...])`` calls the SQL training function (the data never
leaves the server), reads the model table back into scikit-learn-style attributes (``coef_``,
``intercept_``, ``n_iter_``, ``classes_``), and shows a tqdm progress bar fed by the server's
structured progress messages (``progress=False`` to turn it off). ``fit(X, y)`` trains on arrays or a
DataFrame uploaded to a temporary table (the connection is the ``db`` parameter). ``predict``/``predict_proba``/``score``
take a numpy matrix (computed locally from the coefficients) or a table name (``score`` on a table
runs ``indb_ml.evaluate`` in the database).
"""
from __future__ import annotations

import numpy as np
from psycopg import sql

from .base import InDatabaseEstimator

class _LinearModel(InDatabaseEstimator):
    sql_function = ""
    classification = False

    def _label(self, label):
        return label if label.startswith('"') else sql.Identifier(label).as_string(None)

    def _train(self, db, table, label, features, model_table, grouping_cols, args, max_iter, fit_intercept,
               progress):
        db = self._db(db)
        model_table = self._model_table(db, model_table)
        expression = self._feature_expression(features, fit_intercept)
        with self._progress(db, progress):
            self.summary_ = db.call(self.sql_function, table, model_table, self._label(label), expression,
                                    *args(grouping_cols))
        rows = self._record_fit(db, table, label, features, model_table)
        return rows

    def _split(self, coef, fit_intercept, features):
        coef = np.asarray(coef, dtype=float)
        if fit_intercept and not isinstance(features, str):
            return coef[1:], coef[0]
        return coef, (0.0 if coef.ndim == 1 else np.zeros(coef.shape[1]))

    @property
    def estimator_type(self):
        return "classifier" if self.classification else "regressor"

    def decision_function(self, X):
        self._check_fitted()
        return self._X(X) @ self.coef_.T + self.intercept_

    def predict(self, X):
        """Predictions for a matrix or DataFrame (locally) or a table (in the database, via indb_ml.predict;
        keyed by the table's primary key when it has one)."""
        self._check_fitted()
        if isinstance(X, str):
            return self._predict_on_table(X, "prediction")
        return self._predict_local(X)

    def _predict_table(self, table, function):
        return self._predict_on_table(table, "probabilities" if function == "predict_proba" else "prediction")

    def _prediction_columns(self, schema):
        if isinstance(self.features_, str):
            raise ValueError("predicting a table needs the features given as a list of column names")
        feats = self._feature_items()
        if getattr(self, "fit_intercept", False) and self.algorithm != "elastic_net":
            feats = [sql.Literal(1.0)] + feats
        x = sql.SQL("ARRAY[{}]::float8[]").format(sql.SQL(", ").join(feats))
        s = sql.Identifier(schema)
        cols = [("prediction", sql.SQL("{}.predict(%s, {})").format(s, x), [self.model_name_])]
        if self.classification:
            cols.append(("probabilities", sql.SQL("{}.predict_proba(%s, {})").format(s, x), [self.model_name_]))
        return cols

    def evaluate(self, table: str) -> dict:
        """Metrics on a labelled table, computed in the database (indb_ml.evaluate)."""
        self._check_fitted()
        return self._table_db().call("evaluate", self.model_name_, table)

    def score(self, X, y=None) -> float:
        """Accuracy (classifiers) or R² (regressors), of a matrix against y or of a table in SQL."""
        self._check_fitted()
        if isinstance(X, str):
            m = self.evaluate(X)
            return float(m["accuracy"] if self.classification else m["r2"])
        y = np.asarray(y)
        pred = self.predict(X)
        if self.classification:
            return float(np.mean(pred == y))
        y = y.astype(float)
        return float(1.0 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum())


class LogisticRegression(_LinearModel):
    """Binary logistic regression (``indb_ml.logregr_train``): solver 'irls', 'lbfgs' or 'sgd'.

    Unpenalised, like MADlib (scikit-learn's ``penalty=None``). Attributes: ``coef_``, ``intercept_``,
    ``n_iter_``, ``std_err_``, ``z_stats_``, ``p_values_``, ``log_likelihood_``, ``classes_`` ([0, 1])."""

    algorithm = "logregr"
    sql_function = "logregr_train"
    classification = True

    def __init__(self, solver: str = "irls", max_iter: int = 20, tol: float = 1e-4, fit_intercept: bool = True,
                 standardize: bool = False, progress: bool = True, db=None):
        self.db, self.standardize = db, standardize
        self.solver, self.max_iter, self.tol = solver, max_iter, tol
        self.fit_intercept, self.progress = fit_intercept, progress

    def _sql_trainer(self, db, table, features):
        return ("logregr_train", {"max_iter": self.max_iter, "optimizer": self.solver, "tolerance": self.tol,
                                  "standardize": self.standardize},
                self._feature_expression(features, self.fit_intercept))

    def _fit_table(self, db, table, label, features, model_table=None, grouping_cols=None):
        rows = self._train(db, table, label, features, model_table, grouping_cols,
                           lambda g: [g, self.max_iter, self.solver, self.tol, False, None, self.standardize],
                           self.max_iter,
                           self.fit_intercept, self.progress)
        if grouping_cols:
            return self
        row = rows[0]
        coef, icpt = self._split(row["coef"], self.fit_intercept, features)
        self.coef_, self.intercept_ = coef.reshape(1, -1), np.array([icpt])
        self.n_iter_ = np.array([row["num_iterations"]])
        self.std_err_ = np.asarray(row["std_err"], dtype=float)
        self.z_stats_ = np.asarray(row["z_stats"], dtype=float)
        self.p_values_ = np.asarray(row["p_values"], dtype=float)
        self.log_likelihood_ = row["log_likelihood"]
        self.converged_ = row["converged"]
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = coef.size
        return self

    def predict_proba(self, X):
        self._check_fitted()
        if isinstance(X, str):
            return self._predict_table(X, "predict_proba")
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)[:, 0]))
        return np.column_stack([1.0 - p, p])

    def _predict_local(self, X):
        return (self.decision_function(X)[:, 0] >= 0).astype(int)


class PoissonRegression(_LinearModel):
    """Poisson regression with log link (``indb_ml.glm``, IRLS). Attributes: ``coef_``, ``intercept_``,
    ``std_err_``, ``p_values_``, ``log_likelihood_``, ``n_iter_``."""

    algorithm = "glm"
    sql_function = "glm"

    def __init__(self, max_iter: int = 100, tol: float = 1e-8, solver: str = "irls", fit_intercept: bool = True,
                 standardize: bool = False, progress: bool = True, db=None):
        self.db, self.standardize = db, standardize
        self.max_iter, self.tol, self.solver = max_iter, tol, solver
        self.fit_intercept, self.progress = fit_intercept, progress

    def _sql_trainer(self, db, table, features):
        return ("glm", {"family_params": "family=poisson, link=log",
                        "optim_params": f"max_iter={int(self.max_iter)}, optimizer={self.solver}, "
                                        f"tolerance={float(self.tol)!r}, standardize={bool(self.standardize)}"},
                self._feature_expression(features, self.fit_intercept))

    def _fit_table(self, db, table, label, features, model_table=None, grouping_cols=None):
        rows = self._train(db, table, label, features, model_table, grouping_cols,
                           lambda g: ["family=poisson, link=log", g,
                                      f"max_iter={int(self.max_iter)}, optimizer={self.solver}, "
                                      f"tolerance={float(self.tol)!r}, standardize={bool(self.standardize)}"],
                           self.max_iter, self.fit_intercept, self.progress)
        if grouping_cols:
            return self
        row = rows[0]
        self.coef_, self.intercept_ = self._split(row["coef"], self.fit_intercept, features)
        self.std_err_ = np.asarray(row["std_err"], dtype=float)
        self.p_values_ = np.asarray(row["p_values"], dtype=float)
        self.log_likelihood_ = row["log_likelihood"]
        self.n_iter_ = row["num_iterations"]
        self.n_features_in_ = self.coef_.size
        return self

    def _predict_local(self, X):
        return np.exp(self._X(X) @ self.coef_ + self.intercept_)


class LinearSVC(_LinearModel):
    """Linear SVM (``indb_ml.svm_classification``) with scikit-learn's parameters: the objective
    ``1/2 |w|^2 + C sum loss`` is the server's ``lambda = 1 / (C n)``. ``loss`` 'squared_hinge' (L-BFGS)
    or 'hinge' (SGD). The intercept is penalised (as liblinear)."""

    algorithm = "svm"
    sql_function = "svm_classification"
    classification = True

    def __init__(self, C: float = 1.0, loss: str = "squared_hinge", max_iter: int = 100, tol: float = 1e-6,
                 fit_intercept: bool = True, standardize: bool = False, progress: bool = True, db=None):
        self.db, self.standardize = db, standardize
        self.C, self.loss, self.max_iter, self.tol = C, loss, max_iter, tol
        self.fit_intercept, self.progress = fit_intercept, progress

    def _fit_table(self, db, table, label, features, model_table=None, grouping_cols=None):
        dbh = self._db(db)
        n = dbh.execute(sql.SQL("SELECT count(*) FROM {}").format(
            sql.SQL(dbh.execute("SELECT to_regclass(%s)::text", [table])[0][0] or sql.Identifier(table).as_string(None))))[0][0]
        lam = 1.0 / (self.C * max(n, 1))
        params = (f"lambda={lam!r}, loss={self.loss}, max_iter={int(self.max_iter)}, tolerance={float(self.tol)!r}, "
                  f"standardize={bool(self.standardize)}")
        rows = self._train(dbh, table, label, features, model_table, grouping_cols,
                           lambda g: ["linear", None, g, params], self.max_iter, self.fit_intercept, self.progress)
        if grouping_cols:
            return self
        row = rows[0]
        coef, icpt = self._split(row["coef"], self.fit_intercept, features)
        self.coef_, self.intercept_ = coef.reshape(1, -1), np.array([icpt])
        self.classes_ = np.array(row["dep_var_mapping"])
        self.n_iter_ = row["num_iterations"]
        self.objective_ = row["loss"]
        self.lambda_ = lam
        self.n_features_in_ = coef.size
        return self

    def _predict_local(self, X):
        return self.classes_[(self.decision_function(X)[:, 0] > 0).astype(int)]


class SoftmaxRegression(_LinearModel):
    """Multinomial logistic regression (``indb_ml.softmax_train``); ``C`` as scikit-learn's
    (server ``lambda = 1 / (C n)``, intercept not penalised), ``C=None`` for no penalty."""

    algorithm = "softmax"
    sql_function = "softmax_train"
    classification = True

    def __init__(self, C: float | None = 1.0, solver: str = "lbfgs", max_iter: int = 100, tol: float = 1e-8,
                 fit_intercept: bool = True, standardize: bool = False, progress: bool = True, db=None):
        self.db, self.standardize = db, standardize
        self.C, self.solver, self.max_iter, self.tol = C, solver, max_iter, tol
        self.fit_intercept, self.progress = fit_intercept, progress

    def _fit_table(self, db, table, label, features, model_table=None, grouping_cols=None):
        dbh = self._db(db)
        rel = dbh.execute("SELECT to_regclass(%s)::text", [table])[0][0]
        n = dbh.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.SQL(rel)))[0][0] if rel else 1
        lam = 0.0 if self.C is None else 1.0 / (self.C * max(n, 1))
        rows = self._train(dbh, table, label, features, model_table, grouping_cols,
                           lambda g: [g, lam, self.solver, self.max_iter, self.tol, False, self.standardize],
                           self.max_iter,
                           self.fit_intercept, self.progress)
        if grouping_cols:
            return self
        row = rows[0]
        W = np.asarray(row["coef"], dtype=float)
        coef, icpt = self._split(W, self.fit_intercept, features)
        self.coef_, self.intercept_ = coef.T, icpt
        self.classes_ = np.array(row["class_labels"])
        self.n_iter_ = row["num_iterations"]
        self.objective_ = row["loss"]
        self.lambda_ = lam
        self.n_features_in_ = coef.shape[0]
        return self

    def predict_proba(self, X):
        self._check_fitted()
        if isinstance(X, str):
            return self._predict_table(X, "predict_proba")
        M = self.decision_function(X)
        E = np.exp(M - M.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    def _predict_local(self, X):
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


class ElasticNet(_LinearModel):
    """Elastic net (``indb_ml.elastic_net_train``) with scikit-learn's names: ``alpha`` is the server's
    lambda_value, ``l1_ratio`` its alpha. ``family`` 'gaussian' or 'binomial'; the intercept is always fitted
    (features without a constant)."""

    algorithm = "elastic_net"
    sql_function = "elastic_net_train"

    def __init__(self, alpha: float = 1.0, l1_ratio: float = 0.5, family: str = "gaussian",
                 standardize: bool = False, max_iter: int = 1000, tol: float = 1e-8, progress: bool = True, db=None):
        self.db = db
        self.alpha, self.l1_ratio, self.family, self.standardize = alpha, l1_ratio, family, standardize
        self.max_iter, self.tol, self.progress = max_iter, tol, progress

    @property
    def classification(self):
        return self.family == "binomial"

    def _fit_table(self, db, table, label, features, model_table=None, grouping_cols=None):
        rows = self._train(db, table, label, features, model_table, grouping_cols,
                           lambda g: [self.family, self.l1_ratio, self.alpha, self.standardize, g, "cd", None, None,
                                      self.max_iter, self.tol], self.max_iter, False, self.progress)
        if grouping_cols:
            return self
        row = rows[0]
        self.coef_ = np.asarray(row["coef_all"], dtype=float)
        self.intercept_ = float(row["intercept"])
        self.n_iter_ = row["iteration_run"]
        self.objective_ = row["objective"]
        self.features_selected_ = row["features_selected"]
        self.n_features_in_ = self.coef_.size
        return self

    def decision_function(self, X):
        self._check_fitted()
        return self._X(X) @ self.coef_ + self.intercept_

    def predict_proba(self, X):
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def _predict_local(self, X):
        m = self.decision_function(X)
        return (m >= 0).astype(int) if self.family == "binomial" else m
