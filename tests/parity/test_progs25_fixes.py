"""Differences found by the progs25 compat programs (tests/compat/programs), each checked against PyTorch."""

from __future__ import annotations

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def test_vmap_randomness_error_leaves_the_generator_alone() -> None:
    # PyTorch refuses the random call inside vmap(randomness='error') before it draws, so the numbers drawn
    # after the caught error are the ones a run without the attempt would draw
    def attempt(lib: object) -> list[float]:
        lib.manual_seed(0)  # type: ignore[attr-defined]
        x = lib.ones(3, 4)  # type: ignore[attr-defined]
        with pytest.raises(RuntimeError, match="randomness error mode"):
            lib.func.vmap(lambda a: a + lib.rand(4))(x)  # type: ignore[attr-defined]
        return lib.rand(3).tolist()  # type: ignore[attr-defined, no-any-return]

    assert attempt(mg) == pytest.approx(attempt(torch), abs=1e-7)


@pytest.fixture(params=[False, True], ids=["numpy-dtypes", "compat-dtypes"])
def shown_dtypes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs a test as is and again with tensors showing PyTorch's dtype objects, as under minigrad.compat."""
    if request.param:
        from minigrad.dtypes import torch_style
        shown = property(lambda self: torch_style(self.numpy(force=True).dtype))
        monkeypatch.setattr(mg.Tensor, "dtype", shown)


@pytest.mark.usefixtures("shown_dtypes")
@pytest.mark.parametrize("rnn", ["RNN", "GRU", "LSTM"])
def test_rnn_dtype_mismatch_message_is_pytorchs(rnn: str) -> None:
    # hawkes_point_process.py: a float64 model fed float32 input; under minigrad.compat a tensor's dtype
    # prints "torch.float32" itself, and the message read "torch.torch.float32"
    with pytest.raises(ValueError) as want:
        getattr(torch.nn, rnn)(1, 2).double()(torch.zeros(3, 1, 1))
    with pytest.raises(ValueError) as got:
        getattr(mg.nn, rnn)(1, 2).double()(mg.zeros(3, 1, 1))
    assert str(got.value) == str(want.value)


@pytest.mark.usefixtures("shown_dtypes")
def test_check_tensor_all_dtype_message_is_pytorchs() -> None:
    with pytest.raises(TypeError) as want:
        torch._check_tensor_all(torch.tensor([1.0]), lambda: "msg")
    with pytest.raises(TypeError) as got:
        mg._check_tensor_all(mg.tensor([1.0]), lambda: "msg")
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("how", ["load_state_dict", "deepcopy"])
def test_optimizer_subclass_gains_differentiable_default_on_setstate(how: str) -> None:
    # kfac_shampoo_optimizers.py prints a custom optimizer after load_state_dict and add_param_group:
    # PyTorch's Optimizer.__setstate__ adds defaults['differentiable'] = False, so the new group has it
    import copy

    def run(lib: object) -> tuple[list[str], list[str]]:
        class Custom(lib.optim.Optimizer):  # type: ignore[attr-defined, name-defined, misc]
            def __init__(self, params: object, lr: float = 0.1) -> None:
                super().__init__(params, {"lr": lr})

        opt = Custom([lib.nn.Parameter(lib.zeros(2))])  # type: ignore[attr-defined]
        if how == "deepcopy":
            opt = copy.deepcopy(opt)
        else:
            opt.load_state_dict(opt.state_dict())
        opt.add_param_group({"params": [lib.nn.Parameter(lib.zeros(3))]})  # type: ignore[attr-defined]
        return sorted(opt.defaults), sorted(opt.param_groups[1])

    assert run(mg) == run(torch)


