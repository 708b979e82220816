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
