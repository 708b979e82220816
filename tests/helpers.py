"""Shared test helpers: the PyTorch oracle and tolerant comparisons."""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import numpy as np
import pytest


def require_torch() -> ModuleType:
    """Import torch pinned to one thread; skip without it unless CI demands it.

    CI sets MINIGRAD_REQUIRE_TORCH=1 so that a missing oracle fails the run
    instead of silently skipping every parity test.
    """
    try:
        import torch
    except ImportError:
        if os.environ.get("MINIGRAD_REQUIRE_TORCH"):
            raise
        pytest.skip("PyTorch is not installed (pip install -e '.[parity]')", allow_module_level=True)
    torch.set_num_threads(1)
    return torch


def assert_close(actual: Any, expected: Any, rtol: float = 1e-10, atol: float = 1e-12) -> None:
    """Assert two arrays (or Tensors) agree in shape and value."""
    a = np.asarray(getattr(actual, "data", actual))
    e = np.asarray(expected.detach().numpy() if hasattr(expected, "detach") else expected)
    assert a.shape == e.shape, f"shape {a.shape} != expected {e.shape}"
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)
