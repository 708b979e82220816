"""minigrad.testing.assert_close: default tolerances by dtype, structure rules, the mismatch report."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.testing import assert_close


@pytest.mark.parametrize(("dtype", "inside", "outside"), [
    (np.float16, 1 + 2**-10, 1 + 2**-9),      # rtol 1e-3: one float16 step at 1.0 passes, two fail
    (np.float32, 1000.001, 1000.002),         # rtol 1.3e-6 plus atol 1e-5: 1.31e-3 at 1000
    (np.float64, 1 + 5e-8, 1 + 3e-7),         # rtol 1e-7, atol 1e-7
])
def test_default_tolerances_follow_the_dtype(dtype: type, inside: float, outside: float) -> None:
    expected = mg.from_numpy(np.array([round(inside), 0.0], dtype=dtype))
    assert_close(mg.from_numpy(np.array([inside, 0.0], dtype=dtype)), expected)
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 2"):
        assert_close(mg.from_numpy(np.array([outside, 0.0], dtype=dtype)), expected)
    # with two dtypes the looser tolerance wins (and check_dtype=False promotes)
    assert_close(mg.from_numpy(np.array([inside, 0.0])), expected, check_dtype=False)


def test_integers_and_bools_compare_exactly() -> None:
    assert_close(mg.tensor([1, 2]), mg.tensor([1, 2]))
    with pytest.raises(AssertionError, match=r"not equal!(.|\n)*absolute difference: 1 at index \(1,\)"):
        assert_close(mg.tensor([1, 2]), mg.tensor([1, 3]))
    with pytest.raises(AssertionError, match="Booleans mismatch: True is not False"):
        assert_close(True, False)


def test_the_report_names_count_worst_element_index_and_values() -> None:
    actual = mg.zeros(3, 4, dtype=mg.float64)
    expected = mg.zeros(3, 4, dtype=mg.float64)
    actual.numpy()[1, 2] = 0.5
    actual.numpy()[2, 3] = 1e-3
    with pytest.raises(AssertionError) as info:
        assert_close(actual, expected)
    lines = str(info.value).splitlines()
    assert lines == [
        "Tensor-likes are not close!",
        "",
        "Mismatched elements: 2 / 12 (16.7%)",
        "Greatest absolute difference: 0.5 at index (1, 2) (up to 1e-07 allowed)",
        "Greatest relative difference: inf at index (1, 2) (up to 1e-07 allowed)",
        "Worst element: index (1, 2), actual 0.5 vs expected 0.0",
    ]


def test_explicit_tolerances_both_or_neither() -> None:
    a, b = mg.tensor([1.0]), mg.tensor([1.1])
    assert_close(a, b, rtol=0.2, atol=0.0)
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol' must be either specified or omitted"):
        assert_close(a, b, rtol=0.2)


def test_nan_inf_and_equal_nan() -> None:
    x = mg.tensor([math.nan, math.inf, -math.inf, 1.0])
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 4"):
        assert_close(x, mg.tensor([math.nan, math.inf, -math.inf, 1.0]))
    assert_close(x, mg.tensor([math.nan, math.inf, -math.inf, 1.0]), equal_nan=True)
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 2"):
        assert_close(mg.tensor([math.inf, 1.0]), mg.tensor([-math.inf, 1.0]))


def test_shapes_dtypes_and_promotion() -> None:
    shapes = r"attribute 'shape' do not match: minigrad\.Size\(\[2\]\) != minigrad\.Size\(\[1, 2\]\)\.$"
    with pytest.raises(AssertionError, match=shapes):
        assert_close(mg.zeros(2), mg.zeros(1, 2))
    dtypes = r"attribute 'dtype' do not match: minigrad\.float32 != minigrad\.float64\.$"
    with pytest.raises(AssertionError, match=dtypes):
        assert_close(mg.zeros(2), mg.zeros(2, dtype=mg.float64))
    assert_close(mg.tensor([1.0, 2.0]), mg.tensor([1.0, 2.000001], dtype=mg.float64), check_dtype=False)


def test_structures_python_numbers_and_item_paths() -> None:
    assert_close({"w": [mg.ones(2), 3, None]}, {"w": [mg.ones(2), 3, None]})
    with pytest.raises(AssertionError) as info:
        assert_close({"w": [mg.ones(2), 3.0]}, {"w": [mg.ones(2), 3.5]})
    assert str(info.value).startswith("Scalars are not close!\n\nExpected 3.5 but got 3.0.")
    assert str(info.value).endswith("The failure occurred for item ['w'][1]")
    with pytest.raises(AssertionError, match="The length of the sequences mismatch: 1 != 2"):
        assert_close([1], [1, 2])
    with pytest.raises(AssertionError, match=r"Missing keys in the actual mapping: \['b'\]"):
        assert_close({"a": 1}, {"a": 1, "b": 2})
    with pytest.raises(AssertionError, match=r"The \(d\)types do not match"):
        assert_close(1, 1.0)
    assert_close(1, 1.0, check_dtype=False)


def test_a_tensor_is_not_compared_with_an_array_and_msg_overrides() -> None:
    with pytest.raises(TypeError, match="No comparison pair"):
        assert_close(mg.ones(2), np.ones(2))
    assert_close(np.ones(2), np.ones(2))
    assert_close(mg.nn.Parameter(mg.ones(2)), mg.ones(2))  # subclasses are related
    with pytest.raises(TypeError):
        assert_close(mg.nn.Parameter(mg.ones(2)), mg.ones(2), allow_subclasses=False)
    with pytest.raises(AssertionError, match=r"^custom$"):
        assert_close(mg.ones(2), mg.zeros(2), msg="custom")
    with pytest.raises(AssertionError, match=r"^LAYER 1: Tensor-likes"):
        assert_close(mg.ones(2), mg.zeros(2), msg=lambda m: "LAYER 1: " + m)


def test_grad_tensors_compare_by_value() -> None:
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    assert w.grad is not None
    assert_close(w.grad, mg.tensor([2.0, 4.0]))
