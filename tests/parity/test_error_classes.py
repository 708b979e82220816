"""Each error minigrad raises is an instance of the class PyTorch raises for the same call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")
torch.set_num_threads(1)


def _backward_twice(lib: Any) -> None:
    x = lib.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _inplace_on_leaf(lib: Any) -> None:
    lib.ones(2, requires_grad=True).add_(1.0)


def _non_scalar_backward(lib: Any) -> None:
    (lib.ones(2, requires_grad=True) * 2).backward()


CASES: dict[str, Callable[[Any], Any]] = {
    "broadcast": lambda lib: lib.zeros(2) + lib.zeros(3),
    "matmul-inner": lambda lib: lib.zeros(2, 3) @ lib.zeros(2, 3),
    "reshape": lambda lib: lib.zeros(4).reshape(3),
    "view": lambda lib: lib.zeros(4).view(5),
    "sum-dim": lambda lib: lib.zeros(2, 3).sum(2),
    "transpose-dim": lambda lib: lib.zeros(2, 3).transpose(0, 3),
    "index": lambda lib: lib.zeros(2, 3)[5],
    "item": lambda lib: lib.zeros(3).item(),
    "bool": lambda lib: bool(lib.zeros(3)),
    "clamp-none": lambda lib: lib.zeros(3).clamp(),
    "split-float": lambda lib: lib.zeros(4).split(1.5),
    "chunk-float": lambda lib: lib.zeros(4).chunk(1.5),
    "cat-empty": lambda lib: lib.cat([]),
    "cat-shapes": lambda lib: lib.cat([lib.zeros(2, 3), lib.zeros(2, 4)]),
    "stack-shapes": lambda lib: lib.stack([lib.zeros(2), lib.zeros(3)]),
    "add-str": lambda lib: lib.zeros(2) + "a",
    "negative-shape": lambda lib: lib.zeros(-1),
    "int-requires-grad": lambda lib: lib.zeros(2, dtype=lib.int64).requires_grad_(),
    "backward-twice": _backward_twice,
    "inplace-leaf": _inplace_on_leaf,
    "non-scalar-backward": _non_scalar_backward,
    "linear-in-features": lambda lib: lib.nn.Linear(3, 2)(lib.zeros(4, 5)),
    # found by running tinygrad's test_ops.py torch lambdas on minigrad
    "cumprod-0d-dim": lambda lib: lib.cumprod(lib.tensor(2.0), dim=1),
    "cummax-0d-dim": lambda lib: lib.cummax(lib.tensor(2.0), dim=1),
    "cummin-0d-dim": lambda lib: lib.tensor(2.0).cummin(-2),
    "logcumsumexp-0d-dim": lambda lib: lib.logcumsumexp(lib.tensor(2.0), 1),
    "logcumsumexp-int": lambda lib: lib.logcumsumexp(lib.tensor([1, 2]), 0),
    "nanmean-int": lambda lib: lib.nanmean(lib.tensor([1, 2])),
    "arange-bool": lambda lib: lib.arange(3, dtype=lib.bool),
    "linspace-bool": lambda lib: lib.linspace(5, 10, 3, dtype=lib.bool),
    "logspace-bool": lambda lib: lib.logspace(0, 1, 3, dtype=lib.bool),
    "lshift-float": lambda lib: lib.ones(2) << 1,
    "rshift-bool": lambda lib: lib.tensor([True]) >> lib.tensor([True]),
    "and-float": lambda lib: lib.ones(2) & lib.ones(2),
    "or-int-float": lambda lib: lib.tensor([1, 2]) | 1.5,
    "bitwise-not-float": lambda lib: lib.ones(2).bitwise_not(),
    "invert-float": lambda lib: ~lib.ones(2),
    "roll-shifts-without-dims": lambda lib: lib.ones(2, 4).roll((1, 2)),
    "scatter-reduce-dtype": lambda lib: lib.ones(4, 5).double().scatter_reduce(
        0, lib.zeros(4, 5, dtype=lib.int64), lib.ones(4, 5), reduce="sum"),
    "view-dtype-size": lambda lib: lib.ones(2, 3).view(lib.float64),
    "view-dtype-0d": lambda lib: lib.ones(()).view(lib.int16),
    "view-dtype-stride": lambda lib: lib.ones(4, 2).t().view(lib.float64),
    "pow-int-negative-scalar": lambda lib: lib.tensor([2]) ** -2,
    "pad-reflect-no-output": lambda lib: lib.nn.functional.pad(lib.ones(1, 1, 5), (0, -5), mode="reflect"),
    "pad-replicate-negative": lambda lib: lib.nn.functional.pad(lib.ones(1, 1, 3), (-2, -2), "replicate"),
    "randint-no-bound": lambda lib: lib.randint(size=(2,)),
    "multi-dot-one": lambda lib: lib.linalg.multi_dot([lib.ones(2, 2)]),
    "multi-dot-3d": lambda lib: lib.linalg.multi_dot([lib.ones(2, 2), lib.ones(2, 2, 2), lib.ones(2, 2)]),
    "multi-dot-sizes": lambda lib: lib.linalg.multi_dot([lib.ones(2, 3), lib.ones(2, 2)]),
    "matrix-power-nonsquare": lambda lib: lib.linalg.matrix_power(lib.ones(2, 3), 2),
    "vecdot-int": lambda lib: lib.linalg.vecdot(lib.tensor([1, 2]), lib.tensor([3, 4])),
    "vecdot-sizes": lambda lib: lib.linalg.vecdot(lib.ones(2, 3), lib.ones(2, 4)),
    "matrix-rank-1d": lambda lib: lib.linalg.matrix_rank(lib.ones(3)),
    "cross-no-3": lambda lib: lib.cross(lib.ones(2, 4), lib.ones(2, 4), dim=1),
    "select-scatter-shape": lambda lib: lib.select_scatter(lib.ones(3, 4), lib.ones(3), 0, 1),
    "select-scatter-index": lambda lib: lib.select_scatter(lib.ones(3, 4), lib.ones(4), 0, 3),
    "slice-scatter-shape": lambda lib: lib.slice_scatter(lib.ones(3, 4), lib.ones(3, 4), 1, 1),
    "diagonal-scatter-shape": lambda lib: lib.diagonal_scatter(lib.ones(3, 4), lib.ones(4)),
    "renorm-p": lambda lib: lib.renorm(lib.ones(3, 4), 0.0, 0, 1.0),
    "renorm-maxnorm": lambda lib: lib.renorm(lib.ones(3, 4), 2.0, 0, -1.0),
    "renorm-1d": lambda lib: lib.ones(3).renorm(2.0, 0, 1.0),
    "split-with-sizes-sum": lambda lib: lib.split_with_sizes(lib.ones(5), [2, 2]),
    "split-with-sizes-negative": lambda lib: lib.ones(5).split_with_sizes([6, -1]),
    "unravel-float": lambda lib: lib.unravel_index(lib.tensor([1.0]), (2, 3)),
    "unravel-negative-shape": lambda lib: lib.unravel_index(lib.tensor([1]), (2, -3)),
    "unravel-shape-type": lambda lib: lib.unravel_index(lib.tensor([1]), 2.5),
    "zeta-grad-x": lambda lib: lib.special.zeta(lib.ones(2, requires_grad=True) * 3, lib.ones(2)).sum()
    .backward(),
    "igamma-grad-a": lambda lib: lib.igamma(lib.ones(2, requires_grad=True) * 2, lib.ones(2)).sum()
    .backward(),
    "igammac-grad-a": lambda lib: lib.igammac(lib.ones(2, requires_grad=True), lib.ones(2)).sum()
    .backward(),
    "igamma-number": lambda lib: lib.igamma(lib.ones(2), 2.0),
    "unravel-zero": lambda lib: lib.unravel_index(lib.tensor([1]), (2, 0)),
    # found by the API.md audit (apiaudit): numpy computes these, PyTorch refuses them
    "sub-bool-tensors": lambda lib: lib.tensor([True]) - lib.tensor([False]),
    "sub-bool-tensor-int": lambda lib: lib.tensor([True, False]) - 1,
    "rsub-bool-tensor": lambda lib: 1.5 - lib.tensor([True]),
    "sub-python-bool": lambda lib: lib.ones(2) - True,
    "sub-float-bool-tensor": lambda lib: lib.ones(2) - lib.tensor([True, False]),
    "isub-bool": lambda lib: lib.tensor([1, 2]).__isub__(lib.tensor([True, False])),
    "sub_-bool": lambda lib: lib.ones(2).sub_(True),
    "torch-sub-bool": lambda lib: lib.sub(lib.tensor([True]), 1),
    "torch-sub-alpha-bool": lambda lib: lib.sub(lib.ones(1), lib.tensor([True]), alpha=2),
    "torch-rsub-bool": lambda lib: lib.rsub(lib.tensor([True]), 1),
    "pow-bool-bool": lambda lib: lib.tensor([True]) ** lib.tensor([True]),
    "rpow-bool-bool": lambda lib: True ** lib.tensor([True]),
    "where-float-condition": lambda lib: lib.where(lib.tensor([1.0, 0.0]), lib.ones(2), lib.zeros(2)),
    "where-int-condition": lambda lib: lib.where(lib.tensor([1, 0]), lib.ones(2), lib.zeros(2)),
    "batchnorm-f32-module-f64-input": lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 3, dtype=lib.float64)),
    "batchnorm-eval-f32-module-f64-input": lambda lib: lib.nn.BatchNorm1d(3).eval()(
        lib.ones(2, 3, dtype=lib.float64)),
    "batch_norm-f64-stats-f32-input": lambda lib: lib.nn.functional.batch_norm(
        lib.ones(2, 3), lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)),
    "layernorm-f32-module-f64-input": lambda lib: lib.nn.LayerNorm(3)(lib.ones(2, 3, dtype=lib.float64)),
    "layer_norm-f64-weight-f32-input": lambda lib: lib.nn.functional.layer_norm(
        lib.ones(2, 3), (3,), lib.ones(3, dtype=lib.float64)),
    "group_norm-f32-weight-f64-input": lambda lib: lib.nn.functional.group_norm(
        lib.ones(2, 4, dtype=lib.float64), 2, lib.ones(4)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_is_an_instance_of_torchs_class(case: str) -> None:
    require_torch()
    fn = CASES[case]
    with pytest.raises(Exception) as expected:
        fn(torch)
    with pytest.raises(Exception) as got:
        fn(mg)
    assert isinstance(got.value, type(expected.value)), (
        f"{case}: minigrad raised {type(got.value).__mro__}, PyTorch {type(expected.value).__name__}"
    )
