"""Factorisation and clustering estimators trained inside PostgreSQL: ALS, KMeans, PCA.

Each ``fit`` calls the SQL driver (``als_train``, ``kmeans``, ``pca_train``),
which leaves the model tables in the database, and reads the fitted
attributes back (trailing underscore, scikit-learn style). ``predict`` /
``transform`` accept a numpy array (computed locally from the fitted
attributes) or a table name (computed in the database, per row, with the SQL
functions ``kmeans_assign`` / ``pca_project``).
"""
from __future__ import annotations

import numpy as np
from psycopg import sql

from .base import InDatabaseEstimator, as_matrix


def _feature_array(features) -> str:
    """A list of column names -> 'ARRAY["a", "b"]' (quoted); a string passes through (the server validates it)."""
    if isinstance(features, str):
        return features
    names = [sql.Identifier(f).as_string(None) for f in features]
    if not names:
        raise ValueError("features is empty")
    return "ARRAY[" + ", ".join(names) + "]"


def _table_sql(db, table: str) -> str:
    rel = db.execute("SELECT to_regclass(%s)::text", [table])[0][0]
    if rel is None:
        raise LookupError(f"table {table!r} does not exist")
    return rel


class _FactorBase(InDatabaseEstimator):
    def _summary(self, db, model_table: str) -> dict:
        return db.fetch_table(self._summary_name(db, model_table))[0]

    def _summary_name(self, db, model_table: str, suffix: str = "_summary") -> str:
        row = db.execute("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname || %s) "
                         "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE c.oid = to_regclass(%s)", [suffix, model_table])
        return row[0][0]

    def _features_sql(self):
        if isinstance(self.features_, str):
            return sql.SQL(self.features_)   # validated by the server at fit time
        return sql.SQL("ARRAY[{}]::float8[]").format(sql.SQL(", ").join(sql.Identifier(f) for f in self.features_))

    def _per_row_call(self, schema: str, function: str) -> sql.Composable:
        """``schema.function(%s, <features>)``: the model's per-row SQL function (%s = the model name)."""
        return sql.SQL("{}.{}(%s, {})").format(sql.Identifier(schema), sql.Identifier(function), self._features_sql())

    def _per_row_on_table(self, table: str, function: str) -> list:
        """The model's per-row SQL function over every row of a table, in the table's order."""
        query = sql.SQL("SELECT {} FROM {}").format(self._per_row_call(self.db_.schema, function),
                                                    sql.SQL(_table_sql(self.db_, table)))
        return [r[0] for r in self.db_.execute(query, [self.model_name_])]


