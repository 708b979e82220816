"""gradcheck and gradgradcheck warn about float32 inputs with PyTorch's words and numbering."""

from __future__ import annotations

import warnings
from typing import Any

import minigrad as mg
from tests.helpers import require_torch


def _warnings(fn: Any) -> list[str]:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fn()
    return [str(w.message) for w in record if issubclass(w.category, UserWarning)]


def _run(lib: Any, second_order: bool) -> list[str]:
    torch = require_torch()
    values = [[0.5, -1.0, 2.0]]
    a = lib.tensor(values, requires_grad=True)  # float32
    b = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    where = lib.autograd if lib is torch else lib
    check = where.gradgradcheck if second_order else where.gradcheck
    return _warnings(lambda: check(lambda x, y: (x * y).sum(), (a, b), raise_exception=False))


def test_float32_warnings_match_pytorch() -> None:
    torch = require_torch()
    for second_order in (False, True):
        got, want = _run(mg, second_order), _run(torch, second_order)
        assert len(got) == len(want) > 0, (second_order, got, want)
        for ours, theirs in zip(got, want):
            assert ours.startswith(theirs), (second_order, ours, theirs)
