"""The safetensors format of Hugging Face, read and written by minigrad itself.

>>> from minigrad import safetensors
>>> safetensors.save_file(model.state_dict(), "model.safetensors", metadata={"step": "100"})
>>> model.load_state_dict(safetensors.load_file("model.safetensors"))

A file written here loads with the ``safetensors`` package (and so into
PyTorch, by key, with ``safetensors.torch.load_file``), and a file written by
that package loads here. No pickle, no code: a header and raw bytes.

Layout
------
* 8 bytes: the header's length N, an unsigned little-endian 64-bit integer.
* N bytes: the header, UTF-8 JSON: one entry per tensor, ``name ->
  {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}``, offsets
  in bytes from the start of the data section, plus an optional
  ``"__metadata__"`` entry of string -> string. It is padded with spaces so
  that the data section starts at a multiple of 8 bytes.
* The data section: every tensor's elements in C order, little-endian,
  back to back with no gaps, covering the section exactly.

As the Hugging Face library does, tensors are laid out by decreasing dtype
alignment (8-byte types first), then by name, so every tensor starts at a
multiple of its element size, and the header lists them in that order.

dtypes: ``F64 F32 F16 I64 I32 I16 I8 U64 U32 U16 U8 BOOL``. ``BF16`` and the
8-bit float types have no numpy dtype: reading them raises.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Mapping
from typing import Any, TypeAlias, Union

import numpy as np

from minigrad.errors import InvalidParameterError, MinigradError
from minigrad.serialization import atomic_write
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["load", "load_file", "load_metadata", "save", "save_file"]

PathLike: TypeAlias = Union[str, "os.PathLike[str]"]

# safetensors name -> numpy dtype, in the library's order of increasing alignment (its sort key)
_DTYPES: dict[str, np.dtype[Any]] = {
    "BOOL": np.dtype(np.bool_), "U8": np.dtype(np.uint8), "I8": np.dtype(np.int8),
    "I16": np.dtype("<i2"), "U16": np.dtype("<u2"), "F16": np.dtype("<f2"),
    "I32": np.dtype("<i4"), "U32": np.dtype("<u4"), "F32": np.dtype("<f4"),
    "F64": np.dtype("<f8"), "I64": np.dtype("<i8"), "U64": np.dtype("<u8"),
}
_RANK = {name: i for i, name in enumerate(["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16",
                                           "BF16", "I32", "U32", "F32", "F64", "I64", "U64"])}
_NAME_OF = {(dt.kind, dt.itemsize): name for name, dt in _DTYPES.items()}
_MAX_HEADER = 100_000_000  # the library's limit: a larger header is treated as damage
_METADATA = "__metadata__"


class SafetensorsError(MinigradError, ValueError):
    """A file or buffer is not valid safetensors (truncated, inconsistent header, unknown dtype)."""


def _array_of(name: str, value: Any) -> Array:
    if isinstance(value, Tensor):
        arr = value.numpy(force=True)
    elif isinstance(value, np.ndarray):
        arr = value
    else:
        raise TypeError(
            f"safetensors: {name!r} is a {type(value).__name__}; expected a Tensor or numpy array")
    if (arr.dtype.kind, arr.dtype.itemsize) not in _NAME_OF:
        raise InvalidParameterError(
            f"safetensors: {name!r} has dtype {arr.dtype}, which safetensors cannot hold here; "
            f"supported: {', '.join(str(d) for d in _DTYPES.values())}"
        )
    return arr


def _encode(tensors: Mapping[str, Any], metadata: Mapping[str, str] | None) -> list[bytes]:
    """The file's pieces: length + header, then each tensor's bytes in file order."""
    if not isinstance(tensors, Mapping):
        raise TypeError(f"safetensors: expected a dict of name -> Tensor, got {type(tensors).__name__}")
    entries = []
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"safetensors: tensor names must be strings, got {name!r}")
        if name == _METADATA:
            raise InvalidParameterError(f"safetensors: {_METADATA!r} is reserved for the metadata")
        arr = _array_of(name, value)
        dtype = _NAME_OF[(arr.dtype.kind, arr.dtype.itemsize)]
        entries.append((name, dtype, arr))
    entries.sort(key=lambda e: (-_RANK[e[1]], e[0]))

    header: dict[str, Any] = {}
    if metadata is not None:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise TypeError("safetensors: metadata must map strings to strings")
        header[_METADATA] = dict(sorted(metadata.items()))
    chunks = []
    offset = 0
    for name, dtype, arr in entries:
        data = np.ascontiguousarray(arr, dtype=_DTYPES[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return [struct.pack("<Q", len(text)) + text, *chunks]


def save(tensors: Mapping[str, Any], metadata: Mapping[str, str] | None = None) -> bytes:
    """The safetensors bytes of ``tensors`` (name -> Tensor or array), with optional string ``metadata``.

    Raises:
        TypeError: a name or metadata entry that is not a string, a value that
            is neither a Tensor nor an array.
        InvalidParameterError: a dtype safetensors cannot hold here (complex,
            object, ...), or the reserved name ``__metadata__``.
    """
    return b"".join(_encode(tensors, metadata))


def save_file(tensors: Mapping[str, Any], filename: PathLike,
              metadata: Mapping[str, str] | None = None) -> None:
    """Write ``tensors`` to ``filename`` in safetensors format (atomically; usual file permissions).

    ``model.state_dict()`` saved this way loads into the same PyTorch model with
    ``model.load_state_dict(safetensors.torch.load_file(filename))``.

    Raises:
        as :func:`save`; MinigradError if the file cannot be written.
    """
    pieces = _encode(tensors, metadata)

    def write(out: Any) -> None:
        for piece in pieces:
            out.write(piece)

    atomic_write(os.fspath(filename), write, "safetensors.save_file")


def _parse(buffer: bytes | bytearray | memoryview, source: str) -> tuple[int, dict[str, Any]]:
    """(start of the data section, header dict), after checking everything the library checks."""
    if len(buffer) < 8:
        raise SafetensorsError(f"{source}: {len(buffer)} bytes, too short for a safetensors header")
    (n,) = struct.unpack("<Q", bytes(buffer[:8]))
    if n > _MAX_HEADER:
        raise SafetensorsError(f"{source}: header length {n} is over the 100 MB limit (a damaged file?)")
    if 8 + n > len(buffer):
        raise SafetensorsError(f"{source}: the header says {n} bytes but the file is shorter (truncated?)")
    try:
        header = json.loads(bytes(buffer[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{source}: the header is not valid UTF-8 JSON ({e})") from e
    if not isinstance(header, dict):
        raise SafetensorsError(f"{source}: the header is not a JSON object")
    return 8 + n, header


def _tensor_entries(header: Mapping[str, Any], data_len: int, source: str) -> list[tuple[str, Any, int, int]]:
    """(name, shape, begin, end) in file order, checked to tile the data section exactly."""
    entries = []
    for name, info in header.items():
        if name == _METADATA:
            continue
        if not (isinstance(info, dict) and isinstance(info.get("shape"), list)
                and isinstance(info.get("data_offsets"), list) and len(info["data_offsets"]) == 2
                and all(isinstance(v, int) and v >= 0 for v in [*info["shape"], *info["data_offsets"]])):
            raise SafetensorsError(f"{source}: malformed header entry for {name!r}: {info!r}")
        dtype = info.get("dtype")
        if dtype not in _DTYPES:
            hint = " (numpy has no bfloat16; convert to float32 before saving)" if dtype == "BF16" else ""
            raise SafetensorsError(f"{source}: tensor {name!r} has dtype {dtype!r}, not readable here{hint}")
        begin, end = info["data_offsets"]
        entries.append((name, info, begin, end))
    entries.sort(key=lambda e: (e[2], e[3]))
    position = 0
    for name, info, begin, end in entries:
        count = int(np.prod(info["shape"], dtype=np.int64)) if info["shape"] else 1
        if begin != position or end - begin != count * _DTYPES[info["dtype"]].itemsize:
            raise SafetensorsError(
                f"{source}: tensor {name!r} has data_offsets {[begin, end]} that do not fit its dtype "
                f"{info['dtype']} and shape {info['shape']} at byte {position} of the data"
            )
        position = end
    if position != data_len:
        raise SafetensorsError(
            f"{source}: the tensors cover {position} bytes but the data section has {data_len} (truncated?)"
        )
    return entries


def _decode(buffer: bytearray, source: str) -> dict[str, Tensor]:
    start, header = _parse(buffer, source)
    view = memoryview(buffer)[start:]
    out = {}
    for name, info, begin, end in _tensor_entries(header, len(view), source):
        dt = _DTYPES[info["dtype"]]
        arr = np.frombuffer(view[begin:end], dtype=dt).reshape(info["shape"])
        if not dt.isnative:
            arr = arr.astype(dt.newbyteorder("="))
        out[name] = from_numpy(arr)
    return out


def load(data: bytes | bytearray) -> dict[str, Tensor]:
    """The tensors of a safetensors buffer, as writable Tensors in file order.

    Raises:
        SafetensorsError: (a ``MinigradError`` and ``ValueError``) the buffer is
            truncated, its header is not valid, the offsets do not tile the
            data, or a dtype has no numpy equivalent (BF16, 8-bit floats).
    """
    return _decode(bytearray(data), "safetensors.load")


def _read(filename: PathLike) -> bytearray:
    path = os.fspath(filename)
    with open(path, "rb") as f:  # FileNotFoundError for a missing file, as the library
        return bytearray(f.read())


def load_file(filename: PathLike, device: str = "cpu") -> dict[str, Tensor]:
    """The tensors of a safetensors file (name -> Tensor, file order); ``device`` must be the CPU.

    Raises:
        FileNotFoundError: no file at ``filename``.
        SafetensorsError: as :func:`load`.
        MinigradError: ``device`` is not ``'cpu'`` (minigrad runs on the CPU).
    """
    if str(device).split(":")[0] != "cpu":
        raise MinigradError(f"safetensors.load_file: device={device!r}, but minigrad runs on the CPU only")
    return _decode(_read(filename), os.fspath(filename))


def load_metadata(filename: PathLike) -> dict[str, str]:
    """The ``__metadata__`` strings of a safetensors file ({} when it has none)."""
    _, header = _parse(_read(filename), os.fspath(filename))
    meta = header.get(_METADATA) or {}
    if not isinstance(meta, dict):
        raise SafetensorsError(f"{os.fspath(filename)}: __metadata__ is not a JSON object")
    return {str(k): str(v) for k, v in meta.items()}
