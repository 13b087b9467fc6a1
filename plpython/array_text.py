"""numpy arrays -> PostgreSQL array literals, built without a Python object per element.

PL/Python turns every element of a list parameter into a Python object, then text, then the
type's input function: about 2 us per element, most of the cost of writing a 100k-vertex result.
Here a whole column becomes one ``text`` parameter built with vectorized numpy (fixed-width
fields in a matrix of 4-byte words) and the server parses it with ``$1::text::int8[]``.

Floats travel as integers too (``float_parts``): each float64 is ``mantissa * scale`` with an
integer mantissa of at most 53 bits (an ``int8[]`` literal) and the index of its power-of-two
scale in a short list of the distinct scales; ``mantissa::float8 * scales[index]`` rebuilds it
bit for bit (both factors are exact and so is their product), zeros, subnormals, -0.0,
+-Infinity and NaN included. Measured at 98.6k values (loaded machine): the server reads the
mantissas in 42 ms and the indexes in 14 ms, against 48-124 ms for ``float8[]`` input of the same
values as C99 hexadecimal floats (glibc's ``strtod``).
No database access here.
"""
import numpy as np


_SPECIALS = (np.inf, -np.inf, np.nan, -0.0)      # carried whole by the scale, mantissa 1
_E_MIN, _E_MAX = -1074, 971                     # exponents of the scales (x = mantissa * 2**e)


_KEYS = _E_MAX - _E_MIN + 1 + len(_SPECIALS)


def float_keys(values, nan_null=False):
    """float64 array -> (mantissas int64, scale keys int64, isnull bool): ``value == mantissa *
    scale_of(key)``; ``scale_table`` numbers the keys in use. NaN is NULL with ``nan_null``."""
    x = np.ascontiguousarray(values, dtype=np.float64).ravel()
    plain = np.isfinite(x) & ~((x == 0) & np.signbit(x))
    _, e = np.frexp(np.where(plain, x, 1.0))
    ex = np.maximum(e.astype(np.int64) - 53, _E_MIN)     # subnormals share the least exponent
    mant = np.ldexp(np.where(plain, x, 0.0), -ex).astype(np.int64)   # an integer below 2**53: exact
    key = ex - _E_MIN                                    # 0 .. _E_MAX - _E_MIN
    isnull = np.zeros(x.size, dtype=bool)
    if not plain.all():
        top = _E_MAX - _E_MIN + 1
        for j, v in enumerate(_SPECIALS):
            hit = (np.isnan(x) if v != v else (x == v) & (np.signbit(x) == np.signbit(v))) & ~plain
            key[hit], mant[hit] = top + j, 1
        if nan_null:
            isnull = np.isnan(x)
    return mant, key, isnull


def keys_used(keys):
    """Boolean mask of the scale keys present (OR the masks of several pieces)."""
    return np.bincount(keys, minlength=_KEYS).astype(bool)


def scale_table(used):
    """(key -> 1-based index into the scales, scales as Python floats) for the keys in ``used``."""
    keys = np.flatnonzero(used)
    index = np.zeros(_KEYS, dtype=np.int64)
    index[keys] = np.arange(1, keys.size + 1)
    return index, [2.0 ** int(k + _E_MIN) if k + _E_MIN <= _E_MAX else float(_SPECIALS[k + _E_MIN - _E_MAX - 1])
                   for k in keys]


def float_parts(values, nan_null=False):
    """float64 array -> (mantissas int64, 1-based scale indexes int64, isnull bool, scales as Python
    floats): ``mantissa * scales[index - 1] == value`` bit for bit; NaN is NULL with ``nan_null``.
    Write the first two with ``integers`` (``int8[]``, ``int4[]``); pass the scales as a ``float8[]``
    parameter (a Python float travels as its shortest repr: exact). At most ~2000 distinct scales,
    typically a few dozen. (A column written in pieces: ``float_keys`` per piece, one ``scale_table``.)"""
    mant, key, isnull = float_keys(values, nan_null)
    index, scales = scale_table(keys_used(key))
    return mant, index[key], isnull, scales


_DIGITS4 = np.frombuffer(b"".join(b"%04d" % i for i in range(10000)), dtype=np.uint32)   # i -> its 4 digits
_WORD = {w: np.frombuffer(w, dtype=np.uint32)[0] for w in (b",   ", b",  -", b"    ", b"NULL", b"}   ")}


def integers(values, null=None, isnull=None):
    """Integer array -> int8[] / int4[] literal; elements equal to ``null`` (or where the boolean
    array ``isnull`` is true) become NULL.

    Built as a matrix of 4-byte words, a row per element: ',  -' (or ',   '), then the digits 4
    at a time (one division and one table lookup per group; leading zeros and blanks are fine
    for the integer input functions); the first ',' becomes '{' and a last word '}   ' closes it."""
    v = np.asarray(values, dtype=np.int64).ravel()
    n = v.size
    if n == 0:
        return "{}"
    if isnull is None:
        isnull = np.zeros(n, dtype=bool) if null is None else v == null
    mag = np.abs(np.where(isnull, 0, v)).astype(np.uint64)      # (-2**63 included: uint64)
    groups = -(-len(str(int(mag.max()))) // 4)
    words = np.empty(n * (groups + 1) + 1, dtype=np.uint32)
    rows = words[:-1].reshape(n, groups + 1)
    rows[:, 0] = np.where(v < 0, _WORD[b",  -"], _WORD[b",   "])
    for g in range(groups, 1, -1):
        mag, low = np.divmod(mag, np.uint64(10000))
        rows[:, g] = _DIGITS4[low.astype(np.intp)]
    rows[:, 1] = _DIGITS4[mag.astype(np.intp)]
    if isnull.any():
        rows[isnull, 0] = _WORD[b",   "]
        rows[isnull, 1:-1] = _WORD[b"    "]
        rows[isnull, -1] = _WORD[b"NULL"]
    words[-1] = _WORD[b"}   "]
    text = words.view(np.uint8)
    text[0] = 123                                           # '{'
    return str(memoryview(text), "ascii")
