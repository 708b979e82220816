"""Scheduler mechanics: closed forms, initial_lr/base_lrs, state_dict, argument checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.optim import lr_scheduler


def _opt(lrs: tuple[float, ...] = (0.1,)) -> optim.SGD:
    groups = [{"params": [mg.Tensor(np.zeros(2), requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.SGD(groups, lr=1.0)


def _lrs(sched: Any, opt: optim.Optimizer, n: int) -> list[float]:
    out = []
    for _ in range(n):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def test_construction_sets_initial_lr_base_lrs_and_epoch_zero() -> None:
    opt = _opt((0.1, 0.3))
    sched = lr_scheduler.StepLR(opt, step_size=2)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.3]
    assert sched.base_lrs == [0.1, 0.3]
    assert sched.last_epoch == 0
    assert sched.get_last_lr() == [0.1, 0.3]


def test_step_lr_values() -> None:
    opt = _opt((1.0,))
    sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    assert _lrs(sched, opt, 6) == [1.0, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_cosine_follows_the_closed_form_for_one_period() -> None:
    opt = _opt((0.2,))
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.01)
    got = _lrs(sched, opt, 10)
    want = [0.01 + (0.2 - 0.01) * (1 + math.cos(math.pi * t / 10)) / 2 for t in range(1, 11)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert got[-1] == pytest.approx(0.01, abs=1e-15)


def test_lambda_lr_values_per_group() -> None:
    opt = _opt((1.0, 2.0))
    sched = lr_scheduler.LambdaLR(opt, [lambda e: 0.5**e, lambda e: e + 1])
    opt.step()
    sched.step()
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.25, 6.0]
    assert [g["lr"] for g in opt.param_groups] == [0.25, 6.0]


class _Warmup:
    """A callable object: LambdaLR saves its attributes in the state dict."""

    def __init__(self, warmup: int) -> None:
        self.warmup = warmup

    def __call__(self, epoch: int) -> float:
        return min(1.0, (epoch + 1) / self.warmup)


def test_lambda_state_dict_saves_callable_objects_but_not_functions() -> None:
    opt = _opt((1.0, 1.0))
    sched = lr_scheduler.LambdaLR(opt, [_Warmup(4), lambda e: 1.0])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [{"warmup": 4}, None]
    assert "optimizer" not in sd
    other = lr_scheduler.LambdaLR(_opt((1.0, 1.0)), [_Warmup(10), lambda e: 1.0])
    other.load_state_dict(sd)
    assert other.lr_lambdas[0].warmup == 4  # type: ignore[attr-defined]


@pytest.mark.parametrize("make", [
    lambda o: lr_scheduler.StepLR(o, 3, 0.5),
    lambda o: lr_scheduler.CosineAnnealingLR(o, 5, 1e-3),
    lambda o: lr_scheduler.LambdaLR(o, _Warmup(3)),
])
def test_state_dict_round_trip_through_a_checkpoint_resumes_exactly(make: Any, tmp_path: Any) -> None:
    opt = _opt((0.1, 0.05))
    sched = make(opt)
    straight = _lrs(sched, opt, 12)

    opt1 = _opt((0.1, 0.05))
    sched1 = make(opt1)
    first = _lrs(sched1, opt1, 5)
    mg.save({"sched": sched1.state_dict(), "optim": opt1.state_dict()}, tmp_path / "s.npz")
    ckpt = mg.load(tmp_path / "s.npz")
    opt2 = _opt((0.1, 0.05))
    sched2 = make(opt2)
    opt2.load_state_dict(ckpt["optim"])
    sched2.load_state_dict(ckpt["sched"])
    assert first + _lrs(sched2, opt2, 7) == straight


@pytest.mark.parametrize(("make", "match"), [
    (lambda o: lr_scheduler.StepLR(o, 0), "step_size.*0"),
    (lambda o: lr_scheduler.StepLR(o, 2.5), "step_size.*2.5"),
    (lambda o: lr_scheduler.StepLR(o, 2, gamma="x"), "gamma.*'x'"),
    (lambda o: lr_scheduler.CosineAnnealingLR(o, 0), "T_max.*0"),
    (lambda o: lr_scheduler.CosineAnnealingLR(o, 5, eta_min=float("nan")), "eta_min.*nan"),
    (lambda o: lr_scheduler.LambdaLR(o, [lambda e: 1.0] * 3), "Expected 1 lr_lambdas, but got 3"),
    (lambda o: lr_scheduler.StepLR(o, 2, last_epoch=-2), "last_epoch.*-2"),
    (lambda o: lr_scheduler.StepLR(o, 2, last_epoch=3), "initial_lr"),
])
def test_invalid_arguments(make: Any, match: str) -> None:
    with pytest.raises(mg.InvalidParameterError, match=match):
        make(_opt())


def test_non_optimizer_and_non_callable_lambda_are_type_errors() -> None:
    with pytest.raises(TypeError, match="not an Optimizer"):
        lr_scheduler.StepLR(object(), 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        lr_scheduler.LambdaLR(_opt(), 0.5)  # type: ignore[arg-type]
