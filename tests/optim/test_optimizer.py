"""Optimizer mechanics: argument checks, groups, zero_grad, state_dict round trips, dtypes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.optim import lr_scheduler

OPTIMIZERS: dict[str, Any] = {
    "SGD": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "SGD-plain": lambda ps: optim.SGD(ps, lr=0.1),
    "Adam": lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True, weight_decay=0.1),
    "AdamW": lambda ps: optim.AdamW(ps, lr=0.01),
    "Adagrad": lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01, weight_decay=0.1),
    "RMSprop": lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.9, centered=True, weight_decay=0.1),
    "Adadelta": lambda ps: optim.Adadelta(ps, weight_decay=0.1),
    "Adamax": lambda ps: optim.Adamax(ps, weight_decay=0.1),
    "NAdam": lambda ps: optim.NAdam(ps, weight_decay=0.1),
    "RAdam": lambda ps: optim.RAdam(ps, weight_decay=0.1, decoupled_weight_decay=True),
    "Rprop": lambda ps: optim.Rprop(ps, lr=0.05),
    "ASGD": lambda ps: optim.ASGD(ps, lr=0.05, t0=1, weight_decay=0.1),
    "Adafactor": lambda ps: optim.Adafactor(ps, weight_decay=0.1),
}


def _params(dtype: Any = np.float64, seed: int = 0) -> list[mg.Tensor]:
    rng = np.random.default_rng(seed)
    return [mg.Tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in [(3, 2), (2,), ()]]


def _set_grads(ps: list[mg.Tensor], step: int) -> None:
    rng = np.random.default_rng(100 + step)
    for p in ps:
        p.grad = mg.Tensor(rng.standard_normal(p.shape).astype(p.dtype))


# ---------------------------------------------------------------- argument checks

@pytest.mark.parametrize(("make", "match"), [
    (lambda ps: optim.SGD(ps, lr=-0.1), "lr.*-0.1"),
    (lambda ps: optim.SGD(ps, lr=float("nan")), "lr.*nan"),
    (lambda ps: optim.SGD(ps, lr="0.1"), "lr.*'0.1'"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=-0.5), "momentum.*-0.5"),
    (lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-1), "weight_decay.*-1"),
    (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), "Nesterov.*momentum=0"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov.*dampening=0.1"),
    (lambda ps: optim.Adam(ps, lr=-1e-3), "lr.*-0.001"),
    (lambda ps: optim.Adam(ps, betas=(1.0, 0.999)), "beta parameter at index 0.*1.0"),
    (lambda ps: optim.Adam(ps, betas=(0.9, -0.1)), "beta parameter at index 1.*-0.1"),
    (lambda ps: optim.Adam(ps, betas=(0.9,)), "betas.*\\(0.9,\\)"),
    (lambda ps: optim.AdamW(ps, eps=-1e-8), "eps.*-1e-08"),
    (lambda ps: optim.AdamW(ps, weight_decay=-0.01), "weight_decay.*-0.01"),
    (lambda ps: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda ps: optim.Adam(iter([])), "empty parameter list"),
    (lambda ps: optim.SGD([{"params": ps[:2]}, {"params": ps[1:]}], lr=0.1), "more than one parameter group"),
    (lambda ps: optim.SGD([{"params": ps, "lr": -1.0}]), "lr.*-1.0"),
    (lambda ps: optim.SGD([ps[0] * 2], lr=0.1), "non-leaf"),
    (lambda ps: optim.Adagrad(ps, lr=-0.1), "lr.*-0.1"),
    (lambda ps: optim.Adagrad(ps, lr_decay=-1.0), "lr_decay.*-1.0"),
    (lambda ps: optim.Adagrad(ps, initial_accumulator_value=-0.5), "initial_accumulator_value.*-0.5"),
    (lambda ps: optim.Adagrad(ps, eps=-1e-10), "eps.*-1e-10"),
    (lambda ps: optim.RMSprop(ps, alpha=-0.9), "alpha.*-0.9"),
    (lambda ps: optim.RMSprop(ps, momentum=-0.1), "momentum.*-0.1"),
    (lambda ps: optim.RMSprop(ps, eps=float("nan")), "eps.*nan"),
    (lambda ps: optim.Adadelta(ps, rho=1.5), "rho.*1.5"),
    (lambda ps: optim.Adadelta(ps, lr=-1.0), "lr.*-1.0"),
    (lambda ps: optim.Adadelta(ps, weight_decay=-0.1), "weight_decay.*-0.1"),
    (lambda ps: optim.Adamax(ps, betas=(0.9, 1.0)), "beta parameter at index 1.*1.0"),
    (lambda ps: optim.Adamax(ps, eps=-1.0), "eps.*-1.0"),
    (lambda ps: optim.NAdam(ps, momentum_decay=-4e-3), "momentum_decay.*-0.004"),
    (lambda ps: optim.NAdam(ps, betas=(-0.1, 0.9)), "beta parameter at index 0.*-0.1"),
    (lambda ps: optim.RAdam(ps, betas=(0.9, 2.0)), "beta parameter at index 1.*2.0"),
    (lambda ps: optim.RAdam(ps, lr=-1e-3), "lr.*-0.001"),
    (lambda ps: optim.Rprop(ps, lr=-1e-3), "lr.*-0.001"),
    (lambda ps: optim.Rprop(ps, etas=(1.2, 0.5)), "eta values: 1.2, 0.5"),
    (lambda ps: optim.ASGD(ps, lr=-1e-3), "lr.*-0.001"),
    (lambda ps: optim.ASGD(ps, weight_decay=-0.1), "weight_decay.*-0.1"),
    (lambda ps: optim.ASGD(ps, t0=float("nan")), "t0.*nan"),
    (lambda ps: optim.Adafactor(ps, lr=-1.0), "lr.*-1.0"),
    (lambda ps: optim.Adafactor(ps, beta2_decay=0.5), "beta2_decay.*0.5"),
    (lambda ps: optim.Adafactor(ps, eps=(-1.0, 1e-3)), "epsilon1.*-1.0"),
    (lambda ps: optim.Adafactor(ps, eps=(None, -1e-3)), "epsilon2.*-0.001"),
    (lambda ps: optim.Adafactor(ps, eps=1e-3), "eps.*0.001"),
    (lambda ps: optim.Adafactor(ps, d=0.5), "d .*0.5"),
    (lambda ps: optim.Adafactor(ps, weight_decay=-0.1), "weight_decay.*-0.1"),
    (lambda ps: optim.LBFGS(ps, lr=-1.0), "lr.*-1.0"),
    (lambda ps: optim.LBFGS(ps, history_size=0), "history_size.*0"),
    (lambda ps: optim.LBFGS(ps, max_iter=2.5), "max_iter.*2.5"),
    (lambda ps: optim.LBFGS(ps, line_search_fn="armijo"), "line_search_fn.*'armijo'"),
    (lambda ps: optim.LBFGS(ps, tolerance_grad=-1.0), "tolerance_grad.*-1.0"),
])
def test_invalid_arguments_raise_naming_argument_and_value(make: Any, match: str) -> None:
    with pytest.raises(mg.InvalidParameterError, match=match):
        make(_params())


def test_duplicate_parameter_warns_and_is_updated_per_listing() -> None:
    """A parameter listed twice in a group: PyTorch warns (it used to be refused here) and steps it twice."""
    p = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        opt = optim.SGD([p, p], lr=0.1)
    p.grad = mg.tensor([1.0, -1.0])
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 2.2], rtol=1e-6)


def test_invalid_params_types() -> None:
    ps = _params()
    with pytest.raises(TypeError, match=r"but got torch\.DoubleTensor"):  # (PyTorch names its type)
        optim.SGD(ps[0], lr=0.1)
    # PyTorch 2.13's constructor takes a set of parameters (list(params)); a group's set is refused
    assert {id(p) for p in optim.SGD(set(ps), lr=0.1).param_groups[0]["params"]} == {id(p) for p in ps}
    with pytest.raises(TypeError, match="ordered"):
        optim.SGD(ps[:1], lr=0.1).add_param_group({"params": set(ps[1:])})
    with pytest.raises(TypeError, match="only optimize Tensors"):
        optim.SGD({"w": ps[0]}, lr=0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="only optimize Tensors"):
        optim.Adam([ps[0], np.zeros(3)])
    opt = optim.SGD(ps[:1], lr=0.1)
    with pytest.raises(TypeError, match="must be a dict"):
        opt.add_param_group(ps[1:])  # type: ignore[arg-type]


def test_errors_are_value_errors_too() -> None:
    with pytest.raises(ValueError):
        optim.SGD(_params(), lr=-1)


# ---------------------------------------------------------------- groups and stepping

def test_param_groups_are_filled_with_defaults_and_accept_generators() -> None:
    model = nn.Linear(3, 2)
    opt = optim.SGD(model.parameters(), lr=0.5, momentum=0.1)
    assert len(opt.param_groups) == 1
    g = opt.param_groups[0]
    assert g["params"] == [model.weight, model.bias] or all(
        a is b for a, b in zip(g["params"], [model.weight, model.bias], strict=True))
    hyper = (g["lr"], g["momentum"], g["dampening"], g["weight_decay"], g["nesterov"])
    assert hyper == (0.5, 0.1, 0, 0, False)
    opt2 = optim.Adam([{"params": [model.weight]}, {"params": model.bias, "lr": 0.1}], lr=0.01)
    assert [grp["lr"] for grp in opt2.param_groups] == [0.01, 0.1]
    assert opt2.param_groups[1]["betas"] == (0.9, 0.999)
    assert opt2.param_groups[1]["params"][0] is model.bias


def test_named_parameters_are_accepted_and_names_kept() -> None:
    model = nn.Linear(3, 2)
    opt = optim.AdamW(model.named_parameters())
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


def test_add_param_group_then_step_updates_it() -> None:
    ps = _params()
    opt = optim.SGD(ps[:1], lr=0.1)
    opt.add_param_group({"params": ps[1:], "lr": 1.0})
    before = [p.detach().numpy().copy() for p in ps]
    _set_grads(ps, 0)
    opt.step()
    for p, b, lr in zip(ps, before, [0.1, 1.0, 1.0], strict=True):
        np.testing.assert_allclose(p.detach().numpy(), b - lr * p.grad.numpy(), rtol=1e-15)
    with pytest.raises(mg.InvalidParameterError, match="more than one"):
        opt.add_param_group({"params": [ps[0]]})


def test_params_without_grad_are_skipped_and_get_no_state() -> None:
    ps = _params()
    opt = optim.Adam(ps, lr=0.1)
    before = ps[1].detach().numpy().copy()
    ps[0].grad = mg.Tensor(np.ones((3, 2)))
    opt.step()
    np.testing.assert_array_equal(ps[1].detach().numpy(), before)
    assert ps[1] not in opt.state and opt.state[ps[0]]["step"] == 1
    assert list(opt.state_dict()["state"]) == [0]


def test_update_is_in_place_under_no_grad_and_bumps_the_version() -> None:
    ps = _params()
    arrays = [p.detach().numpy() for p in ps]
    opt = optim.AdamW(ps, lr=0.1)
    _set_grads(ps, 0)
    grads = [p.grad.numpy().copy() for p in ps]
    versions = [p._version for p in ps]
    opt.step()
    assert all(p.detach().numpy() is a for p, a in zip(ps, arrays, strict=True))
    assert all(p._version == v + 1 for p, v in zip(ps, versions, strict=True))
    assert all(p.is_leaf and p.grad_fn is None for p in ps)
    for p, g in zip(ps, grads, strict=True):
        np.testing.assert_array_equal(p.grad.numpy(), g)  # gradients are read, never modified


def test_a_graph_using_the_old_parameters_cannot_be_backpropagated_after_a_step() -> None:
    p = mg.Tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    loss = (p * p).sum()
    p.grad = mg.Tensor([1.0, 1.0])
    opt.step()
    with pytest.raises(mg.MinigradError, match="modified by an inplace operation"):
        loss.backward()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_float32_params_and_state_stay_float32(name: str) -> None:
    """State entries are Tensors as in PyTorch: float32 like the parameter, 0-d float32 counters."""
    ps = _params(np.float32)
    opt = OPTIMIZERS[name](ps)
    for step in range(3):
        _set_grads(ps, step)
        opt.step()
    for p in ps:
        assert p.dtype == np.float32
        for key, v in opt.state[p].items():
            assert isinstance(v, mg.Tensor), key
            assert v.dtype == np.float32, key
            if key in ("step", "mu_product", "eta", "mu"):
                assert v.shape == ()
            elif key in ("row_var", "col_var"):  # Adafactor's factors: one of the last two dims is 1
                want = (*p.shape[:-1], 1) if key == "row_var" else (*p.shape[:-2], 1, p.shape[-1])
                assert v.shape == want, key
            else:
                assert v.shape == p.shape, key


def test_lr_given_as_numpy_float64_does_not_upcast_float32_params() -> None:
    ps = _params(np.float32)
    opt = optim.Adam(ps, lr=np.float64(0.01), betas=(np.float64(0.9), np.float64(0.99)))
    _set_grads(ps, 0)
    opt.step()
    assert all(p.dtype == np.float32 for p in ps)


def test_zero_grad_set_to_none_and_to_zero() -> None:
    ps = _params()
    opt = optim.SGD(ps, lr=0.1)
    _set_grads(ps, 0)
    held = ps[0].grad
    opt.zero_grad(set_to_none=False)
    assert ps[0].grad is held and not ps[0].grad.numpy().any()
    opt.zero_grad()
    assert all(p.grad is None for p in ps)


def test_zero_grad_false_detaches_a_gradient_with_history() -> None:
    x = mg.Tensor([1.0, 2.0], requires_grad=True)
    (g,) = mg.grad((x**3).sum(), [x], create_graph=True)
    x.grad = g
    optim.SGD([x], lr=0.1).zero_grad(set_to_none=False)
    assert x.grad is not None and x.grad.grad_fn is None and not x.grad.numpy().any()


def test_gradient_of_wrong_shape_raises_shape_error() -> None:
    p = mg.Tensor(np.ones(4), requires_grad=True)
    with pytest.raises(mg.ShapeError, match=r"gradient of size '\[3\]' to a tensor of size '\[4\]'"):
        p.grad = mg.Tensor(np.ones(3))  # refused when assigned, as PyTorch refuses it
    p.grad = mg.Tensor(np.ones(4))
    p.data = mg.Tensor(np.ones(3))  # (PyTorch lets .data change shape under a gradient: the step must refuse)
    with pytest.raises(mg.ShapeError, match=r"\(3,\).*\(4,\)"):
        optim.Adam([p]).step()


def test_nan_gradients_propagate_silently_like_torch() -> None:
    p = mg.Tensor(np.ones(3), requires_grad=True)
    p.grad = mg.Tensor(np.array([np.nan, np.inf, 1.0]))  # (float64, p's dtype: PyTorch refuses another)
    optim.Adam([p], lr=0.1).step()  # no RuntimeWarning (warnings are errors in the suite)
    values = p.detach().numpy()
    assert np.isnan(values[0]) and np.isnan(values[1]) and np.isfinite(values[2])


def test_repr_lists_groups() -> None:
    text = repr(optim.SGD(_params(), lr=0.25))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "lr: 0.25" in text


# ---------------------------------------------------------------- state dict

@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("through_file", [False, True])
def test_state_dict_round_trip_continues_the_same_trajectory(name: str, through_file: bool,
                                                             tmp_path: Path) -> None:
    """Stop after 5 steps, save, rebuild, load, go on: bit-identical to 10 uninterrupted steps."""
    make = OPTIMIZERS[name]
    straight = _params()
    opt = make(straight)
    for step in range(10):
        _set_grads(straight, step)
        opt.step()

    first = _params()
    opt1 = make(first)
    for step in range(5):
        _set_grads(first, step)
        opt1.step()
    sd = opt1.state_dict()
    weights = [p.detach().numpy().copy() for p in first]
    if through_file:
        mg.save({"optim": sd, "weights": weights, "step": 5}, tmp_path / "ckpt.npz")
        ckpt = mg.load(tmp_path / "ckpt.npz")
        sd, weights = ckpt["optim"], ckpt["weights"]
        assert ckpt["step"] == 5
    second = [mg.Tensor(w.copy(), requires_grad=True) for w in weights]
    opt2 = make(second)
    opt2.load_state_dict(sd)
    for step in range(5, 10):
        _set_grads(second, step)
        opt2.step()
    for a, b in zip(straight, second, strict=True):
        if name in ("NAdam", "ASGD"):  # loading casts float32 mu_product / eta, mu to float64, as PyTorch
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
        else:
            np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_state_dict_layout_is_pytorchs_and_state_is_shared_as_pytorchs() -> None:
    ps = _params()
    opt = optim.SGD([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.5}], lr=0.1, momentum=0.9)
    _set_grads(ps, 0)
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.5
    assert set(sd["state"]) == {0, 1, 2}
    assert set(sd["state"][0]) == {"momentum_buffer"}
    buf = sd["state"][0]["momentum_buffer"]
    np.testing.assert_array_equal(buf, opt.state[ps[0]]["momentum_buffer"])
    # PyTorch's state dict holds the optimizer's own per-parameter dicts (tests/parity/test_optim_state_dict_
    # parity.py checks it against torch): a write shows in the optimizer; the group dicts are new ones
    buf[...] = 123.0
    assert (opt.state[ps[0]]["momentum_buffer"] == 123.0).all() and sd["state"][0] is opt.state[ps[0]]
    sd["param_groups"][0]["lr"] = 9.0
    assert opt.param_groups[0]["lr"] == 0.1


def test_adam_state_dict_entries() -> None:
    ps = _params()
    opt = optim.Adam(ps, amsgrad=True)
    for step in range(3):
        _set_grads(ps, step)
        opt.step()
    state = opt.state_dict()["state"][0]
    assert isinstance(state["step"], mg.Tensor) and state["step"].dtype == np.float32
    assert state["step"].shape == () and state["step"].item() == 3.0
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert isinstance(state["exp_avg"], mg.Tensor) and state["exp_avg"].shape == (3, 2)


def test_load_state_dict_restores_hyperparameters_and_casts_to_param_dtype() -> None:
    ps64 = _params()
    opt = optim.Adam(ps64, lr=0.02)
    _set_grads(ps64, 0)
    opt.step()
    sd = opt.state_dict()
    ps32 = _params(np.float32)
    opt32 = optim.Adam(ps32, lr=0.5)
    opt32.load_state_dict(sd)
    assert opt32.param_groups[0]["lr"] == 0.02
    assert opt32.state[ps32[0]]["exp_avg"].dtype == np.float32
    assert all(g["params"][0] is p for g, p in zip(opt32.param_groups, ps32[:1], strict=False))


@pytest.mark.parametrize(("mutate", "error", "match"), [
    (lambda sd: sd["param_groups"].append(copy.deepcopy(sd["param_groups"][0])), mg.InvalidParameterError,
     "2 parameter groups"),
    (lambda sd: sd["param_groups"][0]["params"].pop(), mg.InvalidParameterError, "2 parameters"),
    (lambda sd: sd["state"][0].__setitem__("exp_avg", np.zeros((2, 3))), mg.ShapeError,
     r"\(2, 3\).*\(3, 2\)"),
    (lambda sd: sd["state"][1].pop("exp_avg_sq"), mg.InvalidParameterError, "lacks \\['exp_avg_sq'\\]"),
    (lambda sd: sd["state"].__setitem__(7, {}), mg.InvalidParameterError, "unknown parameter 7"),
    (lambda sd: sd["param_groups"][0].__setitem__("lr", -1.0), mg.InvalidParameterError, "lr.*-1.0"),
    (lambda sd: sd.pop("state"), mg.InvalidParameterError, "'state' and 'param_groups'"),
])
def test_bad_state_dict_raises_and_leaves_the_optimizer_untouched(mutate: Any, error: type,
                                                                   match: str) -> None:
    ps = _params()
    opt = optim.Adam(ps, lr=0.01)
    _set_grads(ps, 0)
    opt.step()
    sd = opt.state_dict()
    other = _params(seed=1)
    opt2 = optim.Adam(other, lr=0.3)
    _set_grads(other, 1)
    opt2.step()
    before = opt2.state_dict()
    mutate(sd)
    with pytest.raises(error, match=match):
        opt2.load_state_dict(sd)
    after = opt2.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for k, v in before["state"].items():
        for name, value in v.items():
            np.testing.assert_array_equal(after["state"][k][name], value)


def test_scheduler_and_optimizer_checkpoint_round_trip(tmp_path: Path) -> None:
    """Model, optimizer and scheduler saved together with mg.save resume identically."""

    def run(model: nn.Module, opt: optim.Optimizer, sched: Any, steps: range) -> None:
        rng = np.random.default_rng(7)
        x, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 1))
        for _ in steps:
            opt.zero_grad()
            loss = ((model(mg.Tensor(x)) - mg.Tensor(y)) ** 2).mean()
            loss.backward()
            opt.step()
            sched.step()

    def build() -> tuple[nn.Module, optim.Optimizer, Any]:
        mg.manual_seed(0)
        model = nn.Linear(4, 1, dtype=mg.float64)
        opt = optim.AdamW(model.parameters(), lr=0.05)
        return model, opt, lr_scheduler.CosineAnnealingLR(opt, T_max=6)

    m1, o1, s1 = build()
    run(m1, o1, s1, range(10))

    m2, o2, s2 = build()
    run(m2, o2, s2, range(4))
    ckpt = {"model": m2.state_dict(), "optim": o2.state_dict(), "sched": s2.state_dict()}
    mg.save(ckpt, tmp_path / "c.npz")
    m3, o3, s3 = build()
    ckpt = mg.load(tmp_path / "c.npz")
    m3.load_state_dict(ckpt["model"])
    o3.load_state_dict(ckpt["optim"])
    s3.load_state_dict(ckpt["sched"])
    assert s3.last_epoch == 4 and s3.get_last_lr() == s2.get_last_lr()
    run(m3, o3, s3, range(4, 10))
    for k, v in m1.state_dict().items():
        np.testing.assert_array_equal(m3.state_dict()[k], v)


def test_step_allocates_no_parameter_sized_arrays_once_warm() -> None:
    """Scratch buffers are reused: peak memory of a warm Adam step stays far below one parameter."""
    import tracemalloc

    p = mg.Tensor(np.zeros(200_000), requires_grad=True)
    p.grad = mg.Tensor(np.ones(200_000))
    opt = optim.Adam([p], weight_decay=0.1, amsgrad=True)
    opt.step()
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200_000 * 8 // 4, f"a warm step allocated {peak} bytes"


# ---------------------------------------------------------------- every optimizer

@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_step_runs_the_closure_with_grad_on_and_returns_its_loss(name: str) -> None:
    ps = _params()
    opt = OPTIMIZERS[name](ps)
    seen = []

    def closure() -> mg.Tensor:
        seen.append(mg.is_grad_enabled())
        opt.zero_grad()
        loss = sum(((p - 1.0) ** 2).sum() for p in ps)
        loss.backward()  # type: ignore[union-attr]
        return loss  # type: ignore[return-value]

    before = [p.detach().numpy().copy() for p in ps]
    with mg.no_grad():
        loss = opt.step(closure)
    assert seen == [True]
    assert loss.item() == pytest.approx(sum(float(((b - 1.0) ** 2).sum()) for b in before))
    assert all(not np.array_equal(p.detach().numpy(), b) for p, b in zip(ps, before, strict=True))
    assert opt.step() is None


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_add_param_group_later_gets_its_own_hyperparameters_and_state(name: str) -> None:
    ps = _params()
    opt = OPTIMIZERS[name](ps[:2])
    _set_grads(ps, 0)
    opt.step()
    opt.add_param_group({"params": [ps[2]], "lr": 0.5})
    assert opt.param_groups[1]["lr"] == 0.5
    assert all(k in opt.param_groups[1] for k in opt.defaults)
    before = ps[2].detach().numpy().copy()
    _set_grads(ps, 1)
    opt.step()
    assert not np.array_equal(ps[2].detach().numpy(), before)
    assert sorted(opt.state[ps[2]]) == sorted(opt.state[ps[1]])  # ps[1] is not a matrix either (Adafactor)


def test_adagrad_creates_its_state_at_construction_like_torch() -> None:
    ps = _params()
    opt = optim.Adagrad(ps, initial_accumulator_value=0.25)
    state = opt.state_dict()["state"]
    assert sorted(state) == [0, 1, 2]
    assert state[2]["step"].item() == 0.0
    np.testing.assert_array_equal(state[0]["sum"].numpy(), np.full((3, 2), 0.25))


def test_a_step_saved_as_a_plain_number_loads_as_a_float32_counter() -> None:
    ps = _params()
    opt = optim.Adam(ps)
    _set_grads(ps, 0)
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["step"] = 7  # an older checkpoint's int
    other = optim.Adam(_params())
    other.load_state_dict(sd)
    step = other.state[other.param_groups[0]["params"][0]]["step"]
    assert isinstance(step, mg.Tensor) and step.dtype == np.float32 and step.item() == 7.0
    sd["state"][0]["step"] = -1
    with pytest.raises(mg.InvalidParameterError, match=r"step.*count"):
        other.load_state_dict(sd)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_module_and_optimizer_zero_grad_share_one_semantics(set_to_none: bool) -> None:
    """Module.zero_grad and Optimizer.zero_grad are one function (tensor.reset_grads), PyTorch's rule."""
    seen = []
    for reset in ("module", "optimizer"):
        model = mg.nn.Linear(3, 2)
        w, b = model.weight, model.bias
        w.grad = mg.ones(2, 3, requires_grad=True)  # a gradient that itself requires grad
        (g,) = mg.grad((b**3).sum(), [b], create_graph=True)
        b.grad = g  # a gradient with history
        held, version = w.grad, w.grad._version
        if reset == "module":
            model.zero_grad(set_to_none=set_to_none)
        else:
            optim.SGD(model.parameters(), lr=0.1).zero_grad(set_to_none=set_to_none)
        if set_to_none:
            seen.append((w.grad, b.grad))
            continue
        assert w.grad is held and w.grad._version == version + 1  # zeroed in place, counted
        seen.append((w.grad.tolist(), w.grad.requires_grad, b.grad.tolist(), b.grad.grad_fn))
    assert seen[0] == seen[1]
    assert seen[0] == ((None, None) if set_to_none else ([[0.0] * 3] * 2, False, [0.0, 0.0], None))
