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


NUMBER_CALLS = [
    "neg(2.0)", "negative(3)", "normal(2.0)", "normal(2.0, 1.0)", "get_device(2.0)",
    "is_autocast_enabled(2.0)",
    "get_autocast_dtype(2.0)", "set_autocast_enabled('cpu', 2.0)", "set_autocast_enabled('cpu', 1)",
    "set_autocast_dtype('cpu', 2.0)", "set_autocast_cache_enabled(1)",
]


@pytest.mark.parametrize("call", NUMBER_CALLS)
def test_numbers_where_pytorch_wants_a_tensor_str_bool_or_dtype_are_type_errors(call: str) -> None:
    """These returned a number, a tensor or None (neg(2.0) was -2.0) where PyTorch's parser raises."""
    with pytest.raises(TypeError):
        eval(f"torch.{call}", {"torch": require_torch()})
    with pytest.raises(TypeError) as ours:
        eval(f"mg.{call}")
    assert call.split("(")[0] in str(ours.value) or "enabled must be a bool" in str(ours.value)


def test_the_valid_forms_still_answer() -> None:
    assert mg.neg(mg.tensor([1.0, -2.0])).tolist() == [-1.0, 2.0]
    assert mg.normal(2.0, 1.0, size=(3,)).shape == (3,)
    assert mg.get_device(mg.zeros(1)) == -1
    assert mg.is_autocast_enabled() is False and mg.is_autocast_enabled("cpu") is False
    mg.set_autocast_cache_enabled(False)
    assert mg.is_autocast_cache_enabled() is False
    mg.set_autocast_cache_enabled(True)
    assert mg.is_autocast_cache_enabled() is True
