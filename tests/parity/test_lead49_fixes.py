"""Lead session 49: fixes found by a random differential fuzzer of view chains and in-place ops."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

VALUES = [1.0, -2.0, 3.0]


def _relu_on_view_then_base_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x * 2
    y = b[:2].relu_()  # ReluBackward0 saves its result: a view of b
    b.mul_(2)
    y.sum().backward()
    return x.grad


def _relu_on_view_then_view_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x.clone()
    v = b[:]
    v.relu_()
    v.mul_(2)
    v.sum().backward()
    return x.grad


def _relu_on_view_then_view_written_base_read(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x.clone()
    v = b[:]
    v.relu_()
    v.mul_(2)
    b.sum().backward()
    return x.grad


def _sigmoid_on_transpose_then_base_written(lib: Any) -> Any:
    x = lib.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    b = x * 2
    y = b.t().sigmoid_()
    b.add_(1)
    y.sum().backward()
    return x.grad


def _exp_on_view_then_other_view_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x * 2
    y = b[:1].exp_()
    b[2:].zero_()  # another view, disjoint: PyTorch's one counter per base still sees it
    y.sum().backward()
    return x.grad


@pytest.mark.parametrize("case", [_relu_on_view_then_base_written, _relu_on_view_then_view_written,
                                  _relu_on_view_then_view_written_base_read,
                                  _sigmoid_on_transpose_then_base_written,
                                  _exp_on_view_then_other_view_written])
def test_result_saved_through_a_view_then_written_refuses_backward(case: Callable[[Any], Any]) -> None:
    """An op applied in place to a view saves the view as its result; a later write to the view or its
    base moves the counter they share, and backward refuses (minigrad computed a gradient from its copy)."""
    torch = require_torch()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        case(torch)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        case(mg)


def _exp_of_view_then_base_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x.clone()
    y = b[1:].exp()  # the result is a new tensor, not the view: no write reaches it
    b.zero_()
    y.sum().backward()
    return x.grad


def _add_on_view_then_base_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x * 2
    y = b[:2].add_(1)  # AddBackward0 saves nothing
    b.mul_(3)
    (y * y).sum().backward()
    return x.grad


@pytest.mark.parametrize("case", [_exp_of_view_then_base_written, _add_on_view_then_base_written])
def test_writes_that_no_saved_result_sees_still_backpropagate(case: Callable[[Any], Any]) -> None:
    torch = require_torch()
    np.testing.assert_allclose(case(mg).numpy(), case(torch).numpy(), rtol=1e-6)
