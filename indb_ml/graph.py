"""Graph analytics from Python: every call runs in the database and returns a handle with numpy results.

    import indb_ml, indb_ml.graph as graph
    db = indb_ml.connect(dsn)
    pr = graph.pagerank(db, "edges", "src=a, dest=b", out_table="pr", schedule="dynamic")
    pr.ids, pr.values          # numpy arrays, in vertex-id order
    pr.summary, pr.history     # the summary row and the per-round history (dicts)

Nothing is pasted into SQL: arguments are bound parameters and the server
validates and quotes every table and column name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from psycopg import sql

from .client import Database


@dataclass
class GraphResult:
    """The output of one graph algorithm: its tables, numpy columns and what each round did."""

    db: Database
    out_table: str
    message: str
    value_column: str | None
    ids: np.ndarray = field(default=None)
    values: np.ndarray = field(default=None)
    columns: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    history: list = field(default_factory=list)

    def load(self) -> "GraphResult":
        rows = self.db.fetch_table(self.out_table)
        names = list(rows[0].keys()) if rows else []
        self.columns = {n: np.array([r[n] for r in rows], dtype=_dtype(rows, n)) for n in names}
        if names:
            self.ids = self.columns[names[0]]
            self.values = self.columns.get(self.value_column)
        summaries = self.db.fetch_table(self.out_table + "_summary")
        self.summary = summaries[0] if summaries else {}
        if self.value_column is None and names:      # SSSP: the column is named after the weight (MADlib)
            self.value_column = self.summary.get("weight") or "weight"
            self.values = self.columns.get(self.value_column)
        model_id = self.summary.get("model_id")
        if model_id is not None:
            cur = self.db.conn.execute(
                sql.SQL("SELECT iteration, rows, elapsed_ms, info FROM {}.model_iterations WHERE model_id = %s "
                        "ORDER BY iteration").format(sql.Identifier(self.db.schema)), [model_id])
            self.history = [{"round": it, "scheduled": rows, "elapsed_ms": ms, **(info or {})}
                            for it, rows, ms, info in cur.fetchall()]
        return self

    def as_dict(self) -> dict:
        return dict(zip(self.ids.tolist(), self.values.tolist()))

    def drop(self) -> None:
        self.db.drop_table(self.out_table)
        self.db.drop_table(self.out_table + "_summary")


def _dtype(rows, name):
    sample = next((r[name] for r in rows if r[name] is not None), None)
    if isinstance(sample, bool):
        return bool
    if isinstance(sample, int) and all(r[name] is not None for r in rows):
        return np.int64
    if isinstance(sample, float):
        return np.float64
    return object


def _run(db: Database, function: str, value_column: str, out_table: str, replace: bool,
         *args: Any, **kwargs: Any) -> GraphResult:
    if replace:
        db.drop_table(out_table)
        db.drop_table(out_table + "_summary")
    message = db.call(function, *args, **{k: v for k, v in kwargs.items() if v is not None})
    return GraphResult(db, out_table, message, value_column).load()


def pagerank(db: Database, edge_table: str, edge_args: str = "src=src, dest=dest", *, out_table: str,
             vertex_table: str | None = None, vertex_id: str = "id", damping_factor: float = 0.85,
             max_iter: int = 100, tolerance: float | None = None, schedule: str = "dynamic",
             personalization_vertices: list | None = None, directed: bool = True,
             replace: bool = False, engine: str = "auto") -> GraphResult:
    """engine='auto' (memory when the graph fits indb_ml.graph_memory_limit, else sql), 'memory' (numpy over
    the whole CSR in the backend) or 'sql' (the CSR read piece by piece through SQL each round).
    tolerance=None is MADlib's default threshold, 1 / (1000 * number of vertices)."""
    pv = None if personalization_vertices is None else [str(v) for v in personalization_vertices]
    return _run(db, "pagerank", "pagerank", out_table, replace, vertex_table, vertex_id, edge_table, edge_args,
                out_table, damping_factor=damping_factor, max_iter=max_iter, tolerance=tolerance,
                schedule=schedule, personalization_vertices=pv, directed=directed, engine=engine)


