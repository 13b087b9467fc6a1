"""An analyst's notebook session with indb_ml, run for real: writes examples/notebook_session.md.

    .venv/bin/python examples/notebook_session.py [DSN]

Without a DSN it starts a throwaway local PostgreSQL cluster (as the tests do), installs indb_ml
into it and removes it at the end. Each cell below runs in one namespace, like a notebook; the
transcript shows the code and what it printed or returned.
"""
from __future__ import annotations

import ast
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT))

CELLS = [
    ("Connect, and load UCI Adult (text columns and all) into a table.", '''
import indb_ml, pandas as pd, numpy as np
db = indb_ml.connect(DSN)
adult = load_adult()                    # pandas, 32,561 rows; '?' is missing
db.execute("DROP TABLE IF EXISTS adult, adult_train, adult_test, adult_enc, adult_model, adult_model_summary")
upload(db, adult, "adult")              # COPY into a table with primary key id
adult.dtypes.value_counts()
'''),
    ("A deterministic, stratified split in SQL.", '''
indb_ml.train_test_split(db, "adult", "adult_train", "adult_test", test_fraction=0.25, seed=42,
                         stratify="income_gt50k")
'''),
    ("One-hot encoding like `pandas.get_dummies`, top-k levels plus \"other\", recorded for new data.", '''
print(indb_ml.encode_categorical(db, "adult_train", "adult_enc", ["workclass", "race"], top_k=4))
cols = [r[0] for r in db.execute("SELECT attname FROM pg_attribute WHERE attrelid = 'adult_enc'::regclass "
                                  "AND attnum > 0 AND attname LIKE 'workclass%' ORDER BY attnum")]
cols
'''),
    ("Trainers take text features directly: they are one-hot encoded at prepare time (first level dropped), "
     "the levels kept with the model. Progress bars come from structured server messages.", '''
features = ["age", "education_num", "hours_per_week", "capital_gain", "sex", "race", "marital_status"]
model = indb_ml.LogisticRegression(max_iter=30, tol=1e-10, standardize=True, progress=False)
model.fit(db, "adult_train", "income_gt50k", features, model_table="adult_model")
pd.Series(np.r_[model.intercept_, model.coef_[0]], index=["intercept"] + model.coef_names_).round(4)
'''),
    ("What training did, from the registry.", '''
pd.DataFrame(model.training_info())[["iteration", "loss", "grad_norm", "elapsed_ms"]].round(6)
'''),
    ("Predictions for a table come back keyed by its primary key.", '''
model.predict_table("adult_test").head()
'''),
    ("Metrics in SQL: evaluate, ROC AUC, the confusion matrix.", '''
m = model.evaluate("adult_test")
print({k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()})
print("AUC", round(indb_ml.roc_auc(model, "adult_test"), 6))
matrix, labels = indb_ml.confusion_matrix(model, "adult_test")
pd.DataFrame(matrix, index=[f"actual {v}" for v in labels], columns=[f"predicted {v}" for v in labels])
'''),
    ("The same AUC from scikit-learn on the predictions pulled out.", '''
from sklearn.metrics import roc_auc_score
test = pd.DataFrame(db.execute("SELECT id, income_gt50k, " + ", ".join(features) + " FROM adult_test"),
                    columns=["id", "income_gt50k"] + features)
round(roc_auc_score(test["income_gt50k"], model.predict_proba(test[features])[:, 1]), 6)
'''),
    ("5-fold cross-validation in the database: folds are ids on the packed blocks, nothing is repacked.", '''
cv = indb_ml.cross_validate(db, indb_ml.LogisticRegression(max_iter=30), "adult_train", "income_gt50k",
                            features, cv=5, seed=0, progress=False)
cv.round(4)
'''),
    ("Pickle the model; the connection is not part of it. Columns are matched by name.", '''
import pickle
blob = pickle.dumps(model)
loaded = pickle.loads(blob)
shuffled = test[features[::-1]]                        # columns in another order
print(len(blob), "bytes;", np.array_equal(loaded.predict(shuffled), model.predict(test[features])))
try:
    loaded.predict(test[features[:-1]])
except ValueError as e:
    print("ValueError:", e)
'''),
    ("scikit-learn's own tools: `fit(X, y)` uploads the arrays (COPY into a temporary table) and trains "
     "in the database.", '''
from sklearn.model_selection import GridSearchCV
sample = adult.sample(4000, random_state=0)
grid = GridSearchCV(indb_ml.SoftmaxRegression(db=db, progress=False), {"C": [0.001, 1.0]}, cv=3)
grid.fit(sample[["age", "education_num", "hours_per_week", "sex"]], sample["marital_status"])
grid.best_params_, round(float(grid.best_score_), 4)
'''),
    ("Progress of any long call is a structured event (here k-means), whatever the text says.", '''
events = []
with indb_ml.progress.Progress(db, enabled=False, callback=events.append):
    indb_ml.KMeans(3, max_iter=5, progress=False).fit(db, "adult_train", ["age", "education_num", "hours_per_week"])
[(e["task"], e["step"], e["total"]) for e in events]
'''),
    ("A ROC plot (matplotlib), and the model's summary as Jupyter shows it.", '''
import matplotlib
matplotlib.use("Agg")
ax = indb_ml.plot_roc(model, "adult_test")
ax.figure.savefig(ROC_PNG, dpi=80)
print(ax.get_legend().get_texts()[0].get_text())
len(model._repr_html_())
'''),
    ("Closing the connection drops what the client created without a name (the uploads of "
     "GridSearchCV, the k-means model); the named model stays.", '''
db.close()
with indb_ml.connect(DSN) as check:
    left = check.execute("SELECT relname FROM pg_class WHERE relname LIKE 'indb\\\\_ml\\\\_%'")
    print("leftover client tables:", left)
    print(check.execute("SELECT name, algorithm FROM indb_ml.models ORDER BY model_id"))
    check.drop_model("adult_model")
'''),
]


