"""A RandomSampler pass far longer than memory (num_samples=int(1e10), "forever") is drawn lazily."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset
from minigrad.utils.data.sampler import CHUNK


@pytest.mark.parametrize("replacement", [True, False])
def test_endless_sampler_in_a_dataloader(replacement: bool) -> None:
    ds = TensorDataset(mg.arange(10), mg.arange(10) * 2)
    sampler = RandomSampler(ds, replacement=replacement, num_samples=int(1e10))
    loader = DataLoader(ds, sampler=sampler, batch_size=7)
    assert len(loader) == int(1e10) // 7 + 1
    batches = list(itertools.islice(loader, 2 * CHUNK // 7 + 3))  # crosses chunk boundaries
    assert all(xb.shape == (7,) for xb, _ in batches)
    assert all(bool((yb == xb * 2).all()) for xb, yb in batches)
    seen = np.concatenate([xb.numpy() for xb, _ in batches])
    assert set(seen.tolist()) == set(range(10))
    if not replacement:  # consecutive blocks of 10 are permutations
        assert all(sorted(seen[i:i + 10].tolist()) == list(range(10)) for i in range(0, 10 * CHUNK // 10, 10))


def test_endless_sampler_iterates_lazily_on_its_own() -> None:
    sampler = RandomSampler(range(5), replacement=True, num_samples=int(1e12))
    first = list(itertools.islice(iter(sampler), CHUNK + 5))
    assert len(first) == CHUNK + 5 and set(first) == set(range(5))
    batches = list(itertools.islice(iter(BatchSampler(sampler, 3, drop_last=False)), 4))
    assert [len(b) for b in batches] == [3, 3, 3, 3]


@pytest.mark.parametrize("replacement", [True, False])
def test_long_but_finite_pass_has_every_index_and_the_tail(replacement: bool) -> None:
    k = 2 * CHUNK + 11
    ds = TensorDataset(mg.arange(97))
    loader = DataLoader(ds, sampler=RandomSampler(ds, replacement=replacement, num_samples=k), batch_size=8)
    sizes = [xb.shape[0] for (xb,) in loader]
    assert sum(sizes) == k and sizes[-1] == k % 8 and set(sizes[:-1]) == {8}
    dropped = DataLoader(ds, sampler=RandomSampler(ds, replacement=replacement, num_samples=k), batch_size=8,
                         drop_last=True)
    assert sum(xb.shape[0] for (xb,) in dropped) == k - k % 8
