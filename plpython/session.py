"""Configuration parameters set for a few statements, then given back (driver helper, takes ``plpy``)."""


class settings:
    """``with settings(plpy, jit="off"): ...`` sets each parameter for the transaction
    (``set_config(..., true)``) and restores the caller's value on the way out."""

    def __init__(self, plpy, **values):
        self.plpy, self.values, self.saved = plpy, values, {}

    def __enter__(self):
        for name, value in self.values.items():
            self.saved[name] = self.plpy.execute(self.plpy.prepare(
                "SELECT current_setting($1) AS v", ["text"]), [name])[0]["v"]
            self._set(name, value)
        return self

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            self._set(name, value)
        return False

    def _set(self, name, value):
        self.plpy.execute(self.plpy.prepare("SELECT set_config($1, $2, true)", ["text", "text"]), [name, str(value)])
