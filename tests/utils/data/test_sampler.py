"""Samplers: orders, lengths, determinism under seeds and generators, argument checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.data import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)


def test_sequential() -> None:
    s = SequentialSampler(range(5))
    assert list(s) == [0, 1, 2, 3, 4] and len(s) == 5
    assert all(type(i) is int for i in s)


def test_random_without_replacement_is_a_permutation_each_pass() -> None:
    s = RandomSampler(range(20), generator=mg.Generator(1))
    a, b = list(s), list(s)
    assert sorted(a) == sorted(b) == list(range(20)) and a != b and len(s) == 20
    assert all(type(i) is int for i in a)


@pytest.mark.parametrize("num_samples", [7, 20, 45])
def test_random_num_samples_chains_permutations(num_samples: int) -> None:
    out = list(RandomSampler(range(20), num_samples=num_samples, generator=mg.Generator(0)))
    assert len(out) == num_samples
    for start in range(0, num_samples, 20):  # every full block is a permutation, the tail has no repeats
        block = out[start:start + 20]
        assert len(set(block)) == len(block)


def test_random_with_replacement() -> None:
    out = list(RandomSampler(range(3), replacement=True, num_samples=300, generator=mg.Generator(0)))
    assert len(out) == 300 and set(out) == {0, 1, 2}
    assert max(np.bincount(out)) < 150  # roughly uniform, and repeats happen


def test_random_is_reproducible_under_manual_seed_and_generators() -> None:
    mg.manual_seed(11)
    a = list(RandomSampler(range(30)))
    mg.manual_seed(11)
    assert list(RandomSampler(range(30))) == a
    assert list(RandomSampler(range(30), generator=mg.Generator(4))) == list(
        RandomSampler(range(30), generator=mg.Generator(4)))
    mg.manual_seed(5)
    before = mg.rand(2).numpy()
    mg.manual_seed(5)
    list(RandomSampler(range(30), generator=mg.Generator(4)))  # its own stream: the global one is untouched
    assert np.array_equal(mg.rand(2).numpy(), before)


def test_random_sampler_errors() -> None:
    with pytest.raises(TypeError, match="replacement"):
        RandomSampler(range(3), replacement=1)  # type: ignore[arg-type]
    for bad in (0, -1, 2.5, True):
        with pytest.raises(mg.InvalidParameterError, match="num_samples"):
            RandomSampler(range(3), num_samples=bad)  # type: ignore[arg-type]
    with pytest.raises(mg.InvalidParameterError, match="num_samples"):
        RandomSampler([])  # an empty dataset has nothing to shuffle (PyTorch: ValueError)
    with pytest.raises(mg.InvalidParameterError, match="generator"):
        RandomSampler(range(3), generator=np.random.default_rng(0))  # type: ignore[arg-type]


def test_subset_random() -> None:
    idx = [10, 20, 30, 40]
    s = SubsetRandomSampler(idx, generator=mg.Generator(0))
    out = list(s)
    assert sorted(out) == idx and len(s) == 4 and all(type(i) is int for i in out)


def test_weighted() -> None:
    s = WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=4000, generator=mg.Generator(0))
    counts = np.bincount(list(s), minlength=3)
    assert len(s) == 4000 and counts[0] == 0
    assert 0.2 < counts[1] / 4000 < 0.3  # 1/4 expected
    no_repeat = list(WeightedRandomSampler(mg.tensor([1.0, 2.0, 3.0, 4.0]), 4, replacement=False,
                                           generator=mg.Generator(1)))
    assert sorted(no_repeat) == [0, 1, 2, 3]


@pytest.mark.parametrize(("weights", "kw", "error", "match"), [
    ([1.0, 2.0], {"num_samples": 0}, mg.InvalidParameterError, "num_samples"),
    ([1.0, 2.0], {"num_samples": 2, "replacement": 1}, mg.InvalidParameterError, "replacement"),
    ([[1.0, 2.0]], {"num_samples": 2}, mg.ShapeError, "1d"),
])
def test_weighted_errors(weights: Any, kw: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match) as info:
        WeightedRandomSampler(weights, **kw)
    assert isinstance(info.value, ValueError)  # PyTorch: ValueError


@pytest.mark.parametrize(("weights", "kw", "match"), [
    ([1.0, -2.0], {"num_samples": 2}, "< 0"),
    ([0.0, 0.0], {"num_samples": 2}, "sum of probabilities"),
    ([1.0, 0.0], {"num_samples": 3, "replacement": False}, "without replacement"),
])
def test_weighted_errors_when_drawing(weights: Any, kw: dict[str, Any], match: str) -> None:
    sampler = WeightedRandomSampler(weights, **kw)  # (PyTorch checks the weights in multinomial, not here)
    with pytest.raises(RuntimeError, match=match):
        list(sampler)


@pytest.mark.parametrize(("n", "bs", "drop", "sizes"), [
    (10, 3, False, [3, 3, 3, 1]), (10, 3, True, [3, 3, 3]), (9, 3, True, [3, 3, 3]), (2, 5, True, []),
])
def test_batch_sampler(n: int, bs: int, drop: bool, sizes: list[int]) -> None:
    s = BatchSampler(SequentialSampler(range(n)), bs, drop)
    batches = list(s)
    assert [len(b) for b in batches] == sizes == [len(b) for b in s] and len(s) == len(sizes)
    assert [i for b in batches for i in b] == list(range(sum(sizes)))
    assert list(BatchSampler(iter([5, 6, 7]), 2, False)) == [[5, 6], [7]]  # any iterable of indices


def test_batch_sampler_errors() -> None:
    for bad in (0, -2, 1.5, True, None):
        with pytest.raises(mg.InvalidParameterError, match="batch_size"):
            BatchSampler(range(3), bad, False)  # type: ignore[arg-type]
    with pytest.raises(mg.InvalidParameterError, match="drop_last"):
        BatchSampler(range(3), 2, 0)  # type: ignore[arg-type]


def test_custom_sampler_subclass() -> None:
    class Evens(Sampler[int]):
        def __iter__(self) -> Any:
            return iter([0, 2, 4])

        def __len__(self) -> int:
            return 3

    assert list(BatchSampler(Evens(), 2, False)) == [[0, 2], [4]]
    with pytest.raises(NotImplementedError):
        iter(Sampler())
