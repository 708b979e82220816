"""Regressions found by running other frameworks' PyTorch-backed test suites under minigrad (the newest
tinygrad's test/backend/test_ops.py, test_nn.py, test_optim.py, test_tensor.py and unit tests; tensorly's
suite with TENSORLY_BACKEND=pytorch; array-api-compat's torch tests) and comparing with real torch: each
test runs the same calls on both libraries and compares values, dtypes or error classes."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

_COMPLEX = ["complex32", "complex64", "complex128", "chalf", "cfloat", "cdouble"]


@pytest.mark.parametrize("name", _COMPLEX)
def test_complex_dtype_names_exist_and_answer_as_torch(name: str) -> None:
    """tensorly's pytorch backend registers ``getattr(torch, "complex64")`` at import and array-api-compat's
    torch namespace lists torch.complex64 / complex128 in its tables: without the names neither imported.
    minigrad has no complex tensors, so the names are names only (as bfloat16)."""
    torch = require_torch()
    theirs, ours = getattr(torch, name), getattr(mg, name)
    for attr in ("is_complex", "is_floating_point", "is_signed", "itemsize"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert isinstance(ours, mg.dtype)
    assert repr(ours) == repr(theirs).replace("torch.", "minigrad.")
    assert pickle.loads(pickle.dumps(ours)) is ours
    x = mg.ones(2)
    assert (x.dtype == ours) is (torch.ones(2).dtype == theirs) is False
    assert (x.dtype in (ours, mg.float32)) is True
    assert {ours: 1}[getattr(mg, name)] == 1


@pytest.mark.parametrize("make", [
    lambda lib, dt: lib.zeros(2, dtype=dt),
    lambda lib, dt: lib.tensor([1.0], dtype=dt),
    lambda lib, dt: lib.ones(2).to(dt),
])
def test_complex_dtype_names_refuse_to_make_tensors(make: Any) -> None:
    with pytest.raises(TypeError, match="complex64 is not available: minigrad has no complex dtypes"):
        make(mg, mg.complex64)
    assert not np.iscomplexobj(mg.ones(2).numpy())


def test_bfloat16_keeps_its_words_and_gains_the_dtype_attributes() -> None:
    torch = require_torch()
    with pytest.raises(TypeError, match="numpy has no bfloat16"):
        mg.zeros(2, dtype=mg.bfloat16)
    for attr in ("is_complex", "is_floating_point", "is_signed", "itemsize"):
        assert getattr(mg.bfloat16, attr) == getattr(torch.bfloat16, attr), attr


def _safetensors_read(lib: Any, path: str, nbytes: int, start: int, stop: int, dtype: Any, shape: Any) -> Any:
    """The calls safetensors' ``safe_open(path, framework="pt")`` makes to read one tensor (its Rust
    binding: UntypedStorage.from_file, untyped(), a byte slice, asarray as uint8, view as the dtype)."""
    storage = lib.UntypedStorage.from_file(path, shared=False, nbytes=nbytes).untyped()
    raw = lib.asarray(storage[start:stop], dtype=lib.uint8)
    return raw.view(dtype=dtype).reshape(shape)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int16", "float16", "bool"])
def test_untyped_storage_from_file_reads_as_safetensors_does(tmp_path: Any, dtype: str) -> None:
    """tinygrad's test_disk_tensor test_real_safetensors_open: ``safetensors.torch.load_file`` and
    ``safe_open(framework="pt")`` failed (torch.UntypedStorage is not in minigrad)."""
    torch = require_torch()
    values = (np.arange(-7, 17) % 5).astype(dtype).reshape(4, 6)
    path = tmp_path / "blob.bin"
    head = b"0123456789abc"  # an odd offset: the tensor's bytes start unaligned
    path.write_bytes(head + values.tobytes() + b"tail")
    start, stop = len(head), len(head) + values.nbytes
    size = stop + 4
    want = _safetensors_read(torch, str(path), size, start, stop, getattr(torch, dtype), (4, 6))
    got = _safetensors_read(mg, str(path), size, start, stop, getattr(mg, dtype), (4, 6))
    assert str(got.dtype) == str(want.dtype).replace("torch.", "minigrad.") or got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    got[0, 0] = 1  # copy on write: the file keeps its bytes
    assert path.read_bytes()[start:stop] == values.tobytes()


def test_untyped_storage_from_file_shared_writes_reach_the_file(tmp_path: Any) -> None:
    torch = require_torch()
    for lib in (torch, mg):
        path = tmp_path / f"{lib.__name__}.bin"
        path.write_bytes(bytes(range(8)))
        s = lib.UntypedStorage.from_file(str(path), shared=True, nbytes=8)
        t = lib.asarray(s[2:6], dtype=lib.uint8)
        t[0] = 200
        del t, s
        assert path.read_bytes() == bytes([0, 1, 200, 3, 4, 5, 6, 7])


def test_untyped_storage_slices_share_memory_and_errors_match() -> None:
    torch = require_torch()

    def run(lib: Any) -> list[Any]:
        t = lib.arange(4, dtype=lib.int16)
        u = t.untyped_storage()
        part = u[2:6]
        a = lib.asarray(part, dtype=lib.uint8)
        a[0] = 9  # written through to t
        out: list[Any] = [u[1], type(u[1]), part.nbytes(), part.data_ptr() - u.data_ptr(), u.untyped() is u,
                          a.tolist(), a.view(dtype=lib.int16).tolist(), t.tolist(),
                          lib.asarray(u[0:8]).tolist(), str(lib.asarray(u[0:8]).dtype).split(".")[-1]]
        for bad in (lambda: u[::2], lambda: lib.UntypedStorage.from_file("/nonexistent/x", nbytes=4)):
            out.append(_outcome(bad))
        return out

    assert run(mg) == run(torch)


def test_untyped_storage_from_file_too_small_raises_runtime_error(tmp_path: Any) -> None:
    torch = require_torch()
    path = tmp_path / "small.bin"
    path.write_bytes(b"abc")
    for lib in (torch, mg):
        with pytest.raises(RuntimeError, match="is smaller than the required mapping size <10>"):
            lib.UntypedStorage.from_file(str(path), shared=False, nbytes=10)


def _outcome(fn: Any) -> Any:
    """What ``fn()`` gives: its value, or the builtin class of the exception it raised."""
    try:
        return fn()
    except Exception as e:  # (any error: its class is what is compared)
        return next(c for c in type(e).__mro__ if c.__module__ == "builtins")
