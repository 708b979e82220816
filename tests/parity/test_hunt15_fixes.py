"""Regressions found by the hunt15 differential fuzzer (minigrad against PyTorch on random shapes,
dtypes and values): each test fails before its fix and compares numbers or error classes with torch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

ZERO_D_DIM_FORMS: dict[str, Callable[[Any, Any, int], Any]] = {
    "sort": lambda lib, x, d: lib.sort(x, d),
    "argsort": lambda lib, x, d: lib.argsort(x, dim=d),
    "topk": lambda lib, x, d: lib.topk(x, 1, d),
    "kthvalue": lambda lib, x, d: lib.kthvalue(x, 1, d),
    "median": lambda lib, x, d: lib.median(x, d),
    "nanmedian": lambda lib, x, d: lib.nanmedian(x, d),
    "mode": lambda lib, x, d: lib.mode(x, d),
}


@pytest.mark.parametrize("name", list(ZERO_D_DIM_FORMS))
def test_zero_d_selection_checks_dim_as_torch(name: str) -> None:
    """A 0-d tensor has dims 0 and -1 only: dim=1 or -2 was accepted (and answered) by these ops."""
    torch = require_torch()
    form = ZERO_D_DIM_FORMS[name]
    for d in (1, -2, 5):
        with pytest.raises(IndexError) as theirs:
            form(torch, torch.tensor(2.5), d)
        with pytest.raises(IndexError) as ours:
            form(mg, mg.tensor(2.5), d)
        assert str(ours.value) == str(theirs.value)
    for d in (0, -1):
        t_out, m_out = form(torch, torch.tensor(2.5), d), form(mg, mg.tensor(2.5), d)
        for t, m in zip(t_out if isinstance(t_out, tuple) else (t_out,),
                        m_out if isinstance(m_out, tuple) else (m_out,), strict=True):
            assert m.shape == tuple(t.shape)
            np.testing.assert_array_equal(m.numpy(), t.numpy())
