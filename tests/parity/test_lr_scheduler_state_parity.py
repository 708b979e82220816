"""Every scheduler against torch, with float and with Tensor lrs: groups, last lrs and state dicts.

The same schedule is built on minigrad's and torch's SGD (two parameter
groups, momentum so that the cycling schedulers have one to cycle) and both are
stepped together. After every step each group's hyperparameters (lr,
initial_lr, momentum, the cycling schedulers' bounds) must agree in value and
in type -- a Tensor lr stays a Tensor of the same dtype -- and so must
``get_last_lr()``; at the end the whole ``state_dict()`` must, key for key and
in the same order. A Tensor lr is updated in place (the group keeps the very
Tensor it was given) and never aliases ``initial_lr``, ``base_lrs`` or the
values ``get_last_lr()`` returns, as in PyTorch.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

Make = Callable[[Any, Any], Any]


class _Factor:
    """A callable object (its ``__dict__`` is saved by LambdaLR's state dict)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate

    def __call__(self, epoch: int) -> float:
        return float(self.rate**epoch)


def _decay(epoch: int) -> float:
    return float(0.9**epoch)


SCHEDULERS: dict[str, Make] = {
    "StepLR": lambda m, o: m.StepLR(o, 3, 0.5),
    "StepLR-float-step": lambda m, o: m.StepLR(o, 2.0),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, [2, 5, 5], 0.5),
    "MultiStepLR-float-milestones": lambda m, o: m.MultiStepLR(o, [0.25 * 8, 0.5 * 8]),
    "ConstantLR": lambda m, o: m.ConstantLR(o, 0.5, 4),
    "LinearLR": lambda m, o: m.LinearLR(o, 0.2, 0.9, 5),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, 0.9),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, 6, 2.0),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, 5, 0.001),
    "CosineAnnealingWarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, 3, 2, 0.001),
    "LambdaLR": lambda m, o: m.LambdaLR(o, [_decay, _Factor(0.8)]),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, _decay),
    "CyclicLR": lambda m, o: m.CyclicLR(o, [0.01, 0.02], 0.1, 3, step_size_down=2, mode="triangular2"),
    "CyclicLR-exp_range": lambda m, o: m.CyclicLR(o, 0.01, 0.1, 3, mode="exp_range", gamma=0.9),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, [0.5, 0.4], total_steps=20, three_phase=True),
    "SequentialLR": lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, 0.1, total_iters=3), m.ExponentialLR(o, 0.9)], [3]),
    "ChainedScheduler": lambda m, o: m.ChainedScheduler(
        [m.LinearLR(o, 0.1, total_iters=3), m.ExponentialLR(o, 0.9)]),
    "ReduceLROnPlateau": lambda m, o: m.ReduceLROnPlateau(o, patience=1, cooldown=1, min_lr=[0.0, 0.03]),
}
METRICS = [1.0, 0.9, 0.95, 0.97, 0.96, 0.99, 0.5, 0.6, 0.7]
STEPS = 8


def _norm(v: Any) -> Any:
    """A comparable form of a value of either library (a Tensor becomes its dtype name, shape and values)."""
    if isinstance(v, (torch.Tensor, mg.Tensor)):
        return ("Tensor", str(v.dtype).split(".")[-1], tuple(v.shape), v.tolist())
    if isinstance(v, Counter):
        return ("Counter", dict(v))
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [_norm(x) for x in v])
    if isinstance(v, float):
        return ("float", v)
    return v


def _assert_same(got: Any, want: Any, where: str) -> None:
    """Equal structure, types and keys (in order); floats equal to 1e-12 relative."""
    if isinstance(want, tuple) and want and want[0] == "float":
        assert isinstance(got, tuple) and got[0] == "float", f"{where}: {got!r} is not a float like {want!r}"
        close = math.isclose(got[1], want[1], rel_tol=1e-12, abs_tol=1e-15)
        assert close, f"{where}: {got[1]!r} != {want[1]!r}"
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), f"{where}: keys {list(got)} != {list(want)}"
        for k in want:
            _assert_same(got[k], want[k], f"{where}[{k!r}]")
    elif isinstance(want, tuple) and want and want[0] in ("list", "tuple"):
        assert isinstance(got, tuple) and got[0] == want[0] and len(got[1]) == len(want[1]), \
            f"{where}: {got!r} != {want!r}"
        for i, (a, b) in enumerate(zip(got[1], want[1], strict=True)):
            _assert_same(a, b, f"{where}[{i}]")
    elif isinstance(want, tuple) and want and want[0] == "Tensor":
        assert isinstance(got, tuple) and got[:3] == want[:3], f"{where}: {got!r} != {want!r}"
        _assert_same(("float", float(got[3])), ("float", float(want[3])), where)
    else:
        assert got == want and type(got) is type(want), f"{where}: {got!r} != {want!r}"


