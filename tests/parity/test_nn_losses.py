"""The losses against torch.nn.functional in float64: values and input gradients."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

RTOL = 1e-10
ATOL = 1e-13
REDUCTIONS = ["mean", "sum", "none"]


def _run(mg_fn: Any, torch_fn: Any, x: np.ndarray, rng: np.random.Generator,
         rtol: float = RTOL, atol: float = ATOL) -> None:
    """Compare value and input gradient (under a random upstream gradient)."""
    torch = require_torch()
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty, my = torch_fn(tx), mg_fn(mx)
    assert_close(my, ty, rtol=rtol, atol=atol)
    g = rng.normal(size=ty.shape)
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad, rtol=rtol, atol=atol)


CE_CASES = list(itertools.product([(6, 4), (5, 4, 3), (3, 4, 2, 2)], REDUCTIONS, [0.0, 0.25], [False, True]))


@pytest.mark.parametrize(("shape", "reduction", "smoothing", "weighted"), CE_CASES)
def test_cross_entropy_class_indices(shape: tuple[int, ...], reduction: str, smoothing: float,
                                     weighted: bool) -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    c = shape[1]
    x = rng.normal(scale=3.0, size=shape)
    t = rng.integers(0, c, size=(shape[0], *shape[2:]))
    t.flat[1] = -100  # one ignored target
    w = rng.random(c) + 0.1 if weighted else None
    tw = None if w is None else torch.tensor(w)
    mw = None if w is None else mg.tensor(w)
    _run(
        lambda z: F.cross_entropy(z, mg.tensor(t), reduction=reduction, label_smoothing=smoothing, weight=mw),
        lambda z: torch.nn.functional.cross_entropy(
            z, torch.tensor(t), weight=tw, reduction=reduction, label_smoothing=smoothing
        ),
        x, rng,
    )
    # the module form is the same computation
    loss = nn.CrossEntropyLoss(mw, reduction=reduction, label_smoothing=smoothing)
    tloss = torch.nn.CrossEntropyLoss(tw, reduction=reduction, label_smoothing=smoothing)
    assert_close(loss(mg.tensor(x), mg.tensor(t)), tloss(torch.tensor(x), torch.tensor(t)),
                 rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("ignore_index", [-100, 2, -1])
def test_cross_entropy_ignore_index_mean_divides_by_kept(ignore_index: int) -> None:
    torch = require_torch()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8, 3))
    t = rng.integers(0, 3, size=8)
    t[:3] = ignore_index
    ours = F.cross_entropy(mg.tensor(x), mg.tensor(t), ignore_index=ignore_index)
    theirs = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t), ignore_index=ignore_index)
    assert_close(ours, theirs, rtol=RTOL, atol=ATOL)
    kept = t != ignore_index
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    manual = -logp[np.arange(8)[kept], t[kept]].sum() / kept.sum()
    assert ours.item() == pytest.approx(manual, rel=1e-12)


def test_cross_entropy_all_ignored_is_nan_like_torch() -> None:
    torch = require_torch()
    t = np.full(4, -100)
    x = np.zeros((4, 3))
    ours = F.cross_entropy(mg.tensor(x), mg.tensor(t)).item()
    theirs = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t)).item()
    assert np.isnan(ours) and np.isnan(theirs)
    assert F.cross_entropy(mg.tensor(x), mg.tensor(t), reduction="sum").item() == 0.0


@pytest.mark.parametrize(("reduction", "smoothing", "weighted"),
                         list(itertools.product(REDUCTIONS, [0.0, 0.2], [False, True])))
def test_cross_entropy_probability_targets(reduction: str, smoothing: float, weighted: bool) -> None:
    torch = require_torch()
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 4, 2))
    p = rng.random((5, 4, 2))
    p /= p.sum(1, keepdims=True)
    w = rng.random(4) + 0.1 if weighted else None
    _run(
        lambda z: F.cross_entropy(z, mg.tensor(p), reduction=reduction, label_smoothing=smoothing,
                                  weight=None if w is None else mg.tensor(w)),
        lambda z: torch.nn.functional.cross_entropy(
            z, torch.tensor(p), reduction=reduction, label_smoothing=smoothing,
            weight=None if w is None else torch.tensor(w),
        ),
        x, rng,
    )


def test_cross_entropy_unbatched() -> None:
    torch = require_torch()
    rng = np.random.default_rng(3)
    x = rng.normal(size=5)
    _run(lambda z: F.cross_entropy(z, mg.tensor(3), label_smoothing=0.1),
         lambda z: torch.nn.functional.cross_entropy(z, torch.tensor(3), label_smoothing=0.1), x, rng)


def test_cross_entropy_huge_logits_stay_finite() -> None:
    torch = require_torch()
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [1e4, 1e4, -1e4]])
    t = np.array([1, 1, 0])
    for smoothing in (0.0, 0.1):
        mx = mg.tensor(x, requires_grad=True)
        tx = torch.tensor(x, requires_grad=True)
        ours = F.cross_entropy(mx, mg.tensor(t), label_smoothing=smoothing)
        theirs = torch.nn.functional.cross_entropy(tx, torch.tensor(t), label_smoothing=smoothing)
        ours.backward()
        theirs.backward()
        assert np.isfinite(ours.item()) and np.isfinite(mx.grad.numpy()).all()
        assert_close(ours, theirs, rtol=RTOL, atol=ATOL)
        assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
    assert F.cross_entropy(mg.tensor(x, dtype=mg.float32), mg.tensor(t)).isfinite().item()


@pytest.mark.parametrize(("reduction", "weighted"), list(itertools.product(REDUCTIONS, [False, True])))
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 5)])
def test_nll_loss(reduction: str, weighted: bool, shape: tuple[int, ...]) -> None:
    torch = require_torch()
    rng = np.random.default_rng(4)
    x = rng.normal(size=shape)
    t = rng.integers(0, 4, size=(shape[0], *shape[2:]))
    t.flat[0] = 1
    t.flat[-1] = -100
    w = rng.random(4) + 0.1 if weighted else None
    tw = None if w is None else torch.tensor(w)
    mw = None if w is None else mg.tensor(w)
    _run(lambda z: F.nll_loss(z, mg.tensor(t), mw, reduction=reduction),
         lambda z: torch.nn.functional.nll_loss(z, torch.tensor(t), tw, reduction=reduction), x, rng)
    t[t == -100] = 1
    ours = nn.NLLLoss(mw, ignore_index=1, reduction=reduction)(mg.tensor(x), mg.tensor(t))
    theirs = torch.nn.NLLLoss(tw, ignore_index=1, reduction=reduction)(torch.tensor(x), torch.tensor(t))
    assert_close(ours, theirs, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss(reduction: str) -> None:
    torch = require_torch()
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    _run(lambda z: F.mse_loss(z, mg.tensor(y), reduction=reduction),
         lambda z: torch.nn.functional.mse_loss(z, torch.tensor(y), reduction=reduction), x, rng)
    assert_close(nn.MSELoss(reduction=reduction)(mg.tensor(x), mg.tensor(y)),
                 torch.nn.MSELoss(reduction=reduction)(torch.tensor(x), torch.tensor(y)),
                 rtol=RTOL, atol=ATOL)


def test_mse_loss_broadcast_warns_like_torch() -> None:
    with pytest.warns(UserWarning, match="broadcast"):
        out = F.mse_loss(mg.tensor([[1.0, 2.0]]), mg.tensor([0.0]))
    assert out.item() == pytest.approx(2.5)


@pytest.mark.parametrize(("reduction", "pos", "weighted"),
                         list(itertools.product(REDUCTIONS, [False, True], [False, True])))
def test_bce_with_logits(reduction: str, pos: bool, weighted: bool) -> None:
    torch = require_torch()
    rng = np.random.default_rng(6)
    x = rng.normal(scale=4.0, size=(6, 3))
    x[0, 0] = 0.0  # the kink of max(x, 0): the derivative there is sigmoid(0) - y
    y = rng.random((6, 3))
    y[1] = [0.0, 1.0, 1.0]
    pw = rng.random(3) * 3 if pos else None
    w = rng.random((6, 3)) if weighted else None
    _run(
        lambda z: F.binary_cross_entropy_with_logits(
            z, mg.tensor(y), None if w is None else mg.tensor(w), reduction=reduction,
            pos_weight=None if pw is None else mg.tensor(pw)),
        lambda z: torch.nn.functional.binary_cross_entropy_with_logits(
            z, torch.tensor(y), None if w is None else torch.tensor(w), reduction=reduction,
            pos_weight=None if pw is None else torch.tensor(pw)),
        x, rng,
    )
    loss = nn.BCEWithLogitsLoss(None if w is None else mg.tensor(w), reduction=reduction,
                                pos_weight=None if pw is None else mg.tensor(pw))
    tloss = torch.nn.BCEWithLogitsLoss(None if w is None else torch.tensor(w), reduction=reduction,
                                       pos_weight=None if pw is None else torch.tensor(pw))
    assert_close(loss(mg.tensor(x), mg.tensor(y)), tloss(torch.tensor(x), torch.tensor(y)),
                 rtol=RTOL, atol=ATOL)
    assert list(loss.state_dict()) == list(tloss.state_dict())


def test_bce_with_logits_extreme_logits() -> None:
    """Large logits: finite, and as accurate as log1p (tiny losses keep their digits)."""
    torch = require_torch()
    x = np.array([40.0, -40.0, 1e4, -1e4, 700.0, -700.0, 800.0, -800.0, 20.0, 0.0])
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours = F.binary_cross_entropy_with_logits(mx, mg.tensor(y), reduction="none")
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(tx, torch.tensor(y), reduction="none")
    assert np.isfinite(ours.detach().numpy()).all()
    assert_close(ours, theirs, rtol=1e-12, atol=0.0)  # e.g. 4.248e-18 at x=40, y=1
    ours.sum().backward()
    theirs.sum().backward()
    assert np.isfinite(mx.grad.numpy()).all()
    # torch's own gradient at +-40 is off by one ulp of 1 (2.2e-16); the true value is -sigmoid(-40)
    assert_close(mx.grad, tx.grad, rtol=1e-12, atol=3e-16)
    assert mx.grad.numpy()[0] == pytest.approx(-1 / (1 + np.exp(40.0)), rel=1e-12)


def _chain(fn: Any) -> list[str]:
    """Node names from ``fn`` down its first inputs to a leaf: the graph's spine."""
    names = []
    while fn is not None:
        names.append(fn.name())
        fn = fn.next_functions[0][0] if fn.next_functions else None
    return names


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_is_one_nll_node_after_log_softmax_as_in_pytorch(reduction: str) -> None:
    """The usual loss records PyTorch's graph (NllLoss, LogSoftmax, the logits' ops) and its second
    derivative matches too: the NllLoss primitive under create_graph."""
    torch = require_torch()
    rng = np.random.default_rng(3)
    x, w, t = rng.normal(size=(5, 4)), rng.normal(size=(4, 4)), rng.integers(0, 4, 5)
    mx, mw = mg.tensor(x, requires_grad=True), mg.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ml = F.cross_entropy(mx @ mw, mg.tensor(t), reduction=reduction)
    tl = torch.nn.functional.cross_entropy(tx @ tw, torch.tensor(t), reduction=reduction)
    assert _chain(ml.grad_fn) == _chain(tl.grad_fn)[: len(_chain(ml.grad_fn))]
    assert _chain(ml.grad_fn)[:2] == ["NllLossBackward0", "LogSoftmaxBackward0"]
    (mg_gx,) = mg.autograd.grad(ml, mx, create_graph=True)
    (t_gx,) = torch.autograd.grad(tl, tx, create_graph=True)
    assert_close(mg_gx, t_gx, rtol=RTOL, atol=ATOL)
    (mg_gx * mg_gx).sum().backward()
    (t_gx * t_gx).sum().backward()
    assert_close(mw.grad, tw.grad, rtol=RTOL, atol=ATOL)
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("shape", [(3, 4, 5, 2), (2, 4, 3), (2, 3, 2, 2, 3)])
def test_nd_class_index_losses_read_scores_in_place(reduction: str, shape: tuple[int, ...]) -> None:
    """(N, C, d...) scores: NllLoss picks them where they are (no copy with the classes moved last);
    values, gradients and second derivatives (create_graph) as PyTorch's."""
    torch = require_torch()
    rng = np.random.default_rng(11)
    x = rng.normal(size=shape)
    t = rng.integers(0, shape[1], (shape[0], *shape[2:]))
    w = rng.normal(size=shape)
    got = []
    for lib in (mg, torch):
        xt = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(xt, lib.tensor(t), reduction=reduction)
        (gx,) = lib.autograd.grad(loss, xt, create_graph=True)
        (ggx,) = lib.autograd.grad((gx * gx * lib.tensor(w)).sum(), xt)
        got.append((loss.detach().numpy(), gx.detach().numpy(), ggx.numpy()))
    for ours, theirs in zip(*got):
        assert_close(mg.tensor(ours), torch.tensor(theirs), rtol=RTOL, atol=ATOL)
    logp = mg.tensor(x, requires_grad=True).log_softmax(1)
    loss = F.nll_loss(logp, mg.tensor(t), reduction=reduction)
    assert loss._ctx is not None and loss._ctx.parents[0] is logp  # (the scores themselves, not a copy)
