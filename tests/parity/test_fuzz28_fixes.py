"""What the fuzz28 random differential fuzzer (chains of 2-6 tensor ops on random shapes and dtypes, run
on both libraries) found: each fix checked against torch on its own."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("join", [
    lambda lib, a: lib.cat([a, a], 0), lambda lib, a: lib.cat([a, a], 1), lambda lib, a: lib.stack([a, a]),
    lambda lib, a: lib.stack([a, a], 2), lambda lib, a: lib.dstack([a, a]), lambda lib, a: lib.hstack([a, a]),
    lambda lib, a: lib.vstack([a, a]), lambda lib, a: lib.column_stack([a, a]),
])
def test_joining_transposed_tensors_gives_row_major_result(join: Any) -> None:
    """Before fuzz28 cat and stack of transposed inputs were laid out transposed (numpy's concatenate
    follows its inputs' order): strides differed from PyTorch's, and a later reshape copied where
    PyTorch's is a view, so writing through it did not reach the joined tensor."""
    results = []
    for lib in (mg, torch):
        a = lib.arange(20.0).reshape(5, 4).mT
        out = join(lib, a)
        flat = out.reshape(-1)
        flat[0] = -7.0
        results.append((out.stride(), out.is_contiguous(), out.numpy().copy()))
    (ms, mc, mv), (ts, tc, tv) = results
    assert (ms, mc) == (ts, tc)
    np.testing.assert_array_equal(mv, tv)


def test_joining_channels_last_tensors_keeps_channels_last() -> None:
    """The row-major rule above does not apply where every input is channels_last (PyTorch keeps it)."""
    strides = []
    for lib in (mg, torch):
        a = lib.arange(120.0).reshape(2, 3, 4, 5).to(memory_format=lib.channels_last)
        strides.append((lib.cat([a, a], 1).stride(), lib.stack([a, a]).stride()))
    assert strides[0] == strides[1]


@pytest.mark.parametrize("write", [
    lambda lib: lib.zeros(0, 2).expand(2, 0, 2)[0].div_(2),
    lambda lib: lib.zeros(0, 2).expand(2, 0, 2).mul_(3),
    lambda lib: lib.zeros(0).expand(2, 0).add_(1), lambda lib: lib.zeros(1, 0).expand(3, 0).neg_(),
])
def test_in_place_op_on_empty_expanded_tensor_is_allowed(write: Any) -> None:
    """Before fuzz28 an in-place op on an empty tensor with a stride-0 dim raised "more than one element
    of the written-to tensor refers to a single memory location": with no elements there is no overlap,
    and PyTorch writes nothing."""
    got, want = write(mg), write(torch)
    assert tuple(got.shape) == tuple(want.shape)


_CONST = [2.0, 4.0, 8.0]


@pytest.mark.parametrize("op", [
    lambda lib, x, c: x / c, lambda lib, x, c: x / 3.0, lambda lib, x, c: lib.div(x, c),
    lambda lib, x, c: lib.div(x, c, rounding_mode="floor"), lambda lib, x, c: lib.fmod(x, c),
    lambda lib, x, c: lib.remainder(x, c), lambda lib, x, c: x @ c, lambda lib, x, c: lib.dot(x, c),
    lambda lib, x, c: x[None] @ c[:, None],
    lambda lib, x, c: lib.addmm(c[None], x[None], c[:, None].expand(3, 3)),
    lambda lib, x, c: lib.addcdiv(c, x, c), lambda lib, x, c: lib.lerp(c, x, 0.5),
    # the operand backward does read: both libraries refuse
    lambda lib, x, c: c / x, lambda lib, x, c: lib.lerp(c, c * 2, x), lambda lib, x, c: c ** x,
])
def test_backward_after_changing_an_operand_whose_values_it_does_not_need(op: Any) -> None:
    """Before fuzz28 y = x / c (and x @ c, fmod, remainder, rounded division, lerp's ends) refused to
    backpropagate once x was changed in place ("modified by an inplace operation"): PyTorch saves an
    operand only when the other one's gradient needs it, and x's gradient needs only c."""
    outcomes = []
    for lib in (mg, torch):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        x = a * 1
        y = op(lib, x, lib.tensor(_CONST))
        x.add_(1)
        try:
            y.sum().backward()
            outcomes.append(a.grad.numpy().copy())
        except RuntimeError as e:
            outcomes.append("modified by an inplace operation" in str(e))
    if isinstance(outcomes[1], bool):
        assert outcomes[0] is True and outcomes[1] is True
    else:
        np.testing.assert_allclose(outcomes[0], outcomes[1])


def test_changing_the_operand_backward_reads_still_raises() -> None:
    """The divisor and a matrix product's other factor are still read (and checked)."""
    for lib in (mg, torch):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        c = lib.tensor(_CONST)
        y, z = a / c, a @ c
        c.add_(1)
        for out in (y, z):
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                out.sum().backward()


@pytest.mark.parametrize("name", ["i0", "special.i0e", "special.i1", "special.i1e"])
def test_bessel_result_changed_in_place_before_backward(name: str) -> None:
    """Before fuzz28 i0's backward refused once its result was changed in place through a view: its
    gradient g * I1(a) reads only the input (PyTorch's I0Backward0 saves self); the scaled ones and i1
    do read the result, and both libraries refuse."""
    outcomes = []
    for lib in (mg, torch):
        fn = lib.i0 if name == "i0" else getattr(lib.special, name.split(".")[1])
        a = lib.tensor([-2.0, 0.5], requires_grad=True)
        y = fn(a)
        y[::2].mul_(2)
        try:
            y.sum().backward()
            outcomes.append(a.grad.numpy().copy())
        except RuntimeError as e:
            outcomes.append("modified by an inplace operation" in str(e))
    if isinstance(outcomes[1], bool):
        assert outcomes[0] is True and outcomes[1] is True
    else:
        np.testing.assert_allclose(outcomes[0], outcomes[1], rtol=1e-6)


@pytest.mark.parametrize("same", [
    lambda x: x.reshape(x.shape), lambda x: x.reshape(-1, 3), lambda x: x.reshape_as(x),
    lambda x: x.expand(2, 3),
    lambda x: x.expand_as(x), lambda x: x.broadcast_to((2, 3)), lambda x: x.movedim(0, 0),
    lambda x: x.transpose(1, 1), lambda x: x[0].reshape(3), lambda x: x.flatten(1, 1),
])
def test_shape_preserving_view_is_a_new_tensor(same: Any) -> None:
    """Before fuzz28 reshape to the tensor's own shape (and expand, movedim, transpose of one dim, .T of a
    1-D tensor) returned the tensor itself: t_() or requires_grad_() on the result changed the original,
    and the result of a leaf was that leaf. PyTorch returns a new view (flatten(s, s) returns self; .T of a
    1-D tensor, also fixed, warns in PyTorch)."""
    results = []
    for lib in (mg, torch):
        x = lib.arange(6.0).reshape(2, 3).requires_grad_()
        y = same(x)
        results.append((y is x, None if y.grad_fn is None else y.grad_fn.name(), y.is_leaf))
    assert results[0] == results[1]


def test_in_place_metadata_change_of_a_same_shape_reshape_leaves_the_original() -> None:
    """The fuzzer's program: b = a.reshape(a.shape); b.t_() transposed a too."""
    shapes = []
    for lib in (mg, torch):
        a = lib.zeros(2, 3)
        b = a.reshape(a.shape)
        b.t_()
        e = a.expand(2, 3)
        e.squeeze_()
        shapes.append((tuple(a.shape), tuple(b.shape)))
    assert shapes[0] == shapes[1]


@pytest.mark.parametrize(("d1", "d2"), [("int64", "float16"), ("float16", "int32"), ("float64", "int32"),
                                        ("float32", "float64"), ("int64", "int32"), ("bool", "float32")])
def test_cosine_similarity_dtype_of_integer_inputs(d1: str, d2: str) -> None:
    """Before fuzz28 an integer input made both inputs float32 (cosine_similarity of int64 and float16 was
    float32, PyTorch's float16), and two integer inputs were accepted where PyTorch refuses."""
    outcomes = []
    for lib in (mg, torch):
        a = lib.tensor([1, 2, 3], dtype=getattr(lib, d1))
        b = lib.tensor([[3, 1, 2], [1, 1, 1]], dtype=getattr(lib, d2))
        try:
            out = lib.nn.functional.cosine_similarity(a, b, dim=-1)
            outcomes.append((str(out.dtype).split(".")[-1], np.round(out.double().numpy(), 3).tolist()))
        except RuntimeError as e:
            outcomes.append(("error", "expected common dtype to be floating point" in str(e)))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "bool", "float16", "float64"])
