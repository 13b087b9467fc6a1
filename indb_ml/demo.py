"""The demo: the whole product on data it ships, about a minute on a small machine.

Regression (California housing), classification with evaluation on a held-out
split (UCI Adult), graph analytics (PageRank and connected components on SNAP
wiki-Vote), recommendations (ALS on generated ratings: MovieLens may not be
redistributed). Every step prints the SQL it runs, the result and the time.
It ends with how to connect and which example scripts to run next.
"""
from __future__ import annotations

import time

import psycopg

from . import __version__, demo_data, installer, resources

RULE = "-" * 78


class Demo:
    def __init__(self, dsn: str):
        self.dsn = dsn
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.conn.add_notice_handler(lambda d: None)     # per-iteration NOTICEs would drown the output
        self.total = 0.0

    def step(self, title: str) -> None:
        print(f"\n{RULE}\n{title}\n{RULE}")

    def load(self, what: str, fn, *args) -> None:
        t = time.perf_counter()
        rows = fn(self.conn, *args)
        took = time.perf_counter() - t
        self.total += took
        print(f"  loaded {what}: {rows:,} rows  [{took:.2f} s]")

    def run(self, query: str, show: int | None = 10) -> list[tuple]:
        """Print the SQL, run it, print the rows and the time."""
        print("\n  " + query.strip().replace("\n", "\n  "))
        t = time.perf_counter()
        cur = self.conn.execute(query)
        rows = cur.fetchall() if cur.description else []
        took = time.perf_counter() - t
        self.total += took
        if cur.description and show:
            names = [c.name for c in cur.description]
            print("    " + " | ".join(names))
            for row in rows[:show]:
                print("    " + " | ".join(_fmt(v) for v in row))
        print(f"    [{took:.2f} s]")
        return rows


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value[:6]) + (", ...]" if len(value) > 6 else "]")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items()) + "}"
    text = str(value)
    return text if len(text) <= 110 else text[:107] + "..."


def regression(d: Demo) -> None:
    d.step("1. Linear regression: California housing (Pace & Barry 1997), 20,640 block groups")
    d.load("data/california_housing", demo_data.california)
    d.run("DROP TABLE IF EXISTS demo_houses, demo_houses_summary", show=None)
    d.run("SELECT indb_ml.linregr_train('california_housing', 'demo_houses', 'median_house_value',\n"
          "    'ARRAY[1, median_income, housing_median_age, total_rooms, total_bedrooms, population, households]')")
    d.run("SELECT round(r2::numeric, 4) AS r2, num_rows_processed, coef[2] AS dollars_per_income_unit,\n"
          "       p_values[2] AS p_income\nFROM demo_houses")
    d.run("SELECT round(indb_ml.linregr_predict(m.coef, ARRAY[1, h.median_income, h.housing_median_age,\n"
          "           h.total_rooms, h.total_bedrooms, h.population, h.households])::numeric) AS predicted,\n"
          "       h.median_house_value AS actual\nFROM california_housing h, demo_houses m LIMIT 3")


def classification(d: Demo) -> None:
    d.step("2. Classification: UCI Adult census income (>50K?), trained on adult.data, evaluated on adult.test")
    d.load("data/uci_adult/adult.data", demo_data.adult, "adult_train", "data")
    d.load("data/uci_adult/adult.test (held out)", demo_data.adult, "adult_test", "test")
    d.run("DROP TABLE IF EXISTS demo_income, demo_income_summary", show=None)
    d.run("SELECT indb_ml.logregr_train('adult_train', 'demo_income', 'income_gt50k',\n"
          "    'ARRAY[1, age, education_num, capital_gain, capital_loss, hours_per_week]')")
    d.run("SELECT coef, num_iterations, converged FROM demo_income")
    d.run("SELECT key AS metric, round(value::numeric, 4) AS value\n"
          "FROM jsonb_each_text(indb_ml.evaluate('demo_income', 'adult_test'))\n"
          "WHERE key IN ('accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'log_loss')")


