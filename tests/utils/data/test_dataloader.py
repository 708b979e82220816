"""DataLoader: PyTorch's arguments, their combinations, iterable datasets, samplers, in-process workers."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    TensorDataset,
    WeightedRandomSampler,
    dataloader,
    get_worker_info,
)


class Rows(Dataset[tuple[np.ndarray, int]]):
    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
        return np.full(2, float(i)), i


class Stream(IterableDataset[int]):
    def __init__(self, n: int, with_len: bool = True) -> None:
        self.n, self.with_len = n, with_len

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.n))

    def __len__(self) -> int:
        if not self.with_len:
            raise TypeError("no len")
        return self.n


def _ds(n: int = 10) -> TensorDataset:
    return TensorDataset(mg.arange(n).float().reshape(n, 1), mg.arange(n))


def test_batches_are_lists_as_pytorch() -> None:
    batch = next(iter(DataLoader(_ds(), batch_size=4)))
    assert isinstance(batch, list) and len(batch) == 2
    assert batch[0].shape == (4, 1) and batch[1].tolist() == [0, 1, 2, 3]


def test_fast_path_equals_sample_by_sample_collation() -> None:
    """TensorDataset batches (one fancy index) equal the generic path's (collate of ds[i])."""
    ds = _ds(23)
    for kw in ({"batch_size": 5}, {"batch_size": 5, "drop_last": True},
               {"batch_size": 4, "sampler": RandomSampler(ds, replacement=True, num_samples=30,
                                                          generator=mg.Generator(2))}):
        fast = list(DataLoader(ds, **kw))
        if "sampler" in kw:
            kw = {**kw, "sampler": RandomSampler(ds, replacement=True, num_samples=30,
                                                 generator=mg.Generator(2))}
        slow = list(DataLoader(Subset(ds, list(range(23))), **kw))  # not a TensorDataset: sample by sample
        assert len(fast) == len(slow)
        for a, b in zip(fast, slow, strict=True):
            assert [t.tolist() for t in a] == [t.tolist() for t in b]
            assert [t.dtype for t in a] == [t.dtype for t in b]


def test_shuffle_with_generator_matches_random_sampler() -> None:
    ds = _ds(17)
    shuffled = [b[1].tolist() for b in DataLoader(ds, batch_size=5, shuffle=True, generator=mg.Generator(9))]
    # as PyTorch's, the loader's iterator first draws its workers' base seed from the generator
    gen = mg.Generator(9)
    mg.empty((), dtype=mg.int64).random_(generator=gen)
    order = list(RandomSampler(ds, generator=gen))
    assert [i for b in shuffled for i in b] == order


def test_generic_dataset_and_custom_samplers() -> None:
    loader = DataLoader(Rows(5), batch_size=2, sampler=[4, 0, 3])
    batches = list(loader)
    assert len(loader) == 2 and [b[1].tolist() for b in batches] == [[4, 0], [3]]
    assert batches[0][0].dtype == np.float64 and batches[0][0].tolist() == [[4.0, 4.0], [0.0, 0.0]]
    by_batches = DataLoader(Rows(5), batch_sampler=[[1, 2], [0], [4, 3]])
    assert [b[1].tolist() for b in by_batches] == [[1, 2], [0], [4, 3]] and len(by_batches) == 3
    bs = BatchSampler(SequentialSampler(range(5)), 2, drop_last=True)
    assert [b[1].tolist() for b in DataLoader(Rows(5), batch_sampler=bs)] == [[0, 1], [2, 3]]
    weighted = DataLoader(_ds(4), batch_size=3, sampler=WeightedRandomSampler([0, 0, 1.0, 0], 6,
                                                                               generator=mg.Generator(0)))
    assert [b[1].tolist() for b in weighted] == [[2, 2, 2], [2, 2, 2]]


def test_batch_size_none_without_auto_batching() -> None:
    out = list(DataLoader(Rows(3), batch_size=None))
    assert len(out) == 3 and isinstance(out[1], list)  # default_convert: tuples become lists
    assert isinstance(out[1][0], mg.Tensor) and out[1][0].tolist() == [1.0, 1.0] and out[1][1] == 1
    assert [int(x) for x in DataLoader(Stream(3), batch_size=None)] == [0, 1, 2]


def test_getitems_is_used_for_a_batch() -> None:
    calls: list[list[int]] = []

    class Batched(Rows):
        def __getitems__(self, idx: list[int]) -> list[tuple[np.ndarray, int]]:
            calls.append(list(idx))
            return [self[i] for i in idx]

    list(DataLoader(Batched(5), batch_size=2))
    assert calls == [[0, 1], [2, 3], [4]]


@pytest.mark.parametrize(("n", "bs", "drop", "sizes"), [(7, 3, False, [3, 3, 1]), (7, 3, True, [3, 3]),
                                                         (2, 3, True, []), (0, 3, False, [])])
