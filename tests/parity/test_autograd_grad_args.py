"""``grad``'s PyTorch arguments beyond the API page: dict inputs, materialize_grads,
is_grads_batched and the deprecated only_inputs, against torch.autograd.grad."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

X = np.array([[0.3, -1.2, 2.0], [1.5, 0.1, -0.7]])
W = np.array([0.5, -0.25, 2.0])


def _graph(lib: Any) -> tuple[Any, Any, Any, Any]:
    x = lib.tensor(X, requires_grad=True)
    w = lib.tensor(W, requires_grad=True)
    unused = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    out = (x * w).tanh().sum(1) ** 2
    return x, w, unused, out


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


def test_dict_inputs_give_a_dict() -> None:
    results = []
    for lib in (mg, torch):
        x, w, _, out = _graph(lib)
        results.append(lib.autograd.grad(out.sum(), {"x": x, "w": w}))
    ours, theirs = results
    assert isinstance(ours, dict) and list(ours) == ["x", "w"]
    for key in ("x", "w"):
        np.testing.assert_allclose(_np(ours[key]), _np(theirs[key]), rtol=1e-12)


def test_materialize_grads_gives_zeros_for_unused_inputs() -> None:
    results = []
    for lib in (mg, torch):
        x, _, unused, out = _graph(lib)
        results.append(lib.autograd.grad(out.sum(), (x, unused), materialize_grads=True))
    (gx, gu), (tx, tu) = results
    np.testing.assert_allclose(_np(gx), _np(tx), rtol=1e-12)
    assert gu.dtype == mg.float64 and _np(gu).tolist() == _np(tu).tolist() == [0.0, 0.0]
    for lib, error in ((mg, ValueError), (torch, ValueError)):
        x, _, unused, out = _graph(lib)
        with pytest.raises(error):
            lib.autograd.grad(out.sum(), (x, unused), allow_unused=False, materialize_grads=True)


def test_is_grads_batched_stacks_one_vjp_per_vector() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -3.0]])
    results = []
    for lib in (mg, torch):
        x, w, _, out = _graph(lib)
        results.append(lib.autograd.grad(out, (x, w), lib.tensor(vectors), is_grads_batched=True))
    for ours, theirs in zip(*results):
        assert tuple(ours.shape) == tuple(theirs.shape) == (3, *theirs.shape[1:])
        np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-12)


def test_is_grads_batched_with_create_graph_is_differentiable() -> None:
    vectors = np.eye(2)
    results = []
    for lib in (mg, torch):
        _, w, _, out = _graph(lib)
        (jac,) = lib.autograd.grad(out, w, lib.tensor(vectors), create_graph=True, is_grads_batched=True)
        (gw,) = lib.autograd.grad((jac ** 2).sum(), w)
        results.append((jac, gw))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-12)


def test_only_inputs_false_warns_and_is_ignored() -> None:
    results = []
    for lib in (mg, torch):
        x, _, _, out = _graph(lib)
        with pytest.warns(FutureWarning, match="only_inputs"):
            results.append(lib.autograd.grad(out.sum(), x, only_inputs=False))
        assert x.grad is None
    np.testing.assert_allclose(_np(results[0][0]), _np(results[1][0]), rtol=1e-12)
