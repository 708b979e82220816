"""A tensor read in many slices: the engine adds each slice's gradient into one pending sum in place.

The values must be PyTorch's whatever the order of the contributions (slices first, a full-size
gradient first, overlapping slices, ints, ellipsis, steps, a hook, retain_graph, create_graph), and
no gradient array may be shared with a tensor the user holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import _instrument
from minigrad.ops import GetItem
from tests.helpers import require_torch

torch = require_torch()

READS: dict[str, Callable[[Any], Any]] = {
    "disjoint slices": lambda x: (x[:2] * 2).sum() + (x[2:4] * 3).sum() + x[4:].sum(),
    "overlapping": lambda x: (x[:4] * 2).sum() + (x[1:5] ** 2).sum() + x[3].sum(),
    "full use first": lambda x: (x * x).sum() + x[1:3, 1:].sum() * 3 + x[-1].sum(),
    "full use last": lambda x: x[0].sum() + (x[1:3] * 5).sum() + (x * x).sum(),
    "ints and steps": lambda x: x[0, 0] * 4 + x[1, ::2].sum() + x[-1, -1] + (x[::3] * 2).sum(),
    "ellipsis and None": lambda x: (x[..., 1] * 3).sum() + x[None, 2:, ...].sum() + x[..., :1].sum(),
    "columns (an LSTM's time steps)": lambda x: sum(((x[:, t : t + 1] * (t + 1)).sum() for t in range(4)),
                                                   x[:, 0].sum()),
    "slice of a slice": lambda x: (x[1:][1:3] * 2).sum() + x[2:4].sum(),
}


@pytest.mark.parametrize("name", list(READS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_slice_gradients_are_pytorchs(name: str, dtype: str) -> None:
    values = np.random.default_rng(0).standard_normal((6, 4)).astype(dtype)
    grads = []
    for lib in (mg, torch):
        x = lib.tensor(values, requires_grad=True)
        y = lib.tensor(values, requires_grad=True) * 1  # a non-leaf read in slices: its sum passes on
        out = READS[name](x) + READS[name](y)
        out.backward()
        grads.append(x.grad.numpy())
    # (the contributions may be summed in another order than PyTorch's: rounding apart)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6 if dtype == "float32" else 1e-15)


def test_pending_sum_the_user_holds_is_not_written() -> None:
    # x's first contribution is the user's own tensor (passed back as a hook result): a slice
    # read later must not add into it
    held = mg.ones(3, 2)
    x = mg.zeros(3, 2, requires_grad=True)
    a = x * 1
    a.register_hook(lambda g: held)
    out = a.sum() + (x[1:] * 2).sum()
    out.backward()
    np.testing.assert_array_equal(held.numpy(), np.ones((3, 2)))
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 1], [3, 3], [3, 3]])


def test_retain_graph_and_create_graph_through_slices() -> None:
    values = np.linspace(-1, 1, 12).reshape(4, 3)
    results = []
    for lib in (mg, torch):
        x = lib.tensor(values, requires_grad=True)
        y = (x[:2] ** 3).sum() + (x[1:] ** 2).sum() + x[2, 1] ** 4
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x, retain_graph=True)
        y.backward(retain_graph=True)
        y.backward()
        results.append((g.detach().numpy(), h.numpy(), x.grad.numpy()))
    for mine, theirs in zip(results[0], results[1], strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-15)


def test_slices_are_added_in_place() -> None:
    # The shortcut is taken (the later slices never run GetItem.backward), and with a tool observing
    # (a profiler) it is off, so that every node's backward is seen.
    calls = []
    original = GetItem.backward

    def counting(self: GetItem, g: mg.Tensor, out: mg.Tensor) -> Any:
        calls.append(1)
        return original(self, g, out)

    x = mg.zeros(8, 3, requires_grad=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(GetItem, "backward", counting)
        sum((x[i] * i).sum() for i in range(8)).backward()
        assert len(calls) == 1  # the first slice makes the zero array, seven add into it
        calls.clear()
        observer = _instrument.Observer()
        _instrument.add_observer(observer)
        try:
            sum((x[i] * i).sum() for i in range(8)).backward()
        finally:
            _instrument.remove_observer(observer)
        assert len(calls) == 8
    np.testing.assert_array_equal(x.grad.numpy(), 2 * np.arange(8)[:, None] * np.ones((8, 3)))
