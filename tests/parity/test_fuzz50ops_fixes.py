"""Tensor-level API disagreements with PyTorch found by differential fuzzing (indexing, scatter/put,
type promotion, shape ops); each case runs under both libraries and compares outcomes."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _outcome(lib: Any, program: Callable[[Any], Any]) -> tuple[str, Any]:
    """("ok", numpy values of the result) or ("err", the exception)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = program(lib)
    except Exception as e:  # (the class is what is compared)
        return "err", e
    outs = out if isinstance(out, tuple) else (out,)
    return "ok", [(str(o.dtype).split(".")[-1], np.asarray(o.detach().numpy(), dtype=np.float64))
                  if isinstance(o, lib.Tensor) else o for o in outs]


def _same(program: Callable[[Any], Any]) -> None:
    """Both libraries raise (minigrad's error an instance of PyTorch's class) or give the same values."""
    torch = require_torch()
    theirs, ours = _outcome(torch, program), _outcome(mg, program)
    assert theirs[0] == ours[0], (theirs, ours)
    if theirs[0] == "err":
        base = next(c for c in type(theirs[1]).__mro__ if c.__module__ == "builtins")
        assert isinstance(ours[1], base), (theirs[1], ours[1])
        return
    for a, b in zip(theirs[1], ours[1], strict=True):
        if isinstance(a, tuple):
            assert a[0] == b[0], (a, b)
            np.testing.assert_allclose(b[1], a[1], rtol=1e-6, equal_nan=True)
        else:
            assert a == b


def _set(shape: tuple[int, ...], index: Callable[[Any], Any], value: Callable[[Any], Any],
         dtype: str = "float64") -> Callable[[Any], Any]:
    def program(lib: Any) -> Any:
        x = lib.arange(int(np.prod(shape)), dtype=getattr(lib, dtype)).reshape(shape)
        x[index(lib)] = value(lib)
        return x
    return program


@pytest.mark.parametrize("index", [
    lambda lib: (True,), lambda lib: (False,), lambda lib: (0, True), lambda lib: lib.tensor(True),
    lambda lib: (lib.tensor(False), 1), lambda lib: (lib.tensor(True), slice(None)),
])
def test_setitem_bool_in_a_tuple_is_an_index_tensor(index: Callable[[Any], Any]) -> None:
    """PyTorch reads a bool inside a tuple, and a 0-d bool tensor, as an integer index tensor (arange(1) or
    empty): index_put_ then refuses a value of another dtype (minigrad filled or copied it)."""
    _same(_set((2, 3), index, lambda lib: lib.tensor(1)))
    _same(_set((2, 3), index, lambda lib: lib.tensor([1.0, 2.0, 3.0], dtype=lib.float32)))


@pytest.mark.parametrize("index", [lambda lib: True, lambda lib: (0, None), lambda lib: 0])
def test_setitem_basic_index_still_converts(index: Callable[[Any], Any]) -> None:
    _same(_set((2, 3), index, lambda lib: lib.tensor([1, 2, 3])))


@pytest.mark.parametrize(("shape", "index"), [
    ((2, 3), lambda lib: (lib.tensor([0, 1]), lib.tensor([0, 1, 1]))),  # arrays that do not broadcast
    ((0, 3), lambda lib: lib.tensor([0])),  # an index into an empty dim
    ((4,), lambda lib: (False, lib.tensor([0, 1, 2]))),  # the empty arange of False against 3 entries
    ((1, 3, 4), lambda lib: (lib.tensor([0]), 2, lib.tensor([], dtype=lib.int64), 0)),  # too many indices
    ((5,), lambda lib: (lib.tensor(True), lib.tensor(6))),  # a 0-d int tensor is selected first, out of range
    ((5,), lambda lib: (True, 7)),
])
def test_setitem_index_errors_come_before_the_dtype_error(shape: tuple[int, ...],
                                                          index: Callable[[Any], Any]) -> None:
    """PyTorch's IndexError for an index that does not fit comes before index_put_'s dtype check."""
    _same(_set(shape, index, lambda lib: lib.tensor(1)))


