"""Differences found by the progs25 compat programs (tests/compat/programs), each checked against PyTorch."""

from __future__ import annotations

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def test_vmap_randomness_error_leaves_the_generator_alone() -> None:
    # PyTorch refuses the random call inside vmap(randomness='error') before it draws, so the numbers drawn
    # after the caught error are the ones a run without the attempt would draw
    def attempt(lib: object) -> list[float]:
        lib.manual_seed(0)  # type: ignore[attr-defined]
        x = lib.ones(3, 4)  # type: ignore[attr-defined]
        with pytest.raises(RuntimeError, match="randomness error mode"):
            lib.func.vmap(lambda a: a + lib.rand(4))(x)  # type: ignore[attr-defined]
        return lib.rand(3).tolist()  # type: ignore[attr-defined, no-any-return]

    assert attempt(mg) == pytest.approx(attempt(torch), abs=1e-7)
