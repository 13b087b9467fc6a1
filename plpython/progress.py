"""Progress of a long call as structured server messages (takes ``plpy``; drivers only, never kernels).

One protocol for every driver: a NOTICE whose SQLSTATE is ``SQLSTATE`` and whose DETAIL is a JSON
object ``{"task": ..., "step": i, "total": n or null, "unit": ..., "metrics": {...}}``. psql users
read the message text; clients (indb_ml.progress) read the DETAIL and never parse the text.
"""
import json
import math

SQLSTATE = "IMLPR"   # indb_ml progress; a NOTICE class of its own so clients can filter on it


def _clean(v):
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v if isinstance(v, (int, float, str, bool)) or v is None else str(v)


def report(plpy, task, step, total=None, message=None, unit="iteration", **metrics):
    """Emit one progress NOTICE: ``task`` (e.g. 'kmeans'), ``step`` done out of ``total`` (None: unknown)."""
    detail = json.dumps({"task": str(task), "step": int(step), "total": None if total is None else int(total),
                         "unit": unit, "metrics": {k: _clean(v) for k, v in metrics.items()}})
    text = message or f"{task}: {unit} {int(step)}" + ("" if total is None else f"/{int(total)}")
    plpy.notice(text, detail=detail, sqlstate=SQLSTATE)