def test_setitem_false_writes_nothing() -> None:
    """t[False] = v returns before any check but the value's type (no leaf check, no shape check)."""
    def program(lib: Any) -> Any:
        x = lib.zeros(2, 3, requires_grad=True)
        x[False] = 1.0
        x[False] = lib.ones(7)
        return x
    _same(program)
    x = mg.zeros(2)
    with pytest.raises(TypeError):
        x[False] = "a"


@pytest.mark.parametrize("value", [
    lambda lib: lib.tensor(-0.37, dtype=lib.float64), lambda lib: lib.tensor(-300),
    lambda lib: lib.tensor(-1), lambda lib: lib.tensor([-2.5]),
])
def test_setitem_mask_fill_checks_the_value_fits(value: Callable[[Any], Any]) -> None:
    """One bool mask and a one-element value: PyTorch fills with value.item(), checking it fits uint8."""
    _same(_set((3,), lambda lib: lib.tensor([True, False, True]), value, "uint8"))


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_zero_dim_integer_indices_need_the_dtype(accumulate: bool) -> None:
    """index_put_'s 0-d integer index tensors are index tensors (not a basic index): another dtype raises."""
    def program(lib: Any) -> Any:
        x = lib.zeros(2, 3)
        return x.index_put_((lib.tensor(0), lib.tensor(1)), lib.tensor(1.0, dtype=lib.float64),
                            accumulate=accumulate)
    _same(program)


def test_index_put_index_errors_come_first() -> None:
    def program(lib: Any) -> Any:
        x = lib.zeros(0, 3, dtype=lib.int32)
        return x.index_put_((lib.tensor([[1], [0]]),), lib.tensor(1.0, dtype=lib.float64))
    _same(program)


@pytest.mark.parametrize(("shape", "index"), [((3,), (0,)), ((3, 2), (1, 0)), ((3, 2), (0, 2))])
def test_scatter_add_checks_dtypes_for_an_empty_index(shape: tuple[int, ...], index: tuple[int, ...]) -> None:
    def program(lib: Any) -> Any:
        src = lib.zeros(index, dtype=lib.int64)
        return lib.zeros(shape).scatter_add(0, lib.zeros(index, dtype=lib.int64), src)
    _same(program)


@pytest.mark.parametrize("op", [
    lambda x, i, s: x.scatter_add(0, i, s), lambda x, i, s: x.scatter(0, i, s),
    lambda x, i, s: x.scatter_reduce(0, i, s, "amax", include_self=False),
    lambda x, i, s: x.scatter_reduce(0, i, s, "sum"), lambda x, i, s: x.scatter_reduce(0, i, s, "mean"),
])
def test_scatter_with_an_empty_index_gives_src_a_zero_gradient(op: Callable[..., Any]) -> None:
    """src takes part even when nothing is scattered: its gradient is zeros, not None."""
    def program(lib: Any) -> Any:
        x = lib.ones(1, 1, 1, dtype=lib.float64, requires_grad=True)
        s = lib.full((1, 1, 1), 2.0, dtype=lib.float64, requires_grad=True)
        out = op(x, lib.zeros(0, 1, 0, dtype=lib.int64), s)
        return lib.autograd.grad(out.sum(), [x, s])
    _same(program)


def test_put_size_mismatch_is_an_index_error() -> None:
    def program(lib: Any) -> Any:
        return lib.zeros(2, 2).put(lib.tensor([1]), lib.tensor([1.0, 2.0]), accumulate=True)
    _same(program)


def test_unary_plus_of_bool_raises() -> None:
    _same(lambda lib: +lib.tensor([True, False]))


@pytest.mark.parametrize("call", [
    lambda lib, x, b: lib.clamp(x, b, 3), lambda lib, x, b: lib.clamp(x, 1, b),
    lambda lib, x, b: x.clamp(min=b, max=3),
    lambda lib, x, b: x.clone().clamp_(b, 3), lambda lib, x, b: lib.clip(x, b, 3),
    lambda lib, x, b: lib.clamp(x, None, b), lambda lib, x, b: lib.clamp(x, b.sum(), 3),
])
def test_clamp_bounds_tensor_beside_number(call: Callable[..., Any]) -> None:
    """A tensor bound of 1+ dims beside a number bound matches neither of PyTorch's overloads: TypeError
    (a 0-d one is read as a number)."""
    _same(lambda lib: call(lib, lib.tensor([1.0, 5.0]), lib.tensor([2.0, 2.0])))


