"""lead45: ``t.data = other`` leaves the version counter alone, as PyTorch's set_data: a backward
recorded before reads the new values (captum's attribution code relies on it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _replace_then_backward(lib: Any, body: Callable[[Any], Any], new: list[float]) -> tuple[int, Any]:
    p = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = body(p)
    p.data = lib.tensor(new)
    version = p._version
    y.backward()
    return version, p.grad.numpy()


@pytest.mark.parametrize("body", [
    lambda p: (p * p).sum(),          # reads p: the new values
    lambda p: p.exp().sum(),          # reads its result: the old values
    lambda p: (p.sin() * 2).sum(),    # reads p
    lambda p: (p / 3).sum(),          # reads nothing
])
def test_data_replaced_after_use_matches_pytorch(body: Callable[[Any], Any]) -> None:
    torch = require_torch()
    theirs = _replace_then_backward(torch, body, [0.5, 1.5, -1.0])
    ours = _replace_then_backward(mg, body, [0.5, 1.5, -1.0])
    assert ours[0] == theirs[0] == 0
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)  # (float32 exp/cos: SLEEF's last bit)


def test_data_of_an_intermediate_replaced_after_use_matches_pytorch() -> None:
    torch = require_torch()
    grads = []
    for lib in (torch, mg):
        a = lib.ones(3, requires_grad=True)
        b = a * 2
        c = (b * b).sum()
        b.data = lib.tensor([0.0, 1.0, 2.0])
        c.backward()
        grads.append(a.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])


def test_data_of_another_shape_after_use_raises_in_backward_as_pytorch() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        p = lib.ones(3, requires_grad=True)
        y = (p * p).sum()
        p.data = lib.ones(5)
        with pytest.raises(RuntimeError):
            y.backward()


def test_views_taken_before_keep_the_old_values_as_pytorch() -> None:
    torch = require_torch()
    seen = []
    for lib in (torch, mg):
        p = lib.tensor([1.0, 2.0, 3.0])
        v = p[1:]
        p.data = lib.tensor([7.0, 8.0, 9.0])
        p.add_(1)
        seen.append((v.tolist(), p.tolist()))
    assert seen[1] == seen[0]


def _put(lib: Any, case: int) -> str:
    d = lib.float64
    cases: list[tuple[Any, Any, Any]] = [
        (lib.zeros(3, 2), (lib.tensor([0, 1]), lib.tensor([True, False])), lib.tensor(1.5, dtype=d)),
        (lib.zeros(3), lib.tensor([True, False, True]), lib.tensor([1.5, 2.5], dtype=d)),
        (lib.zeros(3), lib.tensor([True, False, True]), lib.tensor([1.5], dtype=d)),  # one element: fills
        (lib.zeros(3, 2), (lib.tensor([True, False, True]), slice(None)), lib.tensor([1.5], dtype=d)),
        (lib.zeros(3, 2), (0, lib.tensor([True, False])), lib.tensor(1.5, dtype=d)),
        (lib.zeros(3), [0, 1], lib.tensor(1.5, dtype=d)),
        (lib.zeros(3), [True, False, True], lib.tensor([1.5, 2.0], dtype=d)),
        (lib.zeros(3), lib.tensor(1), lib.tensor(1.5, dtype=d)),  # a 0-d int index is an int: copies
        (lib.zeros(5, dtype=lib.int64), lib.tensor([1, 2]), lib.tensor([1.7, 2.2])),
        (lib.zeros(5), slice(1, 3), lib.tensor([1.7, 2.2], dtype=d)),  # a basic index converts
        (lib.zeros(5), lib.tensor([1, 2]), lib.tensor([1.7, 2.2])),  # the same dtype
        (lib.zeros(3, requires_grad=True).clone(), lib.tensor([1, 2]), lib.tensor([1.7, 2.2], dtype=d)),
        (lib.zeros(2, 3), (lib.tensor([True, False]), lib.tensor([True, False, True])),  # two masks: refused
         lib.tensor([1.5], dtype=d)),
    ]
    x, index, value = cases[case]
    try:
        x[index] = value
    except RuntimeError as e:
        return str(e).split(".")[0]
    return str(x.tolist())


@pytest.mark.parametrize("case", range(13))
def test_setitem_of_another_dtype_refused_where_pytorch_refuses(case: int) -> None:
    torch = require_torch()
    assert _put(mg, case) == _put(torch, case)


@pytest.mark.parametrize("fn,nd", [("conv_transpose1d", 1), ("conv_transpose2d", 2), ("conv_transpose3d", 3)])
@pytest.mark.parametrize("x_dtype,b_dtype", [("float32", "float64"), ("float64", "float32"),
                                             ("float32", "float16"), ("float32", "int64")])
def test_conv_transpose_converts_a_bias_of_another_dtype_as_pytorch(fn: str, nd: int, x_dtype: str,
                                                                     b_dtype: str) -> None:
    torch = require_torch()
    results = []
    if nd == 3:  # (PyTorch's 3-d kernel refuses the bias instead)
        for lib in (torch, mg):
            with pytest.raises(RuntimeError, match="expected scalar type"):
                lib.nn.functional.conv_transpose3d(lib.ones(1, 2, 3, 3, 3, dtype=getattr(lib, x_dtype)),
                                                   lib.ones(2, 1, 2, 2, 2, dtype=getattr(lib, x_dtype)),
                                                   lib.ones(1, dtype=getattr(lib, b_dtype)))
        return
    for lib in (torch, mg):
        xd, bd = getattr(lib, x_dtype), getattr(lib, b_dtype)
        x = lib.ones((1, 2) + (3,) * nd, dtype=xd, requires_grad=True)
        w = lib.ones((2, 1) + (2,) * nd, dtype=xd)
        floating = b_dtype.startswith("float")
        b = lib.full((1,), 0.1, dtype=bd, requires_grad=True) if floating else lib.ones(1, dtype=bd)
        y = getattr(lib.nn.functional, fn)(x, w, b)
        y.sum().backward()
        grad = None if b.grad is None else (str(b.grad.dtype).removeprefix("torch."), b.grad.numpy())
        results.append((str(y.dtype).removeprefix("torch."), y.detach().numpy(), grad))
    (td, ty, tg), (md, my, mgr) = results
    assert md == td
    np.testing.assert_array_equal(my, ty)
    assert (mgr is None) == (tg is None)
    if tg is not None and mgr is not None:
        assert mgr[0] == tg[0]
        np.testing.assert_array_equal(mgr[1], tg[1])


@pytest.mark.parametrize("op", ["sigmoid", "exp", "tanh"])
def test_data_of_a_result_its_backward_reads_raises_rather_than_differ(op: str) -> None:
    # PyTorch's node keeps the result's old values; minigrad's reads the tensor, so it refuses
    # instead of giving another gradient
    torch = require_torch()
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    s = getattr(x, op)()
    s.data = torch.zeros(3)
    s.sum().backward()
    assert x.grad is not None and bool((x.grad != 0).all())  # the old values' derivative
    m = mg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    r = getattr(m, op)()
    r.data = mg.zeros(3)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        r.sum().backward()


def test_sort_of_a_long_tied_row_keeps_the_stable_order_beyond_the_replay_limit() -> None:
    # a top-p sampler's sort: 50,257 logits, most masked to -inf; the tied tail's order is never used
    torch = require_torch()
    from minigrad.reductions import REPLAY_LIMIT
    a = np.random.default_rng(0).standard_normal((1, 50257)).astype(np.float32)
    a[:, 200:] = -np.inf
    assert a.size > REPLAY_LIMIT
    got = mg.sort(mg.tensor(a), descending=True)
    want = torch.sort(torch.from_numpy(a), descending=True)
    np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())
    np.testing.assert_array_equal(got.indices.numpy()[:, :200], want.indices.numpy()[:, :200])
    np.testing.assert_array_equal(got.indices.numpy(), np.argsort(-a, axis=-1, kind="stable"))
