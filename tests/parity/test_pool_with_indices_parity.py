"""F.max_poolNd_with_indices, F.adaptive_max_poolNd_with_indices and F.native_channel_shuffle against torch:
(values, indices) whatever return_indices says, and the gradient through the values."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("adaptive", [False, True])
def test_with_indices_forms_match_torch(nd: int, adaptive: bool) -> None:
    torch = require_torch()
    x = np.random.default_rng(nd).standard_normal((2, 3) + (6,) * nd)
    name = f"{'adaptive_' if adaptive else ''}max_pool{nd}d_with_indices"
    args: tuple[Any, ...] = (4,) if adaptive else (3, 2, 1)
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    v, i = getattr(mg.nn.functional, name)(xm, *args)
    tv, ti = getattr(torch.nn.functional, name)(xt, *args)
    assert np.array_equal(i.numpy(), ti.numpy())
    assert_close(v.detach().numpy(), tv.detach().numpy(), rtol=0, atol=0)
    v.sum().backward()
    tv.sum().backward()
    assert_close(xm.grad.numpy(), xt.grad.numpy(), rtol=0, atol=0)


def test_native_channel_shuffle_matches_torch() -> None:
    torch = require_torch()
    x = np.arange(2 * 6 * 2, dtype=np.float32).reshape(2, 6, 2)
    out = mg.nn.functional.native_channel_shuffle(mg.tensor(x), 3).numpy()
    assert np.array_equal(out, torch.nn.functional.native_channel_shuffle(torch.tensor(x), 3).numpy())
