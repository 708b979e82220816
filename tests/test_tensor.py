"""The Tensor itself: construction, dtypes, attributes, conversions, in-place ops, errors."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

# ------------------------------------------------------------------ construction


@pytest.mark.parametrize(
    ("data", "dtype", "shape"),
    [
        ([1.0, 2.0], np.float32, (2,)),
        ([[1, 2], [3, 4]], np.int64, (2, 2)),
        ([1, 2.5], np.float32, (2,)),
        ([True, False], np.bool_, (2,)),
        ([True, 1], np.int64, (2,)),
        (3.0, np.float32, ()),
        (3, np.int64, ()),
        (True, np.bool_, ()),
        (np.array([1.0, 2.0]), np.float64, (2,)),
        (np.array([1.0], dtype=np.float32), np.float32, (1,)),
        # numpy data keeps its dtype, as in PyTorch (progs16: these were float32 / int64 before minigrad had
        # the narrow dtypes, so a uint8 image printed and wrapped around as int64)
        (np.array([1.0], dtype=np.float16), np.float16, (1,)),
        (np.array([1, 2], dtype=np.int32), np.int32, (2,)),
        (np.array([1, 2], dtype=np.uint8), np.uint8, (2,)),
        (np.array([1, 2], dtype=np.uint16), np.int64, (2,)),  # (no uint16 in minigrad)
        (np.array(3.0), np.float64, ()),
        (np.float64(3.0), np.float64, ()),
        (np.float32(3.0), np.float32, ()),
        (np.bool_(True), np.bool_, ()),
        (np.zeros((2, 0)), np.float64, (2, 0)),
    ],
)
def test_construction_dtype_rules(data: object, dtype: type, shape: tuple[int, ...]) -> None:
    """Python floats -> float32, Python ints -> int64, bool kept; numpy data keeps its dtype."""
    for make in (mg.tensor, mg.Tensor):
        t = make(data)
        assert t.dtype == dtype
        assert t.shape == shape
        np.testing.assert_array_equal(t.numpy(), np.asarray(data))


def test_explicit_dtype_converts_from_the_exact_values() -> None:
    """Regression: Python floats were rounded through float32 before an explicit float64."""
    assert mg.tensor([0.1], dtype=mg.float64).item() == 0.1
    assert mg.tensor(0.1, dtype="float64").item() == 0.1
    assert mg.tensor(2**40 + 1, dtype=mg.float64).item() == 2**40 + 1
    assert mg.tensor([1, 2], dtype=mg.float32).dtype == np.float32
    assert mg.tensor([0.5, 1.5], dtype=mg.int64).tolist() == [0, 1]
    assert mg.tensor([0.0, 2.0], dtype=mg.bool_).tolist() == [False, True]


def test_numpy_scalars_keep_their_dtype() -> None:
    """Regression: np.float64(3.0) is a Python float subclass, yet PyTorch keeps float64."""
    assert mg.tensor(np.float64(0.1)).item() == 0.1
    assert mg.tensor(np.float64(0.1)).dtype == np.float64


def test_construction_copies_arrays_and_tensors() -> None:
    a = np.array([1.0, 2.0])
    t = mg.tensor(a)
    a[0] = 9.0
    assert t.numpy()[0] == 1.0
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):  # (as PyTorch warns)
        u = mg.tensor(t, requires_grad=True)
    t.numpy()[1] = 7.0
    assert u.detach().numpy()[1] == 2.0
    assert u.requires_grad and u.is_leaf and u.dtype == np.float64
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        assert mg.tensor(t, dtype=mg.float32).dtype == np.float32


def test_construction_errors() -> None:
    with pytest.raises(TypeError, match="string"):
        mg.tensor("abc")
    with pytest.raises(TypeError):
        mg.tensor(["a", "b"])
    with pytest.raises(TypeError):
        mg.tensor(np.array([object()]))
    with pytest.raises(TypeError):
        mg.tensor(np.array([1 + 2j]))
    with pytest.raises(mg.ShapeError, match="unequal"):
        mg.tensor([[1.0, 2.0], [3.0]])
    for bad in ("uint16", np.complex64, "nonsense", np.float128):  # (int32, float16, int8: PyTorch dtypes)
        with pytest.raises(mg.InvalidParameterError, match="dtype"):
            mg.tensor([1.0], dtype=bad)
    with pytest.raises(ValueError, match="dtype"):  # InvalidParameterError is a ValueError too
        mg.zeros(2, dtype="uint32")
    with pytest.raises(mg.InvalidParameterError, match="floating"):
        mg.tensor([1, 2], requires_grad=True)
    with pytest.raises(mg.InvalidParameterError, match="floating"):
        mg.tensor([True]).requires_grad_()


# ------------------------------------------------------------------ dtype promotion


def _f64(x: object) -> mg.Tensor:
    return mg.tensor(np.asarray(x, dtype=np.float64))


@pytest.mark.parametrize(
    ("name", "fn", "dtype"),
    [
        ("int64 + 2.5", lambda: mg.tensor([1, 2]) + 2.5, np.float32),
        ("2.5 + int64", lambda: 2.5 + mg.tensor([1, 2]), np.float32),
        ("int64 + 2", lambda: mg.tensor([1, 2]) + 2, np.int64),
        ("float32 * 2.5", lambda: mg.tensor([1.0]) * 2.5, np.float32),
        ("2 ** float32", lambda: 2 ** mg.tensor([1.0]), np.float32),
        ("float32 - np.float64", lambda: mg.tensor([1.0]) - np.float64(0.5), np.float32),
        ("float32 + float64", lambda: mg.tensor([1.0]) + _f64([1.0]), np.float64),
        ("0-d float64 * float32", lambda: _f64(2.0) * mg.tensor([1.0]), np.float32),
        ("float32 * 0-d float64", lambda: mg.tensor([1.0]) * _f64(2.0), np.float32),
        ("0-d float32 + 0-d float64", lambda: mg.tensor(1.0) + _f64(1.0), np.float64),
        ("0-d float64 + int64", lambda: _f64(3.0) + mg.tensor([1]), np.float64),
        ("0-d float32 + int64", lambda: mg.tensor(2.5) + mg.tensor([1]), np.float32),
        ("int / int", lambda: mg.tensor([1, 2]) / mg.tensor([2, 2]), np.float32),
        ("int / 2", lambda: mg.tensor([1, 2]) / 2, np.float32),
        ("2 / int", lambda: 2 / mg.tensor([1, 2]), np.float32),
        ("int / 0-d float64", lambda: mg.tensor([1, 2]) / _f64(2.0), np.float64),
        ("bool / 0-d float64", lambda: mg.tensor([True]) / _f64(2.0), np.float64),
        ("bool + bool", lambda: mg.tensor([True, False]) + mg.tensor([True, True]), np.bool_),
        ("bool * 2", lambda: mg.tensor([True]) * 2, np.int64),
        ("bool * 2.5", lambda: mg.tensor([True]) * 2.5, np.float32),
        ("int64 * True", lambda: mg.tensor([1, 2]) * True, np.int64),
        ("bool ** 2", lambda: mg.tensor([True, False]) ** 2, np.int64),
        ("bool ** True", lambda: mg.tensor([True, False]) ** True, np.bool_),
        ("int64 ** 2", lambda: mg.tensor([1, 2]) ** 2, np.int64),
        ("int64 ** 0.5", lambda: mg.tensor([1, 4]) ** 0.5, np.float32),
        ("2.5 ** int64", lambda: 2.5 ** mg.tensor([1, 2]), np.float32),
        ("float32 < 1.5", lambda: mg.tensor([1.0, 2.0], requires_grad=True) < 1.5, np.bool_),
    ],
)
def test_dtype_promotion_like_torch(name: str, fn: object, dtype: type) -> None:
    """PyTorch's rules (checked against torch 2.13 in tests/parity): Python numbers never upcast."""
    out = fn()  # type: ignore[operator]
    assert out.dtype == dtype, f"{name}: {out.dtype}"


