"""Lead session 46: where warnings point.

PyTorch's Python warnings name the caller's line (``stacklevel=2``) and its C++
ones the Python line that called in; under ``warnings``' default filter a
warning shows once per location, so the location also decides how often a
script's stderr shows it. minigrad's argument-checking decorators add a frame,
and five warnings named that decorator's line in ``minigrad/errors.py``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import settings
from tests.helpers import require_torch


def _where(fn: Callable[[], Any]) -> list[str]:
    """The file names (last component) of the warnings ``fn`` gives; this test file's name as "caller"."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return ["caller" if w.filename == __file__ else w.filename.rsplit("/", 1)[-1] for w in caught]


CALLS: dict[str, Callable[[Any], Any]] = {
    "cholesky": lambda t: t.cholesky(t.eye(3) * 2),
    "kl_div mean": lambda t: t.nn.functional.kl_div(t.zeros(2, 3), t.ones(2, 3) / 3),
    "dropout2d of 3-d": lambda t: t.nn.functional.dropout2d(t.ones(2, 3, 4)),
    "dropout2d of 5-d": lambda t: t.nn.functional.dropout2d(t.ones(2, 3, 4, 4, 4)),
    "dropout3d of 3-d": lambda t: t.nn.functional.dropout3d(t.ones(2, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_warnings_name_the_callers_line_as_pytorch(name: str) -> None:
    torch = require_torch()
    theirs = _where(lambda: CALLS[name](torch))
    # (torch.cholesky warns once per process: an earlier test may have had its warning)
    assert set(theirs) == {"caller"} or (name == "cholesky" and not theirs)
    settings._warned_once.discard("cholesky")  # (minigrad's once-per-process flag, as PyTorch's)
    assert set(_where(lambda: CALLS[name](mg))) == {"caller"}


def test_a_modules_warning_names_the_module_as_pytorch() -> None:
    torch = require_torch()
    x, t = [0.0, 0.0, 0.0], [1 / 3] * 3
    assert _where(lambda: torch.nn.KLDivLoss()(torch.tensor([x]), torch.tensor([t]))) == ["loss.py"]
    assert _where(lambda: mg.nn.KLDivLoss()(mg.tensor([x]), mg.tensor([t]))) == ["loss.py"]


# Found by a dtype-promotion fuzz: PyTorch's argument parser takes Python numbers where tensors go for
# add, sub, mul, div, true_divide, floor_divide and their aliases (torch.add(3, 2) is tensor(5)); minigrad
# refused two numbers.
NUMBER_PAIRS = [(3, 2), (2.5, 2), (True, False), (3, 2.0), (True, 2.0), (-7, 2), (np.float32(1.5), 2)]
NUMBER_FUNCTIONS = ["add", "sub", "mul", "div", "true_divide", "floor_divide", "multiply", "subtract",
                    "divide"]


def _exactly_as_torch(fn: Callable[[Any], Any]) -> None:
    """fn(torch) and fn(minigrad) give the same dtype name, shape and values exactly, or minigrad's error is
    an instance of PyTorch's error class (tests.helpers.same_as_torch compares values to 1e-6 instead)."""
    outcomes = []
    for lib in (require_torch(), mg):
        try:
            r = fn(lib)
        except Exception as e:  # (compared by PyTorch's class)
            outcomes.append(e)
            continue
        outcomes.append((str(r.dtype).rsplit(".", 1)[-1], tuple(r.shape), r.tolist()))
    theirs, ours = outcomes
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
    else:
        assert ours == theirs


@pytest.mark.parametrize("name", NUMBER_FUNCTIONS)
@pytest.mark.parametrize("args", NUMBER_PAIRS)
def test_two_numbers_are_taken_as_tensors_as_pytorch(name: str, args: tuple[Any, ...]) -> None:
    _exactly_as_torch(lambda lib: getattr(lib, name)(*args))


def test_two_numbers_with_alpha_as_pytorch() -> None:
    torch = require_torch()
    assert mg.add(3, 2, alpha=2).item() == torch.add(3, 2, alpha=2).item() == 7


# Found by the same fuzz: a number given where a function's input tensor goes raised AttributeError (the
# function read a tensor attribute off it); PyTorch's argument parser raises TypeError.
@pytest.mark.parametrize("name", ["exp", "sin", "sqrt", "sigmoid", "sum", "mean", "max", "argmax", "clamp",
                                  "sign", "square", "abs", "log"])
def test_a_number_as_input_is_pytorchs_type_error(name: str) -> None:
    torch = require_torch()
    with pytest.raises(TypeError):
        getattr(torch, name)(2)
    words = rf"{name}\(\): argument 'input' \(position 1\) must be Tensor, not int"
    with pytest.raises(TypeError, match=words):
        getattr(mg, name)(2)


# Found by a distributions fuzz: PyTorch's rsample gradients of Gamma-based draws are Jankowiak and
# Obermeyer's approximations (and for a Dirichlet draw the gradient of each coordinate's Beta marginal,
# not the normalized Gammas' path); minigrad computed the exact implicit gradient (Gamma: up to ~5e-5
# away) and for Beta and Dirichlet another estimator altogether (up to ~3x away per draw).
def test_reparameterized_gradient_kernels_are_pytorchs() -> None:
    torch = require_torch()
    from minigrad import _reparam_grads as R

    rng = np.random.default_rng(0)
    for dtype, tol in ((np.float64, 1e-12), (np.float32, 1e-6)):
        a = np.exp(rng.uniform(-4, 4, 4000)).astype(dtype)
        x = np.maximum(rng.gamma(a.astype(np.float64)), np.finfo(dtype).tiny).astype(dtype)
        theirs = torch._standard_gamma_grad(torch.tensor(a), torch.tensor(x)).numpy()
        np.testing.assert_allclose(R.standard_gamma_grad(a, x), theirs, rtol=tol)
        c = np.exp(rng.uniform(-3, 3, (1000, 4))).astype(dtype)
        g = rng.gamma(c.astype(np.float64))
        p = np.clip(g / g.sum(-1, keepdims=True), np.finfo(dtype).tiny, 1 - np.finfo(dtype).eps).astype(dtype)
        total = np.broadcast_to(c.sum(-1, keepdims=True), c.shape).astype(dtype)
        theirs = torch._dirichlet_grad(torch.tensor(p), torch.tensor(c), torch.tensor(total)).numpy()
        # (the series and the saddle point cancel: float64 ulps of log/pow become ~1e-10; float32 ulps, and
        # maybe the fused multiply-adds of PyTorch's compiled float loops, ~1e-4)
        ours = R.dirichlet_grad(p, c, total)
        np.testing.assert_allclose(ours, theirs, rtol=1e-9 if dtype == np.float64 else 1e-4)


RSAMPLED: dict[str, Callable[[Any, Any, Any], Any]] = {
    "Gamma": lambda d, a, b: d.Gamma(a, b),
    "Beta": lambda d, a, b: d.Beta(a, b),
    "Dirichlet": lambda d, a, b: d.Dirichlet(a * b),
    "StudentT": lambda d, a, b: d.StudentT(a + 1, b, a),
    "Chi2": lambda d, a, b: d.Chi2(a * b),
}


@pytest.mark.parametrize("name", sorted(RSAMPLED))
def test_rsample_gradients_are_pytorchs(name: str) -> None:
    torch = require_torch()
    rng = np.random.default_rng(len(name))
    a0, b0 = np.exp(rng.uniform(-2, 2, (3, 4))), np.exp(rng.uniform(-1, 1, (3, 4)))
    grads = []
    for lib in (torch, mg):
        a, b = lib.tensor(a0, requires_grad=True), lib.tensor(b0, requires_grad=True)
        lib.manual_seed(7)
        x = RSAMPLED[name](lib.distributions, a, b).rsample((5,))
        (x * x).sum().backward()
        grads.append([x.detach().numpy(), a.grad.numpy(), b.grad.numpy()])
    for theirs, ours in zip(*grads, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


# Found by the same fuzz: VonMises.log_prob and variance used the exact Bessel functions; PyTorch's evaluate
# Abramowitz and Stegun's polynomial approximations (~1e-7 relative away).
def test_von_mises_log_prob_and_variance_are_pytorchs() -> None:
    torch = require_torch()
    rng = np.random.default_rng(5)
    loc0, k0, v0 = rng.uniform(-3, 3, 50), np.exp(rng.uniform(-3, 3, 50)), rng.uniform(-3, 3, 50)
    outs = []
    for lib in (torch, mg):
        loc, k = lib.tensor(loc0, requires_grad=True), lib.tensor(k0, requires_grad=True)
        d = lib.distributions.VonMises(loc, k)
        lp, var = d.log_prob(lib.tensor(v0)), d.variance
        (lp.sum() + var.sum()).backward()
        outs.append([lp.detach().numpy(), var.detach().numpy(), loc.grad.numpy(), k.grad.numpy()])
    for theirs, ours in zip(*outs, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


# Found by a numpy-scalar fuzz: PyTorch's argument parser reads a numpy integer as an int and a numpy float
# or bool as a float (a Python number, so weak in promotion); minigrad kept np.float16/np.float32 as 0-d
# tensors of their dtype and np.bool_ as a bool, and took np.float32 / x past PyTorch's reciprocal(x) * n.
NUMPY_SCALAR_EXPRESSIONS = [
    "b ** np.True_", "i - np.True_", "b * np.True_", "b == np.True_", "i ** np.float32(2)", "i ** np.int8(2)",
    "np.float32(2) ** i", "i // np.float16(2)", "torch.add(i, np.float16(1.5))", "torch.mul(b, np.True_)",
    "i < np.float32(1.5)", "torch.where(b, i, np.float32(2.5))", "i.add(np.True_)",
    "torch.clamp(i, min=np.float32(1.5))", "i.masked_fill(b, np.float32(2.5))",
    "torch.full((2,), np.float32(2.5))", "torch.full((2,), np.int8(2))", "torch.full((2,), np.True_)",
    "np.float32(2.5) / f", "f ** np.float16(1.5)",
    "i + np.float16(1.5)", "i * np.True_", "np.float32(2.5) - i", "i / np.float32(2)", "np.int64(3) / i",
    "f.pow(np.float32(2))", "f.div(np.float32(3))", "np.float64(0.1) * f", "f * np.float32(0.1)",
    "i % np.float32(1.5)", "u8 + np.int64(300)", "u8 * np.float32(0.5)", "b & np.True_", "b - np.True_",
]


@pytest.mark.parametrize("expression", NUMPY_SCALAR_EXPRESSIONS)
def test_numpy_scalars_are_python_numbers_as_in_pytorch(expression: str) -> None:
    def run(lib: Any) -> Any:
        scope = {"torch": lib, "np": np, "b": lib.tensor([True, False]), "i": lib.tensor([1, 2]),
                 "f": lib.tensor([3.0, 5.0]), "u8": lib.tensor([1, 250], dtype=lib.uint8)}
        return eval(expression, scope)  # (the fixed expressions above)

    _exactly_as_torch(run)


# Found by a factories fuzz: PyTorch's arange for int32/int16/int8/uint8 counts the elements from the bounds
# as given and steps from the truncated start by the truncated step; only int64 truncates all three first.
@pytest.mark.parametrize("args", [(2.5,), (0.3,), (0.5, 3.7, 1.5), (-2.5, 2.5, 0.9), (0.5, 3.7, 1.0),
                                  (1, 7.5, 2), (0, 10, 3), (-1.5, -7.9, -2.2)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8"])
def test_arange_of_an_integer_dtype_as_pytorch(args: tuple[float, ...], dtype: str) -> None:
    _exactly_as_torch(lambda lib: lib.arange(*args, dtype=getattr(lib, dtype)))


def test_logspace_of_one_integer_step_as_pytorch() -> None:
    torch = require_torch()
    for args in [(2.5, 3.3, 1), (2.5, 3.3, 3), (0.5, 3.3, 4)]:
        theirs = torch.logspace(*args, base=2, dtype=torch.int32).tolist()
        assert mg.logspace(*args, base=2, dtype=mg.int32).tolist() == theirs


# Found by a shape-ops fuzz: x.mT and x.mH of a 0-d tensor are the tensor itself with a deprecation warning in
# PyTorch (as x.T and x.H already were here); minigrad raised.
@pytest.mark.parametrize("attr", ["mT", "mH"])
def test_matrix_transposes_of_a_0d_tensor_are_the_tensor_as_pytorch(attr: str) -> None:
    torch = require_torch()
    for lib in (torch, mg):
        x = lib.tensor(2.0, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = getattr(x, attr)
        assert y is x
        assert len(caught) <= 1  # (once per process, as PyTorch's TORCH_WARN_ONCE)
    with pytest.raises(RuntimeError, match="only supported on matrices"):
        getattr(mg.ones(3), attr)


# Found by an in-place ops fuzz: PyTorch reads src's size along the dims it lacks (an IndexError) when src
# has fewer dims than the index of scatter_/scatter_add_, and refuses clamp_min/clamp_max(None) in its
# argument parser (a TypeError); minigrad raised ValueErrors.
@pytest.mark.parametrize("fn", ["scatter_", "scatter_add_", "scatter", "scatter_add"])
@pytest.mark.parametrize("src_shape", [(3,), (2, 3, 1), (), (1, 3)])
def test_scatter_src_of_other_rank_raises_pytorchs_class(fn: str, src_shape: tuple[int, ...]) -> None:
    torch = require_torch()
    outcomes = []
    for lib in (torch, mg):
        x, index = lib.zeros(2, 3), lib.zeros(2, 3, dtype=lib.int64)
        with pytest.raises(Exception) as caught:  # (its class is compared with PyTorch's)
            getattr(x, fn)(0, index, lib.ones(src_shape))
        outcomes.append(caught.value)
    assert isinstance(outcomes[1], type(outcomes[0])), outcomes


@pytest.mark.parametrize("fn", ["clamp_min", "clamp_max", "clamp_min_", "clamp_max_"])
def test_clamp_min_max_of_none_is_pytorchs_type_error(fn: str) -> None:
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(TypeError):
            getattr(lib.zeros(2), fn)(None)