@pytest.mark.parametrize("fn", ["igamma", "igammac"])
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("bool", "uint8"), ("int32", "float32")])
def test_igamma_of_integers_has_no_kernel(fn: str, dtypes: tuple[str, str]) -> None:
    _same(lambda lib: getattr(lib, fn)(lib.tensor([1, 2], dtype=getattr(lib, dtypes[0])),
                                   lib.tensor([1, 2], dtype=getattr(lib, dtypes[1]))))


@pytest.mark.parametrize("call", [
    lambda lib: lib.diag_embed(lib.ones(2, 3), dim1=0, dim2=1),
    lambda lib: lib.diag_embed(lib.ones(2, 3), offset=-2, dim1=0, dim2=-1),
    lambda lib: lib.flipud(lib.arange(32.0).reshape(2, 4, 4)[..., ::2]),
    lambda lib: lib.arange(32.0).reshape(2, 4, 4)[..., ::2].fliplr(),
    lambda lib: lib.arange(32.0).reshape(2, 4, 4)[..., ::2].transpose(0, 2).flip(1),
])
def test_new_tensors_are_laid_out_as_pytorch_lays_them(call: Callable[[Any], Any]) -> None:
    """diag_embed into other dims is a new row-major tensor (minigrad's was a moved view, so .view(-1)
    raised); flip's result follows its input's dim order (a reversed view's negative strides misled it)."""
    torch = require_torch()
    theirs, ours = call(torch), call(mg)
    assert ours.stride() == theirs.stride()
    assert ours.is_contiguous() == theirs.is_contiguous()
    if theirs.is_contiguous():
        np.testing.assert_array_equal(ours.view(-1).numpy(), theirs.view(-1).numpy())


def _bool_reduce(lib: Any, method: str, index: list[int], reduce: str) -> Any:
    src = lib.tensor([True] * max(len(index), 1))
    return getattr(lib.tensor([True, False]), method)(0, lib.tensor(index, dtype=lib.int64), src, reduce)


@pytest.mark.parametrize(("method", "index", "reduce"), [
    ("scatter_reduce", [0, 1], "mean"), ("scatter_reduce", [], "mean"), ("index_reduce", [0, 1], "amax"),
    ("index_reduce", [0, 1], "prod"), ("scatter_reduce", [0, 1], "amax"), ("scatter_reduce", [0, 1], "prod"),
])
def test_bool_reductions_without_a_kernel(method: str, index: list[int], reduce: str) -> None:
    """PyTorch has no bool kernel for scatter_reduce's mean (even for an empty index) nor index_reduce."""
    _same(lambda lib: _bool_reduce(lib, method, index, reduce))


@pytest.mark.parametrize(("dtype", "values", "exponents"), [
    ("float16", [1e-4, 0.0, 3.0], [20, 67, -30]),
    ("float32", [1e-30, 0.0, 3.0], [140, 200, -160]),
    ("float64", [1e-30, 0.0, -0.0], [140, 1100, 2000]),
    ("int64", [1, 0, 3], [2, 200, 1]),
])
def test_ldexp_of_a_float_by_integers_is_exact(dtype: str, values: list[float], exponents: list[int]) -> None:
    """PyTorch scales a float by an integer exponent exactly: 0 * 2**200 is 0 and 1e-4 * 2**20 is finite
    in float16 (minigrad took 2**e first: nan and inf). An integer input still goes through 2.0**e."""
    _same(lambda lib: lib.ldexp(lib.tensor(values, dtype=getattr(lib, dtype)), lib.tensor(exponents)))


def test_ldexp_gradient_is_two_to_the_exponent() -> None:
    """Checked against minigrad's own finite differences (PyTorch's takes 2**e in the integer exponent's
    dtype, so a negative exponent gives it 0 there)."""
    x = mg.tensor([1.5, 2.0, -0.25], dtype=mg.float64, requires_grad=True)
    e = mg.tensor([[1, 2, 0], [3, -1, 5]])
    assert mg.autograd.gradcheck(lambda t: mg.ldexp(t, e), (x,))
    assert mg.autograd.gradgradcheck(lambda t: mg.ldexp(t, e), (x,))


