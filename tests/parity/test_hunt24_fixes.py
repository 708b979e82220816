"""torch.nn.functional corners against PyTorch 2.13: convolution, pooling, resampling, losses (hunt24)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

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


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("shape", "scale"), [((1, 2, 3), 1.3), ((1, 2, 5), 2.1), ((2, 1, 3, 3, 5), 1.3),
                                              ((1, 2, 5, 5, 5), (2.1, 1.3, 1.0)), ((1, 2, 3, 3), 1.3),
                                              ((1, 2, 5, 5), 2.1)])
def test_nearest_1d_and_3d_take_no_copy_shortcut(shape: tuple[int, ...], scale: object, dtype: str) -> None:
    require_torch()
    # PyTorch's 1-d and 3-d 'nearest' kernels floor dst / scale even when the size is kept or doubled
    # (only the 2-d kernel copies), so 3 elements scaled by 1.3 read [0, 0, 1]
    x = np.random.default_rng(0).standard_normal(shape)
    theirs = torch.nn.functional.interpolate(torch.tensor(x, dtype=getattr(torch, dtype)), scale_factor=scale)
    ours = mg.nn.functional.interpolate(mg.tensor(x, dtype=getattr(mg, dtype)), scale_factor=scale)
    assert_close(ours, theirs.numpy(), rtol=0, atol=0)


def test_nearest_1d_float64_floors_a_double_product() -> None:
    require_torch()
    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(1, 30))
        s = float(np.round(rng.uniform(0.3, 4), int(rng.integers(1, 4))))
        if int(n * s) < 1:
            continue
        x = np.arange(n, dtype=np.float64).reshape(1, 1, n)
        theirs = torch.nn.functional.interpolate(torch.tensor(x), scale_factor=s)
        ours = mg.nn.functional.interpolate(mg.tensor(x), scale_factor=s)
        assert_close(ours, theirs.numpy(), rtol=0, atol=0)
