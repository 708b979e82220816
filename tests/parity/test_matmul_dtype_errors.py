"""Products of two dtypes raise as PyTorch's do (a float64 batch into a float32 layer is the usual slip),
instead of promoting quietly; the messages start with PyTorch's words where its products share them."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

CASES = {
    "matmul": (lambda lib, a, w: a @ w, True),
    "mm": (lambda lib, a, w: lib.mm(a, w), True),
    "Linear": (lambda lib, a, w: lib.nn.functional.linear(a, w.T, lib.zeros(2)), True),
    "linear without bias": (lambda lib, a, w: lib.nn.functional.linear(a, w.T), True),
    "addmm": (lambda lib, a, w: lib.addmm(lib.zeros(3, 2), a, w), True),
    "dot": (lambda lib, a, w: a[0].dot(w[:, 0].to(lib.float32)), True),
    "int @ float": (lambda lib, a, w: a.long() @ w, True),
    "batched": (lambda lib, a, w: lib.bmm(a[None], w[None]), False),
    "matrix-vector": (lambda lib, a, w: a @ w[:, 0], False),
    "einsum": (lambda lib, a, w: lib.einsum("ij,jk->ik", a, w), False),
}


def _raised(lib: Any, fn: Any) -> BaseException:
    a = lib.ones(3, 4, dtype=lib.float64)
    w = lib.ones(4, 2)
    with pytest.raises(Exception) as info:  # (each library's class; compared below)
        fn(lib, a, w)
    return info.value


@pytest.mark.parametrize("name", list(CASES))
def test_mixed_dtype_products_raise_as_pytorch(name: str) -> None:
    torch = require_torch()
    fn, same_words = CASES[name]
    ours, theirs = _raised(mg, fn), _raised(torch, fn)
    assert isinstance(ours, type(theirs)), (ours, theirs)
    if same_words:
        assert str(ours).startswith(str(theirs)), (str(ours), str(theirs))


def test_one_dtype_products_still_work() -> None:
    a = mg.ones(3, 4, dtype=mg.float64)
    assert (a @ mg.ones(4, 2, dtype=mg.float64)).dtype == mg.float64
    assert (mg.ones(2, 2, dtype=mg.int64) @ mg.ones(2, 2, dtype=mg.int64)).tolist() == [[2, 2], [2, 2]]
