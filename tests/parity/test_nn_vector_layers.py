"""F.normalize, F.cosine_similarity, F.pairwise_distance, nn.Bilinear, nn.EmbeddingBag and their modules
against torch in float64: values, gradients of inputs and parameters, state_dict keys and reprs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

RTOL = 1e-10
ATOL = 1e-12


def _both(torch: Any, arrays: list[np.ndarray]) -> tuple[list[Any], list[mg.Tensor]]:
    return ([torch.tensor(a, requires_grad=True) for a in arrays],
            [mg.tensor(a, requires_grad=True) for a in arrays])


def _compare(torch: Any, ours: Any, theirs: Any, arrays: list[np.ndarray]) -> None:
    """Values and the gradients of every array under a random upstream gradient."""
    ts, ms = _both(torch, arrays)
    ty, my = theirs(*ts), ours(*ms)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    g = np.random.default_rng(9).normal(size=tuple(ty.shape))
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    for m, t in zip(ms, ts):
        assert_close(m.grad, t.grad, rtol=RTOL, atol=ATOL)


def _vectors() -> np.ndarray:
    x = np.random.default_rng(0).normal(size=(4, 5))
    x[1] = 0.0  # a zero vector: its norm's gradient is taken as 0, as PyTorch does
    x[2, :3] = 0.0  # zero entries in a non-zero vector
    return x


@pytest.mark.parametrize(("p", "dim"), [(2.0, 1), (1.0, 1), (3.0, 0), (0.5, 1), (float("inf"), 1), (2, -1)])
def test_normalize(p: float, dim: int) -> None:
    torch = require_torch()
    _compare(torch, lambda x: F.normalize(x, p=p, dim=dim),
             lambda x: torch.nn.functional.normalize(x, p, dim), [_vectors()])


@pytest.mark.parametrize(("shapes", "dim"), [(((4, 5), (4, 5)), 1), (((4, 5), (1, 5)), 1), (((3, 4, 2),
                                                                                            (3, 4, 2)), -1)])
def test_cosine_similarity(shapes: tuple[tuple[int, ...], ...], dim: int) -> None:
    torch = require_torch()
    rng = np.random.default_rng(1)
    a, b = (rng.normal(size=s) for s in shapes)
    a.flat[:5] = 1e-10  # a tiny vector: its norm is clamped to eps in value only, as in PyTorch
    _compare(torch, lambda x, y: F.cosine_similarity(x, y, dim), lambda x, y:
             torch.nn.functional.cosine_similarity(x, y, dim), [a, b])
    mod, tmod = nn.CosineSimilarity(dim), torch.nn.CosineSimilarity(dim)
    assert repr(mod) == repr(tmod)
    _compare(torch, mod, tmod, [a, b])


@pytest.mark.parametrize(("p", "keepdim"), [(2.0, False), (1.0, True), (3.0, False), (float("inf"), False)])
def test_pairwise_distance(p: float, keepdim: bool) -> None:
    torch = require_torch()
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    b[0] = a[0]  # equal rows: the difference is eps, not 0
    mod, tmod = nn.PairwiseDistance(p, keepdim=keepdim), torch.nn.PairwiseDistance(p, keepdim=keepdim)
    assert repr(mod) == repr(tmod)
    _compare(torch, mod, tmod, [a, b])
    _compare(torch, lambda x, y: F.pairwise_distance(x, y, p, keepdim=keepdim),
             lambda x, y: torch.nn.functional.pairwise_distance(x, y, p, keepdim=keepdim), [a, b[:1]])


@pytest.mark.parametrize(("lead", "bias"), [((5,), True), ((2, 3), False), ((), True)])
def test_bilinear(lead: tuple[int, ...], bias: bool) -> None:
    torch = require_torch()
    theirs = torch.nn.Bilinear(3, 4, 2, bias=bias).double()
    ours = nn.Bilinear(3, 4, 2, bias=bias).double()
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(3)
    x1, x2 = rng.normal(size=(*lead, 3)), rng.normal(size=(*lead, 4))
    _compare(torch, ours, theirs, [x1, x2])
    for p, tp in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, tp.grad, rtol=RTOL, atol=ATOL)


def test_bilinear_init_is_pytorch_default() -> None:
    layer = nn.Bilinear(40, 30, 200)
    bound = 1 / np.sqrt(40)
    w = layer.weight.detach().numpy()
    assert w.shape == (200, 40, 30) and np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert w.var() == pytest.approx(bound**2 / 3, rel=0.02)


# (id, input indices, offsets, keyword arguments)
BAGS: list[tuple[str, Any, Any, dict[str, Any]]] = [
    ("2d-mean", [[1, 2, 4], [4, 3, 2]], None, {}),
    ("2d-sum", [[1, 2, 4], [0, 0, 2]], None, {"mode": "sum"}),
    ("2d-max", [[1, 2, 4], [4, 3, 2]], None, {"mode": "max"}),
    ("offsets-mean-empty-bag", [1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 3, 6], {}),
    ("offsets-max-empty-bag", [1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 3, 6], {"mode": "max"}),
    ("offsets-sum-last", [1, 2, 4, 5, 4, 3], [0, 2, 6], {"mode": "sum", "include_last_offset": True}),
    ("padding-mean", [[1, 0, 4], [0, 0, 2]], None, {"padding_idx": 0}),
    ("padding-max", [1, 0, 4, 0, 0, 2], [0, 3, 4], {"mode": "max", "padding_idx": 0}),
    ("per-sample-weights", [1, 2, 4, 5, 4], [0, 2], {"mode": "sum", "per_sample_weights": True}),
]  # fmt: skip


@pytest.mark.parametrize("case", BAGS, ids=[c[0] for c in BAGS])
def test_embedding_bag(case: tuple[Any, ...]) -> None:
    torch = require_torch()
    _, idx, offsets, kwargs = case
    kwargs = dict(kwargs)
    with_psw = kwargs.pop("per_sample_weights", False)
    theirs = torch.nn.EmbeddingBag(10, 3, **kwargs).double()
    ours = nn.EmbeddingBag(10, 3, **kwargs).double()
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    w = np.random.default_rng(4).normal(size=(10, 3))
    w[2, 1] = w[4, 1]  # a tie within a bag: 'max' passes the gradient to the first one
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w))
    ours.load_state_dict({"weight": w})
    psw = np.random.default_rng(5).normal(size=len(idx)) if with_psw else None
    targs = [torch.tensor(idx)] + ([torch.tensor(offsets)] if offsets is not None else [None])
    margs = [mg.tensor(idx)] + ([mg.tensor(offsets)] if offsets is not None else [None])
    tpsw = None if psw is None else torch.tensor(psw, requires_grad=True)
    mpsw = None if psw is None else mg.tensor(psw, requires_grad=True)
    ty, my = theirs(*targs, per_sample_weights=tpsw), ours(*margs, per_sample_weights=mpsw)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    g = np.random.default_rng(6).normal(size=tuple(ty.shape))
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(ours.weight.grad, theirs.weight.grad, rtol=RTOL, atol=ATOL)
    if psw is not None:
        assert_close(mpsw.grad, tpsw.grad, rtol=RTOL, atol=ATOL)
    functional = F.embedding_bag(margs[0], ours.weight, margs[1], per_sample_weights=mpsw, **kwargs)
    np.testing.assert_array_equal(functional.detach().numpy(), my.detach().numpy())


def test_embedding_bag_max_norm_renormalizes_used_rows_like_torch() -> None:
    torch = require_torch()
    w = np.random.default_rng(7).normal(scale=3.0, size=(6, 4))
    theirs = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(w), max_norm=1.5, mode="sum")
    ours = nn.EmbeddingBag.from_pretrained(mg.tensor(w), max_norm=1.5, mode="sum")
    assert repr(ours) == repr(theirs) and not ours.weight.requires_grad
    idx = [[0, 2], [2, 3]]
    assert_close(ours(mg.tensor(idx)), theirs(torch.tensor(idx)), rtol=RTOL, atol=ATOL)
    assert_close(ours.weight, theirs.weight, rtol=RTOL, atol=ATOL)  # rows 0, 2, 3 rescaled; 1, 4, 5 kept


def test_unflatten_and_softmax2d() -> None:
    torch = require_torch()
    x = np.random.default_rng(8).normal(size=(2, 6, 3))
    for args in ((1, (2, 3)), (1, (3, -1)), (-1, (3, 1)), (0, [1, 2])):
        ours, theirs = nn.Unflatten(*args), torch.nn.Unflatten(*args)
        assert repr(ours) == repr(theirs)
        _compare(torch, ours, theirs, [x])
    _compare(torch, nn.Softmax2d(), torch.nn.Softmax2d(), [x])


def test_functional_embedding_max_norm_like_torch() -> None:
    torch = require_torch()
    w = np.random.default_rng(10).normal(scale=2.0, size=(5, 3))
    tw, mw = torch.tensor(w, requires_grad=True), mg.tensor(w, requires_grad=True)
    idx = [[0, 3], [3, 4]]
    ty = torch.nn.functional.embedding(torch.tensor(idx), tw, max_norm=1.0, norm_type=1.0)
    my = F.embedding(mg.tensor(idx), mw, max_norm=1.0, norm_type=1.0)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    assert_close(mw.detach(), tw.detach(), rtol=RTOL, atol=ATOL)  # rows 0, 3, 4 renormalized in place
    g = np.random.default_rng(11).normal(size=(2, 2, 3))
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mw.grad, tw.grad, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", ["pdist", "pairwise_distance", "cosine_similarity"])
def test_distance_functions_under_their_torch_names(name: str) -> None:
    """torch.pdist / torch.pairwise_distance / torch.cosine_similarity, as contrastive code calls them."""
    torch = require_torch()
    rng = np.random.default_rng(11)
    arrays = [rng.normal(size=(5, 4)) for _ in range(1 if name == "pdist" else 2)]
    assert getattr(mg, name) is getattr(F, name)
    _compare(torch, getattr(mg, name), getattr(torch, name), arrays)
