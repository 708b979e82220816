"""nn.init against torch.nn.init: the gains and the deterministic fillers are equal."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import init
from tests.helpers import require_torch


@pytest.mark.parametrize(("name", "param"), [
    ("linear", None), ("conv2d", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None),
    ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None),
])  # fmt: skip
def test_calculate_gain(name: str, param: float | None) -> None:
    torch = require_torch()
    assert init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)


@pytest.mark.parametrize(("fn", "shape", "kwargs"), [
    ("eye_", (3, 5), {}), ("eye_", (4, 2), {}), ("dirac_", (4, 3, 5), {}),
    ("dirac_", (6, 2, 3, 3), {"groups": 3}),
    ("dirac_", (2, 4, 2, 3, 1), {}), ("constant_", (2, 3), {"val": -1.5}), ("ones_", (4,), {}),
])  # fmt: skip
def test_deterministic_fillers_equal_torch(fn: str, shape: tuple[int, ...],
                                           kwargs: dict[str, object]) -> None:
    torch = require_torch()
    ours = getattr(init, fn)(mg.ones(*shape, dtype=mg.float64), **kwargs)
    theirs = getattr(torch.nn.init, fn)(torch.ones(*shape, dtype=torch.float64), **kwargs)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
