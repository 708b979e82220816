"""Lead session 56: factories' ``pin_memory=True`` raises as on PyTorch's CPU build (it was accepted and
ignored); a DataLoader draws its order at the first batch, as PyTorch's sampler; each compared with it."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from minigrad.errors import DeviceError
from tests.helpers import errors_of_both, outcome, require_torch

_FACTORIES: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("tensor", lambda lib, pin: lib.tensor([1.0, 2.0], pin_memory=pin)),
    ("zeros", lambda lib, pin: lib.zeros(3, pin_memory=pin)),
    ("ones", lambda lib, pin: lib.ones(2, 2, pin_memory=pin)),
    ("empty", lambda lib, pin: lib.empty(3, pin_memory=pin).shape),
    ("full", lambda lib, pin: lib.full((2,), 1.5, pin_memory=pin)),
    ("arange", lambda lib, pin: lib.arange(4, pin_memory=pin)),
    ("linspace", lambda lib, pin: lib.linspace(0, 1, 3, pin_memory=pin)),
    ("eye", lambda lib, pin: lib.eye(2, pin_memory=pin)),
    ("rand", lambda lib, pin: lib.rand(2, pin_memory=pin).shape),
    ("randn", lambda lib, pin: lib.randn(2, pin_memory=pin).shape),
    ("randint", lambda lib, pin: lib.randint(3, (2,), pin_memory=pin).shape),
    ("randperm", lambda lib, pin: lib.randperm(3, pin_memory=pin).shape),
    ("zeros_like", lambda lib, pin: lib.zeros_like(lib.ones(2), pin_memory=pin)),
    ("full_like", lambda lib, pin: lib.full_like(lib.ones(2), 2.0, pin_memory=pin)),
    ("empty_strided", lambda lib, pin: lib.empty_strided((2,), (1,), pin_memory=pin).shape),
    ("logspace", lambda lib, pin: lib.logspace(0, 1, 3, pin_memory=pin)),
    ("tril_indices", lambda lib, pin: lib.tril_indices(2, 2, pin_memory=pin)),
    ("hann_window", lambda lib, pin: lib.hann_window(4, pin_memory=pin)),
    ("kaiser_window", lambda lib, pin: lib.kaiser_window(4, pin_memory=pin)),
]


@pytest.mark.parametrize(("name", "make"), _FACTORIES, ids=[n for n, _ in _FACTORIES])
def test_pin_memory_true_raises_as_pytorchs_cpu_build(name: str, make: Callable[[Any, Any], Any]) -> None:
    theirs, ours = errors_of_both(lambda lib: make(lib, True))
    assert isinstance(ours, DeviceError) and str(theirs) in str(ours), (name, theirs, ours)


@pytest.mark.parametrize(("name", "make"), _FACTORIES, ids=[n for n, _ in _FACTORIES])
def test_pin_memory_false_none_and_an_int_as_pytorch(name: str, make: Callable[[Any, Any], Any]) -> None:
    torch = require_torch()
    mg.manual_seed(0)
    torch.manual_seed(0)
    assert str(make(mg, False)).replace("minigrad.", "torch.") == str(make(torch, False)), name
    for pin in (None, 1):  # (None: what PyTorch's optional flags take; an int: its parser's TypeError)
        theirs, ours = (outcome(lambda lib, pin=pin: make(lib, pin), lib) for lib in (torch, mg))
        if isinstance(theirs, Exception):
            assert isinstance(ours, type(theirs)), (name, pin, theirs, ours)
        else:
            assert not isinstance(ours, Exception), (name, pin, theirs, ours)


_LOADERS: dict[str, Callable[[Any, Any], Any]] = {
    "shuffle": lambda lib, ds: lib.utils.data.DataLoader(ds, batch_size=3, shuffle=True),
    "no batching": lambda lib, ds: lib.utils.data.DataLoader(ds, batch_size=None, shuffle=True),
    "a list, drop_last": lambda lib, ds: lib.utils.data.DataLoader(list(range(8)), batch_size=3, shuffle=True,
                                                                   drop_last=True),
    "subset sampler": lambda lib, ds: lib.utils.data.DataLoader(
        ds, batch_size=3, sampler=lib.utils.data.SubsetRandomSampler(range(6))),
    "replacement": lambda lib, ds: lib.utils.data.DataLoader(
        ds, batch_size=3, sampler=lib.utils.data.RandomSampler(ds, replacement=True, num_samples=5)),
    "workers": lambda lib, ds: lib.utils.data.DataLoader(ds, batch_size=3, shuffle=True, num_workers=2),
}


@pytest.mark.parametrize("kind", list(_LOADERS))
def test_a_loader_draws_its_order_when_pytorchs_does(kind: str) -> None:
    # a draw between iter(loader) and the first batch: PyTorch's single-process sampler (a generator) draws
    # its order after it, the worker iterator's first requests before it; minigrad drew at iter() always
    torch = require_torch()
    seen = []
    for lib in (torch, mg):
        ds = lib.utils.data.TensorDataset(lib.arange(8.0), lib.arange(8))
        lib.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (minigrad's note that its workers load in the main process)
            it = iter(_LOADERS[kind](lib, ds))
        between = lib.rand(1).item()
        batches = [b[1].tolist() if isinstance(b, list) else b.tolist() for b in it]
        seen.append((between, batches, lib.rand(1).item()))
    assert seen[0] == seen[1]
