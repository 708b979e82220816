"""Regressions found by running other projects' PyTorch-based test suites under minigrad (blitz's bayesian
layers, ...) and comparing with real torch: each test runs the same calls on both libraries and compares
values, or error classes and words."""

from __future__ import annotations

import importlib

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
