"""Regressions found by the hunt16 differential fuzzer (minigrad against PyTorch on non-contiguous
inputs, in-place and out= variants, every integer dtype, reduction kwargs and nn.functional kwargs):
each test fails before its fix and compares numbers, dtypes or error classes with torch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _both(form: Callable[[Any], Any]) -> tuple[Any, Any]:
    torch = require_torch()
    return form(torch), form(mg)


def _same(ours: Any, theirs: Any) -> None:
    assert str(ours.dtype).removeprefix("torch.") == str(theirs.dtype).removeprefix("torch.")
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


INPLACE_NARROWING: dict[str, Callable[[Any], Any]] = {
    "sub_alpha_int8": lambda lib: lib.tensor([-26699, 5], dtype=lib.int16).sub_(
        lib.tensor(127, dtype=lib.int8), alpha=2),
    "add_alpha_int8": lambda lib: lib.tensor([-26699, 5], dtype=lib.int16).add_(
        lib.tensor([127, -128], dtype=lib.int8), alpha=3),
    "uint8_add_int64": lambda lib: lib.tensor([173, 80, 40], dtype=lib.uint8).add_(lib.tensor([3, 2, -1])),
    "uint8_iadd_int64": lambda lib: lib.tensor([173, 0], dtype=lib.uint8).__iadd__(lib.tensor([300, -1])),
    "uint8_remainder_int64": lambda lib: lib.tensor([173, 80, 40], dtype=lib.uint8).remainder_(
        lib.tensor([3, 2, -1])),
    "uint8_addcmul_int32": lambda lib: lib.tensor([173, 80, 40], dtype=lib.uint8).addcmul_(
        lib.tensor(5, dtype=lib.int32), lib.tensor([-2, 3, -2], dtype=lib.int32), value=2),
}


@pytest.mark.parametrize("name", list(INPLACE_NARROWING))
def test_inplace_integer_results_wrap_into_the_tensors_dtype(name: str) -> None:
    """In-place ops store any integer result in an integer tensor, wrapping as PyTorch (uint8 += int64 raised
    numpy's casting error), and alpha * other is taken in the result's dtype (int8 127 * 2 wrapped to -2)."""
    theirs, ours = _both(INPLACE_NARROWING[name])
    _same(ours, theirs)


def test_inplace_float_result_into_int_tensor_raises_torchs_words() -> None:
    """The refused case keeps PyTorch's RuntimeError, now in its words (numpy's casting message leaked)."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type "):
            lib.tensor([1, 2]).add_(lib.tensor([0.5, 1.5]))


COMPARISONS: dict[str, Callable[[Any], Any]] = {
    "uint8_lt_int8_0d": lambda lib: lib.tensor([1, 2], dtype=lib.uint8) < lib.tensor(-2, dtype=lib.int8),
    "uint8_lt_int64_0d": lambda lib: lib.lt(lib.tensor([1, 2], dtype=lib.uint8), lib.tensor(-2)),
    "int8_eq_int64_0d": lambda lib: lib.tensor([1, 2], dtype=lib.int8) == lib.tensor(257),
    "float32_eq_float64_0d": lambda lib: lib.tensor([0.1, 0.2]) == lib.tensor(0.1, dtype=lib.float64),
}


@pytest.mark.parametrize("name", list(COMPARISONS))
def test_comparisons_of_tensors_use_torchs_result_type(name: str) -> None:
    """Tensor comparisons cast both sides to PyTorch's result type first (a 0-d operand does not widen a
    dimensioned one of its category): numpy compared the exact values (float32 0.1 != float64 0.1)."""
    theirs, ours = _both(COMPARISONS[name])
    _same(ours, theirs)


