"""Regressions found by porting other frameworks' operator test suites (MLX's python/tests, MyGrad's tests) to
PyTorch calls and running them under both libraries: each test runs the same calls on PyTorch and on minigrad
and compares values, gradients, or error classes."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch


def _error(fn: Any) -> type[BaseException]:
    with pytest.raises(Exception) as info:
        fn()
    return info.type


# ------------------------------------------ torch.tensor([multi-element integer tensors]) (MyGrad's creation)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float32"])
def test_tensor_of_multi_element_tensors_raises_pytorchs_class(dtype: str) -> None:
    """PyTorch reads an integer or bool tensor inside ``torch.tensor``'s data as an index first: more than
    one element raises TypeError ("only integer tensors of a single element ..."), a float one ValueError;
    minigrad raised its ValueError for both."""
    torch = require_torch()
    for lib in (torch, mg):
        def make(lib: Any = lib) -> Any:
            part = lib.tensor([1, 0], dtype=getattr(lib, dtype))
            return lib.tensor([part, part])
        expected = _error(lambda: torch.tensor([torch.tensor([1, 0], dtype=getattr(torch, dtype))] * 2))
        assert issubclass(_error(make), expected), (lib.__name__, expected)


# ---------------------------------------------------------- searchsorted with NaN boundaries (MLX's test_ops)


def test_searchsorted_with_nan_in_the_boundaries_follows_pytorchs_search() -> None:
    """PyTorch's binary search compares ``!(mid >= v)``, so a NaN boundary sends a value to its right;
    minigrad used numpy's search, which orders NaN last, and answered another index for values below a NaN."""
    torch = require_torch()
    nan = float("nan")
    cases = [([1.0, nan], [nan, 2.0, 0.5]), ([nan, 1.0, 2.0, nan, 5.0], [0.0, 1.0, 1.5, 2.0, 3.0, 6.0, nan]),
             ([1.0, 3.0, 5.0, nan, nan], [-1.0, 3.0, 4.0, 9.0]), ([nan], [1.0]),
             ([[1.0, nan, 3.0], [nan, nan, 0.0]], [[0.5, 2.0], [1.0, -1.0]]), ([1.0, 2.0, 3.0], [nan, 2.0])]
    for seq, vals in cases:
        for right in (False, True):
            want = torch.searchsorted(torch.tensor(seq), torch.tensor(vals), right=right).tolist()
            assert mg.searchsorted(mg.tensor(seq), mg.tensor(vals), right=right).tolist() == want, (seq, vals)
    want = torch.bucketize(torch.tensor([0.5, 2.0]), torch.tensor([1.0, nan, 3.0]), right=True).tolist()
    assert mg.bucketize(mg.tensor([0.5, 2.0]), mg.tensor([1.0, nan, 3.0]), right=True).tolist() == want
    want = torch.searchsorted(torch.tensor([nan, 1.0, 2.0]), 1.5, sorter=torch.tensor([1, 2, 0])).tolist()
    assert mg.searchsorted(mg.tensor([nan, 1.0, 2.0]), 1.5, sorter=mg.tensor([1, 2, 0])).tolist() == want


# ------------------------------------------------- float lists and numpy arrays as indices (MLX's test_array)


def test_a_float_list_or_numpy_index_is_read_as_long_indices() -> None:
    """PyTorch makes a list or numpy array used as an index a long tensor (a bool or uint8 one stays a mask):
    ``x[[0.0, 2.7]]``, ``x[np.floor(...)]`` and int8/int16 numpy indices select as their truncated integers
    (NaN and huge values are out of bounds); minigrad refused them as a float tensor index is refused. A float
    tensor index is still refused, as in PyTorch."""
    import numpy as np

    torch = require_torch()
    indices: list[Any] = [[0.0, 1.0], [1.5, -2.7], np.array([1.0, 2.9]), np.array([1, 2], dtype=np.int8),
                          np.array([1, 2], dtype=np.int16), np.array(1.0), np.array([[1.0], [2.0]]),
                          [True, 1.0], [1, 2.5], [np.float64(1.0)], (np.array([1.0]),), np.array([-0.5]),
                          (slice(None), [0.0, 2.0]), ([0, 1], np.array([1.0, 2.0])),
                          (np.array([1.0]), slice(None))]
    for index in indices:
        want = torch.arange(6).reshape(2, 3)[index] if isinstance(index, tuple) and len(index) == 2 \
            else torch.arange(6)[index]
        got = mg.arange(6).reshape(2, 3)[index] if isinstance(index, tuple) and len(index) == 2 \
            else mg.arange(6)[index]
        assert got.tolist() == want.tolist() and got.shape == want.shape, index
    for lib in (torch, mg):  # out of bounds: an IndexError on both
        with pytest.raises(IndexError):
            lib.arange(6)[np.array([float("nan")])]
        with pytest.raises(IndexError):
            lib.arange(6)[lib.tensor([0.0, 1.0])]
    got_t, got_m = torch.zeros(6), mg.zeros(6)
    got_t[np.array([1.0, 3.5])] = 1
    got_m[np.array([1.0, 3.5])] = 1
    assert got_m.tolist() == got_t.tolist()
    w_t, w_m = torch.zeros(6, requires_grad=True), mg.zeros(6, requires_grad=True)
    (w_t * 1)[[1.0, 2.0, 2.0]].sum().backward()
    (w_m * 1)[[1.0, 2.0, 2.0]].sum().backward()
    assert w_m.grad.tolist() == w_t.grad.tolist()


