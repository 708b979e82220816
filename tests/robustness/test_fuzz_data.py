"""Bad input at TensorDataset and DataLoader, judged against ``torch.utils.data``.

Unshuffled loaders are compared batch for batch; a constructor either raises a
minigrad error (or TypeError) or builds a loader that yields what PyTorch's yields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import DataLoader, TensorDataset
from tests.helpers import require_torch
from tests.robustness.oracle import check

torch = require_torch()
tud = torch.utils.data

DATASETS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    "matching": lambda lib: (lib.tensor(np.arange(10.0)), lib.tensor(np.arange(10))),
    "lengths-differ": lambda lib: (lib.ones(3), lib.ones(4)),
    "zero-d": lambda lib: (lib.tensor(1.0),),
    "none": lambda lib: (),
    "empty": lambda lib: (lib.ones(0, 2),),
    "list": lambda lib: ([1, 2, 3],),
    "str": lambda lib: ("abc",),
    "mixed-dtypes": lambda lib: (lib.ones(4, 2), lib.tensor([True, False, True, True]),
                                 lib.tensor(np.arange(4))),
}  # fmt: skip


def _batches(loader: Any) -> list[Any]:
    return [list(b) if isinstance(b, (list, tuple)) else b for b in loader]


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_tensor_dataset(name: str) -> None:
    def run(lib: Any, td: Any, dl: Any) -> list[Any]:
        ds = td(*DATASETS[name](lib))
        return [len(ds), *_batches(dl(ds, batch_size=3))]

    check(f"TensorDataset:{name}", lambda: run(mg, TensorDataset, DataLoader),
          lambda: run(torch, tud.TensorDataset, tud.DataLoader))


LOADER_ARGS: list[dict[str, Any]] = [
    {"batch_size": 0}, {"batch_size": -1}, {"batch_size": 2.5}, {"batch_size": None}, {"batch_size": True},
    {"batch_size": 100}, {"batch_size": 100, "drop_last": True}, {"batch_size": 3, "drop_last": True},
    {"batch_size": 3, "drop_last": "yes"}, {"shuffle": "yes"}, {"shuffle": 1}, {"generator": 5},
    {"generator": "g"}, {"collate_fn": 5}, {"collate_fn": lambda b: len(b)},
    {"collate_fn": lambda b: 1 / 0},
]  # fmt: skip


def _loader_id(kwargs: dict[str, Any]) -> str:
    # a lambda's repr carries its address, which differs between pytest-xdist workers' collections
    return re.sub(r" at 0x[0-9a-f]+", "", repr(kwargs))


@pytest.mark.parametrize("kwargs", LOADER_ARGS, ids=map(_loader_id, LOADER_ARGS))
def test_dataloader_arguments(kwargs: dict[str, Any]) -> None:
    def run(lib: Any, td: Any, dl: Any) -> list[Any]:
        lib.manual_seed(0)  # (a shuffling loader draws its order from the global stream, as PyTorch's)
        ds = td(lib.tensor(np.arange(10.0)))
        loader = dl(ds, **kwargs)
        return [len(loader), *_batches(loader)]

    check(f"DataLoader:{sorted(kwargs.items(), key=str)}", lambda: run(mg, TensorDataset, DataLoader),
          lambda: run(torch, tud.TensorDataset, tud.DataLoader))


class _Odd:
    """A map-style dataset whose items are whatever ``make`` returns."""

    def __init__(self, n: int, make: Callable[[int], Any]) -> None:
        self.n, self.make = n, make

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> Any:
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.make(i)


ODD: dict[str, Callable[[Any], Any]] = {
    "ints": lambda lib: _Odd(5, lambda i: i),
    "floats": lambda lib: _Odd(5, lambda i: i / 2),
    "tuples-of-tensor-and-int": lambda lib: _Odd(5, lambda i: (lib.ones(2) * i, i)),
    "ragged-tensors": lambda lib: _Odd(4, lambda i: lib.ones(i + 1)),
    "strings": lambda lib: _Odd(4, lambda i: "ab"[i % 2]),
    "dicts": lambda lib: _Odd(4, lambda i: {"x": lib.ones(2) * i, "y": i}),
    "none": lambda lib: _Odd(3, lambda i: None),
    "raises": lambda lib: _Odd(3, lambda i: 1 / 0),
    "no-len": lambda lib: object(),
    "empty": lambda lib: _Odd(0, lambda i: i),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(ODD))
def test_dataloader_over_odd_datasets(name: str) -> None:
    """Collating ints, floats, tuples, dicts, ragged tensors, strings, None; a raising dataset."""
    def run(lib: Any, dl: Any) -> Any:
        out = _batches(dl(ODD[name](lib), batch_size=2))
        # dicts of batches: compare their values in key order
        return [[b[k] for k in sorted(b)] if isinstance(b, dict) else b for b in out]

    check(f"DataLoader-over:{name}", lambda: run(mg, DataLoader), lambda: run(torch, tud.DataLoader))
