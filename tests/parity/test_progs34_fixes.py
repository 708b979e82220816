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


# -------------------------------------------------- PyTorch's words first (error_words_index_ops.py)


def _first_line(lib: Any, make: Any) -> tuple[type, str]:
    try:
        make(lib)
    except Exception as e:
        return type(e), str(e).splitlines()[0]
    raise AssertionError("no error raised")


ERROR_CASES = {
    "gather float index": lambda m: m.zeros(3, 2).gather(1, m.tensor([[0.0], [1.0], [0.0]])),
    "scatter float index": lambda m: m.zeros(3).scatter(0, m.tensor([0.0]), m.ones(1)),
    "scatter_add float index": lambda m: m.zeros(3).scatter_add(0, m.tensor([0.0]), m.ones(1)),
    "index_select float index": lambda m: m.zeros(3).index_select(0, m.tensor([0.0])),
    "index_add float index": lambda m: m.zeros(3).index_add(0, m.tensor([0.0]), m.ones(1)),
    "index_copy float index": lambda m: m.zeros(3).index_copy(0, m.tensor([0.0]), m.ones(1)),
    "take float index": lambda m: m.zeros(3).take(m.tensor([0.0])),
    "scatter src rank": lambda m: m.zeros(3).scatter_(0, m.tensor([0]), m.ones(1, 2)),
    "index_add source shape": lambda m: m.zeros(3, 2).index_add_(0, m.tensor([0]), m.ones(1, 3)),
    "masked_fill long mask": lambda m: m.zeros(2, 3).masked_fill(m.tensor([1, 0]), 1.0),
    "clamp min tensor": lambda m: m.clamp(m.ones(2), min=m.zeros(3)),
    "clamp max tensor": lambda m: m.ones(2, 2).clamp(max=m.ones(3)),
    "roll": lambda m: m.arange(8).view(4, 2).roll((1, 2), (0,)),
    "select": lambda m: m.ones(4, 2).select(1, 5),
    "select negative": lambda m: m.ones(4, 2).select(1, -5),
    "cross": lambda m: m.linalg.cross(m.ones(2), m.ones(2)),
    "norm of long": lambda m: m.tensor([3, 4]).norm(),
    "bernoulli probs": lambda m: m.bernoulli(m.tensor([0.2, 1.5])),
    "bernoulli_ p": lambda m: m.empty(3).bernoulli_(1.5),
    "bernoulli_ tensor p": lambda m: m.empty(3).bernoulli_(m.tensor([0.5, 1.5, 0.2])),
    "bernoulli_ nan": lambda m: m.empty(3).bernoulli_(float("nan")),
    "view negative": lambda m: m.ones(4).view(-2),
    "reshape negative": lambda m: m.ones(4).reshape(2, -3),
    "repeat_interleave negative": lambda m: m.ones(3).repeat_interleave(-1),
    "repeat_interleave negative tensor": lambda m: m.ones(3).repeat_interleave(m.tensor([1, -2, 1])),
    "repeat_interleave sizes": lambda m: m.ones(3).repeat_interleave(m.tensor([1, 2])),
    "linear bias": lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(4, 3), m.ones(3)),
    "addmm input": lambda m: m.addmm(m.ones(3, 2), m.ones(3, 4), m.ones(4, 5)),
    "addmm input rank": lambda m: m.addmm(m.ones(3, 1, 2), m.ones(2, 2), m.ones(2, 2)),
    "slice assignment": lambda m: m.ones(3).__setitem__(slice(0, 2), m.ones(3)),
    "row assignment": lambda m: m.ones(3, 2).__setitem__(0, m.ones(3)),
    "max_pool1d": lambda m: m.nn.functional.max_pool1d(m.ones(1, 1, 2), 3),
    "save missing folder": lambda m: m.save({}, "/nonexistent-progs34/dir/x.pt"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_error_words_first_as_torch(case: str) -> None:
    want_cls, want = _first_line(torch, ERROR_CASES[case])
    got_cls, got = _first_line(mg, ERROR_CASES[case])
    assert issubclass(got_cls, want_cls), (got_cls, want_cls)
    assert got.startswith(want), (got, want)


def test_bernoulli_in_range_still_draws_as_torch() -> None:
    torch.manual_seed(3)
    mg.manual_seed(3)
    p = [0.0, 0.3, 1.0, 0.7]
    got = mg.empty(4).bernoulli_(mg.tensor(p)).tolist()
    assert got == torch.empty(4).bernoulli_(torch.tensor(p)).tolist()
    assert mg.empty(5).bernoulli_(1.0).tolist() == [1.0] * 5
