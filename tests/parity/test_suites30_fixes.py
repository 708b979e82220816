"""Regressions found by running other frameworks' PyTorch-backed test suites under minigrad (the newest
tinygrad's test/backend/test_ops.py, test_nn.py, test_optim.py, test_tensor.py and unit tests; tensorly's
suite with TENSORLY_BACKEND=pytorch; array-api-compat's torch tests) and comparing with real torch: each
test runs the same calls on both libraries and compares values, dtypes or error classes."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

_COMPLEX = ["complex32", "complex64", "complex128", "chalf", "cfloat", "cdouble"]


@pytest.mark.parametrize("name", _COMPLEX)
def test_complex_dtype_names_exist_and_answer_as_torch(name: str) -> None:
    """tensorly's pytorch backend registers ``getattr(torch, "complex64")`` at import and array-api-compat's
    torch namespace lists torch.complex64 / complex128 in its tables: without the names neither imported.
    minigrad has no complex tensors, so the names are names only (as bfloat16)."""
    torch = require_torch()
    theirs, ours = getattr(torch, name), getattr(mg, name)
    for attr in ("is_complex", "is_floating_point", "is_signed", "itemsize"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert isinstance(ours, mg.dtype)
    assert repr(ours) == repr(theirs).replace("torch.", "minigrad.")
    assert pickle.loads(pickle.dumps(ours)) is ours
    x = mg.ones(2)
    assert (x.dtype == ours) is (torch.ones(2).dtype == theirs) is False
    assert (x.dtype in (ours, mg.float32)) is True
    assert {ours: 1}[getattr(mg, name)] == 1


@pytest.mark.parametrize("make", [
    lambda lib, dt: lib.zeros(2, dtype=dt),
    lambda lib, dt: lib.tensor([1.0], dtype=dt),
    lambda lib, dt: lib.ones(2).to(dt),
])
def test_complex_dtype_names_refuse_to_make_tensors(make: Any) -> None:
    with pytest.raises(TypeError, match="complex64 is not available: minigrad has no complex dtypes"):
        make(mg, mg.complex64)
    assert not np.iscomplexobj(mg.ones(2).numpy())


def test_bfloat16_keeps_its_words_and_gains_the_dtype_attributes() -> None:
    torch = require_torch()
    with pytest.raises(TypeError, match="numpy has no bfloat16"):
        mg.zeros(2, dtype=mg.bfloat16)
    for attr in ("is_complex", "is_floating_point", "is_signed", "itemsize"):
        assert getattr(mg.bfloat16, attr) == getattr(torch.bfloat16, attr), attr
