"""The legacy typed constructors (FloatTensor, LongTensor, ...) and Tensor.type() against PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

NAMES = ("FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
         "ByteTensor", "BoolTensor")

CALLS = [
    lambda m, cls: cls([1, 2]), lambda m, cls: cls([[1.5, 2.7], [0.0, 3.9]]), lambda m, cls: cls((2, 3)),
    lambda m, cls: cls([True, 0]), lambda m, cls: cls([]), lambda m, cls: cls([[]]), lambda m, cls: cls(),
    lambda m, cls: cls(np.array([1.7, -1.2])), lambda m, cls: cls(np.array(2.0)),
    lambda m, cls: cls([-1, 100]),
    lambda m, cls: cls(np.array([-1, 300])), lambda m, cls: cls([1, 2], device="cpu"),
]
SIZE_CALLS = [  # uninitialized in PyTorch, zeros in minigrad: compare shapes and dtypes
    lambda m, cls: cls(2, 3), lambda m, cls: cls(4), lambda m, cls: cls(m.Size([2, 0])),
    lambda m, cls: cls(m.Size([])),
    lambda m, cls: cls(np.int64(2), 1), lambda m, cls: cls(0),
]


def _dtype_name(t: Any) -> str:
    return str(t.dtype).removeprefix("torch.")


@pytest.mark.parametrize("name", NAMES)
def test_constructors_as_torch(name: str) -> None:
    ours_type, theirs_type = getattr(mg, name), getattr(torch, name)
    for call in CALLS:
        ours, theirs = call(mg, ours_type), call(torch, theirs_type)
        assert _dtype_name(ours) == _dtype_name(theirs)
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert ours.type() == theirs.type() == f"torch.{name}"
        assert isinstance(ours, ours_type) and isinstance(ours, mg.Tensor) and not ours.requires_grad
    for call in SIZE_CALLS:
        ours, theirs = call(mg, ours_type), call(torch, theirs_type)
        assert (_dtype_name(ours), tuple(ours.shape)) == (_dtype_name(theirs), tuple(theirs.shape))
        assert not ours.numpy().any()
    for other in NAMES:
        x = getattr(mg, other)([1])
        theirs_isinstance = isinstance(getattr(torch, other)([1]), theirs_type)
        assert isinstance(x, ours_type) == theirs_isinstance == (other == name)
    assert ours_type.dtype.name == _dtype_name(theirs_type)
    assert repr(ours_type) == f"<class 'minigrad.{name}'>"
    assert ours_type.__name__ == theirs_type.__name__ and not issubclass(ours_type, mg.Tensor)
    assert not isinstance(3, ours_type) and not isinstance([1], ours_type)


def test_a_tensor_argument_is_seen_anew() -> None:
    for lib in (mg, torch):
        c = lib.tensor([1.0, 2.0], requires_grad=True)
        d = lib.FloatTensor(c)
        assert d is not c and d.requires_grad and d.grad_fn is not None
        (d * lib.tensor([3.0, 4.0])).sum().backward()
        np.testing.assert_array_equal(c.grad.numpy(), [3.0, 4.0])
        with lib.no_grad():
            d[0] = 7.0
        assert c[0].item() == 7.0  # memory shared
        assert isinstance(lib.nn.Parameter(lib.zeros(2)), lib.FloatTensor)


def _error(lib: Any, call: Any) -> type:
    with pytest.raises(Exception) as info:
        call(lib)
    return type(info.value)


@pytest.mark.parametrize("call", [
    lambda m: m.FloatTensor([1, 2], requires_grad=True), lambda m: m.FloatTensor([1], dtype=m.float64),
    lambda m: m.FloatTensor(m.tensor([1, 2])), lambda m: m.LongTensor(m.tensor([1.0])),
    lambda m: m.FloatTensor(-1), lambda m: m.FloatTensor(2, -1), lambda m: m.FloatTensor(2.5),
    lambda m: m.FloatTensor(True), lambda m: m.FloatTensor("a"), lambda m: m.FloatTensor(None),
    lambda m: m.FloatTensor([[1, 2], [3]]), lambda m: m.FloatTensor([1], [2]),
    lambda m: m.FloatTensor(2, 3.0),
    lambda m: m.FloatTensor(m.Size([2]), [3]), lambda m: m.FloatTensor(True, 2),
    lambda m: m.FloatTensor([None]), lambda m: m.FloatTensor([2, "a"]),
    lambda m: m.FloatTensor(np.float64(2.0)),
    lambda m: m.CharTensor([200]), lambda m: m.ByteTensor([256]), lambda m: m.ByteTensor([-256]),
    lambda m: m.IntTensor([2**31]), lambda m: m.LongTensor([float("nan")]), lambda m: m.LongTensor([1e30]),
    lambda m: m.LongTensor([2**63]), lambda m: m.CharTensor([127.5]), lambda m: m.ByteTensor([-0.5]),
    lambda m: m.FloatTensor([1], device="meta"),
    lambda m: m.zeros(2).type("torch.float64"), lambda m: m.zeros(2).type("float64"),
    lambda m: m.zeros(2).type(int),
    lambda m: m.zeros(2).type("FloatTensor"), lambda m: m.zeros(2).type("torch.Foo"),
    lambda m: m.zeros(2).type(np.float64), lambda m: m.zeros(2).type(m.nn.Parameter),
])
def test_errors_as_torch(call: Any) -> None:
    ours, theirs = _error(mg, call), _error(torch, call)
    assert issubclass(ours, theirs), (ours, theirs)


def test_type_converts_as_torch() -> None:
    values = np.array([1.5, -2.0, 0.0])
    for lib in (mg, torch):
        x = lib.tensor(values, dtype=lib.float32, requires_grad=True)
        assert x.type(lib.FloatTensor) is x and x.type("torch.FloatTensor") is x and x.type(lib.float32) is x
        y = x.type(lib.DoubleTensor)
        assert _dtype_name(y) == "float64" and y.requires_grad
        y.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 1.0])
        assert x.type(dtype="torch.LongTensor").tolist() == [1, -2, 0]
        assert x.type(lib.BoolTensor).tolist() == [True, True, False]
        y = x.double()
        assert _dtype_name(y.type(lib.Tensor)) == _dtype_name(y.type("torch.Tensor")) == "float32"
        assert _dtype_name(x.type(lib.float16)) == "float16"
        assert x.type(lib.ShortTensor).type() == "torch.ShortTensor"


def test_compat_namespace_names_the_classes_as_torch() -> None:
    from minigrad import _format

    saved = _format.NAMESPACE
    _format.NAMESPACE = "torch"
    try:
        assert repr(mg.LongTensor) == repr(torch.LongTensor) == "<class 'torch.LongTensor'>"
    finally:
        _format.NAMESPACE = saved
