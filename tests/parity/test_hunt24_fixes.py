"""torch.nn.functional corners against PyTorch 2.13: convolution, pooling, resampling, losses (hunt24)."""

from __future__ import annotations

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_adaptive_avg_pool_of_an_empty_spatial_dim_raises(nd: int) -> None:
    require_torch()
    shape = (1, 1, 0) + (4,) * (nd - 1)
    name = f"adaptive_avg_pool{nd}d"
    with pytest.raises(RuntimeError, match="non-zero size for non-batch dimensions"):
        getattr(torch.nn.functional, name)(torch.zeros(shape), 2)
    with pytest.raises(RuntimeError, match="non-zero size for non-batch dimensions"):
        getattr(mg.nn.functional, name)(mg.zeros(shape), 2)
    # an empty batch still pools, as PyTorch's
    theirs = getattr(torch.nn.functional, name)(torch.zeros((0, 2) + (4,) * nd), 2)
    ours = getattr(mg.nn.functional, name)(mg.zeros((0, 2) + (4,) * nd), 2)
    assert tuple(ours.shape) == tuple(theirs.shape)