def test_true_division_values_in_promoted_dtype() -> None:
    """Regression: int64 / 0-d float64 divided in float32 (its int operand was cast first)."""
    out = mg.tensor([1, 3]) / _f64(3.0)
    np.testing.assert_array_equal(out.numpy(), np.array([1, 3]) / 3.0)
    assert (mg.tensor([True, False]) ** True).tolist() == [True, False]
    assert (mg.tensor([True, False]) ** False).tolist() == [True, True]


# ------------------------------------------------------------------ errors


def _raises(exc: type[BaseException], fn: object, *fragments: str) -> str:
    with pytest.raises(exc) as info:
        fn()  # type: ignore[operator]
    msg = str(info.value)
    for frag in fragments:
        assert frag in msg, f"{frag!r} not in {msg!r}"
    return msg


def test_shape_errors_name_the_operation_and_both_shapes() -> None:
    a, b = mg.ones(2, 3), mg.ones(4, 5)
    _raises(mg.ShapeError, lambda: a @ b, "matmul", "(2, 3)", "(4, 5)")
    _raises(mg.ShapeError, lambda: mg.ones(3) @ mg.ones(4), "matmul", "(3,)", "(4,)")
    _raises(mg.ShapeError, lambda: mg.ones(2, 2, 3) @ mg.ones(3, 3, 4), "matmul", "(2, 2, 3)", "(3, 3, 4)")
    _raises(mg.ShapeError, lambda: mg.ones(()) @ a, "matmul", "()", "(2, 3)")
    for name, fn in [("add", lambda: a + b), ("sub", lambda: a - b), ("mul", lambda: a * b),
                     ("div", lambda: a / b), ("pow", lambda: a**b), ("maximum", lambda: a.maximum(b)),
                     ("minimum", lambda: a.minimum(b))]:
        _raises(mg.ShapeError, fn, name, "(2, 3)", "(4, 5)")
    _raises(mg.ShapeError, lambda: a.reshape(4), "reshape", "(4,)", "(2, 3)")
    _raises(mg.ShapeError, lambda: a.view(5, -1), "(5, -1)", "(2, 3)")
    _raises(mg.ShapeError, lambda: mg.cat([a, b]), "cat", "(2, 3)", "(4, 5)")
    _raises(mg.ShapeError, lambda: mg.cat([a, mg.ones(3)]), "cat", "(2, 3)", "(3,)")
    _raises(mg.ShapeError, lambda: mg.stack([a, b]), "stack", "(2, 3)", "(4, 5)")
    _raises(mg.ShapeError, lambda: a.expand(4, 3), "expand", "(2, 3)", "(4, 3)")
    _raises(mg.ShapeError, lambda: a.expand(3), "expand", "(2, 3)", "(3,)")
    # regression: -1 in a new leading dim reached numpy's raw "must be non-negative" ValueError
    _raises(mg.ShapeError, lambda: a.expand(-1, 2, 3), "expand", "(2, 3)", "(-1, 2, 3)")
    _raises(mg.ShapeError, lambda: a.expand(2, -2), "expand", "(2, 3)", "(2, -2)")
    _raises(mg.ShapeError, lambda: mg.where(a > 0, a, b), "where", "(2, 3)", "(4, 5)")
    _raises(mg.ShapeError, lambda: a.permute(0, 0), "permute", "(2, 3)")
    c = mg.ones(2, 3)
    _raises(mg.ShapeError, lambda: c.__iadd__(b), "(4, 5)", "(2, 3)")
    _raises(mg.ShapeError, lambda: a.item(), "6 elements")
    assert issubclass(mg.ShapeError, ValueError)