class KMeans(_FactorBase):
    """k-means (Lloyd) computed in the database, with scikit-learn's parameter names.

    ``init``: ``"k-means++"`` (greedy k-means++, 2 + ln k candidates per step, then one
    local-search swap pass; the default), ``"k-means++plain"`` (one D² draw per centre), ``"k-means||"``
    (scalable k-means++, for large k and tables), ``"random"`` or a k x d array.
    ``n_init``: restarts, all sharing each pass over the data; ``"auto"`` = 10 for
    ``"random"``, 1 otherwise (as scikit-learn). ``tol`` is relative to the mean
    feature variance (as scikit-learn). ``random_state``: an int, or None for a
    fresh seed.

    ``fit(db, table, features)``; then ``cluster_centers_`` (k x d),
    ``inertia_`` (sum of squared distances to the final centroids of the best
    run), ``n_iter_``, ``initial_centroids_``, ``cluster_sizes_``, ``converged_``,
    ``run_inertias_`` (every run's final objective), ``best_run_``, ``n_passes_``.
    ``predict(X)`` gives 0-based cluster labels, as scikit-learn does.
    """

    algorithm = "kmeans"
    estimator_type = "clusterer"
    supervised = False
    _INITS = {"k-means++": "kmeans++", "kmeans++": "kmeans++", "k-means++plain": "kmeans++plain",
              "kmeans++plain": "kmeans++plain", "k-means||": "kmeans||", "kmeans||": "kmeans||", "random": "random"}

    def __init__(self, n_clusters: int = 8, init="k-means++", n_init="auto", max_iter: int = 300,
                 tol: float = 1e-4, random_state=None, progress: bool = True, db=None):
        self.progress, self.db = progress, db
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _sql_args(self) -> dict:
        kwargs = {"max_iter": self.max_iter, "tolerance": self.tol}
        seed = self.random_state
        if seed is None:
            seed = int(np.random.default_rng().integers(0, 2 ** 62))
        elif not isinstance(seed, (int, np.integer)):
            raise ValueError(f"random_state must be an int or None, got {seed!r}")
        kwargs["seed"] = int(seed)
        if isinstance(self.init, str):
            if self.init not in self._INITS:
                raise ValueError(f"init must be one of {sorted(self._INITS)} or an array, got {self.init!r}")
            kwargs["init"] = self._INITS[self.init]
        else:
            kwargs["initial_centroids"] = np.asarray(self.init, dtype=float).tolist()
        if self.n_init != "auto":
            if not isinstance(self.n_init, (int, np.integer)) or self.n_init < 1:
                raise ValueError(f"n_init must be 'auto' or a positive int, got {self.n_init!r}")
            kwargs["n_init"] = int(self.n_init)
        return kwargs

    def _sql_trainer(self, db, table, features):
        return "kmeans", {"k": self.n_clusters, **self._sql_args()}, _feature_array(features)

    def _fit_table(self, db, table: str, features, model_table: str | None = None) -> "KMeans":
        kwargs = self._sql_args()
        model_table = self._model_table(db, model_table)
        with self._progress(db):
            self.summary_ = db.call("kmeans", table, model_table, _feature_array(features), self.n_clusters,
                                    **kwargs)
        self.db_, self.model_table_, self.table_ = db, model_table, table
        self.model_name_ = self._qualified(db, model_table)
        self.features_ = list(features) if not isinstance(features, str) else features
        rows = sorted(db.fetch_table(model_table), key=lambda r: r["cluster_id"])
        self.cluster_centers_ = np.array([r["centroid"] for r in rows], dtype=float)
        self.cluster_sizes_ = np.array([r["size"] for r in rows], dtype=np.int64)
        s = self._summary(db, model_table)
        self.inertia_ = float(s["objective"])
        self.n_iter_ = int(s["iterations"])
        self.converged_ = bool(s["converged"])
        self.initial_centroids_ = np.array(s["initial_centroids"], dtype=float)
        self.run_inertias_ = np.array(s["run_objectives"], dtype=float)
        self.best_run_ = int(s["best_run"])
        self.n_passes_ = int(s["seeding_passes"]) + int(s["lloyd_passes"])
        self.feature_names_in_ = list(s["feature_names"])
        self.n_features_in_ = self.cluster_centers_.shape[1]
        return self

    def predict(self, X) -> np.ndarray:
        """0-based labels for a matrix (locally) or for every row of a table (``kmeans_assign`` in SQL)."""
        self._check_fitted()
        if isinstance(X, str):
            return np.array(self._per_row_on_table(X, "kmeans_assign"), dtype=np.int64)
        X = self._X(X)
        d = ((X[:, None, :] - self.cluster_centers_[None, :, :]) ** 2).sum(axis=2)
        return d.argmin(axis=1)

    def _prediction_columns(self, schema):
        return [("cluster", self._per_row_call(schema, "kmeans_assign"), [self.model_name_])]

    def score(self, X, y=None) -> float:
        """Negative sum of squared distances to the nearest centroid (scikit-learn's convention)."""
        X = as_matrix(X)
        labels = self.predict(X)
        return -float(((X - self.cluster_centers_[labels]) ** 2).sum())


