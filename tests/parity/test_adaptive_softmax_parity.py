"""nn.AdaptiveLogSoftmaxWithLoss against torch's, weights copied, in float64."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

RTOL, ATOL = 1e-10, 1e-13
CONFIGS = [
    {"in_features": 8, "n_classes": 20, "cutoffs": [4, 10, 15], "div_value": 2.0, "head_bias": True},
    {"in_features": 6, "n_classes": 9, "cutoffs": [5]},
]


def _pair(kw: dict[str, Any]) -> tuple[Any, Any]:
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(**kw).double()
    ours = mg.nn.AdaptiveLogSoftmaxWithLoss(**kw, dtype=mg.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("kw", CONFIGS)
def test_forward_loss_and_gradients_match_torch(kw: dict[str, Any]) -> None:
    ours, theirs = _pair(kw)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((11, kw["in_features"]))
    y = rng.integers(0, kw["n_classes"], size=11)
    y[:2] = [0, kw["n_classes"] - 1]
    y[2:2 + len(kw["cutoffs"])] = kw["cutoffs"]  # every cluster has a row: every weight gets a gradient
    xin, txin = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = ours(xin, mg.tensor(y)), theirs(txin, torch.tensor(y))
    assert type(out).__name__ == "_ASMoutput" and out._fields == ("output", "loss")
    np.testing.assert_allclose(out.output.detach().numpy(), tout.output.detach().numpy(),
                               rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(out.loss.item(), tout.loss.item(), rtol=RTOL)
    coef = rng.standard_normal(11)
    (out.loss + (out.output * mg.tensor(coef)).sum()).backward()
    (tout.loss + (tout.output * torch.tensor(coef)).sum()).backward()
    np.testing.assert_allclose(xin.grad.numpy(), txin.grad.numpy(), rtol=RTOL, atol=ATOL)
    for (name, p), tp in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=RTOL, atol=ATOL, err_msg=name)


@pytest.mark.parametrize("kw", CONFIGS)
def test_log_prob_and_predict_match_torch(kw: dict[str, Any]) -> None:
    ours, theirs = _pair(kw)
    x = np.random.default_rng(1).standard_normal((40, kw["in_features"])) * 3
    logp, tlogp = ours.log_prob(mg.tensor(x)), theirs.log_prob(torch.tensor(x))
    np.testing.assert_allclose(logp.detach().numpy(), tlogp.detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(np.exp(logp.detach().numpy()).sum(1), 1.0, rtol=1e-12)
    for rows in (slice(None), slice(0, 1), slice(3, 9)):
        np.testing.assert_array_equal(ours.predict(mg.tensor(x[rows])).numpy(),
                                      theirs.predict(torch.tensor(x[rows])).numpy())


def test_unbatched_input_like_torch() -> None:
    ours, theirs = _pair(CONFIGS[0])
    x = np.random.default_rng(2).standard_normal(8)
    for target in (2, 17):
        out, tout = ours(mg.tensor(x), mg.tensor(target)), theirs(torch.tensor(x), torch.tensor(target))
        assert out.output.shape == () and out.loss.shape == ()
        np.testing.assert_allclose(out.output.item(), tout.output.item(), rtol=RTOL)


@pytest.mark.parametrize(("call", "error"), [
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, []), ValueError),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [5, 3]), ValueError),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 10]), ValueError),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 3]), ValueError),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [2.5]), ValueError),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.zeros(2, 4), lib.tensor([1, 10])),
     RuntimeError),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.zeros(2, 4), lib.tensor([1, 2, 3])),
     RuntimeError),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.zeros(2, 4), lib.tensor(1)), RuntimeError),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.zeros(2, 4), lib.zeros(2, 1).long()),
     RuntimeError),
])
def test_errors_are_torchs_classes(call: Any, error: type[Exception]) -> None:
    for lib in (mg, torch):
        with pytest.raises(error):
            call(lib)
