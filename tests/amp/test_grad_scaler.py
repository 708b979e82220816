"""GradScaler against torch.amp.GradScaler('cpu'): same scales, skipped steps and parameters."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.amp import GradScaler
from tests.helpers import require_torch

torch = require_torch()


def _pair(seed: int) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    w1, b1 = rng.standard_normal((8, 4)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    w2, b2 = rng.standard_normal((1, 8)).astype(np.float32), rng.standard_normal(1).astype(np.float32)
    ours = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    for model in (ours, theirs):
        with (mg.no_grad() if model is ours else torch.no_grad()):
            for p, v in zip(model.parameters(), (w1, b1, w2, b2)):
                p.copy_(mg.from_numpy(v.copy()) if model is ours else torch.from_numpy(v.copy()))
    return ours, theirs


@pytest.mark.parametrize("init_scale", [2.0**16, 2.0**126, 3.0e38])
def test_trajectory_matches_torch_including_overflow_and_growth(init_scale: float) -> None:
    # A huge initial scale overflows the first gradients: those steps are skipped and the scale
    # backs off; growth_interval=3 then grows it again, exactly as in PyTorch.
    ours, theirs = _pair(0)
    opt_o = mg.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    sc_o = GradScaler("cpu", init_scale=init_scale, growth_interval=3)
    sc_t = torch.amp.GradScaler("cpu", init_scale=init_scale, growth_interval=3)
    rng = np.random.default_rng(1)
    for _ in range(12):
        x = rng.standard_normal((16, 4)).astype(np.float32)
        y = rng.standard_normal((16, 1)).astype(np.float32)
        for model, opt, sc, lib in ((ours, opt_o, sc_o, mg), (theirs, opt_t, sc_t, torch)):
            opt.zero_grad()
            loss = ((model(lib.from_numpy(x)) - lib.from_numpy(y)) ** 2).mean()
            sc.scale(loss).backward()
            sc.unscale_(opt)
            sc.step(opt)
            sc.update()
        assert sc_o.get_scale() == sc_t.get_scale()
        assert sc_o.state_dict() == sc_t.state_dict()
        for p, q in zip(ours.parameters(), theirs.parameters()):
            # float32 rounding differs in the last bits over 12 momentum steps
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_step_without_unscale_unscales_and_returns_optimizer_result() -> None:
    ours, _ = _pair(2)
    opt = mg.optim.SGD(ours.parameters(), lr=0.0)
    sc = GradScaler("cpu", init_scale=4.0)
    ours(mg.ones(2, 4)).sum().backward()
    grads = [p.grad.numpy().copy() for p in ours.parameters()]
    out = sc.scale(ours(mg.ones(2, 4)).sum())
    assert out.item() == pytest.approx(4.0 * ours(mg.ones(2, 4)).sum().item(), rel=1e-6)
    opt.zero_grad()
    out.backward()
    assert sc.step(opt) is None  # SGD.step returns None, the step ran
    for p, g in zip(ours.parameters(), grads):
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=1e-6)


def test_scale_accepts_lists_and_tuples_and_refuses_others() -> None:
    sc = GradScaler("cpu", init_scale=2.0)
    a, b = mg.tensor(1.0), mg.tensor(3.0)
    assert [t.item() for t in sc.scale([a, b])] == [2.0, 6.0]
    assert isinstance(sc.scale((a,)), tuple)
    with pytest.raises(ValueError, match="iterable of Tensors"):
        sc.scale(3.0)  # type: ignore[call-overload]


def test_state_machine_errors_match_torch() -> None:
    ours, theirs = _pair(3)
    for model, lib, cls in ((ours, mg, GradScaler), (theirs, torch, torch.amp.GradScaler)):
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        sc = cls("cpu")
        sc.scale(model(lib.ones(2, 4)).sum()).backward()
        sc.unscale_(opt)
        with pytest.raises(RuntimeError, match="already been called"):
            sc.unscale_(opt)
        sc.step(opt)
        with pytest.raises(RuntimeError, match="after step"):
            sc.unscale_(opt)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
            sc.step(opt)
        with pytest.raises(RuntimeError, match="Closure"):
            sc.step(opt, closure=lambda: None)
        sc.update()
        with pytest.raises(AssertionError, match="No inf checks"):
            sc.update()


def test_update_with_new_scale_and_load_state_dict() -> None:
    sc = GradScaler("cpu")
    sc.scale(mg.tensor(1.0))
    sc.update(8.0)
    assert sc.get_scale() == 8.0
    sc.update(mg.tensor(16.0))
    assert sc.get_scale() == 16.0
    with pytest.raises(ValueError, match="1-element"):
        sc.update(mg.tensor([1.0, 2.0]))
    other = GradScaler("cpu")
    other.load_state_dict(sc.state_dict())
    assert other.state_dict() == sc.state_dict()
    with pytest.raises(RuntimeError, match="disabled instance"):
        other.load_state_dict({})


def test_disabled_scaler_passes_through() -> None:
    ours, _ = _pair(4)
    opt = mg.optim.SGD(ours.parameters(), lr=0.5)
    sc = GradScaler("cpu", enabled=False)
    loss = ours(mg.ones(1, 4)).sum()
    assert sc.scale(loss) is loss
    loss.backward()
    before = [p.detach().numpy().copy() for p in ours.parameters()]
    sc.unscale_(opt)
    sc.step(opt)
    sc.update()
    assert sc.get_scale() == 1.0 and sc.state_dict() == {} and not sc.is_enabled()
    assert any(not np.array_equal(p.detach().numpy(), b) for p, b in zip(ours.parameters(), before))


def test_cuda_scaler_warns_and_disables_like_torch_without_cuda() -> None:
    with pytest.warns(UserWarning, match="CUDA is not available"):
        sc = GradScaler()
    assert not sc.is_enabled()
    with pytest.warns(FutureWarning, match="deprecated"), pytest.warns(UserWarning, match="Disabling"):
        old = mg.cuda.amp.GradScaler()
    assert not old.is_enabled()


def test_bad_factors_raise_assertion_error_as_torch() -> None:
    with pytest.raises(AssertionError, match="growth factor"):
        GradScaler("cpu", growth_factor=1.0)
    with pytest.raises(AssertionError, match="backoff factor"):
        GradScaler("cpu", backoff_factor=1.0)


def test_float64_trajectory_is_exact() -> None:
    # In float64 the scale and 1/scale are powers of two applied exactly, so the scaled run must
    # equal PyTorch's to float64 rounding, not just to the float32 tolerance of the test above.
    ours, theirs = _pair(5)
    ours.double()
    theirs.double()
    opt_o = mg.optim.Adam(ours.parameters(), lr=0.05)
    opt_t = torch.optim.Adam(theirs.parameters(), lr=0.05)
    sc_o = GradScaler("cpu", init_scale=2.0**10, growth_interval=2)
    sc_t = torch.amp.GradScaler("cpu", init_scale=2.0**10, growth_interval=2)
    rng = np.random.default_rng(6)
    for _ in range(10):
        x, y = rng.standard_normal((16, 4)), rng.standard_normal((16, 1))
        for model, opt, sc, lib in ((ours, opt_o, sc_o, mg), (theirs, opt_t, sc_t, torch)):
            opt.zero_grad()
            loss = ((model(lib.from_numpy(x)) - lib.from_numpy(y)) ** 2).mean()
            sc.scale(loss).backward()
            sc.step(opt)
            sc.update()
        assert sc_o.get_scale() == sc_t.get_scale()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10, atol=1e-12)
