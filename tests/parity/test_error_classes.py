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
