"""The sign of a zero result as PyTorch gives it (print shows it: ``0.`` or ``-0.``): where with a 0
branch, relu, clamp, hardtanh and the ELU family on -0.0, +0.0 and negative inputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

X = [-2.0, -0.0, 0.0, 3.0, -1e-30]
FORMS: dict[str, Callable[[Any, Any], Any]] = {
    "where": lambda lib, x: lib.where(x > 0, x, 0.0),
    "relu": lambda lib, x: lib.nn.functional.relu(x),
    "relu6": lambda lib, x: lib.nn.functional.relu6(x),
    "clamp_min": lambda lib, x: x.clamp(min=0),
    "clamp_max": lambda lib, x: x.clamp(max=0),
    "hardtanh": lambda lib, x: lib.nn.functional.hardtanh(x, 0.0, 1.0),
    "elu": lambda lib, x: lib.nn.functional.elu(x),
    "masked_fill": lambda lib, x: x.masked_fill(x < 0, 0.0),
}


@pytest.mark.parametrize("name", list(FORMS))
@pytest.mark.parametrize("n", [1, 5000])  # (numpy's one-call path and the bit operations)
def test_zero_signs_match_torch(name: str, n: int) -> None:
    torch = require_torch()
    x = np.tile(np.array(X, np.float32), n)
    ours = FORMS[name](mg, mg.tensor(x)).numpy()
    theirs = FORMS[name](torch, torch.tensor(x)).numpy()
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


GRAD_FORMS: dict[str, Callable[[Any, Any], Any]] = {
    "relu": lambda lib, x: lib.nn.functional.relu(x),
    "relu_method": lambda lib, x: x.relu(),
    "where": lambda lib, x: lib.where(x > 0, x, 0.0),
    "clamp_min": lambda lib, x: x.clamp(min=0),
}


@pytest.mark.parametrize("name", list(GRAD_FORMS))
@pytest.mark.parametrize("n", [1, 5000])  # (small arrays, and the product path of large ones)
def test_zero_signs_of_gradients_match_torch(name: str, n: int) -> None:
    # a negative upstream gradient where the input was cut off: PyTorch's selection gives +0.0
    torch = require_torch()
    x = np.tile(np.array(X, np.float32), n)
    up = np.tile(np.array([-1.5, -2.0, 3.0, -0.5, 2.0], np.float32), n)
    grads = []
    for lib in (mg, torch):
        t = lib.tensor(x, requires_grad=True)
        (GRAD_FORMS[name](lib, t) * lib.tensor(up)).sum().backward()
        grads.append(t.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
    np.testing.assert_array_equal(np.signbit(grads[0]), np.signbit(grads[1]))