@pytest.mark.parametrize("make", [
    lambda x: x, lambda x: x[..., ::2], lambda x: x.transpose(0, 1), lambda x: x[0],
    lambda x: x.detach()[..., ::2],
])
def test_ravel_is_contiguous_then_view(make: Callable[[Any], Any]) -> None:
    """ravel copies a non-contiguous input (x[..., ::2] of shape (2, 3, 1) could be a stride-2 view, which
    minigrad's reshape gave: writes through it reached x)."""
    torch = require_torch()
    for method in (True, False):
        xs = [lib.arange(12.0).reshape(2, 3, 2).requires_grad_() for lib in (torch, mg)]
        theirs, ours = (make(x).ravel() if method else lib.ravel(make(x)) for lib, x in zip((torch, mg), xs))
        assert ours.stride() == theirs.stride()
        assert (ours.data_ptr() == make(xs[1]).data_ptr()) == (theirs.data_ptr() == make(xs[0]).data_ptr())
        assert (ours.grad_fn is None) == (theirs.grad_fn is None)
        if theirs.grad_fn is not None:
            assert ours.grad_fn.name() == theirs.grad_fn.name()
    assert mg.ravel(make(mg.arange(12.0).reshape(2, 3, 2))).is_contiguous()


@pytest.mark.parametrize("value", [-3, 300, -300, 2.7, -0.5, True, 1e10])
@pytest.mark.parametrize("reduce", [None, "add"])
def test_scatter_number_converts_as_pytorch(value: Any, reduce: str | None) -> None:
    """A number scattered into uint8 is PyTorch's Scalar conversion: -3 wraps to 253, 300 or -0.5 overflow
    (minigrad's numpy cast raised OverflowError, not a RuntimeError, and let -0.5 through as 0)."""
    def program(lib: Any) -> Any:
        x = lib.zeros(3, dtype=lib.uint8)
        kw = {} if reduce is None else {"reduce": reduce}
        return x.scatter(0, lib.tensor([0, 2]), value, **kw)
    _same(program)


@pytest.mark.parametrize("alpha", [-1.5, 1.5, 2, True, -1])
@pytest.mark.parametrize("dtype", ["uint8", "int64"])
def test_index_add_integer_alpha_must_fit(alpha: Any, dtype: str) -> None:
    def program(lib: Any) -> Any:
        x = lib.zeros(3, dtype=getattr(lib, dtype))
        return x.index_add(0, lib.tensor([0, 2]), lib.tensor([1, 2], dtype=getattr(lib, dtype)), alpha=alpha)
    _same(program)


@pytest.mark.parametrize("index", [
    lambda lib: True, lambda lib: (True,), lambda lib: (True, 0), lambda lib: (slice(None), True),
    lambda lib: (0, lib.tensor(True)), lambda lib: lib.tensor(True), lambda lib: (False, 1),
])
@pytest.mark.parametrize("op", ["+=", "*=", "set"])
def test_gradient_through_a_bool_index(index: Callable[[Any], Any], op: str) -> None:
    """A bool index adds a dim and indexes it with an array (a copy): minigrad's getitem backward took a
    Python bool for an int, wrote the gradient into numpy's copy and lost it (x[True] += 1 gave zeros)."""
    def program(lib: Any) -> Any:
        a = lib.arange(1.0, 5.0, dtype=lib.float64).reshape(2, 2).requires_grad_()
        x = a.clone()
        idx = index(lib)
        if op == "+=":
            x[idx] += 1.0
        elif op == "*=":
            x[idx] *= 3.0
        else:
            x[idx] = x[idx] * 2.0
        w = lib.tensor([[1.0, -2.0], [3.0, 0.5]], dtype=lib.float64)
        return (x, lib.autograd.grad((x * w).sum(), a)[0], x[idx].grad_fn.name())
    _same(program)


@pytest.mark.parametrize("index", [
    lambda lib: (..., lib.tensor([0, 0, 0]), True), lambda lib: (True, ..., lib.tensor([0, 0])),
    lambda lib: (..., lib.tensor([0, 0, -3]), True), lambda lib: (..., lib.tensor(False), 0),
])
def test_ellipsis_beside_a_bool_spans_the_dims_a_bool_does_not_take(index: Callable[[Any], Any]) -> None:
    """A bool takes no dim of the tensor, so ... before it still spans one: minigrad dropped the ... as if
    it spanned none and indexed dim 0 with the array."""
    _same(lambda lib: lib.arange(3.0).reshape(3, 1)[index(lib)])


