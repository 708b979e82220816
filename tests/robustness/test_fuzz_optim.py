"""Bad input at every optimizer, scheduler and gradient-clipping call, judged against PyTorch.

Constructors get one bad hyperparameter at a time (the error must name it) and
bad ``params`` (empty, a bare Tensor, non-leaves, int tensors, duplicates,
malformed groups); ``step`` gets missing, NaN, inf and huge gradients and must
leave the parameters exactly where PyTorch leaves them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn
import minigrad.optim
import minigrad.optim.lr_scheduler
from tests.helpers import require_torch
from tests.robustness.oracle import check, expect_error

torch = require_torch()

OPTIMIZERS = ("SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "NAdam", "RAdam")
GOOD: dict[str, dict[str, Any]] = {
    "SGD": {"lr": 0.1}, "Adam": {"lr": 0.01}, "AdamW": {"lr": 0.01}, "Adagrad": {"lr": 0.1},
    "RMSprop": {"lr": 0.01}, "Adadelta": {"lr": 1.0}, "Adamax": {"lr": 0.01}, "NAdam": {"lr": 0.01},
    "RAdam": {"lr": 0.01},
}  # fmt: skip
BAD_HYPER: dict[str, dict[str, list[Any]]] = {
    "SGD": {"lr": [-0.1, float("nan"), "a", None, -float("inf")], "momentum": [-0.5, "a", float("nan")],
            "dampening": ["a"], "weight_decay": [-1e-2, "a", float("nan")], "nesterov": ["yes"]},
    "Adam": {"lr": [-1e-3, float("nan"), "a"], "betas": [(1.0, 0.999), (0.9, 1.5), (-0.1, 0.9), (0.9,), "ab",
                                                         (0.9, float("nan"))],
             "eps": [-1e-8, "a", float("nan")], "weight_decay": [-0.1, "a"]},
    "AdamW": {"lr": [-1e-3], "betas": [(0.9, -0.5), (2.0, 0.9)], "eps": [-1.0], "weight_decay": [-0.1, "x"]},
    "Adagrad": {"lr": [-0.1, float("nan")], "lr_decay": [-1.0, "a"], "eps": [-1e-10],
                "initial_accumulator_value": [-0.5, None], "weight_decay": [-0.1, "a"]},
    "RMSprop": {"lr": [-0.01], "alpha": [-0.9, float("nan"), "a"], "eps": [-1e-8, float("nan")],
                "momentum": [-0.1], "weight_decay": [-1.0], "centered": ["yes"]},
    "Adadelta": {"lr": [-1.0, None], "rho": [1.5, -0.1, float("nan")], "eps": [-1e-6],
                 "weight_decay": [-0.1]},
    "Adamax": {"lr": [-2e-3], "betas": [(1.0, 0.9), (0.9, -0.1)], "eps": [-1e-8], "weight_decay": [-1.0]},
    "NAdam": {"lr": [-2e-3], "betas": [(0.9, 1.0)], "momentum_decay": [-4e-3, "a"], "weight_decay": [-0.1]},
    "RAdam": {"lr": [-float("inf")], "betas": [(1.5, 0.9)], "eps": [float("nan")], "weight_decay": [-0.1]},
}  # fmt: skip
HYPER_CASES = [(o, k, v) for o, ks in BAD_HYPER.items() for k, vs in ks.items() for v in vs]


def _params(lib: Any) -> list[Any]:
    rng = np.random.default_rng(0)
    return [lib.tensor(rng.standard_normal((2, 3)).astype(np.float32), requires_grad=True),
            lib.tensor(rng.standard_normal(3).astype(np.float32), requires_grad=True)]  # fmt: skip


def _summary(opt: Any) -> str:
    """What an optimizer holds: its groups' hyperparameters and parameter shapes, as text."""
    groups = []
    for g in opt.param_groups:
        hyper = {
            k: v for k, v in sorted(g.items()) if k in ("lr", "momentum", "weight_decay", "eps", "betas")
        }
        groups.append((tuple(tuple(p.shape) for p in g["params"]), hyper))
    return repr(groups)


@pytest.mark.parametrize(
    ("opt", "arg", "bad"), HYPER_CASES, ids=[f"{o}-{k}={v!r}" for o, k, v in HYPER_CASES]
)
def test_bad_hyperparameter(opt: str, arg: str, bad: Any) -> None:
    """Raises an error naming the hyperparameter, or builds what PyTorch builds."""
    kwargs = {**GOOD[opt], arg: bad}
    key = f"{opt}({arg}={bad!r})"
    got = check(
        key,
        lambda: _summary(getattr(mg.optim, opt)(_params(mg), **kwargs)),
        lambda: _summary(getattr(torch.optim, opt)(_params(torch), **kwargs)),
    )
    if got is None:
        e = expect_error(key + ":message", lambda: getattr(mg.optim, opt)(_params(mg), **kwargs))
        assert arg in str(e), f"{key}: the message does not name {arg}: {e}"


