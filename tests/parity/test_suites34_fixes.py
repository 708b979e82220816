"""Regressions found by running other projects' PyTorch-based test suites under minigrad (tinygrad 2021's
TORCH=1 backend, pytorch-optimizer, schedule_free, torchsde, ...) and comparing with real torch: each test
runs the same calls on both libraries and compares classes, values or error classes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _both(fn: Callable[[Any], Any]) -> tuple[Any, Any]:
    return fn(require_torch()), fn(mg)


def _names(out: Any) -> Any:
    if isinstance(out, (tuple, list)):
        return [type(o).__name__ for o in out]
    return type(out).__name__


# Each call on a subclass instance ``a`` (and a plain ``b``): PyTorch's default __torch_function__ gives the
# results the subclass (tinygrad 2021's TorchBuffer(torch.Tensor) backend called .relu(), F.pad, ... on them).
_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "add": lambda lib, a, b: a + b,
    "radd": lambda lib, a, b: b + a,
    "number_radd": lambda lib, a, b: 1 + a,
    "rsub": lambda lib, a, b: 1 - a,
    "matmul": lambda lib, a, b: a @ b.T,
    "method": lambda lib, a, b: a.relu(),
    "torch_fn": lambda lib, a, b: lib.relu(a),
    "functional": lambda lib, a, b: lib.nn.functional.pad(a, (1, 1)),
    "linear": lambda lib, a, b: lib.nn.functional.linear(a, b),
    "cat": lambda lib, a, b: lib.cat([b, a]),
    "where": lambda lib, a, b: lib.where(a > 0, a, b),
    "compare": lambda lib, a, b: a > 0,
    "reduce": lambda lib, a, b: a.sum(),
    "named_tuple": lambda lib, a, b: a.max(0),
    "split": lambda lib, a, b: a.split(2),
    "getitem": lambda lib, a, b: a[0],
    "data": lambda lib, a, b: a.data,
    "detach": lambda lib, a, b: a.detach(),
    "to": lambda lib, a, b: a.to("cpu"),
    "zeros_like": lambda lib, a, b: lib.zeros_like(a),
    "inplace": lambda lib, a, b: a.clone().add_(1),
    "grad": lambda lib, a, b: a.grad,
    "numpy": lambda lib, a, b: a.numpy(),
}


@pytest.mark.parametrize("name", sorted(_CALLS))
def test_subclass_instances_keep_their_class(name: str) -> None:
    def run(lib: Any) -> Any:
        class MyT(lib.Tensor):
            pass

        a = lib.tensor(np.arange(12.0).reshape(3, 4) - 5).float().as_subclass(MyT)
        b = lib.ones(3, 4)
        return _names(_CALLS[name](lib, a, b))

    theirs, ours = _both(run)
    assert ours == theirs


def test_parameters_and_disabled_subclasses_give_plain_tensors() -> None:
    def run(lib: Any) -> Any:
        class Plain(lib.Tensor):
            __torch_function__ = lib._C._disabled_torch_function_impl

        class MyParam(lib.nn.Parameter):
            pass

        p = lib.nn.Parameter(lib.ones(2))
        q = lib.ones(2).as_subclass(Plain)
        return _names([p * 2, p.detach(), MyParam(lib.ones(2)) + 1, q + 1, q.sum()])

    theirs, ours = _both(run)
    assert ours == theirs


def test_subclass_new_and_constructor_alias_their_tensor() -> None:
    # tinygrad 2021's TorchBuffer: __new__ returns super().__new__(cls, tensor); MyT(x) keeps x's graph
    def run(lib: Any) -> Any:
        class Buffer(lib.Tensor):
            def __new__(cls, shape: Any) -> Any:
                if isinstance(shape, lib.Tensor):
                    return super().__new__(cls, shape)
                return Buffer(lib.zeros(shape))

        class MyT(lib.Tensor):
            pass

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        m = MyT(x)
        buf = Buffer((2, 3))
        made = MyT([1.0, 2.0])
        (m * 3).sum().backward()
        return (_names([buf, buf.relu(), lib.nn.functional.pad(buf, [1, 1]), m, made]), tuple(buf.shape),
                m.is_leaf, m.requires_grad, x.grad.tolist(), made.tolist())

    theirs, ours = _both(run)
    assert ours == theirs


def test_as_subclass_shares_memory_and_graph() -> None:
    def run(lib: Any) -> Any:
        class MyT(lib.Tensor):
            pass

        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        s = x.as_subclass(MyT)
        (s * s).sum().backward()
        y = lib.zeros(2)
        t = y.as_subclass(MyT)
        t.add_(1)
        leaf = lib.ones(2).as_subclass(MyT)
        return (type(s).__name__, s.is_leaf, s.requires_grad, s.grad_fn.name(), x.grad.tolist(), y.tolist(),
                leaf.is_leaf, leaf.requires_grad)

    theirs, ours = _both(run)
    assert ours == theirs


def test_as_subclass_of_a_non_tensor_class_raises() -> None:
    torch = require_torch()
    with pytest.raises(TypeError) as theirs:
        torch.ones(2).as_subclass(int)
    with pytest.raises(TypeError) as ours:
        mg.ones(2).as_subclass(int)
    assert str(ours.value) == str(theirs.value)


def test_overridden_torch_function_sees_the_calls() -> None:
    def run(lib: Any) -> Any:
        class Logged(lib.Tensor):
            calls: ClassVar[list[str]] = []

            @classmethod
            def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
                cls.calls.append(func.__name__)
                return super().__torch_function__(func, types, args, kwargs)

        class Unwrapping(lib.Tensor):
            @classmethod
            def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
                with lib._C.DisableTorchFunctionSubclass():
                    return func(*args, **(kwargs or {}))

        out = (lib.ones(2).as_subclass(Logged) + 1).exp().sum()
        u = lib.ones(2).as_subclass(Unwrapping)
        return type(out).__name__, Logged.calls, _names([u * 2, u.sum()])

    theirs, ours = _both(run)
    assert ours == theirs


def test_the_most_derived_subclass_wins() -> None:
    def run(lib: Any) -> Any:
        class A(lib.Tensor):
            pass

        class B(A):
            pass

        class C(lib.Tensor):
            pass

        a, b, c = (lib.ones(2).as_subclass(k) for k in (A, B, C))
        unrelated = []
        for call in (lambda: a + c, lambda: c.mul(a)):  # (each one's __torch_function__ says NotImplemented)
            try:
                unrelated.append(_names(call()))
            except TypeError:
                unrelated.append("TypeError")
        return _names([a + b, b + a, lib.add(a, b), lib.cat([a, b])]), unrelated

    theirs, ours = _both(run)
    assert ours == theirs


_ALLCLOSE_CASES: dict[str, Callable[[Any], Any]] = {
    # torchsde's test_consistency: float64 sums within 1e-6
    "given_tolerances": lambda lib: lib.testing.assert_allclose(
        lib.tensor([1.0, 2.0], dtype=lib.float64), lib.tensor([1.0, 2.0 + 5e-7], dtype=lib.float64),
        rtol=1e-6, atol=1e-6),
    # its own defaults: float32 rtol 1e-4 (assert_close's is 1.3e-6)
    "default_float32": lambda lib: lib.testing.assert_allclose(lib.tensor([1000.0]), lib.tensor([1000.05])),
    "default_too_far": lambda lib: lib.testing.assert_allclose(lib.tensor([1000.0]), lib.tensor([1000.2])),
    # NaNs equal by default; dtypes not compared; a list made a tensor in actual's dtype
    "nan_and_dtypes": lambda lib: lib.testing.assert_allclose(
        lib.tensor([float("nan"), 1.0], dtype=lib.float64), [float("nan"), 1.0]),
    "numbers": lambda lib: lib.testing.assert_allclose(1.0, 1.00001),
    "shapes": lambda lib: lib.testing.assert_allclose(lib.ones(2), lib.ones(3)),
    "one_tolerance": lambda lib: lib.testing.assert_allclose(lib.ones(2), lib.ones(2), rtol=1e-3),
}


@pytest.mark.parametrize("name", sorted(_ALLCLOSE_CASES))
def test_testing_assert_allclose(name: str) -> None:
    def run(lib: Any) -> Any:
        with pytest.warns(FutureWarning, match="assert_allclose"):
            try:
                _ALLCLOSE_CASES[name](lib)
            except Exception as e:  # (the class is compared)
                return type(e)
        return None

    theirs, ours = _both(run)
    assert (ours is None) == (theirs is None)
    if theirs is not None:
        assert issubclass(ours, theirs), (ours, theirs)