@pytest.mark.parametrize("padding", [0, 1, "same"])
def test_grouped_convolution_of_an_empty_batch(padding: Any) -> None:
    """A grouped convolution of a batch of 0 raised reshape's ShapeError (-1 with 0 elements); PyTorch gives
    an empty batch of the output's shape."""
    torch = require_torch()
    results = []
    for lib in (torch, mg):
        x = lib.zeros(0, 4, 5, 5, requires_grad=True)
        y = lib.nn.functional.conv2d(x, lib.ones(4, 2, 2, 3), groups=2, padding=padding, dilation=2)
        y.sum().backward()
        results.append((tuple(y.shape), tuple(x.grad.shape)))
    assert results[1] == results[0]


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_max_pool_window_wholly_in_the_padding(nd: int) -> None:
    """A dilated window that covers only padding is -inf, with PyTorch's index (its start moved past the
    left padding): the value was 0 (an empty sum) and return_indices raised numpy's ValueError."""
    torch = require_torch()
    x = np.arange(1.0, 1.0 + 2 * 3 ** nd).reshape((1, 2) + (3,) * nd) - 4.0
    results = []
    for lib in (torch, mg):
        pool = getattr(lib.nn.functional, f"max_pool{nd}d")
        for size in (1, 3):
            t = lib.tensor(x[(..., *(slice(0, size),) * nd)].copy())
            values, index = pool(t, 2, 1, 1, dilation=2, return_indices=True)
            results.append((values.numpy(), index.numpy()))
    for (mv, mi), (tv, ti) in zip(results[len(results) // 2:], results[:len(results) // 2], strict=True):
        np.testing.assert_array_equal(mv, tv)
        np.testing.assert_array_equal(mi, ti)


def test_cross_entropy_probability_targets_differentiate_the_weight() -> None:
    """With class-probability targets PyTorch's loss is differentiable in ``weight`` (it was detached)."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    x, p, w = rng.standard_normal((4, 3)), rng.random((4, 3)), rng.random(3) + 0.5
    grads = []
    for lib in (torch, mg):
        weight = lib.tensor(w, requires_grad=True)
        for smoothing in (0.0, 0.2):
            loss = lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor(p), weight=weight,
                                                   label_smoothing=smoothing)
            loss.backward()
        grads.append(weight.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)


CLAMP_BOUNDS: dict[str, Callable[[Any], Any]] = {
    "uint8_min_minus_one": lambda lib: lib.clamp(lib.tensor([1, 5, 200], dtype=lib.uint8), -1, 2),
    "uint8_inplace": lambda lib: lib.tensor([1, 5, 200], dtype=lib.uint8).clamp_(-1, 2),
    "uint8_clamp_min": lambda lib: lib.tensor([1, 5, 200], dtype=lib.uint8).clamp_min(-3),
    "uint8_max_minus_one": lambda lib: lib.tensor([1, 5, 200], dtype=lib.uint8).clamp(max=-1),
}


@pytest.mark.parametrize("name", list(CLAMP_BOUNDS))
def test_clamp_integer_bounds_cast_as_torch(name: str) -> None:
    """An integer bound is cast to the tensor's dtype as PyTorch's scalars are (uint8 takes -1 as 255):
    numpy's OverflowError leaked."""
    theirs, ours = _both(CLAMP_BOUNDS[name])
    _same(ours, theirs)


@pytest.mark.parametrize("bound", [300, -256])
def test_clamp_integer_bound_overflow_is_a_runtime_error(bound: int) -> None:
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError, match="without overflow"):
            lib.clamp(lib.tensor([1, 5], dtype=lib.uint8), bound)


ERROR_CLASSES: dict[str, Callable[[Any], Any]] = {
    "topk_float_k": lambda lib: lib.topk(lib.ones(3), 1.5),
    "topk_bool_k": lambda lib: lib.topk(lib.ones(3), True),
    "heaviside_number_values": lambda lib: lib.heaviside(lib.ones(2), 1.0),
    "heaviside_number_input": lambda lib: lib.heaviside(0, lib.ones(2)),
    "var_unbiased_and_correction": lambda lib: lib.var(lib.ones(3), 0, unbiased=True, correction=0),
    "std_mean_unbiased_and_correction": lambda lib: lib.std_mean(lib.ones(3), unbiased=False, correction=1),
}


@pytest.mark.parametrize("name", list(ERROR_CLASSES))
def test_bad_argument_types_raise_torchs_type_error(name: str) -> None:
    """A float or bool k for topk, a number for heaviside's tensors, and both unbiased and correction are
    PyTorch's TypeErrors (minigrad raised a ValueError, an AttributeError, or answered)."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(TypeError):
            ERROR_CLASSES[name](lib)


RUNTIME_ERRORS: dict[str, Callable[[Any], Any]] = {
    "index_select_float_index": lambda lib: lib.index_select(lib.ones(3), 0, lib.tensor([0.0])),
    "index_add_float_index": lambda lib: lib.ones(3).index_add(0, lib.tensor([0.0]), lib.ones(1)),
    "split_0d": lambda lib: lib.split(lib.tensor(1.0), 1),
    "split_sizes_0d": lambda lib: lib.split(lib.tensor(1.0), [1]),
    "chunk_0d": lambda lib: lib.chunk(lib.tensor(1.0), 2),
    "vector_norm_narrowing_dtype": lambda lib: lib.linalg.vector_norm(lib.ones(2, dtype=lib.float64),
                                                                      dtype=lib.float32),
    "matrix_norm_narrowing_dtype": lambda lib: lib.linalg.matrix_norm(lib.ones(2, 2, dtype=lib.float64),
                                                                      dtype=lib.float16),
}


@pytest.mark.parametrize("name", list(RUNTIME_ERRORS))
def test_bad_arguments_raise_torchs_runtime_error(name: str) -> None:
    """A float index, splitting a 0-d tensor, and a norm's narrowing or integer dtype are PyTorch's
    RuntimeErrors (minigrad raised a TypeError, an IndexError, or answered)."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError):
            RUNTIME_ERRORS[name](lib)


VIEW_USES: dict[str, Callable[[Any], Any]] = {
    "mul": lambda v: v * 2,
    "sum": lambda v: v.sum(),
    "clone": lambda v: v.clone(),
    "index": lambda v: v[0],
}


@pytest.mark.parametrize("use", list(VIEW_USES))
@pytest.mark.parametrize("roots", ["base", "base_and_use"])
def test_grad_through_a_view_written_in_place_then_used(use: str, roots: str) -> None:
    """autograd.grad of a base whose view was changed in place and then used again: the view's new history
    leads back to its base, and grad's search for the paths to its inputs followed it instead of the view's
    history as its base's CopySlices read it, so the written row's gradient was 0 (backward() was right)."""
    torch = require_torch()
    x = np.arange(12.0).reshape(3, 4) / 7 - 0.5
    results = []
    for lib in (torch, mg):
        a = lib.tensor(x, requires_grad=True)
        b = a * 1.5
        v = b[0]
        v.exp_()
        used = VIEW_USES[use](v)
        outs = [b] if roots == "base" else [b, used]
        ups = [lib.ones(o.shape, dtype=lib.float64) for o in outs]
        results.append(lib.autograd.grad(outs, [a], ups)[0].numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-14)


REPEATED_WRITES: dict[str, Callable[[Any, Any, Any], Any]] = {
    "setitem": lambda lib, x, v: _setitem(x, lib.tensor([0, 3, 0]), v),
    "index_put": lambda lib, x, v: x.index_put((lib.tensor([0, 3, 0]),), v),
    "put_": lambda lib, x, v: x.clone().put_(lib.tensor([0, 3, 0]), v),
    "index_copy": lambda lib, x, v: x.index_copy(0, lib.tensor([2, 2, 1]), v),
    "scatter": lambda lib, x, v: x.scatter(0, lib.tensor([1, 1, 0]), v),
}


def _setitem(x: Any, index: Any, v: Any) -> Any:
    y = x * 1
    y[index] = v
    return y


@pytest.mark.parametrize("name", list(REPEATED_WRITES))
def test_writes_at_repeated_indices_give_every_value_its_gradient(name: str) -> None:
    """Writing values at an index that repeats (without accumulating): PyTorch's gradient of the values is
    the output's gradient at each one's index, repeats included; only the last repeat got it (the others
    0). A written -0.0 also stays -0.0 (it was added to a zero: +0.0)."""
    torch = require_torch()
    up = np.array([0.5, -1.0, 2.0, 3.0, 0.25])
    results = []
    for lib in (torch, mg):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=lib.float64, requires_grad=True)
        v = lib.tensor([-0.0, 7.0, -0.0], dtype=lib.float64, requires_grad=True)
        y = REPEATED_WRITES[name](lib, x, v)
        y.backward(lib.tensor(up))
        results.append((y.detach().numpy(), x.grad.numpy(), v.grad.numpy()))
    for ours, theirs in zip(results[1], results[0], strict=True):
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


