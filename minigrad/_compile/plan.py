"""Memory planning for a tape: static buffers whose lifetimes do not overlap share memory.

A traced call allocates a fresh array for every kernel result; kept as they
are, a GPT step's buffers add up to over a hundred megabytes, and a replay
that walks through all of them runs from main memory instead of cache. Eager
code does not have this problem because freed arrays are reused at once.
:func:`plan` gives the replay the same property: it computes, for each
static buffer, the first and last kernel that touches it, and hands buffers
whose intervals do not overlap the same piece of memory (best fit among
freed blocks of at least the size needed), 64-byte aligned.

Every array the tape binds is then re-made as a view with the same shape,
dtype and strides at the same offset inside its buffer's new memory
(:meth:`Plan.remap`).
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["Plan", "plan"]

_ALIGN = 64


def _bounds(a: np.ndarray) -> tuple[int, int]:
    low, high = np.lib.array_utils.byte_bounds(a)
    return int(low), int(high)


class Plan:
    """Where each planned buffer (a root array, by id) lives now."""

    def __init__(self) -> None:
        self.home: dict[int, tuple[np.ndarray, int]] = {}  # id(root array) -> (new memory, old low address)
        self.cache: dict[int, np.ndarray] = {}
        self.bytes = 0

    def remap(self, x: np.ndarray, root: np.ndarray) -> np.ndarray:
        """``x`` (a view of ``root``'s memory) re-made on the memory planned for ``root``."""
        home = self.home.get(id(root))
        if home is None:
            return x
        got = self.cache.get(id(x))
        if got is not None:
            return got
        memory, low = home
        offset = int(x.__array_interface__["data"][0]) - low
        new = np.ndarray(x.shape, x.dtype, buffer=memory, offset=offset, strides=x.strides)
        self.cache[id(x)] = new
        return new


def _aligned(nbytes: int) -> np.ndarray:
    raw = np.empty(nbytes + _ALIGN, dtype=np.uint8)
    start = (-raw.ctypes.data) % _ALIGN
    return raw[start:start + nbytes]


def plan(intervals: Iterable[tuple[np.ndarray, int, int]]) -> Plan:
    """Assign memory to root arrays used from op ``first`` to op ``last`` (inclusive).

    Two roots share memory only if one's last use comes before the other's
    first. Returns the :class:`Plan`.
    """
    p = Plan()
    items = sorted(intervals, key=lambda t: t[1])
    ending: list[tuple[int, int, np.ndarray]] = []  # (last, seq, memory) of buffers in use, a heap by last
    free_sizes: list[int] = []  # sorted sizes of free blocks
    free: dict[int, list[np.ndarray]] = {}

    seq = 0
    for root, first, last in items:
        while ending and ending[0][0] < first:
            _, _, mem = heapq.heappop(ending)
            n = mem.nbytes
            bisect.insort(free_sizes, n)
            free.setdefault(n, []).append(mem)
        low, high = _bounds(root)
        need = high - low
        i = bisect.bisect_left(free_sizes, need)
        if i < len(free_sizes):
            size = free_sizes.pop(i)
            block = free[size].pop()
            memory = block
        else:
            memory = _aligned(need)
            p.bytes += need
        p.home[id(root)] = (memory[:need] if memory.nbytes > need else memory, low)
        seq += 1
        heapq.heappush(ending, (last, seq, memory))
    return p


def keep_alive(p: Plan) -> list[Any]:
    """The objects a tape must hold for the plan's memory to stay valid."""
    return [m for m, _ in p.home.values()]
