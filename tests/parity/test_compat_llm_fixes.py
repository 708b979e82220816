"""What the LLM / architecture-from-scratch compat programs (tests/compat/programs) needed:
each fix checked against torch on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

_SHAPE_KEYWORDS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    # DiT's unpatchify calls x.reshape(shape=(...)); the others are the same keyword spelled by PyTorch
    ("reshape", lambda lib, x: x.reshape(shape=(3, 2))),
    ("view", lambda lib, x: x.view(size=(3, 2))),
    ("permute", lambda lib, x: x.permute(dims=(1, 0))),
    ("expand", lambda lib, x: x[None].expand(size=(2, 2, 3))),
    ("repeat", lambda lib, x: x.repeat(repeats=(1, 2))),
    ("new_zeros", lambda lib, x: x.new_zeros(size=(4,))),
    ("new_ones", lambda lib, x: x.new_ones(size=(4,))),
    ("new_empty", lambda lib, x: x.new_empty(size=(4,)).zero_()),
    ("full", lambda lib, x: lib.full(size=(2, 3), fill_value=1.5)),
    ("randn", lambda lib, x: lib.randn(size=(2, 3))),
    ("rand", lambda lib, x: lib.rand(size=(3,))),
]


@pytest.mark.parametrize(("name", "call"), _SHAPE_KEYWORDS, ids=[n for n, _ in _SHAPE_KEYWORDS])
def test_shape_keywords_match_torch(name: str, call: Callable[[Any, Any], Any]) -> None:
    data = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    mg.manual_seed(0)
    ours = call(mg, mg.tensor(data)).numpy()
    torch.manual_seed(0)
    theirs = call(torch, torch.tensor(data)).numpy()
    assert ours.shape == theirs.shape, name
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