INT_DIVISIONS: dict[str, Callable[[Any], Any]] = {
    "div_big_int": lambda lib: lib.div(lib.tensor([1, 7], dtype=lib.int16), 65536),
    "true_divide_big_int": lambda lib: lib.true_divide(lib.tensor([1, 7], dtype=lib.int16), 65536),
    "div_0d_int64": lambda lib: lib.div(lib.tensor([1, 7], dtype=lib.int16), lib.tensor(70000)),
    "atan2_0d_int64": lambda lib: lib.atan2(lib.tensor([1, 7], dtype=lib.int16), lib.tensor(70000)),
    "copysign_big_int": lambda lib: lib.copysign(lib.tensor([1, 7], dtype=lib.int16), 40000),
}


@pytest.mark.parametrize("name", list(INT_DIVISIONS))
def test_integer_operands_of_float_ops_are_not_wrapped_first(name: str) -> None:
    """div/true_divide/atan2/copysign of integer operands convert each to the float result from its own
    value: the other operand was first cast to the tensor's integer dtype (65536 into int16 is 0: inf)."""
    theirs, ours = _both(INT_DIVISIONS[name])
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")


INT_SCALARS: dict[str, Callable[[Any], Any]] = {
    "fill_": lambda lib: lib.zeros(2, dtype=lib.uint8).fill_(-1),
    "full": lambda lib: lib.full((2,), -1, dtype=lib.uint8),
    "full_like": lambda lib: lib.full_like(lib.zeros(2, dtype=lib.uint8), -3),
    "masked_fill": lambda lib: lib.zeros(2, dtype=lib.uint8).masked_fill(lib.tensor([True, False]), -1),
    "setitem": lambda lib: lib.zeros(2, dtype=lib.uint8).index_fill(0, lib.tensor([0]), -1),
    "add_alpha": lambda lib: lib.tensor([5, 6], dtype=lib.uint8).add_(lib.tensor([1, 2], dtype=lib.uint8),
                                                                        alpha=-1),
}


