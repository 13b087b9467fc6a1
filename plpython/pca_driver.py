"""Drivers of MADlib's PCA surface: pca_train / pca_sparse_train / pca_project / pca_sparse_project.

The math is plpython/pca.py (the covariance per group from the statistics stored at packing, or
one parallel-safe covariance pass when centring those sums would cost digits; an exact
eigendecomposition of the d x d matrix; MADlib's ``lanczos_iter`` is accepted and not needed).
Output as MADlib, and no other table (MADlib users' scripts drop exactly these):
``out_table`` (grouping columns, row_id = component number 1..k, principal_components, std_dev,
proportion), ``out_table_mean`` (grouping columns, column_mean, then ours: feature_scale for
use_correlation, k, num_rows_processed, features, feature_names, grouping_cols, center,
model_id), optionally ``result_summary_table`` (rows_used, exec_time in ms, iter, recon_error,
relative_recon_error, use_correlation). ``k`` is a number of components, or a
proportion of variance in (0, 1] (MADlib's float form): the fewest components reaching it.
"""
import time

import numpy as np

from . import blocks, grouping, identifiers, passes, pca, prepare, registry, suffstats, suffstats_driver


def _data_features(plpy, columns, row_id, group_names, fname):
    """MADlib's rule: the data is every column but row_id and the grouping columns
    (one array column, or numeric columns packed into an array)."""
    rest = [c for c in columns if c != row_id and c not in group_names]
    arrays = [c for c in rest if columns[c]["elem"] is not None]
    if len(arrays) == 1 and len(rest) == 1:
        return plpy.quote_ident(arrays[0])
    nums = [c for c in rest if columns[c]["elem"] is None and columns[c]["typname"] in identifiers.NUMERIC_TYPES]
    if not nums or len(nums) != len(rest):
        plpy.error(f"{fname}: the source must hold row_id, grouping columns and either one numeric array column "
                   f"or numeric columns; found {', '.join(rest)}")
    return "ARRAY[" + ", ".join(plpy.quote_ident(c) for c in nums) + "]"


def _choose_k(k, ratios, fname):
    """k components (int), or the fewest components whose variance proportions reach k (float in (0, 1])."""
    d = len(ratios)
    if isinstance(k, float):
        if not 0.0 < k <= 1.0:
            raise ValueError(f"{fname}: a proportion of variance must be in (0, 1], got {k}")
        return int(min(d, np.searchsorted(np.cumsum(ratios), k - 1e-12) + 1))
    if k < 1:
        raise ValueError(f"{fname}: k must be a positive number of components, got {k}")
    if k > d:
        raise ValueError(f"{fname}: k = {k} is larger than the number of features ({d})")
    return int(k)


def _covariances(plpy, schema, prep):
    """({group key: covariance state (pca.py)}, ms, "packing" or "pass"): from the statistics stored at
    packing when every group's serve (``pca.from_stats``), else from the covariance pass."""
    # the group totals by_group checks the sums against: read only when the statistics may be used
    got = suffstats_driver.available(plpy, prep) and \
        suffstats_driver.by_group(plpy, schema, prep, passes.group_rows(plpy, prep))
    if got:
        sums, ms = got
        out = {}
        for key, summed in sums.items():
            u = suffstats.unpack(summed)
            out[key] = pca.from_stats(u["n"], u["XtX"], u["sum_x"], u["first_x"], u["varies"])
        if out and all(st is not None for st in out.values()):
            return out, ms, "packing"
    states, ms = passes.run(plpy, prep, f"{schema}.pca_cov_agg(p.x, p.n)")
    return {key: blocks.from_bytes(passes.combine(parts, pca.merge)) for key, parts in states.items()}, ms, "pass"


