"""Regressions found by the hunt18 differential fuzzer (minigrad against PyTorch on type promotion, reductions
and selections, indexing, shape ops and nn.functional's non-default arguments): each test fails before its
fix and compares numbers, dtypes or error classes with torch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch, same_error_or_value


def _t(lib: Any, values: Any, dtype: str) -> Any:
    return lib.tensor(np.asarray(values).astype(dtype), dtype=getattr(lib, dtype))


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("dtypes", [
    (("float32", (2, 1)), ("uint8", (2, 1)), ("float64", ())),
    (("uint8", (3,)), ("int32", ()), ("int64", ())),
    (("int16", (2, 3)), ("float32", (2, 1)), ("float64", ())),
    (("int64", (3,)), ("int64", (3,)), ("int64", (3,))),
    (("bool", (3,)), ("bool", (3,)), ("bool", (3,))),
    (("float16", (3,)), ("float32", ()), ("int8", (3,))),
])
@pytest.mark.parametrize("value", [1, 2.5])
def test_addcmul_addcdiv_promote_their_three_tensors_at_once(name: str, dtypes: Any, value: Any) -> None:
    """addcmul/addcdiv take the three tensors' result type at once (a 0-d float64 beside float32 and uint8
    tensors leaves float32; pairwise steps gave float64), cast ``value`` to it (2.5 is 2 for int64), and
    have no bool kernel (PyTorch's NotImplementedError; minigrad answered)."""
    def form(lib: Any) -> Any:
        args = [_t(lib, np.arange(1, 1 + int(np.prod(shape))).reshape(shape), dt) for dt, shape in dtypes]
        return getattr(lib, name)(*args, value=value)
    same_error_or_value(form)


@pytest.mark.parametrize("x_dtype", ["bool", "int64", "float32", "float64"])
@pytest.mark.parametrize("e_dtype", ["bool", "int32", "float16", "float32"])
@pytest.mark.parametrize("shapes", [((4,), (4,)), ((4,), ()), ((), (4,))])
def test_ldexp_dtypes(x_dtype: str, e_dtype: str, shapes: Any) -> None:
    """ldexp: a bool exponent of a float input is PyTorch's NotImplementedError, 2 ** other is taken in
    other's float dtype (an int64 input with a float16 exponent is float16, not float32), and a 0-d float
    exponent of a float input in the input's dtype."""
    def form(lib: Any) -> Any:
        x = _t(lib, np.array([0.75, -1.5, 3.0, 2.25])[: int(np.prod(shapes[0]))].reshape(shapes[0]), x_dtype)
        e = _t(lib, np.array([1.3, 2.0, -0.7, 3.0])[: int(np.prod(shapes[1]))].reshape(shapes[1]), e_dtype)
        return lib.ldexp(x, e)
    same_error_or_value(form)


@pytest.mark.parametrize("op", ["add_", "sub_", "mul_"])
def test_inplace_mixed_integers_that_do_not_broadcast_raise_runtime_error(op: str) -> None:
    """uint8.add_(int8 of a larger shape) went through the wraparound path, which leaked numpy's ValueError;
    PyTorch raises a RuntimeError ("output with shape ... doesn't match the broadcast shape")."""
    def form(lib: Any) -> Any:
        x = lib.zeros(2, 1, dtype=lib.uint8)
        return getattr(x, op)(lib.ones(2, 3, dtype=lib.int8))
    same_error_or_value(form)


@pytest.mark.parametrize("alpha", [2, 0, -1, True])
@pytest.mark.parametrize("other", ["bool", "False", "1"])
@pytest.mark.parametrize("inplace", [False, True])
def test_add_of_bools_with_an_alpha_stays_bool(alpha: Any, other: str, inplace: bool) -> None:
    """add(bool, bool, alpha=2) casts alpha to bool as PyTorch (a bool result); minigrad gave int64, and
    the in-place form raised "result type Long can't be cast"."""
    def form(lib: Any) -> Any:
        x = lib.tensor([True, False, False])
        y = lib.tensor([True, True, False]) if other == "bool" else eval(other)
        return x.add_(y, alpha=alpha) if inplace else lib.add(x, y, alpha=alpha)
    same_error_or_value(form)


@pytest.mark.parametrize("bounds", ["True, None", "None, True", "False, True", "b, b", "b, None", "None, b",
                                    "0, None", "None, 1", "b, lib.tensor(1)",
                                    "lib.tensor(True), lib.tensor(0)"])
def test_clamp_of_bools(bounds: str) -> None:
    """A bool clamp with a bool result has no kernel in PyTorch (NotImplementedError for both bounds or bool
    numbers); one tensor bound is maximum/minimum, int bounds give int64. minigrad answered all of them."""
    def form(lib: Any) -> Any:
        x = lib.tensor([True, False, True])
        b = lib.tensor([False, True, True])
        lo, hi = eval(f"({bounds})", {"lib": lib, "b": b})
        return lib.clamp(x, lo, hi)
    same_error_or_value(form)


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "logaddexp2", "dist"])
@pytest.mark.parametrize("which", [0, 1, 2])
def test_two_tensor_functions_refuse_numbers(name: str, which: int) -> None:
    """hypot, logaddexp, logaddexp2 and dist have Tensor-only signatures: a Python number is PyTorch's
    TypeError (minigrad computed a result, or raised another class for integer tensors)."""
    def form(lib: Any) -> Any:
        x = lib.tensor([1.0, -2.0, 0.5])
        args = [(x, 2.0), (1.5, x), (lib.tensor([1, 2]), 3)][which]
        return getattr(lib, name)(*args)
    same_error_or_value(form)
    same_error_or_value(lambda lib: getattr(lib.tensor([1.0, -2.0]), name)(2.0))


