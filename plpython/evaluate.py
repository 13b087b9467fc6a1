"""Prediction from the model registry and evaluation metrics computed in SQL (takes ``plpy``).

``load_model`` reads a trained model (any of linregr, logregr, glm, svm, softmax, elastic_net) from
the registry and its output table - the relation training wrote, by OID, never by the name in the
registry row - into one shape: a coefficient matrix W (features x outputs), an
optional separate intercept, the inverse link and the class labels. Per-row prediction caches it per
backend (re-checked against the registry at most once a second, so a retrained model is picked up).
"""
import math
import time

import numpy as np

from . import encoding, identifiers, prepare

CACHE_SECONDS = 1.0
_INVALID = "'{NaN,Infinity,-Infinity}'::float8[]"


def qualified_name(plpy, name):
    rows = plpy.execute(plpy.prepare(
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass($1)",
        ["text"]), [name])
    return rows[0]["q"] if rows else name


def _registry_row(plpy, schema, name):
    # row-level security shows a role only its own rows; a superuser's own row wins over others
    plan = plpy.prepare(f"SELECT model_id, name, algorithm, out_table, out_oid::oid AS out_oid, owner, params, "
                        f"dependent_varname, "
                        f"independent_varname, grouping_cols, status FROM {schema}.models WHERE name = $1 "
                        f"ORDER BY (owner = current_user) DESC, model_id DESC LIMIT 1", ["text"])
    rows = plpy.execute(plan, [name])
    if not rows:
        try:
            rows = plpy.execute(plan, [qualified_name(plpy, name)])
        except plpy.SPIError:
            rows = []
    if not rows:
        plpy.error(f"model {name!r} is not in the registry ({schema}.models)")
    return rows[0]


def bound_table(plpy, reg, fname="predict"):
    """The quoted name of the table the model ``reg`` (a registry row) was trained into, checked:
    same OID as at training, still under the registered name, a plain table owned by the model's
    owner, and readable by the caller. Anything else is refused, so a changed or forged registry
    row can never make the caller read another relation."""
    name = reg["name"]
    if reg["out_oid"] is None:
        plpy.error(f"{fname}: model {name!r} is not bound to a table (trained before indb_ml 0004 or "
                   f"its table was gone at upgrade); train it again")
    rows = plpy.execute(plpy.prepare(
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q, c.relkind, "
        "pg_catalog.pg_get_userbyid(c.relowner) AS owner, pg_catalog.to_regclass($2)::oid AS now, "
        "pg_catalog.has_table_privilege(c.oid, 'SELECT') AS readable FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1", ["oid", "text"]),
        [reg["out_oid"], reg["out_table"]])
    if not rows:
        plpy.error(f"{fname}: model {name!r}: its table {reg['out_table']} no longer exists")
    t = rows[0]
    if t["now"] != reg["out_oid"]:
        plpy.error(f"{fname}: model {name!r}: the registry names {reg['out_table']}, which is not the table it was "
                   f"trained into (that table is now {t['q']}); refusing to read it")
    if t["relkind"] != "r" or t["owner"] != reg["owner"]:
        plpy.error(f"{fname}: model {name!r}: its table {t['q']} is not a table owned by the model's owner "
                   f"{reg['owner']}; refusing to read it")
    if not t["readable"]:
        plpy.error(f"{fname}: model {name!r}: permission denied to read its table {t['q']}")
    return t["q"]