def train(plpy, schema, fname, source_table, out_table, row_id, k, grouping_cols, lanczos_iter, use_correlation,
          result_summary_table, features=None, center=True):
    t0 = time.perf_counter()
    if k is None:
        plpy.error(f"{fname}: k (components or proportion of variance) is required")
    scale = bool(use_correlation)
    center = True if center is None else bool(center)
    src = identifiers.resolve_table(plpy, source_table, "source table")
    columns = identifiers.table_columns(plpy, src["oid"])
    # grouping columns and expressions (grouping.py); the columns they read are not features
    group_names = set().union(*[g["used"] for g in grouping.resolve(plpy, grouping_cols, columns, source_table)])
    rid = None
    if row_id is not None:
        rid = identifiers.resolve_one_column(plpy, columns, row_id, source_table, "row_id", f"{fname}: ")
    if features is None:
        features = _data_features(plpy, columns, rid, group_names, fname)
    out = identifiers.resolve_output_table(plpy, out_table, "out_table")
    mean_t = identifiers.sibling_table(plpy, out, "_mean", "mean table")
    res_t = identifiers.resolve_output_table(plpy, result_summary_table, "result_summary_table") \
        if result_summary_table else None
    prep = prepare.ensure(plpy, schema, source_table, None, features, grouping_cols)
    if prep["n_rows"] == 0:
        if not prep["n_skipped"]:
            plpy.error(f"{fname}: source table {source_table} is empty")
        plpy.error(f"{fname}: source table {source_table} has no usable rows ({prep['n_skipped']} skipped: NULL, "
                   f"NaN or infinite values)")
    d = prep["n_features"]
    params = {"k": k, "center": center, "use_correlation": scale, "grouping_cols": grouping_cols}
    model_id = registry.start(plpy, schema, out["sql"], "pca", prep["source"]["sql"], out["sql"], None, features,
                              grouping_cols, prep["feature_names"], params, prep["prepared_id"])
    states, pass_ms, origin = _covariances(plpy, schema, prep)
    values = passes.group_values(plpy, prep)
    rows = []
    for key in sorted(states):
        s = states[key]
        rows.append(dict(values[key], s=s, n=int(s[1])))
    gdefs = "".join(f"{plpy.quote_ident(g)} {t}, " for g, t in prep["groups"])
    plpy.execute(f"CREATE TABLE {out['sql']} ({gdefs}row_id integer NOT NULL, principal_components float8[] NOT NULL, "
                 f"std_dev float8 NOT NULL, proportion float8 NOT NULL)")
    plpy.execute(f"CREATE TABLE {mean_t['sql']} ({gdefs}column_mean float8[] NOT NULL, feature_scale float8[] NOT NULL, "
                 f"k integer NOT NULL, num_rows_processed bigint NOT NULL, features text NOT NULL, "
                 f"feature_names text[], grouping_cols text, use_correlation boolean NOT NULL, center boolean NOT NULL, "
                 f"model_id bigint NOT NULL)")
    gtypes = [t for _, t in prep["groups"]]
    ng = len(gtypes)
    ph = ", ".join(f"${i + 1}" for i in range(ng))
    ph = ph + ", " if ph else ""
    ins_pc = plpy.prepare(f"INSERT INTO {out['sql']} VALUES ({ph}${ng + 1}, ${ng + 2}, ${ng + 3}, ${ng + 4})",
                          gtypes + ["int4", "float8[]", "float8", "float8"])
    ins_mean = plpy.prepare(f"INSERT INTO {mean_t['sql']} VALUES ({ph}" +
                            ", ".join(f"${ng + i}" for i in range(1, 11)) + ")",
                            gtypes + ["float8[]", "float8[]", "int4", "int8", "text", "text[]", "text", "bool", "bool",
                                      "int8"])
    n_used, recon, total_norm, ks = 0, 0.0, 0.0, []
    for r in rows:
        gvals = [r[g] for g, _ in prep["groups"]]
        if r["n"] < 2:
            plpy.error(f"{fname}: PCA needs at least 2 usable rows per group, a group has {r['n']}")
        sol = pca.solve(r["s"], d, center, scale)
        try:
            kk = _choose_k(k, sol["explained_variance_ratio"], fname)
        except ValueError as exc:
            plpy.error(str(exc))
        ks.append(kk)
        sd = np.sqrt(sol["explained_variance"])
        for j in range(kk):
            plpy.execute(ins_pc, gvals + [j + 1, sol["components"][j].tolist(), float(sd[j]),
                                          float(sol["explained_variance_ratio"][j])])
        plpy.execute(ins_mean, gvals + [sol["mean"].tolist(), sol["scale"].tolist(), kk, int(r["n"]), features,
                                        prep["feature_names"], grouping_cols, scale, center, model_id])
        n_used += int(r["n"])
        w = sol["all_variances"] * (r["n"] - 1)
        recon += float(w[kk:].sum())
        total_norm += float(w.sum())
    exec_ms = (time.perf_counter() - t0) * 1000.0
    if res_t is not None:
        rel = float(np.sqrt(recon / total_norm)) if total_norm > 0 else 0.0
        plpy.execute(plpy.prepare(
            f"CREATE TABLE {res_t['sql']} AS SELECT $1::integer AS rows_used, $2::float8 AS \"exec_time (ms)\", "
            f"0::integer AS iter, $3::float8 AS recon_error, $4::float8 AS relative_recon_error, "
            f"$5::boolean AS use_correlation", ["int4", "float8", "float8", "float8", "bool"]),
            [n_used, exec_ms, float(np.sqrt(recon)), rel, scale])
    registry.iteration(plpy, schema, model_id, 1, rows=n_used, elapsed_ms=pass_ms,
                       info={"pass": "covariance", "from": origin})
    how = "pass" if origin == "pass" else "from the packed statistics"
    registry.progress.report(plpy, fname, 1, 1, f"{fname}: covariance {how} over {n_used} rows in {pass_ms:.0f} ms",
                             unit="pass")
    tables = [out["sql"], mean_t["sql"]] + ([res_t["sql"]] if res_t else [])
    registry.finish(plpy, schema, model_id, {"k": ks, "groups": len(ks), "num_rows_processed": n_used,
                                             "num_missing_rows_skipped": prep["n_skipped"], "pass_ms": pass_ms},
                    tables, exec_ms)
    return (f"{fname}: {out['sql']}: {', '.join(map(str, ks))} of {d} components, {len(ks)} group(s), "
            f"{n_used} rows, {exec_ms:.0f} ms")


