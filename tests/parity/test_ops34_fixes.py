"""Differences from PyTorch 2.13 found by ops34: calls without sizes, maximum/minimum of a number, unflatten's
errors, kthvalue/mode/median's tie order (vectorized), the op fuzzer's leftovers: values, indices, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch
from tests.helpers import same_as_torch as _same

torch = pytest.importorskip("torch")


def _error_words(fn: Any) -> None:
    """fn(torch) and fn(minigrad) both raise; minigrad's error is an instance of PyTorch's class and starts
    with PyTorch's first line."""
    require_torch()
    caught = []
    for lib in (torch, mg):
        with pytest.raises(Exception) as info:
            fn(lib)
        caught.append(info.value)
    theirs, ours = caught
    assert isinstance(ours, type(theirs)), (theirs, ours)
    assert str(ours).startswith(str(theirs).splitlines()[0]), (str(theirs), str(ours))


# ------------------------------------------------------------- no sizes: PyTorch's TypeError, no 0-d tensor
_NO_SIZES = {
    "zeros": lambda t: t.zeros(), "ones": lambda t: t.ones(),
    "empty": lambda t: t.empty(),
    "rand": lambda t: t.rand(), "randn": lambda t: t.randn(), "randint": lambda t: t.randint(5),
    "reshape": lambda t: t.ones(1).reshape(), "expand": lambda t: t.ones(()).expand(),
    "expand_1d": lambda t: t.ones(3).expand(), "permute": lambda t: t.ones(()).permute(),
    "permute_1d": lambda t: t.ones(3).permute(), "repeat": lambda t: t.ones(3).repeat(),
    "tile": lambda t: t.ones(3).tile(), "new_zeros": lambda t: t.ones(3).new_zeros(),
    "new_ones": lambda t: t.ones(3).new_ones(), "new_empty": lambda t: t.ones(3).new_empty(),
    "resize_": lambda t: t.ones(3).resize_(), "unflatten_empty": lambda t: t.ones(6).unflatten(0, ()),
    "unflatten_two_inferred": lambda t: t.ones(6).unflatten(0, (2, -1, -1)),
    "maximum_int": lambda t: t.ones(2).maximum(1), "minimum_float": lambda t: t.ones(2).minimum(1.0),
    "maximum_fn": lambda t: t.maximum(t.ones(2), 1), "minimum_fn_first": lambda t: t.minimum(1, t.ones(2)),
}


@pytest.mark.parametrize("name", sorted(_NO_SIZES))
def test_calls_without_sizes_raise_pytorchs_error(name: str) -> None:
    # minigrad read no sizes as a 0-d shape (zeros() was a 0-d zero) and took a number in x.maximum(1);
    # PyTorch's parser refuses both with a TypeError
    _error_words(_NO_SIZES[name])


_EMPTY_SIZES = {
    "zeros": lambda t: t.zeros(()), "ones_list": lambda t: t.ones([]), "full": lambda t: t.full((), 2.0),
    "reshape": lambda t: t.ones(1).reshape(()), "expand": lambda t: t.ones(()).expand(()),
    "permute": lambda t: t.ones(()).permute(()), "broadcast_to": lambda t: t.ones(()).broadcast_to(()),
    "expand_as": lambda t: t.ones(()).expand_as(t.ones(())), "new_zeros": lambda t: t.ones(3).new_zeros(()),
    "randint": lambda t: t.randint(5, ()).zero_(), "resize_as": lambda t: t.ones(1).resize_as_(t.ones(())),
    "zeros_like0": lambda t: t.zeros_like(t.ones(())), "tile": lambda t: t.ones(()).tile(()),
    "einsum0": lambda t: t.einsum("i,i->", t.ones(3), t.ones(3)),
    "broadcast_tensors": lambda t: t.broadcast_tensors(t.ones(()), t.ones(()))[0],
}


@pytest.mark.parametrize("name", sorted(_EMPTY_SIZES))
def test_empty_sizes_still_give_0d_tensors(name: str) -> None:
    # the sizes () given explicitly, and minigrad's own internal reshape/expand of 0-d tensors, still work
    _same(_EMPTY_SIZES[name])


