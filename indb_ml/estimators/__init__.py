"""scikit-learn-style estimators whose fit/predict run inside PostgreSQL."""
from .factorization import ALS, PCA, KMeans
from .glm import ElasticNet, LinearSVC, LogisticRegression, PoissonRegression, SoftmaxRegression
from .linear import LinearRegression

__all__ = ["LinearRegression", "LogisticRegression", "LinearSVC", "ElasticNet", "SoftmaxRegression",
           "PoissonRegression", "KMeans", "PCA", "ALS"]
