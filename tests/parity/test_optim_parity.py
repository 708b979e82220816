"""SGD, Adam, AdamW and gradient clipping against torch, in float64 (schedulers: test_lr_scheduler_parity.py).

Each optimizer test runs both libraries for 10 steps from the same parameters
with the same gradients (random ones, or those of a small MLP loss) and
compares every parameter after every step to 1e-10 relative, for every
combination of options.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
    parameters_to_vector,
    vector_to_parameters,
)
from tests.helpers import assert_close, require_torch

RTOL = 1e-10
ATOL = 1e-12
SHAPES = [(3, 4), (4,), (), (2, 3, 2)]
STEPS = 10


def _pair(shapes: list[tuple[int, ...]] = SHAPES, dtype: Any = np.float64,
          seed: int = 0) -> tuple[list[mg.Tensor], list[Any]]:
    torch = require_torch()
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    ours = [mg.Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    return ours, theirs


def _run(make_ours: Callable[[list[mg.Tensor]], optim.Optimizer], make_theirs: Callable[[list[Any]], Any],
         dtype: Any = np.float64, rtol: float = RTOL, skip: dict[int, int] | None = None) -> None:
    """Step both optimizers with identical random gradients and compare after each step.

    ``skip`` maps a step to a parameter index left without gradient at that step.
    """
    torch = require_torch()
    ours, theirs = _pair(dtype=dtype)
    opt, topt = make_ours(ours), make_theirs(theirs)
    rng = np.random.default_rng(1)
    for step in range(STEPS):
        for i, (p, tp) in enumerate(zip(ours, theirs, strict=True)):
            if skip and skip.get(step) == i:
                p.grad, tp.grad = None, None
                continue
            g = rng.standard_normal(p.shape).astype(dtype)
            p.grad = mg.Tensor(g.copy())
            tp.grad = torch.tensor(g.copy())
        opt.step()
        topt.step()
        for p, tp in zip(ours, theirs, strict=True):
            assert p.dtype == np.dtype(dtype)
            assert_close(p, tp.detach().numpy(), rtol=rtol, atol=ATOL if dtype == np.float64 else 1e-6)


SGD_CASES = [
    {"momentum": m, "dampening": d, "nesterov": n, "weight_decay": w, "maximize": x}
    for m, d, n, w, x in itertools.product([0.0, 0.9], [0.0, 0.3], [False, True], [0.0, 0.1], [False, True])
    if not (n and (m == 0 or d != 0))
]


@pytest.mark.parametrize("kw", SGD_CASES, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()))
def test_sgd_matches_torch(kw: dict[str, Any]) -> None:
    torch = require_torch()
    _run(lambda ps: optim.SGD(ps, lr=0.05, **kw), lambda ps: torch.optim.SGD(ps, lr=0.05, **kw),
         skip={3: 1, 4: 0})


ADAM_CASES = [
    {"betas": b, "weight_decay": w, "amsgrad": a, "maximize": x}
    for b, w, a, x in itertools.product([(0.9, 0.999), (0.3, 0.5)], [0.0, 0.1], [False, True], [False, True])
]


@pytest.mark.parametrize("cls", ["Adam", "AdamW"])
@pytest.mark.parametrize("kw", ADAM_CASES, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()))
def test_adam_family_matches_torch(cls: str, kw: dict[str, Any]) -> None:
    torch = require_torch()
    _run(lambda ps: getattr(optim, cls)(ps, lr=0.01, eps=1e-6, **kw),
         lambda ps: getattr(torch.optim, cls)(ps, lr=0.01, eps=1e-6, **kw), skip={2: 3, 5: 0})


@pytest.mark.parametrize("cls", ["Adam", "AdamW"])
def test_adam_family_defaults_match_torch(cls: str) -> None:
    torch = require_torch()
    _run(lambda ps: getattr(optim, cls)(ps), lambda ps: getattr(torch.optim, cls)(ps))


def test_adam_decoupled_weight_decay_flag_matches_torch() -> None:
    torch = require_torch()
    _run(lambda ps: optim.Adam(ps, weight_decay=0.1, decoupled_weight_decay=True),
         lambda ps: torch.optim.Adam(ps, weight_decay=0.1, decoupled_weight_decay=True))


def _groups(ps: list[Any]) -> list[dict[str, Any]]:
    return [
        {"params": ps[:2]},
        {"params": [ps[2]], "lr": 0.3, "weight_decay": 0.05},
        {"params": ps[3:], "lr": 0.002},
    ]


@pytest.mark.parametrize(("cls", "kw"), [
    ("SGD", {"lr": 0.01, "momentum": 0.8, "nesterov": True}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "dampening": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "betas": (0.8, 0.9)}),
])
def test_param_groups_with_their_own_hyperparameters(cls: str, kw: dict[str, Any]) -> None:
    torch = require_torch()
    _run(lambda ps: getattr(optim, cls)(_groups(ps), **kw),
         lambda ps: getattr(torch.optim, cls)(_groups(ps), **kw))


@pytest.mark.parametrize("cls", ["SGD", "Adam", "AdamW"])
def test_float32_parameters_stay_float32_and_match(cls: str) -> None:
    torch = require_torch()
    kw: dict[str, Any] = {"lr": 0.01, "weight_decay": 0.1}
    if cls == "SGD":
        kw["momentum"] = 0.9
    _run(lambda ps: getattr(optim, cls)(ps, **kw), lambda ps: getattr(torch.optim, cls)(ps, **kw),
         dtype=np.float32, rtol=1e-5)


def _mlp_pair(seed: int = 0) -> tuple[nn.Module, Any]:
    torch = require_torch()
    ours = nn.Sequential(nn.Linear(5, 8, dtype=mg.float64), nn.Tanh(), nn.Linear(8, 3, dtype=mg.float64))
    theirs = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).double()
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize(("cls", "kw"), [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-3}),
    ("Adam", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
])
def test_mlp_training_trajectory_matches_torch(cls: str, kw: dict[str, Any]) -> None:
    """Gradients come from backward() of an MLP loss, through model.parameters() generators."""
    torch = require_torch()
    ours, theirs = _mlp_pair()
    opt = getattr(optim, cls)(ours.parameters(), **kw)
    topt = getattr(torch.optim, cls)(theirs.parameters(), **kw)
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((16, 5)), rng.standard_normal((16, 3))
    for _ in range(STEPS):
        opt.zero_grad()
        topt.zero_grad()
        loss = ((ours(mg.Tensor(x)) - mg.Tensor(y)) ** 2).mean()
        tloss = ((theirs(torch.tensor(x)) - torch.tensor(y)) ** 2).mean()
        loss.backward()
        tloss.backward()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-10)
        opt.step()
        topt.step()
    for k, v in theirs.state_dict().items():
        assert_close(ours.state_dict()[k], v.numpy(), rtol=RTOL, atol=ATOL)


def test_step_with_closure_returns_its_loss_like_torch() -> None:
    torch = require_torch()
    ours, theirs = _pair([(3,)])
    target = np.array([1.0, -2.0, 0.5])
    opt, topt = optim.SGD(ours, lr=0.1, momentum=0.5), torch.optim.SGD(theirs, lr=0.1, momentum=0.5)

    def closure() -> mg.Tensor:
        opt.zero_grad()
        loss = ((ours[0] - mg.Tensor(target)) ** 2).sum()
        loss.backward()
        return loss

    def tclosure() -> Any:
        topt.zero_grad()
        loss = ((theirs[0] - torch.tensor(target)) ** 2).sum()
        loss.backward()
        return loss

    for _ in range(5):
        with mg.no_grad():  # step turns grad mode back on for the closure
            loss = opt.step(closure)
        tloss = topt.step(tclosure)
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-12)
    assert_close(ours[0], theirs[0].detach().numpy(), rtol=RTOL)


# ---------------------------------------------------------------- clipping

def _grads_pair(dtype: Any = np.float64, scale: float = 1.0) -> tuple[list[mg.Tensor], list[Any]]:
    torch = require_torch()
    ours, theirs = _pair(dtype=dtype)
    rng = np.random.default_rng(5)
    for i, (p, tp) in enumerate(zip(ours, theirs, strict=True)):
        if i == 2:
            continue  # no gradient: skipped by both
        g = (rng.standard_normal(p.shape) * scale).astype(dtype)
        p.grad, tp.grad = mg.Tensor(g.copy()), torch.tensor(g.copy())
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, 0.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_clip_grad_norm_matches_torch(norm_type: Any, max_norm: float, dtype: Any) -> None:
    torch = require_torch()
    ours, theirs = _grads_pair(dtype)
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    assert isinstance(total, mg.Tensor) and total.shape == () and total.dtype == np.dtype(dtype)
    assert_close(total, ttotal.numpy(), rtol=rtol)
    for p, tp in zip(ours, theirs, strict=True):
        if tp.grad is None:
            assert p.grad is None
        else:
            assert p.grad.dtype == np.dtype(dtype)
            assert_close(p.grad, tp.grad.numpy(), rtol=rtol, atol=1e-14)


def test_clip_grad_norm_single_tensor_generator_and_empty() -> None:
    torch = require_torch()
    ours, theirs = _grads_pair(scale=10.0)
    total = clip_grad_norm_(ours[0], 1.0)
    assert_close(total, torch.nn.utils.clip_grad_norm_(theirs[0], 1.0).numpy(), rtol=1e-12)
    assert_close(ours[0].grad, theirs[0].grad.numpy(), rtol=1e-12)
    assert_close(clip_grad_norm_((p for p in ours[1:]), 2.0),
                 torch.nn.utils.clip_grad_norm_((p for p in theirs[1:]), 2.0).numpy(), rtol=1e-12)
    empty = clip_grad_norm_([mg.Tensor([1.0], requires_grad=True)], 1.0)
    assert empty.item() == 0.0 and empty.dtype == np.float32
    with pytest.warns(UserWarning, match="empty generator"):
        clip_grad_norm_((p for p in []), 1.0)


def test_clip_grad_norm_nonfinite() -> None:
    torch = require_torch()
    ours, theirs = _grads_pair()
    ours[0].grad.numpy()[0, 0] = np.inf
    theirs[0].grad[0, 0] = math.inf
    with pytest.raises(mg.MinigradError, match="non-finite"):
        clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)
    total = clip_grad_norm_(ours, 1.0)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    assert math.isinf(total.item()) and math.isinf(ttotal.item())
    np.testing.assert_array_equal(ours[1].grad.numpy(), theirs[1].grad.numpy())


def test_clip_grad_value_matches_torch() -> None:
    torch = require_torch()
    ours, theirs = _grads_pair()
    clip_grad_value_(ours, 0.4)
    torch.nn.utils.clip_grad_value_(theirs, 0.4)
    for p, tp in zip(ours, theirs, strict=True):
        if tp.grad is not None:
            np.testing.assert_array_equal(p.grad.numpy(), tp.grad.numpy())


@pytest.mark.parametrize("norm_type", [2.0, 1.5, math.inf])
def test_total_norm_and_clipping_halves_match_torch(norm_type: float) -> None:
    """get_total_norm then clip_grads_with_norm_ equal clip_grad_norm_; foreach= is accepted."""
    torch = require_torch()
    ours, theirs = _grads_pair(scale=3.0)
    grads = [p.grad for p in ours if p.grad is not None]
    total = get_total_norm(grads, norm_type, foreach=False)
    ttotal = torch.nn.utils.get_total_norm([p.grad for p in theirs if p.grad is not None], norm_type)
    assert_close(total, ttotal.numpy(), rtol=1e-12)
    clip_grads_with_norm_(ours, 1.0, total, foreach=True)
    torch.nn.utils.clip_grads_with_norm_(theirs, 1.0, ttotal)
    for p, tp in zip(ours, theirs, strict=True):
        if tp.grad is not None:
            assert_close(p.grad, tp.grad.numpy(), rtol=1e-12, atol=1e-15)
    clip_grad_value_(ours, 0.1, foreach=False)
    torch.nn.utils.clip_grad_value_(theirs, 0.1)
    for p, tp in zip(ours, theirs, strict=True):
        if tp.grad is not None:
            np.testing.assert_array_equal(p.grad.numpy(), tp.grad.numpy())


def test_parameters_to_vector_and_back_match_torch() -> None:
    torch = require_torch()
    ours, theirs = _pair()
    vec, tvec = parameters_to_vector(ours), torch.nn.utils.parameters_to_vector(theirs)
    assert vec.shape == (12 + 4 + 1 + 12,)
    assert_close(vec, tvec.detach().numpy(), rtol=0)
    weights = np.arange(vec.shape[0], dtype=np.float64)
    (vec * mg.tensor(weights)).sum().backward()  # the vector is differentiable, as torch's
    (tvec * torch.tensor(weights)).sum().backward()
    for p, tp in zip(ours, theirs, strict=True):
        assert_close(p.grad, tp.grad.numpy(), rtol=0)
    new = np.linspace(-1, 1, vec.shape[0])
    with mg.no_grad():
        vector_to_parameters(mg.tensor(new), ours)
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.tensor(new), theirs)
    for p, tp in zip(ours, theirs, strict=True):
        assert p.requires_grad and p.is_leaf
        assert_close(p, tp.detach().numpy(), rtol=0)