BAD_PARAMS: dict[str, Callable[[Any], Any]] = {
    "empty-list": lambda lib: [],
    "bare-tensor": lambda lib: lib.ones(3, requires_grad=True),
    "non-leaf": lambda lib: [lib.ones(3, requires_grad=True) * 2],
    "int-tensor": lambda lib: [lib.ones(3, dtype=lib.int64)],
    "no-grad-tensor": lambda lib: [lib.ones(3)],
    "not-a-tensor": lambda lib: [np.ones(3)],
    "none": lambda lib: None,
    "generator": lambda lib: (p for p in [lib.ones(3, requires_grad=True)]),
    "group-without-params": lambda lib: [{"lr": 0.1}],
    "group-with-bare-tensor": lambda lib: [{"params": lib.ones(3, requires_grad=True)}],
    "group-with-bad-lr": lambda lib: [{"params": [lib.ones(3, requires_grad=True)], "lr": -1.0}],
    "groups-overlap": lambda lib: (lambda p: [{"params": [p]}, {"params": [p]}])(
        lib.ones(3, requires_grad=True)),
    "mixed-dicts-and-tensors": lambda lib: [{"params": [lib.ones(3, requires_grad=True)]},
                                            lib.ones(2, requires_grad=True)],
    "module-not-parameters": lambda lib: lib.nn.Linear(2, 2),
}  # fmt: skip


@pytest.mark.parametrize("opt", OPTIMIZERS)
@pytest.mark.parametrize("case", sorted(BAD_PARAMS))
def test_bad_params(opt: str, case: str) -> None:
    check(
        f"{opt}:params={case}",
        lambda: _summary(getattr(mg.optim, opt)(BAD_PARAMS[case](mg), **GOOD[opt])),
        lambda: _summary(getattr(torch.optim, opt)(BAD_PARAMS[case](torch), **GOOD[opt])),
    )


def test_duplicate_params_warn_like_pytorch() -> None:
    """A parameter listed twice: PyTorch warns (and would update it twice); minigrad warns or raises."""
    check(
        "SGD:params=duplicate",
        lambda: _summary(mg.optim.SGD([p := mg.ones(3, requires_grad=True), p], lr=0.1)),
        lambda: _summary(torch.optim.SGD([q := torch.ones(3, requires_grad=True), q], lr=0.1)),
    )


GRADS = ["none", "zero", "nan", "inf", "-inf", "huge", "one-nan", "normal", "wrong-shape", "int-grad"]


def _set_grads(lib: Any, params: list[Any], kind: str, rng: np.random.Generator) -> None:
    for i, p in enumerate(params):
        g = rng.standard_normal(tuple(p.shape)).astype(np.float32)
        if kind == "none" or (kind == "one-nan" and i == 1):
            continue
        if kind == "zero":
            g[...] = 0
        elif kind in ("nan", "inf", "-inf"):
            g[...] = float(kind)
        elif kind == "huge":
            with np.errstate(over="ignore"):  # some overflow to inf: that is the point
                g *= np.float32(3e38)
        elif kind == "one-nan":
            g.flat[0] = np.nan
        elif kind == "wrong-shape":
            g = g.reshape(-1)[:1]
        if kind == "int-grad":
            p.grad = lib.tensor(np.round(g).astype(np.int64))
        else:
            p.grad = lib.tensor(g)


EXTRA = [{}, {"weight_decay": 0.1}, {"momentum": 0.9}, {"momentum": 0.9, "nesterov": True}, {"amsgrad": True},
         {"maximize": True}, {"centered": True, "momentum": 0.5},
         {"weight_decay": 0.1, "decoupled_weight_decay": True},
         {"lr_decay": 0.1, "initial_accumulator_value": 0.5}, {"momentum_decay": 0.1}]  # fmt: skip


def _accepts(opt: str, extra: dict[str, Any]) -> bool:
    """Whether every option in ``extra`` is a hyperparameter of ``opt``."""
    return all(k in getattr(mg.optim, opt)([mg.ones(1, requires_grad=True)]).defaults for k in extra)


@settings(max_examples=90)
@given(opt=st.sampled_from(OPTIMIZERS), kinds=st.lists(st.sampled_from(GRADS), min_size=1, max_size=3),
       extra=st.sampled_from(EXTRA))
