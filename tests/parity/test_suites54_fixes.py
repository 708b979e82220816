"""Regressions found by running other projects' PyTorch-based test suites under minigrad (linear_operator's
operator tests, normflows, ...) and comparing with real torch: each test runs the same calls on both
libraries and compares values, or error classes and words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

# ------------------------------------------------------------------ tensor-like operands (linear_operator)


class _Like:
    """A tensor-like object (no Tensor, a ``__torch_function__`` of its own, as linear_operator's
    LinearOperator): it answers each call with the method's name, the argument classes and the kwargs."""

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        return func.__name__, tuple(type(a).__name__ for a in args), dict(kwargs or {})


def _iadd(t: Any, o: Any) -> Any:
    t += o
    return t


def _imul(t: Any, o: Any) -> Any:
    t *= o
    return t


_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "t + L": lambda t, o: t + o, "L + t": lambda t, o: o + t, "t - L": lambda t, o: t - o,
    "L - t": lambda t, o: o - t, "t * L": lambda t, o: t * o, "L * t": lambda t, o: o * t,
    "t / L": lambda t, o: t / o, "L / t": lambda t, o: o / t, "t @ L": lambda t, o: t @ o,
    "L @ t": lambda t, o: o @ t, "t ** L": lambda t, o: t ** o, "L ** t": lambda t, o: o ** t,
    "t == L": lambda t, o: t == o, "t != L": lambda t, o: t != o, "t < L": lambda t, o: t < o,
    "t >= L": lambda t, o: t >= o, "t += L": _iadd, "t *= L": _imul,
    "add": lambda t, o: t.add(o), "add alpha": lambda t, o: t.add(o, alpha=2), "sub": lambda t, o: t.sub(o),
    "mul": lambda t, o: t.mul(o), "div": lambda t, o: t.div(o),
    "div floor": lambda t, o: t.div(o, rounding_mode="floor"), "matmul": lambda t, o: t.matmul(o),
    "mm": lambda t, o: t.mm(o), "bmm": lambda t, o: t.bmm(o), "dot": lambda t, o: t.dot(o),
    "maximum": lambda t, o: t.maximum(o), "minimum": lambda t, o: t.minimum(o), "eq": lambda t, o: t.eq(o),
    "lt": lambda t, o: t.lt(o), "expand_as": lambda t, o: t.expand_as(o),
    "view_as": lambda t, o: t.view_as(o),
    "reshape_as": lambda t, o: t.reshape_as(o), "type_as": lambda t, o: t.type_as(o),
    "copy_": lambda t, o: t.copy_(o),
    "t % L": lambda t, o: t % o, "L % t": lambda t, o: o % t, "t // L": lambda t, o: t // o,
    "L // t": lambda t, o: o // t, "t & L": lambda t, o: t & o, "L & t": lambda t, o: o & t,
    "t | L": lambda t, o: t | o, "L | t": lambda t, o: o | t, "t ^ L": lambda t, o: t ^ o,
    "L ^ t": lambda t, o: o ^ t, "t << L": lambda t, o: t << o, "L << t": lambda t, o: o << t,
    "t >> L": lambda t, o: t >> o, "L >> t": lambda t, o: o >> t, "add_": lambda t, o: t.add_(o),
    "add_ alpha": lambda t, o: t.add_(o, alpha=3), "sub_": lambda t, o: t.sub_(o),
    "mul_": lambda t, o: t.mul_(o), "div_": lambda t, o: t.div_(o), "where": lambda t, o: t.where(o, t),
    "masked_fill": lambda t, o: t.masked_fill(o, 1), "t[L]": lambda t, o: t[o],
}


@pytest.mark.parametrize("case", list(_CALLS))
def test_tensor_methods_and_operators_hand_a_tensor_like_operand_the_call(case: str) -> None:
    """PyTorch's Tensor methods and operators hand a call with a tensor-like argument to its
    ``__torch_function__`` (linear_operator's ``dense.matmul(DiagLinearOperator)``, ``tensor @ op``,
    ``tensor + op``); minigrad raised TypeError (or answered False for ==), 71 of its operator tests."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):
        dtype = lib.int64 if any(c in case for c in "&|^<>") and "=" not in case else lib.float32
        name, classes, kwargs = _CALLS[case](lib.ones(2, 2, dtype=dtype), _Like())
        got.append((name, classes, kwargs))
    assert got[1] == got[0]


class _Declines:
    """A tensor-like whose ``__torch_function__`` answers NotImplemented to everything."""

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        return NotImplemented


@pytest.mark.parametrize("case", ["matmul", "add", "t * L", "t += L", "t % L", "expand_as"])
def test_a_tensor_like_that_declines_gets_the_type_error(case: str) -> None:
    """Every handler answering NotImplemented is PyTorch's TypeError (minigrad's must be one too)."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(TypeError):
            _CALLS[case](lib.ones(2, 2), _Declines())


