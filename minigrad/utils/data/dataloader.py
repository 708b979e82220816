"""The DataLoader, as ``torch.utils.data.DataLoader``: batches of a dataset, in the main process.

Map-style datasets are read through a sampler (sequential, or random with
``shuffle=True``) grouped by a :class:`BatchSampler`; iterable datasets are
read as a stream. Batches are merged by ``collate_fn`` (default
:func:`default_collate`).

minigrad loads in the calling process: ``num_workers > 0`` is accepted with a
one-time warning; it runs the sampler ``prefetch_factor * num_workers`` batches
ahead, as PyTorch's workers request them, and fetches a map-style dataset's batch
``k`` with worker ``k % num_workers``'s random streams in place (``_workers``:
PyTorch's seeding, ``worker_init_fn``, ``get_worker_info()``), so draws in a dataset
are PyTorch's and leave the main stream alone; an IterableDataset is read by each
worker in turn, as by PyTorch's (whole, unless it splits itself by ``get_worker_info()``),
``pin_memory`` has nothing to pin on the CPU (PyTorch warns the same way
without an accelerator), ``timeout`` is validated and unused (without workers, a
nonzero one fails at ``iter(loader)``, as PyTorch's single-process iterator). A
:class:`TensorDataset` with the default collate and samplers is batched by
one fancy index per tensor instead of sample by sample: the same batches, one
copy each.
"""

from __future__ import annotations

import collections
import functools
import itertools
import math
import multiprocessing
import multiprocessing.context
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from minigrad import _draws
from minigrad.errors import InvalidParameterError, _AssertedParameterError
from minigrad.nn._checks import flag, is_int, nonnegative_int
from minigrad.random import Generator, resolve
from minigrad.tensor import Array
from minigrad.utils.data._workers import Workers, get_worker_info
from minigrad.utils.data.collate import default_collate, default_convert
from minigrad.utils.data.dataset import IterableDataset, TensorDataset
from minigrad.utils.data.sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    _IndexSampler,
    _InfiniteConstantSampler,
    bool_flag,
    check_generator,
)

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)
# The annotation aliases PyTorch's module defines and libraries import (opacus's DPDataLoader)
_collate_fn_t = Callable[[list[_T]], Any]
_worker_init_fn_t = Callable[[int], None]