@pytest.mark.parametrize("call", ["lib.add(f, 1.0, alpha=True)", "lib.sub(f, f, alpha=False)",
                                  "lib.add(b, 1, alpha=True)", "f.clone().add_(f, alpha=True)",
                                  "lib.tensor([1, 2]).sub_(1, alpha=True)", "b.clone().add_(b, alpha=True)"])
def test_a_bool_alpha_only_for_bool_results(call: str) -> None:
    """PyTorch refuses a bool alpha unless the result is bool ("Boolean alpha only supported for Boolean
    results."); minigrad took True as 1."""
    same_error_or_value(lambda lib: eval(call, {"lib": lib, "f": lib.tensor([1.0, 2.0]),
                                                 "b": lib.tensor([True, False])}))


@pytest.mark.parametrize("call", [
    "x.sum(dtype=lib.int32)", "x.sum(0, dtype=lib.int8)", "x.sum(dtype=lib.uint8)",
    "x.sum(dtype=lib.bool)", "lib.sum(x, (0, 1), dtype=lib.int16)", "x.bool().sum(dtype=lib.int32)",
    "x.float().sum(1, dtype=lib.int32)", "x.cumsum(0, dtype=lib.int8)", "lib.cumsum(x, 1, dtype=lib.int32)",
    "lib.cumsum(x[0, 0], 0, dtype=lib.int16)", "x.cumsum(1, dtype=lib.bool)", "x.nansum(dtype=lib.int8)",
    "lib.nansum(x.float(), 0, dtype=lib.uint8)",
    "x.sum()", "x.cumsum(0)", "x.bool().cumsum(1)"])
def test_integer_sums_take_their_dtype(call: str) -> None:
    """sum/cumsum/nansum with an integer or bool dtype= sum in it (wrapping) and return it, as PyTorch;
    minigrad cast the input and summed to int64 (x.sum(dtype=int32) was int64); a bool cumsum dtype is
    PyTorch's NotImplementedError."""
    values = [[100, 27, 3], [40, 105, 6]]
    same_error_or_value(lambda lib: eval(call, {"lib": lib, "x": lib.tensor(values, dtype=lib.uint8)}))


