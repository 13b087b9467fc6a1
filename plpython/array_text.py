"""numpy arrays -> PostgreSQL array literals, built without a Python object per element.

PL/Python turns every element of a list parameter into a Python object, then text, then the
type's input function: about 2 us per element, most of the cost of writing a 100k-vertex result.
Here a whole column becomes one ``text`` parameter built with vectorized numpy (fixed-width
fields in a byte matrix) and the server parses it with ``$1::text::float8[]`` (or ``int8[]``).

Floats are written as C99 hexadecimal literals (``0x1.8000000000000p+0001``): exact for every
float64 (zeros, subnormals, signs, +-Infinity and NaN included), with no decimal rounding.
PostgreSQL's float8 input reads them through the C library's ``strtod``; the driver checks once
per backend that it does (``graph.write_vertex_table``) and otherwise passes a list.
No database access here.
"""
import numpy as np

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
# byte -> its two hex digits, as one uint16 (memory order: high digit, low digit)
_HEX2 = np.ascontiguousarray(np.stack([np.repeat(_HEX, 16), np.tile(_HEX, 16)], axis=1)).view(np.uint16).ravel()
_FLOAT_WIDTH = 24          # sign, "0x1.", 13 hex digits, "p", exponent sign, 4 digits


def _join(cells):
    """A (n, width) uint8 matrix of fields (last column free) -> '{f1,f2,...}'."""
    if cells.shape[0] == 0:
        return "{}"
    cells[:, -1] = 44                                   # ','
    return "{" + cells.tobytes()[:-1].decode("ascii") + "}"


def floats(values, nan_null=False):
    """float64 array -> float8[] literal, exact (hexadecimal floats; 'NaN', 'Infinity' as words;
    NaN as NULL with ``nan_null``)."""
    x = np.ascontiguousarray(values, dtype=np.float64).ravel()
    bits = x.view(np.uint64)
    ex = ((bits >> np.uint64(52)) & np.uint64(0x7FF)).astype(np.int64)
    mant = bits & np.uint64((1 << 52) - 1)          # (only to tell NaN from Infinity below)
    out = np.empty((x.size, _FLOAT_WIDTH + 1), dtype=np.uint8)
    out[:, 0] = np.where(bits >> np.uint64(63), 45, 32)            # '-' or ' '
    out[:, 1], out[:, 2], out[:, 4] = 48, 120, 46                  # '0x' '.'
    out[:, 3] = np.where(ex == 0, 48, 49)                          # 0.xxx (zero, subnormal) or 1.xxx
    # the 13 mantissa digits are hex digits 3..15 of the big-endian bits
    out[:, 5:18] = np.take(_HEX2, x.astype(">f8").view(np.uint8)).view(np.uint8).reshape(-1, 16)[:, 3:]
    out[:, 18] = 112                                               # 'p'
    e = np.where(ex == 0, -1022, ex - 1023)
    out[:, 19] = np.where(e < 0, 45, 43)
    a = np.abs(e)
    out[:, 20], out[:, 21], out[:, 22], out[:, 23] = 48 + a // 1000, 48 + a // 100 % 10, 48 + a // 10 % 10, 48 + a % 10
    special = ex == 0x7FF                                          # NaN, +-Infinity
    if special.any():
        nan = special & (mant != 0)
        for mask, word in ((nan, "NULL" if nan_null else "NaN"), (special & ~nan & (x > 0), "Infinity"),
                           (special & ~nan & (x < 0), "-Infinity")):
            out[mask, :_FLOAT_WIDTH] = np.frombuffer(word.rjust(_FLOAT_WIDTH).encode(), dtype=np.uint8)
    return _join(out)


def integers(values, null=None, isnull=None):
    """Integer array -> int8[] / int4[] literal; elements equal to ``null`` (or where the boolean
    array ``isnull`` is true) become NULL."""
    v = np.asarray(values, dtype=np.int64).ravel()
    if isnull is None:
        isnull = np.zeros(v.size, dtype=bool) if null is None else v == null
    mag = np.abs(np.where(isnull, 0, v)).astype(np.uint64)
    digits = max(1, len(str(int(mag.max())))) if v.size else 1
    width = max(digits + 1, 4 if isnull.any() else 0)
    out = np.empty((v.size, width + 1), dtype=np.uint8)
    out[:, 0] = np.where(v < 0, 45, 32)                            # leading zeros are fine for int8in
    for k in range(digits):
        out[:, width - 1 - k] = 48 + (mag // np.uint64(10 ** k) % np.uint64(10)).astype(np.uint8)
    out[:, 1:width - digits] = 48
    if isnull.any():
        out[isnull, :width] = 32
        out[isnull, width - 4:width] = np.frombuffer(b"NULL", dtype=np.uint8)
    return _join(out)