_FIXED_AFTER_INIT = frozenset({"batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                               "persistent_workers"})
_warned_workers: list[bool] = []  # the num_workers warning is shown once per process


def _check_context(context: Any, num_workers: int) -> None:
    """PyTorch's checks of a ``multiprocessing_context`` (its property setter, which its constructor runs).

    Raises:
        InvalidParameterError: no workers to start with it, or a string that names no start method.
        TypeError: neither a string nor a multiprocessing context object.
    """
    if num_workers <= 0:
        raise InvalidParameterError("multiprocessing_context can only be used with multi-process loading "
                                    f"(num_workers > 0), but got num_workers={num_workers}")
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise InvalidParameterError(f"multiprocessing_context option should specify a valid start method "
                                        f"in {methods!r}, but got multiprocessing_context={context!r}")
    elif not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError("multiprocessing_context option should be a valid context object or a string "
                        f"specifying the start method, but got multiprocessing_context={context!r}")


class DataLoader:
    """Iterate over a dataset in mini-batches, with PyTorch's arguments and semantics.

    Args:
        dataset: a map-style dataset (``ds[i]``, ``len(ds)``) or an IterableDataset.
        batch_size: samples per batch (a positive int), or None to yield
            single samples (converted by :func:`default_convert`).
        shuffle: visit the samples in a fresh random order each pass
            (a RandomSampler on ``generator``); not for iterable datasets.
        sampler: the order of the indices (an iterable of ints); excludes ``shuffle``.
        batch_sampler: yields lists of indices; excludes ``batch_size``,
            ``shuffle``, ``sampler`` and ``drop_last``.
        num_workers: accepted (>= 0); loading stays in this process, with a warning once (the
            sampler runs prefetch_factor * num_workers batches ahead, as PyTorch's).
        collate_fn: merges a list of samples into a batch.
        pin_memory: accepted; nothing to pin on the CPU (warns, as PyTorch without a GPU).
        drop_last: drop the last batch if it is smaller than ``batch_size``.
        timeout: accepted (>= 0), unused; with ``num_workers=0`` it must be 0 (``iter(loader)`` raises,
            as PyTorch's).
        worker_init_fn: called with each emulated worker's id when the workers start, at ``iter(loader)``
            (the first one only with ``persistent_workers``), as PyTorch's workers call it.
        multiprocessing_context: a start method's name or a context, with workers only (checked as
            PyTorch checks it; unused).
        generator: a ``mg.Generator`` for the shuffling (default: the global one).
        prefetch_factor: only with ``num_workers > 0``, as PyTorch (default 2): batches per worker
            the sampler runs ahead.
        persistent_workers: only with ``num_workers > 0``, as PyTorch; later passes then draw no
            worker seed from ``generator`` (PyTorch's reused iterator draws none).

    ``len(loader)`` is the number of batches per pass (for an iterable
    dataset, computed from its ``len``).

    Raises:
        InvalidParameterError: a bad value or a forbidden combination of
            arguments (ValueError, as PyTorch), a generator that is not a
            ``mg.Generator``.
        TypeError: a map-style dataset without ``__getitem__``/``__len__`` and no sampler,
            or a collate_fn that is not callable.

    Iterating warns, as PyTorch's, for each batch beyond the length an IterableDataset
    reported to ``len(loader)`` (the dataset's ``len``, compared with batches, as PyTorch does).
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler[int] | Iterable[int] | None = None,
                 batch_sampler: Sampler[list[int]] | Iterable[list[int]] | None = None,
                 num_workers: int = 0, collate_fn: Callable[[Any], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None, multiprocessing_context: Any = None,
                 generator: Generator | None = None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "",
                 in_order: bool = True) -> None:
        self.__initialized = False
        if is_int(num_workers) and num_workers < 0:
            raise InvalidParameterError("num_workers option should be non-negative; use num_workers=0 to "
                                        f"disable multiprocessing. (got num_workers={num_workers})")
        num_workers = nonnegative_int("num_workers", num_workers)
        if timeout < 0:
            raise InvalidParameterError(f"timeout option should be non-negative, got timeout={timeout!r}")
        if num_workers == 0 and prefetch_factor is not None:
            raise InvalidParameterError(
                "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                f"to enable multiprocessing, otherwise set prefetch_factor to None. (got {prefetch_factor!r})"
            )
        if prefetch_factor is not None and prefetch_factor < 0:
            raise InvalidParameterError(f"prefetch_factor must be non-negative, got {prefetch_factor!r}")
        if persistent_workers and num_workers == 0:
            raise InvalidParameterError("persistent_workers option needs num_workers > 0")
        check_generator(generator)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"collate_fn must be callable, got {collate_fn!r}")
        drop_last = bool_flag("drop_last", drop_last)

        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise InvalidParameterError(
                        f"DataLoader with IterableDataset: expected unspecified {name} option, "
                        f"but got {name}={value!r}"
                    )
        else:
            shuffle = False if shuffle is None else flag("shuffle", shuffle)
            # (a sampler or batch_sampler of its own spares a dataset its __len__, as in PyTorch)
            if sampler is None and batch_sampler is None and (
                    not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__")):
                name = type(dataset).__name__  # (PyTorch's words: its first len() or dataset[i] fails)
                first = f"'{name}' object is not subscriptable" if not hasattr(dataset, "__getitem__") \
                    else f"object of type '{name}' has no len()"
                raise TypeError(f"{first} (a map-style dataset must define __getitem__ and __len__, or be an "
                                "IterableDataset)")
        if sampler is not None and shuffle:
            raise InvalidParameterError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise InvalidParameterError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                    "and drop_last"
                )
            batch_size = None
        elif batch_size is None and drop_last:
            raise InvalidParameterError(
                "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
            )
        if iterable:  # PyTorch's placeholder (never read: the stream is read directly)
            sampler = _InfiniteConstantSampler()  # type: ignore[assignment]  # yields None, not ints
        elif sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)  # type: ignore[arg-type]
            batch_size = int(batch_size)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.num_workers = int(num_workers)
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._default_collate = collate_fn is None
        self.collate_fn: Callable[[Any], Any] = (
            collate_fn if collate_fn is not None
            else default_collate if self._auto_collation else default_convert
        )
        self._IterableDataset_len_called: int | None = None
        self.__initialized = True
        if self.num_workers > 0 and not _warned_workers:
            _warned_workers.append(True)
            warnings.warn(
                f"DataLoader(num_workers={self.num_workers}): minigrad loads data in the main process (the "
                "same batches, each made with its worker's random streams; shown once)",
                stacklevel=2,
            )

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr in _FIXED_AFTER_INIT and getattr(self, "_DataLoader__initialized", False):
            raise InvalidParameterError(f"{attr} attribute should not be set after DataLoader is initialized")
        if attr == "multiprocessing_context" and value is not None:
            _check_context(value, self.num_workers)
        super().__setattr__(attr, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (self.batch_size is not None and self.sampler is None)

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            n = self._IterableDataset_len_called = len(self.dataset)  # type: ignore[arg-type]
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        if self.pin_memory:
            # (from here, not the loop: PyTorch's names its own iterator's line, so shows it once per process)
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=1)
        # PyTorch's iterator draws a base seed for its workers first (even with none), so the
        # generator is where PyTorch's is when the sampler draws the order; persistent workers keep
        # the first iterator's seed, so later passes draw none
        if not (self.persistent_workers and self.__dict__.get("_seeded")):
            base_seed = int(_draws.random_full(resolve(self.generator), ()))
            self.__dict__["_seeded"] = True
            if self.num_workers > 0:  # (each pass starts its workers afresh, persistent ones once)
                self.__dict__["_workers"] = Workers(self.num_workers, base_seed, self.dataset,
                                                    self.worker_init_fn)
        if self.num_workers == 0 and self.timeout != 0:
            raise _AssertedParameterError("_SingleProcessDataLoaderIter requires timeout == 0 (a timeout "
                                          f"needs num_workers > 0, got timeout={self.timeout!r})")
        if isinstance(self.dataset, IterableDataset):
            if self.num_workers == 0:
                return self._stream(iter(self.dataset))
            return self._stream(self._worker_streams(self.__dict__["_workers"]), collated=True)
        keys = self._index_batches()
        fetch: Callable[[Any], Any] = self._fetch_keys
        if keys is None and self.batch_sampler is None:
            keys, fetch = iter(self.sampler), self._fetch_one  # type: ignore[arg-type]
        elif keys is None:
            keys, fetch = iter(self.batch_sampler), self._fetch_batch  # type: ignore[arg-type]
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(keys, fetch, self)
        workers: Workers = self.__dict__["_workers"]
        if type(self.dataset) is TensorDataset and self._default_collate and self.worker_init_fn is None:
            batches = _SingleProcessDataLoaderIter(keys, fetch, self)  # (no user code runs: nothing draws)
        else:
            workers.start()  # (each pass hands its first batch to worker 0 again, as PyTorch's iterator)
            workers.turn = 0
            batches = _SingleProcessDataLoaderIter(keys, functools.partial(workers.fetch, fetch), self)
        # PyTorch's workers keep prefetch_factor * num_workers batches requested ahead of the one
        # returned, so the sampler (and a generator it draws from) runs that far ahead
        per_worker = 2 if self.prefetch_factor is None else self.prefetch_factor
        return _MultiProcessingDataLoaderIter(batches, per_worker * self.num_workers)

    def _fetch_one(self, i: Any) -> Any:
        return self.collate_fn(self.dataset[i])

    def _fetch_batch(self, idx: list[int]) -> Any:
        getitems = getattr(self.dataset, "__getitems__", None)
        samples = getitems(idx) if callable(getitems) else [self.dataset[i] for i in idx]
        return self.collate_fn(samples)

    def _fetch_keys(self, key: Any) -> Any:
        # _index_batches' keys: a slice or index array of a TensorDataset, else an index list
        if isinstance(key, list):
            return self._fetch_batch(key)
        return self.dataset._batch(key)

    def _stream(self, it: Iterator[Any], collated: bool = False) -> Iterator[Any]:
        # samples (or chunks of batch_size) are taken from the stream, then collated: a collate error
        # leaves the pass going on with the next chunk, as PyTorch's
        size = self.batch_size
        chunks = it if size is None or collated else self._chunks(it, size)
        collate = _as_is if collated else self.collate_fn
        if self._IterableDataset_len_called is not None:
            return _CountedStreamIter(chunks, collate, self, self._IterableDataset_len_called)
        return _SingleProcessDataLoaderIter(chunks, collate, self)

    def _worker_streams(self, workers: Workers) -> Iterator[Any]:
        """An IterableDataset's batches as PyTorch's workers make them: each worker iterates its own copy
        of the dataset (all of it, unless the dataset splits itself by :func:`get_worker_info`), chunks and
        collates it with its random streams, and the batches come from the workers in turn, a worker that
        has run dry left out."""
        workers.start()
        size = self.batch_size

        def batches(it: Iterator[Any]) -> Iterator[Any]:
            for chunk in (it if size is None else self._chunks(it, size)):
                yield self.collate_fn(chunk)
        streams = {w: workers.as_worker(w, lambda: batches(iter(self.dataset)))
                   for w in range(self.num_workers)}
        while streams:
            for w in list(streams):
                try:
                    yield workers.as_worker(w, functools.partial(next, streams[w]))
                except StopIteration:
                    del streams[w]

    def _chunks(self, it: Iterator[Any], size: int) -> Iterator[list[Any]]:
        while True:
            chunk = [x for _, x in zip(range(size), it)]
            if not chunk or (self.drop_last and len(chunk) < size):
                return
            yield chunk

    def _index_batches(self) -> Iterator[Any] | None:
        """The batches' keys cut from one index array, when the built-in samplers make the order.

        The order is drawn when the first batch is asked for, as PyTorch's sampler
        (a generator) draws it (with workers, their first requests make that
        ``iter(loader)``: :class:`_MultiProcessingDataLoaderIter`). A TensorDataset with the default
        collate is then batched by fancy indexing (the keys are slices or index
        arrays); other datasets get the index lists a BatchSampler would yield.
        """
        bs = self.batch_sampler
        if type(bs) is not BatchSampler or not isinstance(bs.sampler, _IndexSampler) \
                or type(bs.sampler).__iter__ not in (_IndexSampler.__iter__, SubsetRandomSampler.__iter__):
            return None
        fancy = isinstance(self.dataset, TensorDataset) and self._default_collate
        if not fancy and not bs.sampler._int_keys():
            return None
        chunks = bs.sampler._index_chunks(bs.batch_size)
        sequential = isinstance(bs.sampler, SequentialSampler)
        return self._cut_chunks(chunks, bs.batch_size, bs.drop_last, sequential, fancy)

    def _cut_chunks(self, chunks: Iterator[Array], size: int, drop_last: bool,
                    sequential: bool, fancy: bool) -> Iterator[Any]:
        # every chunk but the last is a whole number of batches, so drop_last only matters at the end
        for chunk in chunks:
            yield from self._cut(chunk, size, drop_last, sequential, fancy)

    @staticmethod
    def _cut(order: Array, size: int, drop_last: bool, sequential: bool, fancy: bool) -> Iterator[Any]:
        n = len(order)
        stop = n - n % size if drop_last else n
        for start in range(0, stop, size):
            if not fancy:
                yield order[start:start + size].tolist()
            else:
                yield slice(start, min(start + size, n)) if sequential else order[start:start + size]


def _as_is(batch: Any) -> Any:
    return batch


class _SingleProcessDataLoaderIter:
    """The loader's iterator: the next key (an index or index batch) from ``keys``, fetched.

    A class, not a generator, so an error raised while fetching one batch
    leaves the iterator usable: the next call moves on to the next batch, as
    PyTorch's single-process iterator does. ``len()`` is the loader's.
    """

    __slots__ = ("_fetch", "_keys", "_loader")

    def __init__(self, keys: Iterator[Any], fetch: Callable[[Any], Any], loader: DataLoader) -> None:
        self._keys = keys
        self._fetch = fetch
        self._loader = loader

    def __iter__(self) -> _SingleProcessDataLoaderIter:
        return self

    def __next__(self) -> Any:
        return self._fetch(next(self._keys))

    def __len__(self) -> int:
        return len(self._loader)


class _CountedStreamIter(_SingleProcessDataLoaderIter):
    """The iterator of an IterableDataset whose length ``len(loader)`` read: each batch past that length
    warns, as PyTorch's iterator (which compares the batches yielded with the dataset's reported length)."""

    __slots__ = ("_reported", "_yielded")

    def __init__(self, keys: Iterator[Any], fetch: Callable[[Any], Any], loader: DataLoader,
                 reported: int) -> None:
        super().__init__(keys, fetch, loader)
        self._reported = reported
        self._yielded = 0

    def __next__(self) -> Any:
        data = self._fetch(next(self._keys))
        self._yielded += 1
        if self._yielded > self._reported:
            message = (f"Length of IterableDataset {self._loader.dataset} was reported to be {self._reported}"
                       f"(when accessing len(dataloader)), but {self._yielded} samples have been fetched. ")
            if self._loader.num_workers > 0:
                message += ("For multiprocessing data-loading, this could be caused by not properly "
                            "configuring the IterableDataset replica at each worker. Please see "
                            "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for "
                            "examples.")
            warnings.warn(message, stacklevel=2)
        return data


class _MultiProcessingDataLoaderIter:
    """The loader's iterator with ``num_workers`` (PyTorch's class name): the batches are made in this
    process; the sampler runs ``ahead`` batches ahead, as PyTorch's iterator requests that many index
    batches for its workers when it is made (so a sampler's draws happen at ``iter(loader)``) and one
    more with each batch it returns. ``len()`` is the loader's."""

    __slots__ = ("_batches", "_pending")

    def __init__(self, batches: _SingleProcessDataLoaderIter, ahead: int) -> None:
        self._batches = batches
        self._pending: collections.deque[Any] = collections.deque(itertools.islice(batches._keys, ahead))

    def __iter__(self) -> _MultiProcessingDataLoaderIter:
        return self

    def __next__(self) -> Any:
        pending = self._pending
        pending.extend(itertools.islice(self._batches._keys, 1))  # the request replacing the one returned
        if not pending:
            raise StopIteration
        return self._batches._fetch(pending.popleft())

    def __len__(self) -> int:
        return len(self._batches)
