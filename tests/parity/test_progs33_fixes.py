"""Differences found while writing progs33's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
mg_tensor = sys.modules["minigrad.tensor"]  # (the package's ``tensor`` attribute is the function)


@pytest.fixture
def warn_always(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """PyTorch's once-per-process warnings, given every time in both libraries (order-independent tests)."""
    monkeypatch.setattr(mg_tensor, "_array_list_warned", False)
    was = torch.is_warn_always_enabled(), mg.is_warn_always_enabled()
    torch.set_warn_always(True)
    mg.set_warn_always(True)
    try:
        yield
    finally:
        torch.set_warn_always(was[0])
        mg.set_warn_always(was[1])


def _messages(make: Callable[[], Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make()
    return [str(w.message) for w in caught]


_ARRAY_LISTS: list[Callable[[Any], Any]] = [
    lambda lib: lib.tensor([np.zeros(2), np.ones(2)]),
    lambda lib: lib.tensor((np.zeros(2), np.ones(2)), dtype=lib.float64),
    lambda lib: lib.tensor([[np.zeros(2)], [np.ones(2)]]),
    lambda lib: lib.tensor([[0.0, 0.0], np.ones(2)]),  # (not only the first item)
    lambda lib: lib.Tensor([np.zeros(3)]),
    lambda lib: lib.FloatTensor([np.zeros(3)]),
    lambda lib: lib.as_tensor([np.zeros(3)]),
    lambda lib: lib.zeros(1).new_tensor([np.zeros(2)]),
    lambda lib: lib.tensor([np.float32(1.0), 2.0]),  # numpy scalars: no warning
    lambda lib: lib.tensor([[1.0, 2.0], [3.0, 4.0]]),
    lambda lib: lib.tensor(np.zeros((2, 2))),
]


@pytest.mark.parametrize("make", _ARRAY_LISTS)
@pytest.mark.usefixtures("warn_always")
def test_list_of_ndarrays_warns_as_pytorch(make: Callable[[Any], Any]) -> None:
    # (sentdex_pytorch_series.py, lapan_cem_cartpole.py: torch.Tensor([i[0] for i in data]) and
    # torch.FloatTensor([obs]) warn that a list of arrays is slow; minigrad said nothing)
    want = _messages(lambda: make(torch))
    got = _messages(lambda: make(mg))
    assert [m.split(" (Triggered")[0] for m in want] == got


def test_list_of_ndarrays_warning_is_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mg_tensor, "_array_list_warned", False)
    assert len(_messages(lambda: mg.tensor([np.zeros(2)]))) == 1
    assert _messages(lambda: mg.tensor([np.zeros(2)])) == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mg.tensor([np.zeros(2)])
    assert caught == []


_SVD_USERS: list[Callable[[Any, Any], Any]] = [
    lambda lib, a: lib.linalg.svd(a, full_matrices=False),
    lambda lib, a: lib.linalg.svdvals(a),
    lambda lib, a: lib.linalg.pinv(a),
    lambda lib, a: lib.linalg.matrix_rank(a),
    lambda lib, a: lib.linalg.matrix_norm(a, ord=2),
]


@pytest.mark.parametrize("shape", [(3, 3), (5, 2), (2, 5), (3, 4, 2)])
@pytest.mark.parametrize("use", _SVD_USERS)
def test_svd_of_nan_raises_pytorchs_words(shape: tuple[int, ...], use: Callable[[Any, Any], Any]) -> None:
    # (neuromatch_linear_dl_regularization.py: a diverged deep linear net's svd; minigrad's message was its
    # own, lower-case, with the shape after it, and pinv's named linalg.pinv where PyTorch's names linalg.svd)
    a = np.arange(float(np.prod(shape)), dtype=np.float32).reshape(shape) / 7
    a.reshape(-1)[-1] = np.nan  # (in the last batch element)
    with pytest.raises(torch.linalg.LinAlgError) as want:
        use(torch, torch.tensor(a))
    with pytest.raises(RuntimeError) as got:
        use(mg, mg.tensor(a))
    assert isinstance(got.value, mg.linalg.LinAlgError)
    assert str(got.value) == str(want.value)
