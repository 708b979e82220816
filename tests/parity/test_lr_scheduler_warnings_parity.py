"""Schedulers' warnings, errors and saved functions against torch: same calls, same words, same classes.

Each test runs one scenario on both libraries and compares what PyTorch's own
test_lrscheduler.py checks: the warnings recorded (``step()`` before
``optimizer.step()``, an ``optimizer.step`` replaced after the scheduler was
built, ``step(epoch)``'s deprecation), the exception class and message of bad
arguments, and what CyclicLR's and OneCycleLR's state dicts keep of their
scale and annealing functions.
"""

from __future__ import annotations

import gc
import pickle
import types
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _opt(lib: Any, lr: Any = 0.1, groups: int = 1) -> Any:
    params = [{"params": [lib.zeros(2, requires_grad=True)]} for _ in range(groups)]
    return lib.optim.SGD(params, lr=lr, momentum=0.9)


def _warnings(fn: Callable[[], Any]) -> list[tuple[str, str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category.__name__, str(w.message)) for w in caught]


def _both(scenario: Callable[[Any], Any]) -> tuple[Any, Any]:
    return scenario(mg), scenario(torch)


def _override_after(lib: Any) -> list[tuple[str, str]]:
    opt = _opt(lib)
    sched = lib.optim.lr_scheduler.StepLR(opt, 3)
    inner = opt.step

    def replaced(self: Any, *args: Any, **kwargs: Any) -> Any:
        return inner(*args, **kwargs)

    opt.step = types.MethodType(replaced, opt)

    def run() -> None:
        for _ in range(3):
            opt.step()
            sched.step()

    return _warnings(run)


def _override_before(lib: Any) -> list[tuple[str, str]]:
    opt = _opt(lib)
    inner = opt.step
    calls = []

    def replaced(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return inner(*args, **kwargs)

    opt.step = types.MethodType(replaced, opt)
    sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)

    def run() -> None:
        for _ in range(3):
            opt.step()
            sched.step()

    found = _warnings(run)
    assert len(calls) == 3
    return found


def _old_order(lib: Any) -> list[tuple[str, str]]:
    opt = _opt(lib)
    sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, 5)

    def run() -> None:
        for _ in range(3):
            sched.step()
            opt.step()

    return _warnings(run)


def _with_epoch(lib: Any) -> list[tuple[str, str]]:
    opt = _opt(lib)
    scheds = [lib.optim.lr_scheduler.MultiStepLR(opt, [2, 4]), lib.optim.lr_scheduler.LinearLR(opt)]

    def run() -> None:
        for epoch in range(3):
            opt.step()
            for s in scheds:
                s.step(epoch)

    return _warnings(run)


def _sequential(lib: Any) -> list[tuple[str, str]]:
    m = lib.optim.lr_scheduler
    opt = _opt(lib)
    sched = m.SequentialLR(opt, [m.LinearLR(opt, 0.5, 0.1, 5), m.ExponentialLR(opt, 0.9)], [5])

    def run() -> None:
        for _ in range(10):
            opt.step()
            sched.step()

    return _warnings(run)


SCENARIOS = [_override_after, _override_before, _old_order, _with_epoch, _sequential]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__.strip("_"))
def test_warnings_match_torch(scenario: Callable[[Any], list[tuple[str, str]]]) -> None:
    ours, theirs = _both(scenario)
    assert ours == theirs


def test_resuming_without_initial_lr_raises_torchs_key_error() -> None:
    raised = []
    for lib in (mg, torch):
        with pytest.raises(KeyError) as info:
            lib.optim.lr_scheduler.StepLR(_opt(lib), 3, last_epoch=2)
        raised.append(str(info.value).strip("\"'"))
    want = ("param 'initial_lr' is not specified in param_groups[0] when resuming scheduler "
            "with last_epoch >= 0")
    assert all(message.startswith(want) for message in raised), raised


