"""Dataset, IterableDataset, Subset, ConcatDataset, ChainDataset, random_split."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.data import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)


class Squares(Dataset[int]):
    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i * i


class Count(IterableDataset[int]):
    def __init__(self, start: int, stop: int) -> None:
        self.start, self.stop = start, stop

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.start, self.stop))

    def __len__(self) -> int:
        return self.stop - self.start


def test_base_classes() -> None:
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]
    with pytest.raises(NotImplementedError, match="__iter__"):
        iter(IterableDataset())
    assert not hasattr(Dataset(), "__len__")  # as PyTorch: a map-style dataset need not have one


def test_subset() -> None:
    sub = Subset(Squares(10), [9, 2, 5])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == [81, 4, 25] and sub[-1] == 25
    assert sub.__getitems__([0, 2]) == [81, 25]
    tds = Subset(TensorDataset(mg.arange(10)), [3, 1])
    assert tds[[0, 1]][0].tolist() == [3, 1]  # a list index goes through to the dataset in one call


def test_concat() -> None:
    cat = ConcatDataset([Squares(3), Squares(2)])
    assert len(cat) == 5 and cat.cumulative_sizes == [3, 5]
    assert [cat[i] for i in range(5)] == [0, 1, 4, 0, 1] and cat[-1] == 1 and cat[-5] == 0
    assert len(Squares(2) + Squares(4)) == 6
    with pytest.raises(mg.InvalidParameterError, match="exceed dataset length"):
        cat[-6]
    with pytest.raises(IndexError, match="out of range"):
        cat[5]
    with pytest.raises(mg.InvalidParameterError, match="empty"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="IterableDataset"):
        ConcatDataset([Squares(2), Count(0, 2)])


def test_chain() -> None:
    chain = Count(0, 3) + Count(10, 12)
    assert isinstance(chain, ChainDataset) and list(chain) == [0, 1, 2, 10, 11] and len(chain) == 5
    with pytest.raises(TypeError, match="only supports IterableDataset"):
        list(ChainDataset([Squares(2)]))


def test_random_split_lengths_and_fractions() -> None:
    ds = Squares(10)
    parts = random_split(ds, [3, 7], generator=mg.Generator(0))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))  # type: ignore[operator]
    fr = random_split(ds, [0.25, 0.25, 0.5], generator=mg.Generator(0))
    assert [len(p) for p in fr] == [3, 2, 5]  # floor(2.5), floor(2.5), 5, then the remainder round-robin
    same = random_split(ds, [0.25, 0.25, 0.5], generator=mg.Generator(0))
    assert [p.indices for p in same] == [p.indices for p in fr]
    mg.manual_seed(3)
    a = [p.indices for p in random_split(ds, [5, 5])]
    mg.manual_seed(3)
    assert [p.indices for p in random_split(ds, [5, 5])] == a


def test_random_split_errors_and_warning() -> None:
    with pytest.raises(mg.InvalidParameterError, match="Sum of input lengths"):
        random_split(Squares(10), [3, 3])
    with pytest.raises(mg.InvalidParameterError, match="not between 0 and 1"):
        random_split(Squares(10), [1.5, -0.5])
    with pytest.warns(UserWarning) as record:
        parts = random_split(Squares(2), [0.9, 0.05, 0.05], generator=mg.Generator(0))
    assert [len(p) for p in parts] == [2, 0, 0]
    assert [str(w.message) for w in record] == [
        f"Length of split at index {i} is 0. This might result in an empty dataset." for i in (1, 2)]


def test_tensor_dataset_numpy_inputs_share_memory() -> None:
    arr = np.arange(6.0).reshape(3, 2)
    ds = TensorDataset(arr)
    arr[0, 0] = 42.0
    assert ds[0][0].tolist() == [42.0, 1.0]
