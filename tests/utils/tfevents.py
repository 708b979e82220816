"""A reader of TensorBoard event files written for the tests, independent of minigrad's writer.

It checks the TFRecord framing (each checksum, with a bit-by-bit CRC-32C of
its own) and decodes protocol buffers generically: a message becomes a dict
from field number to the list of its values (ints for varints, raw bytes for
the rest), and :func:`read_events` names the fields of the messages the
writer emits.
"""

from __future__ import annotations

import re
import socket
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

Fields = dict[int, list[Any]]


def crc32c_bitwise(data: bytes) -> int:
    """CRC-32C a bit at a time (no table): the reference for the writer's table-driven CRC."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def masked(crc: int) -> int:
    """TFRecord's mask: rotate right by 15 bits and add 0xA282EAD8, modulo 2**32."""
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_records(path: Path) -> list[bytes]:
    """The payloads of a TFRecord file; fails on a bad checksum or a truncated record."""
    buf, records, at = path.read_bytes(), [], 0
    while at < len(buf):
        header = buf[at:at + 8]
        (length,), (header_crc,) = struct.unpack("<Q", header), struct.unpack("<I", buf[at + 8:at + 12])
        assert header_crc == masked(crc32c_bitwise(header)), f"{path}: bad length checksum at byte {at}"
        data = buf[at + 12:at + 12 + length]
        assert len(data) == length, f"{path}: record at byte {at} is truncated"
        (data_crc,) = struct.unpack("<I", buf[at + 12 + length:at + 16 + length])
        assert data_crc == masked(crc32c_bitwise(data)), f"{path}: bad data checksum at byte {at}"
        records.append(data)
        at += 16 + length
    return records


def _varint(buf: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = buf[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def decode(buf: bytes) -> Fields:
    """A protobuf message's fields: number -> values (varints as ints, other wire types as bytes)."""
    fields: Fields = {}
    at = 0
    while at < len(buf):
        key, at = _varint(buf, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(buf, at)
        elif wire == 1:
            value, at = buf[at:at + 8], at + 8
        elif wire == 2:
            length, at = _varint(buf, at)
            value, at = buf[at:at + length], at + length
        elif wire == 5:
            value, at = buf[at:at + 4], at + 4
        else:
            raise AssertionError(f"unexpected wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def _one(fields: Fields, number: int, default: Any = None) -> Any:
    values = fields.get(number, [])
    assert len(values) <= 1, f"field {number} repeated: {values}"
    return values[0] if values else default


def _double(raw: bytes | None) -> float:
    return 0.0 if raw is None else struct.unpack("<d", raw)[0]


@dataclass
class Event:
    """One decoded ``Event``; ``values`` are the summary's (tag, kind, payload) triples."""

    wall_time: float
    step: int
    file_version: str | None = None
    session_status: int | None = None
    source_writer: str | None = None
    values: list[tuple[str, str, Any]] = field(default_factory=list)


def decode_histogram(buf: bytes) -> dict[str, Any]:
    """A ``HistogramProto`` as a dict of its fields, the buckets as float64 arrays."""
    f = decode(buf)
    out: dict[str, Any] = {name: _double(_one(f, i)) for i, name in
                           enumerate(["min", "max", "num", "sum", "sum_squares"], start=1)}
    out["bucket_limit"] = np.frombuffer(_one(f, 6, b""), "<f8")
    out["bucket"] = np.frombuffer(_one(f, 7, b""), "<f8")
    return out


def decode_tensor(buf: bytes) -> dict[str, Any]:
    """The fields of a ``TensorProto`` the writer uses: dtype, shape, and the string/float/double values."""
    f = decode(buf)
    dims = [decode(d) for d in decode(_one(f, 2, b"")).get(2, [])]
    return {"dtype": _one(f, 1, 0), "shape": [_one(d, 1, 0) for d in dims], "string_val": f.get(8, []),
            "float_val": np.frombuffer(_one(f, 5, b""), "<f4").tolist(),
            "double_val": np.frombuffer(_one(f, 6, b""), "<f8").tolist()}


def _decode_value(buf: bytes) -> tuple[str, str, Any]:
    f = decode(buf)
    tag = _one(f, 1, b"").decode()
    plugin = decode(_one(decode(_one(f, 9, b"")), 1, b""))
    meta = {"plugin_name": _one(plugin, 1, b"").decode(), "content": _one(plugin, 2)}
    if 2 in f:
        return tag, "simple_value", struct.unpack("<f", _one(f, 2))[0]
    if 5 in f:
        return tag, "histo", decode_histogram(_one(f, 5))
    if 8 in f:
        return tag, "tensor", {**decode_tensor(_one(f, 8)), **meta}
    raise AssertionError(f"summary value {tag!r} holds none of simple_value, histo, tensor: {f}")


def read_events(path: Path) -> list[Event]:
    """Every event of one event file, in order."""
    events = []
    for data in read_records(path):
        f = decode(data)
        assert set(f) <= {1, 2, 3, 5, 7, 10}, f"unexpected Event fields {sorted(f)}"
        step = _one(f, 2, 0)
        ev = Event(_double(_one(f, 1)), step - (1 << 64) if step >= 1 << 63 else step)
        if 3 in f:
            ev.file_version = _one(f, 3).decode()
        if 7 in f:
            ev.session_status = _one(decode(_one(f, 7)), 1, 0)
        if 10 in f:
            ev.source_writer = _one(decode(_one(f, 10)), 1, b"").decode()
        if 5 in f:
            ev.values = [_decode_value(v) for v in decode(_one(f, 5)).get(1, [])]
        events.append(ev)
    return events


def event_files(log_dir: Path) -> list[Path]:
    """The event files directly in ``log_dir``, in the order the writer opened them.

    The name is ``events.out.tfevents.{seconds}.{hostname}.{pid}.{n}{suffix}``; ``n`` counts up per process.
    """
    pattern = re.compile(rf"events\.out\.tfevents\.\d{{10}}\.{re.escape(socket.gethostname())}\.\d+\.(\d+)")
    found = []
    for path in log_dir.glob("events.out.tfevents.*"):
        match = pattern.match(path.name)
        assert match, f"unexpected event file name {path.name}"
        found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found)]
