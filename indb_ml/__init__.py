"""indb_ml: machine learning and graph analytics inside PostgreSQL.

    import indb_ml
    db = indb_ml.connect()                    # the local cluster, a DSN, a psycopg / SQLAlchemy connection or engine
    model = indb_ml.LinearRegression().fit(db, "houses", label="price", features=["rooms", "age"])
    model = indb_ml.LogisticRegression(db=db).fit(X, y)     # arrays / DataFrames: uploaded, trained in the database

See docs/client.md for pickling, scikit-learn interop, progress, and the data preparation functions.
"""
__version__ = "0.2.0"

from . import graph  # noqa: E402
from .client import Database, connect  # noqa: E402
from .preprocessing import (  # noqa: E402
    apply_encoding,
    confusion_matrix,
    cross_val_score,
    cross_validate,
    encode_categorical,
    plot_roc,
    roc_auc,
    roc_curve,
    train_test_split,
)
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
           "SoftmaxRegression", "PoissonRegression", "KMeans", "PCA", "ALS", "encode_categorical", "apply_encoding",
           "train_test_split", "cross_validate", "cross_val_score", "roc_curve", "roc_auc", "confusion_matrix",
           "plot_roc", "__version__"]
