"""Differences from PyTorch closed by helper gaps26, each compared with PyTorch on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _outcome(call: Callable[[], Any]) -> tuple[str, str]:
    """("ok", "") or (the error class's name, the first line of its message up to PyTorch's " - got" list
    of argument types)."""
    try:
        call()
    except Exception as e:
        return type(e).__name__, str(e).split("\n")[0].split(" - got")[0]
    return "ok", ""


#: calls of ``x`` (a 3x4 tensor) and ``lib`` (minigrad or torch)
_STD_VAR_CALLS = [
    "x.std(unbiased=None)", "x.var(unbiased=None)", "x.std(0, unbiased=None)", "x.var(0, None)",
    "x.std(None, None)", "x.std(0, None, True)", "x.var(dim=0, unbiased=None, keepdim=True)",
    "x.std(0, unbiased=None, correction=1)", "x.std(unbiased=True, correction=1)",
    "x.std(unbiased=True, correction=None)", "x.std(True, correction=1)", "x.std(False, keepdim=True)",
    "x.std(True, True)", "x.var(0, keepdim=1)", "x.var(keepdim=None)", "x.std(unbiased=1)",
    "lib.std(x, unbiased=None)", "lib.var(x, unbiased=None)", "lib.std(x, 0, None)",
    "lib.var(x, 0, unbiased=None)", "lib.std(x, None, None)", "lib.std(x, True, correction=0)",
    "lib.std_mean(x, unbiased=None)", "lib.var_mean(x, unbiased=None)", "lib.std_mean(x, 0, None)",
    "lib.var_mean(x, 0, unbiased=None)", "lib.var_mean(x, unbiased=True, correction=None)",
    "lib.var_mean(x, True, keepdim=True)",
    # (what PyTorch accepts stays accepted, with its numbers)
    "x.std(None)", "x.std(correction=None)", "x.var(0, correction=None)",
    "lib.var_mean(x, 0, correction=None)", "x.std(False)", "lib.std(x, True)", "x.var(0, True, True)",
    "x.std(dim=None, keepdim=True)", "lib.std_mean(x, False)", "lib.var(x, 0, correction=1.5)",
]


@pytest.mark.parametrize("call", _STD_VAR_CALLS)
def test_std_var_refuse_what_no_pytorch_overload_takes(call: str) -> None:
    """minigrad read unbiased=None (and keepdim=None) as "not given" and took unbiased with correction;
    PyTorch's parser finds no overload of std / var / std_mean / var_mean for them (TypeError, "std()
    received an invalid combination of arguments"). An explicit correction=None is still the default."""
    data = np.arange(12.0, dtype=np.float32).reshape(3, 4) ** 1.5

    def run(lib: Any) -> Any:
        return eval(call, {"lib": lib, "x": lib.tensor(data)})

    assert _outcome(lambda: run(mg)) == _outcome(lambda: run(torch))
    if _outcome(lambda: run(torch))[0] == "ok":  # the same numbers
        got, want = run(mg), run(torch)
        for g, w in zip(got if isinstance(got, tuple) else [got], want if isinstance(want, tuple) else [want],
                        strict=True):
            np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)
