"""add/sub with alpha, lerp and addcmul round once, as PyTorch's CPU kernels (a fused multiply-add) do.

Rounding ``alpha * b`` before adding ``a`` gave other float32 bits for 10-30% of the elements and overflowed
to inf where PyTorch's result is finite (the robustness fuzzer found that at 250 examples).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

_RNG = np.random.default_rng(7)
A, B = (_RNG.standard_normal(4000).astype(np.float32) for _ in range(2))
W = _RNG.random(4000).astype(np.float32)


def _add(lib: Any) -> Any:
    return lib.add(lib.tensor(A), lib.tensor(B), alpha=2.5)


def _sub(lib: Any) -> Any:
    return lib.tensor(A).sub(lib.tensor(B), alpha=0.3)


def _broadcast(lib: Any) -> Any:
    return lib.add(lib.tensor(A[:1]), lib.tensor(B[:6].reshape(2, 3)), alpha=-1.7)


def _add_in_place(lib: Any) -> Any:
    x = lib.tensor(A.copy())
    x.add_(lib.tensor(B), alpha=-0.01)  # an SGD-style update
    return x


def _sub_in_place(lib: Any) -> Any:
    x = lib.tensor(A.copy())
    return x.sub_(lib.tensor(B), alpha=0.7)


def _lerp(weight: float) -> Callable[[Any], Any]:
    return lambda lib: lib.lerp(lib.tensor(A), lib.tensor(B), weight)


def _lerp_tensor(lib: Any) -> Any:
    return lib.tensor(A).lerp(lib.tensor(B), lib.tensor(W))


def _overflow(lib: Any) -> Any:
    return lib.add(lib.tensor([-2.6884139e37]), lib.tensor([1.3930531e38]), alpha=2.5)


def _addcmul(value: float) -> Callable[[Any], Any]:
    return lambda lib: lib.addcmul(lib.tensor(A), lib.tensor(B), lib.tensor(W), value=value)


def _addcdiv(lib: Any) -> Any:  # (no fused step: PyTorch's order, value * tensor1 first, then the quotient)
    return lib.tensor(A).addcdiv(lib.tensor(B), lib.tensor(W) + 0.5, value=-2.5)


CASES = [_add, _sub, _broadcast, _add_in_place, _sub_in_place,
         _lerp(0.1), _lerp(0.7), _lerp(-0.3), _lerp(1.5), _lerp_tensor, _overflow,
         _addcmul(1), _addcmul(0.3), _addcmul(-2.5), _addcdiv]


@pytest.mark.parametrize("case", CASES)
def test_float32_bits_equal_pytorchs(case: Callable[[Any], Any]) -> None:
    got, want = case(mg).numpy(), case(torch).numpy()
    assert got.dtype == np.float32 and np.array_equal(got, want)


def _graph(lib: Any) -> tuple[list[str], list[list[float]]]:
    x = lib.tensor(A[:4].copy(), requires_grad=True)
    y = lib.tensor(B[:4].copy(), requires_grad=True)
    h = x * 1
    h.add_(y, alpha=0.3)  # recorded in place
    z = lib.sub(h, y, alpha=2.0)
    out = lib.add(z, x[:1], alpha=-1.5)  # a broadcast operand's gradient is summed
    (out * out).sum().backward()
    return ([out.grad_fn.name(), z.grad_fn.name()],
            [x.grad.tolist(), y.grad.tolist(), out.detach().tolist()])


def test_gradients_and_node_names_equal_pytorchs() -> None:
    names, values = _graph(mg)
    want_names, want_values = _graph(torch)
    assert names == want_names == ["AddBackward0", "SubBackward0"]
    for got, want in zip(values, want_values, strict=True):
        assert got == pytest.approx(want, rel=1e-6)


def test_float64_and_integers_keep_their_dtypes() -> None:
    got = mg.add(mg.tensor([1.0, 2.0], dtype=mg.float64), mg.tensor([3.0, 4.0], dtype=mg.float64), alpha=0.5)
    assert got.dtype == mg.float64 and got.tolist() == [2.5, 4.0]
    assert mg.add(mg.tensor([1, 2]), mg.tensor([3, 4]), alpha=2).tolist() == [7, 10]
    with pytest.raises(RuntimeError):  # a float alpha with integer tensors, as PyTorch
        mg.add(mg.tensor([1, 2]), mg.tensor([3, 4]), alpha=0.5)