# -------------------------------------------------------------- kthvalue / mode: PyTorch's tied indices, fast
def _tied(seed: int, shape: tuple[int, ...], levels: int, nan: float, dtype: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, levels, shape).astype(dtype)
    if nan:
        a[rng.random(shape) < nan] = np.nan
    return a


_TIED = [((3000,), 3, 0.0, "float32"), ((2000,), 40, 0.0, "float64"), ((1500,), 5, 0.1, "float64"),
         ((4, 300), 7, 0.0, "float32"), ((3, 257, 2), 2, 0.0, "float64"), ((5000,), 1000, 0.0, "float32"),
         ((700,), 4, 0.0, "int64"), ((6, 130), 3, 0.05, "float32")]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("case", range(len(_TIED)))
def test_kthvalue_and_mode_report_pytorchs_tied_indices(seed: int, case: int) -> None:
    # the partitions of PyTorch's quickselect (kthvalue) and std::sort (mode) now run as array steps
    # (mode of 100,000 tied values: 222 -> 34 ms, kthvalue 53 -> 3 ms); the indices must stay PyTorch's
    shape, levels, nan, dtype = _TIED[case]
    if dtype == "int64" and nan:
        return
    a = _tied(seed, shape, levels, nan, dtype)
    for dim in range(a.ndim):
        n = a.shape[dim]
        for k in (1, n // 3 + 1, n // 2, n):
            for keepdim in (False, True):
                _same(lambda t, k=k, d=dim, kd=keepdim: t.kthvalue(t.tensor(a), k, d, kd)[1])
                _same(lambda t, k=k, d=dim, kd=keepdim: t.kthvalue(t.tensor(a), k, d, kd)[0])
        _same(lambda t, d=dim: t.mode(t.tensor(a), d)[1])
        _same(lambda t, d=dim: t.mode(t.tensor(a), d, True)[0])
        _same(lambda t, d=dim: t.median(t.tensor(a), d)[1])
        _same(lambda t, d=dim: t.nanmedian(t.tensor(a), d)[1])


def test_mode_of_many_ties_is_fast() -> None:
    # PyTorch takes ~4 ms; the Python replay of std::sort took ~220 ms for this row
    import time
    a = mg.tensor(_tied(0, (100_000,), 50, 0.0, "float32"))
    start = time.perf_counter()
    mg.mode(a)
    mg.kthvalue(a, 50_000)
    assert time.perf_counter() - start < 1.0  # (generous for a loaded machine; ~40 ms here)


@pytest.mark.parametrize("name", ["_foreach_maximum", "_foreach_minimum", "_foreach_maximum_"])
def test_foreach_maximum_still_takes_a_number(name: str) -> None:
    # Tensor.maximum now refuses a number as PyTorch's; torch._foreach_maximum(tensors, 1.5) takes one
    def call(t: Any) -> Any:
        xs = [t.tensor([1.0, 2.0, float("nan")]), t.tensor([1, 2])]
        out = getattr(t, name)(xs, 1.5)
        return t.cat([x.double() for x in (xs if out is None or name.endswith("_") else out)])
    _same(call)


# ---------------------------------------------------------------- the op fuzzer's argument-parser leftovers
_PARSER = {
    "sort_positional_dim_stable": lambda t: t.sort(t.ones(4), 0, stable=True),
    "sort_positional_dim_stable_none": lambda t: t.sort(t.ones(4), 0, stable=None),
    "sort_method": lambda t: t.ones(4).sort(0, stable=True),
    "argsort_positional_dim_stable": lambda t: t.argsort(t.ones(4), 0, stable=True),
    "argsort_method": lambda t: t.ones(4).argsort(0, stable=False),
    "full_int_size": lambda t: t.full(3, 2.0),
    "full_int_size_keyword": lambda t: t.full(size=3, fill_value=1),
    "empty_strided_int": lambda t: t.empty_strided(3, (1,)),
    "empty_strided_int_stride": lambda t: t.empty_strided((3,), 1),
    "empty_permuted_int": lambda t: t.empty_permuted(3, (0,)),
    "randint_int_size": lambda t: t.randint(0, 5, 3),
    "randint_int_size_keyword": lambda t: t.randint(5, size=3),
    "kaiser_beta_without_periodic": lambda t: t.kaiser_window(5, beta=5.0),
}


@pytest.mark.parametrize("name", sorted(_PARSER))
def test_argument_forms_pytorch_refuses(name: str) -> None:
    # PyTorch's parser: sort/argsort take stable= only with dim and descending as keywords; full, randint,
    # empty_strided and empty_permuted take sizes as a tuple only; kaiser_window takes beta after periodic
    _error_words(_PARSER[name])


_PARSER_OK = {
    "sort_keywords": lambda t: t.sort(t.tensor([3.0, 1.0, 1.0, 2.0]), stable=True, dim=0, descending=True)[1],
    "sort_stable_none": lambda t: t.sort(t.tensor([3.0, 1.0, 2.0]), stable=None)[1],
    "sort_positional": lambda t: t.sort(t.tensor([3.0, 1.0, 2.0]), 0, True)[1],
    "argsort_keywords": lambda t: t.tensor([[3, 1, 1]]).argsort(stable=True, dim=1),
    "full_tuple": lambda t: t.full((3,), 2.0), "full_size": lambda t: t.full(t.Size([2]), 1),
    "randint_tuple": lambda t: t.randint(5, (3,)).zero_(),
    "empty_strided": lambda t: t.empty_strided((3,), (1,)).zero_(),
    "kaiser_periodic_beta": lambda t: t.kaiser_window(5, False, 5.0, dtype=t.float64),
    "kaiser_keywords": lambda t: t.kaiser_window(5, beta=5.0, periodic=True, dtype=t.float64),
}


@pytest.mark.parametrize("name", sorted(_PARSER_OK))
def test_argument_forms_pytorch_takes(name: str) -> None:
    _same(_PARSER_OK[name])


# -------------------------------------------------------------- the op fuzzer's leftovers: dtypes and kernels
_KERNELS = {
    "randn_dtype_no_size": lambda t: t.randn(dtype=t.int64),
    "rand_dtype_no_size": lambda t: t.rand(dtype=t.int64),
    "cumsum_bool_inplace": lambda t: t.zeros(3, dtype=t.bool).cumsum_(0),
    "cumprod_bool_inplace": lambda t: t.zeros(3, dtype=t.bool).cumprod_(0),
    "gradient_bool": lambda t: t.gradient(t.tensor([True, False, True])),
    "lrn_int32": lambda t: t.nn.functional.local_response_norm(t.ones(3, 1, 3, dtype=t.int32), 2),
    "lrn_bool": lambda t: t.nn.functional.local_response_norm(t.ones(3, 4, 4, dtype=t.bool), 2),
    "lrn_half_4d": lambda t: t.nn.functional.local_response_norm(t.ones(3, 1, 4, 1, dtype=t.float16), 2),
    "lrn_uint8_4d": lambda t: t.nn.functional.local_response_norm(t.ones(3, 1, 4, 1, dtype=t.uint8), 2),
    "multilabel_margin_half": lambda t: t.nn.functional.multilabel_margin_loss(
        t.ones(2, 4, dtype=t.float16), t.ones(2, 4, dtype=t.int64)),
    "mm_bool": lambda t: t.mm(t.ones(3, 1, dtype=t.bool), t.ones(1, 2, dtype=t.bool)),
    "dot_bool_empty": lambda t: t.matmul(t.ones(0, dtype=t.bool), t.ones(0, dtype=t.bool)),
    "linear_1d_bias_f32": lambda t: t.nn.functional.linear(
        t.ones(3, dtype=t.float64), t.ones(2, 3, dtype=t.float64), t.ones(2, dtype=t.float32)),
    "linear_2d_0d_bias_f32": lambda t: t.nn.functional.linear(
        t.ones(2, 3, dtype=t.float64), t.ones(2, 3, dtype=t.float64), t.tensor(2.0, dtype=t.float32)),
    "linear_int_float_bias": lambda t: t.nn.functional.linear(
        t.ones(3, dtype=t.int64), t.ones(2, 3, dtype=t.int64), t.tensor(1.5)),
}


@pytest.mark.parametrize("name", sorted(_KERNELS))
def test_kernels_pytorch_lacks(name: str) -> None:
    # PyTorch's CPU kernels and checks: no bool cumsum into self, no bool subtraction in gradient, LRN's
    # avg_pool2d/avg_pool3d (floats and int64; avg_pool3d no half), bool products with something to multiply
    _error_words(_KERNELS[name])


_WORKS = {
    "diagonal_scatter_long_into_bool": lambda t: t.diagonal_scatter(
        t.zeros(3, 3, dtype=t.bool), t.ones(3, dtype=t.int64)),
    "diagonal_scatter_double_into_float": lambda t: t.diagonal_scatter(
        t.zeros(3, 4), t.full((3,), 1.5).double(), 1),
    "lrn_int64": lambda t: t.nn.functional.local_response_norm(t.ones(2, 3, 4, dtype=t.int64), 2),
    "lrn_half_3d": lambda t: t.nn.functional.local_response_norm(t.ones(2, 3, 4, dtype=t.float16), 2),
    "mm_bool_empty": lambda t: t.mm(t.ones(3, 1, dtype=t.bool), t.ones(1, 0, dtype=t.bool)),
    "mm_bool_inner_0": lambda t: t.mm(t.ones(3, 0, dtype=t.bool), t.ones(0, 2, dtype=t.bool)),
    "bmm_bool_inner_0": lambda t: t.bmm(t.ones(1, 2, 0, dtype=t.bool), t.ones(1, 0, 3, dtype=t.bool)),
    "mv_bool_inner_0": lambda t: t.mv(t.ones(2, 0, dtype=t.bool), t.ones(0, dtype=t.bool)),
    "linear_1d_0d_bias_int": lambda t: t.nn.functional.linear(
        t.ones(1, dtype=t.float64), t.ones(2, 1, dtype=t.float64), t.tensor(2, dtype=t.int32)),
    "linear_3d_0d_bias_f32": lambda t: t.nn.functional.linear(
        t.ones(1, 1, 3, dtype=t.float64), t.ones(2, 3, dtype=t.float64), t.tensor(2.0, dtype=t.float32)),
    "linear_3d_0d_bias_f64_into_f32": lambda t: t.nn.functional.linear(
        t.full((1, 2, 3), 0.1), t.full((2, 3), 0.3), t.tensor(1e-9, dtype=t.float64)),
    "linear_strided_3d_bias_f64_into_f32": lambda t: t.nn.functional.linear(
        t.full((3, 2, 1), 0.1).transpose(0, 2), t.full((2, 3), 0.3), t.full((2,), 1e-9, dtype=t.float64)),
}


@pytest.mark.parametrize("name", sorted(_WORKS))
def test_forms_pytorch_computes(name: str) -> None:
    # diagonal_scatter converts src's dtype (minigrad's index_put refused it); LRN of int64 is float32;
    # PyTorch's linear adds the bias in place (keeping the product's dtype) unless the input is 2-D, or
    # contiguous with a 1-D bias (addmm, which refuses two dtypes)
    _same(_WORKS[name])


def test_linear_strided_input_adds_the_bias_in_place() -> None:
    # the bias's gradient keeps its dtype and the result is named as PyTorch's (AddBackward0)
    require_torch()
    out = {}
    for lib in (torch, mg):
        x = lib.full((3, 2, 4), 0.1, requires_grad=True)
        w = lib.full((5, 4), 0.3, requires_grad=True)
        b = lib.full((5,), 0.2, dtype=lib.float64, requires_grad=True)
        y = lib.nn.functional.linear(x.transpose(0, 1), w, b)
        y.sum().backward()
        out[lib] = (y.grad_fn.name(), str(y.dtype).split(".")[-1], str(b.grad.dtype).split(".")[-1],
                    y.detach().numpy().tolist(), b.grad.numpy().tolist(), x.grad.numpy().tolist())
    assert out[mg] == out[torch]


def test_qr_mode_r_q_is_an_output_of_the_node() -> None:
    # PyTorch's empty Q of mode='r' requires grad (LinalgQrBackward0) and backward through it raises
    require_torch()
    seen = []
    for lib in (torch, mg):
        a = lib.tensor(np.arange(6.0).reshape(3, 2) ** 1.5, requires_grad=True)
        q, r = lib.linalg.qr(a, mode="r")
        seen.append((tuple(q.shape), q.requires_grad, r.requires_grad, q.grad_fn.name()))
        with pytest.raises(RuntimeError, match="depends on Q"):
            q.sum().backward()
        with lib.no_grad():
            assert not lib.linalg.qr(a, mode="r")[0].requires_grad
    assert seen[0] == seen[1]


@pytest.mark.parametrize("inputs", [[], (), {}])
def test_grad_of_no_inputs_raises(inputs: Any) -> None:
    # PyTorch refuses autograd.grad(y, []); minigrad returned ()
    _error_words(lambda t: t.autograd.grad(t.ones(2, requires_grad=True).sum(), inputs))


@pytest.mark.parametrize("form", ["method", "inplace", "function"])
@pytest.mark.parametrize("mask", [True, [True, False, True], None])
def test_masked_fill_refuses_a_mask_that_is_no_tensor(form: str, mask: Any) -> None:
    # the op fuzzer's inplace.masked_fill_ x10: x.masked_fill_(y > 0, 1.5) with a number y passes a bool
    def call(t: Any) -> Any:
        x = t.ones(3)
        return {"method": lambda: x.masked_fill(mask, 1.5), "inplace": lambda: x.masked_fill_(mask, 1.5),
                "function": lambda: t.masked_fill(x, mask, 1.5)}[form]()
    _error_words(call)


@pytest.mark.parametrize("call", ["sort", "max", "kthvalue", "cummax", "mode"])
def test_out_results_are_the_out_forms(call: str) -> None:
    # the op fuzzer's out.sort / out.max_dim (structure x80): given out=, PyTorch returns sort_out, max_out
    require_torch()
    names = []
    for lib in (torch, mg):
        x = lib.tensor([[3.0, 1.0, 2.0], [0.5, 4.0, 1.0]])
        v, i = lib.empty(0), lib.empty(0, dtype=lib.int64)
        args = {"sort": (x,), "max": (x, 1), "kthvalue": (x, 2), "cummax": (x, 1), "mode": (x,)}[call]
        r = getattr(lib, call)(*args, out=(v, i))
        assert r[0] is v and r[1] is i and r.values is v
        names.append(type(r).__name__)
    assert names[0] == names[1]


_ORDER = {
    "trapezoid_0d_bool": lambda t: t.trapezoid(t.tensor(True), dim=0),
    "trapezoid_1d_bool": lambda t: t.trapezoid(t.tensor([True, False])),
    "multilabel_soft_margin_0d_int": lambda t: t.nn.functional.multilabel_soft_margin_loss(
        t.tensor(1), t.tensor(1)),
    "multilabel_soft_margin_0d_float": lambda t: t.nn.functional.multilabel_soft_margin_loss(
        t.tensor(1.0), t.tensor(1.0)),
    "softmax_int": lambda t: t.nn.functional.softmax(t.ones(2, dtype=t.int64), 0),
}


@pytest.mark.parametrize("name", sorted(_ORDER))
def test_checks_in_pytorchs_order(name: str) -> None:
    # trapezoid checks the dim before the dtype; multilabel_soft_margin_loss's logsigmoid refuses integers
    # before its dim check (the fuzzer's trapezoid / multilabel_soft_margin_loss errclass)
    _error_words(_ORDER[name])


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, -1])
def test_softmax_of_an_empty_integer_tensor_runs_no_kernel(fn: str, dim: int) -> None:
    # the fuzzer's F.softmax_f16 mg_raises x2: PyTorch returns the empty int64 tensor
    _same(lambda t: getattr(t.nn.functional, fn)(t.ones(1, 0, 1, dtype=t.int64), dim))


_EMPTY_DRAWS = {
    "randn": lambda t: t.randn(0, dtype=t.int64), "randn_2d": lambda t: t.randn(2, 0, dtype=t.int32),
    "randn_like": lambda t: t.randn_like(t.ones(0, dtype=t.int64)),
    "normal_size": lambda t: t.normal(0.0, 1.0, (0,), dtype=t.int64),
    "normal_": lambda t: t.empty(0, dtype=t.int64).normal_(),
}


@pytest.mark.parametrize("name", sorted(_EMPTY_DRAWS))
def test_normal_draws_of_no_elements_take_any_dtype(name: str) -> None:
    # the fuzzer's randn_shape mg_raises: PyTorch's normal kernel runs for no elements, so randn(0,
    # dtype=int64) is an empty int64 tensor (rand's bounds check still refuses it)
    _same(_EMPTY_DRAWS[name])
    _error_words(lambda t: t.randn(2, dtype=t.int64))
    _error_words(lambda t: t.rand(0, dtype=t.int64))