def test_masked_fill_shape_error_names_masked_fill() -> None:
    """Regression: the error named 'where', the primitive masked_fill is built on."""
    mask = mg.ones(4) > 0
    _raises(mg.ShapeError, lambda: mg.ones(2, 3).masked_fill(mask, 0.0), "masked_fill", "(4,)", "(2, 3)")


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: t.sum(2), lambda t: t.sum(-3), lambda t: t.sum((0, 2)), lambda t: t.mean(5),
        lambda t: t.var(4), lambda t: t.max(5), lambda t: t.argmax(3), lambda t: t.logsumexp(7),
        lambda t: t.softmax(2), lambda t: t.log_softmax(-3), lambda t: t.transpose(0, 3),
        lambda t: t.unsqueeze(4), lambda t: t.squeeze(5), lambda t: t.flatten(3), lambda t: t.size(5),
        lambda t: mg.cat([t, t], 2), lambda t: mg.stack([t, t], 4), lambda t: t[5], lambda t: t[[0, 7]],
        lambda t: t[0, 0, 0], lambda t: t.sum((0, 0)),
    ],
)
def test_bad_dims_raise_dimension_error(fn: object) -> None:
    with pytest.raises(mg.DimensionError):
        fn(mg.ones(2, 3))  # type: ignore[operator]
    assert issubclass(mg.DimensionError, IndexError)


