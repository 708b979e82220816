"""Lead session 47: fixes found by CI's fuzzers and this session's programs."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch


def _setitem(lib: Any, shape: tuple[int, ...], index: Any, value: list[float]) -> None:
    t = lib.zeros(*shape)
    t[index] = lib.tensor(value)


@pytest.mark.parametrize(
    ("shape", "index", "value"),
    [((0,), [0], [1.0, 2.0, 3.0, 4.0, 5.0]), ((0,), [0], [1.0]), ((2, 0), (0, [1]), [1.0, 2.0])],
)
def test_setitem_past_an_empty_dim_is_an_index_error(
    shape: tuple[int, ...], index: Any, value: list[float]
) -> None:
    """An index into an empty dim is PyTorch's IndexError even when the value's shape would not fit either
    (minigrad's shape-mismatch message looked the index up again and let numpy's bare IndexError out)."""
    torch = require_torch()
    with pytest.raises(IndexError) as theirs:
        _setitem(torch, shape, index, value)
    with pytest.raises(type(theirs.value)) as ours:
        _setitem(mg, shape, index, value)
    assert isinstance(ours.value, mg.errors.MinigradError), ours.value  # not numpy's bare IndexError
    assert str(shape) in str(ours.value)
