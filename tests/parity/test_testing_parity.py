"""minigrad.testing.assert_close against torch.testing.assert_close: same verdicts, same messages."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.testing import assert_close
from tests.helpers import require_torch


def _outcome(fn: Any, *args: Any, **kwargs: Any) -> tuple[str, list[str]]:
    try:
        fn(*args, **kwargs)
    except Exception as e:
        return type(e).__name__, str(e).splitlines()
    return "ok", []


def _pair(a: np.ndarray, e: np.ndarray) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    torch = require_torch()
    return (mg.from_numpy(a), mg.from_numpy(e)), (torch.from_numpy(a), torch.from_numpy(e))


CASES: list[tuple[str, np.ndarray, np.ndarray, dict[str, Any]]] = []
rng = np.random.default_rng(0)
for dt in (np.float16, np.float32, np.float64):
    base = rng.standard_normal((4, 5)).astype(dt)
    for scale in (0.0, 1e-7, 1e-6, 3e-6, 1e-4, 1e-2):
        noisy = (base.astype(np.float64) * (1 + scale * rng.standard_normal(base.shape))).astype(dt)
        CASES.append((f"{np.dtype(dt).name}-{scale:g}", noisy, base, {}))
CASES += [
    ("int", np.array([[1, 2], [3, 4]]), np.array([[1, 2], [3, 7]]), {}),
    ("int-tol", np.array([1, 2, 10]), np.array([1, 3, 11]), {"rtol": 0.1, "atol": 0.5}),
    ("bool", np.array([True, False]), np.array([True, True]), {}),
    ("nan", np.array([math.nan, 1.0]), np.array([math.nan, 1.0]), {}),
    ("nan-equal", np.array([math.nan, 1.0]), np.array([math.nan, 1.0]), {"equal_nan": True}),
    ("inf", np.array([math.inf, 1.0, 2.0]), np.array([-math.inf, 1.0, 2.5]), {}),
    ("zero-expected", np.array([0.0, 0.1]), np.array([0.0, 0.0]), {}),
    ("scalar", np.array(1.5), np.array(1.25), {}),
    ("explicit", np.array([1.0, 2.0]), np.array([1.05, 2.0]), {"rtol": 0.01, "atol": 0.01}),
    ("rtol-only", np.array([1.0]), np.array([1.0]), {"rtol": 0.01}),
    ("promote", np.array([1.0, 2.0], np.float32), np.array([1.0, 2.00001]), {"check_dtype": False}),
]


@pytest.mark.parametrize(("a", "e", "kwargs"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_same_verdict_and_message_as_torch(a: np.ndarray, e: np.ndarray, kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    ours, theirs = _pair(a, e)
    got = _outcome(assert_close, *ours, **kwargs)
    want = _outcome(torch.testing.assert_close, *theirs, **kwargs)
    assert got[0] == want[0]
    # our report adds one line (the worst element's values) after PyTorch's lines
    assert got[1][: len(want[1])] == want[1]
    if got[0] == "AssertionError" and a.ndim:
        assert got[1][len(want[1])].startswith("Worst element: index (")


def test_structures_numbers_and_paths_as_torch() -> None:
    torch = require_torch()
    cases: list[tuple[Any, Any, dict[str, Any]]] = [
        ({"b": [1.0, 2.0], "a": 3}, {"b": [1.0, 2.5], "a": 3}, {}),
        ([1, None], [1, None], {}),
        ([1, None], [1, 2], {}),
        ((1, 2), (1, 2, 3), {}),
        ({"a": 1}, {"b": 1}, {}),
        (1, 1.0, {}),
        (1.0, 1.0 + 1e-9, {}),
        (2.0, 2.1, {"rtol": 0.0, "atol": 0.2}),
        (True, False, {}),
        (3, 4, {}),
    ]
    for actual, expected, kwargs in cases:
        got = _outcome(assert_close, actual, expected, **kwargs)
        want = _outcome(torch.testing.assert_close, actual, expected, **kwargs)
        assert got == want, (actual, expected)
