"""quantile, nanquantile and combinations against PyTorch: values, gradients (to input and q), errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

MODES = ("linear", "lower", "higher", "midpoint", "nearest")
RNG = np.random.default_rng(0)


def _run(lib: Any, fn: str, a: np.ndarray, q: Any, upstream_seed: int, **kwargs: Any) -> tuple[Any, ...]:
    """The quantile, and the gradients of a random upstream gradient to the input and (a tensor) q."""
    x = lib.tensor(a, requires_grad=True)
    qt = lib.tensor(q, dtype=x.dtype, requires_grad=kwargs.get("interpolation", "linear") == "linear") \
        if isinstance(q, (list, np.ndarray)) else q
    out = getattr(lib, fn)(x, qt, **kwargs)
    w = np.random.default_rng(upstream_seed).standard_normal(tuple(out.shape))
    if out.requires_grad:
        (out * lib.tensor(w)).sum().backward()
    grads = [None if x.grad is None else x.grad.numpy()]
    if isinstance(qt, (mg.Tensor, torch.Tensor)):
        grads.append(None if qt.grad is None else qt.grad.numpy())
    return (out.detach().numpy(), tuple(out.shape), *grads)


def _compare(a: np.ndarray, fn: str, q: Any, **kwargs: Any) -> None:
    ours = _run(mg, fn, a, q, 1, **kwargs)
    theirs = _run(torch, fn, a, q, 1, **kwargs)
    assert ours[1] == theirs[1]
    for o, t in zip(ours, theirs):
        if t is None or isinstance(t, tuple):
            assert o == t
        else:
            np.testing.assert_allclose(o, t, rtol=1e-10, atol=1e-12, equal_nan=True)


_values = st.sampled_from([0.0, 1.0, 2.0, 2.0, -1.5, 3.25, 7.0, float("nan")])
_q_values = st.sampled_from([0.0, 0.1, 0.25, 1 / 3, 0.5, 0.6, 0.75, 0.9, 1.0])


@st.composite
def _cases(draw: st.DrawFn) -> tuple[np.ndarray, Any, dict[str, Any]]:
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=3)))
    size = int(np.prod(shape))
    a = np.array(draw(st.lists(_values, min_size=size, max_size=size)), dtype=np.float64).reshape(shape)
    ndim = max(len(shape), 1)
    dim = draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1)))
    if (size if dim is None or not shape else shape[dim]) > 16:
        # PyTorch sorts slices longer than 16 with an unstable sort, which hands a tie's gradient to
        # another of the tied elements than minigrad's stable order (the values agree): no ties there
        a = RNG.permutation(size).astype(np.float64).reshape(shape)
        if draw(st.booleans()):
            a.flat[draw(st.integers(0, size - 1))] = np.nan
    q: Any = draw(st.one_of(_q_values, st.lists(_q_values, min_size=1, max_size=3)))
    return a, q, {"dim": dim, "keepdim": draw(st.booleans()), "interpolation": draw(st.sampled_from(MODES))}


@settings(max_examples=120)
@given(case=_cases(), fn=st.sampled_from(["quantile", "nanquantile"]))
def test_quantile_as_torch_on_drawn_shapes(case: tuple[np.ndarray, Any, dict[str, Any]], fn: str) -> None:
    a, q, kwargs = case
    _compare(a, fn, q, **kwargs)


@pytest.mark.parametrize("interpolation", MODES)
@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
def test_each_interpolation_with_ties_and_nans(fn: str, interpolation: str) -> None:
    ties = np.array([[3.0, 1.0, 3.0, 2.0, 3.0, 1.0], [5.0, np.nan, 0.0, np.nan, 4.0, 4.0],
                     [np.nan] * 6, [0.5, -2.0, 9.0, 1.0, 1.0, 6.0]])
    q = [0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0]
    for dim, a in ((1, ties), (-1, ties), (None, ties[:2])):  # (whole-tensor slices of at most 16: see above)
        for keepdim in (False, True):
            _compare(a, fn, q, dim=dim, keepdim=keepdim, interpolation=interpolation)
            _compare(a, fn, 0.3, dim=dim, keepdim=keepdim, interpolation=interpolation)
    _compare(ties.T.copy(), fn, 0.5, dim=0, interpolation=interpolation)


def test_nearest_rounds_half_to_even_in_the_input_dtype() -> None:
    for dtype in ("float32", "float64"):
        x = np.arange(5.0)
        q = [0.125, 0.375, 0.625, 0.875, 1 / 6]
        ours = mg.quantile(mg.tensor(x, dtype=getattr(mg, dtype)), mg.tensor(q, dtype=getattr(mg, dtype)),
                           interpolation="nearest")
        theirs = torch.quantile(torch.tensor(x, dtype=getattr(torch, dtype)),
                                torch.tensor(q, dtype=getattr(torch, dtype)), interpolation="nearest")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert ours.dtype == np.dtype(dtype)
    assert mg.quantile(mg.arange(5.0), 0.625, interpolation="nearest").item() == 2.0  # rank 2.5 -> 2


def test_float32_values_and_special_cases() -> None:
    a = np.random.default_rng(7).standard_normal((3, 5)).astype(np.float32)  # its own RNG: order-free
    # PyTorch's lerp kernel fuses the multiply-add (one rounding, numpy's two): they may differ by an
    # ulp of the operands, which relative to a result near zero can be far more than an ulp of it
    ulp = 2 * float(np.spacing(np.abs(a).max()))  # (b - a spans up to twice the largest operand)
    for interpolation in MODES:
        for q in (0.37, [0.0, 0.42, 1.0]):
            ours = mg.quantile(mg.tensor(a), mg.tensor(q) if isinstance(q, list) else q, 1, True,
                               interpolation=interpolation)
            theirs = torch.quantile(torch.tensor(a), torch.tensor(q) if isinstance(q, list) else q, 1, True,
                                    interpolation=interpolation)
            atol = ulp if interpolation in ("linear", "midpoint") else 0
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=atol)
    inf = float("inf")
    for values, q, interpolation in [([inf, 1.0], 0.5, "linear"), ([-inf, inf], 0.5, "linear"),
                                     ([1.0, inf], 1.0, "linear"), ([-inf, 2.0], 0.0, "midpoint"),
                                     ([3.0], 0.7, "linear")]:
        ours = mg.quantile(mg.tensor(values), q, interpolation=interpolation).item()
        theirs = torch.quantile(torch.tensor(values), q, interpolation=interpolation).item()
        np.testing.assert_equal(ours, theirs)
    for t in (mg.tensor(3.0), mg.tensor([[1.0, 2.0]])):  # 0-d input, empty q, methods, out=
        tt = torch.tensor(t.numpy())
        for args in [(0.5,), (0.5, 0, True), (0.5, -1), (mg.tensor([0.5]), -1, True), (mg.tensor([]), -1)]:
            targs = tuple(torch.tensor(a.numpy()) if isinstance(a, mg.Tensor) else a for a in args)
            assert tuple(t.quantile(*args).shape) == tuple(tt.quantile(*targs).shape)
            assert tuple(t.nanquantile(*args).shape) == tuple(tt.nanquantile(*targs).shape)
    out = mg.empty(0)
    assert mg.quantile(mg.tensor([1.0, 2.0]), mg.tensor([0.5, 1.0]), out=out) is out
    np.testing.assert_array_equal(out.numpy(), [1.5, 2.0])


def _error(lib: Any, call: Any) -> type:
    with pytest.raises(Exception) as info:
        call(lib)
    return type(info.value)


@pytest.mark.parametrize("call", [
    lambda m: m.quantile(m.arange(6.0), 1.5), lambda m: m.quantile(m.arange(6.0), -0.1),
    lambda m: m.nanquantile(m.arange(6.0), float("nan")),
    lambda m: m.quantile(m.arange(6.0), m.tensor([0.5, 2.0])),
    lambda m: m.quantile(m.arange(6), 0.5), lambda m: m.quantile(m.arange(6.0).half(), 0.5),
    lambda m: m.quantile(m.arange(6.0).double(), m.tensor([0.5])),
    lambda m: m.quantile(m.arange(6.0), m.tensor([[0.5]])),
    lambda m: m.quantile(m.zeros(0), 0.5), lambda m: m.quantile(m.zeros(0, 3), 0.5, dim=1),
    lambda m: m.quantile(m.zeros(2, 3), 0.5, dim=2), lambda m: m.nanquantile(m.zeros(2, 3), 0.5, dim=-3),
    lambda m: m.quantile(m.tensor(1.0), 0.5, dim=1),
    lambda m: m.quantile(m.arange(6.0), 0.5, interpolation="Linear"),
    lambda m: m.quantile(m.arange(6.0), [0.5]), lambda m: m.quantile(m.zeros(2, 3), 0.5, dim=(0, 1)),
    # PyTorch's order of checks decides which error a call with several faults gets
    lambda m: m.quantile(m.arange(6), 1.5), lambda m: m.quantile(m.arange(6), 0.5, interpolation="x"),
    lambda m: m.quantile(m.zeros(0, dtype=m.long), 0.5), lambda m: m.quantile(m.arange(6), m.tensor([[0.5]])),
    lambda m: m.quantile(m.zeros(2, 3), m.tensor([2.0]), dim=3),
    lambda m: m.quantile(m.zeros(2, 3), m.tensor([2.0], dtype=m.float64), dim=3),
    lambda m: m.combinations(m.arange(3), -1), lambda m: m.combinations(m.zeros(2, 2)),
    lambda m: m.combinations(m.tensor(1.0)), lambda m: m.combinations(m.arange(3.0), 2.0),
    lambda m: m.combinations(m.arange(3.0), True), lambda m: m.combinations(m.arange(3.0), 2, 1),
    lambda m: m.combinations([1, 2]),
])
def test_errors_as_torch(call: Any) -> None:
    ours, theirs = _error(mg, call), _error(torch, call)
    assert issubclass(ours, theirs), (ours, theirs)
    with pytest.raises(Exception) as ours_info:
        call(mg)
    with pytest.raises(Exception) as theirs_info:
        call(torch)
    # which check failed: the same one as PyTorch's, in its words
    if str(theirs_info.value).startswith("quantile() ") and theirs is not TypeError:
        assert str(theirs_info.value).split(" but")[0] in str(ours_info.value)


@pytest.mark.parametrize(("n", "r", "with_replacement"), [
    (4, 2, False), (4, 3, False), (4, 2, True), (3, 3, True), (3, 0, False), (3, 0, True), (3, 4, False),
    (3, 4, True), (0, 2, False), (0, 0, False), (0, 2, True), (1, 2, False), (1, 1, False), (5, 1, True),
])
def test_combinations_as_torch(n: int, r: int, with_replacement: bool) -> None:
    a = RNG.standard_normal(n)
    x, t = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = mg.combinations(x, r, with_replacement), torch.combinations(t, r, with_replacement)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    assert ours.requires_grad == theirs.requires_grad
    if theirs.requires_grad:
        w = RNG.standard_normal(tuple(theirs.shape))
        (ours * mg.tensor(w)).sum().backward()
        (theirs * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10)
    for dtype in ("int64", "bool", "float32"):
        v = np.arange(n) % 2 if dtype == "bool" else np.arange(n)
        ours = mg.combinations(mg.tensor(v, dtype=getattr(mg, dtype)), r=r, with_replacement=with_replacement)
        theirs = torch.combinations(torch.tensor(v, dtype=getattr(torch, dtype)), r=r,
                                    with_replacement=with_replacement)
        assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
