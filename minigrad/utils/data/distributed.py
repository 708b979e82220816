"""``torch.utils.data.distributed``: ``DistributedSampler``, each replica's share of a dataset.

minigrad runs one process, so ``num_replicas`` and ``rank`` must be given (PyTorch
would ask the process group, which minigrad refuses to start); with them the
sampler splits indices as PyTorch's does: padded by repeating the first indices
(or trimmed with ``drop_last``) to a multiple of ``num_replicas``, then every
``num_replicas``-th index from ``rank``. Shuffling draws a permutation from a
generator seeded with ``seed + epoch`` (minigrad's stream, so the order differs
from PyTorch's while the split of one order is the same).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sized
from typing import Any

from minigrad.errors import InvalidParameterError, _NoProcessGroupError
from minigrad.random import Generator
from minigrad.sampling import randperm
from minigrad.utils.data.sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler[int]):
    """The indices of ``dataset`` that replica ``rank`` of ``num_replicas`` visits this epoch.

    ``len(sampler)`` is ``num_samples``: ceil(len / num_replicas), or with ``drop_last``
    floor(len / num_replicas). ``set_epoch(e)`` reseeds the shuffle.

    Raises:
        UnsupportedError: ``num_replicas`` or ``rank`` left to the (absent) process group (also a
            ValueError, as PyTorch's without an initialized default group).
        InvalidParameterError (a ValueError): ``rank`` outside [0, num_replicas - 1].
    """

    def __init__(self, dataset: Sized, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            raise _NoProcessGroupError("DistributedSampler: minigrad has no process group to ask for "
                                   "num_replicas and rank; pass both")
        if rank >= num_replicas or rank < 0:
            raise InvalidParameterError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch, self.drop_last, self.shuffle, self.seed = 0, drop_last, shuffle, seed
        n = len(dataset)
        if drop_last and n % num_replicas:
            # the tail that does not divide evenly is dropped, so every replica gets the same count
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            g = Generator()
            g.manual_seed(self.seed + self.epoch)
            indices: list[Any] = randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            pad = self.total_size - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use ``epoch`` in the shuffle's seed, so each epoch has its own order (same on every replica)."""
        self.epoch = epoch
