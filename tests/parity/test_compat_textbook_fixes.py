"""What the tutorial- and textbook-style compat programs of progs5 (yunjey, d2l, the PyTorch tutorials in
tests/compat/programs) needed: each fix checked against torch on its own."""

from __future__ import annotations

from typing import Any

import numpy as np

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def test_factories_take_size_keyword_as_torch() -> None:
    # d2l: X = torch.rand(size=(1, 1, 224, 224)); new_zeros(size=...) made a 0-d tensor before
    def made(lib: Any) -> list[Any]:
        lib.manual_seed(0)
        base = lib.ones(2, dtype=lib.float64)
        return [lib.rand(size=(2, 3)), lib.randn(size=(4,)), lib.rand(size=[1, 2], dtype=lib.float64),
                lib.full(size=(2,), fill_value=3.0), lib.full((1, 2), 7), base.new_zeros(size=(3,)),
                base.new_ones(size=(1, 2)), base.new_empty(size=(2, 2)).shape, base.new_zeros(2, 1)]

    for ours, theirs in zip(made(mg), made(torch), strict=True):
        if isinstance(theirs, torch.Size):
            assert tuple(ours) == tuple(theirs)
            continue
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
