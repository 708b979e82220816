"""Every optimizer against torch, step by step, on a small MLP in float64.

One table drives it: each row is an optimizer and its options. Both libraries
train copies of the same two-layer model (two parameter groups, each with its
own weight decay and the first with its own lr) for 20 steps through a
closure; after every step the closure's loss, every parameter and every state
entry (``step`` included) must agree to 1e-10. Mid-run, the state dict goes
through ``mg.save``/``mg.load`` into a fresh optimizer and into torch's
optimizer of the same name, and torch's state dict into minigrad's: all the
resumed runs must go on together. LBFGS, which
takes a single group and no weight decay, runs on the whole model and on the
Rosenbrock function, where it must stop at torch's point after the same number
of function evaluations.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from tests.helpers import require_torch

torch = require_torch()

RTOL, ATOL = 1e-10, 1e-12
STEPS = 20

CASES: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "maximize": True, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.01, "betas": (0.8, 0.9), "amsgrad": True, "maximize": True}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("Adagrad", {"lr": 0.1, "eps": 1e-6, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "maximize": True}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01, "betas": (0.8, 0.99), "maximize": True}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "momentum_decay": 0.01, "decoupled_weight_decay": True, "maximize": True}),
    ("RAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01, "betas": (0.5, 0.7), "decoupled_weight_decay": True, "maximize": True}),
    ("Rprop", {}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2), "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("Adafactor", {}),
    ("Adafactor", {"weight_decay": 0.05, "foreach": True}),
    ("Adafactor", {"lr": 0.05, "beta2_decay": -0.5, "eps": (1e-6, 1e-2), "d": 1.5, "maximize": True}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.6, "t0": 4, "maximize": True}),  # averaging from step 5
]
LBFGS_CASES: list[dict[str, Any]] = [
    {"lr": 0.5, "max_iter": 4, "history_size": 3},
    {"lr": 1, "max_iter": 5, "history_size": 4, "line_search_fn": "strong_wolfe"},
]


def _ids(cases: list[Any]) -> list[str]:
    return [f"{c[0]}-{'-'.join(f'{k}={v}' for k, v in c[1].items())}" if isinstance(c, tuple)
            else "-".join(f"{k}={v}" for k, v in c.items()) for c in cases]


class Run:
    """A minigrad model and optimizer, or torch's, fed the same batch."""

    def __init__(self, lib: Any, weights: dict[str, np.ndarray], name: str, kw: dict[str, Any],
                 groups: bool = True) -> None:
        self.lib = lib
        if lib is torch:
            self.model = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(),
                                             torch.nn.Linear(8, 3)).double()
            self.model.load_state_dict({k: torch.tensor(v) for k, v in weights.items()})
        else:
            self.model = nn.Sequential(nn.Linear(5, 8, dtype=mg.float64), nn.Tanh(),
                                       nn.Linear(8, 3, dtype=mg.float64))
            self.model.load_state_dict(weights)
        self.params = list(self.model.parameters())
        params: Any = self.params
        if groups:
            first = {"params": self.params[:2], "weight_decay": 0.02}
            if "lr" in kw:
                first["lr"] = kw["lr"] / 2
            params = [first, {"params": self.params[2:], "weight_decay": 0.1}]
        self.optimizer = getattr(lib.optim, name)(params, **kw)
        rng = np.random.default_rng(3)
        self.x, self.y = lib.tensor(rng.standard_normal((16, 5))), lib.tensor(rng.standard_normal((16, 3)))

    def closure(self) -> Any:
        self.optimizer.zero_grad()
        loss = ((self.model(self.x) - self.y) ** 2).mean()
        loss.backward()
        return loss.detach()  # torch's LBFGS calls float() on it, which warns for a loss with grad

    def step(self) -> float:
        return float(self.optimizer.step(self.closure))

    def arrays(self) -> list[np.ndarray]:
        return [p.detach().numpy().copy() for p in self.params]

    def state_of(self, i: int) -> dict[str, Any]:
        return self.optimizer.state.get(self.params[i], {})  # type: ignore[no-any-return]