@pytest.mark.parametrize("call", [
    "lib.bincount(x.bool())", "lib.bincount(x.half())", "lib.bincount(x.float())",
    "lib.bincount(x, minlength=-1)", "lib.bincount(x.to(lib.uint8), minlength=5)", "lib.round(x, decimals=1)",
    "lib.round(x.bool(), decimals=2)", "lib.histogram(x)", "lib.histogram(x.bool())",
    "lib.histogramdd(x[None].T, 2)", "lib.histogram(x.double(), 3)[0]"])
def test_kernels_without_int_bool_or_half_inputs(call: str) -> None:
    """PyTorch has no bincount kernel for floats and bools, no round(decimals) for integers and no
    histogram for integers, bools or halves (NotImplementedError); minigrad raised a ShapeError, an
    InvalidParameterError, numpy's TypeError (bools) or answered (integers); bincount's negative minlength
    leaked numpy's ValueError."""
    same_error_or_value(lambda lib: eval(call, {"lib": lib, "x": lib.tensor([1, 0, 2, 2, 1, 0])}))


@pytest.mark.parametrize("name", ["inv", "det", "slogdet", "solve", "cholesky", "eigh", "eigvalsh", "svd",
                                  "svdvals", "qr", "pinv", "matrix_rank", "cond", "lstsq", "lu_factor",
                                  "norm2", "nuc", "fro", "geqrf", "geqrf_int", "logdet", "inverse"])
def test_linalg_refuses_half_matrices(name: str) -> None:
    """float16 matrices: PyTorch's linalg has no half kernels (RuntimeError / NotImplementedError); numpy's
    TypeError ("array type float16 is unsupported in linalg") leaked. matrix_norm's sums still work."""
    calls = {"norm2": "lib.linalg.matrix_norm(a, 2)", "nuc": "lib.linalg.matrix_norm(a, 'nuc')",
             "fro": "lib.linalg.matrix_norm(a)", "geqrf": "lib.geqrf(a)[0]",
             "geqrf_int": "lib.geqrf(a.long())[0]", "logdet": "lib.logdet(a)", "inverse": "lib.inverse(a)",
             "solve": "lib.linalg.solve(a, a)", "lstsq": "lib.linalg.lstsq(a, a)[0]"}
    pair = name in ("slogdet", "eigh", "svd", "qr", "lu_factor")
    call = calls.get(name, f"lib.linalg.{name}(a)" + ("[0]" if pair else ""))
    matrix = [[2.0, 1.0], [1.0, 3.0]]
    same_error_or_value(lambda lib: eval(call, {"lib": lib, "a": lib.tensor(matrix, dtype=lib.float16)}))


@pytest.mark.parametrize("call", ["b @ b.T", "lib.mm(b, b.T)", "lib.dot(b[0], b[1])", "lib.mv(b, b[0])",
                                  "lib.bmm(b[None], b.T[None])", "lib.addmm(b[:, :2], b, b.T)",
                                  "lib.nn.functional.linear(b, b)", "lib.einsum('ij,kj->ik', b, b)"])
def test_matrix_products_of_bools_raise_not_implemented(call: str) -> None:
    """Matrix products of bool tensors: PyTorch's NotImplementedError ("addmm_impl_cpu_" not implemented for
    'Bool'); minigrad raised a plain TypeError (still one), and addmm answered numpy's logical product."""
    values = [[True, False, True], [True, True, False]]
    same_error_or_value(lambda lib: eval(call, {"lib": lib, "b": lib.tensor(values)}))


@pytest.mark.parametrize("call", ["x[lib.tensor([True, False, True, True]), :]", "x[lib.tensor([[2]]), :]",
                                  "x[[1, 2], :]", "y[lib.tensor([1]), :, :]", "y[:, lib.tensor([1]), :]",
                                  "y[lib.tensor([1]), :]", "y[:, lib.tensor([0, 2])]"])
