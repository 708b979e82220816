"""The regression, probabilistic, margin and multi-label losses against torch in float64, from one table:
values for every reduction, gradients of every float argument (under a random upstream gradient), the
module form and its repr. Inputs include each loss's kinks (equal input and target, |d| == beta or
delta, a hinge exactly at 0, probabilities at the BCE clamp)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

RTOL = 1e-10
ATOL = 1e-12
Arrays = dict[str, Any]


def _regression(rng: np.random.Generator) -> Arrays:
    x = rng.normal(size=(4, 5))
    t = rng.normal(size=(4, 5))
    x[0, :4] = t[0, :4] + np.array([0.0, 1.0, -1.0, 0.5])  # d = 0, +-1 (beta, delta), 0.5 (beta=0.5)
    x[1, 0] = t[1, 0] - 2.0  # |d| == delta = 2
    return {"input": x, "target": t, "weight": rng.random((4, 5)) + 0.1}


def _probabilities(rng: np.random.Generator) -> Arrays:
    x = rng.uniform(0.02, 0.98, size=(4, 5))
    x[0, :2] = [1e-13, 1 - 1e-13]  # within PyTorch's 1e-12 clamp of x * (1 - x)
    return {"input": x, "target": rng.uniform(size=(4, 5)), "weight": rng.random(5) + 0.1}


def _kl(rng: np.random.Generator) -> Arrays:
    logits = rng.normal(size=(3, 4))
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    return {"input": logp, "target": rng.dirichlet(np.ones(4), size=3)}


def _counts(rng: np.random.Generator) -> Arrays:
    t = rng.poisson(2.0, size=(4, 5)).astype(np.float64)
    t[0, :3] = [0.0, 1.0, 2.0]  # the Stirling term switches on above 1
    return {"input": rng.uniform(0.1, 3.0, size=(4, 5)), "target": t}


def _gaussian(var_shape: tuple[int, ...]) -> Callable[[np.random.Generator], Arrays]:
    def make(rng: np.random.Generator) -> Arrays:
        var = rng.uniform(0.2, 2.0, size=var_shape)
        var.flat[0] = 1e-9  # below eps: clamped in value only
        return {"input": rng.normal(size=(4, 3)), "target": rng.normal(size=(4, 3)), "var": var}

    return make


def _pairs(rng: np.random.Generator) -> Arrays:
    x1, x2 = rng.normal(size=6), rng.normal(size=6)
    y = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    x1[0], x2[0] = 1.0, 0.5  # -y * (x1 - x2) + margin == 0 exactly for margin 0.5: the hinge's kink
    return {"input1": x1, "input2": x2, "target": y}


def _embeddings(rng: np.random.Generator) -> Arrays:
    return {"input1": rng.normal(size=(5, 4)), "input2": rng.normal(size=(5, 4)),
            "target": np.array([1.0, -1.0, 1.0, -1.0, -1.0])}


def _triplets(rng: np.random.Generator) -> Arrays:
    return {"anchor": rng.normal(size=(5, 4)), "positive": rng.normal(size=(5, 4)),
            "negative": rng.normal(size=(5, 4))}


def _multilabel(rng: np.random.Generator) -> Arrays:
    return {"input": rng.normal(scale=2.0, size=(4, 5)), "target": (rng.random((4, 5)) > 0.5) * 1.0,
            "weight": rng.random(5) + 0.1}


def _signs(rng: np.random.Generator) -> Arrays:
    x = rng.normal(size=(4, 5))
    x[0, :2] = [1.0, 0.0]  # margin 1 - x == 0 (the hinge's kink) and x == 0
    y = np.where(rng.random((4, 5)) > 0.5, 1.0, -1.0)
    y[0, :2] = -1.0
    return {"input": x, "target": y}


def _class_scores(rng: np.random.Generator) -> Arrays:
    x = rng.normal(size=(4, 5))
    y = np.array([1, 0, 4, 2])
    x[0, 3] = x[0, 1] - 1.0  # margin - x[y] + x[i] == 0: the kink, where PyTorch passes no gradient
    x[1, 2] = x[1, 0] - 0.5  # the same for margin 0.5
    return {"input": x, "target": y}


def _label_lists(rng: np.random.Generator) -> Arrays:
    x = rng.normal(size=(4, 5))
    t = np.array([[3, 0, -1, 1, 2], [1, 2, 3, 4, 0], [-1, 0, 0, 0, 0], [2, 2, -1, 0, 0]])
    x[0, 1] = x[0, 3] - 1.0  # 1 - (x[j] - x[i]) == 0 for target j=3, non-target i=1
    return {"input": x, "target": t}


# (id, F name, module name, input maker, F/module keyword arguments, arguments given as module
# constructor arguments (weights), names of the arguments whose gradients PyTorch computes)
CASES: list[tuple[str, str, str, Callable[[np.random.Generator], Arrays], dict[str, Any], tuple[str, ...],
                  tuple[str, ...]]] = [
    ("l1", "l1_loss", "L1Loss", _regression, {}, (), ("input", "target")),
    ("l1-weight", "l1_loss", "", _regression, {}, ("weight",), ("input", "target")),
    ("mse-weight", "mse_loss", "", _regression, {}, ("weight",), ("input", "target")),
    ("smooth_l1", "smooth_l1_loss", "SmoothL1Loss", _regression, {}, (), ("input", "target")),
    ("smooth_l1-0.5", "smooth_l1_loss", "SmoothL1Loss", _regression, {"beta": 0.5}, (), ("input", "target")),
    ("smooth_l1-0", "smooth_l1_loss", "SmoothL1Loss", _regression, {"beta": 0.0}, (), ("input", "target")),
    ("huber", "huber_loss", "HuberLoss", _regression, {}, (), ("input", "target")),
    ("huber-2", "huber_loss", "HuberLoss", _regression, {"delta": 2.0}, (), ("input", "target")),
    ("huber-weight", "huber_loss", "", _regression, {"delta": 2.0}, ("weight",), ("input", "target")),
    ("bce", "binary_cross_entropy", "BCELoss", _probabilities, {}, (), ("input", "target")),
    ("bce-weight", "binary_cross_entropy", "BCELoss", _probabilities, {}, ("weight",), ("input", "target")),
    ("kl", "kl_div", "KLDivLoss", _kl, {}, (), ("input", "target")),
    ("kl-log_target", "kl_div", "KLDivLoss", _kl, {"log_target": True}, (), ("input", "target")),
    ("poisson", "poisson_nll_loss", "PoissonNLLLoss", _counts, {}, (), ("input", "target")),
    # (the target's gradient is left out: PyTorch's is nan at target 0, from 0 * log(0) in the Stirling term)
    ("poisson-rate-full", "poisson_nll_loss", "PoissonNLLLoss", _counts, {"log_input": False, "full": True},
     (), ("input",)),
    ("gaussian", "gaussian_nll_loss", "GaussianNLLLoss", _gaussian((4, 3)), {}, (),
     ("input", "target", "var")),
    ("gaussian-short-var-full", "gaussian_nll_loss", "GaussianNLLLoss", _gaussian((4,)), {"full": True}, (),
     ("input", "target", "var")),
    ("gaussian-size1-var", "gaussian_nll_loss", "GaussianNLLLoss", _gaussian((4, 1)), {"eps": 1e-3}, (),
     ("input", "target", "var")),
    ("margin_ranking", "margin_ranking_loss", "MarginRankingLoss", _pairs, {"margin": 0.5}, (),
     ("input1", "input2", "target")),
    ("cosine_embedding", "cosine_embedding_loss", "CosineEmbeddingLoss", _embeddings, {"margin": 0.2}, (),
     ("input1", "input2")),
    ("triplet", "triplet_margin_loss", "TripletMarginLoss", _triplets, {"margin": 2.0}, (),
     ("anchor", "positive", "negative")),
    ("triplet-p1-swap", "triplet_margin_loss", "TripletMarginLoss", _triplets,
     {"margin": 2.0, "p": 1.0, "swap": True}, (), ("anchor", "positive", "negative")),
    ("multilabel_soft_margin", "multilabel_soft_margin_loss", "MultiLabelSoftMarginLoss", _multilabel, {},
     ("weight",), ("input", "target")),
    ("soft_margin", "soft_margin_loss", "SoftMarginLoss", _signs, {}, (), ("input",)),
    ("hinge_embedding", "hinge_embedding_loss", "HingeEmbeddingLoss", _signs, {}, (), ("input",)),
    ("hinge_embedding-2", "hinge_embedding_loss", "HingeEmbeddingLoss", _signs, {"margin": 2.0}, (),
     ("input",)),
    ("multi_margin", "multi_margin_loss", "MultiMarginLoss", _class_scores, {}, (), ("input",)),
    ("multi_margin-p2", "multi_margin_loss", "MultiMarginLoss", _class_scores, {"p": 2, "margin": 0.5}, (),
     ("input",)),
    ("multilabel_margin", "multilabel_margin_loss", "MultiLabelMarginLoss", _label_lists, {}, (), ("input",)),
    ("triplet_distance", "triplet_margin_with_distance_loss", "TripletMarginWithDistanceLoss", _triplets,
     {"margin": 2.0}, (), ("anchor", "positive", "negative")),
    ("triplet_distance-swap", "triplet_margin_with_distance_loss", "TripletMarginWithDistanceLoss", _triplets,
     {"swap": True}, (), ("anchor", "positive", "negative")),
]  # fmt: skip

REDUCTIONS = {"kl_div": ("batchmean", "sum", "none"), "huber_loss": ("mean", "sum", "none")}


def _case_ids() -> list[tuple[Any, str]]:
    return [(c, r) for c in CASES for r in REDUCTIONS.get(c[1], ("mean", "sum", "none"))]


@pytest.mark.parametrize(("case", "reduction"), _case_ids(), ids=[f"{c[0]}-{r}" for c, r in _case_ids()])
def test_loss_matches_torch(case: tuple[Any, ...], reduction: str) -> None:
    torch = require_torch()
    _, fname, module, make, kwargs, ctor_args, differentiable = case
    rng = np.random.default_rng(0)
    arrays = {n: a for n, a in make(rng).items() if n != "weight" or n in ctor_args}
    names = [n for n in arrays if n not in ctor_args]
    tt = {n: torch.tensor(a, requires_grad=n in differentiable) for n, a in arrays.items()}
    mt = {n: mg.tensor(a, requires_grad=n in differentiable) for n, a in arrays.items()}
    ty = getattr(torch.nn.functional, fname)(**tt, **kwargs, reduction=reduction)
    my = getattr(F, fname)(**mt, **kwargs, reduction=reduction)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    g = rng.normal(size=tuple(ty.shape))
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    for n in differentiable:
        assert_close(mt[n].grad, tt[n].grad, rtol=RTOL, atol=ATOL)
    if not module:
        return
    ours = getattr(nn, module)(*[mg.tensor(arrays[n]) for n in ctor_args], **kwargs, reduction=reduction)
    theirs = getattr(torch.nn, module)(*[torch.tensor(arrays[n]) for n in ctor_args], **kwargs,
                                       reduction=reduction)
    assert repr(ours) == repr(theirs)
    got = ours(*[mg.tensor(arrays[n]) for n in names])
    assert_close(got, theirs(*[torch.tensor(arrays[n]) for n in names]), rtol=RTOL, atol=ATOL)


def test_bce_at_exactly_zero_and_one_clamps_like_torch() -> None:
    torch = require_torch()
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    t = np.array([1.0, 0.0, 0.0, 1.0, 0.25])
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty = torch.nn.functional.binary_cross_entropy(tx, torch.tensor(t), reduction="none")
    my = F.binary_cross_entropy(mx, mg.tensor(t), reduction="none")
    assert my.detach().numpy().tolist() == [100.0, 100.0, 0.0, 0.0, pytest.approx(ty[4].item(), rel=1e-14)]
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    ty.sum().backward()
    my.sum().backward()
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)  # (x - t) / 1e-12 as float32, finite


def test_kl_div_mean_warns_like_torch() -> None:
    torch = require_torch()
    arrays = _kl(np.random.default_rng(3))
    with pytest.warns(UserWarning, match="batchmean") as ours_warned:
        ours = F.kl_div(mg.tensor(arrays["input"]), mg.tensor(arrays["target"]))
    with pytest.warns(UserWarning, match="batchmean") as theirs_warned:
        theirs = torch.nn.functional.kl_div(torch.tensor(arrays["input"]), torch.tensor(arrays["target"]))
    assert_close(ours, theirs, rtol=RTOL, atol=ATOL)
    assert str(ours_warned[0].message) == str(theirs_warned[0].message)  # a script's stderr reads the same


@pytest.mark.parametrize(("size_average", "reduce"), [(False, None), (None, False), (True, True)])
def test_legacy_size_average_and_reduce(size_average: bool | None, reduce: bool | None) -> None:
    torch = require_torch()
    arrays = _regression(np.random.default_rng(4))
    with pytest.warns(UserWarning, match="size_average and reduce"):
        ours = nn.L1Loss(size_average, reduce)
    with pytest.warns(UserWarning, match="size_average and reduce"):
        theirs = torch.nn.L1Loss(size_average, reduce)
    assert ours.reduction == theirs.reduction
    got = ours(mg.tensor(arrays["input"]), mg.tensor(arrays["target"]))
    assert_close(got, theirs(torch.tensor(arrays["input"]), torch.tensor(arrays["target"])), rtol=RTOL)


def test_gaussian_nll_float_var_and_unbatched_margin_losses() -> None:
    torch = require_torch()
    rng = np.random.default_rng(5)
    x, t = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert_close(F.gaussian_nll_loss(mg.tensor(x), mg.tensor(t), 0.5),
                 torch.nn.functional.gaussian_nll_loss(torch.tensor(x), torch.tensor(t), 0.5), rtol=RTOL)
    a, b = rng.normal(size=4), rng.normal(size=4)
    tf = torch.nn.functional
    for y in (1.0, -1.0):
        assert_close(F.cosine_embedding_loss(mg.tensor(a), mg.tensor(b), mg.tensor(y), margin=-0.9),
                     tf.cosine_embedding_loss(torch.tensor(a), torch.tensor(b), torch.tensor(y), margin=-0.9),
                     rtol=RTOL)
    c = rng.normal(size=4)
    assert_close(F.triplet_margin_loss(mg.tensor(a), mg.tensor(b), mg.tensor(c)),
                 torch.nn.functional.triplet_margin_loss(torch.tensor(a), torch.tensor(b), torch.tensor(c)),
                 rtol=RTOL)
