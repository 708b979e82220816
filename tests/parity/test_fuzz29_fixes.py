"""Differences from PyTorch the fuzz28 random differential fuzzer left open, fixed by fuzz29: gradients
at the edges (no degrees of freedom, NaN inputs and upstream gradients) and inputs PyTorch refuses.
Each is checked against torch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _grads(f: Any, *values: Any, dtype: str = "float64") -> list[Any]:
    """The input gradients of f(lib, *inputs).sum() (times a mixed-sign upstream gradient) per library."""
    out = []
    for lib in (mg, torch):
        xs = [lib.tensor(v, dtype=getattr(lib, dtype), requires_grad=True) for v in values]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = f(lib, *xs)
        (y * lib.linspace(-1.0, 2.0, y.numel()).reshape(y.shape).to(y.dtype)).sum().backward()
        out.append([x.grad.numpy().copy() for x in xs])
    return out


def _assert_same_grads(f: Any, *values: Any, dtype: str = "float64") -> None:
    mine, theirs = _grads(f, *values, dtype=dtype)
    for m, t in zip(mine, theirs):
        np.testing.assert_allclose(m, t, rtol=1e-6 if dtype == "float64" else 1e-5, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("f", [
    lambda lib, a: lib.var(a, correction=5), lambda lib, a: lib.var(a, correction=3),
    lambda lib, a: lib.var(a, correction=3.5), lambda lib, a: a.var(dim=1, correction=5),
    lambda lib, a: a.var(dim=(0, 1), correction=6, keepdim=True), lambda lib, a: a.var(dim=0, correction=2),
    lambda lib, a: lib.var_mean(a, correction=7)[0], lambda lib, a: a.std(dim=1, correction=4),
    lambda lib, a: a.std(correction=4), lambda lib, a: a[0, 0].var(correction=1),
    lambda lib, a: a[:, :1].var(correction=2),
])
def test_var_gradient_without_degrees_of_freedom(f: Any, dtype: str) -> None:
    """var's gradient with correction >= N was -inf/inf by the sign of a - mean (the divisor clamped at
    0): PyTorch's is g * (nan where a == mean, else inf) over all elements and the finite
    2 / (N - c) * (a - mean) over dims with c > N."""
    _assert_same_grads(f, [[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]], dtype=dtype)


def test_nextafter_gradient_ignores_a_nan_upstream_gradient_where_it_does_not_move() -> None:
    """nextafter's gradient was g * (a != b): a NaN g where a == b gave NaN; PyTorch's is
    where(a != b, g, 0)."""
    def f(lib: Any, a: Any, b: Any) -> Any:
        return lib.nextafter(a, b) * lib.tensor([float("nan"), 1.0, 2.0], dtype=a.dtype)
    _assert_same_grads(f, [1.0, 2.0, 3.0], [1.0, 0.0, 5.0])
    _assert_same_grads(f, [1.0, 2.0, 3.0], [1.0, 0.0, 5.0], dtype="float32")


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 3.0])
@pytest.mark.parametrize("dim", [0, 1])
def test_renorm_gradient_of_a_nan_slice(p: float, dim: int) -> None:
    """renorm of a tensor with a NaN slice gave NaN gradients to the whole input (a slice left unchanged
    still took part in its norm's gradient): PyTorch's is g there."""
    nan = float("nan")
    _assert_same_grads(lambda lib, a: lib.renorm(a, p, dim, 1.0), [[nan, 2.0, 0.5], [0.1, 0.2, 0.0]])
    _assert_same_grads(lambda lib, a: a.renorm(p, dim, 1.5), [[nan, 2.0, 0.5], [0.1, -3.0, 0.0]],
                       dtype="float32")


def _raised(f: Any, lib: Any, x: Any) -> BaseException | None:
    try:
        f(lib, x)
    except Exception as e:  # (the error is the result compared)
        return e
    return None


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int32", "int64"])
@pytest.mark.parametrize("f", [
    lambda lib, x: lib.nn.functional.gelu(x), lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"),
    lambda lib, x: lib.nn.functional.silu(x), lambda lib, x: lib.nn.functional.silu(x, inplace=True),
    lambda lib, x: lib.nn.functional.elu(x), lambda lib, x: lib.nn.functional.elu(x, inplace=True),
    lambda lib, x: lib.nn.functional.selu(x), lambda lib, x: lib.nn.functional.celu(x),
    lambda lib, x: lib.nn.functional.softplus(x), lambda lib, x: lib.nn.functional.mish(x),
    lambda lib, x: lib.nn.functional.logsigmoid(x), lambda lib, x: lib.nn.functional.hardsigmoid(x),
    lambda lib, x: lib.nn.functional.hardswish(x),
    lambda lib, x: lib.nn.functional.hardswish(x, inplace=True),
    lambda lib, x: lib.nn.functional.hardshrink(x), lambda lib, x: lib.nn.functional.softshrink(x),
    lambda lib, x: lib.nn.functional.leaky_relu(x),
    lambda lib, x: lib.nn.functional.leaky_relu(x, inplace=True),
    lambda lib, x: lib.nn.functional.glu(x), lambda lib, x: lib.nn.functional.threshold(x, 0.5, 2.0),
])
def test_activations_refuse_integer_and_bool_inputs(f: Any, dtype: str) -> None:
    """These activations gave float32 for integer and bool inputs (promoted): PyTorch has float kernels
    only and raises NotImplementedError naming the kernel ("elu_cpu" not implemented for 'Long')."""
    mine, theirs = (_raised(f, lib, lib.tensor([1, 0, 1, 1]).to(getattr(lib, dtype))) for lib in (mg, torch))
    if theirs is None:
        assert mine is None
        return
    assert isinstance(mine, type(theirs)) and str(mine).startswith(str(theirs)), (mine, theirs)


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
@pytest.mark.parametrize("f", [
    lambda lib, x, dt: x.sum(dtype=dt), lambda lib, x, dt: lib.sum(x, 0, dtype=dt),
    lambda lib, x, dt: lib.cumsum(x, 0, dtype=dt), lambda lib, x, dt: x.prod(dtype=dt),
    lambda lib, x, dt: lib.cumprod(x, 0, dtype=dt),
])
def test_integer_reduction_dtype_of_a_tensor_that_requires_grad(f: Any, dtype: str) -> None:
    """sum/prod/cumsum/cumprod with an integer or bool dtype= of a tensor that requires grad gave an
    untracked integer result: PyTorch raises "Autograd not support dtype: Long" (and computes it under
    no_grad)."""
    errors, values = [], []
    for lib in (mg, torch):
        x = lib.tensor([1.5, 2.0, 3.0], requires_grad=True)
        errors.append(_raised(lambda lib, x: f(lib, x, getattr(lib, dtype)), lib, x))
        with lib.no_grad():
            try:
                values.append(f(lib, x, getattr(lib, dtype)).numpy())
            except NotImplementedError as e:  # (cumsum and cumprod have no bool kernel)
                values.append(str(e))
    mine, theirs = errors
    assert theirs is not None and isinstance(mine, type(theirs)) and str(mine) == str(theirs), (mine, theirs)
    np.testing.assert_array_equal(values[0], values[1])


@pytest.mark.parametrize("f", [
    lambda lib, x: lib.abs(x), lambda lib, x: x.abs_(), lambda lib, x: lib.floor(x), lambda lib, x: x.ceil(),
    lambda lib, x: lib.trunc(x), lambda lib, x: lib.fix(x), lambda lib, x: lib.round(x),
    lambda lib, x: x.floor_(), lambda lib, x: lib.relu(x), lambda lib, x: lib.nn.functional.relu(x),
    lambda lib, x: lib.nn.functional.relu6(x),
    lambda lib, x: lib.nn.functional.hardtanh(x), lambda lib, x: lib.nn.functional.softsign(x),
])
def test_bool_inputs_refused_as_pytorch(f: Any) -> None:
    """abs, the roundings and relu gave results for bool tensors (and hardtanh's message had other words):
    PyTorch has no bool kernel for them ("abs_cpu" not implemented for 'Bool', "Boolean inputs not
    supported for relu")."""
    mine, theirs = (_raised(f, lib, lib.tensor([True, False])) for lib in (mg, torch))
    assert theirs is not None and isinstance(mine, type(theirs)) and str(mine).startswith(str(theirs)), (
        mine, theirs)


def test_hardtanh_of_an_unsigned_tensor_with_a_negative_limit() -> None:
    """PyTorch refuses it (the limit cannot be an unsigned value): minigrad clipped."""
    mine, theirs = (_raised(lambda lib, x: lib.nn.functional.hardtanh(x), lib,
                            lib.tensor([1, 2], dtype=lib.uint8)) for lib in (mg, torch))
    assert theirs is not None and isinstance(mine, type(theirs)) and str(mine) == str(theirs), (mine, theirs)


@pytest.mark.parametrize("pieces", [
    lambda b: b.split(2), lambda b: b.chunk(2), lambda b: b.unbind(), lambda b: b.split([1, 3]),
])
@pytest.mark.parametrize("change", [lambda b: b.mul_(2), lambda b: b.__setitem__(3, 0.0)])
def test_multi_view_output_used_after_its_base_changed_in_place(pieces: Any, change: Any) -> None:
    """A split/chunk/unbind piece used after its base changed in place took the base's new history:
    PyTorch refuses it in grad mode ("Output 0 of Split is a view and its base or another view of its
    base has been modified inplace...") and lets it be read under no_grad."""
    results = []
    for lib in (mg, torch):
        b = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True) * 1
        parts = pieces(b)
        change(b)
        with lib.no_grad():
            read = (parts[0] * 2).numpy().copy()
        results.append((read, _raised(lambda lib, p: p.exp(), lib, parts[0])))
    (mine_read, mine), (their_read, theirs) = results
    np.testing.assert_array_equal(mine_read, their_read)
    assert theirs is not None and isinstance(mine, type(theirs)) and str(mine) == str(theirs), (mine, theirs)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("values", [
    [3.0, -1.0, 2.0, 0.5], [float("-inf"), float("-inf"), 1.0, float("inf")], [float("nan"), 1.0, 2.0, -3.0],
    [100.0, -100.0, 50.0, 0.0],
])
def test_logcumsumexp_gradient_of_a_nan_upstream_gradient(values: list[float], dtype: str) -> None:
    """logcumsumexp's gradient (composed from a logsumexp per prefix) was NaN wherever a NaN upstream
    gradient reached (cov of one observation gives one): PyTorch's logcumsumexp_backward leaves NaN
    and zero gradients out of its log-space sums, giving 0 there."""
    def f(lib: Any, a: Any) -> Any:
        y = lib.logcumsumexp(a.reshape(2, 2), 1)
        return y * lib.tensor([[1.0, -2.0], [float("nan"), 0.0]], dtype=a.dtype)
    mine, theirs = _grads(f, values, dtype=dtype)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-3 if dtype == "float16" else 1e-5, atol=1e-6)


def test_cov_of_one_observation_through_logcumsumexp() -> None:
    """The fuzz28 case: cov of a single value (NaN, no degrees of freedom) after logcumsumexp."""
    def f(lib: Any, a: Any) -> Any:
        return lib.cov(lib.logcumsumexp(a, -1))
    _assert_same_grads(f, [3.1613])
    _assert_same_grads(f, [3.1613], dtype="float32")


@pytest.mark.parametrize("f", [
    lambda lib, b: lib.median(b), lambda lib, b: lib.median(b, 0), lambda lib, b: lib.nanmedian(b),
    lambda lib, b: b.nanmedian(0), lambda lib, b: lib.trace(b.reshape(2, 2)), lambda lib, b: b.argmax(),
    lambda lib, b: lib.argmin(b, 0), lambda lib, b: lib.argmax(b, dim=0, keepdim=True),
    lambda lib, b: b.topk(2),
    lambda lib, b: lib.searchsorted(b, b), lambda lib, b: lib.histc(b, bins=3),
    lambda lib, b: lib.histc(b.long(), bins=3), lambda lib, b: lib.histc(b.to(lib.uint8), bins=3),
    lambda lib, b: lib.cov(b), lambda lib, b: b.kthvalue(1),
])
def test_bool_and_integer_inputs_of_selections_refused_as_pytorch(f: Any) -> None:
    """median, trace, argmax/argmin, topk, searchsorted, kthvalue and cov gave results for bool tensors
    (histc for integer ones too): PyTorch raises (its NotImplementedError naming the kernel, or its
    RuntimeError's words)."""
    mine, theirs = (_raised(f, lib, lib.tensor([True, False, True, True])) for lib in (mg, torch))
    assert theirs is not None and isinstance(mine, type(theirs)) and str(mine) == str(theirs), (mine, theirs)


def test_searchsorted_of_no_bool_values_runs_no_kernel() -> None:
    """(PyTorch returns before its kernel for no values: no error, bool or not)"""
    for seq, values in (([False, True], []), ([], [])):
        mine, theirs = (lib.bucketize(lib.tensor(values, dtype=lib.bool), lib.tensor(seq, dtype=lib.bool))
                        for lib in (mg, torch))
        assert mine.shape == theirs.shape and mine.dtype == mg.int64


def test_max_and_min_along_a_dim_still_take_bool_tensors() -> None:
    """(argmax refuses bools, the max along a dim that uses it does not, in both libraries)"""
    for name in ("max", "min"):
        mine, theirs = (getattr(lib.tensor([True, False, True]), name)(0) for lib in (mg, torch))
        assert (bool(mine.values), int(mine.indices)) == (bool(theirs.values), int(theirs.indices))


@pytest.mark.parametrize("loss", ["mse_loss", "smooth_l1_loss", "huber_loss", "l1_loss"])
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("int32", "int64"), ("bool", "bool"),
                                    ("int64", "float32"), ("float32", "int64")])
def test_elementwise_losses_of_integer_tensors(loss: str, dtypes: tuple[str, str]) -> None:
    """mse_loss and smooth_l1_loss of integer input and target gave a value (or mean()'s error), huber_loss
    raised in other words: PyTorch's kernels have float types only ("mse_cpu" not implemented for 'Long');
    an integer input with a float target is huber's cast error."""
    def f(lib: Any, pair: Any) -> Any:
        return getattr(lib.nn.functional, loss)(*pair)
    results = []
    for lib in (mg, torch):
        pair = [lib.tensor([1, 0, 3]).to(getattr(lib, d)) for d in dtypes]
        results.append(_raised(f, lib, pair))
    mine, theirs = results
    if theirs is None:
        assert mine is None
    else:
        assert isinstance(mine, type(theirs)) and str(mine) == str(theirs), (mine, theirs)
