"""Shared loaders for the graph tests: SNAP graphs into tables (once per database) and as networkx graphs."""
from __future__ import annotations

import gzip
from pathlib import Path

import networkx as nx
import numpy as np

from conftest import DATA

WIKI_VOTE = DATA / "snap_wiki_vote" / "wiki-Vote.txt.gz"
FACEBOOK = DATA / "snap_ego_facebook" / "facebook_combined.txt.gz"


def edges_of(path) -> np.ndarray:
    rows = [line.split() for line in gzip.open(path, "rt") if line.strip() and not line.startswith("#")]
    return np.array(rows, dtype=np.int64)


def load_edges(conn, table: str, path) -> np.ndarray:
    """Edge list into ``table (src int, dst int)`` unless it exists; returns the edges."""
    edges = edges_of(path)
    if not conn.execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()[0]:
        conn.execute(f"CREATE TABLE {table} (src int, dst int)")
        with conn.cursor().copy(f"COPY {table} (src, dst) FROM STDIN") as cp:
            for s, d in edges:
                cp.write_row((int(s), int(d)))
        conn.execute(f"ANALYZE {table}")
    return edges


def wiki_vote(conn):
    edges = load_edges(conn, "wiki_vote", WIKI_VOTE)
    g = nx.DiGraph()
    g.add_edges_from(map(tuple, edges.tolist()))
    return "wiki_vote", g


def facebook(conn):
    edges = load_edges(conn, "facebook", FACEBOOK)
    g = nx.Graph()
    g.add_edges_from(map(tuple, edges.tolist()))
    return "facebook", g


def column(conn, table, key, value):
    return dict(conn.execute(f"SELECT {key}, {value} FROM {table}").fetchall())
