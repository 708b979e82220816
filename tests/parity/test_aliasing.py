"""Which results share memory with their input, as in PyTorch: views write through, copies never do.

A script that writes into a result (``idx[:, 0] = ...`` after ``roll``) changes
its input exactly when PyTorch's would. ``diagonal`` is the one documented
difference: PyTorch returns a view, minigrad a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

CASES: dict[str, Callable[[Any, Any], Any]] = {
    # copies in PyTorch, also where nothing moves
    "roll by a multiple of the size": lambda m, x: m.roll(x, 4, 1),
    "roll by 0": lambda m, x: m.roll(x, 0),
    "roll flattened by numel": lambda m, x: m.roll(x, 12),
    "flip": lambda m, x: m.flip(x, (0,)),
    "fliplr": lambda m, x: m.fliplr(x),
    "flipud": lambda m, x: m.flipud(x),
    "flip no dims": lambda m, x: m.flip(x, ()),
    "tile by ones": lambda m, x: m.tile(x, (1, 1)),
    "repeat by ones": lambda m, x: x.repeat(1, 1),
    "repeat_interleave by one": lambda m, x: m.repeat_interleave(x, 1, 0),
    "rot90 by 0": lambda m, x: m.rot90(x, 0),
    "cat of one": lambda m, x: m.cat([x]),
    "clone": lambda m, x: m.clone(x),
    "diff n=0": lambda m, x: m.diff(x, n=0),
    "tril keeping all": lambda m, x: m.tril(x, 10),
    "index_select": lambda m, x: m.index_select(x, 0, m.tensor([0, 1, 2])),
    "fancy index": lambda m, x: x[[0, 1]],
    "sort": lambda m, x: x.sort()[0],
    # views in PyTorch
    "slice": lambda m, x: x[:, 1:],
    "narrow": lambda m, x: m.narrow(x, 0, 0, 2),
    "select": lambda m, x: m.select(x, 0, 1),
    "transpose": lambda m, x: m.swapaxes(x, 0, 1),
    "T": lambda m, x: x.T,
    "reshape": lambda m, x: m.reshape(x, (4, 3)),
    "flatten": lambda m, x: m.flatten(x),
    "unflatten": lambda m, x: m.unflatten(x, 1, (2, 2)),
    "unsqueeze": lambda m, x: m.unsqueeze(x, 0),
    "unbind": lambda m, x: m.unbind(x)[0],
    "chunk": lambda m, x: m.chunk(x, 2)[0],
    "split": lambda m, x: m.split(x, 1)[1],
    "detach": lambda m, x: x.detach(),
    "data": lambda m, x: x.data,
    "contiguous": lambda m, x: x.contiguous(),
    "view_as": lambda m, x: x.view_as(x),
    # an int for every dim: a 0-d view (numpy alone would copy out a scalar)
    "element": lambda m, x: x[1, 2],
    "element of a row": lambda m, x: x[0][3],
    "unbind twice": lambda m, x: m.unbind(m.unbind(x)[2])[1],
    "iteration twice": lambda m, x: next(iter(list(x)[1])),
    "select twice": lambda m, x: x.select(1, 2).select(0, 0),
}


def _writes_through(lib: Any, fn: Callable[[Any, Any], Any]) -> bool:
    x = lib.tensor(np.arange(12.0).reshape(3, 4))
    y = fn(lib, x)
    with lib.no_grad():
        y.add_(100)
    return bool((x.numpy() != np.arange(12.0).reshape(3, 4)).any())


@pytest.mark.parametrize("name", list(CASES))
def test_writes_reach_the_input_exactly_when_pytorchs_do(name: str) -> None:
    assert _writes_through(mg, CASES[name]) == _writes_through(torch, CASES[name])


def test_diagonal_is_a_view_as_pytorchs() -> None:
    for offset in (0, 1, -1):
        assert _writes_through(torch, lambda m, x, k=offset: m.diagonal(x, k))
        assert _writes_through(mg, lambda m, x, k=offset: m.diagonal(x, k))
    for lib in (mg, torch):  # torch.diag of a matrix is a copy
        assert not _writes_through(lib, lambda m, x: m.diag(x))


def test_in_place_op_on_a_diagonal_view_reaches_the_gradient() -> None:
    """K.diagonal().mul_(3) on a non-leaf, then backward: the values and gradients are PyTorch's."""
    got = []
    for lib in (mg, torch):
        x = lib.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
        k = x * 2
        d = k.diagonal(1)
        d.mul_(3)
        (k * lib.tensor(np.arange(12.0).reshape(3, 4))).sum().backward()
        got.append((k.detach().numpy().copy(), x.grad.numpy().copy()))
    np.testing.assert_array_equal(got[0][0], got[1][0])
    np.testing.assert_array_equal(got[0][1], got[1][1])


def test_element_views_of_a_leaf_refuse_in_place_ops_as_pytorch() -> None:
    """``w[0].add_(1)`` on a leaf that requires grad raises (it used to change a copy silently)."""
    for lib in (mg, torch):
        w = lib.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="view of a leaf Variable"):
            w[0].add_(1)
        with lib.no_grad():
            w[1].fill_(2.0)
        assert w.detach().numpy().tolist() == [0.0, 2.0, 0.0]


def test_in_place_op_on_an_element_view_reaches_the_gradient() -> None:
    """An element view changed in place rebases its base, so x gets both paths' gradients (as PyTorch)."""
    grads = []
    for lib in (mg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y[1].mul_(5)
        (y * lib.tensor([1.0, 10.0, 100.0])).sum().backward()
        grads.append(x.grad.numpy().tolist())
    assert grads[0] == grads[1] == [2.0, 100.0, 200.0]
