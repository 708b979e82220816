"""``Module.state_dict()`` values against PyTorch's: shared memory, and the Tensor calls scripts make on them.

Each test runs the same PyTorch-style snippet on a torch module and on a
minigrad module with copied weights and compares the numbers.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

torch = pytest.importorskip("torch")
torch.set_num_threads(1)


def _pair() -> tuple[Any, nn.Module]:
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2)).double()
    mm = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)).double()
    mm.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    return tm, mm


def _sgd_steps(lib: Any, model: Any, steps: int) -> None:
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    x = np.linspace(-1.0, 1.0, 24).reshape(8, 3)
    for i in range(steps):
        opt.zero_grad()
        out = model(lib.tensor(x * (i + 1), dtype=lib.float64))
        (out**2).mean().backward()
        opt.step()


def _assert_states_equal(t_sd: dict[str, Any], m_sd: dict[str, Any]) -> None:
    assert list(t_sd) == list(m_sd)
    for k in t_sd:
        np.testing.assert_allclose(np.asarray(m_sd[k]), t_sd[k].numpy(), rtol=1e-12, atol=1e-14, err_msg=k)


def test_the_save_load_tutorial_printout() -> None:
    tm, mm = _pair()
    t_sd, m_sd = tm.state_dict(), mm.state_dict()
    rows_t = [(k, tuple(t_sd[k].size()), t_sd[k].numel(), t_sd[k].dim()) for k in t_sd]
    rows_m = [(k, tuple(m_sd[k].size()), m_sd[k].numel(), m_sd[k].dim()) for k in m_sd]
    assert rows_m == rows_t
    assert str(m_sd["0.weight"].size()) == "minigrad.Size([4, 3])"
    assert m_sd["0.weight"].size(1) == t_sd["0.weight"].size(1) == 3
    assert m_sd["0.weight"].size(-2) == 4
    assert m_sd["0.weight"].size == 12  # still numpy's element count
    assert all(isinstance(v, np.ndarray) for v in m_sd.values())


def test_values_share_memory_with_the_module_so_a_kept_state_dict_follows_training() -> None:
    # the common slip `best = model.state_dict()` keeps no snapshot in PyTorch; same numbers here
    tm, mm = _pair()
    t_best, m_best = tm.state_dict(), mm.state_dict()
    t_snap = {k: v.clone() for k, v in tm.state_dict().items()}
    m_snap = {k: v.clone() for k, v in mm.state_dict().items()}
    m_deep = copy.deepcopy(mm.state_dict())
    _sgd_steps(torch, tm, 3)
    _sgd_steps(mg, mm, 3)
    _assert_states_equal(t_best, m_best)
    _assert_states_equal(tm.state_dict(), m_best)
    _assert_states_equal(t_snap, m_snap)
    _assert_states_equal(t_snap, m_deep)
    assert not np.array_equal(m_snap["0.weight"], m_best["0.weight"])
    tm.load_state_dict(t_snap)
    mm.load_state_dict(m_snap)
    _assert_states_equal(tm.state_dict(), mm.state_dict())
    assert int(m_best["1.num_batches_tracked"]) == int(t_best["1.num_batches_tracked"]) == 0


def test_weight_ema_written_through_state_dict_copy_() -> None:
    # timm's ModelEmaV2: ema_v.copy_(decay * ema_v + (1 - decay) * model_v) over the state dicts
    tm, mm = _pair()
    t_ema, m_ema = copy.deepcopy(tm), copy.deepcopy(mm)
    for _ in range(4):
        _sgd_steps(torch, tm, 1)
        _sgd_steps(mg, mm, 1)
        with torch.no_grad():
            for e, v in zip(t_ema.state_dict().values(), tm.state_dict().values(), strict=True):
                if e.dtype.is_floating_point:
                    e.copy_(e * 0.9 + (1.0 - 0.9) * v)
                else:
                    e.copy_(v)
        for e, v in zip(m_ema.state_dict().values(), mm.state_dict().values(), strict=True):
            if e.is_floating_point():
                e.copy_(e * 0.9 + (1.0 - 0.9) * v)
            else:
                e.copy_(v)
        _assert_states_equal(t_ema.state_dict(), m_ema.state_dict())


def test_in_place_methods_and_conversions() -> None:
    tm, mm = _pair()
    t_sd, m_sd = tm.state_dict(), mm.state_dict()
    with torch.no_grad():
        t_sd["0.bias"].mul_(2.0).add_(t_sd["2.bias"].sum(), alpha=0.5)
        t_sd["2.weight"].lerp_(torch.ones(2, 4, dtype=torch.float64), 0.25)
        t_sd["1.running_mean"].fill_(3.0)
        t_sd["1.running_var"].zero_()
    m_sd["0.bias"].mul_(2.0).add_(m_sd["2.bias"].sum(), alpha=0.5)
    m_sd["2.weight"].lerp_(np.ones((2, 4)), 0.25)
    m_sd["1.running_mean"].fill_(3.0)
    m_sd["1.running_var"].zero_()
    _assert_states_equal(tm.state_dict(), mm.state_dict())
    w = m_sd["0.weight"]
    assert w.float().dtype == np.float32 and w.double() is w and w.to("cpu") is w and w.cpu() is w
    assert w.to(mg.float32).dtype == np.float32 and w.to(dtype=mg.float16).dtype == np.float16
    assert w.long().dtype == np.int64 and w.int().dtype == np.int32 and w.bool().dtype == np.bool_
    assert w.to(w, copy=True) is not w and np.array_equal(w.to(w, copy=True), w)
    assert w.detach().base is not None and np.shares_memory(w.detach(), w)
    assert type(w.numpy()) is np.ndarray and np.shares_memory(w.numpy(), w)
    assert w.element_size() == 8 and not w.requires_grad
    assert w.equal(w.clone()) and not w.equal(w.clone()[:2])
    with pytest.raises(mg.errors.DeviceError):
        w.to("cuda")
    assert repr(m_sd["2.bias"]).startswith("array(")


def test_minigrad_functions_take_state_dict_values_as_tensors() -> None:
    # model soups and checks between runs call torch functions on state-dict values
    tm, mm = _pair()
    t2, m2 = _pair()
    _sgd_steps(torch, t2, 1)
    _sgd_steps(mg, m2, 1)
    t_sds, m_sds = [tm.state_dict(), t2.state_dict()], [mm.state_dict(), m2.state_dict()]
    for k in ("0.weight", "2.bias"):
        t_soup = torch.stack([sd[k] for sd in t_sds]).mean(0)
        m_soup = mg.stack([sd[k] for sd in m_sds]).mean(0)
        np.testing.assert_allclose(m_soup.numpy(), t_soup.numpy(), rtol=1e-12)
        np.testing.assert_allclose(mg.cat([sd[k] for sd in m_sds]).numpy(),
                                   torch.cat([sd[k] for sd in t_sds]).numpy(), rtol=1e-12)
        assert mg.allclose(m_sds[0][k], m_sds[1][k]) == torch.allclose(t_sds[0][k], t_sds[1][k])
        assert mg.equal(m_sds[0][k], mm.state_dict()[k])
        np.testing.assert_allclose(mg.norm(m_sds[1][k]).item(), torch.norm(t_sds[1][k]).item(), rtol=1e-12)
        np.testing.assert_allclose(mg.sum(m_sds[1][k]).item(), torch.sum(t_sds[1][k]).item(), rtol=1e-12)
        d = mg.sub(m_sds[1][k], m_sds[0][k])
        ref = torch.sub(t_sds[1][k], t_sds[0][k]).numpy()
        np.testing.assert_allclose(d.numpy(), ref, rtol=1e-9, atol=1e-15)  # (a difference of close values)
        assert isinstance(d, mg.Tensor) and type(d.numpy()) is np.ndarray  # the subclass does not leak
    vec = mg.nn.utils.parameters_to_vector(list(m_sds[1].values())[:2])
    ref = torch.nn.utils.parameters_to_vector(list(t_sds[1].values())[:2])
    np.testing.assert_allclose(vec.numpy(), ref.numpy(), rtol=1e-12)
    with mg.no_grad():
        mm[0].weight.copy_(m_sds[1]["0.weight"])
    np.testing.assert_array_equal(mm[0].weight.detach().numpy(), m2[0].weight.detach().numpy())
    assert mg.numel(m_sds[0]["0.weight"]) == 12


def test_keep_vars_destination_and_prefix() -> None:
    tm, mm = _pair()
    kept = mm.state_dict(keep_vars=True)
    assert kept["0.weight"] is mm[0].weight and kept["1.running_mean"] is mm[1].running_mean
    assert list(kept) == list(tm.state_dict(keep_vars=True))
    dest: dict[str, Any] = {"other": 1}
    out = mm.state_dict(destination=dest, prefix="model.")
    assert out is dest and list(dest) == ["other"] + ["model." + k for k in tm.state_dict()]
    with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
        assert list(mm.state_dict("m.")) == ["m." + k for k in tm.state_dict()]
    # PyTorch's deprecated positional (destination, prefix, keep_vars): taken, with its FutureWarning
    for lib, net in (("minigrad", mm), ("torch", tm)):
        with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
            kept = net.state_dict(None, "p.", True)
        assert list(kept) == ["p." + k for k in tm.state_dict()], lib
        assert kept["p.0.weight"] is net[0].weight, lib
    with pytest.raises(TypeError):
        mm.state_dict(None, "p", False, 1)