def test_an_index_array_with_trailing_slices_counts_them(call: str) -> None:
    """x[int_array, :] on a 1-D tensor is PyTorch's IndexError (too many indices); minigrad's take fast
    path ignored the trailing whole slices and answered."""
    same_error_or_value(lambda lib: eval(call, {"lib": lib, "x": lib.arange(4.0),
                                                 "y": lib.arange(12.0).reshape(3, 4)}))


@pytest.mark.parametrize("call", ["lib.scatter(x, 0, i, s)", "lib.scatter(x, 0, i, 2.0)",
                                  "lib.scatter_reduce(x, 0, i, s, 'sum')",
                                  "x.index_reduce(0, i[0], s, 'prod')", "lib.scatter(x, 0, i.abs(), s)",
                                  "lib.scatter_add(x, 0, i, s)", "lib.take_along_dim(x, i, 0)"])
def test_scatters_refuse_negative_indices(call: str) -> None:
    """scatter / scatter_reduce / index_reduce take no negative index in PyTorch (RuntimeError / IndexError);
    minigrad wrapped it (scatter with index -1 wrote the last row). take_along_dim does wrap, in both."""

    def form(lib: Any) -> Any:
        with warnings.catch_warnings():  # (index_reduce's once-per-process beta note, either library's)
            warnings.filterwarnings("ignore", r"index_reduce\(\) is in beta", UserWarning)
            return eval(call, {"lib": lib, "x": lib.zeros(3, 2), "s": lib.ones(2, 2),
                               "i": lib.tensor([[-1, 0], [1, 2]])})

    same_error_or_value(form)


@pytest.mark.parametrize("mask", [True, False])
def test_masked_scatter_of_a_0d_tensor(mask: bool) -> None:
    """masked_scatter of a 0-d tensor leaked numpy's ValueError (nonzero of a 0-d array)."""
    torch = require_torch()
    grads = []
    for lib in (torch, mg):
        x = lib.tensor(2.0, requires_grad=True)
        s = lib.tensor([5.0, 6.0], requires_grad=True)
        y = x.masked_scatter(lib.tensor(mask), s)
        y.backward(lib.tensor(3.0))
        grads.append((y.item(), x.grad.item(), s.grad.tolist()))
    assert grads[0] == grads[1]


@pytest.mark.parametrize("call", ["lib.roll(x, (1, 1), (1, 1))", "lib.roll(x, (1, -2, 1), (0, 1, 0))",
                                  "lib.repeat_interleave(s, 2, dim=0)", "lib.repeat_interleave(s, 2)",
                                  "lib.repeat_interleave(s, lib.tensor([2]), dim=-1)", "s.unflatten(0, (1,))",
                                  "s.unflatten(1, (1,))", "x.unflatten(1, (3, 1))"])
def test_roll_twice_and_0d_dims(call: str) -> None:
    """roll may name a dim twice (it rolls twice, as PyTorch; minigrad refused); repeat_interleave and
    unflatten of a 0-d tensor along a dim are PyTorch's IndexError / RuntimeError (minigrad answered, or
    leaked a bare IndexError from a tuple)."""
    same_error_or_value(lambda lib: eval(call, {"lib": lib, "x": lib.arange(6.0).reshape(2, 3),
                                                 "s": lib.tensor(1.5)}))


@pytest.mark.parametrize("shapes", [((0, 2, 1, 1), (0, 1, 1, 1), 2), ((1, 2, 3, 3), (0, 1, 1, 1), 2),
                                    ((1, 4, 3, 3), (0, 4, 1, 1), 1), ((1, 2, 3, 3), (2, 1, 1, 1), 2)])
def test_conv_weight_without_output_channels(shapes: Any) -> None:
    """A conv weight with 0 output channels is PyTorch's RuntimeError ("expected weight to be at least
    {groups} at dimension 0"); minigrad answered an empty output."""
    x_shape, w_shape, groups = shapes
    same_error_or_value(lambda lib: lib.nn.functional.conv2d(lib.zeros(*x_shape), lib.zeros(*w_shape),
                                                              groups=groups))


