"""mg.gradcheck on every layer and loss in float64 (the gradients come from composition)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F


def _x(*shape: int, seed: int = 0) -> mg.Tensor:
    return mg.tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True)


def _check_module(module: nn.Module, x: mg.Tensor) -> None:
    module.double()
    params = list(module.parameters())
    for p in params:  # make affine parameters non-trivial
        p.numpy()[...] = np.random.default_rng(1).normal(size=p.shape)

    def fn(inp: mg.Tensor, *ps: mg.Tensor) -> mg.Tensor:
        return module(inp)

    assert mg.gradcheck(fn, (x, *params))


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2)])
@pytest.mark.parametrize(("affine", "track", "train"),
                         [(True, True, True), (False, True, True), (True, False, True),
                          (True, True, False), (True, False, False)])
def test_batchnorm1d(shape: tuple[int, ...], affine: bool, track: bool, train: bool) -> None:
    bn = nn.BatchNorm1d(3, affine=affine, track_running_stats=track, momentum=None)
    if track:
        bn.double()
        bn(mg.randn(*shape, dtype=mg.float64))  # non-trivial running statistics
    bn.train(train)
    _check_module(bn, _x(*shape))


@pytest.mark.parametrize(("normalized", "shape"), [(4, (3, 4)), ((2, 3), (2, 2, 3))])
@pytest.mark.parametrize("affine", [True, False])
def test_layernorm(normalized: Any, shape: tuple[int, ...], affine: bool) -> None:
    _check_module(nn.LayerNorm(normalized, elementwise_affine=affine), _x(*shape))


def test_linear_and_activations() -> None:
    for m in (nn.Linear(3, 2), nn.Linear(3, 2, bias=False), nn.ReLU(), nn.GELU(), nn.GELU("tanh"),
              nn.Tanh(), nn.Sigmoid(), nn.Softmax(1), nn.LogSoftmax(-1), nn.Flatten(), nn.Identity()):
        _check_module(m, _x(4, 3, seed=2) if not isinstance(m, nn.Flatten) else _x(2, 3, 2))


def test_dropout_with_a_fixed_mask() -> None:
    d = nn.Dropout(0.3)

    def fn(x: mg.Tensor) -> mg.Tensor:
        mg.manual_seed(7)  # the same mask for every evaluation
        return d(x)

    assert mg.gradcheck(fn, (_x(6, 5),))


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy(smoothing: float) -> None:
    t = mg.tensor([0, 2, -100, 1])
    w = mg.tensor([0.5, 1.0, 2.0], dtype=mg.float64)
    assert mg.gradcheck(lambda x: F.cross_entropy(x, t, label_smoothing=smoothing, weight=w), (_x(4, 3),))
    t3 = mg.tensor([[0, 2], [1, 1]])
    assert mg.gradcheck(lambda x: F.cross_entropy(x, t3, reduction="none"), (_x(2, 3, 2),))


def test_other_losses() -> None:
    y = mg.tensor(np.random.default_rng(3).random((3, 4)))
    assert mg.gradcheck(lambda x, t: F.mse_loss(x, t), (_x(3, 4), _x(3, 4, seed=5)))
    assert mg.gradcheck(lambda x: F.nll_loss(x, mg.tensor([1, 0, 3])), (_x(3, 4),))
    pw = mg.tensor([1.0, 2.0, 0.5, 3.0], dtype=mg.float64)
    x = _x(3, 4)
    x.numpy()[0, 0] = 0.0  # the kink of max(x, 0)
    x.numpy()[1, 1] = 30.0
    assert mg.gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, y, pos_weight=pw), (x,))


def test_second_order_through_layer_norm() -> None:
    ln = nn.LayerNorm(3).double()
    assert mg.gradgradcheck(lambda x: ln(x), (_x(2, 3),))