def test_bad_dim_message_states_the_range() -> None:
    _raises(mg.DimensionError, lambda: mg.ones(2, 3).sum(2), "[-2, 1]", "2")


def test_bad_parameters_raise_invalid_parameter_error_naming_them() -> None:
    """Regression: split(0) and chunk(0) raised numpy/Python's raw ValueError and ZeroDivisionError."""
    t = mg.ones(4, 3)
    _raises(mg.InvalidParameterError, lambda: t.split(0), "split_size", "0")
    _raises(mg.InvalidParameterError, lambda: t.chunk(0), "chunks", "0")
    _raises(mg.InvalidParameterError, lambda: t.chunk(-2, 1), "chunks", "-2")
    _raises(mg.InvalidParameterError, lambda: t.gelu("fast"), "approximate", "'fast'")
    _raises(mg.InvalidParameterError, lambda: t.clamp(), "min", "max")
    _raises(mg.InvalidParameterError, lambda: t.astype("uint32"), "dtype")
    _raises(mg.InvalidParameterError, lambda: mg.cat([]), "cat")
    assert [c.shape for c in t.split(3)] == [(3, 3), (1, 3)]
    assert [c.shape for c in t.chunk(3, 1)] == [(4, 1), (4, 1), (4, 1)]


def test_bad_types_raise_type_error() -> None:
    t = mg.ones(2, 3)
    with pytest.raises(TypeError):
        t[1.5]
    with pytest.raises(TypeError):
        t[mg.tensor([0.0])]
    with pytest.raises(TypeError):
        t.masked_fill(mg.ones(2, 3), 0.0)  # float mask
    with pytest.raises(TypeError):
        mg.where(mg.ones(2, 3), t, t)
    with pytest.raises(TypeError):
        len(mg.tensor(1.0))
    with pytest.raises(TypeError):
        t + "a"  # type: ignore[operator]


# ------------------------------------------------------------------ attributes and conversions


def test_attributes() -> None:
    t = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert t.shape == (2, 3) and isinstance(t.shape, tuple)
    assert t.ndim == 2 and t.dim() == 2
    assert t.dtype == np.float32 and isinstance(t.dtype, np.dtype)
    assert t.size() == (2, 3) and t.size(1) == 3 and t.size(-2) == 2
    assert t.numel() == 6 and len(t) == 2
    assert t.requires_grad and t.is_leaf and t.grad is None and t.grad_fn is None
    y = t * 2.0
    assert not y.is_leaf and y.grad_fn is not None and y.requires_grad


def test_data_and_numpy_share_memory() -> None:
    t = mg.tensor([1.0, 2.0, 3.0])
    assert t.numpy() is t.numpy()
    assert t.numpy() is t.numpy()  # no copy
    t.numpy()[0] = 10.0
    assert t.tolist() == [10.0, 2.0, 3.0]
    t.numpy()[1] = 20.0
    assert t.numpy()[1] == 20.0


def test_item_and_tolist_give_python_numbers() -> None:
    f, i, b = mg.tensor(2.5).item(), mg.tensor([7]).item(), mg.tensor(True).item()
    assert (type(f), type(i), type(b)) == (float, int, bool) and (f, i, b) == (2.5, 7, True)
    nested = mg.tensor([[1, 2], [3, 4]]).tolist()
    assert nested == [[1, 2], [3, 4]] and type(nested[0][0]) is int
    assert float(mg.tensor([1.5])) == 1.5 and int(mg.tensor(3)) == 3
    assert [10, 20, 30][mg.tensor(1)] == 20  # __index__
    assert bool(mg.tensor([1.0])) and not bool(mg.tensor(0.0))
    with pytest.raises(mg.MinigradError, match="ambiguous"):
        bool(mg.tensor([1.0, 2.0]))


