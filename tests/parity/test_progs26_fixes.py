"""Differences found while writing progs26's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("sizes", [(4,), (-1, 3, 4), (2, 3), (5, 6), (3, -2), (2, -1, 5), (-1, 2, 5)])
def test_expand_names_the_dim_pytorch_names(sizes: tuple[int, ...]) -> None:
    """expand checks from the last dim, so PyTorch's message names the last misfit ((3, 4) to (2, 3): dim 1,
    sizes 3 and 4); minigrad named the first (dim 0, sizes 2 and 3). Too few sizes and a leading -1 have
    PyTorch's own words."""
    data = torch.randn(3, 4)
    with pytest.raises(RuntimeError) as want:
        data.expand(*sizes)
    with pytest.raises(RuntimeError) as got:
        mg.tensor(data.numpy()).expand(*sizes)
    assert str(got.value).startswith(str(want.value)), (str(got.value), str(want.value))
