"""What the progs17 batch of compat programs (tests/compat/programs: testing_assert_close, ...) needed:
each fix checked against torch on its own."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from minigrad import _format
from minigrad.testing import assert_close
from tests.helpers import require_torch

torch = require_torch()


def _message(fn: Any, *args: Any, **kwargs: Any) -> str:
    try:
        fn(*args, **kwargs)
    except AssertionError as e:
        return str(e)
    return "ok"


def test_assert_close_names_shape_and_dtype_as_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before progs17 (testing_assert_close.py) a shape or dtype mismatch printed numpy's forms:
    '(3,) != (3, 1)' and 'float32 != float64' where PyTorch prints 'torch.Size([3]) != torch.Size([3, 1])'
    and 'torch.float32 != torch.float64'."""
    monkeypatch.setattr(_format, "NAMESPACE", "torch")  # as under python -m minigrad.compat
    for shapes in (((3,), (3, 1)), ((), (1,)), ((2, 0), (2,))):
        got = _message(assert_close, mg.zeros(shapes[0]), mg.zeros(shapes[1]))
        assert got == _message(torch.testing.assert_close, torch.zeros(shapes[0]), torch.zeros(shapes[1]))
    for a, b in ((mg.float32, mg.float64), (mg.int64, mg.bool), (mg.uint8, mg.float16)):
        ta, tb = (getattr(torch, str(d)) for d in (a, b))
        got = _message(assert_close, mg.zeros(2, dtype=a), mg.zeros(2, dtype=b))
        assert got == _message(torch.testing.assert_close, torch.zeros(2, dtype=ta), torch.zeros(2, dtype=tb))
