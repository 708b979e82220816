"""Manual-SGD idioms through ``.data`` against PyTorch, in float64.

The same two-layer network (weights copied from torch) is trained for a few
steps with each of the update idioms small PyTorch scripts use on ``p.data``;
parameters, losses and version counters must agree after every step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

LR = 0.1
STEPS = 4


def _update_plus_equals(p: Any, lr: float) -> None:
    p.data += -lr * p.grad


def _update_add_alpha(p: Any, lr: float) -> None:
    p.data.add_(p.grad, alpha=-lr)


def _update_sub_then_decay(p: Any, lr: float) -> None:
    p.data.sub_(lr * p.grad)
    p.data.mul_(0.99)


def _update_copy(p: Any, lr: float) -> None:
    p.data.copy_(p.data - lr * p.grad)


def _update_minus_equals_grad_data(p: Any, lr: float) -> None:
    p.data -= lr * p.grad.data


UPDATES: list[Callable[[Any, float], None]] = [
    _update_plus_equals, _update_add_alpha, _update_sub_then_decay, _update_copy,
    _update_minus_equals_grad_data,
]  # fmt: skip


def _loss(lib: Any, x: Any, w1: Any, b1: Any, w2: Any) -> Any:
    h = (x @ w1 + b1).tanh()
    return ((h @ w2) ** 2).mean()


@pytest.mark.parametrize("update", UPDATES, ids=[u.__name__[8:] for u in UPDATES])
def test_manual_sgd_through_data_matches_torch(update: Callable[[Any, float], None]) -> None:
    require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in ((5, 3), (3, 4), (4,), (4, 2))]
    tx, *tparams = [torch.tensor(a, dtype=torch.float64) for a in arrays]
    mx, *mparams = [mg.tensor(a, dtype=mg.float64) for a in arrays]
    for p in tparams + mparams:
        p.requires_grad_(True)
    for _ in range(STEPS):
        tl = _loss(torch, tx, *tparams)
        ml = _loss(mg, mx, *mparams)
        tl.backward()
        ml.backward()
        assert_close(ml, tl)
        for tp, mp in zip(tparams, mparams, strict=True):
            update(tp, LR)
            update(mp, LR)
            tp.grad.zero_()
            mp.grad.zero_()
        for tp, mp in zip(tparams, mparams, strict=True):
            assert_close(mp, tp)
            assert mp._version == tp._version  # changes through .data are not counted on p
            assert mp.requires_grad and mp.is_leaf


def test_data_setter_and_std_match_torch() -> None:
    require_torch()
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 5))
    tp, mp = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    assert_close(mp.data.std(), tp.data.std())
    assert_close(mp.data.std(dim=0), tp.data.std(dim=0))
    tp.data = torch.tensor(b)
    mp.data = mg.tensor(b)
    assert tuple(tp.shape) == mp.shape and mp.requires_grad
    assert_close(mp, tp)
    (tp * 3).sum().backward()
    (mp * 3).sum().backward()
    assert_close(mp.grad, tp.grad)