def test_iterable_dataset(n: int, bs: int, drop: bool, sizes: list[int]) -> None:
    loader = DataLoader(Stream(n), batch_size=bs, drop_last=drop)
    batches = list(loader)
    assert [len(b) for b in batches] == sizes and len(loader) == len(sizes)
    assert [i for b in batches for i in b.tolist()] == list(range(sum(sizes)))
    with pytest.raises(TypeError):
        len(DataLoader(Stream(3, with_len=False), batch_size=2))


@pytest.mark.parametrize(("kw", "match"), [
    ({"shuffle": True}, "expected unspecified shuffle option"),
    ({"sampler": [0, 1]}, "expected unspecified sampler option"),
    ({"batch_sampler": [[0]]}, "expected unspecified batch_sampler option"),
])
def test_iterable_dataset_refuses_samplers_and_shuffle(kw: dict[str, Any], match: str) -> None:
    with pytest.raises(mg.InvalidParameterError, match=match):
        DataLoader(Stream(3), **kw)


@pytest.mark.parametrize(("kw", "match"), [
    ({"sampler": [0, 1], "shuffle": True}, "mutually exclusive with shuffle"),
    ({"batch_sampler": [[0]], "batch_size": 2}, "batch_sampler option is mutually exclusive"),
    ({"batch_sampler": [[0]], "drop_last": True}, "batch_sampler option is mutually exclusive"),
    ({"batch_sampler": [[0]], "sampler": [0]}, "batch_sampler option is mutually exclusive"),
    ({"batch_size": None, "drop_last": True}, "mutually exclusive with drop_last"),
    ({"num_workers": -1}, "num_workers"),
    ({"timeout": -1}, "timeout"),
    ({"prefetch_factor": 2}, "prefetch_factor option could only be specified in multiprocessing"),
    ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
])
def test_argument_combinations_refused_as_pytorch(kw: dict[str, Any], match: str) -> None:
    with pytest.raises(mg.InvalidParameterError, match=match) as info:
        DataLoader(Rows(3), **kw)
    assert isinstance(info.value, ValueError)


def test_attributes_are_fixed_after_init() -> None:
    loader = DataLoader(Rows(3), batch_size=2)
    for attr in ("batch_size", "sampler", "batch_sampler", "drop_last", "dataset", "persistent_workers"):
        with pytest.raises(mg.InvalidParameterError, match=f"{attr} attribute should not be set"):
            setattr(loader, attr, None)
    loader.num_workers = 0  # the others may change, as in PyTorch
    assert loader.collate_fn is not None and isinstance(loader.sampler, SequentialSampler)


def test_num_workers_runs_in_process_with_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataloader, "_warned_workers", [])
    calls: list[int] = []
    with pytest.warns(UserWarning, match="main process") as record:
        loader = DataLoader(_ds(6), batch_size=4, num_workers=2, prefetch_factor=4, persistent_workers=True,
                            worker_init_fn=calls.append, timeout=5)
    assert len(record) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the second loader does not warn again
        again = DataLoader(_ds(6), batch_size=4, num_workers=3)
        assert [b[1].tolist() for b in loader] == [b[1].tolist() for b in again] == [[0, 1, 2, 3], [4, 5]]
    # worker_init_fn runs once per emulated worker as PyTorch's workers start (persistent: the first pass)
    assert calls == [0, 1] and get_worker_info() is None
    assert [b[1].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5]] and calls == [0, 1]


def test_pin_memory_warns_as_pytorch_without_an_accelerator() -> None:
    loader = DataLoader(_ds(4), batch_size=2, pin_memory=True)
    with pytest.warns(UserWarning, match="no accelerator is found"):
        batches = list(loader)
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3]]


def test_shuffle_draws_its_order_at_the_first_batch_as_pytorch() -> None:
    # PyTorch's sampler is a generator: iter(loader) draws only the workers' base seed, the order is drawn
    # when the first batch is asked for (a reseed in between sets it; with workers iter() asks already)
    ds = _ds(12)
    loader = DataLoader(ds, batch_size=12, shuffle=True)
    mg.manual_seed(4)
    it = iter(loader)
    mg.manual_seed(99)
    first = next(it)[1].tolist()
    mg.manual_seed(99)
    assert first == list(RandomSampler(ds)) and sorted(first) == list(range(12))
    mg.manual_seed(4)
    assert next(iter(loader))[1].tolist() != first


def test_map_dataset_without_len_needs_a_sampler() -> None:
    class NoLen(Dataset[int]):
        def __getitem__(self, i: int) -> int:
            return i

    assert [b.tolist() for b in DataLoader(NoLen(), batch_size=2, sampler=[5, 6, 7])] == [[5, 6], [7]]
    with pytest.raises(TypeError, match="__len__"):
        DataLoader(NoLen())
