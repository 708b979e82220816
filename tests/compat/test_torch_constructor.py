"""``torch.Tensor(...)`` under the compat hook follows PyTorch's legacy constructor (float32 data, int sizes),
while ``mg.Tensor(data)`` keeps API.md's rules (ints stay int64) outside it. Old tutorials build their data
with ``torch.Tensor([[0, 0], [0, 1], ...])`` and feed it to a Linear layer: int64 there failed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

CASES = [
    "T([1, 2])", "T(3)", "T(2, 3)", "T()", "T(np.array([1, 2]))", "T(np.array([1.5], dtype=np.float64))",
    "T([True, False])", "T(lib.tensor([1, 2]))", "T((2, 3))", "T([[1, 2], [3, 4]])", "T(lib.Size([2, 3]))",
    "lib.tensor([1, 2])", "lib.as_tensor([1, 2])", "lib.where(lib.tensor([True, False]), 1, 0)",
    "lib.full((2,), 7)", "lib.nn.Parameter(T(2, 2))", "lib.LongTensor([1, 2])",
]


#: sizes: PyTorch leaves the values uninitialized (minigrad gives zeros), so only dtype and shape compare
SIZES = ("T(3)", "T(2, 3)", "T(lib.Size([2, 3]))", "lib.nn.Parameter(T(2, 2))")


def _made(lib: Any, case: str) -> tuple[str, tuple[int, ...], Any]:
    t = eval(case, {"lib": lib, "T": lib.Tensor, "np": np})  # (the fixed cases above)
    return str(t.dtype).removeprefix("torch."), tuple(t.shape), None if case in SIZES else t.tolist()


@pytest.mark.parametrize("case", CASES)
def test_torch_tensor_constructor_matches_pytorch(case: str, torch_rules: None) -> None:
    torch = require_torch()
    assert _made(mg, case) == _made(torch, case)


def test_a_bare_float_is_not_data(torch_rules: None) -> None:
    torch = require_torch()
    with pytest.raises(TypeError, match="must be a sequence"):
        torch.Tensor(2.5)
    with pytest.raises(TypeError, match="must be a sequence"):
        mg.Tensor(2.5)


def test_minigrads_own_rules_outside_the_hook() -> None:
    assert mg.Tensor([1, 2]).dtype == np.int64  # API.md: ints become int64
    assert mg.Tensor(3).shape == () and mg.Tensor(3).item() == 3
    assert mg.Tensor(np.array([1.5])).dtype == np.float64


def test_minigrads_own_code_keeps_its_dtypes_under_the_hooks_rules(torch_rules: None) -> None:
    """Only a script's own ``torch.Tensor(...)`` follows the legacy rules: the tensors minigrad makes inside
    (collated ints, lifted operands, where's scalars) keep theirs."""
    batch = next(iter(mg.utils.data.DataLoader([(1, 2.5), (3, 4.5)], batch_size=2)))
    assert [b.dtype for b in batch] == [np.int64, np.float64]
    assert (mg.tensor([1, 2]) + np.array([1, 2])).dtype == np.int64
    assert mg.where(mg.tensor([True, False]), 1, 0).dtype == np.int64
    assert mg.nn.Parameter(np.arange(3.0)).dtype == np.float64
    loss = mg.nn.functional.multilabel_margin_loss(mg.tensor([[0.1, 0.2, 0.4]]), mg.tensor([[2, -1, 0]]))
    assert loss.dtype == np.float32