def test_a_linear_operator_style_matmul_computes_through_its_torch_function() -> None:
    """linear_operator's pattern: ``dense.matmul(diag_op)`` runs the operator's second-argument form, whose
    result (here dense @ diag(d)) must match PyTorch's run of the same class."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):

        class Diag:
            handled = (lib.Tensor.matmul, lib.Tensor.__rmatmul__)

            def __init__(self, d: Any) -> None:
                self.d = d

            @classmethod
            def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
                if func in cls.handled:
                    dense = args[0]
                    return dense * args[1].d
                return NotImplemented

        dense = lib.arange(6.0).reshape(2, 3)
        op = Diag(lib.tensor([1.0, 2.0, 3.0]))
        got.append((dense.matmul(op).tolist(), (dense @ op).tolist()))
    assert got[0] == got[1]


# ------------------------------------------------------------------ factories' layout= and pin_memory=

_FACTORIES: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "zeros": lambda lib, k: lib.zeros(2, 3, **k), "ones": lambda lib, k: lib.ones(2, **k),
    "empty": lambda lib, k: tuple(lib.empty(2, **k).shape), "full": lambda lib, k: lib.full((2,), 1.5, **k),
    "arange": lambda lib, k: lib.arange(3, **k), "rand": lambda lib, k: tuple(lib.rand(2, **k).shape),
    "randn": lambda lib, k: tuple(lib.randn(2, **k).shape),
    "randint": lambda lib, k: tuple(lib.randint(3, (2,), **k).shape),
    "zeros_like": lambda lib, k: lib.zeros_like(lib.ones(2), **k),
    "ones_like": lambda lib, k: lib.ones_like(lib.ones(2), **k),
    "empty_like": lambda lib, k: tuple(lib.empty_like(lib.ones(2), **k).shape),
    "full_like": lambda lib, k: lib.full_like(lib.ones(2), 2, **k),
    "rand_like": lambda lib, k: tuple(lib.rand_like(lib.ones(2), **k).shape),
    "randn_like": lambda lib, k: tuple(lib.randn_like(lib.ones(2), **k).shape),
    "randint_like": lambda lib, k: tuple(lib.randint_like(lib.ones(2), 3, **k).shape),
}


@pytest.mark.parametrize("name", list(_FACTORIES))
def test_factories_take_layout_and_pin_memory(name: str) -> None:
    """flowtorch's VolumePreserving calls ``torch.zeros(shape, dtype=, layout=x.layout, device=)``:
    PyTorch's factories take ``layout=`` (None or strided here) and ``pin_memory=``; minigrad's raised
    TypeError for the keyword. A layout that is no layout is PyTorch's parser TypeError."""
    torch = require_torch()
    for kwargs in ({"layout": None}, {"pin_memory": False}):
        got = [_FACTORIES[name](lib, kwargs) for lib in (torch, mg)]
        assert str(got[1]) == str(got[0])
    got = [_FACTORIES[name](lib, {"layout": lib.ones(1).layout}) for lib in (torch, mg)]
    assert str(got[1]) == str(got[0])
    for lib in (torch, mg):
        with pytest.raises(TypeError, match="layout"):  # (overloaded ones word it otherwise)
            _FACTORIES[name](lib, {"layout": 3})


def test_a_deprecated_out_form_warns_at_the_callers_line() -> None:
    """torch.range's deprecation warning names the line that called it (minigrad's named its out= wrapper
    in minigrad/_out.py: the wrapper was not among the frames a warning's stacklevel passes over)."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.warns(UserWarning, match="torch.range is deprecated") as record:
            lib.range(0, 2)
        assert record[0].filename == __file__
