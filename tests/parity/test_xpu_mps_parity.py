"""torch.xpu, torch.mps and the Tensor's device flags on a machine without those backends, against
PyTorch's CPU build: the same answers, and the same exception classes where a device is needed."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

CALLS = [
    ("xpu", "is_available", ()), ("xpu", "is_initialized", ()), ("xpu", "device_count", ()),
    ("xpu", "empty_cache", ()), ("xpu", "manual_seed", (0,)), ("xpu", "manual_seed_all", (0,)),
    ("xpu", "seed", ()), ("xpu", "seed_all", ()), ("xpu", "synchronize", ()), ("xpu", "current_device", ()),
    ("mps", "is_available", ()), ("mps", "device_count", ()), ("mps", "manual_seed", (0,)),
    ("mps", "seed", ()),
    ("mps", "synchronize", ()), ("mps", "empty_cache", ()), ("mps", "current_allocated_memory", ()),
    ("mps", "driver_allocated_memory", ()),
]  # fmt: skip


def _outcome(lib: Any, module: str, name: str, args: tuple[Any, ...]) -> Any:
    try:
        return getattr(getattr(lib, module), name)(*args)
    except Exception as e:  # (the class is what is compared)
        return e


@pytest.mark.parametrize(("module", "name", "args"), CALLS)
def test_backend_calls_answer_as_pytorch_without_it(module: str, name: str, args: tuple[Any, ...]) -> None:
    torch = require_torch()
    theirs, ours = _outcome(torch, module, name, args), _outcome(mg, module, name, args)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (ours, theirs)
    else:
        assert ours == theirs


def test_tensor_device_flags_match_pytorch() -> None:
    torch = require_torch()
    for flag in ("is_mps", "is_xpu", "is_ipu", "is_xla", "is_mtia", "is_maia", "is_vulkan", "is_sparse_csr"):
        assert getattr(mg.ones(2), flag) is getattr(torch.ones(2), flag) is False
