"""default_collate and default_convert: PyTorch's structure for every kind of sample."""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.data import default_collate, default_convert

Point = namedtuple("Point", ["x", "y"])


def test_leaves() -> None:
    t = default_collate([mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])])
    assert isinstance(t, mg.Tensor) and t.tolist() == [[1, 2], [3, 4]] and t.dtype == np.float32
    a = default_collate([np.ones(2, np.float64), np.zeros(2, np.float64)])
    assert a.dtype == np.float64 and a.shape == (2, 2)
    assert default_collate([1, 2]).dtype == np.int64
    assert default_collate([1.0, 2.0]).dtype == np.float64  # Python floats collate to double, as PyTorch
    assert default_collate([True, False]).dtype == np.bool_
    assert default_collate([np.float32(1), np.float32(2)]).dtype == np.float32
    assert default_collate([np.float64(1), np.float64(2)]).dtype == np.float64
    assert default_collate(["a", "b"]) == ["a", "b"] and default_collate([b"a", b"b"]) == [b"a", b"b"]


def test_containers() -> None:
    batch = default_collate([(mg.tensor([1.0]), 1), (mg.tensor([2.0]), 2)])
    assert isinstance(batch, list) and batch[0].tolist() == [[1.0], [2.0]] and batch[1].tolist() == [1, 2]
    lists = default_collate([[1, 2.0], [3, 4.0]])
    assert isinstance(lists, list) and lists[0].tolist() == [1, 3] and lists[1].dtype == np.float64
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3] and p.y.dtype == np.float64
    d = default_collate([OrderedDict(a=1, b="u"), OrderedDict(a=2, b="v")])
    assert type(d) is OrderedDict and d["a"].tolist() == [1, 2] and d["b"] == ["u", "v"]
    nested = default_collate([{"x": (1, [2.0])}, {"x": (3, [4.0])}])
    assert nested["x"][0].tolist() == [1, 3] and nested["x"][1][0].tolist() == [2.0, 4.0]


def test_grad_is_kept_when_samples_require_it() -> None:
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    batch = default_collate([w * 2, w * 3])
    batch.sum().backward()
    assert w.grad is not None and w.grad.tolist() == [5.0, 5.0]


def test_errors() -> None:
    with pytest.raises(mg.ShapeError, match="equal shapes"):
        default_collate([mg.zeros(2), mg.zeros(3)])
    with pytest.raises(mg.ShapeError, match="equal size"):
        default_collate([(1, 2), (3,)])
    for bad in ([None, None], [object(), object()], [np.array(["a"]), np.array(["b"])]):
        with pytest.raises(TypeError, match="default_collate: batch must contain"):
            default_collate(bad)


def test_default_convert() -> None:
    out = default_convert({"a": np.arange(3), "b": (np.float64(1.5), "s"), "c": 7})
    assert isinstance(out["a"], mg.Tensor) and out["a"].tolist() == [0, 1, 2]
    assert isinstance(out["b"], list) and isinstance(out["b"][0], mg.Tensor) and out["b"][1] == "s"
    assert out["c"] == 7  # numbers stay Python numbers
    p = default_convert(Point(np.zeros(1), 2))
    assert isinstance(p, Point) and isinstance(p.x, mg.Tensor) and p.y == 2
    strings = np.array(["x"])
    assert default_convert(strings) is strings