def load_model(plpy, schema, name):
    import json
    reg = _registry_row(plpy, schema, name)
    if reg["status"] != "succeeded":
        plpy.error(f"model {name!r} has status {reg['status']}")
    if reg["grouping_cols"]:
        plpy.error(f"model {name!r} was trained per group ({reg['grouping_cols']}); predict from its table "
                   f"{reg['out_table']} with the group's coefficients")
    params = json.loads(reg["params"]) if isinstance(reg["params"], str) else (reg["params"] or {})
    alg = reg["algorithm"]
    row = plpy.execute(f"SELECT * FROM {bound_table(plpy, reg)} LIMIT 1")[0]
    model = {"model_id": reg["model_id"], "name": reg["name"], "algorithm": alg, "params": params,
             "dependent": reg["dependent_varname"], "independent": reg["independent_varname"], "intercept": 0.0,
             "labels": params.get("label_values"), "kind": params.get("kind", "regression")}
    if alg == "linregr":
        model.update(W=np.asarray(row["coef"], dtype=float), link="identity", kind="regression")
    elif alg == "logregr":
        model.update(W=np.asarray(row["coef"], dtype=float), link="logit", kind="classification")
    elif alg == "glm":
        model.update(W=np.asarray(row["coef"], dtype=float), link=params.get("link", "log"))
    elif alg == "svm":
        model.update(W=np.asarray(row["coef"], dtype=float), link="svm", kind="classification",
                     labels=list(row["dep_var_mapping"]))
    elif alg == "softmax":
        model.update(W=np.asarray(row["coef"], dtype=float), link="softmax", kind="classification",
                     labels=list(row["class_labels"]))
    elif alg == "elastic_net":
        model.update(W=np.asarray(row["coef_all"], dtype=float), intercept=float(row["intercept"]),
                     link="logit" if params.get("family") == "binomial" else "identity")
    else:
        plpy.error(f"model {name!r}: algorithm {alg} has no linear predictor")
    return model


def cached_model(plpy, GD, schema, name):
    """The model, cached per backend and per role (GD outlives SET ROLE and SECURITY DEFINER calls,
    and each role may see only its own models)."""
    cache = GD.setdefault("indb_ml_models", {})
    plan = GD.get("indb_ml_current_user")
    if plan is None:
        plan = GD["indb_ml_current_user"] = plpy.prepare("SELECT current_user AS u")
    name = (plpy.execute(plan)[0]["u"], name)
    now = time.monotonic()
    entry = cache.get(name)
    if entry is not None and now - entry[0] < CACHE_SECONDS:
        return entry[1]
    if entry is not None:
        reg = _registry_row(plpy, schema, name[1])
        if reg["model_id"] == entry[1]["model_id"]:
            cache[name] = (now, entry[1])
            return entry[1]
    model = load_model(plpy, schema, name[1])
    cache[name] = (now, model)
    return model


def per_row(plpy, GD, schema, model_name, x, fn):
    """What the per-row SQL functions (predict, predict_proba, ...) return: NULL for a NULL or
    incomplete feature array, else ``fn`` of the (cached) model and x."""
    if x is None or any(v is None for v in x):
        return None
    return fn(cached_model(plpy, GD, schema, model_name), x)


def _margin(model, x):
    x = np.asarray(x, dtype=float)
    W = model["W"]
    if W.shape[0] != x.shape[0]:
        raise ValueError(f"model {model['name']} has {W.shape[0]} features, got {x.shape[0]}")
    return x @ W + model["intercept"]


def _label_number(label, index):
    try:
        return float(label)
    except (TypeError, ValueError):
        return float(index)


def predict(model, x):
    """The prediction to compare with the label: mean response, or the class (as a number)."""
    m = _margin(model, x)
    link = model["link"]
    if link == "identity":
        return float(m)
    if link == "log":
        return math.exp(min(float(m), 700.0))
    if link == "logit":
        if model["kind"] == "regression":
            return 1.0 / (1.0 + math.exp(-float(m)))
        return 1.0 if m >= 0 else 0.0
    if link == "svm":
        i = 1 if m > 0 else 0
        return _label_number(model["labels"][i], i)
    i = int(np.argmax(m))
    return _label_number(model["labels"][i], i)


def predict_proba(model, x):
    m = _margin(model, x)
    link = model["link"]
    if link == "logit":
        p = 1.0 / (1.0 + math.exp(-min(max(float(m), -700.0), 700.0)))
        return [1.0 - p, p]
    if link == "softmax":
        e = np.exp(m - m.max())
        return (e / e.sum()).tolist()
    return None


def predict_class(model, x):
    m = _margin(model, x)
    link = model["link"]
    if link == "logit":
        return "1" if m >= 0 else "0"
    if link == "svm":
        return str(model["labels"][1 if m > 0 else 0])
    if link == "softmax":
        return str(model["labels"][int(np.argmax(m))])
    return None