def sparse_train(plpy, schema, source_table, out_table, row_id, col_id, val_id, row_dim, col_dim, components,
                 grouping_cols, lanczos_iter, use_correlation, result_summary_table):
    """pca_sparse_train (k components, or a proportion of variance): densify into a temporary table,
    train on it, drop it whatever happens."""
    fname = "pca_sparse_train"
    dense = densify(plpy, fname, source_table, row_id, col_id, val_id, row_dim, col_dim, grouping_cols)
    try:
        return train(plpy, schema, fname, dense, out_table, "row_id", components, grouping_cols, lanczos_iter,
                     use_correlation, result_summary_table, "row_vec")
    finally:
        plpy.execute(f"DROP TABLE IF EXISTS pg_temp.{dense}")


def densify(plpy, fname, source_table, row_id, col_id, val_id, row_dim, col_dim, grouping_cols=None):
    """A sparse (row, col, value) table -> a temporary dense table (row_id, [groups,] row_vec); its name.

    Indices are 1-based as MADlib's; without grouping, rows absent from the sparse table are zero rows."""
    src = identifiers.resolve_table(plpy, source_table, "source table")
    cols = identifiers.table_columns(plpy, src["oid"])
    r, c, v = (plpy.quote_ident(identifiers.resolve_one_column(plpy, cols, a, source_table, w, f"{fname}: "))
               for a, w in ((row_id, "row_id"), (col_id, "col_id"), (val_id, "val_id")))
    if row_dim is None or col_dim is None or row_dim < 1 or col_dim < 1:
        plpy.error(f"{fname}: row_dim and col_dim must be positive")
    try:
        groups = [plpy.quote_ident(identifiers.resolve_column(plpy, cols, g, source_table, "grouping_cols"))
                  for g in identifiers.parse_name_list(grouping_cols, "grouping_cols")]
    except identifiers.NameError_ as exc:
        plpy.error(f"{fname}: {exc}")
    name = f"pca_dense_{int(time.time() * 1e6) % 10**12}"
    g_sel = "".join(f"k.{g}, " for g in groups)
    if groups:
        keys = f"(SELECT DISTINCT {r} AS rid, {', '.join(groups)} FROM {src['sql']}) AS k"
        match = " AND ".join(f"s.{g} IS NOT DISTINCT FROM k.{g}" for g in groups)
    else:
        keys = f"(SELECT rid FROM generate_series(1, {int(row_dim)}) AS rid) AS k"
        match = "true"
    plpy.execute(f"""
        CREATE TEMP TABLE {name} AS
        SELECT k.rid AS row_id, {g_sel}
               ARRAY(SELECT coalesce(sum(s.{v}), 0)::float8 FROM generate_series(1, {int(col_dim)}) AS cc
                     LEFT JOIN {src['sql']} AS s ON s.{r} = k.rid AND s.{c} = cc AND {match}
                     GROUP BY cc ORDER BY cc) AS row_vec
        FROM {keys}""")
    return name


