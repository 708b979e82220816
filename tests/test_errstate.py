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
        recip, log, root = 1 / x, x.log(), x.sqrt()
        big = (x * 1e30).exp()
        diff = x * 1e30 - x * 1e30  # inf - inf
        (recip.sum() + log.sum() + root.sum() + big.sum() + diff.sum()).backward()
    assert recip.numpy()[0] == np.inf and log.numpy()[0] == -np.inf and np.isnan(root.numpy()[2])
    assert big.numpy()[1] == np.inf and np.isnan(diff.numpy()[3])
    assert x.grad is not None and np.isnan(x.grad.numpy()).any()


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
