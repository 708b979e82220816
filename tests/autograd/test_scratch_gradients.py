"""The engine lets a node write its input's gradient over the gradient it was handed when nothing else
holds that gradient (``ops.scratch``): results must be those of the out-of-place computation, bit for bit,
and no gradient anyone can still see (a caller's, a hook's, a retained ``.grad``, a ``grad()`` result,
a gradient shared by two inputs or viewed by another) may change."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.autograd import engine


def _chain(x: mg.Tensor, w: mg.Tensor) -> mg.Tensor:
    h = (x @ w).relu() * 1.5
    h = F.gelu(h.tanh().sigmoid() * w.sum(0))
    h = F.log_softmax(h, -1) + F.softmax(h * 2, -1)
    return F.layer_norm(h, (h.shape[-1],)) * F.dropout(mg.ones_like(h), 0.0)


def _grads(use_scratch: bool, seed: int = 0) -> list[np.ndarray]:
    old = engine._EXACT_REFCOUNTS
    engine._EXACT_REFCOUNTS = old and use_scratch
    try:
        rng = np.random.default_rng(seed)
        x = mg.tensor(rng.standard_normal((300, 40)).astype(np.float32), requires_grad=True)
        w = mg.tensor(rng.standard_normal((40, 40)).astype(np.float32), requires_grad=True)
        _chain(x, w).sum().backward()
        return [x.grad.numpy().copy(), w.grad.numpy().copy()]
    finally:
        engine._EXACT_REFCOUNTS = old


def test_writing_over_dying_gradients_changes_no_bit() -> None:
    for got, want in zip(_grads(True), _grads(False)):
        np.testing.assert_array_equal(got, want)


def test_scratch_is_used_and_cleared() -> None:
    from minigrad import ops

    seen = []

    class Spy(ops.Relu):
        __slots__ = ()

        def backward(self, g: mg.Tensor, out: mg.Tensor) -> tuple[mg.Tensor | None, ...]:
            seen.append(g is ops.scratch)
            return super().backward(g, out)

    x = mg.randn(64, 64, requires_grad=True)
    (Spy.apply(x * 2) * 3).sum().backward()
    if engine._EXACT_REFCOUNTS:
        assert seen == [True]
    assert ops.scratch is None


def test_caller_gradient_is_not_overwritten() -> None:
    x = mg.randn(50, 60, requires_grad=True)
    y = (x * 2).relu().tanh()
    g = mg.randn(50, 60)
    before = g.numpy().copy()
    y.backward(g)
    np.testing.assert_array_equal(g.numpy(), before)


@pytest.mark.parametrize("how", ["hook", "retain_grad", "grad"])
def test_gradients_others_hold_stay_as_they_were(how: str) -> None:
    x = mg.randn(50, 60, requires_grad=True)
    mid = (x * 3).sigmoid()
    kept: list[mg.Tensor] = []
    if how == "hook":
        mid.register_hook(kept.append)
    elif how == "retain_grad":
        mid.retain_grad()
    out = ((mid * 2).tanh() * 5).sum()
    if how == "grad":
        (gm, _) = mg.autograd.grad(out, (mid, x))
        kept.append(gm)
    else:
        out.backward()
        if how == "retain_grad":
            kept.append(mid.grad)
    seen = kept[0].numpy().copy()
    y = (mid.detach() * 2).tanh()
    expected = (1 - y.numpy() ** 2) * 10
    np.testing.assert_allclose(seen, expected, rtol=1e-6)


def test_a_gradient_shared_by_two_inputs_reaches_both() -> None:
    x = mg.randn(40, 50, requires_grad=True)
    a, b = x.tanh(), (x * 2).sigmoid()
    s = a + b  # Add hands the same gradient to both
    (s.relu() * 3).sum().backward()
    xa = x.detach()
    ta, tb = np.tanh(xa.numpy()), 1 / (1 + np.exp(-2 * xa.numpy()))
    live = (ta + tb) > 0
    expected = 3 * live * ((1 - ta**2) + 2 * tb * (1 - tb))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_a_viewed_gradient_is_not_overwritten() -> None:
    x = mg.randn(30, 40, requires_grad=True)
    v = (x * 2).reshape(40, 30).tanh()
    w = v.reshape(30, 40).sigmoid()
    (w * w).sum().backward()
    xt = x.detach().numpy()
    t = np.tanh(2 * xt)
    s = 1 / (1 + np.exp(-t))
    expected = 2 * s * s * (1 - s) * (1 - t**2) * 2
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shape, dims", [((1100, 256), (1,)), ((4, 300, 256), (0, 1)), ((600, 512), (0,))])
def test_var_adds_its_gradient_into_the_pending_sum_in_blocks(
    shape: tuple[int, ...], dims: tuple[int, ...]
) -> None:
    from minigrad import ops

    rng = np.random.default_rng(3)
    x0 = rng.standard_normal(shape).astype(np.float32)
    w0 = rng.standard_normal(shape[-1]).astype(np.float32)
    results = []
    for blocks in (True, False):
        ops.Var.adds_in_place = blocks
        try:
            x = mg.tensor(x0, requires_grad=True)
            mean = x.mean(dims, keepdim=True)
            centered = x - mean
            var = ops.Var.apply(centered, dims=dims, keepdim=True, correction=0, centered=True)
            (centered * (var + 1e-5).rsqrt() * mg.tensor(w0)).sum().backward()
            results.append(x.grad.numpy().copy())
        finally:
            ops.Var.adds_in_place = True
    np.testing.assert_array_equal(results[0], results[1])


_UNARY = [
    lambda t: t.tanh(), lambda t: t.sigmoid(), lambda t: t.relu(), lambda t: (t * 0.5).exp(),
    lambda t: F.gelu(t), lambda t: t.softmax(-1), lambda t: F.log_softmax(t, -1), lambda t: t * 1.5,
    lambda t: t.reshape(t.shape[1], t.shape[0]).T, lambda t: t.T.contiguous().T, lambda t: t[:, :],
    lambda t: F.layer_norm(t, (t.shape[-1],)), lambda t: -t, lambda t: t.abs(),
]


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_give_the_same_bits_with_and_without_scratch(seed: int) -> None:
    """Random graphs mixing shared subexpressions (a tensor read by several ops), views, products of two
    graph tensors, retained and hooked intermediates: every gradient equal with and without scratch."""
    rng = np.random.default_rng(seed)
    plan = [(int(rng.integers(len(_UNARY))), int(rng.integers(4)), int(rng.integers(10))) for _ in range(14)]
    x0 = rng.standard_normal((70, 70)).astype(np.float32)
    w0 = rng.standard_normal((70, 70)).astype(np.float32)
    runs = []
    for use in (True, False):
        old = engine._EXACT_REFCOUNTS
        engine._EXACT_REFCOUNTS = old and use
        try:
            x = mg.tensor(x0, requires_grad=True)
            w = mg.tensor(w0, requires_grad=True)
            pool = [x @ w, x * w]
            kept = []
            for op, other, extra in plan:
                t = _UNARY[op](pool[-1 - extra % len(pool)])
                if other == 1:
                    t = t * pool[extra % len(pool)]
                elif other == 2:
                    t = t + pool[extra % len(pool)]
                if extra == 7:
                    t.retain_grad()
                    kept.append(t)
                if extra == 8:
                    t.register_hook(lambda g, k=kept: k.append(g))
                pool.append(t)
            sum(p.sum() for p in pool[-4:]).backward()  # type: ignore[union-attr]
            runs.append([x.grad.numpy().copy(), w.grad.numpy().copy()]
                        + [k.grad.numpy().copy() if k.grad is not None else k.detach().numpy().copy()
                           for k in kept])
        finally:
            engine._EXACT_REFCOUNTS = old
    assert len(runs[0]) == len(runs[1])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_a_backward_that_raises_leaves_no_scratch_behind() -> None:
    from minigrad import ops

    class Boom(ops.Relu):
        __slots__ = ()

        def backward(self, g: mg.Tensor, out: mg.Tensor) -> tuple[mg.Tensor | None, ...]:
            raise ValueError("boom")

    x = mg.randn(64, 64, requires_grad=True)
    with pytest.raises(ValueError, match="boom"):
        (Boom.apply(x * 2) * 3).sum().backward()
    assert ops.scratch is None
