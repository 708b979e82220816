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
        p.detach().numpy()[...] = np.random.default_rng(1).normal(size=p.shape)

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
    x.detach().numpy()[0, 0] = 0.0  # the kink of max(x, 0)
    x.detach().numpy()[1, 1] = 30.0
    assert mg.gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, y, pos_weight=pw), (x,))


def test_second_order_through_layer_norm() -> None:
    ln = nn.LayerNorm(3).double()
    assert mg.gradgradcheck(lambda x: ln(x), (_x(2, 3),))


def _away_from_kinks(*shape: int, seed: int = 0) -> mg.Tensor:
    """Normal samples nudged off the kinks at 0, +-0.5, +-1, +-3 and 6 by more than gradcheck's step."""
    x = np.random.default_rng(seed).normal(scale=2.0, size=shape)
    for k in (0.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 6.0):
        x = np.where(np.abs(x - k) < 1e-3, x + 0.01, x)
    return mg.tensor(x, requires_grad=True)


def _pos(*shape: int, seed: int = 0) -> mg.Tensor:
    return mg.tensor(np.random.default_rng(seed).uniform(0.1, 0.9, size=shape), requires_grad=True)


# (id, function of the inputs, inputs); every input that requires grad is checked
COMPOSITIONS: list[tuple[str, Any, list[mg.Tensor]]] = [
    ("activations", lambda x: F.leaky_relu(x, 0.2) + F.elu(x, 0.7) + F.selu(x) + F.celu(x, 1.5) + F.silu(x)
     + F.mish(x) + F.softplus(x, 2.0, 3.0) + F.softsign(x) + F.hardtanh(x) + F.relu6(x * 3) + F.hardswish(x)
     + F.hardsigmoid(x) + F.logsigmoid(x) + F.tanhshrink(x) + F.softshrink(x) + F.hardshrink(x)
     + F.threshold(x, 0.3, -1.0), [_away_from_kinks(3, 4)]),
    ("prelu-glu-softmin", lambda x, w: F.prelu(x, w).sum(1) + F.glu(x, 1).sum(1) + F.softmin(x, 1).sum(1),
     [_away_from_kinks(3, 4, 2), _x(4, seed=1)]),
    ("norms", lambda x, w, b: F.group_norm(x, 2, w, b) + F.instance_norm(x, weight=w, bias=b)
     + F.rms_norm(x, (4, 2)) + F.local_response_norm(x, 3), [_x(3, 4, 2), _x(4, seed=1), _x(4, seed=2)]),
    ("vectors", lambda x, y: F.normalize(x, 3.0) + F.cosine_similarity(x, y, 1).unsqueeze(1)
     + F.pairwise_distance(x, y, 1.5).unsqueeze(1), [_x(3, 4), _x(3, 4, seed=1)]),
    ("bilinear", lambda x, y, w, b: F.bilinear(x, y, w, b), [_x(3, 2), _x(3, 4, seed=1), _x(5, 2, 4, seed=2),
                                                             _x(5, seed=3)]),
    ("regression-losses", lambda x, t: F.l1_loss(x, t) + F.smooth_l1_loss(x, t, beta=0.5)
     + F.huber_loss(x, t, delta=0.7) + F.poisson_nll_loss(x, t.abs()) + F.gaussian_nll_loss(x, t, x.abs() + 1)
     + F.kl_div(F.log_softmax(x, 1), F.softmax(t, 1), reduction="batchmean"),
     [_away_from_kinks(3, 4), _x(3, 4, seed=5)]),
    ("bce", lambda p, t: F.binary_cross_entropy(p, t) + F.multilabel_soft_margin_loss(p, t),
     [_pos(3, 4), _pos(3, 4, seed=1)]),
    ("margin-losses", lambda a, b, c: F.triplet_margin_loss(a, b, c, margin=3.0, swap=True)
     + F.cosine_embedding_loss(a, b, mg.tensor([1.0, -1.0, 1.0]), margin=-0.5)
     + F.margin_ranking_loss(a[:, 0], b[:, 0], mg.tensor([1.0, -1.0, 1.0]), margin=10.0),
     [_x(3, 4), _x(3, 4, seed=1), _x(3, 4, seed=2)]),
    ("embedding_bag", lambda w, psw: F.embedding_bag(mg.tensor([1, 2, 2, 4, 0]), w, mg.tensor([0, 2]),
                                                     mode="sum", per_sample_weights=psw)
     + F.embedding_bag(mg.tensor([[1, 2], [3, 4]]), w, mode="max") + F.embedding_bag(mg.tensor([[1, 2]]), w),
     [_x(5, 3), _x(5, seed=1)]),
]  # fmt: skip


@pytest.mark.parametrize(("fn", "inputs"), [c[1:] for c in COMPOSITIONS], ids=[c[0] for c in COMPOSITIONS])
def test_new_layers_gradcheck(fn: Any, inputs: list[mg.Tensor]) -> None:
    assert mg.gradcheck(fn, inputs)


def test_activation_second_derivatives() -> None:
    x = _away_from_kinks(2, 3, seed=4)
    assert mg.gradgradcheck(lambda t: F.elu(t) + F.mish(t) + F.softplus(t, 2.0) + F.logsigmoid(t)
                            + F.silu(t) + F.softsign(t), [x])
