"""Optimizer signatures, param_group keys, reprs and PyTorch's implementation flags against torch.

``foreach``, ``fused``, ``capturable`` and ``differentiable`` are kept in every
parameter group as PyTorch keeps them. ``fused=True`` computes the same update
on the CPU (its trajectory equals torch's fused one and minigrad's default
one); ``capturable=True`` fails at the first step in both libraries (an
AssertionError), unless ``fused`` is set; ``fused`` with ``foreach`` or
``differentiable`` is refused with PyTorch's messages; ``differentiable=True``
raises UnsupportedError in minigrad (torch runs a step with autograd, which
minigrad's in-place no_grad updates cannot).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from tests.helpers import require_torch

torch = require_torch()

#: minigrad's optimizers, all in torch.optim too
NAMES = sorted(n for n in optim.__all__ if n != "Optimizer" and isinstance(getattr(optim, n), type))
FUSED = ["SGD", "Adam", "AdamW", "Adagrad"]
CAPTURABLE = [n for n in NAMES if "capturable" in inspect.signature(getattr(torch.optim, n)).parameters]
DIFFERENTIABLE = [n for n in NAMES
                  if "differentiable" in inspect.signature(getattr(torch.optim, n)).parameters]


def _pair(seed: int = 0, shapes: tuple[tuple[int, ...], ...] = ((3, 2), (2,), ())
          ) -> tuple[list[mg.Tensor], list[Any]]:
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    return ([mg.tensor(a.copy(), requires_grad=True) for a in arrays],
            [torch.tensor(a.copy(), requires_grad=True) for a in arrays])


def _groups(ps: list[Any]) -> list[dict[str, Any]]:
    return [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.5, "foreach": False}]


def _steps(opt: Any, ps: list[Any], lib: Any, n: int = 6) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    for _ in range(n):
        for p in ps:
            p.grad = lib.tensor(rng.standard_normal(tuple(p.shape)))
        opt.step()
    return [np.array(p.detach().numpy()) for p in ps]


def test_minigrad_has_every_torch_optimizer() -> None:
    theirs = {n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type)
              and issubclass(getattr(torch.optim, n), torch.optim.Optimizer) and n != "Optimizer"}
    assert set(NAMES) == theirs


@pytest.mark.parametrize("name", NAMES)
def test_signature_names_kinds_and_defaults_equal_torchs(name: str) -> None:
    def sig(cls: type) -> list[tuple[str, Any, Any]]:
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]

    assert sig(getattr(optim, name)) == sig(getattr(torch.optim, name))


@pytest.mark.parametrize("name", NAMES)
def test_param_group_keys_and_repr_equal_torchs(name: str) -> None:
    ours, theirs = _pair(shapes=((3, 2), (2, 2), (1, 3)) if name == "Muon" else ((3, 2), (2,), ()))
    kw: dict[str, Any] = {"fused": True} if name in FUSED else {}
    for k in (kw, {}):
        opt = getattr(optim, name)(_groups(ours) if name != "LBFGS" else ours, **k)
        topt = getattr(torch.optim, name)(_groups(theirs) if name != "LBFGS" else theirs, **k)
        groups, tgroups = opt.state_dict()["param_groups"], topt.state_dict()["param_groups"]
        assert [list(g) for g in groups] == [list(g) for g in tgroups]
        assert groups == tgroups
        assert repr(opt).splitlines() == repr(topt).splitlines()


@pytest.mark.parametrize("name", FUSED)
def test_fused_trajectory_equals_torchs_fused_and_the_default_one(name: str) -> None:
    kw: dict[str, Any] = {"lr": 0.05, "weight_decay": 0.1, "maximize": True}
    if name == "SGD":
        kw |= {"momentum": 0.9, "nesterov": True}
    elif name.startswith("Adam"):
        kw["amsgrad"] = True
    ours, theirs = _pair()
    fused = _steps(getattr(optim, name)(ours, fused=True, **kw), ours, mg)
    tfused = _steps(getattr(torch.optim, name)(theirs, fused=True, **kw), theirs, torch)
    plain_ps = _pair()[0]
    plain = _steps(getattr(optim, name)(plain_ps, **kw), plain_ps, mg)
    for a, b, c in zip(fused, tfused, plain, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_capturable_with_fused_runs_the_same_update_as_torch(name: str) -> None:
    ours, theirs = _pair()
    a = _steps(getattr(optim, name)(ours, lr=0.05, fused=True, capturable=True), ours, mg)
    b = _steps(getattr(torch.optim, name)(theirs, lr=0.05, fused=True, capturable=True), theirs, torch)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", CAPTURABLE)
def test_capturable_fails_at_the_first_step_as_torch_on_the_cpu(name: str) -> None:
    ours, theirs = _pair()
    opt = getattr(optim, name)(ours, capturable=True)  # construction is fine in both
    topt = getattr(torch.optim, name)(theirs, capturable=True)
    with pytest.raises(AssertionError, match="capturable=True"):
        _steps(topt, theirs, torch, 1)
    with pytest.raises(mg.DeviceError, match="If capturable=True, params") as info:
        _steps(opt, ours, mg, 1)
    assert isinstance(info.value, AssertionError)
    np.testing.assert_array_equal(ours[0].detach().numpy(), theirs[0].detach().numpy())  # nothing was updated


@pytest.mark.parametrize("name", FUSED)
@pytest.mark.parametrize("other", [{"foreach": True}, {"differentiable": True}])
def test_fused_with_foreach_or_differentiable_raises_torchs_error(name: str, other: dict[str, Any]) -> None:
    ours, theirs = _pair()
    with pytest.raises(RuntimeError) as tinfo:
        getattr(torch.optim, name)(theirs, fused=True, **other)
    with pytest.raises(RuntimeError) as info:
        getattr(optim, name)(ours, fused=True, **other)
    assert str(info.value) == str(tinfo.value)
    assert isinstance(info.value, mg.InvalidParameterError)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_differentiable_raises_unsupported(name: str) -> None:
    ours, _ = _pair()
    with pytest.raises(mg.UnsupportedError, match=r"differentiable=True.*no_grad") as info:
        getattr(optim, name)(ours, differentiable=True)
    assert isinstance(info.value, NotImplementedError)
    opt = getattr(optim, name)(ours[:2])
    with pytest.raises(mg.UnsupportedError, match="differentiable=True"):
        opt.add_param_group({"params": ours[2:], "differentiable": True})
    assert len(opt.param_groups) == 1


def test_loading_into_a_fused_optimizer_makes_step_float32_like_torch() -> None:
    """PyTorch hosts a fused (or capturable) optimizer's step as float32 whatever the saved dtype.

    The saved groups' flags decide (loading replaces the optimizer's groups by the saved ones).
    """
    ours, theirs = _pair()
    src, tsrc = optim.Adam(ours, fused=True), torch.optim.Adam(theirs, fused=True)
    _steps(src, ours, mg, 2)
    _steps(tsrc, theirs, torch, 2)
    sd, tsd = src.state_dict(), tsrc.state_dict()
    for state in (sd["state"], tsd["state"]):
        for s in state.values():
            s["step"] = s["step"].double()
    dst, tdst = optim.Adam(_pair()[0], fused=True), torch.optim.Adam(_pair()[1], fused=True)
    dst.load_state_dict(sd)
    tdst.load_state_dict(tsd)
    for i, p in enumerate(dst.param_groups[0]["params"]):
        assert dst.state[p]["step"].dtype == np.float32
        assert tdst.state[tdst.param_groups[0]["params"][i]]["step"].dtype == torch.float32
