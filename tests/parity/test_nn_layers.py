"""Linear, activations, containers and state_dict layout against torch.nn."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import assert_close, require_torch

RTOL = 1e-10
ATOL = 1e-12


def _net(lib: Any) -> Any:
    """The same architecture in minigrad.nn or torch.nn."""
    block = lib.Sequential(lib.Linear(6, 8), lib.BatchNorm1d(8), lib.ReLU(), lib.Dropout(0.1))
    return lib.Sequential(
        block,
        lib.ModuleList([lib.Linear(8, 8), lib.LayerNorm(8), lib.GELU()]),
        lib.ModuleDict({"head": lib.Linear(8, 3, bias=False), "norm": lib.LayerNorm(3, bias=False)}),
        lib.BatchNorm1d(3, affine=False),
        lib.BatchNorm1d(3, track_running_stats=False),
    )


def test_state_dict_keys_equal_torch() -> None:
    torch = require_torch()
    ours, theirs = _net(nn), _net(torch.nn)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    for (k, v), (_, tv) in zip(ours.state_dict().items(), theirs.state_dict().items(), strict=True):
        assert v.shape == tuple(tv.shape), k
        assert v.dtype == tv.numpy().dtype, k


def test_loaded_torch_weights_give_torch_outputs() -> None:
    torch = require_torch()
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.BatchNorm1d(8), torch.nn.GELU(),
                                 torch.nn.LayerNorm(8), torch.nn.Linear(8, 3)).double()
    ours = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.GELU(), nn.LayerNorm(8),
                         nn.Linear(8, 3)).double()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 6))
    theirs(torch.tensor(x))  # move the running statistics away from their defaults
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    for train in (True, False):
        theirs.train(train)
        ours.train(train)
        x = rng.normal(size=(7, 6))
        tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
        ty, my = theirs(tx), ours(mx)
        assert_close(my, ty, rtol=RTOL, atol=ATOL)
        g = rng.normal(size=(7, 3))
        ty.backward(torch.tensor(g))
        my.backward(mg.tensor(g))
        assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
        for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
            assert p.grad is not None, name
            assert_close(p.grad, tp.grad, rtol=RTOL, atol=ATOL)
        ours.zero_grad()
        theirs.zero_grad()
    for k, v in theirs.state_dict().items():
        assert_close(ours.state_dict()[k], v.numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (4,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(shape: tuple[int, ...], bias: bool) -> None:
    torch = require_torch()
    rng = np.random.default_rng(1)
    tl = torch.nn.Linear(4, 3, bias=bias).double()
    ml = nn.Linear(4, 3, bias=bias, dtype=mg.float64)
    ml.load_state_dict({k: v.numpy() for k, v in tl.state_dict().items()})
    x = rng.normal(size=shape)
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty, my = tl(tx), ml(mx)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    g = rng.normal(size=tuple(ty.shape))
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)
    assert_close(ml.weight.grad, tl.weight.grad, rtol=RTOL, atol=ATOL)
    if bias:
        assert_close(ml.bias.grad, tl.bias.grad, rtol=RTOL, atol=ATOL)


def test_linear_init_is_pytorch_default() -> None:
    mg.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert w.shape == (300, 400) and b.shape == (300,) and w.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-bound, bound): mean 0, variance bound^2 / 3 (120k samples)
    assert abs(w.mean()) < 5 * bound / np.sqrt(3 * w.size)
    assert w.var() == pytest.approx(bound**2 / 3, rel=0.02)
    assert np.abs(w).max() > 0.99 * bound
    mg.manual_seed(0)
    again = nn.Linear(400, 300)
    np.testing.assert_array_equal(again.weight.detach().numpy(), w)
    assert not np.array_equal(nn.Linear(400, 300).weight.detach().numpy(), w)


@pytest.mark.parametrize("name", ["ReLU", "Tanh", "Sigmoid", "GELU", "GELU-tanh", "Softmax", "LogSoftmax",
                                  "Flatten", "Identity"])
def test_activations_match_torch(name: str) -> None:
    torch = require_torch()
    args: tuple[Any, ...] = ()
    if name == "GELU-tanh":
        name, args = "GELU", ("tanh",)
    elif name in ("Softmax", "LogSoftmax"):
        args = (1,)
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    rng = np.random.default_rng(2)
    x = rng.normal(scale=3.0, size=(4, 5, 2))
    x[0, 0, 0] = 0.0
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty, my = theirs(tx), ours(mx)
    assert_close(my, ty, rtol=RTOL, atol=ATOL)
    g = rng.normal(size=tuple(ty.shape))
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad, rtol=RTOL, atol=ATOL)


def test_softmax_implicit_dim_warns_like_torch() -> None:
    torch = require_torch()
    x = np.random.default_rng(3).normal(size=(3, 4))
    with pytest.warns(UserWarning, match="Implicit dimension"):
        ours = nn.Softmax()(mg.tensor(x))
    with pytest.warns(UserWarning, match="Implicit dimension"):
        theirs = torch.nn.Softmax()(torch.tensor(x))
    assert_close(ours, theirs, rtol=RTOL, atol=ATOL)


def test_reprs_match_torch() -> None:
    torch = require_torch()
    for make in (lambda lib: lib.Linear(3, 2), lambda lib: lib.Linear(3, 2, bias=False),
                 lambda lib: lib.LayerNorm((3, 4), eps=1e-3), lambda lib: lib.LayerNorm(3, bias=False),
                 lambda lib: lib.LayerNorm(3, elementwise_affine=False), lambda lib: lib.Dropout(0.2),
                 lambda lib: lib.Flatten(0, 2), lambda lib: lib.MSELoss(), lambda lib: lib.CrossEntropyLoss(),
                 lambda lib: lib.ModuleDict({"a": lib.ReLU()}), lambda lib: lib.ModuleList()):
        assert repr(make(nn)) == repr(make(torch.nn))
    # issue 3 fixes BatchNorm1d's repr without torch 2.13's new `bias=` entry
    assert repr(nn.BatchNorm1d(64)) == repr(torch.nn.BatchNorm1d(64)).replace("bias=True, ", "")
    assert repr(nn.BatchNorm1d(4, momentum=None, affine=False, track_running_stats=False)) == (
        "BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, track_running_stats=False)"
    )
