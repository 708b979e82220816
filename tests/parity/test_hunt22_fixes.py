"""hunt22's fixes: a differential hunt at the Tensor level (indexing, dtypes, reductions, shape ops, printing,
in-place semantics) compared with PyTorch."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch, same_error_or_value

torch = require_torch()


@pytest.mark.parametrize("form", [
    lambda m: m.tensor([[1., 2., 4.], [0., 3., 3.]]).std(1, False),
    lambda m: m.tensor([[1., 2., 4.], [0., 3., 3.]]).var(1, False),
    lambda m: m.tensor([[1., 2., 4.], [0., 3., 3.]]).std(0, True, True),
    lambda m: m.tensor([[1., 2., 4.], [0., 3., 3.]]).var(1, False, True),
    lambda m: m.tensor([[1., 2., 4.], [0., 3., 3.]]).var(None, False),
    lambda m: m.tensor([[1., 2., 4.], [0., 3., 3.]]).std(False),
    lambda m: m.tensor([[1., 2., 4.], [0., 3., 3.]]).std(1, keepdim=True, correction=0),
    lambda m: m.std(m.tensor([[1., 2., 4.], [0., 3., 3.]]), 1, False, True),
    lambda m: m.var_mean(m.tensor([[1., 2., 4.], [0., 3., 3.]]), 1, False)[0],
], ids=["std dim unbiased", "var dim unbiased", "std keepdim", "var keepdim", "dim None", "unbiased only",
        "keywords", "torch.std", "var_mean"])
def test_tensor_std_and_var_take_unbiased_second(form: Callable[[Any], Any]) -> None:
    """``x.std(dim, unbiased, keepdim)``: the second positional argument is ``unbiased``, as PyTorch's
    (minigrad read it as keepdim, giving the unbiased estimate in a kept dim)."""
    same_error_or_value(form)


@pytest.mark.parametrize("form", [
    lambda m: m.arange(60.).reshape(3, 4, 5)[..., [0, 1]],
    lambda m: m.arange(60.).reshape(3, 4, 5)[:, [0, 1], [1, 2]],
    lambda m: m.arange(60.).reshape(3, 4, 5)[1:, m.tensor([True, False, True, True])],
    lambda m: m.arange(60.).reshape(3, 4, 5)[..., m.tensor([True, False, True, False, True])],
    lambda m: m.arange(60.).reshape(3, 4, 5)[None, :, [0, 1]],
    lambda m: m.arange(60.).reshape(3, 4, 5)[::2, [0, 1]],
], ids=["ellipsis", "two arrays", "slice mask", "ellipsis mask", "None", "strided"])
def test_advanced_index_results_are_contiguous(form: Callable[[Any], Any]) -> None:
    """An integer-array or mask index after a slice gives a row-major result, as PyTorch's (numpy's is laid
    out permuted: minigrad's ``stride()`` and ``is_contiguous()`` differed)."""
    theirs, ours = form(torch), form(mg)
    assert ours.stride() == theirs.stride() and ours.is_contiguous() == theirs.is_contiguous()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("form", [
    lambda m: m.arange(18.).reshape(3, 2, 3)[1:1, [1], ..., m.tensor([0, -2])],
    lambda m: m.arange(18.).reshape(3, 2, 3)[:, [1, 0], ..., m.tensor([0, 2])],
    lambda m: m.arange(18.).reshape(3, 2, 3)[[0, 2], ..., [1, 0], :],
], ids=["empty slice", "two arrays", "trailing slice"])
def test_integer_arrays_around_an_empty_ellipsis_are_adjacent(form: Callable[[Any], Any]) -> None:
    """A ``...`` that spans no dims leaves the integer arrays either side adjacent, as in PyTorch: their
    dim stays in place (numpy moved it first)."""
    same_error_or_value(form)


def test_an_empty_ellipsis_between_arrays_in_setitem() -> None:
    """Assignment through such an index writes the same elements as PyTorch's."""
    outs = []
    for lib in (torch, mg):
        x = lib.zeros(3, 2, 3)
        x[:, [1, 0], ..., lib.tensor([0, 2])] = lib.arange(6.).reshape(3, 2)
        outs.append(x.numpy())
    np.testing.assert_array_equal(outs[1], outs[0])


