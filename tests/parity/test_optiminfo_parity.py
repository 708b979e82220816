"""PyTorch's own optimizer test database (OptimizerInfo) run against minigrad.optim.

``torch.testing._internal.common_optimizers.optim_db`` describes each PyTorch optimizer with its
constructor inputs (``optim_inputs_func``: lr as a float or a Tensor, weight_decay, maximize,
amsgrad, nesterov, ...) and the inputs that must raise (``optim_error_inputs_func``). For every
optimizer but SparseAdam (sparse gradients only: its inputs run on an Embedding(sparse=True)),
every CPU input -- with the database's CPU flag variants (``differentiable``; ``fused`` where
PyTorch has a CPU kernel) and, beyond the database, ``foreach=True``, a Tensor lr and two
parameter groups -- builds the same parameters (a matrix, a vector, a 0-d tensor and one that
never gets a gradient; 2-D ones for Muon) in both libraries, in float64 and float32. Both take
:data:`STEPS` steps of a fixed loss whose gradient is computed in numpy, so both see identical
gradients (LBFGS through a closure); after every step the parameters, every state entry and the
param_groups must agree. Half-way, torch's state dict is loaded into a fresh minigrad optimizer
over copies of torch's parameters and both go on together. Inputs PyTorch refuses (on the CPU,
``differentiable=True`` of leaf parameters; a Tensor lr with ``foreach=True``) must be refused
with an instance of PyTorch's exception class. The database's schedulers run with each optimizer,
and the error inputs must raise PyTorch's class (a warning where PyTorch warns) with a message
matching PyTorch's pattern.

Left out, with the reason: LBFGS in float32 (the two libraries' sums and dot products round
differently in the last bit, and the curvature pairs amplify that past any tolerance), complex
and sparse error inputs (no such dtypes/layouts in minigrad). LBFGS in float64 is compared to
1e-6 (its ulp differences grow). ASGD with ``foreach=True`` is PyTorch's multi-tensor formula
(rounded differently from its for-loop); one more ASGD input averages from step 3 (t0=2).

The database needs ``expecttest`` (``pip install expecttest``, in the ``parity`` extra): without
it the module skips, saying so (and fails where CI sets MINIGRAD_REQUIRE_TORCH).
"""

from __future__ import annotations

import copy
import re
import types
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch, torch_test_database

torch = require_torch()
_co = torch_test_database("common_optimizers", "OptimizerInfo")

STEPS = 6
SHAPES = [(3, 2), (4,), (), (2,)]  # the last one never gets a gradient
MUON_SHAPES = [(3, 2), (2, 4), (2, 2)]
_BY_NAME = {info.name: info for info in _co.optim_db}
NAMES = [n for n in _BY_NAME if n != "SparseAdam"]
#: (optimizer, dtype, input description) left out: see the module docstring
SKIP = [("LBFGS", "float32", "")]
def _to_mg(x: Any) -> Any:
    """torch tensors (in kwargs: a Tensor lr, Tensor betas) as minigrad tensors of the same dtype."""
    if isinstance(x, torch.Tensor):
        return mg.tensor(x.detach().numpy().copy(), dtype=getattr(mg, str(x.dtype).removeprefix("torch.")))
    if isinstance(x, (list, tuple)):
        return type(x)(_to_mg(v) for v in x)
    if isinstance(x, dict):
        return {k: _to_mg(v) for k, v in x.items()}
    return x


