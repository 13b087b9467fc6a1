"""The one benchmark table: every benchmark script adds rows, ``make bench`` prints them together.

A row is one figure: its median seconds, its ratio to a reference measured in the same run
(a bare scan of the same rows, or another system), the target for that ratio, and whether it
is met. Scripts call ``add(...)``; rows go to the JSON-lines file named by the environment
variable ``INDB_ML_BENCH_REPORT`` (``make bench`` sets it) and are also kept in memory, so a
script run on its own can ``print_table()`` its rows.

    from report import add, print_table        # bench/ is the script's own directory
    add("packing 1M x 20", seconds, ratio=seconds / scan, unit="scans", target="<= 8",
        ok=seconds / scan <= 8, group="data path")

    python bench/report.py [FILE]              # print the table of every row in FILE
"""
from __future__ import annotations

import json
import os
import sys

ENV = "INDB_ML_BENCH_REPORT"
_rows: list[dict] = []


def add(figure: str, seconds: float | None, ratio: float | None = None, unit: str = "",
        target: str = "", ok: bool | None = None, group: str = "", note: str = "") -> dict:
    """Record one figure. ``ratio`` with ``unit`` (e.g. 0.9, "scans"); ``ok`` None = no target."""
    row = {"group": group, "figure": figure, "seconds": seconds, "ratio": ratio, "unit": unit,
           "target": target, "ok": ok, "note": note}
    _rows.append(row)
    path = os.environ.get(ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
    return row


def load(path: str) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _fmt(v, spec):
    return "" if v is None else format(v, spec)


def table(rows: list[dict]) -> str:
    """A Markdown table (readable in a terminal and pasteable into an issue)."""
    head = ["group", "figure", "seconds", "ratio", "target", "met", "note"]
    body = []
    for r in rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f} {r['unit']}".strip()
        met = {True: "yes", False: "NO", None: ""}[r["ok"]]
        body.append([r["group"], r["figure"], _fmt(r["seconds"], ".3f"), ratio, r["target"], met, r["note"]])
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(b) for b in body]
    missed = sum(1 for r in rows if r["ok"] is False)
    out.append(f"\n{len(rows)} figures, {sum(1 for r in rows if r['ok'])} targets met, {missed} missed")
    return "\n".join(out)


def print_table(rows: list[dict] | None = None) -> None:
    print(table(_rows if rows is None else rows), flush=True)


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(ENV, "")
    rows = load(path)
    if not rows:
        sys.exit(f"report: no benchmark rows in {path!r}")
    print_table(rows)