@pytest.mark.parametrize("form", [
    lambda m: m.arange(5.)[m.tensor([0, 1], dtype=m.int8)],
    lambda m: m.arange(5.)[m.tensor([0, 1], dtype=m.int16)],
    lambda m: m.arange(6.).reshape(2, 3)[:, m.tensor([2], dtype=m.int8)],
    lambda m: m.arange(5.)[m.tensor([0, 1], dtype=m.int32)],
    lambda m: m.arange(12.).reshape(3, 4).index_select(1, m.tensor([[3]])),
], ids=["int8", "int16", "int8 second dim", "int32 works", "index_select 2-d"])
def test_index_tensor_dtypes_and_shapes_as_pytorch(form: Callable[[Any], Any]) -> None:
    """An int8 or int16 index tensor raises PyTorch's IndexError (minigrad indexed with it), and
    index_select's 2-d index raises IndexError (minigrad's ShapeError was a ValueError)."""
    same_error_or_value(form)


def test_numpy_takes_force() -> None:
    """``x.numpy(force=True)`` (PyTorch's way to get an array of a tensor that requires grad) gives the
    values, sharing memory as PyTorch's does on the CPU (minigrad raised TypeError on the keyword)."""
    theirs = torch.ones(3, requires_grad=True) * 2
    ours = mg.ones(3, requires_grad=True) * 2
    np.testing.assert_array_equal(ours.numpy(force=True), theirs.numpy(force=True))
    plain = mg.zeros(2)
    plain.numpy(force=True)[0] = 5.0
    assert plain.tolist() == [5.0, 0.0]


@pytest.mark.parametrize("fn", ["cummax", "cummin"])
def test_cummax_values_are_contiguous(fn: str) -> None:
    """cummax/cummin along dim 0 give row-major values, as PyTorch's (minigrad's followed a transposed
    index array: ``stride()`` and ``is_contiguous()`` differed)."""
    theirs = getattr(torch.arange(12.).reshape(3, 4) % 5, fn)(0)
    ours = getattr(mg.arange(12.).reshape(3, 4) % 5, fn)(0)
    for t, o in zip(theirs, ours, strict=True):
        assert o.stride() == t.stride() and o.is_contiguous()
        np.testing.assert_array_equal(o.numpy(), t.numpy())


@pytest.mark.parametrize("form", [
    lambda m, o: m.zeros(3, out=o), lambda m, o: m.full((3,), 2.0, out=o),
    lambda m, o: m.linspace(0, 1, 3, out=o), lambda m, o: m.eye(2, out=o), lambda m, o: m.randn(3, out=o),
    lambda m, o: m.normal(0.0, 1.0, (3,), out=o),
    lambda m, o: m.add(m.ones(3), 1, out=o), lambda m, o: m.sum(m.ones(2, 3), 0, out=o),
], ids=["zeros", "full", "linspace", "eye", "randn", "normal", "add", "sum"])
def test_out_resize_warns_as_pytorch(form: Callable[[Any, Any], Any]) -> None:
    """A factory or a random draw resizes a non-empty out= tensor silently, as PyTorch's; ops warn (minigrad
    warned for every function)."""
    seen = []
    for lib in (torch, mg):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = form(lib, lib.zeros(5))
        seen.append(sorted(str(w.category.__name__) for w in caught))
        assert tuple(result.shape) != (5,)
    assert seen[1] == seen[0]


@pytest.mark.parametrize("value", [1e10, -70000, 65519.0, 65520, 2**40, float("-inf")])
@pytest.mark.parametrize("form", [
    lambda m, x, v: x.__setitem__(0, v), lambda m, x, v: x.__setitem__(x == 0, v),
    lambda m, x, v: x.__setitem__(m.tensor([1]), v), lambda m, x, v: m.where(x == 0, v, x),
    lambda m, x, v: m.where(x == 1, x, v), lambda m, x, v: x.fill_(v),
    lambda m, x, v: x.masked_fill(x == 0, v), lambda m, x, v: x.clamp(max=v),
    lambda m, x, v: m.full((2,), v, dtype=m.float16),
], ids=["setitem", "setitem mask", "setitem index", "where", "where other", "fill_", "masked_fill", "clamp",
        "full"])
