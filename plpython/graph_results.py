"""Writing a graph result table (driver helper, takes ``plpy``): one row per vertex, original ids.

A column of per-vertex numbers would cost about 2 us per value as a ``float8[]`` parameter (a
Python object, then text, per element). ``float8`` text is no way out: exact decimal literals need Python's
``repr`` per value, and C99 hexadecimal ones take ``strtod`` 0.5-1.2 us each. Here every column
travels as ``int8``/``int4`` text built in numpy (``array_text``, read at ~0.1 us a value):
integers as they are, floats as exact integer mantissas and the index of their power-of-two scale
(``array_text.float_parts``; ``m::float8 * scales[k]`` in SQL). The single CREATE TABLE AS asks for
the text piece by piece (``WRITE_ROWS`` rows a piece, ``_graph_result_piece`` -> ``result_piece``)
and unnests the pieces in its select list (no tuplestore): the table is written in bulk, the
backend holds one piece's text at a time, and nothing is written twice.
"""
import secrets

import numpy as np

from . import array_text

WRITE_ROWS = 1 << 16      # result rows per piece: the text of one piece stays under ~1.5 MB
_PIECES = {}              # token -> one encoder per column (k -> text of piece k), while a result is written


def result_piece(token, k, j):
    """Text of piece ``k`` of column ``j`` of the result being written under ``token`` (None if unknown):
    the SQL function ``_graph_result_piece`` that ``write_vertex_table``'s CREATE TABLE AS calls."""
    enc = _PIECES.get(token)
    return None if enc is None or not 0 <= j < len(enc) else enc[j](int(k))


def write_vertex_table(plpy, prep, out, id_name, columns, select=None, extra=(), skip_null=None):
    """CREATE TABLE out AS (original id, one column per (name, sqltype, values indexed by vid)).

    Values are numpy arrays. sqltype 'vid' means dense vertex numbers (negative: NULL) shown as
    original ids; 'int2'/'int4'/'int8' and 'float8' are written as they are. A fourth item of a
    column is the value that stands for NULL (e.g. -1 in int4, NaN in float8). ``skip_null``: the
    name of a column whose NULL rows are not written (filtered before the insert: no second pass).
    The id column is read from the prepared graph's ``ids`` array in SQL; vertex-number columns are
    translated in numpy for integer ids, joined with the vertex table otherwise.
    ``select(items, first)`` may rewrite the select list
    (``items``: the id's, then each column's item, as 'expression AS name'; a column's raw value
    is ``u.c<i>``); ``extra`` are (type, value) parameters numbered from ``first``.
    """
    q = plpy.quote_ident
    n = int(prep["n_vertices"])
    idt = prep["id_type"]
    ids = _integer_ids(plpy, prep) if any(c[1] == "vid" for c in columns) else None
    srcs, joins, items, scales = [], [], [], []     # srcs: (alias, sql array type, encoder of rows lo:hi)
    items.append(f"u.id AS {q(id_name)}")
    where = ""
    for i, (name, t, vals, *null) in enumerate(columns):
        null = null[0] if null else None
        if not isinstance(vals, np.ndarray):
            raise TypeError(f"write_vertex_table: column {name!r} must be a numpy array")
        if name == skip_null:
            where = f"WHERE u.c{i} IS NOT NULL"
        if t == "vid":
            v = vals.astype(np.int64, copy=False)
            if ids is not None:                     # the original ids themselves; negative stays NULL
                srcs.append((f"c{i}", idt, _int_encoder(ids[np.maximum(v, 0)], isnull=v < 0)))
                items.append(f"u.c{i} AS {q(name)}")
            else:
                srcs.append((f"c{i}", "int4", _int_encoder(v, isnull=v < 0)))
                joins.append(f"LEFT JOIN {prep['v_sql']} j{i} ON j{i}.vid = u.c{i}")
                items.append(f"j{i}.id AS {q(name)}")
        elif t in ("int2", "int4", "int8"):
            srcs.append((f"c{i}", t, _int_encoder(vals, null=null)))
            items.append(f"u.c{i} AS {q(name)}")
        elif t == "float8":
            mant, index, sc = _float_encoders(vals, null is not None and np.isnan(null), WRITE_ROWS)
            scales.append(sc)
            srcs += [(f"c{i}", "int8", mant), (f"k{i}", "int4", index)]
            items.append(f"u.c{i}::float8 * (${2 + len(scales)}::float8[])[u.k{i}] AS {q(name)}")
        else:
            raise TypeError(f"write_vertex_table: column {name!r}: unsupported type {t!r}")
    if skip_null is not None and not where:
        raise ValueError(f"write_vertex_table: skip_null {skip_null!r} is not a column")
    first = 3 + len(scales)
    items = select(items, first) if select else items
    W = WRITE_ROWS
    unnest = [f"unnest(c.ids[k.k * {W} + 1:k.k * {W} + {W}]) AS id"] + [
        f"unnest({prep['schema']}._graph_result_piece($2, k.k, {j})::{t}[]) AS {a}"
        for j, (a, t, _) in enumerate(srcs)]
    # ``ids || '{}'`` detoasts the id array once (a slice of the stored column would decompress it per piece)
    query = (f"SELECT {', '.join(items)} FROM (SELECT {', '.join(unnest)} "
             f"FROM (SELECT ids || '{{}}' AS ids FROM {prep['csr_sql']} LIMIT 1) c "
             f"CROSS JOIN generate_series(0, $1 - 1) AS k(k)) u {' '.join(joins)} {where}")
    token = secrets.token_hex(16)
    _PIECES[token] = [lambda k, f=f: f(k * W, min(n, (k + 1) * W)) for _, _, f in srcs]
    try:
        plpy.execute(plpy.prepare(f"CREATE TABLE {out['sql']} AS {query}",
                                  ["int4", "text"] + ["float8[]"] * len(scales) + [t for t, _ in extra]),
                     [max(1, -(-n // W)), token] + scales + [v for _, v in extra])
    finally:
        del _PIECES[token]


def _int_encoder(values, null=None, isnull=None):
    v = np.asarray(values)
    return lambda lo, hi: array_text.integers(v[lo:hi], null, None if isnull is None else isnull[lo:hi])


def _float_encoders(values, nan_null, W):
    """(mantissa encoder, scale-index encoder, scales) of a float8 column: one list of scales for all pieces,
    mantissas and keys computed a piece at a time (no per-vertex int64 copies of the whole column)."""
    x = np.ascontiguousarray(values, dtype=np.float64)
    used = np.zeros(0, dtype=bool)
    for lo in range(0, x.size, W):
        u = array_text.keys_used(array_text.float_keys(x[lo:lo + W])[1])
        used = u if not used.size else used | u
    index, scales = array_text.scale_table(used)
    last = {}                                   # (lo, hi) -> the piece's parts: the two encoders share them

    def parts(lo, hi):
        if (lo, hi) not in last:
            last.clear()
            mant, key, isnull = array_text.float_keys(x[lo:hi], nan_null)
            last[lo, hi] = (mant, index[key], isnull)
        return last[lo, hi]

    def mantissas(lo, hi):
        mant, _, isnull = parts(lo, hi)
        return array_text.integers(mant, isnull=isnull)

    return mantissas, lambda lo, hi: array_text.integers(parts(lo, hi)[1]), scales


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