class PCA(_FactorBase):
    """Principal component analysis from a covariance aggregate computed in the database.

    ``components_`` (k x d), ``explained_variance_``, ``explained_variance_ratio_``,
    ``singular_values_``, ``mean_``, ``scale_``, ``n_samples_``.
    """

    algorithm = "pca"
    supervised = False

    def __init__(self, n_components: int | None = None, center: bool = True, scale: bool = False,
                 progress: bool = True, db=None):
        self.progress, self.db = progress, db
        self.n_components = n_components
        self.center = center
        self.scale = scale

    def _fit_table(self, db, table: str, features, model_table: str | None = None) -> "PCA":
        model_table = self._model_table(db, model_table)
        # MADlib's signature: (source, out, row_id, k | proportion, ...); ours by name after it. k is cast
        # so that the integer overload is chosen (a proportion 1.0 keeps every component)
        k = sql.SQL("%s::integer") if self.n_components is not None else sql.SQL("%s::float8")
        query = sql.SQL("SELECT {s}.pca_train(%s, %s, NULL, {k}, use_correlation => %s, features => %s, "
                        "center => %s)").format(s=sql.Identifier(db.schema), k=k)
        with self._progress(db):
            self.summary_ = db.execute(query, [table, model_table, self.n_components if self.n_components is not None
                                               else 1.0, self.scale, _feature_array(features), self.center])[0][0]
        self.db_, self.model_table_, self.table_ = db, model_table, table
        self.model_name_ = self._qualified(db, model_table)
        self.features_ = list(features) if not isinstance(features, str) else features
        rows = sorted(db.fetch_table(model_table), key=lambda r: r["row_id"])
        s = db.fetch_table(self._summary_name(db, model_table, "_mean"))[0]
        n = int(s["num_rows_processed"])
        self.components_ = np.array([r["principal_components"] for r in rows], dtype=float)
        self.explained_variance_ = np.array([r["std_dev"] for r in rows], dtype=float) ** 2
        self.explained_variance_ratio_ = np.array([r["proportion"] for r in rows], dtype=float)
        self.singular_values_ = np.sqrt(self.explained_variance_ * (n - 1))
        self.mean_ = np.array(s["column_mean"], dtype=float)
        self.scale_ = np.array(s["feature_scale"], dtype=float)
        self.n_samples_ = n
        self.n_components_ = len(rows)
        self.n_features_in_ = self.components_.shape[1]
        self.feature_names_in_ = list(s["feature_names"])
        return self

    def transform(self, X) -> np.ndarray:
        """Scores for a matrix (locally) or for every row of a table (``pca_project`` in SQL)."""
        self._check_fitted()
        if isinstance(X, str):
            return np.array(self._per_row_on_table(X, "pca_project"), dtype=float)
        return ((self._X(X) - self.mean_) / self.scale_) @ self.components_.T

    def _prediction_columns(self, schema):
        return [("scores", self._per_row_call(schema, "pca_project"), [self.model_name_])]

    def inverse_transform(self, Z) -> np.ndarray:
        Z = as_matrix(Z)
        return (Z @ self.components_) * self.scale_ + self.mean_


