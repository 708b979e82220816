"""The rows behind a "sparse" embedding gradient: minigrad's stand-in for PyTorch's sparse grads.

PyTorch's ``F.embedding(..., sparse=True)`` gives the weight a sparse-layout
gradient holding one entry per looked-up row (the padding row left out), and
``optim.SparseAdam`` updates exactly those rows. minigrad has no sparse layout:
the gradient stays a dense array with the same values, and this module keeps,
beside it, the set of rows a sparse gradient would hold.

How the set follows the gradient: each sparse lookup hooks its output, whose
gradient is computed once per backward pass, before any leaf's gradient is
accumulated; the rows go to a pending list. A hook on the weight (registered
once, at its first sparse lookup) fires when the weight's gradient of that
pass is complete, and commits them: they replace the recorded set when the
weight's ``.grad`` is None or all zero (``zero_grad`` ran, as PyTorch's
sparse ``zero_()`` empties the index set), and join it otherwise (gradients
accumulated over several passes).
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from minigrad.tensor import Array, Tensor, sparse_grad_assigned

__all__ = ["note_sparse_lookup", "sparse_rows", "sparse_tracking"]


class _Rows:
    """The committed rows of one weight and those pending in the running backward pass."""

    __slots__ = ("pending", "rows", "weight")

    def __init__(self, weight: Tensor) -> None:
        self.weight = weakref.ref(weight)
        self.rows: Array | None = None
        self.pending: list[Array] = []

    def collect(self, rows: Array) -> Any:
        """The hook on a lookup's output: note its rows for the weight's commit."""
        def hook(grad: Tensor) -> None:
            self.pending.append(rows)
        return hook

    def commit(self, grad: Tensor) -> None:
        """The hook on the weight: this pass's rows replace or join the recorded ones."""
        weight = self.weight()
        reset = weight is None or weight.grad is None or not weight.grad.numpy(force=True).any()
        if not self.pending:  # only dense lookups fed this pass
            if reset:
                self.rows = None
            return
        fresh = np.unique(np.concatenate(self.pending))
        self.pending = []
        self.rows = fresh if reset or self.rows is None else np.union1d(self.rows, fresh)


_TABLE: dict[int, _Rows] = {}


def note_sparse_lookup(weight: Tensor, out: Tensor, rows: Array, padding_idx: int | None) -> None:
    """Record that ``out`` holds rows ``rows`` of ``weight`` looked up with ``sparse=True``.

    Does nothing unless ``out`` records a graph. The padding row is left out,
    as PyTorch leaves it out of the sparse gradient.
    """
    if not out.requires_grad or not weight.requires_grad:
        return
    entry = _TABLE.get(id(weight))
    if entry is None or entry.weight() is not weight:
        entry = _TABLE[id(weight)] = _Rows(weight)
        weight.register_hook(entry.commit)
        weakref.finalize(weight, _TABLE.pop, id(weight), None)
    flat = rows.reshape(-1).astype(np.int64, copy=False)
    out.register_hook(entry.collect(flat if padding_idx is None else flat[flat != padding_idx]))


def sparse_rows(p: Tensor) -> Array | None:
    """The sorted rows of ``p``'s gradient that a PyTorch sparse gradient would hold, or None.

    None: ``p``'s gradient is dense (no sparse lookup fed it since its
    gradient was last reset).
    """
    entry = _TABLE.get(id(p))
    if entry is None or entry.weight() is not p or entry.rows is None or p.grad is None:
        return None
    return entry.rows


def sparse_tracking() -> bool:
    """Whether any weight was looked up with ``sparse=True`` or a sparse tensor assigned to a ``.grad``
    (else no gradient is sparse): a cheap test for the optimizers' steps, which check for sparse
    gradients only then."""
    return bool(_TABLE) or sparse_grad_assigned[0]