# (make, whether minigrad's message starts with torch's words): torch raises for each of these
BAD_ARGUMENTS: dict[str, tuple[Callable[[Any, Any], Any], bool]] = {
    "ConstantLR-factor": (lambda m, o: m.ConstantLR(o, factor=1.5), True),
    "LinearLR-start": (lambda m, o: m.LinearLR(o, start_factor=0.0), True),
    "LinearLR-start-high": (lambda m, o: m.LinearLR(o, start_factor=1.5), True),
    "LinearLR-end": (lambda m, o: m.LinearLR(o, end_factor=-0.5), True),
    "WarmRestarts-T_0": (lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=0), True),
    "WarmRestarts-T_0-float": (lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=2.0), True),
    "WarmRestarts-T_mult": (lambda m, o: m.CosineAnnealingWarmRestarts(o, 2, T_mult=1.5), True),
    "WarmRestarts-eta_min": (lambda m, o: m.CosineAnnealingWarmRestarts(o, 2, eta_min="0"), True),
    "WarmRestarts-negative-epoch": (lambda m, o: m.CosineAnnealingWarmRestarts(o, 2).step(-1), True),
    "MultiplicativeLR-lambda": (lambda m, o: m.MultiplicativeLR(o, 0.95), True),
    "LambdaLR-count": (lambda m, o: m.LambdaLR(o, [lambda e: 1.0] * 2), True),
    "CyclicLR-mode": (lambda m, o: m.CyclicLR(o, 0.01, 0.1, mode="sine"), True),
    "CyclicLR-base_lr-count": (lambda m, o: m.CyclicLR(o, [0.01, 0.02], 0.1), True),
    "CyclicLR-no-momentum": (lambda m, o: m.CyclicLR(_rprop(o), 0.01, 0.1), True),
    "OneCycleLR-steps": (lambda m, o: m.OneCycleLR(o, 0.1), True),
    "OneCycleLR-total_steps": (lambda m, o: m.OneCycleLR(o, 0.1, total_steps=0), True),
    "OneCycleLR-epochs": (lambda m, o: m.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=3), True),
    "OneCycleLR-pct_start": (lambda m, o: m.OneCycleLR(o, 0.1, total_steps=10, pct_start=1.5), False),
    "OneCycleLR-anneal": (lambda m, o: m.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="x"), False),
    "OneCycleLR-past-the-end": (lambda m, o: [m.OneCycleLR(o, 0.1, total_steps=2).step() for _ in range(3)],
                                True),
    "Plateau-factor": (lambda m, o: m.ReduceLROnPlateau(o, factor=1.0), True),
    "Plateau-mode": (lambda m, o: m.ReduceLROnPlateau(o, mode="up"), False),
    "Plateau-min_lr": (lambda m, o: m.ReduceLROnPlateau(o, min_lr=[0.1, 0.2]), True),
    "Plateau-not-an-optimizer": (lambda m, o: m.ReduceLROnPlateau(object()), True),
    "StepLR-not-an-optimizer": (lambda m, o: m.StepLR(object(), 2), True),
    "SequentialLR-empty": (lambda m, o: m.SequentialLR(o, [], []), True),
    "SequentialLR-milestones": (lambda m, o: m.SequentialLR(o, [m.StepLR(o, 2)], [3]), True),
    "SequentialLR-plateau": (lambda m, o: m.SequentialLR(o, [m.ReduceLROnPlateau(o)], []), True),
    "SequentialLR-not-a-scheduler": (lambda m, o: m.SequentialLR(o, [1, m.StepLR(o, 2)], [1]), True),
    "ChainedScheduler-empty": (lambda m, o: m.ChainedScheduler([]), True),
    "base-get_lr": (lambda m, o: m.LRScheduler(o), True),
}


def _rprop(opt: Any) -> Any:
    lib = mg if isinstance(opt, mg.optim.Optimizer) else torch
    return lib.optim.Rprop([p for g in opt.param_groups for p in g["params"]])


@pytest.mark.parametrize("name", list(BAD_ARGUMENTS))
def test_bad_arguments_raise_torchs_class_and_words(name: str) -> None:
    make, same_words = BAD_ARGUMENTS[name]
    with pytest.raises(Exception) as theirs:  # whatever torch raises is the reference
        make(torch.optim.lr_scheduler, _opt(torch))
    with pytest.raises(type(theirs.value)) as ours:
        make(mg.optim.lr_scheduler, _opt(mg))
    if same_words:
        assert str(ours.value).startswith(str(theirs.value).rstrip(".")), (str(ours.value), str(theirs.value))


def test_cyclic_lr_state_dict_keeps_only_picklable_scale_functions_like_torch() -> None:
    class Scale:
        def __init__(self) -> None:
            self.x = 0.5

        def __call__(self, _: float) -> float:
            return self.x

    def scale_fn(_: float) -> float:
        return 0.5

    for fn in (None, scale_fn, Scale()):
        states = []
        for lib in (mg, torch):
            opt = lib.optim.Adam([lib.zeros(2, requires_grad=True)])
            sched = lib.optim.lr_scheduler.CyclicLR(opt, 1, 5, cycle_momentum=False, scale_fn=fn)
            assert fn is not None or isinstance(sched._scale_fn_ref, types.FunctionType)
            state = sched.state_dict()
            pickle.dumps(state)
            states.append((sorted(state), state["_scale_fn_custom"]))
        assert states[0] == states[1]
    for lib in (mg, torch):
        opt = lib.optim.Adam([lib.zeros(2, requires_grad=True)])
        m = lib.optim.lr_scheduler
        saved = m.CyclicLR(opt, 1, 5, step_size_up=2, cycle_momentum=False, mode="triangular2").state_dict()
        restored = m.CyclicLR(opt, 1, 5, step_size_up=2, cycle_momentum=False)
        restored.load_state_dict(saved)
        assert restored.mode == "triangular2" and restored._scale_fn_custom is None
        assert restored.scale_fn(3) == 0.25


def test_one_cycle_lr_loads_a_legacy_state_dict_with_its_anneal_function_like_torch() -> None:
    lrs = []
    for lib in (mg, torch):
        opt = _opt(lib, groups=2)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=25, total_steps=10, final_div_factor=2)
        del sched._anneal_func_type
        state = sched.state_dict()
        assert "_anneal_func_type" not in state
        state["anneal_func"] = lib.optim.lr_scheduler.OneCycleLR._annealing_linear
        sched.load_state_dict(state)
        for _ in range(9):
            opt.step()
            sched.step()
        lrs.append(float(sched.get_last_lr()[0]))
    assert lrs[0] == pytest.approx(lrs[1], rel=1e-12)


def test_a_scheduler_leaves_no_reference_cycle_on_the_optimizer() -> None:
    counts = []
    for lib in (mg, torch):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1.0)
        opt.step()
        sched.step()
        del sched
        counts.append(len(gc.get_referrers(opt)))
    assert counts == [0, 0]