@pytest.mark.parametrize("n", [0, 1, 2, None])
def test_vander_dtype_for_every_n(dtype: str, n: int | None) -> None:
    """Before fuzz28 torch.vander of an integer or bool vector with N = 0 or 1 kept its dtype (PyTorch:
    int64 for any N, as for N >= 2)."""
    outs = [lib.vander(lib.tensor([1, 2, 3]).to(getattr(lib, dtype)), n) for lib in (mg, torch)]
    assert str(outs[0].dtype).split(".")[-1] == str(outs[1].dtype).split(".")[-1]
    assert tuple(outs[0].shape) == tuple(outs[1].shape)
    np.testing.assert_array_equal(outs[0].numpy(), outs[1].numpy())


@pytest.mark.parametrize("call", [
    lambda lib, y: lib.trapezoid(y), lambda lib, y: lib.cumulative_trapezoid(y),
    lambda lib, y: lib.trapezoid(y, dx=2),
    lambda lib, y: lib.trapezoid(y, lib.tensor([0, 1, 3])),
    lambda lib, y: lib.cumulative_trapezoid(y, lib.tensor([0.0, 1.0, 3.0])),
])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64"])
def test_trapezoid_of_integers_adds_in_their_dtype(call: Any, dtype: str) -> None:
    """Before fuzz28 trapezoid and cumulative_trapezoid made integer y float first; PyTorch adds the
    neighbours in y's dtype (int8 100 + 100 wraps to -56) and only the factor 0.5 makes it float."""
    data = [[100, -1, -4], [-128, -4, -2], [100, 100, 100]] if dtype != "uint8" else [[200, 100, 7]]
    outs = [call(lib, lib.tensor(data, dtype=getattr(lib, dtype))) for lib in (mg, torch)]
    assert str(outs[0].dtype).split(".")[-1] == str(outs[1].dtype).split(".")[-1]
    np.testing.assert_allclose(outs[0].numpy(), outs[1].numpy())


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_keeps_a_skipped_empty_tensor_in_the_graph(dim: int) -> None:
    """Before fuzz28 cat dropped a 1-D empty tensor (PyTorch's legacy skip) from the graph too: cat of a
    requires-grad empty tensor and a constant did not require grad (nor did diff with prepend= of an
    empty requires-grad input). PyTorch's result has an edge to it, whose gradient is empty."""
    results = []
    for lib in (mg, torch):
        e = lib.tensor([], requires_grad=True)
        y = lib.cat([e, lib.ones(2, 3), e], dim)
        z = lib.diff(e, prepend=lib.tensor([1.0]))
        got = [tuple(y.shape), y.requires_grad, z.requires_grad]
        y.sum().backward()
        got.append(tuple(e.grad.shape))
        results.append(got)
    assert results[0] == results[1]