def test_float16_takes_big_numbers_as_pytorch(form: Callable[[Any, Any, Any], Any], value: Any) -> None:
    """A number beyond float16's range becomes +-inf (rounded as a cast: 65519 is 65504) in setitem and
    where, as PyTorch's; fill_, masked_fill, clamp and full raise, as PyTorch's (minigrad raised for every
    one, so ``scores[mask] = -1e9`` on a half tensor failed)."""
    outs: list[Any] = []
    for lib in (torch, mg):
        x = lib.zeros(2, dtype=lib.float16)
        try:
            result = form(lib, x, value)
        except RuntimeError:
            outs.append("raised")
            continue
        outs.append((x if result is None else result).tolist())
    assert outs[1] == outs[0]


def test_meshgrid_warns_once_without_indexing() -> None:
    """meshgrid without ``indexing`` gives 'ij' grids with PyTorch's UserWarning, once per process as
    PyTorch's (minigrad was silent). Run in a fresh interpreter, where neither library has warned yet."""
    program = """
import warnings, torch, minigrad as mg
for lib in (torch, mg):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        grids = [lib.meshgrid(lib.arange(2), lib.arange(3)), lib.meshgrid([lib.arange(2), lib.arange(3)]),
                 lib.meshgrid(lib.arange(2), lib.arange(3), indexing="xy")]
    print([[g.tolist() for g in grid] for grid in grids], [w.category.__name__ for w in caught])
"""
    env = {**os.environ, "PYTHONPATH": str(Path(mg.__file__).parents[1])}
    lines = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                           env=env).stdout.splitlines()
    assert len(lines) == 2 and lines[1] == lines[0] and "UserWarning" in lines[0]


@pytest.mark.parametrize("form", [
    lambda m: m.tensor([1.0, float("nan")]).histc(2),
    lambda m: m.tensor([1.0, 2.0]).histc(2, 0, float("inf")),
    lambda m: m.tensor([1.0, float("inf")]).histc(2), lambda m: m.tensor([1.0, 2.0]).histc(2, 3, 1),
    lambda m: m.tensor([1.0, 2.0]).histc(0), lambda m: m.histogram(m.tensor([1.0, float("nan")]), 2),
    lambda m: m.histogram(m.tensor([1.0, 2.0]), 0),
    lambda m: m.histogram(m.tensor([1.0, 2.0]), 2, range=(3.0, 1.0)),
    lambda m: m.histogramdd(m.tensor([[1.0, 2.0]]), [0, 2]), lambda m: m.tensor([1.0, 2.0, 2.5]).histc(3),
], ids=["histc nan", "histc inf bound", "histc inf value", "histc min>max", "histc 0 bins", "histogram nan",
        "histogram 0 bins", "histogram min>max", "histogramdd 0 bins", "histc fine"])
def test_histogram_errors_are_pytorchs(form: Callable[[Any], Any]) -> None:
    """histc and histogram with a NaN or inf in the range, min > max or no bins raise PyTorch's RuntimeError
    (numpy's bare ValueError or IndexError escaped, and histogram of a NaN answered NaN edges)."""
    same_error_or_value(form)


