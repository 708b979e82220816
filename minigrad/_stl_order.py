"""Which of several tied values PyTorch's CPU ``topk``, ``kthvalue`` and ``mode`` report: their C++
selection and sorting algorithms, step by step.

PyTorch's CPU topk puts (value, index) pairs through ``std::partial_sort`` (when 64 k <= n) or
``std::nth_element`` followed by ``std::sort`` of the first k - 1, comparing values only (nan
first). Which of several equal values comes first, and which tied index makes the cut, is then
whatever those algorithms do (GCC's libstdc++: introselect and introsort with median-of-three
pivots, insertion sorts, a binary heap). minigrad's own topk takes a stable order, which agrees
whenever the values are distinct; for a row with ties among the first k + 1 this module replays
the algorithms on that row so the indices are PyTorch's. ``kthvalue`` runs PyTorch's own
quickselect (Sedgewick's partitioning with a median of three), ``mode`` takes the last of the
most frequent values in ``std::sort``'s order. Pure Python: only rows with ties come here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "all_nan_median_index", "kthvalue_index", "kthvalue_index_np", "mode_index", "mode_index_np",
    "sort_order", "topk_order",
]

Item = tuple[float, int]
Less = Callable[[Item, Item], bool]


def _lg(n: int) -> int:
    return n.bit_length() - 1


def _push_heap(q: list[Item], first: int, hole: int, top: int, value: Item, less: Less) -> None:
    parent = (hole - 1) // 2
    while hole > top and less(q[first + parent], value):
        q[first + hole] = q[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[first + hole] = value


def _adjust_heap(q: list[Item], first: int, hole: int, length: int, value: Item, less: Less) -> None:
    top, child = hole, hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(q[first + child], q[first + child - 1]):
            child -= 1
        q[first + hole] = q[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        q[first + hole] = q[first + child - 1]
        hole = child - 1
    _push_heap(q, first, hole, top, value, less)


def _pop_heap(q: list[Item], first: int, last: int, result: int, less: Less) -> None:
    value = q[result]
    q[result] = q[first]
    _adjust_heap(q, first, 0, last - first, value, less)


def _heap_select(q: list[Item], first: int, middle: int, last: int, less: Less) -> None:
    length = middle - first
    if length >= 2:  # make_heap
        parent = (length - 2) // 2
        while True:
            _adjust_heap(q, first, parent, length, q[first + parent], less)
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if less(q[i], q[first]):
            _pop_heap(q, first, middle, i, less)


def _sort_heap(q: list[Item], first: int, last: int, less: Less) -> None:
    while last - first > 1:
        last -= 1
        _pop_heap(q, first, last, last, less)


def _median_to_first(q: list[Item], result: int, a: int, b: int, c: int, less: Less) -> None:
    if less(q[a], q[b]):
        pick = b if less(q[b], q[c]) else c if less(q[a], q[c]) else a
    else:
        pick = a if less(q[a], q[c]) else c if less(q[b], q[c]) else b
    q[result], q[pick] = q[pick], q[result]


def _partition_pivot(q: list[Item], first: int, last: int, less: Less) -> int:
    mid = first + (last - first) // 2
    _median_to_first(q, first, first + 1, mid, last - 1, less)
    pivot, lo, hi = first, first + 1, last
    while True:
        while less(q[lo], q[pivot]):
            lo += 1
        hi -= 1
        while less(q[pivot], q[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        q[lo], q[hi] = q[hi], q[lo]
        lo += 1


def _linear_insert(q: list[Item], last: int, less: Less) -> None:
    value, nxt = q[last], last - 1
    while less(value, q[nxt]):
        q[last] = q[nxt]
        last, nxt = nxt, nxt - 1
    q[last] = value


def _insertion_sort(q: list[Item], first: int, last: int, less: Less) -> None:
    for i in range(first + 1, last):
        if less(q[i], q[first]):
            value = q[i]
            q[first + 1:i + 1] = q[first:i]
            q[first] = value
        else:
            _linear_insert(q, i, less)


def _nth_element(q: list[Item], first: int, nth: int, last: int, less: Less) -> None:
    if first == last or nth == last:
        return
    depth = 2 * _lg(last - first)
    while last - first > 3:
        if depth == 0:
            _heap_select(q, first, nth + 1, last, less)
            q[first], q[nth] = q[nth], q[first]
            return
        depth -= 1
        cut = _partition_pivot(q, first, last, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(q, first, last, less)


def _introsort(q: list[Item], first: int, last: int, depth: int, less: Less) -> None:
    while last - first > 16:
        if depth == 0:
            _heap_select(q, first, last, last, less)
            _sort_heap(q, first, last, less)
            return
        depth -= 1
        cut = _partition_pivot(q, first, last, less)
        _introsort(q, cut, last, depth, less)
        last = cut


def _sort(q: list[Item], first: int, last: int, less: Less) -> None:
    if first == last:
        return
    _introsort(q, first, last, 2 * _lg(last - first), less)
    if last - first > 16:
        _insertion_sort(q, first, first + 16, less)
        for i in range(first + 16, last):
            _linear_insert(q, i, less)
    else:
        _insertion_sort(q, first, last, less)


def _largest_first(x: Item, y: Item) -> bool:
    return (math.isnan(x[0]) and not math.isnan(y[0])) or x[0] > y[0]


def _smallest_first(x: Item, y: Item) -> bool:
    return (not math.isnan(x[0]) and math.isnan(y[0])) or x[0] < y[0]


def topk_order(values: list[float], k: int, largest: bool, ordered: bool = True) -> list[int]:
    """The indices PyTorch's CPU topk reports for the row ``values``, tie order included (``ordered``
    False: its ``sorted=False``, which leaves nth_element's arrangement unless it took partial_sort)."""
    q: list[Item] = [(v, i) for i, v in enumerate(values)]
    n = len(q)
    if k == 0:
        return []
    less = _largest_first if largest else _smallest_first
    if k * 64 <= n:
        _heap_select(q, 0, k, n, less)
        _sort_heap(q, 0, k, less)
    else:
        _nth_element(q, 0, k - 1, n, less)
        if ordered:
            _sort(q, 0, k - 1, less)
    return [i for _, i in q[:k]]


