"""Optimizers' range and misuse errors start as PyTorch's do (a script's ``pytest.raises(ValueError,
match="Invalid learning rate")`` matches minigrad's too), and are of PyTorch's classes."""

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


def _load_other_groups(o: Any, ps: list[Any]) -> None:
    two = o.SGD([{"params": ps[:1]}, {"params": ps[1:]}], lr=0.1)
    o.SGD(ps[:1], lr=0.1).load_state_dict(two.state_dict())


def _load_other_size(o: Any, ps: list[Any]) -> None:
    o.SGD(ps[:1], lr=0.1).load_state_dict(o.SGD(ps, lr=0.1).state_dict())


MISUSE = [
    (ValueError, _load_other_groups), (ValueError, _load_other_size),
    (TypeError, lambda o, ps: o.SGD(ps, lr=0.1).add_param_group(ps[1:])),
    (TypeError, lambda o, ps: o.LBFGS(ps).step()),
]


@pytest.mark.parametrize(("error", "make"), MISUSE)
def test_misuse_errors_start_with_pytorchs_words(error: type, make: Any) -> None:
    """load_state_dict of another layout, a non-dict param group, LBFGS without a closure."""
    torch = require_torch()
    messages = []
    for lib in (mg, torch):
        with pytest.raises(error) as info:  # (the message is compared below)
            make(lib.optim, [lib.zeros(1, requires_grad=True), lib.zeros(2, requires_grad=True)])
        messages.append(str(info.value))
    ours, theirs = messages
    assert ours.startswith(theirs), (ours, theirs)
