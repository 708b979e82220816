"""BatchNorm1d, LayerNorm and Dropout against torch.nn in float64, over several training steps."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import assert_close, require_torch

RTOL = 1e-10
ATOL = 1e-12


def _copy_weights(src: Any, dst: nn.Module) -> None:
    """Load a torch module's state into a minigrad module (exercises load_state_dict too)."""
    dst.load_state_dict({k: v.detach().numpy() for k, v in src.state_dict().items()})


def _compare_state(ours: nn.Module, theirs: Any) -> None:
    ts = theirs.state_dict()
    ms = ours.state_dict()
    assert list(ms) == list(ts)
    for k in ts:
        assert_close(ms[k], ts[k].numpy(), rtol=RTOL, atol=ATOL)


BN_FLAGS = list(itertools.product([True, False], [True, False], [0.1, None, 0.0, 1.0]))


def _step_and_compare(torch: Any, tm: Any, mm: nn.Module, x: Any, g: Any, affine: bool) -> None:
    """One forward+backward on both sides; outputs and all gradients must agree."""
    tx = torch.tensor(x, requires_grad=True)
    mx = mg.tensor(x, requires_grad=True)
    ty, my = tm(tx), mm(mx)
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
    if affine:
        assert_close(mm.weight.grad, tm.weight.grad, rtol=RTOL, atol=ATOL)
        assert_close(mm.bias.grad, tm.bias.grad, rtol=RTOL, atol=ATOL)
        mm.zero_grad()
        tm.zero_grad()


@pytest.mark.parametrize("shape", [(8, 5), (6, 5, 4)])
@pytest.mark.parametrize(("affine", "track", "momentum"), BN_FLAGS)
def test_batchnorm1d_matches_torch_over_steps(shape: tuple[int, ...], affine: bool, track: bool,
                                               momentum: float | None) -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    kw = {"eps": 1e-3, "momentum": momentum, "affine": affine, "track_running_stats": track}
    tm = torch.nn.BatchNorm1d(5, **kw).double()
    mm = nn.BatchNorm1d(5, **kw).double()
    if affine:  # non-trivial affine parameters, so their gradients are exercised
        with torch.no_grad():
            tm.weight.copy_(torch.tensor(rng.normal(size=5)))
            tm.bias.copy_(torch.tensor(rng.normal(size=5)))
    _copy_weights(tm, mm)
    for step in range(4):
        x = rng.normal(loc=step, scale=1 + step, size=shape)
        g = rng.normal(size=shape)
        _step_and_compare(torch, tm, mm, x, g, affine)
        _compare_state(mm, tm)
    # eval: running statistics (or batch statistics without tracking)
    tm.eval()
    mm.eval()
    for n in ([shape[0], 2] if track else [shape[0]]):
        x = rng.normal(size=(n, *shape[1:]))
        g = rng.normal(size=x.shape)
        _step_and_compare(torch, tm, mm, x, g, affine)
    _compare_state(mm, tm)


def test_batchnorm1d_eval_single_sample_uses_running_stats() -> None:
    torch = require_torch()
    rng = np.random.default_rng(1)
    tm = torch.nn.BatchNorm1d(3).double()
    mm = nn.BatchNorm1d(3).double()
    for _ in range(3):
        x = rng.normal(2.0, 3.0, size=(16, 3))
        tm(torch.tensor(x))
        mm(mg.tensor(x))
    tm.eval()
    mm.eval()
    one = rng.normal(size=(1, 3))
    assert_close(mm(mg.tensor(one)), tm(torch.tensor(one)), rtol=RTOL, atol=ATOL)
    # the answer for a sample does not depend on the rest of the batch
    batch = np.concatenate([one, rng.normal(size=(4, 3))])
    assert_close(mm(mg.tensor(batch)).detach().numpy()[:1],
                 mm(mg.tensor(one)).detach().numpy(), rtol=1e-14, atol=1e-15)


def test_batchnorm1d_bias_flag_matches_torch() -> None:
    torch = require_torch()
    rng = np.random.default_rng(2)
    tm = torch.nn.BatchNorm1d(4, bias=False).double()
    mm = nn.BatchNorm1d(4, bias=False).double()
    assert list(mm.state_dict()) == list(tm.state_dict())
    x = rng.normal(size=(5, 4))
    tx = torch.tensor(x, requires_grad=True)
    mx = mg.tensor(x, requires_grad=True)
    tm(tx).pow(3).sum().backward()
    (mm(mx) ** 3).sum().backward()
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
    assert_close(mm.weight.grad, tm.weight.grad, rtol=RTOL, atol=ATOL)