def test_step_with_bad_gradients(opt: str, kinds: list[str], extra: dict[str, Any]) -> None:
    """Missing, zero, NaN, inf, huge, mis-shaped and int gradients: the parameters end where PyTorch's do."""
    if not _accepts(opt, extra):
        extra = {}
    kwargs = {**GOOD[opt], **extra}

    def run(lib: Any, optim: Any) -> list[Any]:
        params = _params(lib)
        o = getattr(optim, opt)(params, **kwargs)
        rng = np.random.default_rng(1)
        for kind in kinds:
            _set_grads(lib, params, kind, rng)
            o.step()
        return [p.detach() if lib is torch else p for p in params]

    check(
        f"{opt}{sorted(extra.items())}:grads={kinds}",
        lambda: run(mg, mg.optim),
        lambda: run(torch, torch.optim),
    )


STATE_MISUSE: dict[str, Callable[[Any, Any], Any]] = {
    "load-empty": lambda o, lib: o.load_state_dict({}),
    "load-wrong-group-count": lambda o, lib: o.load_state_dict(
        {"state": {}, "param_groups": [*o.state_dict()["param_groups"], o.state_dict()["param_groups"][0]]}),
    "load-wrong-param-count": lambda o, lib: o.load_state_dict(
        {"state": {}, "param_groups": [{**o.state_dict()["param_groups"][0], "params": [0]}]}),
    "load-not-a-dict": lambda o, lib: o.load_state_dict([1]),
    "add-group-overlapping": lambda o, lib: o.add_param_group({"params": o.param_groups[0]["params"]}),
    "add-group-no-params": lambda o, lib: o.add_param_group({"lr": 0.1}),
    "zero_grad-set_to_none-false": lambda o, lib: o.zero_grad(set_to_none=False),
}  # fmt: skip


@pytest.mark.parametrize("opt", OPTIMIZERS)
@pytest.mark.parametrize("case", sorted(STATE_MISUSE))
def test_optimizer_state_misuse(opt: str, case: str) -> None:
    def run(lib: Any, optim: Any) -> str:
        o = getattr(optim, opt)(_params(lib), **GOOD[opt])
        STATE_MISUSE[case](o, lib)
        return _summary(o)

    check(f"{opt}:{case}", lambda: run(mg, mg.optim), lambda: run(torch, torch.optim))


SCHEDULERS: dict[str, Callable[[Any, Any], Any]] = {
    "StepLR-step_size=0": lambda s, o: s.StepLR(o, step_size=0),
    "StepLR-step_size=-1": lambda s, o: s.StepLR(o, step_size=-1),
    "StepLR-step_size=2.5": lambda s, o: s.StepLR(o, step_size=2.5),
    "StepLR-gamma=nan": lambda s, o: s.StepLR(o, step_size=1, gamma=float("nan")),
    "StepLR-gamma=-1": lambda s, o: s.StepLR(o, step_size=1, gamma=-1.0),
    "Cosine-T_max=0": lambda s, o: s.CosineAnnealingLR(o, T_max=0),
    "Cosine-T_max=-3": lambda s, o: s.CosineAnnealingLR(o, T_max=-3),
    "Cosine-eta_min=nan": lambda s, o: s.CosineAnnealingLR(o, T_max=3, eta_min=float("nan")),
    "Lambda-not-callable": lambda s, o: s.LambdaLR(o, lr_lambda=3),
    "Lambda-returns-nan": lambda s, o: s.LambdaLR(o, lr_lambda=lambda e: float("nan")),
    "Lambda-returns-str": lambda s, o: s.LambdaLR(o, lr_lambda=lambda e: "x"),
    "Lambda-raises": lambda s, o: s.LambdaLR(o, lr_lambda=lambda e: 1 / (e - e)),
    "Lambda-list-too-long": lambda s, o: s.LambdaLR(o, lr_lambda=[lambda e: 1.0, lambda e: 1.0]),
    "not-an-optimizer": lambda s, o: s.StepLR("sgd", step_size=1),
    "MultiStepLR-milestones=str": lambda s, o: s.MultiStepLR(o, milestones="ab"),
    "MultiStepLR-gamma=None": lambda s, o: s.MultiStepLR(o, milestones=[1, 2], gamma=None),
    "ExponentialLR-gamma=str": lambda s, o: s.ExponentialLR(o, gamma="0.9"),
    "ConstantLR-factor=2": lambda s, o: s.ConstantLR(o, factor=2.0),
    "ConstantLR-factor=-1": lambda s, o: s.ConstantLR(o, factor=-1.0),
    "LinearLR-start_factor=0": lambda s, o: s.LinearLR(o, start_factor=0.0),
    "LinearLR-start_factor=1.5": lambda s, o: s.LinearLR(o, start_factor=1.5),
    "LinearLR-end_factor=2": lambda s, o: s.LinearLR(o, end_factor=2.0),
    "PolynomialLR-total_iters=0": lambda s, o: s.PolynomialLR(o, total_iters=0),
    "WarmRestarts-T_0=0": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=0),
    "WarmRestarts-T_0=2.5": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2.5),
    "WarmRestarts-T_mult=0": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    "WarmRestarts-eta_min=str": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="a"),
    "OneCycle-no-steps": lambda s, o: s.OneCycleLR(o, max_lr=0.1),
    "OneCycle-total_steps=0": lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=0),
    "OneCycle-epochs=-1": lambda s, o: s.OneCycleLR(o, max_lr=0.1, epochs=-1, steps_per_epoch=3),
    "OneCycle-pct_start=1.5": lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1.5),
    "OneCycle-pct_start=int": lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=0),
    "OneCycle-anneal=x": lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="x"),
    "OneCycle-past-total": lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=3),
    "OneCycle-max_lr-list": lambda s, o: s.OneCycleLR(o, max_lr=[0.1, 0.2], total_steps=10),
    "Cyclic-step_size_up=0": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=0),
    "Cyclic-mode=x": lambda s, o: s.CyclicLR(o, 0.01, 0.1, mode="x"),
    "Cyclic-base_lr-list": lambda s, o: s.CyclicLR(o, [0.01, 0.02], 0.1),
    "Plateau-factor=1.5": lambda s, o: s.ReduceLROnPlateau(o, factor=1.5),
    "Plateau-mode=x": lambda s, o: s.ReduceLROnPlateau(o, mode="x"),
    "Plateau-threshold_mode=x": lambda s, o: s.ReduceLROnPlateau(o, threshold_mode="x"),
    "Plateau-min_lr-list": lambda s, o: s.ReduceLROnPlateau(o, min_lr=[0.1, 0.2]),
    "Sequential-empty": lambda s, o: s.SequentialLR(o, schedulers=[], milestones=[]),
    "Sequential-milestones": lambda s, o: s.SequentialLR(o, [s.StepLR(o, 2)], milestones=[1]),
    "Chained-empty": lambda s, o: s.ChainedScheduler([]),
    "Multiplicative-not-callable": lambda s, o: s.MultiplicativeLR(o, lr_lambda=0.9),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SCHEDULERS))