@pytest.mark.parametrize("op", [lambda v: v.squeeze_(), lambda v: v.squeeze_(0), lambda v: v.unsqueeze_(0),
                                lambda v: v.t_(), lambda v: v.transpose_(0, 1), lambda v: v.swapdims_(0, 1)])
@pytest.mark.parametrize("through", ["view", "base"])
def test_in_place_view_op_on_a_recorded_tensor_keeps_sharing_memory(op: Any, through: str) -> None:
    """Before fuzz28 t_(), squeeze_(), unsqueeze_() and transpose_() on a tensor in the graph made it a
    view of a private copy: a later write to its base (or to it) no longer reached the other, where in
    PyTorch they still share memory. Gradients stay PyTorch's."""
    results = []
    for lib in (mg, torch):
        a = lib.ones(1, 2, requires_grad=True)
        b = a * 2
        v = b.narrow(0, 0, 1)
        op(v)
        (b if through == "base" else v).add_(1)
        (v.sum() + b.sum()).backward()
        results.append((v.detach().numpy().tolist(), b.detach().numpy().tolist(), a.grad.numpy().tolist()))
    assert results[0] == results[1]


@pytest.mark.parametrize("write", [
    lambda v: v[0].zero_(), lambda v: v[:1].mul_(0), lambda v: v[:2].__setitem__(0, 0.0),
    lambda v: v.__setitem__(0, 0.0), lambda v: v.mul_(0),
])
@pytest.mark.parametrize("make", [
    lambda lib, a: (a[:, None] * 2.0).reshape(3), lambda lib, a: lib.kron(a, lib.tensor([2.0])),
    lambda lib, a: lib.outer(a, lib.tensor([2.0])).view(3),
])
def test_in_place_write_through_a_view_of_a_view_whose_base_is_a_temporary(write: Any, make: Any) -> None:
    """Before fuzz28 v = (a * 2).reshape(...) (kron too), then v[0].zero_(), gave v.sum() a's gradient
    as if nothing was written: the temporary base took the write's history and was then freed, so v
    kept its old one. PyTorch's views hold their base; the gradient is 0 where v was zeroed."""
    grads = []
    for lib in (mg, torch):
        a = lib.tensor([-3.0, 3.0, 1.5], requires_grad=True)
        v = make(lib, a)
        write(v)
        v.sum().backward()
        grads.append(a.grad.numpy().tolist())
    assert grads[0] == grads[1]


@pytest.mark.parametrize("args", [lambda lib: (lib.ones(2), 3), lambda lib: (3.5, lib.ones(2)),
                                  lambda lib: (lib.ones(2), None), lambda lib: (lib.ones(2), [1.0, 1.0]),
                                  lambda lib: (lib.ones(2), True)])
def test_equal_with_a_non_tensor_raises_type_error(args: Any) -> None:
    """Before fuzz28 torch.equal(t, 3) raised AttributeError ('int' object has no attribute 'shape');
    PyTorch's parser raises TypeError naming the argument."""
    messages = []
    for lib in (mg, torch):
        with pytest.raises(TypeError) as e:
            lib.equal(*args(lib))
        messages.append(str(e.value))
    assert messages[0] == messages[1]
