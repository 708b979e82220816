"""The margin losses on class scores and the distance triplet loss against torch in float64, beyond the
loss table: class weights, unbatched inputs, custom distances, PyTorch's error classes, and gradchecks
of the compositions."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

torch = require_torch()
tf = torch.nn.functional


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_multi_margin_weight_matches_torch(p: int, reduction: str) -> None:
    rng = np.random.default_rng(1)
    x, y, w = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6), rng.random(4) + 0.1
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    theirs = torch.nn.MultiMarginLoss(p, 0.7, torch.tensor(w), reduction=reduction)
    ours = nn.MultiMarginLoss(p, 0.7, mg.tensor(w), reduction=reduction)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    ty, my = theirs(tx, torch.tensor(y)), ours(mx, mg.tensor(y))
    assert_close(my, ty)
    g = rng.normal(size=tuple(ty.shape))
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad)


def test_unbatched_class_scores_match_torch() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=5)
    assert_close(F.multi_margin_loss(mg.tensor(x), mg.tensor(3)), tf.multi_margin_loss(torch.tensor(x),
                                                                                         torch.tensor(3)))
    t = np.array([4, 1, -1, 0, 0])
    for reduction in ("none", "mean"):
        assert_close(F.multilabel_margin_loss(mg.tensor(x), mg.tensor(t), reduction=reduction),
                     tf.multilabel_margin_loss(torch.tensor(x), torch.tensor(t), reduction=reduction))


def test_triplet_with_custom_distance_matches_torch() -> None:
    rng = np.random.default_rng(3)
    arrays = [rng.normal(size=(5, 3)) for _ in range(3)]
    tt = [torch.tensor(a, requires_grad=True) for a in arrays]
    mt = [mg.tensor(a, requires_grad=True) for a in arrays]
    ty = torch.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda u, v: 1 - tf.cosine_similarity(u, v), margin=0.5, swap=True)(*tt)
    my = nn.TripletMarginWithDistanceLoss(
        distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), margin=0.5, swap=True)(*mt)
    assert_close(my, ty)
    ty.backward()
    my.backward()
    for m, t in zip(mt, tt, strict=True):
        assert_close(m.grad, t.grad)
    assert repr(nn.TripletMarginWithDistanceLoss()) == repr(torch.nn.TripletMarginWithDistanceLoss())


def test_errors_are_pytorch_classes() -> None:
    x = mg.randn(3, 4)
    with pytest.raises(ValueError, match="p == 1 and p == 2"):
        F.multi_margin_loss(x, mg.tensor([0, 1, 2]), p=3)
    with pytest.raises(InvalidParameterError, match="p=3"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="one-dimensional"):
        nn.MultiMarginLoss(weight=mg.ones(2, 2))
    with pytest.raises(ShapeError, match=r"\(2,\)"):
        F.multi_margin_loss(x, mg.tensor([0, 1]))
    with pytest.raises(ShapeError, match="inconsistent target size"):
        F.multilabel_margin_loss(x, mg.tensor([0, 1, 2]))
    with pytest.raises(InvalidParameterError, match="out of range"):
        F.multi_margin_loss(x, mg.tensor([0, 1, 4]))
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        nn.TripletMarginWithDistanceLoss(margin=0.0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.triplet_margin_with_distance_loss(x, x, mg.randn(4))


def _x(*shape: int, seed: int = 0) -> mg.Tensor:
    return mg.tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True)


def test_gradcheck_of_the_compositions() -> None:
    y = mg.tensor([1, 0, 3])
    w = mg.tensor([0.5, 1.0, 2.0, 1.5], dtype=mg.float64)
    signs = mg.tensor([1.0, -1.0, 1.0, -1.0], dtype=mg.float64)
    labels = mg.tensor([[2, 0, -1, 1], [3, -1, 0, 0], [1, 2, 3, 0]])
    assert mg.gradcheck(lambda x: F.multi_margin_loss(x, y, p=2, weight=w, reduction="none"), (_x(3, 4),))
    assert mg.gradcheck(lambda x: F.multi_margin_loss(x, y, margin=3.0), (_x(3, 4),))
    assert mg.gradcheck(lambda x: F.multilabel_margin_loss(x, labels, reduction="none"), (_x(3, 4),))
    assert mg.gradcheck(lambda x: F.soft_margin_loss(x, signs), (_x(4),))
    assert mg.gradcheck(lambda x: F.hinge_embedding_loss(x, signs, margin=5.0), (_x(4),))
    assert mg.gradcheck(lambda a, p, n: F.triplet_margin_with_distance_loss(a, p, n, margin=3.0),
                        (_x(3, 2), _x(3, 2, seed=1), _x(3, 2, seed=2)))
