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
        (np.array([1.0], dtype=np.float16), np.float32, (1,)),
        (np.array([1, 2], dtype=np.int32), np.int64, (2,)),
        (np.array([1, 2], dtype=np.uint8), np.int64, (2,)),
        (np.array(3.0), np.float64, ()),
        (np.float64(3.0), np.float64, ()),
        (np.float32(3.0), np.float32, ()),
        (np.bool_(True), np.bool_, ()),
        (np.zeros((2, 0)), np.float64, (2, 0)),
    ],
)
def test_construction_dtype_rules(data: object, dtype: type, shape: tuple[int, ...]) -> None:
    """Python floats and non-float64 float arrays -> float32, float64 kept, ints -> int64, bool kept."""
    for make in (mg.tensor, mg.Tensor):
        t = make(data)
        assert t.dtype == dtype
        assert t.shape == shape
        np.testing.assert_array_equal(t.data, np.asarray(data))


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
    assert t.data[0] == 1.0
    u = mg.tensor(t, requires_grad=True)
    t.data[1] = 7.0
    assert u.data[1] == 2.0
    assert u.requires_grad and u.is_leaf and u.dtype == np.float64
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
    for bad in ("int32", np.complex64, "nonsense", np.float16):
        with pytest.raises(mg.InvalidParameterError, match="dtype"):
            mg.tensor([1.0], dtype=bad)
    with pytest.raises(ValueError, match="dtype"):  # InvalidParameterError is a ValueError too
        mg.zeros(2, dtype="int8")
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
    np.testing.assert_array_equal(out.data, np.array([1, 3]) / 3.0)
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
    _raises(mg.InvalidParameterError, lambda: t.astype("int8"), "dtype")
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
