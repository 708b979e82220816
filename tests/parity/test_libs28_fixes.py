"""Regressions found by running small third-party PyTorch libraries (timm's optimizers, schedulers and
losses, schedulefree, prodigyopt, dadaptation, madgrad, pytorch-metric-learning, entmax, geoopt, torchcde)
on minigrad and comparing with real torch. The libraries are not needed here: each test reproduces the
torch-API pattern the library relied on and compares it with torch."""

from __future__ import annotations

import pytest

import minigrad as mg
from tests.helpers import require_torch


def test_finfo_of_bfloat16_gives_its_limits() -> None:
    """timm's Kron optimizer: ``torch.finfo(torch.bfloat16).tiny`` as a float32 clamp floor."""
    torch = require_torch()
    ours, theirs = mg.finfo(mg.bfloat16), torch.finfo(torch.bfloat16)
    for name in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert repr(ours) == repr(theirs)
    with pytest.raises(TypeError):
        torch.iinfo(torch.bfloat16)
    with pytest.raises(TypeError):
        mg.iinfo(mg.bfloat16)