@pytest.mark.parametrize("name", ["LBFGS", "SparseAdam", "Adafactor"])
def test_builtin_optimizer_defaults_after_load_state_dict(name: str) -> None:
    t = getattr(torch.optim, name)([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    m = getattr(mg.optim, name)([mg.nn.Parameter(mg.zeros(2))], lr=0.1)
    t.load_state_dict(t.state_dict())
    m.load_state_dict(m.state_dict())
    assert sorted(m.defaults) == sorted(t.defaults)


_SAMPLES = {
    "bernoulli": lambda lib, p, s: lib.bernoulli(p),
    "bernoulli_method": lambda lib, p, s: (p * 1).bernoulli(),
    "poisson": lambda lib, p, s: lib.poisson(p),
    "normal_mean": lambda lib, p, s: lib.normal(p, 1.0),
    "normal_std": lambda lib, p, s: lib.normal(0.0, s),
    "normal_both": lambda lib, p, s: lib.normal(p, s),
    "normal_detached_mean": lambda lib, p, s: lib.normal(p.detach(), s),
}


@pytest.mark.parametrize("case", list(_SAMPLES))
def test_samples_of_parameters_that_require_grad_are_recorded(case: str) -> None:
    # rbm_contrastive_divergence.py: PyTorch records a Bernoulli/Poisson/normal sample of tensor parameters
    # (zero gradients), so backward reaches through a Gibbs chain and meets an in-place change to it
    def run(lib: object) -> tuple[bool, str, list[list[float] | None]]:
        p = lib.full((2, 3), 0.5, requires_grad=True)  # type: ignore[attr-defined]
        s = lib.full((3,), 0.5, requires_grad=True)  # type: ignore[attr-defined]
        y = _SAMPLES[case](lib, p, s)
        name = y.grad_fn.name()
        y.sum().backward()
        return y.requires_grad, name, [None if t.grad is None else t.grad.tolist() for t in (p, s)]

    assert run(mg) == run(torch)


@pytest.mark.parametrize("case", ["bernoulli_number_p", "binomial", "dirichlet"])
def test_samples_without_a_derivative_raise_at_backward(case: str) -> None:
    def run(lib: object) -> tuple[str, str]:
        p = lib.full((3,), 0.5, requires_grad=True)  # type: ignore[attr-defined]
        y = {"bernoulli_number_p": lambda: lib.bernoulli(p, 0.3),  # type: ignore[attr-defined]
             "binomial": lambda: lib.binomial(p * 4, p),  # type: ignore[attr-defined]
             "dirichlet": lambda: lib._sample_dirichlet(p)}[case]()  # type: ignore[attr-defined]
        with pytest.raises(RuntimeError) as e:
            y.sum().backward()
        return y.grad_fn.name(), str(e.value)

    assert run(mg) == run(torch)


def test_samples_record_nothing_without_grad() -> None:
    p = mg.full((3,), 0.5, requires_grad=True)
    with mg.no_grad():
        assert not mg.bernoulli(p).requires_grad
    assert not mg.bernoulli(p.detach()).requires_grad
    assert not mg.normal(mg.zeros(3), 1.0).requires_grad


@pytest.mark.parametrize("method", ["normal_", "uniform_", "bernoulli_", "exponential_", "geometric_",
                                    "log_normal_", "cauchy_", "random_", "fill_", "zero_"])
def test_in_place_sampler_grad_fn_names_are_pytorchs(method: str) -> None:
    args = {"geometric_": (0.5,), "random_": (0, 5), "fill_": (1.0,), "bernoulli_": (0.5,)}.get(method, ())

    def run(lib: object) -> tuple[str, list[str | None], list[float]]:
        p = lib.full((3,), 0.5, requires_grad=True)  # type: ignore[attr-defined]
        y = p * 1
        getattr(y, method)(*args)
        fn = y.grad_fn
        nexts = [None if f is None else f.name() for f, _ in fn.next_functions]
        y.sum().backward()
        return fn.name(), nexts, p.grad.tolist()

    assert run(mg) == run(torch)


_NO_DERIVATIVE = {
    "unique": lambda lib, x: lib.unique(x),
    "unique_inverse_counts": lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True),
    "unique_dim": lambda lib, x: lib.unique(x, dim=0),
    "unique_consecutive": lambda lib, x: lib.unique_consecutive(x, return_counts=True),
    "bincount_weights": lambda lib, x: lib.bincount(lib.tensor([0, 1, 1, 3]), weights=x[:, 0].repeat(2)),
    "heaviside": lambda lib, x: lib.heaviside(x, lib.tensor(1.0)),
    "floor_divide": lambda lib, x: x // 2,
    "rfloor_divide": lambda lib, x: 3 // x,
    "floor_divide_fn": lambda lib, x: lib.floor_divide(x, x.detach()),
}


@pytest.mark.parametrize("case", list(_NO_DERIVATIVE))
def test_ops_without_a_derivative_are_recorded_and_raise_at_backward(case: str) -> None:
    # PyTorch records these on an input that requires grad (print shows their grad_fn) and raises at
    # backward; minigrad returned a tensor without history (or, for //, a zero gradient)
    def run(lib: object) -> tuple[list[tuple[bool, str | None]], str, bool]:
        x = lib.tensor([[0.5, -1.0], [2.0, 0.5]], requires_grad=True)  # type: ignore[attr-defined]
        out = _NO_DERIVATIVE[case](lib, x)
        outs = out if isinstance(out, tuple) else (out,)
        shown = [(o.requires_grad, None if o.grad_fn is None else o.grad_fn.name()) for o in outs]
        with pytest.raises(RuntimeError) as e:
            outs[0].sum().backward()
        return shown, str(e.value), isinstance(e.value, NotImplementedError)

    assert run(mg) == run(torch)


@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_div_rounding_mode_keeps_zero_gradient_and_pytorchs_name(mode: str) -> None:
    def run(lib: object) -> tuple[str, list[float]]:
        x = lib.tensor([0.5, -1.5, 2.5], requires_grad=True)  # type: ignore[attr-defined]
        y = lib.div(x, 2, rounding_mode=mode)  # type: ignore[attr-defined]
        y.sum().backward()
        return y.grad_fn.name(), x.grad.tolist()

    assert run(mg) == run(torch)


def test_no_derivative_ops_record_nothing_without_grad() -> None:
    x = mg.tensor([0.5, -1.0, 0.5], requires_grad=True)
    with mg.no_grad():
        assert not mg.unique(x).requires_grad
        assert not (x // 2).requires_grad
    assert not mg.unique(x.detach()).requires_grad


_NAMED = {
    "sgn": lambda lib, x, a: lib.sgn(x),
    "sgn_method": lambda lib, x, a: x.sgn(),
    "rot90": lambda lib, x, a: lib.rot90(a, 1, (0, 1)),
    "rot90_k2": lambda lib, x, a: a.rot90(2),
    "block_diag": lambda lib, x, a: lib.block_diag(a[:2, :2], x[:2].view(1, 2)),
    "take_along_dim_flat": lambda lib, x, a: lib.take_along_dim(x, lib.tensor([0, 2])),
    "masked_scatter": lambda lib, x, a: lib.zeros(6).masked_scatter(x > 0, x),
    "put": lambda lib, x, a: lib.zeros(6).put(lib.tensor([1, 1]), x[:2], accumulate=True),
}


@pytest.mark.parametrize("case", list(_NAMED))
def test_composed_ops_show_pytorchs_grad_fn_names(case: str) -> None:
    # printing the result of these on a tensor requiring grad shows PyTorch's one node's name
    def run(lib: object) -> tuple[str, list[float]]:
        x = lib.tensor([0.5, -1.0, 2.0, 0.0, -0.5, 1.5], requires_grad=True)  # type: ignore[attr-defined]
        a = lib.arange(16.0).view(4, 4).requires_grad_()  # type: ignore[attr-defined]
        y = _NAMED[case](lib, x, a)
        y.sum().backward()
        return y.grad_fn.name(), [t.grad.sum().item() if t.grad is not None else 0.0 for t in (x, a)]

    assert run(mg) == run(torch)


@pytest.mark.parametrize("mode", ["r", "complete"])
def test_qr_not_differentiable_messages_are_pytorchs(mode: str) -> None:
    def message(lib: object) -> str:
        a = lib.arange(8.0).view(4, 2).requires_grad_()  # type: ignore[attr-defined]
        out = lib.linalg.qr(a, mode=mode)  # type: ignore[attr-defined]
        with pytest.raises(RuntimeError) as e:
            out.R.sum().backward()
        return str(e.value)

    assert message(mg) == message(torch)