def score(model, x):
    """The linear predictor x·coef (+ intercept) of a single-output model, else None."""
    m = _margin(model, x)
    return float(m) if m.ndim == 0 else None


# ----------------------------------------------------------------------------- SQL-side metrics


def _sources(plpy, model, source_name, fname, schema=None):
    src = identifiers.resolve_table(plpy, source_name, "source table")
    cols = identifiers.table_columns(plpy, src["oid"])
    recorded = encoding.model_levels(plpy, schema, model["model_id"], cols) if schema else None
    try:
        x_sql, _, _ = prepare._feature_sql(plpy, model["independent"], cols, source_name, recorded)
    except identifiers.NameError_ as exc:
        plpy.error(f"{fname}: {exc}")
    return src, cols, x_sql


def _label_sql(plpy, model, cols, source_name, fname):
    item = identifiers.parse_element_list(str(model["dependent"]))[0]
    name = identifiers.resolve_column(plpy, cols, item, source_name, "the model's dependent_varname")
    col = plpy.quote_ident(name)
    link = model["link"]
    if link in ("svm", "softmax"):
        lit = "ARRAY[" + ", ".join(plpy.quote_literal(str(v)) for v in model["labels"]) + "]::text[]"
        return f"(array_position({lit}, {col}::text) - 1)::float8"
    if cols[name]["typname"] == "bool":
        return f"{col}::int::float8"
    if cols[name]["typname"] not in identifiers.NUMERIC_TYPES:
        plpy.error(f"{fname}: label column {name} is {cols[name]['type']}, not numeric")
    return f"{col}::float8"


