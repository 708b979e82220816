"""Devices, to(), the default dtype and the CPU-only modules, against PyTorch's CPU build."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _dtype_name(dt: Any) -> str:
    return str(dt).replace("torch.", "")


@pytest.mark.parametrize("args", [("cpu",), ("cpu", 0), ("cpu:0",), ("cuda",), ("cuda:1",), ("mps",)])
def test_device_repr_str_and_fields(args: tuple[Any, ...]) -> None:
    m, t = mg.device(*args), torch.device(*args)
    assert (repr(m), str(m), m.type, m.index) == (repr(t), str(t), t.type, t.index)


def test_device_equality_as_pytorch() -> None:
    pairs = [(("cpu",), ("cpu",)), (("cpu",), ("cpu", 0)), (("cpu:0",), ("cpu", 0)), (("cuda",), ("cpu",))]
    for a, b in pairs:
        assert (mg.device(*a) == mg.device(*b)) == (torch.device(*a) == torch.device(*b)), (a, b)
    assert (mg.device("cpu") == "cpu") == (torch.device("cpu") == "cpu")


@pytest.mark.parametrize("bad", ["foo", "cpu:x", "cuda:-1"])
def test_bad_device_string_messages(bad: str) -> None:
    with pytest.raises(RuntimeError) as theirs:
        torch.device(bad)
    with pytest.raises(RuntimeError) as ours:
        mg.device(bad)
    assert str(ours.value) == str(theirs.value)


def test_cpu_build_answers() -> None:
    answers: dict[str, Callable[[Any], Any]] = {
        "cuda.is_available": lambda lib: lib.cuda.is_available(),
        "cuda.device_count": lambda lib: lib.cuda.device_count(),
        "cuda.is_initialized": lambda lib: lib.cuda.is_initialized(),
        "cuda.manual_seed_all": lambda lib: lib.cuda.manual_seed_all(0),
        "cuda.empty_cache": lambda lib: lib.cuda.empty_cache(),
        "cuda.memory_allocated": lambda lib: lib.cuda.memory_allocated(),
        "cuda.is_bf16_supported": lambda lib: lib.cuda.is_bf16_supported(),
        "accelerator.is_available": lambda lib: lib.accelerator.is_available(),
        "accelerator.current_accelerator": lambda lib: lib.accelerator.current_accelerator(),
        "accelerator.device_count": lambda lib: lib.accelerator.device_count(),
        "mps.is_available": lambda lib: lib.backends.mps.is_available(),
        "mps.is_built": lambda lib: lib.backends.mps.is_built(),
        "cudnn.flags": lambda lib: (lib.backends.cudnn.enabled, lib.backends.cudnn.benchmark,
                                    lib.backends.cudnn.deterministic, lib.backends.cudnn.allow_tf32),
        "cudnn.is_available": lambda lib: lib.backends.cudnn.is_available(),
        "cuda.matmul.allow_tf32": lambda lib: lib.backends.cuda.matmul.allow_tf32,
        "onnx.is_in_onnx_export": lambda lib: lib.onnx.is_in_onnx_export(),
        "distributed.is_initialized": lambda lib: lib.distributed.is_initialized(),
    }
    for name, ask in answers.items():
        assert ask(mg) == ask(torch), name
    for name in ("synchronize", "current_device", "get_device_name"):
        with pytest.raises(AssertionError):
            getattr(torch.cuda, name)()
        with pytest.raises(AssertionError):
            getattr(mg.cuda, name)()


@pytest.mark.parametrize("spec", [
    ((), {"dtype": "float64"}), (("cpu",), {}), (("cpu", "float64"), {}),
    ((), {"device": "cpu", "dtype": "int64"}), (("float32",), {"copy": True}), (("other64",), {}),
    (("float64",), {"non_blocking": True}),
], ids=str)
def test_tensor_to_gives_pytorch_dtypes(spec: tuple[tuple[Any, ...], dict[str, Any]]) -> None:
    args, kwargs = spec

    def resolve(lib: Any, v: Any) -> Any:
        if v == "other64":
            return lib.zeros(1, dtype=lib.float64)
        return getattr(lib, v) if v in ("float32", "float64", "int64") else v

    x_m, x_t = mg.tensor([1.5, -2.5]), torch.tensor([1.5, -2.5])
    got = x_m.to(*[resolve(mg, a) for a in args], **{k: resolve(mg, v) for k, v in kwargs.items()})
    want = x_t.to(*[resolve(torch, a) for a in args], **{k: resolve(torch, v) for k, v in kwargs.items()})
    assert _dtype_name(got.dtype) == _dtype_name(want.dtype)
    assert got.tolist() == want.tolist()
    assert (got is x_m) == (want is x_t)


DEFAULT_DTYPE_CASES: dict[str, Callable[[Any], Any]] = {
    "tensor(float)": lambda lib: lib.tensor(0.1),
    "tensor(list of floats)": lambda lib: lib.tensor([1.0, 2]),
    "tensor(ints)": lambda lib: lib.tensor([1, 2]),
    "tensor(float32 array)": lambda lib: lib.tensor(np.ones(2, np.float32)),
    "zeros": lambda lib: lib.zeros(2),
    "ones": lambda lib: lib.ones(2),
    "full(float)": lambda lib: lib.full((2,), 1.5),
    "full(int)": lambda lib: lib.full((2,), 3),
    "arange(float)": lambda lib: lib.arange(0.5, 2),
    "arange(int)": lambda lib: lib.arange(3),
    "int / int": lambda lib: lib.tensor([1, 2]) / 2,
    "int * float": lambda lib: lib.tensor([1, 2]) * 1.5,
    "linear weight": lambda lib: lib.nn.Linear(2, 2).weight,
}


@pytest.mark.parametrize("name", sorted(DEFAULT_DTYPE_CASES))
@pytest.mark.parametrize("default", ["float32", "float64"])
def test_default_dtype_reaches_the_same_places(name: str, default: str) -> None:
    make = DEFAULT_DTYPE_CASES[name]
    mg.set_default_dtype(getattr(mg, default))
    torch.set_default_dtype(getattr(torch, default))
    try:
        assert _dtype_name(make(mg).dtype) == _dtype_name(make(torch).dtype)
        assert _dtype_name(mg.get_default_dtype()) == _dtype_name(torch.get_default_dtype())
    finally:
        mg.set_default_dtype(mg.float32)
        torch.set_default_dtype(torch.float32)


def test_set_default_dtype_refuses_ints_as_pytorch() -> None:
    with pytest.raises(TypeError):
        torch.set_default_dtype(torch.int64)
    with pytest.raises(TypeError):
        mg.set_default_dtype(mg.int64)