def load_adult():
    import pandas as pd

    for base in (PROJECT / "data" / "uci-adult", PROJECT.parent / "shared" / "data" / "uci-adult"):
        if (base / "adult.data.gz").exists():
            path = base / "adult.data.gz"
            break
    else:
        raise FileNotFoundError("adult.data.gz not found in data/uci-adult")
    cols = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
            "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country",
            "income"]
    df = pd.read_csv(path, names=cols, skipinitialspace=True, na_values="?")
    df["income_gt50k"] = df.pop("income").str.startswith(">50K").astype("int64")
    df.insert(0, "id", range(len(df)))
    return df


def upload(db, df, table):
    from psycopg import sql

    types = {"i": "bigint", "f": "float8"}
    defs = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(
            "bigint PRIMARY KEY" if c == "id" else types.get(df[c].dtype.kind, "text"))) for c in df.columns)
    db.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), defs))
    buf = io.StringIO()
    df.to_csv(buf, sep="\t", header=False, index=False, na_rep="\\N")
    with db.conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as cp:
        cp.write(buf.getvalue())
    db.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))


def run_cell(code, ns):
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), ns)
        value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns) if last else None
    text = out.getvalue()
    if value is not None:
        text += (value.to_string() if hasattr(value, "to_string") else repr(value)) + "\n"
    return text


def main(dsn=None):
    import pandas as pd

    pd.set_option("display.width", 110)
    cluster = None
    if dsn is None:
        from indb_ml import installer
        from indb_ml.local import LocalCluster

        cluster = LocalCluster(Path(tempfile.mkdtemp(prefix="indb_ml_notebook_")), ephemeral=True)
        dsn = cluster.start()
        installer.install(dsn)
    ns = {"DSN": dsn, "load_adult": load_adult, "upload": upload, "ROC_PNG": str(HERE / "notebook_session_roc.png")}
    lines = ["# An analyst's session with indb_ml", "",
             "Generated by running `examples/notebook_session.py` (PostgreSQL 15, a throwaway local cluster); "
             "every output below is what the cell printed or returned.", ""]
    try:
        for n, (title, code) in enumerate(CELLS, 1):
            t0 = time.perf_counter()
            output = run_cell(code.strip("\n"), ns)
            lines += [f"## [{n}] {title}", "", "```python", code.strip("\n"), "```", ""]
            if output.strip():
                lines += ["```", output.rstrip("\n"), "```", ""]
            print(f"cell {n}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    finally:
        if cluster is not None:
            cluster.destroy()
    lines += ["![ROC curve](notebook_session_roc.png)", ""]
    (HERE / "notebook_session.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
