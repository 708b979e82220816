"""Differences found while writing progs34's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import multiprocessing
from multiprocessing.reduction import ForkingPickler
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


# ---------------------------------------------------------------- share_memory_ (mnist_hogwild.py)


def _double_in_child(t: Any) -> None:
    t.mul_(2)


def _sgd_in_child(lib: str, model: Any) -> None:
    m = mg if lib == "mg" else torch
    opt = m.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        model(m.ones(3, 2)).pow(2).sum().backward()
        opt.step()


@pytest.mark.parametrize("lib", ["mg", "torch"])
def test_share_memory_flags_and_fork_child_writes(lib: str) -> None:
    m = mg if lib == "mg" else torch
    t = m.arange(6.0)
    assert t.is_shared() is False
    assert t.share_memory_() is t
    assert t.is_shared() is True
    assert t.untyped_storage().is_shared() is True
    p = multiprocessing.get_context("fork").Process(target=_double_in_child, args=(t,))
    p.start()
    p.join()
    assert p.exitcode == 0
    assert t.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]


def test_module_share_memory_trains_in_forked_child_as_torch() -> None:
    out = {}
    for lib, m in (("mg", mg), ("torch", torch)):
        m.manual_seed(0)
        model = m.nn.Linear(2, 1)
        assert model.share_memory() is model
        assert all(q.is_shared() for q in model.parameters())
        p = multiprocessing.get_context("fork").Process(target=_sgd_in_child, args=(lib, model))
        p.start()
        p.join()
        out[lib] = [q.detach().numpy().copy() for q in model.parameters()]
        assert all(q.grad is None for q in model.parameters())  # (grads were made in the child only)
    for a, b in zip(out["mg"], out["torch"], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_share_memory_moves_known_views_too() -> None:
    for m in (mg, torch):
        v = m.zeros(2, 4)
        col = v[:, 1]
        v.share_memory_()
        v[0, 1] = 7.0
        assert col.tolist() == [7.0, 0.0]
        assert col.is_shared()


def test_forking_pickler_moves_tensor_to_shared_memory_and_back() -> None:
    for m in (mg, torch):
        t = m.ones(3)
        w = m.nn.Parameter(m.zeros(2))
        t2, w2 = ForkingPickler.loads(bytes(ForkingPickler.dumps((t, w))))
        assert t.is_shared() and t2.is_shared()  # (the sender's tensor moves, in place)
        t2.add_(1)
        assert t.tolist() == [2.0, 2.0, 2.0]
        assert type(w2).__name__ == "Parameter" and w2.requires_grad and w2.is_leaf


def test_forking_pickler_refuses_non_leaf_requiring_grad() -> None:
    got = []
    for m in (mg, torch):
        y = m.ones(2, requires_grad=True) * 3
        with pytest.raises(RuntimeError) as e:
            ForkingPickler.dumps(y)
        got.append(str(e.value))
    assert got[0] == got[1]
