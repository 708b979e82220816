"""Every learning-rate scheduler against torch: lrs (and cycled momenta) step by step, resuming, warnings.

One table of schedulers drives the tests. Each builds the same schedule on
minigrad's and torch's optimizer (two parameter groups with different lrs,
SGD with momentum or Adam for the momentum-cycling ones), steps both together
and compares every group's lr, momentum and betas after every step, to 1e-12.
The state dict saved half-way through ``mg.save`` resumes a fresh scheduler on
the same schedule; stepping before the optimizer warns with torch's words.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.optim import lr_scheduler
from tests.helpers import assert_close, require_torch

torch = require_torch()

RTOL = 1e-10
ATOL = 1e-12

Make = Callable[[Any, Any], Any]


class _Warmup:
    """A callable object: its attributes are saved in LambdaLR's state dict."""

    def __init__(self, warmup: int) -> None:
        self.warmup = warmup

    def __call__(self, epoch: int) -> float:
        return min(1.0, (epoch + 1) / self.warmup)


SCHEDULERS: dict[str, Make] = {
    "StepLR": lambda m, o: m.StepLR(o, step_size=3, gamma=0.5),
    "StepLR-default-gamma": lambda m, o: m.StepLR(o, 4),
    "Cosine": lambda m, o: m.CosineAnnealingLR(o, T_max=7),
    "Cosine-eta_min": lambda m, o: m.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
    "Cosine-T1": lambda m, o: m.CosineAnnealingLR(o, T_max=1, eta_min=0.01),
    "Lambda": lambda m, o: m.LambdaLR(o, lambda e: 0.95**e),
    "Lambda-list": lambda m, o: m.LambdaLR(o, [lambda e: 1 / (e + 1), _Warmup(4)]),
    "Multiplicative": lambda m, o: m.MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 0.99),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[3, 8, 8, 15], gamma=0.5),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.9),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=7),
    "LinearLR-default": lambda m, o: m.LinearLR(o),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=0.3, total_iters=6),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=9, power=2.0),
    "WarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=4),
    "WarmRestarts-T_mult": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
    "OneCycle-cos": lambda m, o: m.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=24),
    "OneCycle-linear-3phase": lambda m, o: m.OneCycleLR(o, max_lr=0.5, epochs=4, steps_per_epoch=6,
                                                        pct_start=0.25, anneal_strategy="linear",
                                                        three_phase=True, div_factor=10.0),
    "OneCycle-no-momentum": lambda m, o: m.OneCycleLR(o, 0.3, total_steps=24, cycle_momentum=False),
    "Cyclic-triangular": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
    "Cyclic-triangular2": lambda m, o: m.CyclicLR(o, [0.01, 0.02], [0.1, 0.3], step_size_up=3,
                                                  step_size_down=5, mode="triangular2",
                                                  base_momentum=[0.7, 0.8], max_momentum=0.95),
    "Cyclic-exp_range": lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="exp_range", gamma=0.9),
    "Cyclic-scale_fn": lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=2, scale_fn=lambda x: 0.8**x,
                                               scale_mode="iterations", cycle_momentum=False),
    "Sequential": lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.1, total_iters=5), m.ExponentialLR(o, gamma=0.9)], milestones=[5]),
    "Sequential-3": lambda m, o: m.SequentialLR(
        o, [m.ConstantLR(o, factor=0.5, total_iters=3), m.CosineAnnealingLR(o, T_max=6),
            m.MultiStepLR(o, [12, 14])], milestones=[4, 10]),
    "Chained": lambda m, o: m.ChainedScheduler(
        [m.LinearLR(o, start_factor=0.1, total_iters=5), m.ExponentialLR(o, gamma=0.9)]),
}
#: schedules that also run on Adam, where they cycle betas[0] instead of the momentum
ON_ADAM = ["OneCycle-cos", "Cyclic-triangular2"]


def _sched_pair(make: Make, opt_name: str = "SGD",
                lrs: tuple[float, ...] = (0.1, 0.02)) -> tuple[Any, Any, Any, Any]:
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(2) for _ in lrs]
    kw = {"momentum": 0.9} if opt_name == "SGD" else {}
    pairs = list(zip(arrays, lrs, strict=True))
    opt = getattr(optim, opt_name)([{"params": [mg.tensor(a.copy(), requires_grad=True)], "lr": lr}
                                    for a, lr in pairs], **kw)
    topt = getattr(torch.optim, opt_name)([{"params": [torch.tensor(a.copy(), requires_grad=True)], "lr": lr}
                                           for a, lr in pairs], **kw)
    return opt, make(lr_scheduler, opt), topt, make(torch.optim.lr_scheduler, topt)


def _params(opt: Any) -> list[Any]:
    return [p for g in opt.param_groups for p in g["params"]]


def _train_step(opt: Any, topt: Any, rng: np.random.Generator) -> None:
    for p, tp in zip(_params(opt), _params(topt), strict=True):
        g = rng.standard_normal(p.shape)
        p.grad, tp.grad = mg.tensor(g), torch.tensor(g)
    opt.step()
    topt.step()