def evaluate(plpy, schema, model_name, source_name):
    fname = "evaluate"
    model = load_model(plpy, schema, model_name)
    src, cols, x_sql = _sources(plpy, model, source_name, fname, schema)
    y_sql = _label_sql(plpy, model, cols, source_name, fname)
    name_lit = plpy.quote_literal(model["name"])
    # as training does: rows with NULL, NaN or infinite features or label are skipped and counted
    ok = (f"xa IS NOT NULL AND cardinality(xa) > 0 AND array_position(xa, NULL) IS NULL AND NOT (xa && {_INVALID}) "
          f"AND y IS NOT NULL AND NOT (ARRAY[y] && {_INVALID})")
    valid = f"(SELECT xa, y FROM (SELECT {x_sql} AS xa, {y_sql} AS y FROM {src['sql']}) AS r WHERE {ok}) AS ok_rows"
    total = plpy.execute(f"SELECT count(*) AS n FROM {src['sql']}")[0]["n"]
    link, kind = model["link"], model["kind"]
    if kind == "regression":
        r = plpy.execute(f"""
            WITH s AS (SELECT y, {schema}.predict({name_lit}, xa) AS p FROM {valid})
            SELECT count(*) AS n, sqrt(avg((p - y) ^ 2)) AS rmse, avg(abs(p - y)) AS mae,
                   1 - sum((p - y) ^ 2) / nullif(var_pop(y) * count(*), 0) AS r2
            FROM s WHERE y IS NOT NULL AND p IS NOT NULL""")[0]
        if not r["n"]:
            plpy.error(f"{fname}: no labelled rows with complete features in {source_name}")
        return {"kind": "regression", "rows": r["n"], "rows_skipped": total - r["n"], "rmse": r["rmse"],
                "mae": r["mae"], "r2": r["r2"]}
    if link == "softmax":
        s = (f"SELECT y, pr, (SELECT i - 1 FROM unnest(pr) WITH ORDINALITY AS t(v, i) ORDER BY v DESC, i LIMIT 1) "
             f"AS pred FROM (SELECT y, {schema}.predict_proba({name_lit}, xa) AS pr "
             f"FROM {valid}) a WHERE y IS NOT NULL AND pr IS NOT NULL")
        rows = plpy.execute(f"""
            WITH s AS ({s})
            SELECT c.k, (SELECT count(*) FROM s WHERE s.y = c.k AND s.pred = c.k) AS tp,
                   (SELECT count(*) FROM s WHERE s.y <> c.k AND s.pred = c.k) AS fp,
                   (SELECT count(*) FROM s WHERE s.y = c.k AND s.pred <> c.k) AS fn,
                   (SELECT count(*) FROM s) AS n,
                   (SELECT -avg(ln(greatest(pr[y::int + 1], 1e-15))) FROM s) AS log_loss
            FROM generate_series(0, {len(model['labels']) - 1}) AS c(k)""")
        n = rows[0]["n"] if rows else 0
        if not n:
            plpy.error(f"{fname}: no labelled rows with complete features in {source_name}")
        prec, rec, f1 = [], [], []
        for r in rows:
            p = r["tp"] / (r["tp"] + r["fp"]) if r["tp"] + r["fp"] else 0.0
            q = r["tp"] / (r["tp"] + r["fn"]) if r["tp"] + r["fn"] else 0.0
            prec.append(p)
            rec.append(q)
            f1.append(2 * p * q / (p + q) if p + q else 0.0)
        return {"kind": "classification", "classes": len(rows), "rows": n, "rows_skipped": total - n,
                "accuracy": sum(r["tp"] for r in rows) / n, "precision": float(np.mean(prec)),
                "recall": float(np.mean(rec)), "f1": float(np.mean(f1)), "roc_auc": None,
                "log_loss": rows[0]["log_loss"], "average": "macro"}
    if link == "svm":
        score = f"{schema}.predict_score({name_lit}, xa)"
        thr, logloss = 0.0, "NULL::float8"
    else:
        score = f"({schema}.predict_proba({name_lit}, xa))[2]"
        thr, logloss = 0.5, "-avg(y * ln(greatest(p, 1e-15)) + (1 - y) * ln(greatest(1 - p, 1e-15)))"
    r = plpy.execute(f"""
        WITH s AS (SELECT y, p FROM (SELECT y, {score} AS p FROM {valid}) a
                   WHERE y IS NOT NULL AND p IS NOT NULL),
        m AS (SELECT count(*) AS n, avg(((p >= {thr})::int = y)::int) AS accuracy,
                     count(*) FILTER (WHERE p >= {thr} AND y = 1) AS tp,
                     count(*) FILTER (WHERE p >= {thr} AND y = 0) AS fp,
                     count(*) FILTER (WHERE p < {thr} AND y = 1) AS fn,
                     sum(y) AS pos, sum(1 - y) AS neg, {logloss} AS log_loss FROM s),
        g AS (SELECT p, sum(y) AS pos, sum(1 - y) AS neg FROM s GROUP BY p),
        h AS (SELECT pos, neg, coalesce(sum(neg) OVER (ORDER BY p ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                     AS neg_below FROM g)
        SELECT m.*, (SELECT sum(pos * (neg_below + 0.5 * neg)) FROM h) / nullif(m.pos * m.neg, 0) AS roc_auc FROM m""")[0]
    if not r["n"]:
        plpy.error(f"{fname}: no labelled rows with complete features in {source_name}")
    tp, fp, fn = r["tp"], r["fp"], r["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"kind": "classification", "rows": r["n"], "rows_skipped": total - r["n"],
            "accuracy": float(r["accuracy"]), "precision": precision, "recall": recall, "f1": f1, "roc_auc": r["roc_auc"], "log_loss": r["log_loss"]}


def predict_table(plpy, schema, model_name, source_name, id_col, out_table):
    fname = "predict_table"
    model = load_model(plpy, schema, model_name)
    out = identifiers.resolve_output_table(plpy, out_table, "out_table")
    src, cols, x_sql = _sources(plpy, model, source_name, fname, schema)
    id_name = plpy.quote_ident(identifiers.resolve_one_column(plpy, cols, id_col, source_name, "id_col",
                                                              f"{fname}: "))
    name_lit = plpy.quote_literal(model["name"])
    extra = ""
    if model["kind"] == "classification":
        extra = (f", {schema}.predict_class({name_lit}, {x_sql}) AS predicted_label, "
                 f"{schema}.predict_proba({name_lit}, {x_sql}) AS probabilities")
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT {id_name}, {schema}.predict({name_lit}, {x_sql}) AS prediction"
                 f"{extra} FROM {src['sql']}")
    n = plpy.execute(f"SELECT count(*) AS n FROM {out['sql']}")[0]["n"]
    return f"predict_table: {out['sql']} with {n} predictions of {model['name']}"
