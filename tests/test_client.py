"""The Python client: connect() from a DSN or a SQLAlchemy engine, LinearRegression like scikit-learn."""
import numpy as np
import pytest
import sqlalchemy
import statsmodels.api as sm

import indb_ml
from conftest import CALIFORNIA_COLUMNS, california_arrays
from indb_ml.client import NotInstalledError

FEATURES = CALIFORNIA_COLUMNS[:-1]
LABEL = CALIFORNIA_COLUMNS[-1]


def test_linear_regression_estimator(db_dsn, california):
    db = indb_ml.connect(db_dsn)
    model = indb_ml.LinearRegression().fit(db, "california", label=LABEL, features=FEATURES, model_table="py_lr")
    Xr, y = california_arrays()
    ols = sm.OLS(y, sm.add_constant(Xr)).fit()
    assert model.intercept_ == pytest.approx(ols.params[0], rel=1e-6)
    np.testing.assert_allclose(model.coef_, ols.params[1:], rtol=1e-6)
    np.testing.assert_allclose(model.std_err_, ols.bse, rtol=1e-6)
    assert model.r2_ == pytest.approx(ols.rsquared, rel=1e-9)
    np.testing.assert_allclose(model.predict(Xr[:10]), ols.predict(sm.add_constant(Xr)[:10]), rtol=1e-9)
    assert model.score(Xr, y) == pytest.approx(ols.rsquared, rel=1e-9)
    assert model.score("california") == pytest.approx(ols.rsquared, rel=1e-9)
    np.testing.assert_allclose(np.sort(model.predict("california")), np.sort(ols.fittedvalues), rtol=1e-7, atol=1e-4)
    assert model.get_params() == {"fit_intercept": True, "progress": True, "db": None}
    assert [h["iteration"] for h in model.training_info()] == [1]
    assert model.model_name_ == "public.py_lr"
    db.close()


def test_connect_accepts_a_sqlalchemy_engine(db_dsn, california):
    params = __import__("psycopg").conninfo.conninfo_to_dict(db_dsn)
    url = sqlalchemy.engine.URL.create("postgresql+psycopg", username=params["user"], password=params["password"],
                                       host=params["host"], port=int(params["port"]), database=params["dbname"])
    engine = sqlalchemy.create_engine(url)
    db = indb_ml.connect(engine)
    model = indb_ml.LinearRegression(fit_intercept=False).fit(db, "california", label=LABEL,
                                                              features=["median_income"])
    _, y = california_arrays()
    x = california_arrays()[0][:, 7]
    assert model.coef_[0] == pytest.approx((x @ y) / (x @ x), rel=1e-9)
    assert model.intercept_ == 0.0
    db.drop_table(model.model_table_)
    db.drop_table(model.model_table_ + "_summary")
    db.close()
    engine.dispose()


def test_connect_refuses_a_database_without_indb_ml(server_dsn):
    with pytest.raises(NotInstalledError, match="indb-ml install"):
        indb_ml.connect(server_dsn)


def test_unfitted_estimator_says_so():
    with pytest.raises(RuntimeError, match="not fitted"):
        indb_ml.LinearRegression().predict(np.zeros((1, 2)))
