"""Optimizers' range errors start as PyTorch's do (a script's ``pytest.raises(ValueError, match="Invalid
learning rate")`` matches minigrad's too), and are ValueErrors as there."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

CASES = [
    lambda o, ps: o.SGD(ps, lr=-1), lambda o, ps: o.SGD(ps, lr=0.1, momentum=-1),
    lambda o, ps: o.SGD(ps, lr=0.1, weight_decay=-1), lambda o, ps: o.Adam(ps, eps=-1),
    lambda o, ps: o.AdamW(ps, lr=-0.5), lambda o, ps: o.RMSprop(ps, alpha=-1),
    lambda o, ps: o.Adagrad(ps, lr_decay=-1),
]


def _message(lib: Any, make: Any) -> str:
    with pytest.raises(ValueError) as info:  # (the message is compared below)
        make(lib.optim, [lib.zeros(1, requires_grad=True)])
    return str(info.value)


@pytest.mark.parametrize("make", CASES)
def test_range_errors_start_with_pytorchs_words(make: Any) -> None:
    torch = require_torch()
    ours, theirs = _message(mg, make), _message(torch, make)
    assert ours.startswith(theirs), (ours, theirs)