def _model_tables(plpy, pc_table):
    pc = identifiers.resolve_table(plpy, pc_table, "pc_table")
    mean_t = identifiers.resolve_table(plpy, plpy.quote_ident(pc["schema"]) + "." +
                                       plpy.quote_ident(pc["name"] + "_mean"), "the pc_table's mean table")
    return pc, mean_t


_PC_COLUMNS = ("row_id", "principal_components", "std_dev", "proportion")


def model_grouping(plpy, pc_table):
    """The grouping columns of a pc_table (ours or one MADlib wrote): every column but MADlib's four."""
    pc, _ = _model_tables(plpy, pc_table)
    cols = identifiers.table_columns(plpy, pc["oid"])
    missing = [c for c in _PC_COLUMNS[:2] if c not in cols]
    if missing:
        plpy.error(f"pc_table {pc_table} lacks column(s) {', '.join(missing)}: not a PCA model table")
    return [c for c in cols if c not in _PC_COLUMNS]


def _projection_groups(plpy, fname, mean_t, group_names, columns, source_table):
    """The model's grouping over the rows to project -> [dict(name, sql over the source, type, used)], in
    the model's column order. A model this package trained records its grouping_cols, so a grouping
    expression is computed from the source as at training (plpython/grouping.py); a model MADlib wrote
    is grouped by columns of the same names."""
    text = None
    if group_names and "grouping_cols" in identifiers.table_columns(plpy, mean_t["oid"]):
        rows = plpy.execute(f"SELECT grouping_cols FROM {mean_t['sql']} LIMIT 1")
        text = rows[0]["grouping_cols"] if rows else None
    resolved = {g["name"]: g for g in grouping.resolve(plpy, text, columns, source_table)} if text else {}
    out = []
    for name in group_names:
        g = resolved.get(name)
        if g is None:
            if name not in columns:
                plpy.error(f"{fname}: the model is grouped by {name}, which {source_table} lacks")
            g = {"name": name, "sql": None, "type": columns[name]["type"], "used": {name}}
        out.append(dict(g, sql=g["sql"] or plpy.quote_ident(name)))
    return out


