"""Memory formats against PyTorch: the constants, and the strides, values, gradients and errors of every
call that takes ``memory_format=``, on row-major, channels-last, permuted, strided and 5-D inputs."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = require_torch()

FORMATS = ["preserve_format", "contiguous_format", "channels_last", "channels_last_3d"]


def _inputs(lib: ModuleType) -> dict[str, Any]:
    """The same float64 leaves in several layouts (views or copies of them, in the graph), and the leaves."""
    base = lib.tensor(np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5) / 7,
                      requires_grad=True)
    five = lib.tensor(np.arange(2 * 3 * 2 * 2 * 3, dtype=np.float64).reshape(2, 3, 2, 2, 3),
                      requires_grad=True)
    return {
        "rowmajor": base * 1, "channels_last": base.contiguous(memory_format=lib.channels_last),
        "permuted": base.transpose(1, 2), "strided": base.transpose(1, 2)[:, ::2],
        "one_channel": base[:, :1] * 1, "five_d": five * 1, "matrix": base[0, 0] * 1,
        "empty": lib.zeros(0, 3, 4, 5, dtype=lib.float64), "leaves": (base, five),
    }


def _outcome(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as e:  # every error class is compared
        return {c for c in type(e).__mro__ if c.__module__ == "builtins"} - {BaseException, Exception, object}


CALLS: dict[str, Callable[[ModuleType, Any, Any], Any]] = {
    "contiguous": lambda lib, x, f: x.contiguous(memory_format=f),
    "clone": lambda lib, x, f: x.clone(memory_format=f),
    "torch.clone": lambda lib, x, f: lib.clone(x, memory_format=f),
    "to": lambda lib, x, f: x.to(memory_format=f),
    "to_dtype": lambda lib, x, f: x.to(lib.float32, memory_format=f),
    "to_copy": lambda lib, x, f: x.to(copy=True, memory_format=f),
    "zeros_like": lambda lib, x, f: lib.zeros_like(x, memory_format=f),
    "ones_like": lambda lib, x, f: lib.ones_like(x, memory_format=f),
    "full_like": lambda lib, x, f: lib.full_like(x, 2.5, memory_format=f),
    "empty_like": lambda lib, x, f: lib.empty_like(x, memory_format=f),
    "randn_like": lambda lib, x, f: lib.randn_like(x, memory_format=f),
    "rand_like": lambda lib, x, f: lib.rand_like(x, memory_format=f),
    "randint_like": lambda lib, x, f: lib.randint_like(x, 5, memory_format=f),
}
RANDOM = {"empty_like", "randn_like", "rand_like", "randint_like"}


def _strides_and_values(lib: ModuleType, call: str, layout: str, fmt: str | None) -> Any:
    inputs = _inputs(lib)
    x = inputs[layout]

    def run() -> Any:
        out = CALLS[call](lib, x, None if fmt is None else getattr(lib, fmt))
        values = None if call in RANDOM else out.detach().numpy().copy()
        leaves = inputs["leaves"]
        return out.stride(), out.is_contiguous(), out.dtype == x.dtype, out is x, values, out, leaves

    return _outcome(run)


@pytest.mark.parametrize("fmt", [*FORMATS, None])
@pytest.mark.parametrize("layout", ["rowmajor", "channels_last", "permuted", "strided", "one_channel",
                                    "five_d", "matrix"])  # not "empty": numpy gives it zero strides
@pytest.mark.parametrize("call", list(CALLS))
def test_layout_values_and_errors_as_pytorch(call: str, layout: str, fmt: str | None) -> None:
    got = _strides_and_values(mg, call, layout, fmt)
    want = _strides_and_values(torch, call, layout, fmt)
    if isinstance(want, set):
        assert isinstance(got, set) and want <= got, f"minigrad {got}, PyTorch {want}"
        return
    assert not isinstance(got, set), got
    assert got[:4] == want[:4]
    if want[4] is not None:
        np.testing.assert_array_equal(got[4], want[4])
    if call not in RANDOM and want[5].requires_grad:  # the gradient passes through unchanged
        g = np.random.default_rng(0).standard_normal(want[5].shape)
        (want[5] * torch.tensor(g, dtype=want[5].dtype)).sum().backward()
        (got[5] * mg.tensor(g, dtype=got[5].dtype)).sum().backward()
        for mine, theirs in zip(got[6], want[6]):
            assert (mine.grad is None) == (theirs.grad is None)
            if theirs.grad is not None:
                assert_close(mine.grad, theirs.grad)
        if not want[3]:  # a new node: PyTorch's name
            assert got[5].grad_fn.name() == want[5].grad_fn.name()


@pytest.mark.parametrize("layout", ["rowmajor", "channels_last", "permuted", "one_channel", "five_d",
                                    "matrix", "empty"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_is_contiguous_as_pytorch(layout: str, fmt: str) -> None:
    got = _outcome(lambda: _inputs(mg)[layout].is_contiguous(memory_format=getattr(mg, fmt)))
    assert got == _inputs(torch)[layout].is_contiguous(memory_format=getattr(torch, fmt))


def test_gradient_through_channels_last_copies() -> None:
    g = np.random.default_rng(1).standard_normal((2, 3, 4, 5))
    grads = []
    for lib in (torch, mg):
        x = lib.tensor(np.random.default_rng(2).standard_normal((2, 3, 4, 5)), requires_grad=True)
        y = x.contiguous(memory_format=lib.channels_last)
        z = (y.clone(memory_format=lib.contiguous_format) * y.to(memory_format=lib.channels_last)).exp()
        (z * lib.tensor(g)).sum().backward()
        grads.append(x.grad)
    assert_close(grads[1], grads[0])


def test_constants_as_pytorch() -> None:
    for name in FORMATS:
        fmt = getattr(mg, name)
        assert repr(fmt) == str(fmt) == repr(getattr(torch, name)) == f"torch.{name}"
        assert (isinstance(fmt, mg.memory_format) and fmt == fmt and fmt != mg.preserve_format) or (
            name == "preserve_format")
        assert copy.deepcopy(fmt) is fmt and pickle.loads(pickle.dumps(fmt)) is fmt
    assert mg.memory_format.__name__ == "memory_format"
    with pytest.raises(TypeError, match=r"cannot create 'torch\.memory_format' instances"):
        mg.memory_format()
    with pytest.raises(TypeError, match=r"cannot create 'torch\.memory_format' instances"):
        torch.memory_format()


@pytest.mark.parametrize("bad", [None, "channels_last", 1])
@pytest.mark.parametrize("call", ["contiguous", "is_contiguous", "clone", "to", "zeros_like"])
def test_argument_types_as_pytorch(call: str, bad: Any) -> None:
    def run(lib: ModuleType) -> Any:
        x = lib.ones(2, 3, 4, 5)
        if call == "zeros_like":
            return lib.zeros_like(x, memory_format=bad).stride()
        out = getattr(x, call)(memory_format=bad)
        return out if isinstance(out, bool) else out.stride()

    got, want = _outcome(lambda: run(mg)), _outcome(lambda: run(torch))
    assert got == want if not isinstance(want, set) else want <= got


def test_module_to_accepts_memory_format() -> None:
    for lib in (torch, mg):
        conv = lib.nn.Conv2d(3, 4, 3)
        assert conv.to(memory_format=lib.channels_last) is conv
        with pytest.raises(TypeError):
            conv.to(memory_format="channels_last")