def sort_order(values: list[float], descending: bool) -> list[int]:
    """The indices PyTorch's CPU sort (stable=False) reports for the row ``values``: ``std::sort`` of the
    (value, index) pairs comparing values only (nan last, or first descending), tie order included."""
    q: list[Item] = [(v, i) for i, v in enumerate(values)]
    _sort(q, 0, len(q), _largest_first if descending else _smallest_first)
    return [i for _, i in q]


def kthvalue_index(values: list[float], k: int) -> int:
    """The index PyTorch's CPU kthvalue reports for the k-th smallest (k from 1) of the row ``values``."""
    arr, idx = list(values), list(range(len(values)))

    def gt(x: float, y: float) -> bool:
        return (math.isnan(x) and not math.isnan(y)) or x > y

    def swap(i: int, j: int) -> None:
        arr[i], arr[j] = arr[j], arr[i]
        idx[i], idx[j] = idx[j], idx[i]

    target, lo, hi = k - 1, 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                swap(lo, hi)
            break
        swap((lo + hi) >> 1, lo + 1)
        if gt(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            swap(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, pivot = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while gt(pivot, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= target:
            lo = i
        if j >= target:
            hi = j - 1
    return idx[target]


def mode_index(values: list[float]) -> int:
    """The index PyTorch's CPU mode reports: the last of the most frequent (smallest on ties) values in
    the order ``std::sort`` leaves the (value, index) pairs compared by value."""
    q: list[Item] = [(v, i) for i, v in enumerate(values)]
    _sort(q, 0, len(q), lambda x, y: x[0] < y[0])
    best, best_freq, freq = 0, 0, 0
    for i, (v, index) in enumerate(q):
        freq += 1
        if i == len(q) - 1 or v != q[i + 1][0]:
            if freq > best_freq:
                best, best_freq = index, freq
            freq = 0
    return best


@functools.lru_cache(maxsize=64)
def all_nan_median_index(n: int) -> int:
    """The index PyTorch's CPU nanmedian(dim) reports for a row of n nans: its std::nth_element of the
    indices at position 0 (the median of no values), with a comparator every pair of nans fails."""
    q: list[Item] = [(math.nan, i) for i in range(n)]
    _nth_element(q, 0, 0, n, lambda x, y: x[0] < y[0])
    return q[0][1]


# ------------------------------------------------------------------ the same steps, a partition at a time
# A partition's swaps follow from two lists (Hoare's scans): the positions, left to right, where the
# left scan stops (a value not below the pivot) and, right to left, where the right scan stops (not
# above it). The k-th swap exchanges the k-th of each while the first lies left of the second; where
# the scans then meet follows from the same lists. numpy finds both lists at once, so a partition costs
# a few array operations instead of a Python step per element; the results are the replays' above.
_SMALL = 64  # ranges up to this size go through the Python replays (fewer steps than array calls)


def _stops(ge: np.ndarray, le: np.ndarray) -> int:
    """How many swaps a Hoare partition makes: the k with ge[k] < le[k] (a prefix: ge rises, le falls)."""
    n = min(len(ge), len(le))
    return int(np.count_nonzero(ge[:n] < le[:n]))


def kthvalue_index_np(values: np.ndarray, k: int) -> int:
    """:func:`kthvalue_index` for a 1-D array: each partition of PyTorch's quickselect in array steps."""
    if len(values) <= _SMALL:
        return kthvalue_index(values.tolist(), k)
    arr, idx = values.copy(), np.arange(len(values))
    isnan = np.isnan if arr.dtype.kind in "fc" else None

    def gt(x: Any, y: Any) -> Any:  # PyTorch's comparator: nan above everything
        out = x > y
        return out | (isnan(x) & ~isnan(y)) if isnan is not None else out

    def swap(i: int, j: int) -> None:
        arr[[i, j]] = arr[[j, i]]
        idx[[i, j]] = idx[[j, i]]

    target, lo, hi = k - 1, 0, len(arr) - 1
    while hi - lo > _SMALL:
        swap((lo + hi) >> 1, lo + 1)
        for a, b in ((lo + 1, hi), (lo, hi), (lo + 1, lo)):
            if gt(arr[a], arr[b]):
                swap(a, b)
        pivot = arr[lo]
        ge = np.flatnonzero(~gt(pivot, arr[lo + 2:hi + 1])) + lo + 2  # (hi is one: arr[hi] >= pivot)
        le = (np.flatnonzero(~gt(arr[lo + 1:hi], pivot)) + lo + 1)[::-1]  # (lo + 1 is one)
        m = _stops(ge, le)
        before_i = le[m - 1] if m else hi + 1  # (the swapped values stop the scans too)
        before_j = ge[m - 1] if m else lo
        i, j = min(ge[m], before_i), max(le[m], before_j)
        if i == j:  # a value equal to the pivot stops both scans: swapped with itself, they move on
            i, j = min(ge[m + 1], before_i), max(le[m + 1], before_j)
        g, s = ge[:m], le[:m]
        arr[g], arr[s] = arr[s], arr[g].copy()
        idx[g], idx[s] = idx[s], idx[g].copy()
        swap(lo, int(j))
        if j <= target:
            lo = int(i)
        if j >= target:
            hi = int(j) - 1
    if not lo <= target <= hi:  # (left between the two scans' stops: the loop goes on elsewhere)
        return int(idx[target])
    return int(idx[lo + kthvalue_index(arr[lo:hi + 1].tolist(), target - lo + 1)])


def mode_index_np(values: np.ndarray) -> int:
    """:func:`mode_index` for a 1-D array without nan: ``std::sort``'s introsort with every range of a
    level partitioned in one set of array steps (the ranges are disjoint, so their order does not
    matter). The final insertion sort never moves a value past an equal one, so the last copy of the
    mode after the partitions is the one ``std::sort`` puts last."""
    if len(values) <= _SMALL:
        return mode_index(values.tolist())
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    arr: np.ndarray[Any, Any] = inverse.astype(np.int32).reshape(-1)  # (ranks compare as the values do)
    idx = np.arange(len(arr), dtype=np.int32)  # (int32 throughout: half the memory traffic of int64)
    n = len(arr)
    first, last = np.array([0], dtype=np.int32), np.array([n], dtype=np.int32)
    depth = np.array([2 * _lg(n)]) if n else np.array([0])
    keep = (last - first) > 16
    first, last, depth = first[keep], last[keep], depth[keep]
    while len(first):
        spent = depth == 0  # (a range that partitioned too deep: heapsort, replayed in Python)
        for f, e in zip(first[spent].tolist(), last[spent].tolist()):
            q: list[Item] = list(zip(arr[f:e].tolist(), idx[f:e].tolist()))
            _heap_select(q, 0, e - f, e - f, _by_value)
            _sort_heap(q, 0, e - f, _by_value)
            arr[f:e], idx[f:e] = [v for v, _ in q], [i for _, i in q]
        first, last, depth = first[~spent], last[~spent], depth[~spent] - 1
        if not len(first):
            break
        # the median of three to the front
        a, b, c = first + 1, first + (last - first) // 2, last - 1
        va, vb, vc = arr[a], arr[b], arr[c]
        pick = np.where(va < vb, np.where(vb < vc, b, np.where(va < vc, c, a)),
                        np.where(va < vc, a, np.where(vb < vc, c, b)))
        arr[first], arr[pick] = arr[pick], arr[first].copy()
        idx[first], idx[pick] = idx[pick], idx[first].copy()
        # every position inside each range, with its range's number
        sizes = last - first - 1
        seg = np.repeat(np.arange(len(first), dtype=np.int32), sizes)
        shift = (first + 1 - (np.cumsum(sizes) - sizes)).astype(np.int32)  # (a range's first inner position)
        pos = np.arange(len(seg), dtype=np.int32) + shift[seg]
        val, piv = arr[pos], arr[first][seg]
        ge_mask, le_mask = ~(val < piv), ~(piv < val)
        ge, ge_seg = pos[ge_mask], seg[ge_mask]
        le, le_seg = pos[le_mask], seg[le_mask]
        n_ge = np.bincount(ge_seg, minlength=len(first))
        n_le = np.bincount(le_seg, minlength=len(first))
        ge_start, le_end = np.cumsum(n_ge) - n_ge, np.cumsum(n_le)
        # the k of each left stop in its range, and the k-th right stop from the end of its range
        rank = np.arange(len(ge), dtype=np.int32) - ge_start.astype(np.int32)[ge_seg]
        partner = (le_end.astype(np.int32) - 1)[ge_seg] - rank
        paired = rank < n_le.astype(np.int32)[ge_seg]
        swapping = paired & (ge < le[np.where(paired, partner, 0)])
        partner = partner[swapping]
        m = np.bincount(ge_seg[swapping], minlength=len(first))
        g, s = ge[swapping], le[partner]
        arr[g], arr[s] = arr[s], arr[g].copy()
        idx[g], idx[s] = idx[s], idx[g].copy()
        # where the left scan stops last: the m-th left stop, or the last swapped right stop before it
        big = n + 1
        at_m = np.where(m < n_ge, ge[np.minimum(ge_start + m, len(ge) - 1)], big)
        prev = np.where(m > 0, le[np.minimum(le_end - m, len(le) - 1)], big)
        cut = np.minimum(at_m, prev)
        first, last, depth = (np.concatenate((first, cut)), np.concatenate((cut, last)),
                              np.concatenate((depth, depth)))
        keep = (last - first) > 16
        first, last, depth = first[keep], last[keep], depth[keep]
    best = int(np.argmax(counts))  # (np.unique sorts: the first most frequent is the smallest value)
    return int(idx[np.flatnonzero(arr == best)[-1]])


def _by_value(x: Item, y: Item) -> bool:
    return x[0] < y[0]
