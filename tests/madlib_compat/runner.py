"""Replays one MADlib install-check file against indb_ml and judges each case.

A *case* is one MADlib call (a ``case`` step) together with the asserts that
follow it, or a standalone assert whose FROM clause makes the call itself
(``SELECT (linregr(y, x)).* FROM t``), or a PL/pgSQL test function and its
call. The calls run exactly as MADlib wrote them, with ``indb_ml`` on the
search_path where MADlib has ``madlib``. An assert passes when every row it
selects satisfies each of its conditions; a condition is evaluated in SQL
with our own ``relative_error`` / ``assert`` helpers (schema
``madlib_compat``), and a failing one is reported with its computed value.
"""
from __future__ import annotations

import importlib.util
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import psycopg
from psycopg import sql

MODULES = {
    "regress_linear": ["linear"],
    "regress_logistic": ["logistic"],
    "regress_robust": ["robust"],
    "regress_clustered": ["clustered"],
    "regress_marginal": ["marginal"],
    "regress_multilogistic": ["multilogistic"],
    "glm": ["glm_binomial", "glm_gamma", "glm_gaussian", "glm_inverse_gaussian", "glm_poisson",
            "glm_multinom", "glm_ordinal"],
    "elastic_net": ["elastic_net"],
    "svm": ["svm"],
    "kmeans": ["kmeans"],
    "pca": ["pca", "pca_project"],
    "lmf": ["lmf"],
    "graph_pagerank": ["pagerank"],
    "graph_wcc": ["wcc"],
    "graph_sssp": ["sssp"],
    "graph_bfs": ["bfs"],
    "graph_apsp": ["apsp"],
    "graph_measures": ["measures"],
    "graph_hits": ["hits"],
}

HELPERS = """
CREATE SCHEMA IF NOT EXISTS madlib_compat;
CREATE OR REPLACE FUNCTION madlib_compat.assert(condition boolean, msg text) RETURNS boolean
LANGUAGE plpgsql AS $f$
BEGIN
    IF condition IS NOT TRUE THEN
        RAISE EXCEPTION 'assertion failed: %', msg;
    END IF;
    RETURN true;
END
$f$;
-- 1 when the statement raises an error, else 0 (MADlib's test helper of the same name)
CREATE OR REPLACE FUNCTION madlib_compat.trap_error(stmt text) RETURNS integer
LANGUAGE plpgsql AS $f$
BEGIN
    BEGIN
        EXECUTE stmt;
    EXCEPTION WHEN OTHERS THEN
        RETURN 1;
    END;
    RETURN 0;
END
$f$;
-- |approx - value| / |value|, and ||approx - value||₂ / ||value||₂ for arrays
CREATE OR REPLACE FUNCTION madlib_compat.relative_error(approx float8, value float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $f$ SELECT abs((approx - value) / value) $f$;
CREATE OR REPLACE FUNCTION madlib_compat.relative_error(approx float8[], value float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE AS $f$
    SELECT CASE WHEN cardinality(approx) <> cardinality(value) THEN 'Infinity'::float8 ELSE
        sqrt((SELECT sum((a - v) ^ 2) FROM unnest(approx, value) AS t(a, v)))
        / sqrt((SELECT sum(v ^ 2) FROM unnest(value) AS v)) END
$f$;
"""


@dataclass
class Case:
    file: str
    label: str
    steps: list = field(default_factory=list)
    index: int = 0   # ("case", sql) / ("check", from, conds) / ("function", sql)

    @property
    def title(self):
        return self.label


def group_cases(steps, file):
    """Steps -> (setup-and-case sequence, cases): the same grouping with and without a database."""
    cases, seq, current, fresh_data = [], [], None, False
    for step in steps:
        kind = step[0]
        if kind in ("setup", "copy"):
            seq.append(("setup", step))
            if not re.match(r"(?is)^\s*drop\s", step[1]):
                fresh_data = True
            continue
        if kind == "function":
            seq.append(("setup", step))
            continue
        if kind == "case":
            current = Case(file, step[1], [step], len(cases))
            cases.append(current)
            seq.append(("case", current))
            fresh_data = False
            continue
        if kind == "check":
            if current is None or fresh_data:
                frm = re.sub(r"\s+", " ", step[1])[:80]
                current = Case(file, f"assert {frm}", [], len(cases))
                cases.append(current)
                seq.append(("case", current))
                fresh_data = False
            current.steps.append(step)
    return seq, cases


@lru_cache(maxsize=None)
def load(file):
    path = Path(__file__).resolve().parent / "cases" / f"{file}.py"
    spec = importlib.util.spec_from_file_location(f"madlib_cases_{file}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.STEPS


def all_cases():
    out = []
    for module, files in MODULES.items():
        for f in files:
            for i, c in enumerate(group_cases(load(f), f)[1]):
                out.append((module, f, i, c.label))
    return out


def _one_line(text, n=300):
    return re.sub(r"\s+", " ", str(text)).strip()[:n]


def _explain(conn, frm, cond):
    """The computed value behind a failing 'relative_error(a, b) < tol' condition, if that is its shape."""
    m = re.match(r"(?is)^\s*(relative_error\s*\(.*\))\s*<\s*([0-9.e+-]+)\s*$", cond)
    if not m:
        return ""
    try:
        vals = conn.execute(f"SELECT {m.group(1)} {frm}").fetchall()
        return f" (relative error {[v[0] for v in vals][:4]}, tolerance {m.group(2)})"
    except psycopg.Error:
        return ""


def run_file(dsn, file):
    """Replay a file in its own schema; returns {case index: (ok, message, seconds)}."""
    seq, cases = group_cases(load(file), file)
    results = {}
    schema = f"mc_{file}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(HELPERS)
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("SET search_path = {}, indb_ml, madlib_compat, public").format(sql.Identifier(schema)))
        conn.execute("SET statement_timeout = '300s'")
        conn.execute("SET client_min_messages = warning")
        setup_errors = []
        for kind, item in seq:
            if kind == "setup":
                step = item
                try:
                    if step[0] == "copy":
                        with conn.cursor().copy(step[1]) as cp:
                            cp.write(step[2])
                    else:
                        conn.execute(step[1])
                except psycopg.Error as exc:
                    setup_errors.append(f"{_one_line(step[1], 80)}: {_one_line(exc, 200)}")
                continue
            case = item
            idx = case.index
            t0 = time.perf_counter()
            problems = [f"setup failed: {e}" for e in setup_errors]
            setup_errors = []
            for step in case.steps:
                if step[0] == "case":
                    try:
                        cur = conn.execute(step[2])
                        if cur.description:
                            cur.fetchall()
                    except psycopg.Error as exc:
                        problems.append(f"call failed: {_one_line(exc)}")
                        break
                    continue
                _, frm, conds = step
                for cond in conds:
                    try:
                        rows = conn.execute(f"SELECT ({cond})::boolean {frm}").fetchall()
                    except psycopg.Error as exc:
                        problems.append(f"{_one_line(cond, 120)}: {_one_line(exc, 240)}")
                        continue
                    if not rows:
                        problems.append(f"{_one_line(cond, 120)}: no rows {_one_line(frm, 80)}")
                    elif not all(r[0] for r in rows):
                        problems.append(f"{_one_line(cond, 160)} is false{_explain(conn, frm, cond)}")
            results[idx] = (not problems, "; ".join(problems), time.perf_counter() - t0)
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    return results