@pytest.mark.parametrize("name", list(INT_SCALARS))
def test_integer_fill_values_cast_as_torch(name: str) -> None:
    """A negative int filling an unsigned tensor wraps, as PyTorch's scalar cast (numpy's OverflowError
    leaked, no RuntimeError)."""
    theirs, ours = _both(INT_SCALARS[name])
    _same(ours, theirs)


@pytest.mark.parametrize("value", [300, -256])
def test_integer_fill_overflow_is_a_runtime_error(value: int) -> None:
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError, match="without overflow"):
            lib.zeros(2, dtype=lib.uint8).fill_(value)


def test_float16_sigmoid_rounds_once() -> None:
    """Half sigmoid rounds once from float32, as PyTorch's kernel (its three float16 steps drifted by an
    ulp: sigmoid(1.5) was 0.8179, PyTorch 0.8174)."""
    torch = require_torch()
    x = np.linspace(-12, 12, 2001).astype(np.float16)
    ours = mg.sigmoid(mg.from_numpy(x.copy())).numpy()
    np.testing.assert_array_equal(ours, torch.sigmoid(torch.tensor(x)).numpy())


def test_nextafter_shapes_that_do_not_broadcast() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError):
            lib.nextafter(lib.ones(2, 3), lib.ones(2))


def test_ldexp_scales_in_the_inputs_float_dtype() -> None:
    """ldexp of a float64 input by 2 ** 150 is finite, as PyTorch's (2 ** other was taken in float32: inf)."""
    theirs, ours = _both(lambda lib: lib.ldexp(lib.tensor([1.0, -2.0], dtype=lib.float64),
                                               lib.tensor([150, 3])))
    _same(ours, theirs)


@pytest.mark.parametrize("left", [True, False])
def test_shifts_of_shapes_that_do_not_broadcast(left: bool) -> None:
    """numpy's ValueError leaked from the shifts; PyTorch raises a RuntimeError."""
    torch = require_torch()
    for lib in (torch, mg):
        x, y = lib.ones(2, 3, dtype=lib.int16), lib.ones(2, dtype=lib.int16)
        with pytest.raises(RuntimeError):
            x.bitwise_left_shift_(y) if left else lib.bitwise_right_shift(x, y)


FACTORIES_OUT: dict[str, Callable[[Any, Any], Any]] = {
    "zeros": lambda lib, o: lib.zeros(2, 3, out=o),
    "ones": lambda lib, o: lib.ones(2, 3, out=o),
    "full": lambda lib, o: lib.full((2,), 7, out=o),
    "arange": lambda lib, o: lib.arange(0, 5, out=o),
    "linspace": lambda lib, o: lib.linspace(0, 4, 5, out=o),
    "eye": lambda lib, o: lib.eye(2, 3, out=o),
    "randperm_shape": lambda lib, o: (lib.randperm(4, out=o), o.sort().values)[1],
}


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
@pytest.mark.parametrize("name", list(FACTORIES_OUT))
def test_factories_write_into_out_in_its_dtype(name: str, dtype: str) -> None:
    """Factories take out= as PyTorch's: the result is written into out (resized), in out's dtype
    (zeros/ones/full/arange raised a TypeError; linspace, eye and randperm ignored out)."""
    torch = require_torch()
    results = []
    for lib in (torch, mg):
        out = lib.empty(0, dtype=getattr(lib, dtype))
        result = FACTORIES_OUT[name](lib, out)
        assert name == "randperm_shape" or result is out
        results.append(result)
    _same(results[1], results[0])


