"""``stack`` is one node (PyTorch's StackBackward0) and ``cat``'s backward slices g's array directly:
the graph's shape, gradients, double backward and dtype promotion against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _names(fn: object) -> list[str | None]:
    return [None if f is None else f.name() for f, _ in fn.next_functions]  # type: ignore[attr-defined]


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_stack_is_one_node_with_edges_to_its_inputs(dim: int) -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((2, 3)) for _ in range(3)]
    weights = rng.standard_normal(18)
    results = []
    for lib in (mg, torch):
        leaf = lib.tensor(arrays[0], requires_grad=True)
        mid = lib.tensor(arrays[1], requires_grad=True) * 2
        const = lib.tensor(arrays[2])
        s = lib.stack([leaf, mid, const], dim=dim)
        w = lib.tensor(weights.reshape(tuple(s.shape)))
        name, edges = s.grad_fn.name(), _names(s.grad_fn)
        (s * w).sum().backward()
        results.append((name, edges, tuple(s.shape), leaf.grad.numpy()))
    (mname, medges, mshape, mgrad), (tname, tedges, tshape, tgrad) = results
    assert mname == tname == "StackBackward0"
    assert medges == tedges
    assert tedges[1:] == ["MulBackward0", None]
    assert mshape == tshape
    np.testing.assert_array_equal(mgrad, tgrad)


def test_stack_and_cat_double_backward_match_torch() -> None:
    torch = require_torch()
    rng = np.random.default_rng(1)
    a0, b0 = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    out = []
    for lib in (mg, torch):
        a = lib.tensor(a0, requires_grad=True)
        b = lib.tensor(b0, requires_grad=True)
        y = (lib.stack([a * a, b], 1) ** 2).sum() + (lib.cat([a, b * b], 0) ** 3).sum()
        (ga, gb) = lib.autograd.grad(y, (a, b), create_graph=True)
        (gga,) = lib.autograd.grad((ga * ga).sum() + gb.sum(), (a,))
        out.append((ga.detach().numpy(), gb.detach().numpy(), gga.numpy()))
    for m, t in zip(*out):
        np.testing.assert_allclose(m, t, rtol=1e-12)


def test_stack_promotes_dtypes_as_torch() -> None:
    torch = require_torch()
    for parts in ([[1, 2], [1.5, 2.5]], [[True, False], [3, 4]]):
        m = mg.stack([mg.tensor(p) for p in parts])
        t = torch.stack([torch.tensor(p) for p in parts])
        assert str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_array_equal(m.numpy(), t.numpy())


def test_cat_gradient_slices_are_independent_of_each_other() -> None:
    # the slices of g are views of one array: the leaves' .grad must not share memory
    a = mg.ones(2, 3, requires_grad=True)
    b = mg.ones(2, 3, requires_grad=True)
    mg.cat([a, b], 1).sum().backward()
    a.grad.add_(1)
    np.testing.assert_array_equal(b.grad.numpy(), np.ones((2, 3)))
    assert a.grad.numpy().flags.c_contiguous and b.grad.numpy().flags.c_contiguous
