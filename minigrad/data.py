"""Datasets and the DataLoader that cuts them into (shuffled) mini-batches.

``TensorDataset`` wraps tensors that share their first dim; ``DataLoader``
yields batches of it. For a TensorDataset a batch is one fancy-indexing of each
underlying array (not a stack of per-sample tensors), so loading costs one
copy per batch. Other datasets (anything with ``__getitem__`` and
``__len__``) are collated sample by sample with :func:`default_collate`.

Shuffling draws one permutation per pass, at ``iter(loader)``, from the
loader's ``generator`` or else from minigrad's global generator, so it is
reproducible under ``mg.manual_seed``. A loader with ``shuffle=False`` draws
no random numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import numpy as np

from minigrad.errors import DimensionError, InvalidParameterError, ShapeError
from minigrad.random import Generator, default_generator
from minigrad.tensor import Array, Tensor, stack

__all__ = ["DataLoader", "Dataset", "SizedDataset", "TensorDataset", "default_collate"]

T_co = TypeVar("T_co", covariant=True)


@runtime_checkable
class SizedDataset(Protocol[T_co]):
    """What a DataLoader needs from a dataset: ``len(ds)`` and ``ds[i]`` for 0 <= i < len(ds)."""

    def __getitem__(self, index: int) -> T_co: ...

    def __len__(self) -> int: ...


class Dataset(Generic[T_co]):
    """Base class for map-style datasets: override ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index: int) -> T_co:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")


