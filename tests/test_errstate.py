"""Float warnings: minigrad's ops are silent where PyTorch is, and leave numpy's settings alone."""

from __future__ import annotations

import warnings

import numpy as np

import minigrad as mg
from minigrad import ops


def test_ops_return_inf_and_nan_silently_like_pytorch() -> None:
    x = mg.tensor([0.0, 1.0, -1.0, 1e30], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = (1 / x) + x.log() + x.sqrt() + (x * 1e30).exp() + (x * 1e30 - x * 1e30)
        y.sum().backward()
    assert np.isinf(y.data[0]) and np.isnan(y.data[2])
    assert x.grad is not None


def test_numpy_settings_are_restored_after_an_op() -> None:
    before = np.geterr()
    mg.tensor([1.0]) / 0
    assert np.geterr() == before


def test_seterr_fallback_silences_and_restores() -> None:
    var = ops._SeterrVar()
    before = np.geterr()
    token = var.set(None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert np.isinf(np.array([1.0]) / 0)
    finally:
        var.reset(token)
    assert np.geterr() == before
