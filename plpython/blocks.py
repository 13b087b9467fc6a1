"""Block codec: rows packed as contiguous float64, read without per-row Python.

A packed block holds ``n`` rows: features as a row-major ``n x d`` float64
matrix and labels as a length-``n`` float64 vector, both stored as raw
little-endian bytes (``bytea``) so ``np.frombuffer`` reads them without a
copy. Packing goes through PostgreSQL's binary array format
(``array_send(array_agg(x))``), which numpy reads with a structured dtype.
"""
import struct

import numpy as np

_ELEMENT = np.dtype([("len", ">i4"), ("value", ">f8")])
FLOAT8_OID = 701


def decode_array_send(buf):
    """PostgreSQL's binary float8[] (any number of dimensions) -> (flat float64 array, dims).

    Layout: ndim, has-nulls flag, element oid, then (size, lower bound) per
    dimension, then per element a 4-byte length and 8 bytes of big-endian data.
    """
    buf = bytes(buf)
    ndim, has_nulls, elem_oid = struct.unpack_from(">iii", buf, 0)
    if elem_oid != FLOAT8_OID:
        raise ValueError(f"expected a float8[] array, got element type oid {elem_oid}")
    if has_nulls:
        raise ValueError("array contains NULL elements")
    dims = [struct.unpack_from(">ii", buf, 12 + 8 * i)[0] for i in range(ndim)]
    offset = 12 + 8 * ndim
    count = int(np.prod(dims)) if dims else 0
    elems = np.frombuffer(buf, dtype=_ELEMENT, count=count, offset=offset)
    if count and (elems["len"] != 8).any():
        raise ValueError("array contains NULL or non-float8 elements")
    return elems["value"].astype("<f8"), dims


def pack_array_send(buf):
    """Binary float8[] -> raw little-endian float64 bytes (what blocks store)."""
    values, _ = decode_array_send(buf)
    return values.tobytes()


def matrix(raw, n):
    """Raw bytes of an n-row block -> read-only (n, d) float64 view."""
    flat = np.frombuffer(raw, dtype="<f8")
    return flat.reshape(n, flat.size // n) if n else flat.reshape(0, 0)


def vector(raw):
    return np.frombuffer(raw, dtype="<f8")


def to_bytes(array):
    return np.ascontiguousarray(array, dtype="<f8").tobytes()


def from_bytes(raw):
    """A state read back as a writable float64 array."""
    return np.frombuffer(raw, dtype="<f8").copy()


def clean(x_raw, y_raw, n):
    """Drop the rows of a block whose features or label are NaN or +-Infinity.

    -> (x bytes, y bytes, rows kept, rows dropped), or None when every row is finite (the
    caller keeps the block it has: nothing is copied back)."""
    if x_raw is None or not n:
        return None
    # packing calls this once per block: the common all-finite block costs one check per array
    if np.isfinite(vector(x_raw)).all() and (y_raw is None or np.isfinite(vector(y_raw)).all()):
        return None
    X = matrix(x_raw, n)
    good = np.isfinite(X).all(axis=1)
    if y_raw is not None:
        good &= np.isfinite(vector(y_raw))
    kept = int(good.sum())
    if kept == n:
        return None
    if not kept:
        return None, None, 0, n
    y_out = None if y_raw is None else to_bytes(vector(y_raw)[good])
    return to_bytes(X[good]), y_out, kept, n - kept


def merge_states(a, b, combine):
    """An aggregate's combine function over raw float64 states: a missing (NULL) side gives the
    other, else ``combine(sa, sb)`` of the two arrays (``sa`` may be changed in place and returned)."""
    if a is None:
        return b
    if b is None:
        return a
    return to_bytes(combine(from_bytes(a), from_bytes(b)))


def add_counted(acc, part, what="partial states", hint="", end=None):
    """Add a state laid out [n, d, sums ...] into ``acc`` (in place): every entry but the feature
    count d, which must agree (``end``: add only up to there). Returns ``acc``."""
    if acc[1] != part[1]:
        raise ValueError(f"{what} have {int(acc[1])} and {int(part[1])} features{hint}")
    acc[0] += part[0]
    acc[2:end] += part[2:end]
    return acc


def add_shaped(acc, part, head=3):
    """Add a state laid out [n, shape (head - 1 entries), sums ...] into ``acc`` (in place): the
    count n and the sums add, the shape entries (e.g. d and K-1) must agree. Returns ``acc``."""
    if acc.size != part.size or (acc[1:head] != part[1:head]).any():
        raise ValueError(f"partial states of shapes {acc[1:head].astype(int).tolist()} and "
                         f"{part[1:head].astype(int).tolist()}")
    acc[0] += part[0]
    acc[head:] += part[head:]
    return acc
