"""Protocol-buffer wire encoding of the few TensorBoard messages minigrad writes.

An encoded message is the concatenation of its fields, each a key (field
number << 3 | wire type) as a varint, then the value: a varint (wire type 0),
8 little-endian bytes (1, doubles), a length-prefixed byte string (2:
strings, bytes, nested messages, packed repeated numbers) or 4 bytes (5,
floats). Fields go in field-number order, and a proto3 field holding its
default (0, "", empty) is left out, except members of a ``oneof``, which are
always written: so the bytes equal those the protobuf library writes.

The messages and field numbers are TensorBoard's (``event.proto``,
``summary.proto``, ``tensor.proto``, ``histogram.proto``).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "DT_DOUBLE", "DT_FLOAT", "DT_STRING", "SESSION_START", "event", "float_tensor", "histogram_proto",
    "number_tensor",
    "plugin_metadata", "string_tensor", "summary", "summary_value",
]  # fmt: skip

#: TensorFlow's DataType enum values
DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7
#: SessionLog.SessionStatus.START
SESSION_START = 1

_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64 values take ten bytes, as two's complement
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return _varint(field << 3 | wire_type)


def _int(field: int, n: int, always: bool = False) -> bytes:
    return _key(field, _VARINT) + _varint(n) if n or always else b""


def _double(field: int, x: float, always: bool = False) -> bytes:
    if not always and x == 0.0 and math.copysign(1, x) > 0:  # -0.0 is written: protobuf compares bits
        return b""
    return _key(field, _FIXED64) + struct.pack("<d", x)


def _float(field: int, x: float) -> bytes:
    return _key(field, _FIXED32) + struct.pack("<f", x)


def _bytes(field: int, data: bytes, always: bool = False) -> bytes:
    return _key(field, _BYTES) + _varint(len(data)) + data if data or always else b""


def _packed_doubles(field: int, xs: Sequence[float]) -> bytes:
    return _bytes(field, np.asarray(xs, dtype="<f8").tobytes())


def event(wall_time: float, step: int = 0, *, file_version: str | None = None, summary: bytes | None = None,
          session_status: int | None = None, source_writer: str | None = None,
          graph_def: bytes | None = None) -> bytes:
    """An ``Event``: its time and step, then one of a file version, a ``GraphDef``, a ``Summary`` or a
    ``SessionLog``."""
    out = _double(1, wall_time) + _int(2, step)
    if file_version is not None:
        out += _bytes(3, file_version.encode(), always=True)
    if graph_def is not None:
        out += _bytes(4, graph_def, always=True)
    if summary is not None:
        out += _bytes(5, summary, always=True)
    if session_status is not None:
        out += _bytes(7, _int(1, session_status), always=True)
    if source_writer is not None:
        out += _bytes(10, _bytes(1, source_writer.encode()), always=True)
    return out


def summary(*values: bytes) -> bytes:
    """A ``Summary`` holding the given encoded ``Summary.Value`` messages."""
    return b"".join(_bytes(1, v, always=True) for v in values)


def summary_value(tag: str, *, simple_value: float | None = None, histo: bytes | None = None,
                  tensor: bytes | None = None, metadata: bytes | None = None) -> bytes:
    """A ``Summary.Value``: a tag, one value (a float32 scalar, a histogram or a tensor), its metadata."""
    out = _bytes(1, tag.encode())
    if simple_value is not None:
        out += _float(2, simple_value)
    if histo is not None:
        out += _bytes(5, histo, always=True)
    if tensor is not None:
        out += _bytes(8, tensor, always=True)
    if metadata is not None:
        out += _bytes(9, metadata, always=True)
    return out


def plugin_metadata(plugin_name: str, content: bytes = b"") -> bytes:
    """A ``SummaryMetadata`` naming the TensorBoard plugin that shows the value."""
    return _bytes(1, _bytes(1, plugin_name.encode()) + _bytes(2, content), always=True)


def string_tensor(strings: Sequence[bytes]) -> bytes:
    """A one-dimensional ``TensorProto`` of byte strings (dtype ``DT_STRING``)."""
    shape = _bytes(2, _int(1, len(strings)), always=True)  # TensorShapeProto.dim[0].size
    return _int(1, DT_STRING) + _bytes(2, shape) + b"".join(_bytes(8, s, always=True) for s in strings)


def float_tensor(x: np.ndarray[Any, Any]) -> bytes:
    """A ``TensorProto`` of float32 values (``DT_FLOAT``) with ``x``'s shape (values in ``float_val``)."""
    shape = b"".join(_bytes(2, _int(1, d), always=True) for d in x.shape)
    return _int(1, DT_FLOAT) + _bytes(2, shape) + _bytes(5, np.asarray(x, dtype="<f4").tobytes())


def number_tensor(x: float, double: bool) -> bytes:
    """A scalar ``TensorProto`` holding ``x`` as a float32 (``DT_FLOAT``) or a float64 (``DT_DOUBLE``)."""
    if double:
        return _int(1, DT_DOUBLE) + _bytes(6, struct.pack("<d", x))
    return _int(1, DT_FLOAT) + _bytes(5, struct.pack("<f", x))


def histogram_proto(lo: float, hi: float, num: float, total: float, total_squares: float,
                    bucket_limit: Sequence[float], bucket: Sequence[float]) -> bytes:
    """A ``HistogramProto`` (min, max, num, sum, sum_squares; each bucket's right edge and count)."""
    return (_double(1, lo) + _double(2, hi) + _double(3, num) + _double(4, total) + _double(5, total_squares)
            + _packed_doubles(6, bucket_limit) + _packed_doubles(7, bucket))
