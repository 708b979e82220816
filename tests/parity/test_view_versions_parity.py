"""A view saved by an op, then its base changed in place: backward raises, as PyTorch's (whose views share
their base's version counter); before, minigrad used the new values and gave a wrong gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _saved_view_then_base_scaled(b: Any) -> Any:
    v = b[:2]
    y = (v * v).sum()  # saves v
    b.mul_(10)
    return y


def _saved_transpose_then_base_added(b: Any) -> Any:
    v = b.reshape(2, 2).t()
    y = (v @ v).sum()
    b.add_(1)
    return y


def _unsaved_view_then_base_changed(b: Any) -> Any:
    y = b[:2].exp().sum()  # exp saves its result, not the view: nothing to check
    b.add_(1)
    return y


def _saved_base_then_view_changed(b: Any) -> Any:
    y = (b * b).sum()
    b[1:3].mul_(10)
    return y


CASES: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "saved view, base scaled": (_saved_view_then_base_scaled, True),
    "saved transpose, base added": (_saved_transpose_then_base_added, True),
    "unsaved view": (_unsaved_view_then_base_changed, False),
    "saved base, view changed": (_saved_base_then_view_changed, True),
}


@pytest.mark.parametrize("name", list(CASES))
def test_base_changed_after_a_view_was_saved(name: str) -> None:
    build, raises = CASES[name]
    grads = []
    for lib, error in ((mg, mg.MinigradError), (torch, RuntimeError)):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True, dtype=lib.float64)
        y = build(x * 1)
        if raises:
            with pytest.raises(error, match="modified by an inplace operation"):
                y.backward()
        else:
            y.backward()
            grads.append(x.grad.numpy())
    if grads:
        np.testing.assert_allclose(grads[0], grads[1], rtol=1e-15)


def test_unsafe_split_pieces_stay_unchecked() -> None:
    for lib in (mg, torch):
        b = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True, dtype=lib.float64) * 1
        _, second = b.unsafe_split(2)
        y = (second * second).sum()
        b.mul_(10)  # PyTorch does not track unsafe_split's pieces: no error, the new values are used
        y.backward()


def test_a_base_with_views_still_pickles_and_copies() -> None:
    import copy
    import pickle

    layer = mg.nn.Linear(3, 2)
    kept = layer.weight.t()  # the weight now has a (live) view
    layer(mg.ones(1, 3)).sum().backward()
    for clone in (pickle.loads(pickle.dumps(layer)), copy.deepcopy(layer)):
        np.testing.assert_array_equal(clone.weight.detach().numpy(), layer.weight.detach().numpy())
        with mg.no_grad():
            clone.weight.mul_(2)  # the clone's weight has no views of the original
    assert kept.shape == (3, 2)


def _version_story(lib: Any) -> list[tuple[int, ...]]:
    a = lib.tensor([4.0, 5.0, 6.0])
    a.add_(1)
    v = a[:2]  # a view made after a write starts at its base's count
    out = [(a._version, v._version)]
    v.mul_(2)  # a write through a view moves its base's counter
    out.append((a._version, v._version))
    w = a[1:]
    w.add_(1)  # ... and every other view's
    out.append((a._version, v._version, w._version))
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y[:1]
    z.mul_(3)  # a recorded write through a view: one step, as an unrecorded one
    out.append((y._version, z._version))
    d = a.detach()
    d.add_(1)  # detach() shares the counter, with the base's views
    out.append((a._version, d._version, v._version))
    return out


def test_views_share_their_base_version_counter() -> None:
    """PyTorch's views, their base and detach()'s aliases share one counter (``_version``); minigrad's
    counted a write through a view on the view alone, so an op that saved the base missed it."""
    assert _version_story(mg) == _version_story(torch)


def test_write_through_a_view_of_a_saved_constant_raises() -> None:
    """y = (w * a).sum() saves a; a[:2].mul_(2) then changes it: PyTorch's backward raises. minigrad's
    used the new values and gave w a wrong gradient."""
    for lib in (mg, torch):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        a = lib.tensor([4.0, 5.0, 6.0])
        y = (w * a).sum()
        a[:2].mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()


@pytest.mark.parametrize("write", ["element", "slice", "sibling"])
def test_no_grad_write_through_a_view_of_a_saved_leaf_raises(write: str) -> None:
    """hunt22's cases: under no_grad a write through a view of a leaf that an op saved (w * w) moved the
    view's counter only, and backward used the new values (w.grad [0, 2, 2]); PyTorch raises."""
    for lib in (mg, torch):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (w * w).sum()
        with lib.no_grad():
            if write == "element":
                w[0].mul_(0)
            elif write == "slice":
                w[:2].zero_()
            else:
                w[1:].mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()