def project(plpy, schema, fname, source_table, pc_table, out_table, row_id, residual_table, result_summary_table):
    """MADlib's table form: out_table (row_id, row_vec = scores), residual_table (row_id, row_vec = residual
    in the centred (and scaled) space), result_summary_table (exec_time, residual_norm, relative_residual_norm)."""
    t0 = time.perf_counter()
    pc, mean_t = _model_tables(plpy, pc_table)
    group_names = model_grouping(plpy, pc_table)
    src = identifiers.resolve_table(plpy, source_table, "source table")
    columns = identifiers.table_columns(plpy, src["oid"])
    groups = _projection_groups(plpy, fname, mean_t, group_names, columns, source_table)
    scale_sql = "m.feature_scale" if "feature_scale" in identifiers.table_columns(plpy, mean_t["oid"]) \
        else "array_fill(1::float8, ARRAY[cardinality(m.column_mean)])"
    rid = identifiers.resolve_one_column(plpy, columns, row_id, source_table, "row_id", f"{fname}: ")
    used = set().union(*[g["used"] for g in groups])
    x_sql, _, _ = prepare._feature_sql(plpy, _data_features(plpy, columns, rid, used, fname), columns,
                                       source_table)
    out = identifiers.resolve_output_table(plpy, out_table, "out_table")
    res = identifiers.resolve_output_table(plpy, residual_table, "residual_table") if residual_table else None
    rs = identifiers.resolve_output_table(plpy, result_summary_table, "result_summary_table") \
        if result_summary_table else None
    gq = [plpy.quote_ident(g) for g in group_names]
    plpy.execute(f"CREATE TABLE {out['sql']} AS SELECT {plpy.quote_ident(rid)} AS row_id, NULL::float8[] AS row_vec "
                 f"FROM {src['sql']} LIMIT 0")
    if res:
        plpy.execute(f"CREATE TABLE {res['sql']} (LIKE {out['sql']})")
    models = plpy.execute(
        f"SELECT {''.join('m.' + g + ', ' for g in gq)}m.column_mean, {scale_sql} AS feature_scale, "
        f"(SELECT array_agg(p.principal_components ORDER BY p.row_id) FROM {pc['sql']} AS p "
        f"WHERE {' AND '.join(f'p.{g} IS NOT DISTINCT FROM m.{g}' for g in gq) or 'true'}) AS comps "
        f"FROM {mean_t['sql']} AS m")
    res_norm = total = 0.0
    for m in models:
        gvals = [m[g] for g in group_names]
        where = " AND ".join(f"{g['sql']} IS NOT DISTINCT FROM ${i + 1}" for i, g in enumerate(groups)) or "true"
        types = [g["type"] for g in groups]
        n = len(gvals)
        args = gvals + [m["comps"], m["column_mean"], m["feature_scale"]]
        atypes = types + ["float8[]", "float8[]", "float8[]"]
        sel = (f"SELECT {plpy.quote_ident(rid)} AS row_id, {schema}.pca_scores({x_sql}, ${n + 1}, ${n + 2}, "
               f"${n + 3}, false) AS row_vec FROM {src['sql']} WHERE {where}")
        plpy.execute(plpy.prepare(f"INSERT INTO {out['sql']} {sel}", atypes), args)
        if res or rs:
            r = plpy.execute(plpy.prepare(
                f"SELECT coalesce(sum(s.v), 0) AS rn, coalesce(sum(s.t), 0) AS tn FROM (SELECT "
                f"(SELECT sum(e * e) FROM unnest({schema}.pca_scores({x_sql}, ${n + 1}, ${n + 2}, ${n + 3}, true)) AS e) "
                f"AS v, (SELECT sum(((a - b) / c) ^ 2) FROM unnest({x_sql}, ${n + 2}, ${n + 3}) AS t(a, b, c)) AS t "
                f"FROM {src['sql']} WHERE {where}) AS s", atypes), args)[0]
            res_norm += float(r["rn"])
            total += float(r["tn"])
            if res:
                sel = sel.replace(", false) AS row_vec", ", true) AS row_vec")
                plpy.execute(plpy.prepare(f"INSERT INTO {res['sql']} {sel}", atypes), args)
    if rs:
        plpy.execute(plpy.prepare(
            f"CREATE TABLE {rs['sql']} AS SELECT $1::float8 AS \"exec_time (ms)\", $2::float8 AS residual_norm, "
            f"$3::float8 AS relative_residual_norm", ["float8", "float8", "float8"]),
            [(time.perf_counter() - t0) * 1000.0, float(np.sqrt(res_norm)),
             float(np.sqrt(res_norm / total)) if total > 0 else 0.0])
    return f"{fname}: {out['sql']}" + (f", residuals in {res['sql']}" if res else "")
