"""minigrad.safetensors on its own: layout, round trips, damaged input (the library itself: tests/parity)."""

from __future__ import annotations

import json
import os
import stat
import struct
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import safetensors as st

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_]


def sample() -> dict[str, object]:
    rng = np.random.default_rng(0)
    out: dict[str, object] = {}
    for i, dt in enumerate(DTYPES):
        arr = (rng.standard_normal((2, 3)) * 50).astype(dt)
        out[f"t{i}.{np.dtype(dt).name}"] = mg.from_numpy(arr) if i % 2 else arr
    out["scalar"] = np.array(2.5)
    out["empty"] = np.zeros((0, 4), np.float32)
    out["strided"] = np.arange(12.0).reshape(3, 4).T  # not C-contiguous
    return out


def header_of(data: bytes) -> tuple[int, dict[str, object]]:
    (n,) = struct.unpack("<Q", data[:8])
    return n, json.loads(data[8:8 + n])


def test_documented_example_bytes() -> None:
    # The format's own example: one float32 tensor of shape (1, 2, 3) holding 0..5.
    data = st.save({"attn.0": np.arange(6, dtype=np.float32).reshape(1, 2, 3)})
    header = b'{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'
    assert len(header) == 64
    assert data == struct.pack("<Q", 64) + header + np.arange(6, dtype="<f4").tobytes()
    # A one-character-shorter name is padded with spaces to keep the data 8-byte aligned.
    short = st.save({"attn0": np.arange(6, dtype=np.float32).reshape(1, 2, 3)})
    n, _ = header_of(short)
    assert n == 64 and short[8:8 + 64] == header.replace(b"attn.0", b"attn0") + b" "


def test_round_trip_every_dtype_shape_and_metadata() -> None:
    tensors = sample()
    data = st.save(tensors, metadata={"step": "100", "format": "pt"})
    back = st.load(data)
    assert set(back) == set(tensors)
    for name, value in tensors.items():
        arr = value.numpy() if isinstance(value, mg.Tensor) else value
        got = back[name]
        assert type(got) is mg.Tensor and got.dtype == arr.dtype and got.shape == arr.shape, name
        np.testing.assert_array_equal(got.numpy(), arr)
        got.numpy()[...] = 0  # loaded tensors are writable
    n, header = header_of(data)
    assert header["__metadata__"] == {"format": "pt", "step": "100"}
    assert (8 + n) % 8 == 0


def test_layout_by_decreasing_alignment_then_name_without_gaps() -> None:
    data = st.save({"b": np.ones(3, np.int8), "a": np.ones(3, np.int8), "c": np.ones(1, np.float64),
                    "d": np.ones(5, np.float16), "e": np.ones(2, np.int64), "f": np.ones(3, np.bool_)})
    n, header = header_of(data)
    names = [k for k in header if k != "__metadata__"]
    assert names == ["e", "c", "d", "a", "b", "f"]  # I64, F64, F16, I8 (by name), BOOL
    position = 0
    for name in names:
        begin, end = header[name]["data_offsets"]  # type: ignore[index]
        itemsize = np.dtype(st._DTYPES[header[name]["dtype"]]).itemsize  # type: ignore[index]
        assert begin == position and (8 + n + begin) % itemsize == 0
        position = end
    assert 8 + n + position == len(data)


def test_files_and_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        st.save_file(sample(), tmp_path / "m.safetensors", metadata={"a": "b"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m.safetensors").st_mode) == 0o644
    assert (tmp_path / "m.safetensors").read_bytes() == st.save(sample(), metadata={"a": "b"})
    assert st.load_metadata(tmp_path / "m.safetensors") == {"a": "b"}
    assert set(st.load_file(str(tmp_path / "m.safetensors"))) == set(sample())
    with pytest.raises(FileNotFoundError):
        st.load_file(tmp_path / "missing.safetensors")
    with pytest.raises(mg.MinigradError, match="CPU only"):
        st.load_file(tmp_path / "m.safetensors", device="cuda")


def test_state_dict_round_trip_into_a_fresh_model(tmp_path: Path) -> None:
    mg.manual_seed(0)
    model = mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.BatchNorm1d(4), mg.nn.Linear(4, 2))
    model(mg.randn(5, 3))
    st.save_file(model.state_dict(), tmp_path / "m.safetensors")
    fresh = mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.BatchNorm1d(4), mg.nn.Linear(4, 2))
    fresh.load_state_dict(st.load_file(tmp_path / "m.safetensors"))
    for (k, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=k)


@pytest.mark.parametrize(("bad", "error", "match"), [
    ({"a": np.ones(2, np.complex64)}, mg.InvalidParameterError, "complex64"),
    ({"a": [1.0]}, TypeError, "expected a Tensor or numpy array"),
    ({1: np.ones(1)}, TypeError, "names must be strings"),
    ({"__metadata__": np.ones(1)}, mg.InvalidParameterError, "reserved"),
])
def test_unsavable_input(bad: dict[object, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        st.save(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="metadata"):
        st.save({"a": np.ones(1)}, metadata={"n": 1})  # type: ignore[dict-item]


def _with_header(header: dict[str, object], data: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


@pytest.mark.parametrize(("blob", "match"), [
    (b"\x01\x00", "too short"),
    (struct.pack("<Q", 10**9) + b"{}", "100 MB"),
    (struct.pack("<Q", 50) + b"{}", "shorter"),
    (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
    (struct.pack("<Q", 2) + b"\xff\xfe", "UTF-8"),
    (_with_header({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 4), "cover 8"),
    (_with_header({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 4), "do not fit"),
    (_with_header({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                   "b": {"dtype": "F32", "shape": [1], "data_offsets": [2, 6]}}, b"\0" * 6), "do not fit"),
    (_with_header({"a": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}, b"\0" * 2), "bfloat16"),
    (_with_header({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4), "malformed"),
])
def test_damaged_buffers_raise(blob: bytes, match: str) -> None:
    with pytest.raises(st.SafetensorsError, match=match) as info:
        st.load(blob)
    assert isinstance(info.value, ValueError) and isinstance(info.value, mg.MinigradError)


def test_every_truncation_is_detected() -> None:
    data = st.save(sample())
    for cut in range(0, len(data), 7):
        with pytest.raises(st.SafetensorsError):
            st.load(data[:cut])
