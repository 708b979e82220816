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


def test_float32_warnings_match_pytorch() -> None:
    torch = require_torch()
    values = [[0.5, -1.0, 2.0]]
    cases = [
        ("gradcheck", lambda lib, a, b: lib.autograd.gradcheck if lib is torch else lib.gradcheck),
        ("gradgradcheck", lambda lib, a, b: lib.autograd.gradgradcheck if lib is torch else lib.gradgradcheck),
    ]
    for name, pick in cases:
        got, want = [], []
        for lib, out in ((mg, got), (torch, want)):
            a = lib.tensor(values, requires_grad=True)  # float32
            b = lib.tensor(values, dtype=lib.float64, requires_grad=True)
            check = pick(lib, a, b)
            out.extend(_warnings(lambda: check(lambda x, y: (x * y).sum(), (a, b), raise_exception=False)))
        assert len(got) == len(want) > 0, (name, got, want)
        for ours, theirs in zip(got, want):
            assert ours.startswith(theirs), (name, ours, theirs)
