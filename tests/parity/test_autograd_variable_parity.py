"""``torch.autograd.Variable``, the legacy wrapper WGAN-GP scripts still call: a detached Tensor sharing
memory with requires_grad set, every Tensor an instance, volatile only warning; against PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("lib", [mg, torch], ids=["minigrad", "torch"])
def test_variable_is_a_detached_tensor_sharing_memory(lib: Any) -> None:
    base = lib.tensor([1.0, 2.0, 3.0])
    nonleaf = lib.tensor([1.0, 2.0], requires_grad=True) * 2
    v = lib.autograd.Variable(base, requires_grad=True)
    assert isinstance(v, lib.Tensor) and v.requires_grad and v.is_leaf
    assert isinstance(base, lib.autograd.Variable) and not isinstance(base.numpy(), lib.autograd.Variable)
    v.data[0] = 5.0
    assert base.tolist() == [5.0, 2.0, 3.0]
    w = lib.autograd.Variable(nonleaf)
    assert not w.requires_grad and w.grad_fn is None and w.is_leaf
    assert lib.autograd.Variable(base, True).requires_grad  # requires_grad may be positional
    empty = lib.autograd.Variable()
    assert tuple(empty.shape) == (0,) and str(empty.dtype).endswith("float32")
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
        lib.autograd.Variable([1.0])
    with pytest.warns(UserWarning, match="volatile was removed"):
        assert not lib.autograd.Variable(base, volatile=True).requires_grad


def test_gradient_penalty_through_variable_matches() -> None:
    """The WGAN-GP penalty as its reference code writes it, through Variable, on fixed data."""
    x = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
    w = np.cos(np.arange(6.0)).reshape(3, 2)
    results = []
    for lib in (mg, torch):
        weight = lib.tensor(w, requires_grad=True)
        interp = lib.autograd.Variable(lib.tensor(x), requires_grad=True)
        out = lib.tanh(interp @ weight).sum(1)
        grads = lib.autograd.grad(outputs=out, inputs=interp, grad_outputs=lib.ones(out.size()),
                                  create_graph=True, retain_graph=True, only_inputs=True)[0]
        penalty = ((grads.norm(2, dim=1) - 1) ** 2).mean()
        penalty.backward()
        results.append((penalty.item(), weight.grad.numpy()))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10)
