"""A failing gradcheck's message starts with PyTorch's line: the first (output, checked input) pair whose
Jacobian block is off, so a test written for PyTorch (``pytest.raises(..., match="Jacobian mismatch for
output 1 with respect to input 0")``) matches minigrad's too."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch


def _first_line(lib: Any, fn: Any, n_inputs: int, **kwargs: Any) -> str:
    torch = require_torch()
    gen = torch.Generator().manual_seed(0)
    inputs = [lib.tensor(torch.randn(3, dtype=torch.float64, generator=gen).numpy(), dtype=lib.float64,
                         requires_grad=True) for _ in range(n_inputs)]
    inputs.insert(1, lib.tensor([1.5, 2.0, 3.0], dtype=lib.float64))  # not checked: the numbering skips it
    check = lib.autograd.gradcheck
    with pytest.raises(Exception) as info:  # (each library's class; names compared below)
        check(lambda *xs: fn(lib, *xs), tuple(inputs), **kwargs)
    assert type(info.value).__name__ == "GradcheckError"
    return str(info.value).splitlines()[0]


def _second_output_wrong(lib: Any, a: Any, c: Any, b: Any) -> Any:
    return a * c * b, (a * b.detach()) * c  # output 1's derivative in b is missing


def _only_b_wrong(lib: Any, a: Any, c: Any, b: Any) -> Any:
    return a * b.detach() + a.detach() * b * 0 + a * c, a + b  # output 0: b's block is zero, a's is off


@pytest.mark.parametrize("fn", [_second_output_wrong, _only_b_wrong])
def test_first_line_names_pytorchs_pair(fn: Any) -> None:
    torch = require_torch()
    got, want = _first_line(mg, fn, 2), _first_line(torch, fn, 2)
    assert got == want, (got, want)
    assert want.startswith("Jacobian mismatch for output ")