def _compare(got: Any, want: Any, where: str, tol: tuple[float, float]) -> None:
    """``got`` (minigrad) equals ``want`` (torch) in structure, types, dtypes and values."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, mg.Tensor), f"{where}: {got!r}, torch has the Tensor {want!r}"
        w = want.detach().numpy()
        assert got.numpy().shape == w.shape and got.numpy().dtype == w.dtype, \
            f"{where}: {got.numpy().shape} {got.numpy().dtype} vs torch's {w.shape} {w.dtype}"
        np.testing.assert_allclose(got.numpy(), w, rtol=tol[0], atol=tol[1], err_msg=where)
    elif isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), f"{where}: {got!r} vs {want!r}"
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            _compare(a, b, f"{where}[{i}]", tol)
    elif isinstance(want, dict):
        assert isinstance(got, dict) and set(map(str, got)) == set(map(str, want)), \
            f"{where}: keys {sorted(map(str, got))} vs torch's {sorted(map(str, want))}"
        by_str = {str(k): v for k, v in got.items()}
        for k, v in want.items():
            _compare(by_str[str(k)], v, f"{where}[{k!r}]", tol)
    elif isinstance(want, float) and type(got) in (int, float):
        assert got == pytest.approx(want, rel=tol[0], abs=1e-12), f"{where}: {got!r} vs torch's {want!r}"
    else:
        assert type(got) is type(want) and got == want, f"{where}: {got!r} vs torch's {want!r}"


class _Problem:
    """Fixed parameters and a separable loss, 0.5 a (x - t)^2 + 0.1 cos(x + k) at step k, whose
    gradient is computed in float64 numpy and handed to both libraries rounded to the dtype."""

    def __init__(self, shapes: list[tuple[int, ...]]) -> None:
        rng = np.random.default_rng(0)
        self.init = [rng.standard_normal(s) for s in shapes]
        self.a = [rng.uniform(0.5, 2.0, s) for s in shapes]
        self.t = [rng.standard_normal(s) for s in shapes]

    def set_grads(self, lib: Any, ps: list[Any], dtype: str, k: int) -> float:
        loss = 0.0
        for i, p in enumerate(ps[:-1] if len(ps) > 3 else ps):
            x = np.array(p.detach().numpy(), dtype=np.float64)
            loss += float((0.5 * self.a[i] * (x - self.t[i]) ** 2 + 0.1 * np.cos(x + k)).sum())
            p.grad = lib.tensor(self.a[i] * (x - self.t[i]) - 0.1 * np.sin(x + k), dtype=getattr(lib, dtype))
        return loss


def _for_minigrad(fn: Any) -> Any:
    """A scheduler lambda of the database re-bound to minigrad's lr_scheduler."""
    names = ("StepLR", "ReduceLROnPlateau", "ExponentialLR", "LinearLR", "ConstantLR", "PolynomialLR")
    scope = {**fn.__globals__, **{n: getattr(mg.optim.lr_scheduler, n) for n in names}}
    return types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__, fn.__closure__)


class _Run:
    """One library's parameters, optimizer (and schedulers) over a :class:`_Problem`."""

    def __init__(self, lib: Any, info: Any, kwargs: dict[str, Any], dtype: str, problem: _Problem,
                 groups: bool = False, schedulers: tuple[Any, ...] = ()) -> None:
        self.lib, self.info, self.dtype, self.problem = lib, info, dtype, problem
        kind = torch.nn.Parameter if lib is torch else mg.nn.Parameter
        self.ps = [kind(lib.tensor(x.copy(), dtype=getattr(lib, dtype))) for x in problem.init]
        params: list[Any] = self.ps
        if groups:
            params = [{"params": self.ps[:2]}, {"params": self.ps[2:], "lr": 0.02, "weight_decay": 0.05}]
        kw = copy.deepcopy(kwargs)
        self.opt = getattr(lib.optim, info.name)(params, **(kw if lib is torch else _to_mg(kw)))
        self.schedulers = [s(self.opt) if lib is torch else _for_minigrad(s)(self.opt) for s in schedulers]

    def step(self, k: int) -> float:
        if self.info.step_requires_closure:
            def closure() -> Any:
                self.opt.zero_grad()
                return self.lib.tensor(self.problem.set_grads(self.lib, self.ps, self.dtype, k))
            loss = float(self.opt.step(closure))
        else:
            loss = self.problem.set_grads(self.lib, self.ps, self.dtype, k)
            self.opt.step()
        for s in self.schedulers:
            s.step(loss) if type(s).__name__ == "ReduceLROnPlateau" else s.step()
        return loss


def _same(m: _Run, t: _Run, where: str, tol: tuple[float, float]) -> None:
    for i, (a, b) in enumerate(zip(m.ps, t.ps, strict=True)):
        _compare(a.detach(), b.detach(), f"{where}: param {i}", tol)
    ms, ts = m.opt.state_dict(), t.opt.state_dict()
    _compare(ms["state"], ts["state"], f"{where}: state", tol)
    _compare(ms["param_groups"], ts["param_groups"], f"{where}: param_groups", tol)