def test_scheduler_misuse(case: str) -> None:
    """Bad schedules raise (as PyTorch) or give PyTorch's learning rates for 5 steps."""

    def run(lib: Any, optim: Any) -> list[float]:
        o = optim.SGD(_params(lib), lr=0.1)
        sched = SCHEDULERS[case](optim.lr_scheduler, o)
        lrs = []
        with warnings.catch_warnings():  # "step() before optimizer.step()"
            warnings.simplefilter("ignore")
            for _ in range(5):
                o.step()
                sched.step()
                lrs.append(o.param_groups[0]["lr"])
        return np.array(lrs, dtype=np.float64)  # type: ignore[return-value]

    check(f"scheduler:{case}", lambda: run(mg, mg.optim), lambda: run(torch, torch.optim))


CLIP_ARGS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0, -1, "a", None, "inf"])
)


@settings(max_examples=60)
@given(
    max_norm=CLIP_ARGS,
    norm_type=st.sampled_from([2.0, 1, float("inf"), "inf", 0.5, 0, -1, "x", float("nan")]),
    kind=st.sampled_from(["normal", "nan", "inf", "none", "zero"]),
    error=st.booleans(),
)
def test_clip_grad_norm(max_norm: Any, norm_type: Any, kind: str, error: bool) -> None:
    """NaN, inf, zero and missing gradients; odd max_norm and norm_type; error_if_nonfinite."""

    def run(lib: Any, clip: Any) -> list[Any]:
        params = _params(lib)
        _set_grads(lib, params, kind, np.random.default_rng(3))
        total = clip(params, max_norm, norm_type=norm_type, error_if_nonfinite=error)
        grads = [np.zeros(tuple(p.shape)) if p.grad is None else np.asarray(p.grad.detach() if lib is torch
                 else p.grad.numpy(), dtype=np.float64) for p in params]  # fmt: skip
        return [total.detach() if lib is torch else total, *grads]

    check(
        f"clip_grad_norm_:{max_norm!r}:{norm_type!r}:{kind}:{error}",
        lambda: run(mg, mg.nn.utils.clip_grad_norm_),
        lambda: run(torch, torch.nn.utils.clip_grad_norm_),
    )


@pytest.mark.parametrize("value", [0.5, 0, -1.0, float("nan"), float("inf"), "a", None])
def test_clip_grad_value(value: Any) -> None:
    def run(lib: Any, clip: Any) -> list[Any]:
        params = _params(lib)
        _set_grads(lib, params, "normal", np.random.default_rng(4))
        clip(params, value)
        return [p.grad.detach() if lib is torch else p.grad for p in params]

    check(
        f"clip_grad_value_:{value!r}",
        lambda: run(mg, mg.nn.utils.clip_grad_value_),
        lambda: run(torch, torch.nn.utils.clip_grad_value_),
    )
