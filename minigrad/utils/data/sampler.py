"""Samplers as in ``torch.utils.data.sampler``: the order in which a DataLoader visits indices.

Random samplers draw from their ``generator`` (a ``mg.Generator``) or else
from minigrad's global generator, so orders are reproducible under
``mg.manual_seed``, and they are PyTorch's orders: a RandomSampler without a
generator seeds a fresh one from the global stream for each pass, as PyTorch's
does, and permutations and draws with replacement use PyTorch's samplers. A
pass draws its whole order when ``iter(sampler)`` is first advanced, except a
very long pass (``RandomSampler(num_samples=int(1e10))``, a common way to say
"forever"), which is drawn lazily in chunks of :data:`CHUNK` indices as
PyTorch draws it lazily too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any, Generic, TypeVar

import numpy as np

from minigrad import _draws
from minigrad.errors import InvalidParameterError, ShapeError, _ArgumentTypeError
from minigrad.nn._checks import is_int
from minigrad.random import Generator, default_generator
from minigrad.sampling import multinomial
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = [
    "BatchSampler", "RandomSampler", "Sampler", "SequentialSampler", "SubsetRandomSampler",
    "WeightedRandomSampler",
]  # fmt: skip

T_co = TypeVar("T_co", covariant=True)

CHUNK = 1 << 16  # indices drawn at a time when a pass is longer than this


class Sampler(Generic[T_co]):
    """Base class of samplers: subclasses define ``__iter__`` (and ``__len__`` if they can)."""

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class _InfiniteConstantSampler(Sampler[None]):
    """None forever: the sampler PyTorch gives a DataLoader over an IterableDataset (a placeholder)."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


def check_generator(generator: Any) -> Generator | None:
    """``generator`` if it is None or a ``mg.Generator``; else InvalidParameterError (also the TypeError
    PyTorch raises when it draws from it)."""
    if generator is not None and not isinstance(generator, Generator):
        raise _ArgumentTypeError(f"generator must be a minigrad Generator, got generator={generator!r}")
    return generator


def positive_count(name: str, value: Any) -> int:
    """``value`` as an int if it is an int > 0 (bools rejected); else InvalidParameterError in PyTorch's
    words (ValueError; a value that is not an int at all is also a TypeError)."""
    if not is_int(value) or value <= 0:
        cls = InvalidParameterError if is_int(value) else _ArgumentTypeError
        raise cls(f"{name} should be a positive integer value, but got {name}={value}")
    return int(value)


