"""utils.checkpoint: the same values and gradients as the plain call, with the inner graph not kept."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.utils.checkpoint import checkpoint, checkpoint_sequential


def _block() -> nn.Sequential:
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Dropout(0.3), nn.Linear(8, 4)).double()


def _step(block: nn.Module, x: mg.Tensor, checkpointed: bool) -> tuple[float, np.ndarray, np.ndarray]:
    block.zero_grad()
    x.grad = None
    mg.manual_seed(1)  # the same dropout mask in both runs
    h = x * 2.0
    y = checkpoint(block, h, use_reentrant=False) if checkpointed else block(h)
    loss = (y * y).sum()
    loss.backward()
    assert x.grad is not None and block[0].weight.grad is not None
    return loss.item(), x.grad.numpy().copy(), block[0].weight.grad.numpy().copy()


def test_values_and_gradients_equal_the_plain_call_with_dropout() -> None:
    block = _block()
    x = mg.randn(5, 4, dtype=mg.float64, requires_grad=True)
    plain, ck = _step(block, x, False), _step(block, x, True)
    assert plain[0] == ck[0]
    np.testing.assert_array_equal(plain[1], ck[1])
    np.testing.assert_array_equal(plain[2], ck[2])


def test_the_inner_graph_is_not_kept() -> None:
    seen: list[weakref.ref[mg.Tensor]] = []

    def inner(t: mg.Tensor) -> mg.Tensor:
        h = t.exp()
        seen.append(weakref.ref(h))
        return h.sin()

    x = mg.tensor([0.1, 0.2], dtype=mg.float64, requires_grad=True)
    y = checkpoint(inner, x, use_reentrant=False)
    gc.collect()
    assert seen[0]() is None  # the forward's intermediate is gone ...
    y.sum().backward()
    assert x.grad is not None  # ... and recomputed for backward
    np.testing.assert_allclose(x.grad.numpy(),
                               np.cos(np.exp(x.detach().numpy())) * np.exp(x.detach().numpy()), rtol=1e-14)
    assert len(seen) == 2


def test_grad_and_double_backward_through_a_checkpoint() -> None:
    x = mg.tensor([0.3, -0.4, 1.1], dtype=mg.float64, requires_grad=True)
    y = checkpoint(lambda t: (t.sin() * t).sum(), x, use_reentrant=False)
    (g,) = mg.grad(y, x, create_graph=True)
    (gg,) = mg.grad(g.sum(), x)
    t = x.detach().numpy()
    np.testing.assert_allclose(g.detach().numpy(), np.cos(t) * t + np.sin(t), rtol=1e-14)
    np.testing.assert_allclose(gg.numpy(), -np.sin(t) * t + 2 * np.cos(t), rtol=1e-14)


def test_tuple_outputs_and_passthrough() -> None:
    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    a, b, tag = checkpoint(lambda t: (t * 3.0, t * t, "tag"), x, use_reentrant=False)
    assert tag == "tag"
    (a.sum() + b.sum()).backward()
    assert x.grad is not None and x.grad.tolist() == [5.0, 7.0]


def test_reentrant_rules_and_warnings() -> None:
    w = nn.Linear(2, 2)
    x = mg.ones(1, 2)
    with pytest.warns(UserWarning) as record:
        out = checkpoint(w, x)  # None means True, as PyTorch: with no input requiring grad, no grad
    messages = [str(r.message) for r in record]
    assert "use_reentrant parameter should be passed explicitly" in messages[0]
    assert messages[1] == "None of the inputs have requires_grad=True. Gradients will be None"
    assert not out.requires_grad
    assert checkpoint(w, x, use_reentrant=False).requires_grad  # the parameters still get gradients
    with pytest.raises(mg.InvalidParameterError, match="Unexpected keyword arguments: scale"):
        checkpoint(lambda t, scale: t * scale, x, use_reentrant=True, scale=2.0)
    assert checkpoint(lambda t, scale: t * scale, x, use_reentrant=False, scale=2.0).tolist() == [[2.0, 2.0]]
    with mg.no_grad():
        assert not checkpoint(w, x.requires_grad_(), use_reentrant=True).requires_grad


def test_recomputation_must_match() -> None:
    calls = []

    def unstable(t: mg.Tensor) -> mg.Tensor:
        calls.append(1)
        return t * 2.0 if len(calls) == 1 else t.sum() * 2.0

    y = checkpoint(unstable, mg.ones(3, requires_grad=True), use_reentrant=False)
    with pytest.raises(mg.ShapeError, match="recomputed outputs have shapes"):
        y.sum().backward()


def test_checkpoint_sequential_equals_the_plain_model() -> None:
    mg.manual_seed(0)
    model = nn.Sequential(*[nn.Linear(3, 3) for _ in range(5)]).double()
    x = mg.randn(2, 3, dtype=mg.float64, requires_grad=True)
    plain = model(x).sum()
    plain.backward()
    want = [p.grad.numpy().copy() for p in model.parameters() if p.grad is not None]
    model.zero_grad()
    out = checkpoint_sequential(model, 2, x, use_reentrant=False).sum()
    out.backward()
    assert out.item() == plain.item()
    for p, g in zip(model.parameters(), want, strict=True):
        assert p.grad is not None
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=1e-14)
