"""Differences the lead found in session 39, each compared with PyTorch on its own."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from minigrad.utils import benchmark as mg_benchmark
from tests.helpers import require_torch

torch = require_torch()
import torch.utils.benchmark as torch_benchmark  # noqa: E402 - after require_torch's skip


@pytest.mark.parametrize("method", ["repeat", "autorange"])
def test_benchmark_timer_repeat_and_autorange_raise_as_pytorch(method: str) -> None:
    """timeit.Timer's repeat/autorange were missing (AttributeError); PyTorch's Timer has both and raises
    NotImplementedError pointing at blocked_autorange, which a script catching it relies on."""
    def raised(bench: Any, lib: Any) -> tuple[type, str]:
        with pytest.raises(Exception) as info:
            getattr(bench.Timer(stmt="x + 1", globals={"x": lib.ones(3)}), method)()
        return type(info.value), str(info.value)

    assert raised(mg_benchmark, mg) == raised(torch_benchmark, torch)
