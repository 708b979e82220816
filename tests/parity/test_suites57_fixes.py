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


# ------------------------------------------------- torch.tensor([multi-element integer tensors]) (MyGrad's creation)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float32"])
def test_tensor_of_multi_element_tensors_raises_pytorchs_class(dtype: str) -> None:
    """PyTorch reads an integer or bool tensor inside ``torch.tensor``'s data as an index first: more than one
    element raises TypeError ("only integer tensors of a single element ..."), a float one ValueError; minigrad
    raised its ValueError for both."""
    torch = require_torch()
    for lib in (torch, mg):
        def make(lib: Any = lib) -> Any:
            part = lib.tensor([1, 0], dtype=getattr(lib, dtype))
            return lib.tensor([part, part])
        expected = _error(lambda: torch.tensor([torch.tensor([1, 0], dtype=getattr(torch, dtype))] * 2))
        assert issubclass(_error(make), expected), (lib.__name__, expected)