def _run_both(info: Any, kwargs: dict[str, Any], dtype: str, groups: bool = False,
              schedulers: tuple[Any, ...] = ()) -> None:
    """Step both libraries together (and a minigrad optimizer loaded from torch's state half-way)."""
    problem = _Problem(MUON_SHAPES if info.name == "Muon" else SHAPES)
    tol = (2e-5, 1e-6) if dtype == "float32" else (1e-6, 1e-7) if info.name == "LBFGS" else (1e-10, 1e-12)
    errors: list[BaseException | None] = []
    runs: list[_Run] = []
    for lib in (torch, mg):
        try:
            run = _Run(lib, info, kwargs, dtype, problem, groups, schedulers)
            run.step(0)
            runs.append(run)
            errors.append(None)
        except Exception as e:
            errors.append(e)
    terr, merr = errors
    if terr is not None or merr is not None:
        assert terr is not None, f"minigrad raises {merr!r}; torch runs"
        assert merr is not None, f"torch raises {terr!r}; minigrad runs"
        assert isinstance(merr, type(terr)), f"minigrad raises {merr!r}, torch {terr!r}"
        return
    t, m = runs
    _same(m, t, "step 0", tol)
    loaded = None
    for k in range(1, STEPS):
        if k == STEPS // 2:
            state = t.opt.state_dict()
            loaded = _Run(mg, info, kwargs, dtype, problem, groups)
            t2 = _Run(torch, info, kwargs, dtype, problem, groups)
            with torch.no_grad(), mg.no_grad():
                for a, b, c in zip(loaded.ps, t2.ps, t.ps, strict=True):
                    a.copy_(mg.tensor(c.detach().numpy().copy()))
                    b.copy_(c)
            loaded.opt.load_state_dict(copy.deepcopy(state))
            t2.opt.load_state_dict(copy.deepcopy(state))
        if info.step_requires_closure:
            assert m.step(k) == pytest.approx(t.step(k), rel=tol[0]), f"step {k}: the closure's loss"
        else:
            m.step(k)
            t.step(k)
        _same(m, t, f"step {k}", tol)
        if loaded is not None:
            loaded.step(k)
            t2.step(k)
            _same(loaded, t2, f"step {k} after loading torch's state dict", tol)


def _inputs(name: str, extra: bool) -> list[tuple[str, dict[str, Any], bool]]:
    """(description, kwargs, two groups?) for the database's CPU inputs, and with ``extra`` the extra ones."""
    info = _BY_NAME[name]
    out = [(oi.desc, oi.kwargs, False)
           for oi in _co._get_optim_inputs_including_global_cliquey_kwargs("cpu", torch.float64, info)]
    for oi in info.optim_inputs_func("cpu") if extra else ():
        if "foreach" in info.supported_impls:
            out.append((f"{oi.desc} & foreach", {**oi.kwargs, "foreach": True}, False))
        if not isinstance(oi.kwargs.get("lr"), torch.Tensor):
            lr = oi.kwargs.get("lr", info.optim_cls.__init__.__defaults__[0])
            out.append((f"{oi.desc} & Tensor lr", {**oi.kwargs, "lr": torch.tensor(float(lr))}, False))
        if info.supports_param_groups:
            out.append((f"{oi.desc} & groups", oi.kwargs, True))
    if extra and name == "ASGD":  # the database's t0 never starts the averaging within a few steps
        for foreach in (False, True):
            out.append(("averaging", {"t0": 2, "lambd": 0.01, "alpha": 0.6, "foreach": foreach}, True))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_inputs_match_torch(name: str) -> None:
    """Every input of the database (and the extra forms) steps as torch's optimizer, or fails as it."""
    info = _BY_NAME[name]
    ran = 0
    for dtype in ("float64", "float32"):
        # (the extras also in float32 would take ~10 s more)
        for desc, kwargs, groups in _inputs(name, extra=dtype == "float64"):
            if any(n == name and d == dtype and s in desc for n, d, s in SKIP):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    _run_both(info, kwargs, dtype, groups)
                except AssertionError as e:
                    raise AssertionError(f"{name} {dtype} {desc} {kwargs}: {e}") from None
            ran += 1
    assert ran >= 5, f"{name}: only {ran} inputs ran"


