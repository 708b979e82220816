"""Saved tensors changed in place, compared with PyTorch: ``saved_tensors_hooks`` (whose packed copy
needs no version check) and ``autograd.graph.allow_mutation_on_saved_tensors`` (which copies a saved
tensor before its first change, so backward reads the values the forward used)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

A = np.array([[0.3, -1.2, 0.7], [2.0, 0.1, -0.4]], dtype=np.float32)


def _np(t: Any) -> Any:
    return np.asarray(t.detach().numpy())


def test_a_tensor_saved_through_a_copying_pack_hook_may_change_afterwards() -> None:
    grads = []
    for lib in (mg, torch):
        a = lib.tensor(A, requires_grad=True)
        b = a.clone()
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.clone(), lambda t: t):
            out = (b**2).sum() + b.exp().sum()
        b.sin_()
        out.backward()
        grads.append(_np(a.grad))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)
    np.testing.assert_allclose(grads[0], 2 * A + np.exp(A), rtol=1e-6)


def _change_saved(lib: Any, case: str) -> Any:
    a = lib.tensor(A, requires_grad=True)
    b = a.clone()
    if case == "self":
        out = (b**2).sum()
        b.sin_()
    elif case == "view of it":
        out = (b**2).sum()
        b.view_as(b).mul_(3)
    elif case == "its base":
        c = b[:1]
        out = (c**3).sum()
        b *= 2
    elif case == "its result":
        y = b.exp()
        out = y.sum()
        y.add_(1)
    elif case == "out=":
        c = lib.ones(2, 3)
        out = (b * c).sum()
        lib.sin(lib.zeros(2, 3), out=c)
    out.backward()
    return _np(a.grad)


@pytest.mark.parametrize("case", ["self", "view of it", "its base", "its result", "out="])
def test_allow_mutation_on_saved_tensors_reads_the_values_before_the_change(case: str) -> None:
    for lib in (mg, torch) if case != "its base" else (torch,):  # (minigrad's views keep their own counter)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            _change_saved(lib, case)
    got = []
    for lib in (mg, torch):
        with lib.autograd.graph.allow_mutation_on_saved_tensors() as ctx:
            got.append(_change_saved(lib, case))
            assert len(ctx.cloned) == 0  # each copy is dropped with the node that saved it
    np.testing.assert_allclose(got[0], got[1], rtol=1e-6)


def test_allow_mutation_copies_once_per_version_and_forgets_freed_nodes() -> None:
    counts = []
    for lib in (mg, torch):
        with lib.autograd.graph.allow_mutation_on_saved_tensors() as ctx:
            a = lib.tensor(A, requires_grad=True).clone()
            b, c = a**2, a**2
            a.sin_()
            seen = [len(ctx.cloned)]
            d = a**2
            a.sin_()
            seen.append(len(ctx.cloned))
            del b, c
            seen.append(len(ctx.cloned))
            d.sum().backward()
            a.sin_()
            seen.append(len(ctx.cloned))
        counts.append(seen)
    assert counts[0] == counts[1] == [1, 2, 1, 0]


def test_allow_mutation_second_order_reaches_the_old_history() -> None:
    got = []
    for lib in (mg, torch):
        with lib.autograd.graph.allow_mutation_on_saved_tensors():
            a = lib.tensor(A, requires_grad=True)
            b = a.clone()
            out = (b**3).sum()
            b.sin_()
            da, = lib.autograd.grad(out, a, create_graph=True)
            d2a, = lib.autograd.grad(da.sum(), a)
        got.append(_np(d2a))
    np.testing.assert_allclose(got[0], got[1], rtol=1e-6)
    np.testing.assert_allclose(got[0], 6 * A, rtol=1e-6)


def test_allow_mutation_errors_as_pytorch() -> None:
    for lib in (mg, torch):
        with lib.autograd.graph.allow_mutation_on_saved_tensors():
            with pytest.raises(RuntimeError, match="contexts cannot be nested"), \
                    lib.autograd.graph.allow_mutation_on_saved_tensors():
                pass
            a = lib.tensor(A, requires_grad=True)
            out = (a**2).sum()
        with pytest.raises(AssertionError, match="backward outside of the 'allow_mutation_on_saved_tensors'"):
            out.backward()


def test_a_saved_tensor_is_made_by_the_graph_only() -> None:
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match="Trying to create a SavedTensor object from Python"):
            lib.autograd.SavedTensor()
        a = lib.tensor(A, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t * 1, lambda t: t):
            y = a * a
        assert isinstance(y.grad_fn._raw_saved_self, lib.autograd.SavedTensor)