def _assert_same_groups(opt: Any, topt: Any, where: str) -> None:
    for i, (g, tg) in enumerate(zip(opt.param_groups, topt.param_groups, strict=True)):
        for key in ("lr", "initial_lr", "momentum", "betas", "max_lr", "min_lr", "max_momentum",
                    "base_momentum"):
            assert (key in g) == (key in tg), f"{where}: group {i} key {key!r}"
            if key in tg:
                assert np.allclose(g[key], tg[key], rtol=1e-12, atol=1e-15), f"{where}: group {i} {key}"


def _steps(sched: Any) -> int:
    return int(3 * sched.T_max if hasattr(sched, "T_max") else getattr(sched, "total_steps", 24))


PAIRS = [(name, "SGD") for name in SCHEDULERS] + [(name, "Adam") for name in ON_ADAM]


@pytest.mark.parametrize(("name", "opt_name"), PAIRS, ids=[f"{n}-{o}" for n, o in PAIRS])
def test_scheduler_lrs_and_momenta_match_torch(name: str, opt_name: str) -> None:
    """lr, momentum and betas of every group after each of 24 steps (3*T_max for cosine annealing)."""
    opt, sched, topt, tsched = _sched_pair(SCHEDULERS[name], opt_name)
    assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12)
    _assert_same_groups(opt, topt, "after construction")
    rng = np.random.default_rng(0)
    for step in range(_steps(sched)):
        _train_step(opt, topt, rng)
        sched.step()
        tsched.step()
        assert getattr(sched, "last_epoch", None) == getattr(tsched, "last_epoch", None)
        want = pytest.approx(tsched.get_last_lr(), rel=1e-12, abs=1e-15)
        assert sched.get_last_lr() == want, f"step {step}"
        _assert_same_groups(opt, topt, f"step {step}")
    for p, tp in zip(_params(opt), _params(topt), strict=True):
        assert_close(p, tp.detach().numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_state_dict_saved_mid_schedule_resumes_it(name: str, tmp_path: Path) -> None:
    """Optimizer and scheduler saved after 10 steps (mg.save), loaded into fresh ones: torch's lrs go on."""
    make = SCHEDULERS[name]
    opt, sched, topt, tsched = _sched_pair(make)
    rng = np.random.default_rng(1)
    for _ in range(10):
        _train_step(opt, topt, rng)
        sched.step()
        tsched.step()
    mg.save({"optim": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "ckpt.npz")
    ckpt = mg.load(tmp_path / "ckpt.npz")
    opt2, sched2, _, _ = _sched_pair(make)
    opt2.load_state_dict(ckpt["optim"])
    sched2.load_state_dict(ckpt["sched"])
    assert sched2.get_last_lr() == tsched.get_last_lr()
    for p, q in zip(_params(opt2), _params(opt), strict=True):
        p.detach().numpy()[...] = q.detach().numpy()
    for step in range(10, _steps(sched)):
        _train_step(opt2, topt, rng)
        sched2.step()
        tsched.step()
        want = pytest.approx(tsched.get_last_lr(), rel=1e-12, abs=1e-15)
        assert sched2.get_last_lr() == want, f"step {step}"
        _assert_same_groups(opt2, topt, f"resumed step {step}")


def _warnings_of(fn: Callable[[], Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [f"{w.category.__name__}: {w.message}" for w in caught]


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_stepping_before_the_optimizer_warns_with_torchs_words(name: str) -> None:
    _, sched, _, tsched = _sched_pair(SCHEDULERS[name])
    ours, theirs = _warnings_of(sched.step), _warnings_of(tsched.step)
    assert ours == theirs
    if not name.startswith("WarmRestarts"):  # PyTorch's SGDR does not check the order
        assert any("before `optimizer.step()`" in w for w in ours)
    assert _warnings_of(sched.step) == _warnings_of(tsched.step) == []  # only the first step warns


def test_get_lr_outside_step_warns() -> None:
    _opt, sched, _, _ = _sched_pair(SCHEDULERS["StepLR"])
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


PLATEAU: list[dict[str, Any]] = [
    {},
    {"mode": "max", "factor": 0.5, "patience": 2, "threshold": 0.1, "threshold_mode": "abs",
     "cooldown": 2, "min_lr": [0.05, 0.001]},
    {"mode": "max", "patience": 0, "threshold": 0.05, "cooldown": 1},
    {"patience": 1, "threshold": 0.2, "threshold_mode": "abs", "eps": 0.05},
]  # fmt: skip


@pytest.mark.parametrize("kw", PLATEAU, ids=[str(i) for i in range(len(PLATEAU))])
def test_reduce_lr_on_plateau_matches_torch(kw: dict[str, Any], tmp_path: Path) -> None:
    """A noisy metric with occasional improvements for 40 epochs; saved and resumed half-way."""
    make: Make = lambda m, o: m.ReduceLROnPlateau(o, **kw)  # noqa: E731
    opt, sched, _, tsched = _sched_pair(make)
    rng = np.random.default_rng(0)
    metrics = rng.random(40) + np.where(np.arange(40) % 7 == 0, -1.0, 0.0)
    for epoch, m in enumerate(metrics):
        if epoch == 20:
            mg.save({"optim": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "p.npz")
            ckpt = mg.load(tmp_path / "p.npz")
            opt, sched, _, _ = _sched_pair(make)
            opt.load_state_dict(ckpt["optim"])
            sched.load_state_dict(ckpt["sched"])
        sched.step(mg.tensor(m) if epoch % 2 else float(m))
        tsched.step(float(m))
        assert sched.get_last_lr() == tsched.get_last_lr(), f"epoch {epoch}"
        assert (sched.best, sched.num_bad_epochs, sched.cooldown_counter, sched.last_epoch) == (
            tsched.best, tsched.num_bad_epochs, tsched.cooldown_counter, tsched.last_epoch)
    assert sched.get_last_lr() != [0.1, 0.02]  # the lrs were reduced at least once


def test_cosine_annealing_with_adamw_matches_torch_trajectory() -> None:
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(s) for s in [(3, 4), (4,), ()]]
    ours = [mg.tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    opt, topt = optim.AdamW(ours, lr=1e-2), torch.optim.AdamW(theirs, lr=1e-2)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=1e-4)
    tsched = torch.optim.lr_scheduler.CosineAnnealingLR(topt, T_max=4, eta_min=1e-4)
    rng = np.random.default_rng(3)
    for _ in range(12):
        _train_step(opt, topt, rng)
        sched.step()
        tsched.step()
    for p, tp in zip(ours, theirs, strict=True):
        assert_close(p, tp.detach().numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", ["StepLR", "Cosine-eta_min", "Lambda"])
def test_scheduler_resumed_with_last_epoch_matches_torch(name: str) -> None:
    opt, _, topt, _ = _sched_pair(SCHEDULERS[name])
    for g in opt.param_groups + topt.param_groups:
        g["lr"] = g["initial_lr"] * 0.5
    # Resume at epoch 4: the schedulers' first (initial) step is skipped by PyTorch's rules.
    kw = {"last_epoch": 4}
    if name == "StepLR":
        sched = lr_scheduler.StepLR(opt, 3, 0.5, **kw)
        tsched = torch.optim.lr_scheduler.StepLR(topt, 3, 0.5, **kw)
    elif name == "Lambda":
        sched = lr_scheduler.LambdaLR(opt, lambda e: 0.9**e, **kw)
        tsched = torch.optim.lr_scheduler.LambdaLR(topt, lambda e: 0.9**e, **kw)
    else:
        sched = lr_scheduler.CosineAnnealingLR(opt, 5, 0.001, **kw)
        tsched = torch.optim.lr_scheduler.CosineAnnealingLR(topt, 5, 0.001, **kw)
    for _ in range(8):
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
        assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12, abs=1e-15)


CLOSED_FORM = ["StepLR", "Cosine", "MultiStepLR", "ExponentialLR", "LinearLR", "ConstantLR", "PolynomialLR"]


@pytest.mark.parametrize("name", CLOSED_FORM)
def test_scheduler_step_with_epoch_uses_closed_form_like_torch(name: str) -> None:
    opt, sched, topt, tsched = _sched_pair(SCHEDULERS[name])
    for epoch in (2, 5, 9, 3, 12):
        opt.step()
        topt.step()
        with pytest.warns(UserWarning, match="epoch parameter") as ours:
            sched.step(epoch)
        with pytest.warns(UserWarning) as theirs:
            tsched.step(epoch)
        assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
        assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12, abs=1e-15)


def test_warm_restarts_step_with_fractional_epochs_matches_torch() -> None:
    opt, sched, topt, tsched = _sched_pair(SCHEDULERS["WarmRestarts-T_mult"])
    for epoch in (0.5, 1.25, 2.999, 3.0, 7.5, 20.1, 4.0):
        opt.step()
        topt.step()
        sched.step(epoch)
        tsched.step(epoch)
        want = pytest.approx((tsched.T_cur, tsched.T_i, tsched.last_epoch))
        assert (sched.T_cur, sched.T_i, sched.last_epoch) == want
        assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12)
    with pytest.raises(mg.InvalidParameterError, match=r"epoch.*-1"):
        sched.step(-1)


def test_one_cycle_refuses_to_step_past_total_steps_like_torch() -> None:
    opt, sched, _, _ = _sched_pair(lambda m, o: m.OneCycleLR(o, 0.1, total_steps=3))
    for _ in range(3):
        opt.step()
        sched.step()
    with pytest.raises(mg.InvalidParameterError, match=r"Tried to step 4 times.*total steps is 3"):
        sched.step()
    assert math.isfinite(sched.get_last_lr()[0])