class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples are the i-th rows of each tensor: ``ds[i] == (t1[i], t2[i], ...)``.

    Args:
        *tensors: Tensors (or numpy arrays, wrapped without copying) with the
            same size of dim 0.

    Raises:
        InvalidParameterError: no tensors given.
        ShapeError: a 0-d tensor, or the first dims differ.
        TypeError: an argument is neither a Tensor nor an ndarray.
    """

    def __init__(self, *tensors: Tensor | Array) -> None:
        if not tensors:
            raise InvalidParameterError("TensorDataset needs at least one tensor, got none")
        wrapped: list[Tensor] = []
        for i, t in enumerate(tensors):
            if isinstance(t, np.ndarray):
                t = Tensor._wrap(t) if t.dtype.kind in "biuf" else Tensor(t)
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: tensor {i} is a {type(t).__name__}, expected a Tensor")
            if t.ndim == 0:
                raise ShapeError(f"TensorDataset: tensor {i} is 0-d; expected at least one dim (the samples)")
            wrapped.append(t)
        n = wrapped[0].shape[0]
        for i, t in enumerate(wrapped):
            if t.shape[0] != n:
                raise ShapeError(
                    f"Size mismatch between tensors: tensor 0 has {n} samples (shape "
                    f"{wrapped[0].shape}) but tensor {i} has {t.shape[0]} (shape {t.shape})"
                )
        self.tensors: tuple[Tensor, ...] = tuple(wrapped)

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        n = len(self)
        if isinstance(index, (int, np.integer)) and not isinstance(index, bool) and not -n <= index < n:
            raise DimensionError(f"TensorDataset index {index} is out of range for {n} samples")
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, index: Array | slice) -> tuple[Tensor, ...]:
        """The samples at ``index`` (an int array or a slice), one copy per tensor."""
        out = []
        for t in self.tensors:
            if t.requires_grad:
                out.append(t[index])  # keep the graph, as PyTorch's stacking would
            elif isinstance(index, slice):
                out.append(Tensor._wrap(t.numpy()[index].copy()))  # a copy: batches never alias the data
            else:
                out.append(Tensor._wrap(t.numpy()[index]))
        return tuple(out)


def default_collate(batch: Sequence[Any]) -> Any:
    """Merge a list of samples into a batch, as PyTorch's ``default_collate``.

    Tensors and arrays are stacked along a new dim 0; Python ints become an
    int64 tensor and floats a float64 tensor; tuples, lists and dicts are
    collated element by element (a tuple of batches for a batch of tuples);
    strings are kept as a list.

    Raises:
        ShapeError: samples of different shapes.
        TypeError: a sample type that cannot be collated.
    """
    first = batch[0]
    if isinstance(first, Tensor):
        if any(t.shape != first.shape for t in batch):
            shapes = sorted({t.shape for t in batch})
            raise ShapeError(f"default_collate: samples must have equal shapes to be stacked, got {shapes}")
        if any(t.requires_grad for t in batch):
            return stack(list(batch))
        return Tensor._wrap(np.stack([t.numpy() for t in batch]))
    if isinstance(first, (np.ndarray, np.generic)):
        try:
            return Tensor(np.stack(batch))
        except ValueError as e:
            raise ShapeError(f"default_collate: samples must have equal shapes to be stacked: {e}") from None
    if isinstance(first, (bool, np.bool_)):
        return Tensor(np.array(batch, dtype=np.bool_))
    if isinstance(first, int):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, float):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        size = len(first)
        if any(len(sample) != size for sample in batch):
            raise ShapeError("default_collate: each sample in the batch must have the same number of fields")
        columns = [default_collate(list(col)) for col in zip(*batch, strict=True)]
        if isinstance(first, tuple):
            return type(first)(*columns) if hasattr(first, "_fields") else tuple(columns)
        return columns
    raise TypeError(f"default_collate: cannot batch samples of type {type(first).__name__}")


class DataLoader:
    """Iterate over a dataset in mini-batches.

    Args:
        dataset: a TensorDataset, or any object with ``__getitem__`` and ``__len__``.
        batch_size: samples per batch, an int >= 1.
        shuffle: visit the samples in a fresh random order on each pass.
        drop_last: drop the last batch if it is smaller than ``batch_size``.
        generator: a ``mg.Generator`` for the shuffling (default: the global one).
        collate_fn: merges a list of samples into a batch (default
            :func:`default_collate`; unused for a TensorDataset unless given).

    ``len(loader)`` is the number of batches per pass. Batches of a
    TensorDataset are tuples of Tensors with the batch along dim 0.

    Raises:
        InvalidParameterError: batch_size is not a positive int, shuffle or
            drop_last is not a bool, generator is not a ``mg.Generator``.
        TypeError: the dataset has no ``__getitem__``/``__len__``.
    """

    def __init__(self, dataset: SizedDataset[Any], batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, generator: Generator | None = None,
                 collate_fn: Callable[[list[Any]], Any] | None = None) -> None:
        if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise InvalidParameterError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size!r}"
            )
        for name, flag in (("shuffle", shuffle), ("drop_last", drop_last)):
            if not isinstance(flag, (bool, np.bool_)):
                raise InvalidParameterError(f"{name} should be a boolean value, but got {name}={flag!r}")
        if generator is not None and not isinstance(generator, Generator):
            raise InvalidParameterError(f"generator should be a minigrad Generator, but got {generator!r}")
        if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise TypeError(f"dataset must define __getitem__ and __len__, got {type(dataset).__name__}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"collate_fn must be callable, got {collate_fn!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.generator = generator
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        # The permutation is drawn here, not lazily at the first next(), so the
        # global random stream is consumed at a well-defined point.
        n = len(self.dataset)
        order: Array | None = None
        if self.shuffle:
            gen = self.generator if self.generator is not None else default_generator
            order = gen.np.permutation(n)
        return self._batches(n, order)

    def _batches(self, n: int, order: Array | None) -> Iterator[Any]:
        bs = self.batch_size
        stop = n - n % bs if self.drop_last else n
        fast = isinstance(self.dataset, TensorDataset) and self.collate_fn is None
        collate = self.collate_fn if self.collate_fn is not None else default_collate
        for start in range(0, stop, bs):
            end = min(start + bs, n)
            if fast:
                ds: TensorDataset = self.dataset  # type: ignore[assignment]
                yield ds._batch(slice(start, end) if order is None else order[start:end])
            else:
                idx = range(start, end) if order is None else order[start:end].tolist()
                yield collate([self.dataset[i] for i in idx])