def _assert_same_state(mine: Any, theirs: Any, where: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    """Recursively compare a minigrad state value with torch's (tensors, lists, numbers, None)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(mine, mg.Tensor), f"{where}: {type(mine).__name__} where torch has a tensor"
        assert mine.shape == tuple(theirs.shape), f"{where}: shape {mine.shape} != {tuple(theirs.shape)}"
        assert mine.numpy().dtype == theirs.numpy().dtype, f"{where}: dtype {mine.numpy().dtype}"
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=rtol, atol=atol, err_msg=where)
    elif isinstance(theirs, (list, tuple)):
        assert len(mine) == len(theirs), where
        for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            _assert_same_state(a, b, f"{where}[{i}]", rtol, atol)
    elif theirs is None:
        assert mine is None, where
    else:
        assert float(mine) == pytest.approx(float(theirs), rel=rtol, abs=atol), where


def _compare(ours: Run, theirs: Run, where: str) -> None:
    # L-BFGS's curvature pairs are differences of nearby gradients: last-bit
    # differences (PyTorch's BLAS dot and fused multiply-adds) grow faster there.
    rtol, atol = (1e-8, 1e-10) if isinstance(ours.optimizer, optim.LBFGS) else (RTOL, ATOL)
    if ours.optimizer.defaults.get("maximize"):
        # gradient *ascent* amplifies last-bit differences: with torch alone, weights moved by 1e-15
        # (relative) move SGD-nesterov's momentum after 20 steps by 7e-13 (absolute)
        atol = max(atol, 1e-11)
    for i, (a, b) in enumerate(zip(ours.arrays(), theirs.arrays(), strict=True)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"{where}: parameter {i}")
    for i in range(len(ours.params)):
        mine, want = ours.state_of(i), theirs.state_of(i)
        assert sorted(mine) == sorted(want), f"{where}: state keys of parameter {i}"
        for key in want:
            _assert_same_state(mine[key], want[key], f"{where}: state[{i}][{key!r}]", rtol, atol)


def _weights(seed: int = 0) -> dict[str, np.ndarray]:
    mg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 8, dtype=mg.float64), nn.Tanh(), nn.Linear(8, 3, dtype=mg.float64))
    return {k: np.array(v) for k, v in model.state_dict().items()}


def _to_torch(value: Any) -> Any:
    """A state dict loaded by mg.load (arrays, lists, dicts) with torch tensors for the arrays."""
    if isinstance(value, (np.ndarray, mg.Tensor)):
        return torch.from_numpy(np.array(value, copy=True))
    if isinstance(value, dict):
        return {k: _to_torch(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_torch(v) for v in value]
    return value


@pytest.mark.parametrize(("name", "kw"), CASES, ids=_ids(CASES))
def test_trajectory_params_and_state_match_torch(name: str, kw: dict[str, Any]) -> None:
    weights = _weights()
    ours, theirs = Run(mg, weights, name, kw), Run(torch, weights, name, kw)
    for step in range(STEPS):
        loss, tloss = ours.step(), theirs.step()
        assert loss == pytest.approx(tloss, rel=RTOL), f"step {step}: closure loss"
        _compare(ours, theirs, f"{name} step {step}")


@pytest.mark.parametrize(("name", "kw"), CASES, ids=_ids(CASES))
def test_float32_stays_float32_and_close_to_torch(name: str, kw: dict[str, Any]) -> None:
    """float32 parameters, the same random gradients for 20 steps: within float32 rounding of torch.

    PyTorch's float32 kernels fuse multiply-adds and vectorise sqrt, so the
    last bits differ; the state keeps the parameter's dtype (step: float32).
    """
    rng = np.random.default_rng(4)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(4, 3), (3,), ()]]
    ours = [mg.tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    opt, topt = getattr(optim, name)(ours, **kw), getattr(torch.optim, name)(theirs, **kw)
    for _ in range(STEPS):
        for p, tp in zip(ours, theirs, strict=True):
            g = rng.standard_normal(p.shape).astype(np.float32)
            p.grad, tp.grad = mg.tensor(g.copy()), torch.tensor(g.copy())
        opt.step()
        topt.step()
    for p, tp in zip(ours, theirs, strict=True):
        assert p.dtype == np.float32
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-4, atol=1e-5)
        for key, value in topt.state[tp].items():
            assert opt.state[p][key].dtype == np.dtype(str(value.dtype).removeprefix("torch.")), key
            np.testing.assert_allclose(opt.state[p][key].numpy(), value.numpy(), rtol=1e-3, atol=1e-5,
                                       err_msg=key)


@pytest.mark.parametrize("kw", LBFGS_CASES, ids=_ids(LBFGS_CASES))
def test_lbfgs_trajectory_params_and_state_match_torch(kw: dict[str, Any]) -> None:
    weights = _weights()
    ours, theirs = Run(mg, weights, "LBFGS", kw, groups=False), Run(torch, weights, "LBFGS", kw, groups=False)
    for step in range(6):
        loss, tloss = ours.step(), theirs.step()
        assert loss == pytest.approx(tloss, rel=RTOL), f"step {step}: closure loss"
        _compare(ours, theirs, f"LBFGS step {step}")


#: the last (most optioned) case of each optimizer
ROUND_TRIP = list(dict(CASES).items()) + [("LBFGS", kw) for kw in LBFGS_CASES]


@pytest.mark.parametrize(("name", "kw"), ROUND_TRIP, ids=_ids(ROUND_TRIP))
def test_state_dict_round_trip_mid_run_resumes_like_torch(name: str, kw: dict[str, Any],
                                                          tmp_path: Path) -> None:
    """Saved half-way (through a file) and loaded into fresh optimizers, minigrad's and torch's.

    Torch resumes from its own state dict too: loading casts every state
    tensor but ``step`` to the parameter's dtype in both libraries (which
    turns NAdam's float32 ``mu_product`` into float64), so the resumed runs
    are compared with each other.
    """
    groups = name != "LBFGS"
    steps = STEPS if groups else 8
    weights, half = _weights(), steps // 2
    ours, theirs = Run(mg, weights, name, kw, groups), Run(torch, weights, name, kw, groups)
    for _ in range(half):
        ours.step()
        theirs.step()
    mg.save({"optim": ours.optimizer.state_dict(), "model": ours.model.state_dict()}, tmp_path / "ckpt.npz")
    ckpt = mg.load(tmp_path / "ckpt.npz")
    tsd = copy.deepcopy(theirs.optimizer.state_dict())

    resumed = Run(mg, ckpt["model"], name, kw, groups)
    resumed.optimizer.load_state_dict(ckpt["optim"])
    torch_resumed = Run(torch, ckpt["model"], name, kw, groups)
    torch_resumed.optimizer.load_state_dict(tsd)
    torch_from_ours = Run(torch, ckpt["model"], name, kw, groups)
    torch_from_ours.optimizer.load_state_dict(_to_torch(ckpt["optim"]))
    ours_from_torch = Run(mg, {k: v.numpy() for k, v in theirs.model.state_dict().items()}, name, kw, groups)
    ours_from_torch.optimizer.load_state_dict(copy.deepcopy(tsd))
    _compare(resumed, torch_resumed, "after loading")
    _compare(resumed, torch_from_ours, "after loading into torch")
    _compare(ours_from_torch, torch_resumed, "after loading torch's state dict")
    for step in range(half, steps):
        losses = [run.step() for run in (resumed, torch_resumed, torch_from_ours, ours_from_torch)]
        assert losses == pytest.approx([losses[1]] * 4, rel=RTOL if groups else 1e-8), f"step {step}: losses"
        _compare(resumed, torch_resumed, f"{name} resumed step {step}")
        _compare(resumed, torch_from_ours, f"{name} step {step}, torch resumed from minigrad's state dict")
        _compare(ours_from_torch, torch_resumed, f"{name} step {step}, minigrad from torch's state dict")


def _rosenbrock(x: Any) -> Any:
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_on_rosenbrock_stops_at_torchs_point_after_as_many_evaluations(
        line_search_fn: str | None) -> None:
    start = np.array([-1.5, 2.0])
    kw: dict[str, Any] = {"lr": 1 if line_search_fn else 0.5, "max_iter": 200,
                          "line_search_fn": line_search_fn}
    runs = []
    for lib in (mg, torch):
        x = lib.tensor(start.copy(), requires_grad=True)
        opt = lib.optim.LBFGS([x], **kw)
        calls = [0]

        def closure(x: Any = x, opt: Any = opt, calls: list[int] = calls) -> Any:
            calls[0] += 1
            opt.zero_grad()
            loss = _rosenbrock(x)
            loss.backward()
            return loss.detach()

        losses = [float(opt.step(closure)) for _ in range(3)]
        state = opt.state[x]
        runs.append((x.detach().numpy().copy(), calls[0], state["func_evals"], state["n_iter"], losses))
    (x, calls, evals, iters, losses), (tx, tcalls, tevals, titers, tlosses) = runs
    assert (calls, evals, iters) == (tcalls, tevals, titers)
    np.testing.assert_allclose(x, tx, rtol=1e-6)
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-3)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-6, atol=1e-12)


def test_lbfgs_step_without_closure_and_with_groups_raise() -> None:
    p = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="closure"):
        optim.LBFGS([p]).step()
    with pytest.raises(mg.InvalidParameterError, match="parameter groups"):
        optim.LBFGS([{"params": [p]}, {"params": [mg.tensor([1.0], requires_grad=True)]}])
    # a group added after construction is accepted, as by PyTorch (its step uses the first group only)
    for lib in (mg, torch):
        opt = lib.optim.LBFGS([lib.tensor([1.0, 2.0], requires_grad=True)])
        opt.add_param_group({"params": [lib.tensor([1.0], requires_grad=True)]})
        assert len(opt.param_groups) == 2
