"""Shape-op errors in PyTorch's words, as its test_view_ops.py / test_shape_ops.py match them.

Each case raises in both libraries, an instance of PyTorch's class, with the words its tests search for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

CASES: list[tuple[str, Callable[[Any], Any], type[Exception], str]] = [
    ("transpose dim", lambda m: m.ones(2, 3).transpose(0, 5), IndexError, "Dimension out of range"),
    ("movedim dim", lambda m: m.movedim(m.ones(2, 3), 0, 4), IndexError, "Dimension out of range"),
    ("chunk 0", lambda m: m.ones(4).chunk(0), RuntimeError, "chunk expects.*greater than 0"),
    ("chunk -1", lambda m: m.ones(4).chunk(-1), RuntimeError, "chunk expects.*greater than 0"),
    ("expand", lambda m: m.ones(2).expand(1, 1), RuntimeError,
     r"The expanded size of the tensor \(1\) must match the existing size \(2\) at non-singleton "
     r"dimension 1"),
    ("broadcast_to", lambda m: m.broadcast_to(m.ones(3, 2), (4, 3, 1)), RuntimeError,
     r"The expanded size of the tensor \(\d\) must match the existing size \(\d\)"),
    ("view -1 of nothing", lambda m: m.empty(0).view(-1, 0), RuntimeError,
     "because the unspecified dimension size -1 can be any value"),
    ("view size", lambda m: m.ones(6).view(4, 2), RuntimeError,
     r"shape '\[4, 2\]' is invalid for input of size 6"),
    ("clamp", lambda m: m.ones(3).clamp(), RuntimeError, "At least one of 'min' or 'max' must not be None"),
    ("clamp_", lambda m: m.ones(3).clamp_(), RuntimeError, "At least one of 'min' or 'max' must not be None"),
    ("fliplr", lambda m: m.fliplr(m.ones(4)), RuntimeError, r"Input must be >= 2-d\."),
    ("flipud", lambda m: m.flipud(m.tensor(1.0)), RuntimeError, r"Input must be >= 1-d\."),
    ("flip no dims", lambda m: m.ones(2, 2).flip(), TypeError, "dims"),
    ("mT", lambda m: m.ones(2).mT, RuntimeError, "only supported on matrices"),
    ("mH", lambda m: m.ones(2).mH, RuntimeError, "only supported on matrices"),
    ("adjoint", lambda m: m.ones(2).adjoint(), RuntimeError, "only supported on matrices"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_errors_match_pytorchs_words(case: tuple[str, Callable[[Any], Any], type[Exception], str]) -> None:
    _, fn, cls, words = case
    for lib in (torch, mg):
        with pytest.raises(cls, match=words):
            fn(lib)


def test_adjoint_is_the_last_two_dims_swapped() -> None:
    x = [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]
    assert mg.tensor(x).adjoint().tolist() == torch.tensor(x).adjoint().tolist()


MORE: list[tuple[str, Callable[[Any], Any], type[Exception], str]] = [
    ("movedim lengths", lambda m: m.movedim(m.ones(2, 3), (1, 0), (0,)), RuntimeError,
     "movedim: Invalid source or destination dims:"),
    ("take_along_dim ndim", lambda m: m.take_along_dim(m.ones(2, 3), m.zeros(3, dtype=m.int64), dim=0),
     RuntimeError, "input and indices should have the same number of dimensions"),
    ("take_along_dim int32", lambda m: m.take_along_dim(m.ones(2, 3), m.zeros(1, 3, dtype=m.int32), dim=0),
     RuntimeError, "dtype of indices should be Long"),
    ("take_along_dim dim", lambda m: m.take_along_dim(m.ones(2, 3), m.zeros(1, 3, dtype=m.int64), dim=-7),
     IndexError, "Dimension out of range"),
    ("tensor_split 0-d", lambda m: m.tensor_split(m.tensor(1.0), 2), RuntimeError,
     "tensor_split expected at least a 1-dimensional tensor"),
    ("tensor_split 0 sections", lambda m: m.tensor_split(m.ones(4), 0), RuntimeError,
     "number of sections must be larger than 0, got 0"),
    ("tensor_split float cuts", lambda m: m.tensor_split(m.ones(4), m.tensor(1.1)), RuntimeError,
     "to have dtype of long, but got Float"),
    ("movedim repeated source", lambda m: m.movedim(m.ones(2, 3), (0, 0), (0, 1)), RuntimeError,
     "movedim: repeated dim in `source`"),
    ("movedim repeated destination", lambda m: m.movedim(m.ones(2, 3), (0, 1), (1, 1)), RuntimeError,
     "movedim: repeated dim in `destination`"),
    ("nonzero out dtype", lambda m: m.nonzero(m.ones(2), out=m.empty(0)), RuntimeError, "scalar type Long"),
    ("tensor_split 2-d cuts", lambda m: m.tensor_split(m.ones(4), m.tensor([[1]])), RuntimeError,
     "zero-dimensional or one-dimensional tensor, but got a tensor with 2 dims"),
]


@pytest.mark.parametrize("case", MORE, ids=[c[0] for c in MORE])
def test_more_errors_match_pytorchs_words(
        case: tuple[str, Callable[[Any], Any], type[Exception], str]) -> None:
    _, fn, cls, words = case
    for lib in (torch, mg):
        with pytest.raises(cls, match=words):
            fn(lib)


@pytest.mark.parametrize("cuts", [(-1,), (2, -1), (0, -1, 0, 10), (-10,), (3, 4, 10), (5, 2)])
def test_tensor_split_cuts_slice_as_python_does(cuts: tuple[int, ...]) -> None:
    got = [p.tolist() for p in mg.tensor_split(mg.arange(10), cuts)]
    expected = [p.tolist() for p in torch.tensor_split(torch.arange(10), cuts)]
    assert got == expected
    got_t = [p.tolist() for p in mg.tensor_split(mg.arange(10), mg.tensor(cuts))]
    assert got_t == expected


def test_view_after_layers_whose_results_minigrad_lays_out_differently_works_as_in_pytorch() -> None:
    """x.view(x.size(0), -1) after an adaptive pool (a ResNet's head): PyTorch's result is contiguous there
    and minigrad's need not be, so view copies there (views of contiguous tensors raise, as PyTorch's)."""
    for lib in (mg, torch):
        lib.manual_seed(0)
        x = lib.randn(2, 1, 8, 8)
        pooled = lib.nn.functional.adaptive_avg_pool2d(lib.nn.Conv2d(1, 3, 3)(x), (3, 3))
        assert pooled.view(pooled.size(0), -1).shape == (2, 27)
    for lib in (mg, torch):  # a view of a contiguous tensor has PyTorch's strides: view raises as PyTorch's
        with pytest.raises(RuntimeError, match="view size is not compatible"):
            lib.ones(2, 3).t().view(-1)