@pytest.mark.parametrize("call", ["F.cross_entropy(x, t, weight=w)",
                                  "F.nll_loss(x, t, weight=w, reduction='none')",
                                  "F.cross_entropy(x[None].transpose(1, 2), t[None], weight=w, "
                                  "label_smoothing=0.1)",
                                  "lib.nn.CrossEntropyLoss(weight=w)(x.detach(), t)",
                                  "F.cross_entropy(x, F.softmax(x, 1).detach(), weight=w)",
                                  "F.cross_entropy(x, t, weight=w.detach())"])
def test_class_index_losses_refuse_a_weight_that_requires_grad(call: str) -> None:
    """nll_loss / cross_entropy with class indices have no weight gradient in PyTorch, which raises for a
    weight that requires grad (minigrad differentiated it); probability targets do differentiate it."""
    def form(lib: Any) -> Any:
        x = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3), dtype=lib.float32, requires_grad=True)
        w = lib.tensor([0.5, 1.0, 2.0], requires_grad=True)
        names = {"lib": lib, "F": lib.nn.functional, "x": x, "t": lib.tensor([0, 1, 2, 1]), "w": w}
        return eval(call, names)
    same_error_or_value(form)


@pytest.mark.parametrize("stats", [(True, False), (False, True), (False, False), (True, True)])
def test_batch_norm_takes_both_running_statistics_or_neither(stats: tuple[bool, bool]) -> None:
    """Training batch_norm with one running statistic is PyTorch's ValueError; minigrad normalized."""
    def form(lib: Any) -> Any:
        x = lib.tensor(np.linspace(-1, 2, 12).reshape(4, 3))
        mean, var = (lib.zeros(3) if stats[0] else None), (lib.ones(3) if stats[1] else None)
        return lib.nn.functional.batch_norm(x, mean, var, training=True)
    same_error_or_value(form)


@pytest.mark.parametrize("data", ["[1, None]", "['a']", "[[1.5, 'b']]", "[None]"])
def test_tensor_of_none_or_strings_raises_torchs_class(data: str) -> None:
    """tensor() of data holding None (PyTorch's RuntimeError) or strings (its ValueError) raised a plain
    TypeError; it is now also an instance of PyTorch's class (and still a TypeError)."""
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        torch.tensor(eval(data))
    with pytest.raises(TypeError) as ours:
        mg.tensor(eval(data))
    assert isinstance(ours.value, type(theirs.value)), (theirs.value, ours.value)


@pytest.mark.parametrize("call", ["x * 0.1", "x / 255.0", "0.3 * x", "2.7 / x", "lib.mul(x, 0.37)",
                                  "lib.div(x, 0.37)", "x.true_divide(3.3)", "x.detach().mul_(0.1)",
                                  "x.detach().div_(0.7)"])
def test_half_tensors_take_python_floats_in_float32(call: str) -> None:
    """PyTorch's half kernels multiply or divide by a Python float in float32 and round once; minigrad
    rounded the number to half first, an ulp off in about a third of the results (here: every bit and the
    gradients checked)."""
    torch = require_torch()
    rng = np.random.default_rng(1)
    xs, g = (rng.standard_normal(2000) * 4).astype(np.float16), rng.standard_normal(2000).astype(np.float16)
    got = []
    for lib in (torch, mg):
        x = lib.tensor(xs, requires_grad=True)
        y = eval(call, {"lib": lib, "x": x})
        if y.requires_grad:
            y.backward(lib.tensor(g))
        got.append((y.detach().numpy().copy(), None if x.grad is None else x.grad.numpy().copy()))
    np.testing.assert_array_equal(got[1][0], got[0][0])
    assert (got[0][1] is None) == (got[1][1] is None)
    if got[0][1] is not None:
        np.testing.assert_array_equal(got[1][1], got[0][1])
