"""ELU, SELU and CELU as PyTorch's elu kernel computes them: expm1 for the values (exp(x) - 1 is 0 for
|x| < 6e-8 in float32) and exp for the gradient (expm1's own gradient, y + 1, cancels to nothing below
x = -17), CELU's gradient with 1 / alpha of a float32 alpha, as PyTorch's derivative."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

CASES = [("elu", {}), ("elu", {"alpha": 1.7}), ("selu", {}), ("celu", {"alpha": 0.6}), ("celu", {})]


def _inputs(dtype: type) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    tiny = -(10.0 ** -rng.uniform(0, 30, 500))  # where exp(x) - 1 loses the digits
    deep = -rng.uniform(17, 80, 200)  # where expm1(x) + 1 does
    x = np.concatenate([rng.standard_normal(500) * 3, tiny, deep, [0.0, -0.0, np.nan]]).astype(dtype)
    return x, rng.standard_normal(x.size).astype(dtype)


@pytest.mark.parametrize(("name", "kwargs"), CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_and_gradients_match_torch(name: str, kwargs: dict[str, Any], dtype: type) -> None:
    torch = require_torch()
    x, g = _inputs(dtype)
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ym, yt = getattr(mg.nn.functional, name)(xm, **kwargs), getattr(torch.nn.functional, name)(xt, **kwargs)
    ym.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    ulp = 2 * np.finfo(dtype).eps  # (numpy's and PyTorch's expm1/exp differ in the last bit)
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=ulp, atol=0)
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=2 * ulp, atol=0)
    assert ym.grad_fn is not None and ym.grad_fn.name() == yt.grad_fn.name()
