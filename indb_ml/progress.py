"""Progress bars fed by the server's structured progress messages.

Every long call (packing, every trainer, k-means, PCA, ALS, graph rounds) sends NOTICEs with
SQLSTATE ``IMLPR`` and a JSON DETAIL ``{"task", "step", "total", "unit", "metrics"}``
(plpython/progress.py). ``Progress`` listens on a Database while a call runs and shows one tqdm
bar per task; ``events`` keeps the decoded messages (for tests and for callers without tqdm).
The text of a message is never parsed.
"""
from __future__ import annotations

import json

SQLSTATE = "IMLPR"


def decode(diag) -> dict | None:
    """The progress event of a server message, or None for any other message."""
    if getattr(diag, "sqlstate", None) != SQLSTATE:
        return None
    try:
        return json.loads(diag.message_detail or "")
    except ValueError:
        return None


class Progress:
    """``with Progress(db, enabled=True): db.call(...)`` - tqdm bars while the call runs."""

    def __init__(self, db, enabled: bool = True, callback=None):
        self.db, self.enabled, self.callback = db, enabled, callback
        self.bars: dict = {}
        self.events: list[dict] = []

    def __enter__(self):
        self.db.add_listener(self)
        return self

    def __call__(self, diag) -> None:
        event = decode(diag)
        if event is None:
            return
        self.events.append(event)
        if self.callback is not None:
            self.callback(event)
        if not self.enabled:
            return
        bar = self.bars.get(event["task"])
        if bar is None:
            from tqdm.auto import tqdm
            bar = self.bars[event["task"]] = tqdm(total=event.get("total"), desc=event["task"],
                                                  unit=event.get("unit") or "it", leave=False)
        bar.update(max(int(event["step"]) - bar.n, 0))
        metrics = {k: v for k, v in (event.get("metrics") or {}).items() if v not in (None, "")}
        if metrics:
            bar.set_postfix(metrics, refresh=False)

    def __exit__(self, *exc):
        self.db.remove_listener(self)
        for bar in self.bars.values():
            bar.close()