def test_detach_shares_data_and_cuts_the_graph() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert np.shares_memory(d.detach().numpy(), y.detach().numpy())
    (d * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])  # type: ignore[union-attr]


def test_float_double_astype_and_gradients_through_casts() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    assert x.float() is x  # already float32, as torch's .float() returns self
    d = x.double()
    assert d.dtype == np.float64 and d.requires_grad and not d.is_leaf
    (d * mg.tensor(np.array([3.0, 4.0]))).sum().backward()
    assert x.grad is not None and x.grad.dtype == np.float32  # the gradient comes back in x's dtype
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])
    assert x.astype(mg.float64).dtype == np.float64 and x.astype("float32") is x
    i = x.astype(mg.int64)
    assert i.dtype == np.int64 and not i.requires_grad and i.tolist() == [1, 2]
    assert mg.tensor([0.0, 2.0]).bool().tolist() == [False, True]
    assert mg.tensor([1.7]).long().tolist() == [1]
    assert mg.tensor([1, 2]).float().dtype == np.float32


def test_requires_grad_() -> None:
    x = mg.tensor([1.0])
    assert x.requires_grad_() is x and x.requires_grad
    assert x.requires_grad_(False) is x and not x.requires_grad
    y = mg.tensor([1.0], requires_grad=True) * 2.0
    # (PyTorch's words since the gaps branch; the test matched minigrad's "non-leaf" message before)
    with pytest.raises(mg.MinigradError, match="only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)


# ------------------------------------------------------------------ in-place ops


def test_in_place_ops_on_tensors_that_need_no_grad() -> None:
    t = mg.tensor([1.0, 2.0, 3.0])
    buf = t.numpy()
    t += 1.0
    t -= mg.tensor([1.0, 1.0, 1.0])
    t *= 2.0
    t /= mg.tensor(4.0)
    assert t.numpy() is buf  # truly in place
    np.testing.assert_array_equal(t.numpy(), [0.5, 1.0, 1.5])
    assert t.dtype == np.float32
    t.zero_()
    np.testing.assert_array_equal(t.numpy(), [0.0, 0.0, 0.0])
    t.fill_(2.5)
    np.testing.assert_array_equal(t.numpy(), [2.5, 2.5, 2.5])
    t[1] = 7.0
    assert t.tolist() == [2.5, 7.0, 2.5]
    m = mg.ones(2, 3)
    m += mg.tensor([1.0, 2.0, 3.0])  # broadcasting the right-hand side
    np.testing.assert_array_equal(m.numpy(), [[2.0, 3.0, 4.0]] * 2)


def test_in_place_errors() -> None:
    i = mg.tensor([1, 2])
    with pytest.raises(mg.MinigradError):
        i /= 2  # the float result cannot be stored in an int64 tensor (as in PyTorch)
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(mg.MinigradError, match="requires grad"):
        x += 1.0
    with pytest.raises(mg.MinigradError, match="requires grad"):
        x[0] = 3.0
    with mg.no_grad():
        x *= 3.0
        x[1] = 0.0
    assert x.tolist() == [3.0, 0.0] and x.requires_grad


# ------------------------------------------------------------------ comparisons


def test_comparisons_return_bool_tensors_without_grad() -> None:
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = mg.tensor([3.0, 2.0, 1.0])
    for res, expected in [
        (x == y, [False, True, False]), (x != y, [True, False, True]), (x < y, [True, False, False]),
        (x <= y, [True, True, False]), (x > y, [False, False, True]), (x >= y, [False, True, True]),
        (x > 1.5, [False, True, True]), (x == 2, [False, True, False]),
        (mg.ones(2, 1) < mg.tensor([0.0, 2.0]), [[False, True], [False, True]]),
    ]:
        assert res.dtype == np.bool_ and not res.requires_grad and res.grad_fn is None
        assert res.tolist() == expected
    m = x > 1.5
    assert (~m).tolist() == [True, False, False]
    assert (m & (x < 3.0)).tolist() == [False, True, False]
    assert (m | (x < 1.5)).tolist() == [True, True, True]
    assert bool(m.any()) and not bool(m.all())


def test_repr_like_torch() -> None:
    assert repr(mg.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    assert repr(mg.tensor([1.5, 2.25])) == "tensor([1.5000, 2.2500])"
    assert repr(mg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(mg.tensor(3.0)) == "tensor(3.)"
    assert repr(mg.tensor(np.array([1.0, 2.5]))) == "tensor([1.0000, 2.5000], dtype=minigrad.float64)"
    assert repr(mg.tensor([True, False])) == "tensor([ True, False])"
    assert repr(mg.tensor([1.0], requires_grad=True) * 2).startswith("tensor([2.], grad_fn=<Mul")


def test_clamp_of_an_int_tensor_with_a_float_bound_is_float32() -> None:
    """Regression: the float bound was truncated into the int64 tensor (1 clamped to min 2.5 gave 2)."""
    out = mg.tensor([1, 5]).clamp(min=2.5)
    assert out.dtype == np.float32 and out.tolist() == [2.5, 5.0]
    assert mg.tensor([1, 5]).clamp(2, 3).tolist() == [2, 3]
    assert mg.tensor([1, 5]).clamp(2, 3).dtype == np.int64
    assert mg.tensor([1, 5]).clamp(max=0.5).tolist() == [0.5, 0.5]


def test_std_gradient_is_zero_where_the_std_is_zero() -> None:
    """Regression: a constant row gave nan gradients (PyTorch's std_backward gives 0 there)."""
    x = mg.tensor([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]], dtype=mg.float64, requires_grad=True)
    s = x.std(1)
    s.backward(mg.ones(2, dtype=mg.float64))
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy()[0], [0.0, 0.0, 0.0])
    xv = np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(x.grad.numpy()[1], (xv - xv.mean()) / (2 * s.detach().numpy()[1]), rtol=1e-14)
    np.testing.assert_allclose(s.detach().numpy(), [0.0, np.std(xv, ddof=1)], rtol=1e-15)
    y = mg.tensor([2.0], requires_grad=True)
    y.std(correction=0).backward()
    assert y.grad is not None and y.grad.tolist() == [0.0]
    z = mg.tensor([[1.0, 1.0]], dtype=mg.float64, requires_grad=True)
    (g,) = mg.grad(z.std(), z, create_graph=True)
    (h,) = mg.grad(g.sum(), z)  # PyTorch's double backward is 0 here too
    assert g is not None and h is not None
    assert g.tolist() == [[0.0, 0.0]] and h.tolist() == [[0.0, 0.0]]


def test_indexing_with_a_0d_bool_mask_and_an_empty_list() -> None:
    """Regression: x[tensor(True)] reached numpy's 0-d nonzero error; x[[]] was a float index."""
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert x[mg.tensor(True)].shape == (1, 2, 2)
    assert x[mg.tensor(False)].shape == (0, 2, 2)
    assert x[[]].shape == (0, 2)
    y = x[mg.tensor(True), 0]
    assert y.shape == (1, 2)
    y.backward(mg.tensor([[1.0, 2.0]]))
    assert x.grad is not None and x.grad.tolist() == [[1.0, 2.0], [0.0, 0.0]]


def test_contiguous_copies_a_strided_view_into_row_major_order() -> None:
    """``x.T.contiguous()`` has PyTorch's strides; ``clone`` keeps the layout (preserve_format)."""
    t = mg.arange(10.0).view(2, 5).T.requires_grad_()
    c = t.contiguous()
    assert c.stride() == (2, 1) and c.is_contiguous() and t.clone().stride() == (1, 5)
    np.testing.assert_array_equal(c.detach().numpy(), np.arange(10.0).reshape(2, 5).T)
    (c * mg.arange(10.0).view(5, 2)).sum().backward()
    assert t.grad is not None
    np.testing.assert_array_equal(t.grad.numpy(), np.arange(10.0).reshape(5, 2))
    assert c.contiguous() is c
