"""The block codec (plpython/blocks.py), without a server - and against the server's array_send."""
import struct

import numpy as np
import pytest

from plpython import blocks


def array_send_bytes(values, dims):
    """PostgreSQL's binary float8[] layout, written by hand from the documented format."""
    out = struct.pack(">iii", len(dims), 0, 701)
    for d in dims:
        out += struct.pack(">ii", d, 1)
    for v in np.asarray(values, dtype=float).ravel():
        out += struct.pack(">id", 8, v)
    return out


def test_decode_two_dimensional_array():
    X = np.arange(12, dtype=float).reshape(3, 4) / 7
    values, dims = blocks.decode_array_send(array_send_bytes(X, [3, 4]))
    assert dims == [3, 4]
    np.testing.assert_array_equal(values.reshape(3, 4), X)


def test_pack_then_matrix_round_trip():
    X = np.random.default_rng(0).normal(size=(5, 3))
    raw = blocks.pack_array_send(array_send_bytes(X, [5, 3]))
    assert len(raw) == 5 * 3 * 8
    np.testing.assert_array_equal(blocks.matrix(raw, 5), X)


def test_rejects_nulls_and_other_types():
    with pytest.raises(ValueError, match="NULL"):
        blocks.decode_array_send(struct.pack(">iii", 1, 1, 701) + struct.pack(">ii", 1, 1) + struct.pack(">i", -1))
    with pytest.raises(ValueError, match="float8"):
        blocks.decode_array_send(struct.pack(">iii", 1, 0, 23) + struct.pack(">ii", 1, 1) + struct.pack(">ii", 4, 7))


def test_state_bytes_round_trip():
    a = np.array([1.5, -2.0, 1e300])
    back = blocks.from_bytes(blocks.to_bytes(a))
    back[0] = 0  # writable copy
    np.testing.assert_array_equal(blocks.from_bytes(blocks.to_bytes(a)), a)


def test_server_array_send_matches_codec(conn):
    """The codec reads what PostgreSQL really sends, and f8_pack stores raw little-endian float64."""
    raw = conn.execute("SELECT array_send(ARRAY[[1.5, 2], [3, -4e-300]]::float8[])").fetchone()[0]
    values, dims = blocks.decode_array_send(raw)
    assert dims == [2, 2]
    np.testing.assert_array_equal(values, [1.5, 2, 3, -4e-300])
    packed = conn.execute("SELECT indb_ml.f8_pack(array_send(ARRAY[[1.5, 2], [3, -4e-300]]::float8[]))").fetchone()[0]
    np.testing.assert_array_equal(np.frombuffer(packed, "<f8"), [1.5, 2, 3, -4e-300])
    assert conn.execute("SELECT indb_ml.f8_unpack(%s)", [packed]).fetchone()[0] == [1.5, 2, 3, -4e-300]
