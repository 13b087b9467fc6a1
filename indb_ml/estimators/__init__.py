"""scikit-learn-style estimators whose fit/predict run inside PostgreSQL."""
from .linear import LinearRegression

__all__ = ["LinearRegression"]
