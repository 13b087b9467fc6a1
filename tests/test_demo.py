"""`indb-ml demo` runs end to end on the shipped data and ends by saying how to connect and what to run next."""
import re

import numpy as np
import psycopg
from sklearn.linear_model import LogisticRegression

from conftest import create_database, drop_database
from indb_ml import demo


def test_demo_runs_every_step(server_dsn, capsys):
    dsn = create_database(server_dsn, "indb_ml_demo")
    try:
        assert demo.main(dsn) == 0
        out = capsys.readouterr().out
        for heading in ("1. Linear regression", "2. Classification", "3. Graphs", "4. Recommendations"):
            assert heading in out
        assert "indb_ml.evaluate('demo_income', 'adult_test')" in out and "roc_auc" in out
        assert re.search(r"\[\d+\.\d\d s\]", out)                  # every step shows its time
        assert 'psql "' in out and "password" not in out and "examples" in out
        with psycopg.connect(dsn) as conn:
            rows = conn.execute("SELECT algorithm, status FROM indb_ml.model_summary ORDER BY model_id").fetchall()
            assert rows == [("linregr", "succeeded"), ("logregr", "succeeded"), ("pagerank", "succeeded"),
                            ("wcc", "succeeded"), ("als", "succeeded")]
            # held-out accuracy of the Adult classifier equals scikit-learn's unpenalised logistic regression
            acc = conn.execute("SELECT (indb_ml.evaluate('demo_income', 'adult_test')->>'accuracy')::float8"
                               ).fetchone()[0]
            cols = "age, education_num, capital_gain, capital_loss, hours_per_week, income_gt50k::int"
            train = np.array(conn.execute(f"SELECT {cols} FROM adult_train").fetchall(), dtype=float)
            test = np.array(conn.execute(f"SELECT {cols} FROM adult_test").fetchall(), dtype=float)
            ref = LogisticRegression(C=np.inf, max_iter=5000, tol=1e-10).fit(
                (train[:, :5] - train[:, :5].mean(0)) / train[:, :5].std(0), train[:, 5])
            ref_acc = ref.score((test[:, :5] - train[:, :5].mean(0)) / train[:, :5].std(0), test[:, 5])
            assert abs(acc - ref_acc) <= 2 / len(test), (acc, ref_acc)   # at most 2 borderline rows differ
            assert conn.execute("SELECT count(*) FROM wiki_vote").fetchone()[0] == 103689
    finally:
        drop_database(server_dsn, dsn)
