"""The leaf rule modules: minigrad.dtypes and minigrad.shapes."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import dtypes, shapes


def test_promotion_rule() -> None:
    f32, f64, i64, b = dtypes.float32, dtypes.float64, dtypes.int64, dtypes.bool_
    assert dtypes.result_dtype(i64, False, f32, True) == f32  # a higher category wins, even 0-d
    assert dtypes.result_dtype(f32, False, f64, True) == f32  # within one, dims beat a 0-d tensor
    assert dtypes.result_dtype(f32, True, f64, True) == f64  # else the wider dtype
    assert dtypes.result_dtype(b, False, i64, False) == i64
    assert dtypes.resolve_dtype("float64") == f64 and dtypes.default_dtype_for(np.dtype(np.int32)) == i64
    assert dtypes.resolve_dtype("torch.DoubleTensor") == f64 and dtypes.resolve_dtype("int8") == np.int8
    with pytest.raises(mg.InvalidParameterError, match="complex64"):
        dtypes.resolve_dtype("complex64")
    with pytest.raises(TypeError, match="bfloat16"):
        dtypes.resolve_dtype(dtypes.bfloat16)


def test_shape_helpers() -> None:
    assert shapes.norm_dims((-1, 0), 3) == (0, 2) and shapes.norm_dims([], 2) is None
    assert shapes.keepdim_shape((2, 3, 4), (1,)) == (2, 1, 4)
    assert shapes.reduced_shape((2, 3, 4), (1,)) == (2, 4)
    assert shapes.infer_reshape((-1, 4), 12, (3, 4)) == (3, 4)
    assert shapes.shape_arg(((2, 3),)) == (2, 3) == shapes.shape_arg((2, 3))
    assert shapes.check_broadcast("add", (2, 1), (3,)) == (2, 3)
    with pytest.raises(mg.ShapeError, match=r"where: shapes \(2,\), \(3,\) and \(1,\) cannot be broadcast"):
        shapes.check_broadcast("where", (2,), (3,), (1,))
    shapes.check_broadcast_to("add_", (3,), (2, 3))
    with pytest.raises(mg.ShapeError, match=r"\(2, 3\) cannot be broadcast to \(3,\)"):
        shapes.check_broadcast_to("add_", (2, 3), (3,))


def test_broadcast_errors_are_told_apart_without_reading_numpys_text() -> None:
    with pytest.raises(mg.ShapeError, match=r"add: shapes \(2,\) and \(3,\)"):
        mg.zeros(2) + mg.zeros(3)
    # numpy's other ValueError here (ints to negative powers) is now PyTorch's integer answer
    assert (mg.tensor([2]) ** mg.tensor([-1])).tolist() == [0]
    x = mg.zeros(3)
    with pytest.raises(mg.ShapeError, match=r"\(2, 3\) cannot be broadcast to \(3,\)"):
        x += mg.zeros(2, 3)
    with pytest.raises(mg.ShapeError, match=r"copy_: shape \(2,\) cannot be broadcast to \(3,\)"):
        x.copy_(mg.zeros(2))