def test_setitem_empty_list_index_needs_the_dtype() -> None:
    _same(_set((4, 1), lambda lib: [], lambda lib: lib.zeros(0, 1, dtype=lib.bool)))


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_with_no_indices_raises(accumulate: bool) -> None:
    _same(lambda lib: lib.zeros(3).index_put_((), lib.tensor(1.0), accumulate=accumulate))


@pytest.mark.parametrize("dtype", ["float16", "float32"])
@pytest.mark.parametrize("other", [
    lambda lib: lib.tensor(0.7234567, dtype=lib.float64), lambda lib: lib.tensor(123456789),
    lambda lib: lib.tensor(0.3, dtype=lib.float32),
])
@pytest.mark.parametrize("op", [
    lambda x, v: x.mul_(v), lambda x, v: x.add_(v), lambda x, v: x.div_(v), lambda x, v: x.sub_(v),
    lambda x, v: x.__setitem__(Ellipsis, x[...] * v), lambda x, v: x * v, lambda x, v: x / v,
])
def test_in_place_op_casts_a_non_promoting_operand_first(dtype: str, other: Callable[[Any], Any],
                                                         op: Callable[..., Any]) -> None:
    """A 0-d tensor of another dtype after the tensor is PyTorch's cpu scalar: float16 x * v and x.mul_(v)
    take v in float32 (half kernels, as for a Python float), float32 x.add_(v) casts v to float32 first;
    minigrad multiplied in float64 in place and rounded v to half out of place (found as x[...] *= v)."""
    def program(lib: Any) -> Any:
        x = lib.tensor(np.random.default_rng(0).standard_normal(300) * 3, dtype=getattr(lib, dtype))
        out = op(x, other(lib))
        return x if out is None or out is x else out
    torch = require_torch()
    theirs, ours = program(torch), program(mg)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("index", [
    (0, None, False), (0, slice(None), True), (0, None, slice(None), True), (True, 0, Ellipsis, 1),
    (0, 1, True),
])
def test_ints_beside_a_bool_select_first(index: tuple[Any, ...]) -> None:
    """PyTorch selects with ints first, then indexes with the bool's array: numpy counted the int as an
    array index beside the bool and moved the dims (a[0, :, True] of a (1, 2, 3) tensor was (1, 2, 3),
    not (2, 1, 3))."""
    def program(lib: Any) -> Any:
        a = lib.arange(6.0, dtype=lib.float64).reshape(1, 2, 3).requires_grad_()
        x = a.clone()
        out = x[index]
        x[index] = out * 2.0
        w = lib.arange(6.0, dtype=lib.float64).reshape(1, 2, 3)
        return out, x, lib.autograd.grad((x * w).sum(), a)[0]
    torch = require_torch()
    theirs, ours = program(torch), program(mg)
    for t, o in zip(theirs, ours, strict=True):
        assert tuple(o.shape) == tuple(t.shape)
        np.testing.assert_array_equal(o.detach().numpy(), t.detach().numpy())


@pytest.mark.parametrize("value", [300, -1, -300, 2**40, True, 1e5])
@pytest.mark.parametrize("dtype", ["uint8", "int8", "float16", "bool"])
@pytest.mark.parametrize("first", [False, True])
def test_where_integer_scalar_must_fit(value: Any, dtype: str, first: bool) -> None:
    """where(c, uint8 x, 300) is PyTorch's overflow error (minigrad wrapped it to 44); -1 still wraps."""
    def program(lib: Any) -> Any:
        c, x = lib.tensor([True, False]), lib.tensor([1, 2], dtype=getattr(lib, dtype))
        return lib.where(c, value, x) if first else lib.where(c, x, value)
    _same(program)


@pytest.mark.parametrize("call", [lambda x: x.cumsum_(), lambda x: x.cumsum_(0), lambda x: x.cumprod_()])
def test_bool_cumsum_in_place_checks_arguments_first(call: Callable[[Any], Any]) -> None:
    """x.cumsum_() without dim is PyTorch's argument TypeError even for a bool x (minigrad raised the kernel
    error first); with a dim, the missing bool kernel."""
    _same(lambda lib: call(lib.tensor([True, False])))