@pytest.mark.parametrize("name", NAMES)
def test_schedulers_match_torch(name: str) -> None:
    """The database's schedulers for each optimizer move lr as torch's do (a Tensor lr in place, too)."""
    info = _BY_NAME[name]
    lrs: list[Any] = [{}] if name == "LBFGS" else [{"lr": 0.01}, {"lr": torch.tensor(0.01)}]
    for schedulers in info.scheduler_inputs:
        for kwargs in lrs:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _run_both(info, kwargs, "float64", schedulers=tuple(schedulers))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sparse_adam_inputs_match_torch(dtype: str) -> None:
    """SparseAdam's database inputs (a Tensor lr among them) on an Embedding(sparse=True), as torch's."""
    tol = (2e-5, 1e-6) if dtype == "float32" else (1e-10, 1e-12)
    weight = np.random.default_rng(0).standard_normal((6, 3))
    info = _BY_NAME["SparseAdam"]

    def make(lib: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
        emb = lib.nn.Embedding(6, 3, sparse=True, dtype=getattr(lib, dtype))
        with lib.no_grad():
            emb.weight.copy_(lib.tensor(weight))
        kw = copy.deepcopy(kwargs)
        return emb, lib.optim.SparseAdam(list(emb.parameters()), **(kw if lib is torch else _to_mg(kw)))

    for oi in info.optim_inputs_func("cpu"):
        (temb, topt), (memb, mopt) = make(torch, oi.kwargs), make(mg, oi.kwargs)
        for k in range(STEPS):
            if k == STEPS // 2:  # go on from torch's state dict
                memb, mopt = make(mg, oi.kwargs)
                with mg.no_grad():
                    memb.weight.copy_(mg.tensor(temb.weight.detach().numpy().copy()))
                mopt.load_state_dict(copy.deepcopy(topt.state_dict()))
            rng = np.random.default_rng(k)
            idx, coef = rng.integers(0, 6, size=(4,)), rng.standard_normal((4, 3))
            for lib, emb, opt in ((torch, temb, topt), (mg, memb, mopt)):
                opt.zero_grad()
                (emb(lib.tensor(idx)) * lib.tensor(coef, dtype=getattr(lib, dtype))).sum().backward()
                opt.step()
            where = f"SparseAdam {dtype} {oi.desc}, step {k}"
            _compare(memb.weight.detach(), temb.weight.detach(), where, tol)
            _compare(mopt.state_dict(), topt.state_dict(), where, tol)


def _error_params(x: Any, memo: dict[int, Any]) -> Any:
    """An error input's params for minigrad: the same tensor for the same torch tensor, grads kept."""
    if isinstance(x, torch.Tensor):
        if id(x) not in memo:
            t = _to_mg(x)
            memo[id(x)] = mg.nn.Parameter(t) if x.requires_grad else t
            if x.grad is not None:
                memo[id(x)].grad = _to_mg(x.grad)
        return memo[id(x)]
    if isinstance(x, (list, tuple)):
        return type(x)(_error_params(v, memo) for v in x)
    if isinstance(x, dict):
        return {k: _error_params(v, memo) for k, v in x.items()}
    return x


def _unsupported(x: Any) -> bool:
    if isinstance(x, torch.Tensor):
        return x.is_complex() or x.layout != torch.strided
    if isinstance(x, (list, tuple)):
        return any(_unsupported(v) for v in x)
    return isinstance(x, dict) and any(_unsupported(v) for v in x.values())


@pytest.mark.parametrize("name", list(_BY_NAME))
def test_error_inputs_raise_torch_classes(name: str) -> None:
    """Each CPU error input raises PyTorch's class (or warns where it warns), with its message."""
    info = _BY_NAME[name]
    checked = 0
    for error in info.optim_error_inputs_func("cpu", torch.float64):
        oi = error.optimizer_error_input
        if _unsupported([oi.params, oi.kwargs]):  # complex or sparse tensors: minigrad has none
            continue
        params = oi.params
        if params is None:
            params = [torch.nn.Parameter(torch.randn(2, 2, dtype=torch.float64))]
        params, kwargs = _error_params(params, {}), _to_mg(oi.kwargs)
        got = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                opt = getattr(mg.optim, name)(params, **kwargs)
                if error.error_on == _co.OptimizerErrorEnum.STEP_ERROR:
                    opt.step()
            except Exception as e:
                got = e
        where = f"{name}: {oi.desc}"
        if issubclass(error.error_type, Warning):
            assert got is None, f"{where}: raises {got!r}; torch warns"
            assert any(issubclass(w.category, error.error_type) and re.search(error.error_regex,
                                                                              str(w.message))
                       for w in caught), f"{where}: no {error.error_type.__name__} /{error.error_regex}/"
        else:
            assert isinstance(got, error.error_type), f"{where}: {got!r}, torch raises {error.error_type}"
            assert re.search(error.error_regex, str(got)), f"{where}: {got} !~ /{error.error_regex}/"
        checked += 1
    assert checked >= 6
