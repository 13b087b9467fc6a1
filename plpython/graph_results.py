"""Writing a graph result table (driver helper, takes ``plpy``): one row per vertex, original ids.

A column of per-vertex numbers would cost about 2 us per value as a ``float8[]`` parameter (a
Python object, then text, per element). Here float8 and integer columns become text literals built
in numpy (``array_text``), cut into pieces of ``WRITE_ROWS`` vertices that the single CREATE TABLE
AS asks for one at a time through ``_graph_result_piece`` (``result_piece``): the table is written
in bulk and the backend holds one piece's text at a time.
"""
import secrets

import numpy as np

from . import array_text

WRITE_ROWS = 1 << 15      # result rows per piece: the text of one piece stays under ~1 MB
_PIECES = {}              # token -> one encoder per column (k -> text of piece k), while a result is written


def result_piece(token, k, j):
    """Text of piece ``k`` of column ``j`` of the result being written under ``token`` (None if unknown):
    the SQL function ``_graph_result_piece`` that ``write_vertex_table``'s CREATE TABLE AS calls."""
    enc = _PIECES.get(token)
    return None if enc is None or not 0 <= j < len(enc) else enc[j](int(k))


def write_vertex_table(plpy, prep, out, id_name, columns, select=None, extra=()):
    """CREATE TABLE out AS (original id, one column per (name, sqltype, values indexed by vid)).

    sqltype 'vid' means the values are dense vertex numbers (-1 or None: NULL) shown as original ids.
    A fourth item of a column is the value that stands for NULL (e.g. -1 in int4, NaN in float8).
    The original ids come from the prepared graph's ``ids`` array (vid order): integer ids are
    translated in numpy, other ids by a join with the vertex table. float8 and integer columns
    travel as text literals (``array_text``: no Python object per element) of ``WRITE_ROWS``
    vertices each, which the one CREATE TABLE AS asks for piece by piece (``result_piece``): the
    backend never holds more than one piece's text, and the table is written in bulk.
    ``select(items, first)`` may rewrite the select list (``items``: the id's, then each column's
    item, as 'expression AS name'); ``extra`` are (type, value) parameters numbered from ``first``.
    """
    q = plpy.quote_ident
    ids = _integer_ids(plpy, prep) if any(c[1] == "vid" for c in columns) else None
    sel, joins, specs = [], [], []
    for i, (name, t, vals, *null) in enumerate(columns):
        null = null[0] if null else None
        if t == "vid":
            vals = np.array([-1 if v is None else v for v in vals], dtype=np.int64) if isinstance(vals, list) \
                else np.asarray(vals, dtype=np.int64)
            if ids is not None:            # the original ids themselves; -1 (no vertex) stays NULL
                t, null, vals = prep["id_type"], None, _Masked(ids[np.maximum(vals, 0)], vals < 0)
            else:
                joins.append(f"LEFT JOIN {prep['v_sql']} j{i} ON j{i}.vid = u.c{i}")
                sel.append(f"j{i}.id AS {q(name)}")
                specs.append(("int4", vals, -1))
                continue
        sel.append(f"u.c{i} AS {q(name)}")
        specs.append((t, vals, null))
    n = int(prep["n_vertices"])
    W = WRITE_ROWS
    by_piece = prep.get("schema") is not None and all(
        t in ("int2", "int4", "int8") or (t == "float8" and isinstance(v, np.ndarray) and _hex_floats_ok(plpy))
        for t, v, _ in specs)
    cols = ", ".join(f"c{i}" for i in range(len(columns)))
    items = [f"u.id AS {q(id_name)}"] + sel
    if by_piece:
        items = select(items, 3) if select else items
        arr = ", ".join(f"{prep['schema']}._graph_result_piece($2, k.k, {j})::{t}[]"
                        for j, (t, _, _) in enumerate(specs))
        query = (f"SELECT {', '.join(items)} FROM (SELECT ids FROM {prep['csr_sql']} LIMIT 1) c "
                 f"CROSS JOIN LATERAL generate_series(0, $1 - 1) AS k(k) "
                 f"CROSS JOIN LATERAL unnest(c.ids[k.k * {W} + 1:k.k * {W} + {W}], {arr}) AS u(id, {cols}) "
                 f"{' '.join(joins)}")
        token = secrets.token_hex(16)
        _PIECES[token] = [lambda k, t=t, v=v, null=null: _array_param(plpy, t, v[k * W:(k + 1) * W], null)[1]
                          for t, v, null in specs]
        try:
            plpy.execute(plpy.prepare(f"CREATE TABLE {out['sql']} AS {query}",
                                      ["int4", "text"] + [t for t, _ in extra]),
                         [max(1, -(-n // W)), token] + [v for _, v in extra])
        finally:
            del _PIECES[token]
        return
    params = [_array_param(plpy, t, vals, null) for t, vals, null in specs]     # one statement, list parameters
    items = select(items, len(specs) + 1) if select else items
    arr = ", ".join(f"${i + 1}::{'text::' if pt == 'text' else ''}{t}[]" for i, ((t, _, _), (pt, _)) in
                    enumerate(zip(specs, params)))
    plpy.execute(plpy.prepare(
        f"CREATE TABLE {out['sql']} AS SELECT {', '.join(items)} FROM {prep['csr_sql']} c "
        f"CROSS JOIN LATERAL unnest(c.ids, {arr}) AS u(id, {cols}) {' '.join(joins)}",
        [p[0] for p in params] + [t for t, _ in extra]), [p[1] for p in params] + [v for _, v in extra])


class _Masked:
    """Values with a NULL mask, sliceable like an array (for vid columns translated to integer ids)."""

    def __init__(self, values, isnull):
        self.values, self.isnull = values, isnull

    def __getitem__(self, s):
        return _Masked(self.values[s], self.isnull[s])


def _integer_ids(plpy, prep):
    """The original ids in vid order as int64 (read from the binary form of the ``ids`` array: no
    Python object per id), or None when the ids are not integers."""
    size = {"int2": 2, "int4": 4, "int8": 8}.get(prep["id_type"])
    if size is None:
        return None
    raw = plpy.execute(f"SELECT pg_catalog.array_send(ids) AS b FROM {prep['csr_sql']}")[0]["b"]
    if int.from_bytes(raw[:4], "big") == 0:           # no dimensions: an empty array
        return np.zeros(0, dtype=np.int64)
    rec = np.dtype([("len", ">i4"), ("v", f">i{size}")])
    return np.frombuffer(raw, dtype=rec, offset=20)["v"].astype(np.int64)


_HEX_FLOATS = []     # [bool] once per backend: does float8 input read C99 hexadecimal floats exactly?


def _hex_floats_ok(plpy):
    if not _HEX_FLOATS:
        probe = ["0x1.0000000000001p+0000", "-0x0.0000000000001p-1022", "0x1.fffffffffffffp+1023"]
        expected = [1.0 + 2.0 ** -52, -5e-324, 1.7976931348623157e308]
        try:
            with plpy.subtransaction():
                got = plpy.execute(plpy.prepare("SELECT $1::text[]::float8[] AS a", ["text[]"]), [probe])[0]["a"]
            _HEX_FLOATS.append(list(got) == expected)
        except plpy.SPIError:
            _HEX_FLOATS.append(False)
    return _HEX_FLOATS[0]


def _array_param(plpy, sqltype, values, null=None):
    """(parameter type, value) for one result column: an ``array_text`` literal when it can be built
    without per-element Python, else a list."""
    if isinstance(values, _Masked):
        return "text", array_text.integers(values.values, isnull=values.isnull)
    if sqltype in ("int2", "int4", "int8"):
        if not isinstance(values, np.ndarray):
            values = np.array([null if v is None else v for v in values], dtype=np.int64)
        return "text", array_text.integers(values, null)
    if sqltype == "float8" and isinstance(values, np.ndarray) and _hex_floats_ok(plpy):
        return "text", array_text.floats(values, nan_null=null is not None and np.isnan(null))
    values = values.tolist() if hasattr(values, "tolist") else list(values)
    if null is not None:
        values = [None if v == null or (v != v and null != null) else v for v in values]
    return f"{sqltype}[]", values
