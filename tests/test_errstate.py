"""Float warnings: minigrad's ops are silent where PyTorch is, and leave numpy's settings alone."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import _kernels
from minigrad.errors import LinAlgError
from tests.op_table import OP_TABLE, OpSpec


def test_ops_return_inf_and_nan_silently_like_pytorch() -> None:
    x = mg.tensor([0.0, 1.0, -1.0, 1e30], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        recip, log, root = 1 / x, x.log(), x.sqrt()
        big = (x * 1e30).exp()
        diff = x * 1e30 - x * 1e30  # inf - inf
        (recip.sum() + log.sum() + root.sum() + big.sum() + diff.sum()).backward()
    assert recip.detach().numpy()[0] == np.inf and log.detach().numpy()[0] == -np.inf
    assert np.isnan(root.detach().numpy()[2])
    assert big.detach().numpy()[1] == np.inf and np.isnan(diff.detach().numpy()[3])
    assert x.grad is not None and np.isnan(x.grad.numpy()).any()


def test_numpy_settings_are_restored_after_an_op() -> None:
    before = np.geterr()
    mg.tensor([1.0]) / 0
    assert np.geterr() == before


def test_seterr_fallback_silences_and_restores() -> None:
    var = _kernels._SeterrVar()
    before = np.geterr()
    token = var.set(None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert np.isinf(np.array([1.0]) / 0)
    finally:
        var.reset(token)
    assert np.geterr() == before


# Values that set every floating-point flag somewhere: overflow (exp(1000), 1e30 * 1e30),
# underflow (exp(-1000), 1e-30 * 1e-30, subnormals), division by zero, invalid (inf - inf, log(-1)).
_EXTREMES = np.array([1000.0, -1000.0, 1e30, -1e-30, 1e-310, 0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, 0.5])


def _extreme(rng: np.random.Generator, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    with np.errstate(all="ignore"):  # 1e-310 and 1e30 do not fit float32: that is the point
        return rng.choice(_EXTREMES, size=shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("spec", OP_TABLE, ids=[s.name for s in OP_TABLE])
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_no_floating_point_error_escapes_under_seterr_raise(
    spec: OpSpec, dtype: type, data: st.DataObject
) -> None:
    """With np.seterr(all='raise') set by the user, every op runs forward and backward silently.

    PyTorch's kernels never raise on inf/nan/overflow/underflow; minigrad's numpy
    kernels would, unless each runs with numpy's error state off.
    """
    sample = data.draw(spec.sample, label="sample")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    arrays = [a if np.asarray(a).dtype.kind != "f" else _extreme(rng, np.shape(a), dtype)
              for a in spec.domain(rng, sample.shapes)]
    inputs = [mg.tensor(np.asarray(a, dtype=dtype), requires_grad=spec.differentiable) for a in arrays]
    old = np.seterr(all="raise")
    try:
        # (a singular or indefinite matrix of extremes makes a linalg op raise LinAlgError, as PyTorch's)
        with warnings.catch_warnings(), contextlib.suppress(LinAlgError):
            warnings.simplefilter("error")
            out = spec.mg(*inputs, **sample.kwargs)
            outs = [o for o in (out if isinstance(out, (tuple, list)) else [out]) if o.requires_grad]
            if outs:
                grads = [mg.tensor(_extreme(rng, o.shape, o.dtype.type)) for o in outs]
                mg.autograd.backward(outs, grads, create_graph=spec.twice_differentiable)
    finally:
        np.seterr(**old)


def test_sigmoid_of_large_magnitudes_under_seterr_raise() -> None:
    """Regression (issue 15): exp(-1000) underflowed inside sigmoid and raised FloatingPointError."""
    x = mg.tensor([-1000.0, 1000.0, 0.0], requires_grad=True)
    old = np.seterr(all="raise")
    try:
        y = x.sigmoid()
        y.sum().backward()
        x.data /= 0  # in-place kernels too
    finally:
        np.seterr(**old)
    assert y.detach().numpy().tolist() == [0.0, 1.0, 0.5]
    assert x.grad is not None and x.grad.numpy().tolist() == [0.0, 0.0, 0.25]
