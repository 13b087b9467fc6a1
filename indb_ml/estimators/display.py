"""How a fitted estimator shows itself: Jupyter's rich display and the training history plot."""
from __future__ import annotations

import html

import numpy as np


class DisplayMixin:
    def plot_history(self, ax=None, y: str = "loss"):
        """Loss (or ``y``: grad_norm, step_size, elapsed_ms) per iteration; needs matplotlib."""
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:
            raise ImportError("plot_history needs matplotlib (pip install matplotlib)") from exc
        hist = self.training_info()
        if ax is None:
            _, ax = plt.subplots()
        groups = sorted({h["group_key"] for h in hist})
        for g in groups:
            pts = [(h["iteration"], h[y]) for h in hist if h["group_key"] == g and h[y] is not None]
            if pts:
                ax.plot(*zip(*pts), marker="o", label=g or None)
        ax.set_xlabel("iteration")
        ax.set_ylabel(y)
        ax.set_title(f"{type(self).__name__} {getattr(self, 'model_name_', '')}")
        if len(groups) > 1:
            ax.legend()
        return ax

    def _repr_html_(self) -> str:
        """Jupyter: parameters, where the model lives, fitted attributes, the last iterations."""
        e = html.escape
        rows = "".join(f"<tr><td>{e(k)}</td><td>{e(repr(v))}</td></tr>"
                       for k, v in self.get_params().items() if k != "db")
        out = [f"<div><strong>{e(type(self).__name__)}</strong>",
               f"<table><tr><th colspan=2>parameters</th></tr>{rows}</table>"]
        if hasattr(self, "model_name_"):
            fitted = [("model", self.model_name_), ("source", getattr(self, "table_", None) or "uploaded arrays"),
                      ("features", ", ".join(map(str, getattr(self, "feature_names_in_", []))) or
                       getattr(self, "n_features_in_", ""))]
            for attr in ("n_iter_", "converged_", "intercept_", "coef_", "classes_", "inertia_", "r2_"):
                if hasattr(self, attr):
                    v = getattr(self, attr)
                    fitted.append((attr, np.array2string(np.asarray(v), precision=4, threshold=12)
                                   if isinstance(v, np.ndarray) else v))
            out.append("<table><tr><th colspan=2>fitted</th></tr>" + "".join(
                f"<tr><td>{e(str(k))}</td><td>{e(str(v))}</td></tr>" for k, v in fitted) + "</table>")
            hist = getattr(self, "history_", [])[-5:]
            if hist:
                out.append("<table><tr><th>iteration</th><th>loss</th><th>ms</th></tr>" + "".join(
                    f"<tr><td>{h['iteration']}</td><td>{_fmt(h['loss'])}</td><td>{_fmt(h['elapsed_ms'], '.0f')}</td></tr>"
                    for h in hist) + "</table>")
        else:
            out.append("<em>not fitted</em>")
        return "".join(out) + "</div>"


def _fmt(v, spec=".6g") -> str:
    return "" if v is None else format(v, spec)