def graphs(d: Demo) -> None:
    d.step("3. Graphs: SNAP wiki-Vote, who voted for whom in Wikipedia adminship elections")
    d.load("data/snap_wiki_vote", demo_data.wiki_vote)
    d.run("DROP TABLE IF EXISTS demo_pr, demo_pr_summary, demo_wcc, demo_wcc_summary", show=None)
    d.run("SELECT indb_ml.pagerank(NULL, NULL, 'wiki_vote', 'src=voter, dest=candidate', 'demo_pr')")
    d.run("SELECT id AS user_id, round(pagerank::numeric, 5) AS pagerank FROM demo_pr\n"
          "ORDER BY pagerank DESC LIMIT 5")
    d.run("SELECT indb_ml.wcc(NULL, NULL, 'wiki_vote', 'src=voter, dest=candidate', 'demo_wcc')")
    d.run("SELECT * FROM indb_ml.graph_wcc_histogram('demo_wcc') LIMIT 3")


def recommendations(d: Demo) -> None:
    d.step("4. Recommendations: ALS on generated ratings (600 users x 400 items, a known taste model;\n"
           "   MovieLens is not shipped: its licence forbids redistribution)")
    d.load("generated ratings", demo_data.generated_ratings)
    d.run("DROP TABLE IF EXISTS demo_als, demo_als_users, demo_als_items", show=None)
    d.run("SELECT indb_ml.als_train('ratings', 'user_id', 'item_id', 'rating', 'demo_als',\n"
          "    rank => 8, lambda => 0.1, max_iter => 8, seed => 1)")
    d.run("SELECT iterations, round(train_rmse::numeric, 4) AS train_rmse, num_users, num_items FROM demo_als")
    d.run("SELECT * FROM indb_ml.recommend('demo_als', 1, 5)")


def registry(d: Demo) -> None:
    d.step("5. Everything above is in the model registry, with its iteration history")
    d.run("SELECT name, algorithm, status, iterations, round(train_ms::numeric) AS train_ms\n"
          "FROM indb_ml.model_summary WHERE name LIKE 'public.demo_%' ORDER BY model_id DESC LIMIT 6")


def _connect_hint(dsn: str | None) -> str:
    if dsn is None:
        return 'psql "$(indb-ml local dsn)"'
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    params.pop("password", None)
    return f'psql "{psycopg.conninfo.make_conninfo(**params)}"'


def main(dsn: str | None = None) -> int:
    t0 = time.perf_counter()
    target = dsn
    if target is None:
        from .client import local_dsn

        target = local_dsn()
    status = installer.status(target)
    if not status["installed"] or status.get("version") != __version__:
        installer.install(target)
    d = Demo(target)
    info = d.conn.info
    print(f"indb_ml {__version__} demo: database {info.dbname} on {info.host}:{info.port}, "
          f"ready in {time.perf_counter() - t0:.1f} s")
    for part in (regression, classification, graphs, recommendations, registry):
        part(d)
    d.conn.close()
    hint = _connect_hint(dsn)
    examples = sorted(p.name for p in resources.EXAMPLES_DIR.glob("*.sql"))
    print(f"\n{RULE}\nDone in {time.perf_counter() - t0:.1f} s ({d.total:.1f} s of SQL and loading).\n"
          f"\nConnect and look around (the tables above are in schema public):\n    {hint}\n"
          "    \\df indb_ml.*                         -- every function\n"
          "    SELECT * FROM indb_ml.model_summary;   -- every model\n"
          f"\nNext, run an example script (each makes its own small data), e.g.\n"
          f"    {hint} -v ON_ERROR_STOP=1 -f {resources.EXAMPLES_DIR}/logregr.sql\n"
          f"  all examples in {resources.EXAMPLES_DIR}: {', '.join(examples)}\n"
          "  the same from Python: import indb_ml; db = indb_ml.connect(); "
          "indb_ml.LinearRegression().fit(db, 'california_housing', label='median_house_value', "
          "features=['median_income'])")
    return 0
