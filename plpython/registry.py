"""Model registry writes: one row per model, one per iteration.

Training runs inside one SQL call, so a failure rolls the registry row back
together with the output tables: a failed training leaves nothing behind.

Rows belong to the role that trained (``owner``); row-level security shows a
role only its own rows, and a model row can be updated only while its training
runs. ``finish`` binds the model to the OID of the table training wrote
(``out_oid``), so a changed name never redirects prediction (``evaluate.load_model``).
"""
import decimal
import json
import math

from . import progress  # noqa: F401  (drivers report progress as registry.progress.report)


def _json(value):
    """JSON that PostgreSQL's jsonb accepts (no NaN/Infinity, numpy scalars as floats)."""
    def clean(v):
        if isinstance(v, dict):
            return {str(k): clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if isinstance(v, decimal.Decimal):
            return int(v) if v == v.to_integral_value() else float(v)
        if hasattr(v, "tolist"):
            return clean(v.tolist())
        if isinstance(v, float) and not math.isfinite(v):
            return None
        return v
    return json.dumps(clean(value or {}))


def start(plpy, schema, name, algorithm, source_table=None, out_table=None, dependent_varname=None,
          independent_varname=None, grouping_cols=None, feature_names=None, params=None, prepared_id=None):
    # the caller's finished models whose temporary output table is gone (dropped, or its session ended)
    plpy.execute(f"DELETE FROM {schema}.models m WHERE m.owner = current_user AND m.name LIKE 'pg\\_temp%' "
                 f"AND m.status <> 'running' AND m.out_oid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
                 f"WHERE c.oid = m.out_oid::oid)")
    # the caller's earlier model of that name (its table is gone: resolve_output_table checked)
    plpy.execute(plpy.prepare(f"DELETE FROM {schema}.models WHERE name = $1 AND owner = current_user", ["text"]),
                 [name])
    row = plpy.execute(plpy.prepare(
        f"INSERT INTO {schema}.models (name, algorithm, source_table, out_table, dependent_varname, "
        f"independent_varname, grouping_cols, feature_names, params, prepared_id) "
        f"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10) RETURNING model_id",
        ["text", "text", "text", "text", "text", "text", "text", "text[]", "text", "int8"]),
        [name, algorithm, source_table, out_table, dependent_varname, independent_varname, grouping_cols,
         feature_names, _json(params), prepared_id])
    return row[0]["model_id"]


def iteration(plpy, schema, model_id, iteration, group_key="", loss=None, grad_norm=None, step_size=None,
              rows=None, elapsed_ms=None, info=None):
    def num(v):
        return None if v is None or not math.isfinite(float(v)) else float(v)
    plpy.execute(plpy.prepare(
        f"INSERT INTO {schema}.model_iterations (model_id, group_key, iteration, loss, grad_norm, step_size, "
        f"rows, elapsed_ms, info) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)",
        ["int8", "text", "int4", "float8", "float8", "float8", "int8", "float8", "text"]),
        [model_id, group_key or "", iteration, num(loss), num(grad_norm), num(step_size),
         None if rows is None else int(rows), num(elapsed_ms), _json(info)])


def iterations(plpy, schema, model_id, rows, group_key=""):
    """Many iterations in one INSERT (``rows``: dicts with iteration, loss, rows, elapsed_ms, info):
    a call with a hundred rounds pays one statement, not a hundred."""
    if not rows:
        return
    def num(v):
        return None if v is None or not math.isfinite(float(v)) else float(v)
    plpy.execute(plpy.prepare(
        f"INSERT INTO {schema}.model_iterations (model_id, group_key, iteration, loss, rows, elapsed_ms, info) "
        f"SELECT $1, $2, u.i, u.l, u.r, u.e, u.j::jsonb FROM unnest($3::int4[], $4::float8[], $5::int8[], "
        f"$6::float8[], $7::text[]) AS u(i, l, r, e, j)",
        ["int8", "text", "int4[]", "float8[]", "int8[]", "float8[]", "text[]"]),
        [model_id, group_key or "", [int(r["iteration"]) for r in rows], [num(r.get("loss")) for r in rows],
         [None if r.get("rows") is None else int(r["rows"]) for r in rows],
         [num(r.get("elapsed_ms")) for r in rows], [_json(r.get("info")) for r in rows]])


def update_params(plpy, schema, model_id, extra):
    """Merge keys into a model's params (e.g. a standardisation transform learnt during training)."""
    plpy.execute(plpy.prepare(f"UPDATE {schema}.models SET params = params || $2::jsonb WHERE model_id = $1",
                              ["int8", "text"]), [model_id, _json(extra)])


def finish(plpy, schema, model_id, metrics=None, output_tables=(), train_ms=None):
    plpy.execute(plpy.prepare(
        f"UPDATE {schema}.models SET status = 'succeeded', metrics = $2::jsonb, output_tables = $3, "
        f"finished_at = clock_timestamp(), train_ms = $4, out_oid = pg_catalog.to_regclass(out_table) "
        f"WHERE model_id = $1",
        ["int8", "text", "text[]", "float8"]),
        [model_id, _json(metrics), list(output_tables), train_ms])