def test_nan_reductions_with_dtype() -> None:
    """nansum(dtype=int64) drops the NaNs before the cast (NaN cast to an int gave a huge number), and nanmean
    refuses an integer input even with a float dtype= (it answered), as PyTorch."""
    theirs, ours = _both(lambda lib: lib.nansum(lib.tensor([1.0, float("nan"), -7.0]), dtype=lib.int64))
    _same(ours, theirs)
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError):
            lib.nanmean(lib.tensor([1, 2]), dtype=lib.float32)
        with pytest.raises(RuntimeError):
            lib.norm(lib.ones(2, 2), "nuc", dim=1)  # (a TypeError, 'int' object is not iterable)


@pytest.mark.parametrize(("name", "dim"), [("softmax", 1), ("log_softmax", 0)])
def test_float16_softmax_computes_in_float32(name: str, dim: int) -> None:
    """Half softmax / log_softmax compute in float32 and round once, as PyTorch's kernels (in float16 steps
    3911 of 6400 values were an ulp or more off)."""
    torch = require_torch()
    x = (np.random.default_rng(0).standard_normal((64, 100)) * 3).astype(np.float16)
    ours = getattr(mg, name)(mg.from_numpy(x.copy()), dim).numpy()
    np.testing.assert_array_equal(ours, getattr(torch, name)(torch.tensor(x), dim).numpy())


@pytest.mark.parametrize("name", ["sum", "prod", "cumsum", "cumprod"])
@pytest.mark.parametrize("dtype", ["int64", "float64"])
def test_sums_and_products_compute_in_outs_dtype(name: str, dtype: str) -> None:
    """sum/prod/cumsum/cumprod with out= and no dtype= compute in out's dtype, as PyTorch (a float input
    into an int64 out raised the cast error; into float64 it was summed in float32)."""
    torch = require_torch()
    x = np.array([[1.5, 2.5, 1e-8], [3.0, 4.0, 1e8]], dtype=np.float32)
    results = []
    for lib in (torch, mg):
        out = lib.empty(0, dtype=getattr(lib, dtype))
        getattr(lib, name)(lib.tensor(x), 1, out=out)
        results.append(out)
    _same(results[1], results[0])


@pytest.mark.parametrize(("shape", "kernel", "padding"),
                         [((1, 1, 2, 1, 1), 2, 1), ((1, 3, 3, 3), (2, 4, 2), 1)])
def test_avg_pool3d_refuses_an_input_smaller_than_its_kernel(shape: tuple[int, ...], kernel: Any,
                                                            padding: int) -> None:
    """PyTorch's 3-D average pooling (and lp_pool3d) raises when a dim of the input is smaller than the
    kernel's, padding or not (minigrad pooled the padding)."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError, match="smaller than kernel size"):
            lib.nn.functional.avg_pool3d(lib.ones(shape), kernel, 1, padding)
        with pytest.raises(RuntimeError, match="smaller than kernel size"):
            lib.nn.functional.lp_pool3d(lib.ones(shape), 2.0, kernel, 1)


EMPTY_CHANNELS: dict[str, Callable[[Any], Any]] = {
    "avg_pool1d": lambda lib: lib.nn.functional.avg_pool1d(lib.ones(1, 0, 2), 1),
    "avg_pool1d_unbatched": lambda lib: lib.nn.functional.avg_pool1d(lib.ones(0, 3), 1),
    "avg_pool2d": lambda lib: lib.nn.functional.avg_pool2d(lib.ones(1, 0, 2, 2), 1),
    "avg_pool3d": lambda lib: lib.nn.functional.avg_pool3d(lib.ones(1, 0, 2, 2, 2), 1),
    "interpolate_nearest": lambda lib: lib.nn.functional.interpolate(lib.ones(1, 0, 2), scale_factor=2),
    "interpolate_bilinear": lambda lib: lib.nn.functional.interpolate(lib.ones(0, 0, 2, 2), scale_factor=2,
                                                                      mode="bilinear"),
}


@pytest.mark.parametrize("name", list(EMPTY_CHANNELS))
def test_pooling_and_resampling_of_zero_channels_raise(name: str) -> None:
    """Average pooling and interpolation of an input with no channels raise PyTorch's RuntimeError (only the
    batch may be empty; minigrad answered an empty tensor, as max pooling already refused)."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError):
            EMPTY_CHANNELS[name](lib)
