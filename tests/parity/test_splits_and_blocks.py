"""hsplit/vsplit/dsplit, block_diag and cartesian_prod against PyTorch: values, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

RNG = np.random.default_rng(0)


def _pair(shape: tuple[int, ...]) -> tuple[Any, Any]:
    torch = require_torch()
    a = RNG.standard_normal(shape)
    return mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


@pytest.mark.parametrize(("name", "shape", "arg"), [
    ("hsplit", (6,), 3), ("hsplit", (2, 6, 1), [1, 4]), ("vsplit", (4, 3), 2), ("vsplit", (5, 2), [2, 9]),
    ("dsplit", (1, 2, 6), 3), ("dsplit", (2, 1, 5, 2), [0, 2]),
])
def test_splits_as_torch(name: str, shape: tuple[int, ...], arg: Any) -> None:
    torch = require_torch()
    x, t = _pair(shape)
    ours, theirs = getattr(mg, name)(x, arg), getattr(torch, name)(t, arg)
    assert len(ours) == len(theirs)
    weights = [RNG.standard_normal(p.shape) for p in theirs]
    for o, p in zip(ours, theirs):
        np.testing.assert_array_equal(o.detach().numpy(), p.detach().numpy())
    sum((o * mg.tensor(w)).sum() for o, w in zip(ours, weights)).backward()
    sum((p * torch.tensor(w)).sum() for p, w in zip(theirs, weights)).backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    assert [tuple(p.shape) for p in getattr(x, name)(arg)] == [tuple(p.shape) for p in theirs]


def test_block_diag_and_cartesian_prod_as_torch() -> None:
    torch = require_torch()
    pairs = [_pair(()), _pair((3,)), _pair((2, 2)), _pair((0, 2))]
    ours = mg.block_diag(*(p[0] for p in pairs))
    theirs = torch.block_diag(*(p[1] for p in pairs))
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    w = RNG.standard_normal(tuple(theirs.shape))
    (ours * mg.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    for o, t in pairs:
        np.testing.assert_array_equal(o.grad.numpy(), t.grad.numpy())
    assert mg.block_diag(mg.tensor([1]), mg.ones(1, 1)).dtype == np.float32
    assert tuple(mg.block_diag().shape) == tuple(torch.block_diag().shape)
    a, b = mg.tensor([1, 2]), mg.tensor([3, 4, 5])
    np.testing.assert_array_equal(mg.cartesian_prod(a, b, a).numpy(),
                                  torch.cartesian_prod(*(torch.tensor(v.numpy()) for v in (a, b, a))).numpy())
    assert mg.cartesian_prod(a) is a


def test_errors_as_torch() -> None:
    torch = require_torch()
    for fn in (lambda lib: lib.hsplit(lib.ones(3, 5), 2), lambda lib: lib.vsplit(lib.ones(3), 1),
               lambda lib: lib.dsplit(lib.ones(3, 4), 2), lambda lib: lib.block_diag(lib.ones(2, 2, 2)),
               lambda lib: lib.cartesian_prod(lib.ones(2, 2)),
               lambda lib: lib.cartesian_prod(lib.ones(2), lib.tensor([1]))):
        with pytest.raises(RuntimeError) as theirs:
            fn(torch)
        with pytest.raises(RuntimeError) as ours:
            fn(mg)
        assert str(ours.value) == str(theirs.value)
