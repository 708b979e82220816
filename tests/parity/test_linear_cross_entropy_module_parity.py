"""nn.LinearCrossEntropyLoss (PyTorch 2.13's Linear + cross entropy module) against torch: the seeded
init, loss values and gradients for K-dimensional outputs, class weights, ignore_index and label smoothing,
the state dict, the repr and the constructor errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

CASES = [
    {},
    {"bias": True},
    {"out_features": (2,), "bias": True},
    {"reduction": "sum", "label_smoothing": 0.1},
    {"reduction": "none", "ignore_index": 1},
    {"weight": [0.5, 1.0, 2.0]},
]


def _build(lib: Any, kwargs: dict[str, Any]) -> Any:
    lib.manual_seed(0)
    kw = dict(kwargs)
    if "weight" in kw:
        kw["weight"] = lib.tensor(kw["weight"], dtype=lib.float64)
    return lib.nn.LinearCrossEntropyLoss(5, 3, dtype=lib.float64, **kw)


@pytest.mark.parametrize("kwargs", CASES)
def test_values_gradients_and_state_match_torch(kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    m, tm = _build(mg, kwargs), _build(torch, kwargs)
    assert list(m.state_dict()) == list(tm.state_dict())
    for (_, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert_close(p.detach().numpy(), tp.detach().numpy(), rtol=0, atol=0)  # the same draws
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 5))
    y = rng.integers(0, 3, (4, *kwargs.get("out_features", ())))
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    loss, tloss = m(xm, mg.tensor(y)), tm(xt, torch.tensor(y))
    assert_close(loss.detach().numpy(), tloss.detach().numpy(), rtol=1e-12)
    loss.sum().backward()
    tloss.sum().backward()
    assert_close(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-12)
    for (_, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert_close(p.grad.numpy(), tp.grad.numpy(), rtol=1e-12)


def test_repr_matches_torch() -> None:
    torch = require_torch()
    assert repr(_build(mg, {"bias": True})) == repr(_build(torch, {"bias": True}))


@pytest.mark.parametrize("kwargs", [{"weight": [1.0, 2.0]}, {"label_smoothing": 2.0}])
def test_constructor_errors_match_torch(kwargs: dict[str, Any]) -> None:
    torch = require_torch()
    with pytest.raises(RuntimeError) as theirs:
        _build(torch, kwargs)
    with pytest.raises(mg.InvalidParameterError, match=r"expected") as ours:
        _build(mg, kwargs)
    assert isinstance(ours.value, RuntimeError)
    assert str(theirs.value) in str(ours.value)
