"""indb_ml: machine learning and graph analytics inside PostgreSQL.

    import indb_ml
    db = indb_ml.connect()                    # the local cluster, or a DSN / SQLAlchemy engine
    model = indb_ml.LinearRegression().fit(db, "houses", label="price", features=["rooms", "age"])
"""
__version__ = "0.2.0"

from . import graph  # noqa: E402
from .client import Database, connect  # noqa: E402
from .estimators import (  # noqa: E402
    ALS,
    PCA,
    KMeans,
    ElasticNet,
    LinearRegression,
    LinearSVC,
    LogisticRegression,
    PoissonRegression,
    SoftmaxRegression,
)

__all__ = ["Database", "connect", "graph", "LinearRegression", "LogisticRegression", "LinearSVC", "ElasticNet",
           "SoftmaxRegression", "PoissonRegression", "KMeans", "PCA", "ALS", "__version__"]
