"""Tensor.__repr__ prints exactly what PyTorch prints (with ``minigrad.`` for ``torch.``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import _format
from tests.helpers import require_torch

RNG = np.random.default_rng(7)

# name -> (numpy data, dtype name, requires_grad, op applied after creation)
CASES: dict[str, tuple[Any, str, bool, Callable[[Any], Any] | None]] = {
    "float32 vector": ([1.0, 2.5, -3.0], "float32", False, None),
    "float32 whole numbers": ([1.0, 2.0, -30.0], "float32", False, None),
    "float32 mixed magnitudes": ([0.1234567, 100.0, 1e-5], "float32", False, None),
    "float32 huge": ([1e10, 1.0], "float32", False, None),
    "float32 tiny": ([1e-8, 1.0], "float32", False, None),
    "nan and inf": ([float("nan"), float("inf"), -float("inf"), 1.0], "float32", False, None),
    "only nan": ([float("nan")], "float32", False, None),
    "zeros": ([0.0, 0.0], "float32", False, None),
    "negative zero": ([-0.0, 1.5], "float32", False, None),
    "float64 shows dtype": ([1.0, 2.0], "float64", False, None),
    "float64 fraction": ([1.0 / 3, 2.0], "float64", False, None),
    "int64": ([1, -22, 333], "int64", False, None),
    "int64 matrix": ([[1, 2], [300, -4]], "int64", False, None),
    "bool": ([True, False], "bool", False, None),
    "0-d float": (3.5, "float32", False, None),
    "0-d whole float": (3.0, "float32", False, None),
    "0-d int": (3, "int64", False, None),
    "0-d bool": (True, "bool", False, None),
    "0-d float64": (3.5, "float64", False, None),
    "requires_grad": ([1.0, 2.0], "float32", True, None),
    "requires_grad float64": ([1.0, 2.0], "float64", True, None),
    "grad_fn": ([1.0, 2.0], "float32", True, lambda t: t * 2),
    "grad_fn 0-d": ([1.0, 2.0], "float32", True, lambda t: t.sum()),
    "grad_fn float64": ([1.0, 2.0], "float64", True, lambda t: t.exp()),
    "2-d": ([[1.0, 2.0], [3.0, 4.0]], "float32", False, None),
    "3-d": (RNG.standard_normal((2, 3, 4)), "float32", False, None),
    "4-d": (RNG.standard_normal((2, 2, 2, 2)), "float64", True, lambda t: t * 1),
    "long row wraps": (RNG.standard_normal(40), "float32", False, None),
    "long row float64 with grad": (RNG.standard_normal(30), "float64", True, lambda t: t + 1),
    "large int summarised": (np.arange(2000).reshape(40, 50), "int64", False, None),
    "large float summarised": (np.linspace(0, 1, 1500), "float32", False, None),
    "large 3-d summarised": (RNG.standard_normal((10, 11, 12)), "float32", False, None),
    "large bool": (RNG.standard_normal(1200) > 0, "bool", False, None),
    "just at threshold": (RNG.standard_normal(1000), "float32", False, None),
    "empty float": (np.zeros(0), "float32", False, None),
    "empty int": (np.zeros(0), "int64", False, None),
    "empty 2-d": (np.zeros((2, 0)), "float32", False, None),
    "empty float64 2-d": (np.zeros((0, 3)), "float64", False, None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_repr_matches_torch(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    torch = require_torch()
    # as under minigrad.compat, where the package is imported as torch (line wrapping counts the name)
    monkeypatch.setattr(_format, "NAMESPACE", "torch")
    data, dtype, requires_grad, op = CASES[name]
    arr = np.asarray(data, dtype={"float32": np.float32, "float64": np.float64,
                                  "int64": np.int64, "bool": np.bool_}[dtype])
    ours = mg.tensor(arr, dtype=getattr(mg, dtype if dtype != "bool" else "bool_"),
                     requires_grad=requires_grad)
    theirs = torch.tensor(arr, requires_grad=requires_grad)
    if op is not None:
        ours, theirs = op(ours), op(theirs)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("method", ["max", "min", "sort", "topk", "kthvalue", "median", "cummax", "mode"])
def test_return_types_repr_matches_torch(method: str) -> None:
    torch = require_torch()
    data = np.array([[1.5, -2.0, 3.25], [0.5, 4.0, 4.0]], dtype=np.float32)
    args = {"topk": (2,), "kthvalue": (2,)}.get(method, (1,) if method in ("max", "min", "cummax") else ())
    ours = getattr(mg.tensor(data), method)(*args)
    theirs = getattr(torch.tensor(data), method)(*args)
    assert repr(ours) == repr(theirs).replace("torch.", "minigrad.")
    assert str(ours) == repr(ours)


def test_repr_examples() -> None:
    assert repr(mg.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"
    assert repr(mg.tensor(3.0)) == "tensor(3.)"
    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    assert repr(x) == "tensor([1., 2.], dtype=minigrad.float64, requires_grad=True)"
    assert repr((x * x).sum()) == "tensor(5., dtype=minigrad.float64, grad_fn=<SumBackward0>)"
    assert repr(mg.tensor([True])) == "tensor([True])"


#: set_printoptions arguments, each applied to every tensor of PRINTED in both libraries
PRINT_OPTIONS: list[dict[str, Any]] = [
    {"precision": 2}, {"precision": 8}, {"threshold": 5}, {"threshold": 5, "edgeitems": 1},
    {"edgeitems": 0, "threshold": 5}, {"edgeitems": 0}, {"linewidth": 20}, {"sci_mode": True},
    {"sci_mode": False}, {"profile": "short"}, {"profile": "full"}, {"profile": "default", "precision": 1},
    {"profile": "no such profile"},
]
PRINTED = [
    np.arange(10), np.arange(20.0).reshape(4, 5), np.array([1.12345, 2.0]), np.array([1e-8, 2e9]),
    RNG.standard_normal((3, 4, 5)), np.linspace(0, 1, 1500), np.zeros((2, 0)), np.array(3.25),
    np.array([True, False]),
]


@pytest.mark.parametrize("options", PRINT_OPTIONS, ids=[repr(o) for o in PRINT_OPTIONS])
def test_set_printoptions_as_pytorch(options: dict[str, Any]) -> None:
    torch = require_torch()
    try:
        mg.set_printoptions(**options)
        torch.set_printoptions(**options)
        for arr in PRINTED:
            a = arr.astype(np.float32) if arr.dtype == np.float64 else arr
            ours, theirs = mg.tensor(a), torch.tensor(a)
            assert repr(ours) == repr(theirs).replace("torch.", "minigrad."), (options, arr)
        grad = mg.ones(3, requires_grad=True) * 2
        assert repr(grad) == repr(torch.ones(3, requires_grad=True) * 2)
    finally:
        mg.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
    assert repr(mg.tensor([1.12345])) == "tensor([1.1235])"


def test_printoptions_accumulate_and_sci_mode_resets() -> None:
    try:
        mg.set_printoptions(precision=2, sci_mode=True)
        mg.set_printoptions(linewidth=100)  # precision stays; sci_mode goes back to automatic, as PyTorch
        assert repr(mg.tensor([1.5, 2.0])) == "tensor([1.50, 2.00])"
    finally:
        mg.set_printoptions(profile="default")


def test_dtype_shown_unless_the_default_float() -> None:
    torch = require_torch()
    try:
        mg.set_default_dtype(mg.float64)
        torch.set_default_dtype(torch.float64)
        for dt in ("float32", "float64"):
            for data in ([1.5, 2.0], []):
                ours = mg.tensor(data, dtype=getattr(mg, dt))
                theirs = torch.tensor(data, dtype=getattr(torch, dt))
                assert repr(ours) == repr(theirs).replace("torch.", "minigrad.")
    finally:
        mg.set_default_dtype(mg.float32)
        torch.set_default_dtype(torch.float32)