def test_functional_batch_norm_matches_torch() -> None:
    torch = require_torch()
    F, TF = nn.functional, torch.nn.functional
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 3, 2))
    w, b = rng.normal(size=3), rng.normal(size=3)
    rm, rv = rng.normal(size=3), rng.random(3) + 0.5
    for training in (True, False):
        trm, trv = torch.tensor(rm), torch.tensor(rv)
        mrm, mrv = mg.tensor(rm), mg.tensor(rv)
        tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
        tw, mw = torch.tensor(w, requires_grad=True), mg.tensor(w, requires_grad=True)
        tb, mb = torch.tensor(b, requires_grad=True), mg.tensor(b, requires_grad=True)
        ty = TF.batch_norm(tx, trm, trv, tw, tb, training=training, momentum=0.3, eps=1e-4)
        my = F.batch_norm(mx, mrm, mrv, mw, mb, training=training, momentum=0.3, eps=1e-4)
        g = rng.normal(size=x.shape)
        ty.backward(torch.tensor(g))
        my.backward(mg.tensor(g))
        for ours, theirs in ((my, ty), (mx.grad, tx.grad), (mw.grad, tw.grad), (mb.grad, tb.grad),
                             (mrm, trm), (mrv, trv)):
            assert_close(ours, theirs, rtol=RTOL, atol=ATOL)
    # batch statistics only: no buffers, no affine
    ty = TF.batch_norm(torch.tensor(x), None, None, training=True)
    my = F.batch_norm(mg.tensor(x), None, None, training=True)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    ("normalized_shape", "in_shape"),
    [(6, (4, 6)), ((6,), (2, 3, 6)), ([3, 6], (2, 3, 6)), ((2, 3, 6), (2, 3, 6)), (5, (5,))],
)
@pytest.mark.parametrize(("affine", "bias"), [(True, True), (True, False), (False, True)])
def test_layernorm_matches_torch(normalized_shape: Any, in_shape: tuple[int, ...], affine: bool,
                                 bias: bool) -> None:
    torch = require_torch()
    rng = np.random.default_rng(4)
    tm = torch.nn.LayerNorm(normalized_shape, eps=1e-4, elementwise_affine=affine, bias=bias).double()
    mm = nn.LayerNorm(normalized_shape, eps=1e-4, elementwise_affine=affine, bias=bias).double()
    assert list(mm.state_dict()) == list(tm.state_dict())
    with torch.no_grad():
        for p in tm.parameters():
            p.copy_(torch.tensor(rng.normal(size=tuple(p.shape))))
    _copy_weights(tm, mm)
    for train in (True, False):  # LayerNorm behaves the same in both modes
        tm.train(train)
        mm.train(train)
        x = rng.normal(loc=3.0, scale=2.0, size=in_shape)
        g = rng.normal(size=in_shape)
        tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
        ty, my = tm(tx), mm(mx)
        ty.backward(torch.tensor(g))
        my.backward(mg.tensor(g))
        assert_close(my, ty, rtol=RTOL, atol=ATOL)
        assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
        for (name, mp), (_, tp) in zip(mm.named_parameters(), tm.named_parameters(), strict=True):
            assert mp.grad is not None, name
            assert_close(mp.grad, tp.grad, rtol=RTOL, atol=ATOL)
        mm.zero_grad()
        tm.zero_grad()


def test_layernorm_float32_stays_float32() -> None:
    torch = require_torch()
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4, 8)).astype(np.float32)
    mm = nn.LayerNorm(8)
    tm = torch.nn.LayerNorm(8)
    y = mm(mg.tensor(x))
    assert y.dtype == np.float32
    assert_close(y, tm(torch.tensor(x)), rtol=1e-5, atol=1e-5)
    bn = nn.BatchNorm1d(8)
    yb = bn(mg.tensor(x))
    assert yb.dtype == np.float32 and bn.running_var is not None and bn.running_var.dtype == np.float32
    assert_close(yb, torch.nn.BatchNorm1d(8)(torch.tensor(x)), rtol=1e-5, atol=1e-5)


def test_dropout_eval_identity_and_scaling_like_torch() -> None:
    torch = require_torch()
    x = np.random.default_rng(6).normal(size=(50, 40))
    for p in (0.1, 0.5, 0.9):
        ty = torch.nn.Dropout(p)(torch.tensor(x))
        my = nn.Dropout(p)(mg.tensor(x)).numpy()
        # survivors of both are x / (1 - p); the rest are 0
        for y in (ty.numpy(), my):
            kept = y != 0
            np.testing.assert_allclose(y[kept], x[kept] / (1 - p), rtol=1e-15)
        d = nn.Dropout(p).eval()
        tx = torch.tensor(x)
        assert np.array_equal(d(mg.tensor(x)).numpy(), torch.nn.Dropout(p).eval()(tx).numpy())
