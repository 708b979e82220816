"""Memory planning for a tape: static buffers whose lifetimes do not overlap share memory.

A traced call allocates a fresh array for every kernel result; kept as they
are, a GPT step's buffers add up to over a hundred megabytes, and a replay
that walks through all of them runs from main memory instead of cache. Eager
code does not have this problem because freed arrays are reused at once.
:func:`plan` gives the replay the same property: it takes, for each static
buffer, the first and last kernel that touches it, and hands buffers whose
intervals do not overlap the same piece of memory (best fit among freed
blocks of at least the size needed), 64-byte aligned. An elementwise kernel
whose input dies at that kernel may write its result over that input
(``inherit``), as a careful numpy programmer writes ``x *= s``: a third less
memory traffic than writing elsewhere, and the same values.

Every array the tape binds is then re-made as a view with the same shape,
dtype and strides at the same offset inside its buffer's new memory
(:meth:`Plan.remap`).
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Sequence

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
        self.blocks: list[np.ndarray] = []

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
        new: np.ndarray = np.ndarray(x.shape, x.dtype, buffer=memory, offset=offset, strides=x.strides)
        self.cache[id(x)] = new
        return new


def _aligned(nbytes: int) -> np.ndarray:
    raw = np.empty(nbytes + _ALIGN, dtype=np.uint8)
    start = (-raw.ctypes.data) % _ALIGN
    block: np.ndarray = raw[start:start + nbytes]
    return block


def plan(intervals: Sequence[tuple[np.ndarray, int, int]],
         inherit: dict[int, np.ndarray] | None = None) -> Plan:
    """Assign memory to root arrays used from op ``first`` to op ``last`` (inclusive).

    Two roots share memory only if one's last use comes before the other's
    first, or (``inherit``: id(root) -> the root it may overwrite) the other
    dies at the very kernel that creates the first. Returns the :class:`Plan`.
    """
    p = Plan()
    inherit = inherit or {}
    in_use: dict[int, tuple[np.ndarray, int]] = {}  # id(root) -> (its block, its last use)
    ending: list[tuple[int, int, int]] = []  # (last use, id(block), id(root)) a heap, maybe stale
    free_sizes: list[int] = []
    free: dict[int, list[np.ndarray]] = {}
    owner_of_block: dict[int, int] = {}  # id(block) -> id(root) that holds it now
    for root, first, last in sorted(intervals, key=lambda t: t[1]):
        while ending and ending[0][0] < first:
            _, bid, rid = heapq.heappop(ending)
            if owner_of_block.get(bid) != rid:
                continue  # handed on to an inheriting root
            block, _ = in_use.pop(rid)
            del owner_of_block[bid]
            bisect.insort(free_sizes, block.nbytes)
            free.setdefault(block.nbytes, []).append(block)
        low, high = _bounds(root)
        need = high - low
        parent = inherit.get(id(root))
        taken = in_use.get(id(parent)) if parent is not None else None
        if taken is not None and taken[1] == first and taken[0].nbytes >= need \
                and owner_of_block.get(id(taken[0])) == id(parent):
            block = taken[0]
            del in_use[id(parent)]
        else:
            i = bisect.bisect_left(free_sizes, need)
            if i < len(free_sizes):
                block = free[free_sizes.pop(i)].pop()
            else:
                block = _aligned(need)
                p.bytes += need
                p.blocks.append(block)
        p.home[id(root)] = (block[:need], low)
        in_use[id(root)] = (block, last)
        owner_of_block[id(block)] = id(root)
        heapq.heappush(ending, (last, id(block), id(root)))
    return p
