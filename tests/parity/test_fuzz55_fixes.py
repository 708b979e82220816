"""Modules, optimizers, lr schedulers and losses in training-style use against PyTorch 2.13: the
disagreements fuzz55's differential fuzzers (random configs run under torch and under minigrad, values,
parameters, state dicts and error classes compared) found."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")


def _error_classes(fn: Any) -> set[str]:
    """The builtin classes of the error fn() raises (empty if it raises none)."""
    try:
        fn()
    except Exception as e:
        return {c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"} - {
            "Exception", "BaseException", "object"}
    return set()


def test_lbfgs_of_parameters_without_elements_raises_pytorchs_runtime_error() -> None:
    # PyTorch's step takes flat_grad.abs().max() of the empty gradient: RuntimeError, not numpy's ValueError
    require_torch()

    def step(lib: Any) -> None:
        p = lib.nn.Parameter(lib.zeros(4, 2, 0, dtype=lib.float64))
        opt = lib.optim.LBFGS([p], line_search_fn="strong_wolfe")

        def closure() -> Any:
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss
        opt.step(closure)

    want = _error_classes(lambda: step(torch))
    assert want == {"RuntimeError"}
    assert want <= _error_classes(lambda: step(mg))
