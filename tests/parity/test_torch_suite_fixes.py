"""Behaviours PyTorch's own test/test_torch.py checks, compared with PyTorch itself.

Each test runs the same code on both libraries (a function taking the library)
and compares values, strides and errors: repeat always copying, the layout of a
copy of an expanded tensor, attributes scripts put on tensors, and the other
fixes the test_torch.py probe (/work/helpers/torch_probe) led to.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _np(t: Any) -> Any:
    return np.asarray(t.detach().numpy())


def _both(fn: Any) -> tuple[Any, Any]:
    return fn(mg), fn(torch)


@pytest.mark.parametrize("src, reps", [([2.0], (4, 4)), ([[3.0], [1.0]], (1, 2)), ([1.0, 2.0], (1,)),
                                       ([[1.0, 2.0, 3.0]], (2, 1, 1))])
def test_repeat_result_owns_its_memory(src: list[Any], reps: tuple[int, ...]) -> None:
    def run(lib: Any) -> Any:
        x = lib.tensor(src)
        y = x.repeat(*reps)
        y.view(-1)[0] = 5.0  # one element: a view over x would change every copy (and x)
        return y, x, y.stride()

    (my, mx, ms), (ty, tx, ts) = _both(run)
    np.testing.assert_array_equal(_np(my), _np(ty))
    np.testing.assert_array_equal(_np(mx), _np(tx))
    assert ms == ts


def test_scatter_reduce_into_a_repeated_tensor() -> None:
    def run(lib: Any) -> Any:
        x = lib.tensor([2.0]).repeat(4, 4)
        x.scatter_(0, lib.tensor([[1], [2]]), 2.0, reduce="multiply")
        return x

    m, t = _both(run)
    np.testing.assert_array_equal(_np(m), _np(t))


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1.0, 2.0]).expand(3, 2),
    lambda lib: lib.arange(6.0).reshape(2, 3).expand(2, 2, 3),
    lambda lib: lib.arange(6.0).reshape(2, 1, 3).expand(2, 4, 3),
    lambda lib: lib.arange(24.0).reshape(2, 3, 4)[:, :, ::2],
    lambda lib: lib.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1)[::2],
    lambda lib: lib.arange(6.0).reshape(2, 3).t(),
])
def test_clone_of_a_tensor_with_gaps_or_overlap_keeps_pytorch_layout(make: Any) -> None:
    m, t = _both(lambda lib: make(lib).clone())
    assert m.stride() == t.stride()
    np.testing.assert_array_equal(_np(m), _np(t))


def test_plain_tensors_take_attributes() -> None:
    for lib in (mg, torch):
        x = lib.empty(2)
        x.foo = 2
        y = lib.empty(2)
        y.grad = x
        del x
        assert y.grad.foo == 2
        assert lib.nn.Parameter(lib.ones(1)).__dict__ == {}