@pytest.mark.parametrize("form", [
    lambda m: m.searchsorted(m.tensor(2.0), m.tensor(2.0)),
    lambda m: m.searchsorted(m.tensor(2.0), m.tensor([2.0])),
    lambda m: m.searchsorted(m.tensor([[1.0, 2.0]]), 2.0),
    lambda m: m.searchsorted(m.tensor([1.0, 2.0]), m.tensor(2.0)),
    lambda m: m.heaviside(m.tensor([float("nan"), -0.0, 0.0, -1.0, 2.0]), m.tensor([5.0] * 5)),
    lambda m: m.heaviside(m.tensor([[float("nan")], [0.0]]), m.tensor([float("nan"), 3.0])),
    lambda m: m.heaviside(m.tensor([0, -1, 2]), m.tensor([7])),
], ids=["searchsorted 0-d both", "searchsorted 0-d sequence", "searchsorted scalar into 2-d",
        "scalar into 1-d", "heaviside nan", "heaviside nan broadcast", "heaviside int"])
def test_searchsorted_and_heaviside_edges(form: Callable[[Any], Any]) -> None:
    """searchsorted with a 0-d sequence, or a scalar into a 2-d one, raises PyTorch's RuntimeError
    (numpy's IndexError escaped); heaviside of NaN is 0, as PyTorch's step (numpy's is NaN)."""
    same_error_or_value(form)


def _view_added_in_place(lib: Any) -> Any:
    b = lib.ones(2, 3, requires_grad=True) * 1
    v = b[0]
    v.add_(1)
    return b, v


def _view_of_a_changed_base(lib: Any) -> Any:
    b = lib.ones(2, 3, requires_grad=True) * 1
    v = b.t()
    b.mul_(2)
    return b, v


def _view_set_through_another_view(lib: Any) -> Any:
    b = lib.ones(2, 3, requires_grad=True) * 1
    v = b.view(3, 2)
    v[0, 0] = 7.0
    return b, v


@pytest.mark.parametrize("form", [
    _view_added_in_place, _view_of_a_changed_base, _view_set_through_another_view,
], ids=["view add_", "base mul_", "setitem of a view"])
def test_regenerated_view_node_is_as_strided(form: Callable[[Any], Any]) -> None:
    """A view whose base changed in place gets PyTorch's regenerated node, shown by name and in its repr as
    AsStridedBackward0 (minigrad showed IndexBackward0, or in repr the in-place op's own node)."""
    (tb, tv), (mb, mv) = form(torch), form(mg)
    assert repr(mv) == repr(tv) and repr(mb) == repr(tb).replace("torch.", "minigrad.")
    assert mv.grad_fn.name() == tv.grad_fn.name() == "AsStridedBackward0"
    edges = [[f.name() for f, _ in v.grad_fn.next_functions] for v in (mv, tv)]
    assert edges[0] == edges[1]


@pytest.mark.parametrize("form", [
    lambda m: m.tensor([16777217, 3]) == 16777216.0, lambda m: m.tensor([16777217]) > 16777216.0,
    lambda m: m.tensor([16777217], dtype=m.int32) <= 16777216.0,
    lambda m: m.tensor([2**53 + 1]) != float(2**53),
    lambda m: m.tensor([True, False]) < 0.5, lambda m: m.tensor([16777217]).eq(16777216.0),
], ids=["eq", "gt", "int32 le", "ne 2**53", "bool lt", "eq method"])
def test_int_tensor_compares_with_a_float_in_the_default_dtype(form: Callable[[Any], Any]) -> None:
    """An integer tensor compared with a Python float is compared in the default float dtype (float32), as
    PyTorch's result type says: 16777217 == 16777216.0 is True (minigrad compared exactly)."""
    same_error_or_value(form)


@pytest.mark.parametrize("call", [
    lambda m, x, y: m.matmul(input=x, other=y),
    lambda m, x, y: m.max(x, other=y),
    lambda m, x, y: m.min(x, other=y),
    lambda m, x, y: m.max(x, 1)[1],
])
def test_pytorch_keyword_names_of_matmul_max_min(call: Callable[..., Any]) -> None:
    """torch.matmul(input=, other=) and torch.max/min(x, other=y) (hunt22 listed them missing)."""
    x, y = [[1.0, 5.0], [3.0, 2.0]], [[2.0, 2.0], [2.0, 2.0]]
    got = call(mg, mg.tensor(x), mg.tensor(y))
    want = call(torch, torch.tensor(x), torch.tensor(y))
    assert got.tolist() == want.tolist()
