"""Regressions found by running other projects' PyTorch-based test suites under minigrad (blitz's bayesian
layers, ...) and comparing with real torch: each test runs the same calls on both libraries and compares
values, or error classes and words."""

from __future__ import annotations

import importlib
import math

import numpy as np

import minigrad as mg
from tests.helpers import require_torch

# ------------------------------------------------------------------ torch.functional (blitz)


def test_torch_functional_is_a_module_with_pytorchs_names() -> None:
    """blitz's weight sampler does ``import torch.functional as F``: PyTorch's module that defines
    ``torch.norm``, ``torch.einsum``, ``torch.split``...; minigrad had no ``minigrad.functional`` (blitz's
    every test failed to import). Its names are the top-level ones and compute the same."""
    torch = require_torch()
    tf, mf = importlib.import_module("torch.functional"), importlib.import_module("minigrad.functional")
    assert sorted(mf.__all__) == sorted(set(tf.__all__) - {"stft", "istft"})  # (complex results)
    for name in mf.__all__:
        assert getattr(mf, name) is getattr(mg, name)
    got = []
    for lib, f in ((torch, tf), (mg, mf)):
        x = lib.arange(6.0).reshape(2, 3)
        got.append((f.norm(x).item(), f.einsum("ij->j", x).tolist(), [t.tolist() for t in f.split(x, 2, 1)]))
    assert got[1] == got[0]


# ------------------------------------------------------------------ log_ndtr's far lower tail (botorch)


def test_log_ndtr_far_lower_tail_rounds_and_differentiates_as_pytorch() -> None:
    """botorch's probability tests check that ``torch.special.log_ndtr``'s gradient overflows to inf far in
    the lower tail (x = -1e3 .. -1e100): PyTorch computes log(erfcx(-t) / 2) - t * t with t = x / sqrt(2) in
    the input's dtype, so the gradient exp(-x**2/2 - y) / sqrt(2 pi) sees t * t's rounding. minigrad's
    asymptotic series rounded the value once, its gradient stayed 1/sqrt(2 pi) there (no inf)."""
    torch = require_torch()
    for name in ("float32", "float64"):
        digits = 20 if name == "float32" else 100
        got = []
        for lib in (torch, mg):
            tail = [-(10.0**k) for k in range(digits - 1, -1, -1)] + [10.0**k for k in range(digits)]
            x = lib.tensor([*tail, -3.5, -1.5], dtype=getattr(lib, name))  # (not 10 ** d: pow's last bit)
            x.requires_grad_(True)
            y = lib.special.log_ndtr(x)
            y.sum().backward()
            got.append((y.tolist(), x.grad.tolist()))
        assert got[1][0][: digits - 1] == got[0][0][: digits - 1]  # x <= -10: t * t's rounding
        np.testing.assert_allclose(got[1][0], got[0][0], rtol=1e-6 if name == "float32" else 1e-13)
        assert [math.isinf(g) for g in got[1][1]] == [math.isinf(g) for g in got[0][1]]
        np.testing.assert_allclose(got[1][1], got[0][1], rtol=1e-6 if name == "float32" else 1e-13)
