"""Datasets as in ``torch.utils.data.dataset``: map-style and iterable, tensors, subsets, splits, chains.

A map-style :class:`Dataset` answers ``ds[i]`` (and usually ``len(ds)``); an
:class:`IterableDataset` is a stream, read by iterating. ``ds1 + ds2``
concatenates either kind.
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from minigrad import _draws
from minigrad.errors import (
    DimensionError,
    InvalidParameterError,
    _ArgumentTypeError,
    _AssertedParameterError,
    _AssertedShapeError,
    _AssertedTypeError,
    _IndexParameterError,
    _NotTensorAttributeError,
    _ShapeIndexError,
)
from minigrad.random import Generator, default_generator, resolve
from minigrad.tensor import Array, Tensor, from_numpy, tensor

__all__ = [
    "ChainDataset", "ConcatDataset", "Dataset", "IterableDataset", "StackDataset", "Subset", "TensorDataset",
    "random_split",
]  # fmt: skip

T_co = TypeVar("T_co", covariant=True)
T = TypeVar("T")


class Dataset(Generic[T_co]):
    """Base class of map-style datasets: subclasses define ``__getitem__`` and, usually, ``__len__``.

    As in PyTorch the base class has no ``__len__``: a dataset without one
    can still be read through a sampler that knows its indices.
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError(f"{type(self).__name__}: a Dataset subclass should implement __getitem__")

    def __add__(self, other: Dataset[Any]) -> ConcatDataset[Any]:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """Base class of datasets read as a stream: subclasses define ``__iter__``.

    A DataLoader over one iterates it once per pass and batches what it yields
    (no sampler, no shuffle). With ``num_workers > 0`` each emulated worker iterates
    its own copy, as PyTorch's workers do (:func:`~minigrad.utils.data.get_worker_info`
    tells which, so the dataset can split itself), and the batches come from them in turn.
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError(f"{type(self).__name__}: an IterableDataset should implement __iter__")

    def __add__(self, other: Dataset[Any]) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples are the i-th rows of each tensor: ``ds[i] == (t1[i], t2[i], ...)``.

    A DataLoader batches it by one fancy index per tensor (the same values
    as stacking the rows one by one, at the cost of one copy).

    Args:
        *tensors: Tensors (or numpy arrays, wrapped without copying) with the
            same size of dim 0.

    Raises:
        InvalidParameterError: no tensors given (also an IndexError, as PyTorch's ``len()`` of one).
        ShapeError: a 0-d tensor (also an IndexError, as PyTorch's), or the first dims differ (then also an
            AssertionError, as PyTorch's).
        TypeError: an argument is neither a Tensor nor an ndarray (also an AttributeError, as PyTorch's).
    """

    def __init__(self, *tensors: Tensor | Array) -> None:
        if not tensors:
            raise _IndexParameterError("TensorDataset needs at least one tensor, got none")
        wrapped: list[Tensor] = []
        for i, t in enumerate(tensors):
            if isinstance(t, np.ndarray):
                t = from_numpy(t) if t.dtype.kind in "biuf" else tensor(t)
            if not isinstance(t, Tensor):
                # (PyTorch reads tensor.size(0) of it: its AttributeError)
                raise _NotTensorAttributeError(
                    f"TensorDataset: tensor {i} is a {type(t).__name__}, expected a Tensor")
            if t.ndim == 0:  # (PyTorch's IndexError, of size(0))
                raise _ShapeIndexError("Dimension specified as 0 but tensor has no dimensions "
                                       f"(TensorDataset: tensor {i} is 0-d; expected at least one dim)")
            wrapped.append(t)
        n = wrapped[0].shape[0]
        for i, t in enumerate(wrapped):
            if t.shape[0] != n:
                raise _AssertedShapeError(
                    f"Size mismatch between tensors: tensor 0 has {n} samples (shape "
                    f"{wrapped[0].shape}) but tensor {i} has {t.shape[0]} (shape {t.shape})"
                )
        self.tensors: tuple[Tensor, ...] = tuple(wrapped)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        n = len(self)
        if isinstance(index, (int, np.integer)) and not isinstance(index, bool) and not -n <= index < n:
            raise DimensionError(f"index {index} is out of bounds for dimension 0 with size {n} "
                                 f"(TensorDataset index {index} is out of range for {n} samples)")
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, index: Array | slice) -> list[Tensor]:
        """The samples at ``index`` (an int array or a slice) as default_collate would batch them."""
        out = []
        for t in self.tensors:
            if t.requires_grad:
                out.append(t[index])  # keep the graph, as PyTorch's stacking would
            elif isinstance(index, slice):
                # (a copy: batches never alias the data)
                out.append(from_numpy(t.numpy(force=True)[index].copy()))
            else:
                out.append(from_numpy(t.numpy(force=True)[index]))  # fancy indexing copies
        return out


