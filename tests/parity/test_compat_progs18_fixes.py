"""What the progs18 batch of compat programs (tests/compat/programs: autograd_basics_tutorial,
tensors_deeper_tutorial, micrograd_lecture_torch, types_of_everything, ...) needed: each fix checked
against torch on its own."""

from __future__ import annotations

from typing import Any

import numpy as np

import minigrad as mg
from minigrad.utils.data import DataLoader, TensorDataset
from tests.helpers import require_torch

torch = require_torch()


def _edges(t: Any) -> list[str | None]:
    return [None if f is None else f.name() for f, _ in t.grad_fn.next_functions]


def test_scalar_on_the_left_edges_as_pytorch() -> None:
    """Before progs18 (autograd_basics_tutorial's next_functions walk of ``2 * b``) a number on the left
    was recorded as input 0: ``(2 * b).grad_fn.next_functions`` was ((None, 0), (b's node, 0)) where
    PyTorch's is ((b's node, 0), (None, 0)); ``2 - b`` and ``2 ** b`` listed the number as an input
    (PyTorch's Scalar overloads have one edge), and ``torch.rsub(b, 2)`` was SubBackward0."""
    b, tb = mg.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    cases = [lambda t: 2 * t, lambda t: 2 + t, lambda t: 2 - t, lambda t: 2 ** t, lambda t: 2.5 * t.sin(),
             lambda t: 1 + t * 3, lambda t: 3.0 / t]
    for make in cases:
        got, want = make(b), make(tb)
        assert got.grad_fn.name() == want.grad_fn.name()
        assert _edges(got) == _edges(want)
    assert mg.rsub(b, 2).grad_fn.name() == torch.rsub(tb, 2).grad_fn.name() == "RsubBackward1"
    assert _edges(mg.rsub(b, 2)) == _edges(torch.rsub(tb, 2))
    np.testing.assert_array_equal(mg.rsub(b * 3, 2).detach().numpy(), torch.rsub(tb * 3, 2).detach().numpy())


def test_loader_iterator_class_name() -> None:
    """Before progs18 (types_of_everything) ``type(iter(loader)).__name__`` was minigrad's ``_Batches``;
    PyTorch's single-process iterator is ``_SingleProcessDataLoaderIter``."""
    ds = TensorDataset(mg.arange(6.0))
    tds = torch.utils.data.TensorDataset(torch.arange(6.0))
    assert (type(iter(DataLoader(ds, batch_size=2))).__name__
            == type(iter(torch.utils.data.DataLoader(tds, batch_size=2))).__name__)

