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


def test_step_lr_takes_a_whole_float_step_size_as_pytorch_tutorials_pass_it() -> None:
    opt = _opt((1.0,))
    sched = lr_scheduler.StepLR(opt, 2.0, gamma=0.5)
    assert sched.step_size == 2
    assert _lrs(sched, opt, 4) == [1.0, 0.5, 0.5, 0.25]


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
    (lambda o: lr_scheduler.MultiStepLR(o, [2, 4.5]), "milestones.*4.5"),
    (lambda o: lr_scheduler.ExponentialLR(o, gamma="0.9"), "gamma.*'0.9'"),
    (lambda o: lr_scheduler.ConstantLR(o, factor=1.5), "factor.*1.5"),
    (lambda o: lr_scheduler.ConstantLR(o, factor=0.0), "factor=0"),
    (lambda o: lr_scheduler.ConstantLR(o, total_iters=-1), "total_iters.*-1"),
    (lambda o: lr_scheduler.LinearLR(o, start_factor=0.0), "start_factor=0"),
    (lambda o: lr_scheduler.LinearLR(o, end_factor=-0.5), "end_factor.*-0.5"),
    (lambda o: lr_scheduler.LinearLR(o, total_iters=0), "total_iters.*0"),
    (lambda o: lr_scheduler.PolynomialLR(o, total_iters=0), "total_iters.*0"),
    (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0), "T_0.*0"),
    (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=1.5), "T_mult.*1.5"),
    (lambda o: lr_scheduler.OneCycleLR(o, 0.1), "total_steps OR"),
    (lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=0), "total_steps.*0"),
    (lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, pct_start=1.5), "pct_start=1.5"),
    (lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="cosine"), "'cosine'"),
    (lambda o: lr_scheduler.OneCycleLR(o, [0.1, 0.2], total_steps=10), "max_lr.*2 values"),
    (lambda o: lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=0), "step_size_up.*0"),
    (lambda o: lr_scheduler.CyclicLR(o, 0.01, 0.1, mode="sine"), "mode.*'sine'"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=1.0), "factor.*1.0"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="up"), "mode.*'up'"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, threshold_mode="relative"), "threshold mode.*'relative'"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1, 0.2]), "expected 1 min_lrs, got 2"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, cooldown=-1), "cooldown.*-1"),
    (lambda o: lr_scheduler.SequentialLR(o, [], []), "at least one scheduler"),
    (lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.StepLR(o, 2)], [3]), "milestones to be equal to 1"),
    (lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ReduceLROnPlateau(o)], []), "ReduceLROnPlateau"),
    (lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(o, 2), lr_scheduler.StepLR(_opt(), 2)]),
     "same optimizer"),
])
def test_invalid_arguments(make: Any, match: str) -> None:
    with pytest.raises(mg.InvalidParameterError, match=match):
        make(_opt())


def test_non_optimizer_and_non_callable_lambda_are_type_errors() -> None:
    with pytest.raises(TypeError, match="not an Optimizer"):
        lr_scheduler.StepLR(object(), 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        lr_scheduler.LambdaLR(_opt(), 0.5)  # type: ignore[arg-type]


def test_cycle_momentum_needs_an_optimizer_with_momentum() -> None:
    opt = optim.Adagrad([mg.Tensor(np.zeros(2), requires_grad=True)])
    with pytest.raises(mg.InvalidParameterError, match=r"momentum or beta1.*Adagrad"):
        lr_scheduler.OneCycleLR(opt, 0.1, total_steps=10)
    lr_scheduler.OneCycleLR(opt, 0.1, total_steps=10, cycle_momentum=False)


def test_multistep_lr_values_by_hand() -> None:
    opt = _opt((1.0,))
    sched = lr_scheduler.MultiStepLR(opt, [2, 4, 4], gamma=0.5)
    assert _lrs(sched, opt, 5) == [1.0, 0.5, 0.5, 0.125, 0.125]


def test_reduce_lr_on_plateau_by_hand() -> None:
    opt = _opt((1.0,))
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5, cooldown=1, min_lr=0.2)
    lrs = []
    for metric in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5]:
        sched.step(metric)
        lrs.append(sched.get_last_lr()[0])
    # best; bad 1, 2 -> cut; cooldown (bad count reset); bad 1, 2 -> cut; cooldown; an improvement
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]


def test_a_custom_schedule_subclasses_the_base_under_either_name() -> None:
    class Warmup(lr_scheduler._LRScheduler):  # PyTorch's old name, still used by scripts
        def get_lr(self) -> list[float]:
            return [base * min(1.0, (self.last_epoch + 1) / 3) for base in self.base_lrs]

    opt = _opt((0.3,))
    sched = Warmup(opt)
    assert isinstance(sched, lr_scheduler.LRScheduler)
    assert sched.get_last_lr() == [pytest.approx(0.1)]
    assert _lrs(sched, opt, 3) == pytest.approx([0.2, 0.3, 0.3])
