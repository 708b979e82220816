"""Indexing as PyTorch's test_indexing.py checks it: uint8 masks, wrong index types, out-of-range messages.

Each case runs the same index on minigrad and on torch and compares values, shapes, the
exception class and the words scripts match on.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _both(fn: Callable[[Any], Any]) -> tuple[Any, Any]:
    return fn(mg), fn(torch)


@pytest.mark.parametrize("make", [
    lambda m: m.arange(15.0).reshape(5, 3)[m.tensor([1, 0, 1, 1, 0], dtype=m.uint8)],
    lambda m: m.arange(15.0).reshape(5, 3)[:, m.tensor([0, 1, 1], dtype=m.uint8)],
    lambda m: m.arange(4)[m.tensor(1, dtype=m.uint8)],
    lambda m: m.tensor(7)[m.tensor(1, dtype=m.uint8)],
    lambda m: m.tensor(7)[m.tensor(0, dtype=m.uint8)],
    lambda m: m.arange(24).reshape(2, 3, 4)[m.tensor([1, 0], dtype=m.uint8), :, m.tensor([1, 0, 0, 1],
                                                                                          dtype=m.uint8)],
])
def test_a_uint8_index_is_a_mask_and_warns(make: Callable[[Any], Any]) -> None:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        got = make(mg)
        expected = make(torch)
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())
    assert any("uint8 is now deprecated" in str(x.message) for x in w)


def test_a_uint8_mask_assigns_rows() -> None:
    def run(m: Any) -> Any:
        x = m.arange(0.0, 16).view(4, 4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x[m.tensor([1, 0, 1, 0], dtype=m.uint8)] = m.tensor([3.0, 4.0, 5.0, 6.0])
        return x.numpy()
    got, expected = _both(run)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("index", [0.0, (0, 0.0), (slice(None), -1.4), "float tensor", "empty float tensor"])
def test_float_indices_raise_index_error(index: Any) -> None:
    for m in (mg, torch):
        a = m.tensor([[[5.0]]])
        i = m.tensor([0.0]) if index == "float tensor" else m.tensor([]) if index == "empty float tensor" \
            else index
        with pytest.raises(IndexError):
            a[i]


@pytest.mark.parametrize("index, words", [
    ((0, 5), "index 5 is out of bounds for dimension 1 with size 5"),
    ((4, 5), "index 4 is out of bounds for dimension 0 with size 2"),
    ((slice(None), slice(None), 12), "index 12 is out of bounds for dimension 2 with size 10"),
    ([5], "index 5 is out of bounds for dimension 0 with size 2"),
])
def test_out_of_range_messages_name_the_dimension(index: Any, words: str) -> None:
    for m in (mg, torch):
        x = m.arange(0, 100).view(2, 5, 10)
        with pytest.raises(IndexError, match=re.escape(words)):
            x[index]


def test_empty_dim_and_zero_dim_messages() -> None:
    for m in (mg, torch):
        with pytest.raises(IndexError, match="for dimension with size 0"):
            m.empty(10, 0)[:, [0, 1]]
        with pytest.raises(IndexError, match="invalid index"):
            m.tensor(10)[0]
        with pytest.raises(IndexError, match="slice"):
            m.tensor(3.0)[:] = 1.0


@pytest.mark.parametrize("shape", [(2, 3), ()])
def test_setitem_bool_and_uint8_scalars_strip_leading_ones(shape: tuple[int, ...]) -> None:
    def run(m: Any) -> list[Any]:
        a = m.arange(6.0).reshape(2, 3) if shape else m.tensor(3.0)
        neg = (-m.ones_like(a)).unsqueeze(0).unsqueeze(0)
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            keys = (True, False, m.tensor(1, dtype=m.uint8), m.tensor(0, dtype=m.uint8), None, ...)
            for k, key in enumerate(keys):
                a[key] = neg * (k + 2)
                out.append(a.numpy().copy())
            a[0 if shape else ...] = m.full((1, 1, 3) if shape else (1, 1), 7.0)  # a row of (1, 1, 3)
            out.append(a.numpy().copy())
        return out
    got, expected = _both(run)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


def test_zero_dim_integer_tensors_as_sizes_and_size_keyword() -> None:
    for m in (mg, torch):
        assert tuple(m.ones(m.tensor(3)).shape) == (3,)
        assert tuple(m.zeros(size=(2, 3)).shape) == (2, 3)
        assert tuple(m.empty(size=[4]).shape) == (4,)
        with pytest.raises(TypeError):
            m.zeros(m.tensor(2.0))


def test_index_put_function_form() -> None:
    def run(m: Any) -> Any:
        x = m.zeros(4, 4)
        i = m.arange(4)
        m.index_put_(x, (i, i), m.ones(4), True)
        m.index_put_(x, (i.int(), i.int()), m.ones(4), True)
        return x.numpy()
    got, expected = _both(run)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("where", [(slice(None), slice(None), "idx"), ("idx",), (slice(None), "idx"),
                                   (slice(None), slice(None), slice(None), "idx")])
def test_an_integer_array_index_gives_a_row_major_result_as_torch(where: tuple[Any, ...]) -> None:
    # numpy's a[:, :, idx] can come out permuted in memory; PyTorch's is row-major (its strides), and a
    # permuted result made each later op (interpolate's contiguous()) pay a transposing copy
    torch = require_torch()
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    idx = np.array([[0, 1], [1, -1], [0, 0]])
    index = tuple(idx if w == "idx" else w for w in where)
    ours = mg.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    mo, to = ours[index], theirs[tuple(torch.tensor(i) if isinstance(i, np.ndarray) else i for i in index)]
    assert mo.shape == tuple(to.shape) and mo.stride() == to.stride()
    np.testing.assert_array_equal(mo.detach().numpy(), to.detach().numpy())
    g = np.random.default_rng(0).standard_normal(tuple(to.shape)).astype(np.float32)
    mo.backward(mg.tensor(g))
    to.backward(torch.tensor(g))
    assert ours.grad is not None and theirs.grad is not None
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