class ConcatDataset(Dataset[T_co]):
    """The samples of several map-style datasets, one after the other.

    ``cumulative_sizes[k]`` is the total length of the first k+1 datasets.

    Raises:
        InvalidParameterError: no datasets (also an AssertionError, as PyTorch's).
        TypeError: an IterableDataset among them (use :class:`ChainDataset`); also an
            AssertionError, as PyTorch's.
    """

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets: list[Dataset[Any]] = list(datasets)
        if not self.datasets:
            raise _AssertedParameterError("datasets should not be an empty iterable (ConcatDataset)")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise _AssertedTypeError("ConcatDataset does not support IterableDataset (use ChainDataset)")
        sizes: list[int] = [len(d) for d in self.datasets]  # type: ignore[arg-type]
        self.cumulative_sizes: list[int] = list(itertools.accumulate(sizes))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> T_co:
        if idx < 0:
            if -idx > len(self):
                raise InvalidParameterError(
                    f"absolute value of index should not exceed dataset length (index {idx}, "
                    f"length {len(self)})"
                )
            idx = len(self) + idx
        k = bisect.bisect_right(self.cumulative_sizes, idx)
        if k == len(self.datasets):
            raise DimensionError(f"list index out of range (ConcatDataset index {idx} is out of range for "
                                 f"{len(self)} samples)")
        start = self.cumulative_sizes[k - 1] if k else 0
        return self.datasets[k][idx - start]  # type: ignore[no-any-return]


class ChainDataset(IterableDataset[Any]):
    """The streams of several IterableDatasets, one after the other (lazily).

    Raises:
        TypeError: while iterating or taking ``len``, a member is not an IterableDataset (also an
            AssertionError, as PyTorch's).
    """

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = datasets

    def _members(self) -> Iterator[IterableDataset[Any]]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise _AssertedTypeError(
                    f"ChainDataset only supports IterableDataset, got {type(d).__name__}")
            yield d

    def __iter__(self) -> Iterator[Any]:
        for d in self._members():
            yield from d

    def __len__(self) -> int:
        sizes: list[int] = [len(d) for d in self._members()]  # type: ignore[arg-type]
        return sum(sizes)


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices``: ``Subset(ds, idx)[i] == ds[idx[i]]``."""

    def __init__(self, dataset: Dataset[T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[T_co]:
        """The samples at a batch of positions (what a DataLoader asks for)."""
        inner = getattr(self.dataset, "__getitems__", None)
        if callable(inner):
            return inner([self.indices[i] for i in indices])  # type: ignore[no-any-return]
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class StackDataset(Dataset[Any]):
    """Several equally long datasets side by side: ``StackDataset(a, b)[i] == (a[i], b[i])`` and
    ``StackDataset(x=a, y=b)[i] == {"x": a[i], "y": b[i]}``.

    Raises:
        ValueError: no datasets, both positional and keyword datasets, or datasets of different lengths.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            # PyTorch's words first (its tests match on them)
            raise ValueError("Supported either tuple- (via args) or dict- (via kwargs) like input/output, "
                             "but both types are given (StackDataset takes positional datasets, for tuple "
                             "samples, or keyword datasets, for dict samples)")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        self.datasets: tuple[Any, ...] | dict[str, Any] = args if args else dict(kwargs)
        members = list(args) if args else list(kwargs.values())
        lengths = {len(d) for d in members}
        if len(lengths) != 1:
            raise ValueError(f"Size mismatch between datasets: lengths {sorted(lengths)}")
        self._length = lengths.pop()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices: list[int]) -> list[Any]:
        """The samples at a batch of positions, using a member's own ``__getitems__`` where it has one."""
        def column(d: Any) -> list[Any]:
            batched = getattr(d, "__getitems__", None)
            items = list(batched(indices)) if callable(batched) else [d[i] for i in indices]
            if len(items) != len(indices):
                raise ValueError(f"Nested dataset's output size mismatch. Expected {len(indices)}, "
                                 f"got {len(items)}")
            return items

        if isinstance(self.datasets, dict):
            cols = {k: column(d) for k, d in self.datasets.items()}
            return [{k: c[j] for k, c in cols.items()} for j in range(len(indices))]
        tcols = [column(d) for d in self.datasets]
        return [tuple(c[j] for c in tcols) for j in range(len(indices))]

    def __len__(self) -> int:
        return self._length


def random_split(dataset: Dataset[T], lengths: Sequence[int | float],
                 generator: Generator | None = default_generator) -> list[Subset[T]]:
    """Split ``dataset`` into non-overlapping random Subsets of the given lengths.

    ``lengths`` are counts summing to ``len(dataset)``, or fractions summing
    to 1: each split then gets ``floor(frac * len)`` samples and the remainder
    is dealt out one at a time from the first split on (PyTorch's rule; a
    split of length 0 warns). The permutation comes from ``generator`` (the
    global one by default), so the split is reproducible under a seed.

    Raises:
        InvalidParameterError: a fraction outside [0, 1], lengths that do
            not add up to the dataset's length, or counts that are not ints (then also PyTorch's TypeError).
    """
    n = len(dataset)  # type: ignore[arg-type]
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        counts = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise InvalidParameterError(
                    f"Fraction at index {i} is not between 0 and 1 (random_split: got {frac})"
                )
            counts.append(math.floor(n * frac))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, c in enumerate(counts):
            if c == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.",
                              stacklevel=2)
        lengths = counts
    if sum(lengths) != n:
        raise InvalidParameterError(
            f"Sum of input lengths does not equal the length of the input dataset! ({sum(lengths)} vs {n})"
        )
    if not all(isinstance(k, (int, np.integer)) for k in lengths):  # (PyTorch's randperm(sum) TypeError)
        raise _ArgumentTypeError(
            f"random_split: lengths must be ints (or fractions summing to 1), got {lengths!r}")
    order = _draws.randperm(resolve(generator), n).tolist()  # (a non-Generator: its TypeError)
    stops = list(itertools.accumulate(int(k) for k in lengths))
    return [Subset(dataset, order[stop - int(k):stop]) for stop, k in zip(stops, lengths, strict=True)]
