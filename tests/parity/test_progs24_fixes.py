"""Differences found by the progs24 compat programs (tests/compat/programs), each checked against PyTorch."""

from __future__ import annotations

import pytest

import minigrad as mg
import minigrad.nn.functional as F
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize(("shape", "dim"), [((2, 3), -1), ((3, 4), 0), ((5,), 0), ((2, 3, 4), -2), ((), 0)])
def test_glu_odd_dimension_message_is_pytorchs(shape: tuple[int, ...], dim: int) -> None:
    # tft_grn_quantiles.py prints the error F.glu raises for an odd halving dimension
    with pytest.raises(RuntimeError) as want:
        torch.nn.functional.glu(torch.zeros(shape), dim)
    with pytest.raises(RuntimeError) as got:
        F.glu(mg.zeros(shape), dim)
    assert str(got.value) == str(want.value)
