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