def wcc(db: Database, edge_table: str, edge_args: str = "src=src, dest=dest", *, out_table: str,
        vertex_table: str | None = None, vertex_id: str = "id", replace: bool = False,
        engine: str = "auto") -> GraphResult:
    return _run(db, "wcc", "component_id", out_table, replace, vertex_table, vertex_id, edge_table, edge_args,
                out_table, engine=engine)


def sssp(db: Database, edge_table: str, source, edge_args: str = "src=src, dest=dest", *, out_table: str,
         vertex_table: str | None = None, vertex_id: str = "id", directed: bool = True,
         replace: bool = False, engine: str = "auto") -> GraphResult:
    return _run(db, "_graph_sssp", None, out_table, replace, vertex_table, vertex_id, edge_table, edge_args,
                _ids(source), out_table, directed=directed, engine=engine)


def bfs(db: Database, edge_table: str, source, edge_args: str = "src=src, dest=dest", *, out_table: str,
        vertex_table: str | None = None, vertex_id: str = "id", max_distance: int | None = None,
        directed: bool = False, replace: bool = False) -> GraphResult:
    """MADlib's semantics: undirected unless directed=True; the source is its own parent."""
    return _run(db, "_graph_bfs", "dist", out_table, replace, vertex_table, vertex_id, edge_table, edge_args,
                _ids(source), out_table, max_distance=max_distance, directed=directed)


def khop(db: Database, edge_table: str, source, k: int = 1, edge_args: str = "src=src, dest=dest", *,
         out_table: str, vertex_table: str | None = None, vertex_id: str = "id", directed: bool = True,
         replace: bool = False) -> GraphResult:
    return _run(db, "_graph_khop", "hops", out_table, replace, vertex_table, vertex_id, edge_table, edge_args,
                _ids(source), out_table, k=k, directed=directed)


def reachable(db: Database, edge_table: str, source, target, edge_args: str = "src=src, dest=dest", *,
              vertex_table: str | None = None, vertex_id: str = "id", directed: bool = True) -> bool:
    return bool(db.call("_graph_reachable", vertex_table, vertex_id, edge_table, edge_args, _ids(source),
                        _ids(target), directed))


def label_propagation(db: Database, edge_table: str, seed_labels_table: str, edge_args: str = "src=src, dest=dest",
                      *, out_table: str, vertex_table: str | None = None, vertex_id: str = "id",
                      seed_vertex_col: str | None = None, label_col: str = "label", max_iter: int = 100,
                      tolerance: float = 1e-6, directed: bool = False, replace: bool = False,
                      engine: str = "auto") -> GraphResult:
    return _run(db, "label_propagation", label_col, out_table, replace, vertex_table, vertex_id, edge_table,
                edge_args, seed_labels_table, out_table, seed_vertex_col=seed_vertex_col, label_col=label_col,
                max_iter=max_iter, tolerance=tolerance, directed=directed, engine=engine)


def color(db: Database, edge_table: str, edge_args: str = "src=src, dest=dest", *, out_table: str,
          vertex_table: str | None = None, vertex_id: str = "id", seed: int = 0,
          replace: bool = False, engine: str = "auto") -> GraphResult:
    return _run(db, "graph_color", "color", out_table, replace, vertex_table, vertex_id, edge_table, edge_args,
                out_table, seed=seed, engine=engine)


def prepare(db: Database, edge_table: str, edge_args: str = "src=src, dest=dest", *,
            vertex_table: str | None = None, vertex_id: str | None = None, directed: bool = True) -> int:
    return db.call("graph_prepare", vertex_table, vertex_id, edge_table, edge_args, directed)


def _ids(v) -> list[str]:
    if isinstance(v, (list, tuple, np.ndarray)):
        return [str(x) for x in v]
    return [str(v)]


__all__ = ["GraphResult", "pagerank", "wcc", "sssp", "bfs", "khop", "reachable", "label_propagation", "color",
           "prepare"]