# --------------------------------------------- third derivative of x ** 2 (DeZero's higher-order derivatives)


def test_third_derivative_through_a_square_is_zeros_as_in_pytorch() -> None:
    """PyTorch's pow_backward is ``grad * p * x ** (p - 1)``: x ** 2's second derivative still depends on x
    (through x ** 1's x ** 0), so a third ``autograd.grad`` returns zeros (a fourth raises). minigrad's
    recorded slope for p == 2 was ``x * 2``, whose derivative is a constant: the third grad raised "does not
    require grad" (clamp(x) ** 2, maximum(x, y) ** 2, torch.square)."""
    torch = require_torch()

    def derivatives(lib: Any, f: Any) -> list[Any]:
        x = lib.tensor([0.5, 1.2, 2.0], requires_grad=True)
        g, out = f(lib, x), []
        for _ in range(5):
            try:
                (g,) = lib.autograd.grad(g.sum(), x, create_graph=True)
            except RuntimeError:
                out.append("RuntimeError")
                break
            out.append((g.tolist(), g.grad_fn is not None))
        return out

    fs = [lambda lib, x: x ** 2, lambda lib, x: lib.square(x), lambda lib, x: x.pow(2.0),
          lambda lib, x: lib.clamp(x, 0.5, 1.5) ** 2, lambda lib, x: lib.maximum(x, x.flip(0)) ** 2,
          lambda lib, x: x ** 3, lambda lib, x: x ** 1, lambda lib, x: x * x]
    for f in fs:
        assert derivatives(mg, f) == derivatives(torch, f)


# ---------------------------------------------------------------- resize_ to the tensor's own shape (MyGrad)


def test_resize_to_its_own_shape_changes_nothing() -> None:
    """PyTorch's resize_ returns at once when the size is the tensor's own: a transposed view keeps its
    strides and values and no version moves. minigrad re-laid the tensor out contiguously over its memory (a
    transposed view's values changed) and bumped its version."""
    torch = require_torch()

    def run(lib: Any) -> list[Any]:
        a = lib.arange(6.0).reshape(2, 3)
        t = a.T
        t.resize_(3, 2)
        out: list[Any] = [t.tolist(), t.stride(), t._version]
        t.resize_(2, 3)
        out += [t.tolist(), t.stride(), t._version]
        z = lib.zeros(3)
        for shape in ((3,), (3, 1), (3, 1), (0,), (0,)):
            z.resize_(*shape)
            out += [tuple(z.shape), z._version]
        lib.zeros(2).resize_as_(lib.ones(2))
        return out

    assert run(mg) == run(torch)


# ------------------------------------------------------------------ an index with several ellipses (MyGrad)


def test_an_index_with_several_ellipses_reads_as_pytorchs() -> None:
    """PyTorch lets each ``...`` of an index skip the dims the other indices leave: x[..., ...] is x and
    x[..., 0, ...] of a matrix is x[:, 0] (reading and writing); minigrad refused a second ellipsis."""
    torch = require_torch()
    indices: list[Any] = [(..., ...), (..., 0, ...), (0, ..., ...), (..., None, ...), (..., 0, ..., 1),
                          (..., [0, 1], ...), (..., slice(0, 1), ..., slice(1, 3))]
    for lib in (torch, mg):
        for index in indices:
            for shape in ((2, 3), (2, 3, 4)):
                want = torch.arange(24)[: 6 if len(shape) == 2 else 24].reshape(shape)
                got = lib.arange(24)[: 6 if len(shape) == 2 else 24].reshape(shape)
                try:
                    expected = want[index]
                except IndexError:
                    with pytest.raises(IndexError):
                        got[index]
                    continue
                assert got[index].tolist() == expected.tolist(), (index, shape)
                want[index] = -1
                got[index] = -1
                assert got.tolist() == want.tolist(), (index, shape)
    x = mg.arange(6.0, requires_grad=True)
    (x.reshape(2, 3)[..., 1, ...] * 2).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 2.0, 0.0, 0.0, 2.0, 0.0]
