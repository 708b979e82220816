"""PyTorch's DataLoader workers, as far as a script can tell them apart: their random streams.

PyTorch fetches batch ``k`` in worker process ``k % num_workers``. Worker ``w``
starts by seeding ``random``, torch and numpy's global generator from the
iterator's base seed, runs ``worker_init_fn(w)`` and answers
:func:`get_worker_info` with its id; its draws never touch the main process's
generators. minigrad fetches in this process, so it keeps each worker's three
generator states and swaps them in around that worker's fetches: a dataset or
collate_fn that draws gets PyTorch's numbers, and the main stream moves on as
PyTorch's does.
"""

# ruff: noqa: NPY002  (numpy's legacy global generator is the one PyTorch's workers seed)
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from minigrad.random import Generator, default_generator

__all__ = ["WorkerInfo", "get_worker_info"]

_MASK32 = 0xFFFF_FFFF


@dataclass(frozen=True)
class WorkerInfo:
    """What :func:`get_worker_info` answers inside a worker's fetch: its ``id`` (0 .. num_workers - 1),
    ``num_workers``, the ``seed`` its torch and ``random`` generators started from, and the ``dataset``
    (PyTorch's fields, with its ``rng`` and ``worker_method`` defaults)."""

    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: Any = None
    worker_method: str = "multiprocessing"


_current: list[WorkerInfo] = []  # the worker whose fetch is running (empty in the main process)


def get_worker_info() -> WorkerInfo | None:
    """The running worker's :class:`WorkerInfo` inside a DataLoader worker's fetch, ``worker_init_fn``
    included; None elsewhere (the main process), as PyTorch's."""
    return _current[-1] if _current else None


def numpy_seed(base_seed: int, worker_id: int) -> list[int]:
    """The four 32-bit words PyTorch seeds numpy's global generator with in worker ``worker_id``: the
    worker id and the base seed's halves hashed into a pool, mixed, and hashed out (a SeedSequence-style
    scheme with PyTorch's constants, so numpy draws in a worker are PyTorch's)."""
    mult_a = 0x43B0D7E5

    def hash_in(value: int) -> int:
        nonlocal mult_a
        value = (value ^ mult_a) & _MASK32
        mult_a = (mult_a * 0x931E8875) & _MASK32
        value = (value * mult_a) & _MASK32
        return value ^ (value >> 16)

    def mix(x: int, y: int) -> int:
        r = (0xCA01F9DD * x - 0x4973F715 * y) & _MASK32
        return r ^ (r >> 16)

    pool = [hash_in(v) for v in (worker_id, base_seed & _MASK32, base_seed >> 32, 0)]
    for src in range(4):
        for dst in range(4):
            if src != dst:
                pool[dst] = mix(pool[dst], hash_in(pool[src]))
    mult_b, words = 0x8B51F9DD, []
    for value in pool:
        value = (value ^ mult_b) & _MASK32
        mult_b = (mult_b * 0x58F38DED) & _MASK32
        value = (value * mult_b) & _MASK32
        words.append(value ^ (value >> 16))
    return words


class Workers:
    """The random states of ``num_workers`` emulated workers started from ``base_seed``; :meth:`fetch` runs
    one batch's fetch as the next worker in turn (batch k: worker k % num_workers, PyTorch's order)."""

    def __init__(self, num_workers: int, base_seed: int, dataset: Any,
                 init_fn: Callable[[int], None] | None) -> None:
        self.num_workers, self.base_seed = num_workers, base_seed
        self.dataset, self.init_fn = dataset, init_fn
        self.states: dict[int, tuple[Any, Any, Any]] = {}
        self.turn = 0

    def start(self) -> None:
        """Start the workers not started yet, as PyTorch's iterator does when it is made: each seeds
        ``random``, torch and numpy as PyTorch's worker does, then runs ``worker_init_fn(id)``."""
        for w in range(self.num_workers):
            if w not in self.states:
                self.as_worker(w, self._seed)

    def fetch(self, fetch: Callable[[Any], Any], key: Any) -> Any:
        """``fetch(key)`` as worker ``turn % num_workers``, which :meth:`start` started."""
        w = self.turn % self.num_workers
        self.turn += 1
        return self.as_worker(w, lambda: fetch(key))

    def _seed(self) -> None:
        w = _current[-1].id
        random.seed(self.base_seed + w)
        default_generator.manual_seed(self.base_seed + w)
        np.random.seed(numpy_seed(self.base_seed, w))
        if self.init_fn is not None:
            self.init_fn(w)

    def as_worker(self, w: int, run: Callable[[], Any]) -> Any:
        """``run()`` with worker ``w``'s generators (and :func:`get_worker_info`) in place, the main
        process's restored after, whatever ``run`` raises."""
        # minigrad's generator swaps the objects holding its streams (its __dict__), not copies of
        # their states: ~1 us where a state copy costs ~100 us; numpy's and random's are copied
        main = (dict(default_generator.__dict__), random.getstate(), np.random.get_state())
        _current.append(WorkerInfo(w, self.num_workers, self.base_seed + w, self.dataset))
        try:
            if w in self.states:
                torch_state, py_state, np_state = self.states[w]
                default_generator.__dict__.update(torch_state)
                random.setstate(py_state)
                np.random.set_state(np_state)
            else:  # (a stream of its own, which _seed restarts)
                default_generator.__dict__.update(Generator().__dict__)
            return run()
        finally:
            self.states[w] = (dict(default_generator.__dict__), random.getstate(), np.random.get_state())
            _current.pop()
            default_generator.__dict__.update(main[0])
            random.setstate(main[1])
            np.random.set_state(main[2])
