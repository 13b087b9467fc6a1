"""Configuration parameters set for a few statements, then given back (driver helper, takes ``plpy``)."""

_plans = {}   # per backend: the two statements below, planned once


def _plan(plpy, name):
    if name not in _plans:
        if name == "get":
            _plans[name] = plpy.prepare("SELECT array_agg(current_setting(n) ORDER BY i) AS v "
                                        "FROM unnest($1::text[]) WITH ORDINALITY AS t(n, i)", ["text[]"])
        else:
            _plans[name] = plpy.prepare("SELECT count(set_config(n, v, true)) AS c "
                                        "FROM unnest($1::text[], $2::text[]) AS t(n, v)", ["text[]", "text[]"])
    return _plans[name]


class settings:
    """``with settings(plpy, jit="off"): ...`` sets each parameter for the transaction
    (``set_config(..., true)``) and restores the caller's value on the way out. A value may be a
    function of the caller's value (a string), e.g. a cap that never raises it. One statement reads
    the caller's values and one sets them (a pass runs this per round: ~0.2 ms, not ~1.5)."""

    def __init__(self, plpy, **values):
        self.plpy, self.values, self.saved = plpy, values, {}

    def __enter__(self):
        names = list(self.values)
        if not names:
            return self
        current = self.plpy.execute(_plan(self.plpy, "get"), [names])[0]["v"]
        self.saved = dict(zip(names, current))
        new = [str(v(self.saved[n]) if callable(v) else v) for n, v in self.values.items()]
        self.plpy.execute(_plan(self.plpy, "set"), [names, new])
        return self

    def __exit__(self, *exc):
        if self.saved:
            self.plpy.execute(_plan(self.plpy, "set"), [list(self.saved), list(self.saved.values())])
        return False
