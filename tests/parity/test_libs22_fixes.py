"""Regressions found by running small third-party PyTorch libraries (rotary-embedding-torch, ema-pytorch,
lion-pytorch, vector-quantize-pytorch, x-transformers, torch-optimizer, torchsde, ...) on minigrad and
comparing with real torch. The libraries are not needed here: each test reproduces the torch-API pattern
the library relied on and compares it with torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


@pytest.mark.parametrize("how", ["device", "str", "keyword", "none"])
def test_generator_takes_the_device_as_its_positional_argument(how: str) -> None:
    """torchsde's BrownianInterval: ``torch.Generator(device).manual_seed(seed)`` with a torch.device."""
    torch = require_torch()

    def draws(lib: Any) -> np.ndarray:
        arg = {"device": (lib.device("cpu"),), "str": ("cpu",), "none": (None,), "keyword": ()}[how]
        gen = lib.Generator(*arg, device="cpu") if how == "keyword" else lib.Generator(*arg)
        assert str(gen.device) == "cpu"
        assert gen.initial_seed() == 67280421310721  # PyTorch's default seed: the device is no seed
        gen.manual_seed(42)
        return np.asarray(lib.randn(2, 3, generator=gen).numpy())

    np.testing.assert_array_equal(draws(mg), draws(torch))


@pytest.mark.parametrize("dev", ["cuda", "meta"])
def test_generator_on_a_device_other_than_the_cpu_raises_runtime_error(dev: str) -> None:
    torch = require_torch()
    with pytest.raises(RuntimeError):
        torch.Generator(torch.device(dev))
    for arg in (mg.device(dev), dev):
        with pytest.raises(RuntimeError, match=f"device '{dev}'"):
            mg.Generator(arg)
    with pytest.raises(RuntimeError, match=f"device '{dev}'"):
        mg.Generator(device=dev)


def test_generator_still_takes_a_seed() -> None:
    """minigrad's own form, ``mg.Generator(seed)``, is unchanged."""
    torch = require_torch()
    gen = torch.Generator().manual_seed(9)
    expected = torch.randn(4, generator=gen).numpy()
    np.testing.assert_array_equal(mg.randn(4, generator=mg.Generator(9)).numpy(), expected)
