"""Random programs of views and in-place ops on a tensor in the graph, run under PyTorch and minigrad.

Each program takes a float64 leaf, makes a base from it (a clone or a product), takes a chain of views
(slices, selects, transposes, diagonals, splits, ...), writes in place through the latest view, through
the base or through a view from the middle of the chain, and sums weighted copies of the base and the
latest view. Values, the leaf's gradient and the base's grad_fn must be PyTorch's; where PyTorch's
backward refuses (a saved tensor written since), minigrad's must raise the same class. These corners
(CopySlices, the version counter a view shares with its base, regenerated view histories) are where
engines hide silently wrong gradients; the fuzzer this test keeps found six.

Views that overlap themselves (``unfold`` with a step below the size, ``expand``) are left out: an in-place
op through them is ill-defined (PyTorch applies it once per element, so twice to a shared position).
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

VIEWS = ("slice", "select", "transpose", "view", "unsqueeze", "narrow", "diagonal", "permute", "squeeze",
         "split", "chunk", "flatten", "unbind", "detach")
WRITES = ("add_", "mul_", "sub_", "clamp_", "copy_", "fill_", "zero_", "masked_fill_", "index_fill_", "relu_",
          "exp_", "tanh_", "div_", "setitem", "addcmul_", "pow_", "neg_", "lerp_", "index_add_", "scatter_")


def _plan(seed: int) -> tuple[Any, ...]:
    rng = random.Random(seed)
    shape = tuple(rng.randint(1, 4) for _ in range(rng.randint(1, 4)))
    steps = []
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.55:
            steps.append(("view", rng.choice(VIEWS), rng.random(), rng.random()))
        else:
            steps.append(("write", rng.choice(WRITES), rng.random(), rng.choice(("cur", "base", "mid"))))
    make, loss_of = rng.choice(("clone", "mul")), rng.choice(("base", "cur", "both"))
    return shape, steps, make, loss_of, rng.randint(0, 10**6)


def _view(t: Any, name: str, a: float, b: float) -> Any:
    nd = t.dim()
    if nd == 0:
        return t.unsqueeze(0) if name == "unsqueeze" else t
    d = int(a * nd)
    n = t.shape[d]
    if name == "slice":
        return t[(slice(None),) * d + (slice(int(b * n), None, 1 + int(b * 2)),)]
    if name == "select":
        return t.select(d, int(b * n) - n) if n else t
    if name == "transpose" and nd >= 2:
        return t.transpose(0, -1)
    if name == "view" and t.is_contiguous():
        return t.view(-1)
    if name == "unsqueeze":
        return t.unsqueeze(int(a * (nd + 1)))
    if name == "narrow":
        return t.narrow(d, int(b * n), n - int(b * n))
    if name == "diagonal" and nd >= 2:
        return t.diagonal(0, 0, 1)
    if name == "permute":
        return t.permute(*range(nd - 1, -1, -1))
    if name == "squeeze":
        return t.squeeze()
    if name == "split" and t.shape[0] >= 2:
        return t.split(1, 0)[int(b * t.shape[0]) % t.shape[0]]
    if name == "chunk" and nd >= 2 and t.shape[1] >= 2:
        return t.chunk(2, 1)[0]
    if name == "flatten":
        return t.flatten()
    if name == "unbind" and t.shape[0]:
        return t.unbind(0)[0]
    if name == "detach":
        return t.detach()
    return t


def _write(lib: Any, t: Any, name: str, a: float) -> Any:
    vals = lib.tensor(np.random.default_rng(int(a * 1000)).standard_normal(tuple(t.shape)))
    first = t.dim() > 0 and t.shape[0] > 0
    if name == "setitem":
        if first:
            t[0] = 3.0
        return t
    if name in ("index_fill_", "index_add_", "scatter_") and not first:
        return t
    calls: dict[str, Any] = {
        "add_": lambda: t.add_(vals, alpha=0.5), "mul_": lambda: t.mul_(vals), "sub_": lambda: t.sub_(1.5),
        "clamp_": lambda: t.clamp_(-0.3, 0.4), "copy_": lambda: t.copy_(vals), "fill_": lambda: t.fill_(0.25),
        "zero_": lambda: t.zero_(), "masked_fill_": lambda: t.masked_fill_(vals > 0, 2.0),
        "index_fill_": lambda: t.index_fill_(0, lib.tensor([0]), -1.0), "relu_": lambda: t.relu_(),
        "exp_": lambda: t.exp_(), "tanh_": lambda: t.tanh_(), "div_": lambda: t.div_(vals.abs() + 1),
        "addcmul_": lambda: t.addcmul_(vals, vals, value=0.5), "pow_": lambda: t.pow_(2),
        "neg_": lambda: t.neg_(),
        "lerp_": lambda: t.lerp_(vals, 0.3), "index_add_": lambda: t.index_add_(0, lib.tensor([0]), vals[:1]),
        "scatter_": lambda: t.scatter_(0, lib.zeros((1, *t.shape[1:]), dtype=lib.int64), 7.0),
    }
    return calls[name]()


def _run(lib: Any, plan: tuple[Any, ...]) -> Any:
    shape, steps, make, loss_of, seed = plan
    data = np.random.default_rng(seed).standard_normal(shape)
    x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
    base = x.clone() if make == "clone" else x * 2
    cur = mid = base
    for i, step in enumerate(steps):
        if step[0] == "view":
            cur = _view(cur, *step[1:])
            if i == len(steps) // 2:
                mid = cur
        else:
            target = {"cur": cur, "base": base, "mid": mid}[step[3]]
            out = _write(lib, target, step[1], step[2])
            if step[3] == "cur":
                cur = out
    w1 = lib.tensor(np.random.default_rng(seed + 1).standard_normal(tuple(base.shape)))
    w2 = lib.tensor(np.random.default_rng(seed + 2).standard_normal(tuple(cur.shape)))
    parts = [(base * w1).sum()] if loss_of != "cur" else []
    loss = sum(parts + ([(cur * w2).sum()] if loss_of != "base" else []))
    values = [base.detach().numpy().copy(), cur.detach().numpy().copy()]
    if loss.requires_grad:
        loss.backward()
    name = None if base.grad_fn is None else base.grad_fn.name()
    return values, None if x.grad is None else x.grad.numpy().copy(), name


def _outcome(lib: Any, plan: tuple[Any, ...]) -> Any:
    try:
        return "ok", _run(lib, plan)
    except RuntimeError as e:  # (minigrad's errors are also instances of PyTorch's classes)
        return "RuntimeError", str(e).split(":")[0]


@pytest.mark.parametrize("start", range(0, 240, 40))
def test_random_view_and_in_place_programs_agree_with_pytorch(start: int) -> None:
    torch = require_torch()
    for seed in range(start, start + 40):
        plan = _plan(seed)
        theirs, ours = _outcome(torch, plan), _outcome(mg, plan)
        assert ours[0] == theirs[0], (seed, plan, theirs, ours)
        if theirs[0] != "ok":
            continue
        (t_vals, t_grad, t_name), (m_vals, m_grad, m_name) = theirs[1], ours[1]
        for a, b in zip(t_vals, m_vals, strict=True):
            assert a.shape == b.shape and np.allclose(a, b, rtol=1e-12, atol=1e-12), (seed, plan)
        assert (t_grad is None) == (m_grad is None), (seed, plan)
        if t_grad is not None:
            np.testing.assert_allclose(m_grad, t_grad, rtol=1e-10, atol=1e-12, err_msg=str((seed, plan)))
        assert m_name == t_name, (seed, plan)