def _build(lib: Any, name: str, tensor_lr: bool) -> tuple[Any, Any, list[Any]]:
    lrs = [lib.tensor(0.1), lib.tensor(0.05)] if tensor_lr else [0.1, 0.05]
    params = [lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)]
    opt = lib.optim.SGD([{"params": [params[0]], "lr": lrs[0]}, {"params": [params[1]], "lr": lrs[1]}],
                        momentum=0.9)
    return opt, SCHEDULERS[name](lib.optim.lr_scheduler, opt), lrs


def _groups(opt: Any) -> Any:
    return _norm([{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups])


@pytest.mark.parametrize("tensor_lr", [False, True], ids=["float-lr", "tensor-lr"])
@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_groups_last_lrs_and_state_dict_match_torch(name: str, tensor_lr: bool) -> None:
    opt, sched, _ = _build(mg, name, tensor_lr)
    topt, tsched, _ = _build(torch, name, tensor_lr)
    _assert_same(_groups(opt), _groups(topt), "groups after construction")
    _assert_same(_norm(sched.get_last_lr()), _norm(tsched.get_last_lr()), "get_last_lr() after construction")
    for step in range(STEPS):
        opt.step()
        topt.step()
        args = (METRICS[step],) if name == "ReduceLROnPlateau" else ()
        sched.step(*args)
        tsched.step(*args)
        _assert_same(_groups(opt), _groups(topt), f"groups after step {step + 1}")
        _assert_same(_norm(sched.get_last_lr()), _norm(tsched.get_last_lr()), f"get_last_lr() at {step + 1}")
    _assert_same(_norm(sched.state_dict()), _norm(tsched.state_dict()), "state_dict()")


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_tensor_lr_is_updated_in_place_and_never_aliased(name: str) -> None:
    opt, sched, lrs = _build(mg, name, True)
    for step in range(3):
        opt.step()
        sched.step(*((METRICS[step],) if name == "ReduceLROnPlateau" else ()))
    for group, lr in zip(opt.param_groups, lrs, strict=True):
        assert group["lr"] is lr  # filled in place, as PyTorch does (no new Tensor per step)
        assert group.get("initial_lr") is not lr
    held = [v for v in (*getattr(sched, "base_lrs", []), *sched.get_last_lr()) if isinstance(v, mg.Tensor)]
    assert all(v is not g["lr"] and v is not g.get("initial_lr") for v in held for g in opt.param_groups)
    before = [float(g["lr"]) for g in opt.param_groups]
    for last in sched.get_last_lr():
        last.mul_(100.0)  # the copies may be changed freely, as PyTorch's
    assert [float(g["lr"]) for g in opt.param_groups] == before


@pytest.mark.parametrize("name", ["StepLR", "CyclicLR", "OneCycleLR", "SequentialLR"])
def test_state_dict_round_trip_resumes_like_torch(name: str) -> None:
    results = []
    for lib in (mg, torch):
        opt, sched, _ = _build(lib, name, True)
        for _ in range(3):
            opt.step()
            sched.step()
        saved = copy.deepcopy(sched.state_dict())
        opt2, sched2, _ = _build(lib, name, True)
        opt2.load_state_dict(copy.deepcopy(opt.state_dict()))
        sched2.load_state_dict(saved)
        lrs = []
        for _ in range(4):
            opt2.step()
            sched2.step()
            lrs.append([float(v) for v in sched2.get_last_lr()])
        results.append((lrs, _norm(sched2.state_dict())))
    ours, theirs = ([v for lrs in r[0] for v in lrs] for r in results)
    assert ours == pytest.approx(theirs, rel=1e-12)
    _assert_same(results[0][1], results[1][1], "state_dict() after resuming")
