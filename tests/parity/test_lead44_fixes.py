"""lead44: the dropout layers keep p as given (PyTorch's repr and attribute)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


@pytest.mark.parametrize("cls", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                                 "FeatureAlphaDropout"])
@pytest.mark.parametrize("p", [0, 0.5, np.float32(0.25), 0.0])
def test_dropout_layers_keep_p_as_given(cls: str, p: Any) -> None:
    torch = require_torch()
    ours, theirs = getattr(mg.nn, cls)(p), getattr(torch.nn, cls)(p)
    assert repr(ours) == repr(theirs)
    assert type(ours.p) is type(theirs.p) and ours.p == theirs.p
    ours.p = 0
    theirs.p = 0
    assert repr(ours) == repr(theirs)


def test_dropout_of_an_int_p_runs_as_pytorch() -> None:
    torch = require_torch()
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    got = mg.nn.Dropout(0)(mg.tensor(x)).numpy()
    want = torch.nn.Dropout(0)(torch.tensor(x)).numpy()
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("scale", [[2, 2], [2], (2, 2), 2, 0, (0, 2)])
def test_upsample_scale_factor_as_pytorch_takes_it(scale: Any) -> None:
    """PyTorch keeps a tuple as floats and converts anything else with float(): a list is its TypeError."""
    torch = require_torch()
    try:
        want: Any = repr(torch.nn.Upsample(scale_factor=scale))
    except TypeError:
        with pytest.raises(TypeError, match="float\\(\\) argument must be"):
            mg.nn.Upsample(scale_factor=scale)
        return
    assert repr(mg.nn.Upsample(scale_factor=scale)) == want


_PLAIN = [slice(None), slice(1, 3), slice(None, None, 2), slice(-3, None), slice(5, 1),
          (slice(None), slice(0, 2)), (0, slice(1, None)), (slice(1, 2), 1, slice(None, None, 3)), (),
          (-1, slice(None), 2)]


@pytest.mark.parametrize("index", _PLAIN, ids=repr)
def test_plain_slices_take_the_short_path_with_pytorchs_results(index: Any) -> None:
    """Ints and slices of ints skip index normalizing: the same values, view, gradient and grad_fn."""
    torch = require_torch()
    from minigrad.tensor import _plain_slices

    assert _plain_slices(index)
    a = np.arange(60, dtype=np.float64).reshape(3, 4, 5)
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = x * 1, tx * 1
    got, want = y[index], ty[index]
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    assert got.grad_fn.name() == want.grad_fn.name()
    assert got._base is y and want._base is ty
    (got * 2).sum().backward()
    (want * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("index", [slice(None, None, 0), slice(None, None, -1),
                                   (slice(None, None, mg.tensor(2)),), (None, 1),
                                   (True,), (slice(np.int64(1), None),), (Ellipsis, 1), [0, 1]])
def test_other_indices_are_not_plain(index: Any) -> None:
    from minigrad.tensor import _plain_slices

    assert not _plain_slices(index)


def test_too_many_plain_indices_raise_pytorchs_error() -> None:
    """The short path leaves the length check to numpy: the error is still PyTorch's IndexError."""
    torch = require_torch()
    index = (slice(None),) * 4
    with pytest.raises(IndexError) as want:
        torch.zeros(2, 3, 4)[index]
    with pytest.raises(IndexError) as got:
        mg.zeros(2, 3, 4)[index]
    assert str(got.value).startswith(str(want.value))