def bool_flag(name: str, value: Any) -> bool:
    """``value`` if it is a bool (numpy bools included); else InvalidParameterError in PyTorch's words."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"{name} should be a boolean value, but got {name}={value}")
    return bool(value)


class _IndexSampler(Sampler[int]):
    """A sampler whose pass is one int array, drawn at ``iter()``; DataLoader batches it directly."""

    def _indices(self) -> Array:
        raise NotImplementedError

    def _int_keys(self) -> bool:
        """Whether the pass's keys are the Python ints of :meth:`_indices` (else only a TensorDataset's
        fancy indexing may take the array in their place)."""
        return True

    def _index_chunks(self, multiple: int = 1) -> Iterator[Array]:
        """The pass as consecutive arrays, each a multiple of ``multiple`` long except the last."""
        yield self._indices()

    def __iter__(self) -> Iterator[int]:
        for chunk in self._index_chunks():
            yield from chunk.tolist()


class SequentialSampler(_IndexSampler):
    """0, 1, ..., len(data_source) - 1, in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def _indices(self) -> Array:
        return np.arange(len(self.data_source))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(_IndexSampler):
    """Indices of ``data_source`` in random order.

    Without replacement each pass is a permutation (``num_samples`` larger
    than the dataset chains several; smaller takes a prefix). With
    ``replacement=True`` it draws ``num_samples`` indices independently.

    Args:
        data_source: anything with ``len``.
        replacement: draw with replacement.
        num_samples: indices per pass (default ``len(data_source)``).
        generator: a ``mg.Generator`` (default: the global one).

    Raises:
        TypeError: ``replacement`` is not a bool (PyTorch's class).
        InvalidParameterError: ``num_samples`` is not a positive int, or
            ``generator`` is not a ``mg.Generator``.
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = check_generator(generator)
        positive_count("num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        """Indices per pass: ``num_samples`` if given, else the dataset's length."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _indices(self) -> Array:
        return np.concatenate(list(self._index_chunks()))

    def _index_chunks(self, multiple: int = 1) -> Iterator[Array]:
        n, k = len(self.data_source), self.num_samples
        # As PyTorch: without a generator, each pass seeds a fresh one from the global stream (first, even
        # when the dataset is empty and the pass fails)
        gen = self.generator or Generator(int(_draws.random_full(default_generator, ())))
        if n == 0:
            if self.replacement:  # (PyTorch's randint(high=0) fails; without replacement, its k // n)
                raise InvalidParameterError("random_ expects 'from' to be less than 'to', but got from=0 >= "
                                            f"to=0 (RandomSampler: cannot draw {k} samples from an empty "
                                            "dataset)")
            raise ZeroDivisionError(f"integer division or modulo by zero (RandomSampler: cannot draw {k} "
                                    "samples from an empty dataset)")
        if self.replacement:  # (PyTorch draws 32 at a time: the same words as one long draw)
            if k <= CHUNK:
                yield _draws.randint(gen, (k,), 0, n)
                return
            step = max(1, CHUNK // multiple) * multiple
            for start in range(0, k, step):
                yield _draws.randint(gen, (min(step, k - start),), 0, n)
            return
        if k <= max(CHUNK, n):
            parts = [_draws.randperm(gen, n) for _ in range(k // n)]
            if k % n:
                parts.append(_draws.randperm(gen, n)[: k % n])
            yield np.concatenate(parts) if len(parts) != 1 else parts[0]
        else:
            perms = (_draws.randperm(gen, n)[: min(n, k - done)] for done in range(0, k, n))
            yield from _rechunk(perms, multiple)
        if k % n == 0 and self.generator is not None:
            # PyTorch's pass ends with one more permutation cut to k % n (none) once the order is used up:
            # a generator the loader keeps must be advanced by it too, or the next epoch's order differs
            _draws.randperm(gen, n)

    def __len__(self) -> int:
        return self.num_samples


def _rechunk(pieces: Iterator[Array], multiple: int) -> Iterator[Array]:
    """``pieces`` regrouped into arrays of about CHUNK indices; all but the last are whole batches."""
    step = max(1, CHUNK // multiple) * multiple
    pending: list[Array] = []
    have = 0
    for piece in pieces:
        pending.append(piece)
        have += len(piece)
        if have >= step:
            joined = np.concatenate(pending)
            cut = have - have % step
            yield joined[:cut]
            pending, have = [joined[cut:]], have - cut
    if have:
        yield np.concatenate(pending)


class SubsetRandomSampler(_IndexSampler):
    """The given ``indices`` in random order (a fresh permutation each pass)."""

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = check_generator(generator)

    def _indices(self) -> Array:
        gen = self.generator or default_generator
        return np.asarray(self.indices, dtype=np.int64)[_draws.randperm(gen, len(self.indices))]

    def _int_keys(self) -> bool:
        """Whether ``indices[i]`` is a Python int (a list, tuple or range): the pass as one int array
        then yields the same keys."""
        return isinstance(self.indices, (list, tuple, range))

    def __iter__(self) -> Iterator[int]:
        if self._int_keys():
            yield from super().__iter__()
            return
        # PyTorch yields indices[i] itself: a 0-d tensor of a Tensor's indices, a numpy int of an array's
        for i in _draws.randperm(self.generator or default_generator, len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(_IndexSampler):
    """``num_samples`` indices in [0, len(weights)), index i drawn with probability weights[i] / sum.

    Without replacement an index is drawn at most once per pass.

    Raises:
        InvalidParameterError: ``num_samples`` not a positive int, ``replacement`` not a bool.
        ShapeError: weights that are not 1-D.
        MinigradError: when iterated, weights that multinomial refuses (negative, non-finite, all zero,
            fewer than ``num_samples`` without replacement): its errors, as PyTorch's sampler gives them.
    """

    def __init__(self, weights: Sequence[float] | Tensor | Array, num_samples: int, replacement: bool = True,
                 generator: Generator | None = None) -> None:
        self.num_samples = positive_count("num_samples", num_samples)
        replacement = bool_flag("replacement", replacement)
        raw = weights.numpy(force=True) if isinstance(weights, Tensor) else np.asarray(weights)
        if raw.dtype.kind in "OUSV":  # (None, strings: PyTorch's tensor conversion fails, a TypeError)
            raise _ArgumentTypeError(f"weights must be a 1-D sequence of numbers, got {weights!r}")
        w = np.array(raw, dtype=np.float64)
        if w.ndim != 1:
            raise ShapeError(f"weights should be a 1d sequence but given weights have shape {w.shape}")
        self.weights = from_numpy(w)  # (a float64 Tensor, as PyTorch's; scripts print or reassign it)
        self.replacement = replacement
        self.generator = check_generator(generator)

    def _indices(self) -> Array:
        # PyTorch's: multinomial over the float64 weights
        gen = self.generator or default_generator
        now: Any = self.weights  # (read at each pass: a script may assign new weights between epochs)
        w = np.asarray(now.numpy(force=True) if isinstance(now, Tensor) else now, dtype=np.float64)
        drawn: Array = multinomial(from_numpy(w), self.num_samples, self.replacement,  # (its checks too)
                                   generator=gen).numpy(force=True)
        return drawn

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Groups the indices of ``sampler`` into lists of ``batch_size`` (the last one shorter unless dropped).

    Raises:
        InvalidParameterError: ``batch_size`` is not a positive int or
            ``drop_last`` is not a bool (ValueError, as PyTorch).
    """

    def __init__(self, sampler: Sampler[int] | Iterable[int], batch_size: int, drop_last: bool) -> None:
        self.batch_size = positive_count("batch_size", batch_size)
        self.drop_last = bool_flag("drop_last", drop_last)
        self.sampler = sampler

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
