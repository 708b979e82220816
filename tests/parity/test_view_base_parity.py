"""``Tensor._base``, ``_is_view()``, ``untyped_storage()`` as PyTorch's: which results are views, of what.

PyTorch's test_view_ops.py decides "is a view of" with these three; a view of a view
names the first tensor of the chain as its base, copies and aliases (detach, .data) name none.
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
    "view": lambda m, x: x.view(12),
    "view of a view": lambda m, x: x.view(12).view(2, 6),
    "slice": lambda m, x: x[1:],
    "slice of a select": lambda m, x: x[0][1:],
    "ellipsis": lambda m, x: x[...],
    "newaxis": lambda m, x: x[None],
    "transpose": lambda m, x: x.transpose(0, 1),
    "t": lambda m, x: x.t(),
    "permute": lambda m, x: x.permute(1, 0),
    "movedim": lambda m, x: m.movedim(x, 0, 1),
    "narrow": lambda m, x: x.narrow(1, 1, 2),
    "expand": lambda m, x: x[:1].expand(5, 4),
    "unsqueeze": lambda m, x: x.unsqueeze(0),
    "squeeze": lambda m, x: x.unsqueeze(0).squeeze(0),
    "flatten": lambda m, x: x.flatten(),
    "reshape": lambda m, x: x.reshape(2, 6),
    "split": lambda m, x: x.split(1)[2],
    "chunk": lambda m, x: x.chunk(3)[1],
    "unbind": lambda m, x: x.unbind(1)[0],
    # not views
    "reshape of a transpose (a copy)": lambda m, x: x.t().reshape(-1),
    "contiguous (the same tensor)": lambda m, x: x.contiguous(),
    "fancy index": lambda m, x: x[[0, 1]],
    "mask": lambda m, x: x[x > 3],
    "clone": lambda m, x: x.clone(),
    "detach": lambda m, x: x.detach(),
    "data": lambda m, x: x.data,
}


def _relation(lib: Any, fn: Callable[[Any, Any], Any]) -> tuple[bool, bool, bool, bool]:
    x = lib.tensor(np.arange(12.0).reshape(3, 4))
    y = fn(lib, x)
    same_storage = x.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()
    return y._is_view(), y._base is x, y._base is None, same_storage


@pytest.mark.parametrize("name", list(CASES))
def test_views_and_their_base_match_pytorch(name: str) -> None:
    assert _relation(mg, CASES[name]) == _relation(torch, CASES[name])


def test_in_place_view_ops_stay_views_of_the_base() -> None:
    for lib in (mg, torch):
        x = lib.ones(2, 1, 3)
        v = x.view_as(x)
        v.squeeze_(1)
        assert v._base is x and v._is_view() and tuple(v.shape) == (2, 3)


def test_untyped_storage_counts_the_whole_memory() -> None:
    for lib in (mg, torch):
        x = lib.zeros(3, 4)
        assert x[1:].untyped_storage().nbytes() == x.untyped_storage().nbytes() == 48


def test_views_of_a_temporary_share_one_base() -> None:
    for lib in (mg, torch):
        t = lib.ones(1, 2, 3, 4).transpose(2, 3)
        v = t.flatten(0, 1)
        assert t._is_view() and v._is_view() and t._base is v._base


@pytest.mark.parametrize("name", ["transpose_", "swapdims_", "swapaxes_"])
def test_in_place_transposes_stay_views_and_write_through(name: str) -> None:
    for lib in (mg, torch):
        t = lib.ones(5, 5)
        v = getattr(t.view_as(t), name)(0, 1)
        assert v._base is t
        v[0, 1] = 0
        assert t[1, 0].item() == 0 and t[0, 1].item() == 1


def test_copy_forms_take_out() -> None:
    def run(lib: Any) -> list[Any]:
        a = lib.arange(4.0)
        o1, o2, d = lib.empty(2), lib.empty(2), lib.empty(2)
        lib.split_copy(a, 2, out=(o1, o2))
        lib.diagonal_copy(lib.arange(4.0).reshape(2, 2), out=d)
        return [o1.tolist(), o2.tolist(), d.tolist()]
    assert run(mg) == run(torch)


def test_strides_of_size_one_dims_added_by_expand() -> None:
    def run(lib: Any) -> list[Any]:
        t = lib.arange(5.0)
        return [t.expand(1, 1, 5).stride(), t.unsqueeze(0).unsqueeze(1).stride(),
                lib.ones(3, 1).expand(2, 3, 1).stride(), lib.ones(1, 3).expand(4, 1, 3).stride(),
                lib.ones(1).expand(1).stride(), t.expand(1, 1, 5).stride(0)]
    assert run(mg) == run(torch)