class ALS(_FactorBase):
    """Matrix factorisation by alternating least squares (ALS-WR), trained in the database.

    ``fit(db, table, user_col, item_col, rating_col)``; then ``user_ids_``,
    ``user_factors_`` (n_users x rank), ``user_biases_``, the same for items,
    ``global_mean_``, ``train_rmse_``, ``n_iter_``. ``reg`` is the SQL
    ``lambda`` (weighted-λ: each vertex's penalty is reg x its number of ratings).
    ``predict(users, items)`` computes locally from the factors; ``recommend(user, k)``
    runs the SQL ``recommend`` function.
    """

    algorithm = "als"
    estimator_type = "regressor"

    def __init__(self, rank: int = 10, reg: float = 0.05, max_iter: int = 15, tolerance: float = 1e-4,
                 seed: int = 0, biases: bool = True, duplicates: str = "average", progress: bool = True, db=None):
        self.progress, self.db = progress, db
        self.rank = rank
        self.reg = reg
        self.max_iter = max_iter
        self.tolerance = tolerance
        self.seed = seed
        self.biases = biases
        self.duplicates = duplicates

    def _fit_table(self, db, table: str, user_col: str, item_col: str, rating_col: str,
                   model_table: str | None = None) -> "ALS":
        model_table = self._model_table(db, model_table)
        with self._progress(db):
            self.summary_ = db.call("als_train", table, user_col, item_col, rating_col, model_table,
                                    rank=self.rank, **{"lambda": self.reg}, max_iter=self.max_iter,
                                    tolerance=self.tolerance, seed=self.seed, biases=self.biases,
                                    duplicates=self.duplicates)
        self.db_, self.model_table_, self.table_ = db, model_table, table
        self.model_name_ = self._qualified(db, model_table)
        m = db.fetch_table(model_table)[0]
        self.global_mean_ = float(m["global_mean"])
        self.train_rmse_ = float(m["train_rmse"])
        self.n_iter_ = int(m["iterations"])
        self.converged_ = bool(m["converged"])
        self._mu = self.global_mean_ if m["biases"] else 0.0
        for side, name in (("user", m["users_table"]), ("item", m["items_table"])):
            rows = db.execute(sql.SQL("SELECT id, factor, bias FROM {} ORDER BY id").format(sql.SQL(name)))
            setattr(self, f"{side}_ids_", np.array([r[0] for r in rows]))
            setattr(self, f"{side}_factors_", np.array([r[1] for r in rows], dtype=float).reshape(len(rows), -1))
            setattr(self, f"{side}_biases_", np.array([r[2] for r in rows], dtype=float))
        self._uindex = {u: k for k, u in enumerate(self.user_ids_.tolist())}
        self._iindex = {i: k for k, i in enumerate(self.item_ids_.tolist())}
        return self

    def predict(self, users, items, unknown: str = "mean") -> np.ndarray:
        """Predicted ratings for pairs (users[k], items[k]). A user or item without factors (no usable
        ratings in training) gets the global mean (``unknown="mean"``) or NaN (``unknown="nan"``)."""
        self._check_fitted()
        if unknown not in ("mean", "nan"):
            raise ValueError("unknown must be 'mean' or 'nan'")
        users, items = list(users), list(items)
        if len(users) != len(items):
            raise ValueError(f"{len(users)} users but {len(items)} items")
        out = np.empty(len(users))
        for k, (u, i) in enumerate(zip(users, items)):
            a, b = self._uindex.get(u), self._iindex.get(i)
            if a is None or b is None:
                out[k] = self.global_mean_ if unknown == "mean" else np.nan
            else:
                out[k] = (self._mu + self.user_biases_[a] + self.item_biases_[b]
                          + self.user_factors_[a] @ self.item_factors_[b])
        return out

    def recommend(self, user, k: int = 10, exclude_rated: bool = True) -> list[tuple]:
        """[(item, score), ...] best first, from the SQL ``recommend`` function; [] for an unknown user."""
        self._check_fitted()
        query = sql.SQL("SELECT item_id, score FROM {s}.recommend(%s, %s, %s, %s) ORDER BY rank").format(
            s=sql.Identifier(self.db_.schema))
        return [tuple(r) for r in self.db_.execute(query, [self.model_name_, user, k, exclude_rated])]

    def rmse(self, table: str, user_col: str, item_col: str, rating_col: str) -> float:
        """Root mean squared error on a ratings table, computed in the database (unknown -> global mean)."""
        self._check_fitted()
        query = sql.SQL(
            "SELECT sqrt(avg(({r} - coalesce({s}.als_predict(%s, {u}, {i}), %s))^2)) FROM {t} "
            "WHERE {r} IS NOT NULL").format(
            r=sql.Identifier(rating_col), u=sql.Identifier(user_col), i=sql.Identifier(item_col),
            s=sql.Identifier(self.db_.schema), t=sql.SQL(_table_sql(self.db_, table)))
        return float(self.db_.execute(query, [self.model_name_, self.global_mean_])[0][0])
