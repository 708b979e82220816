"""Differences found while writing progs28's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _rnn_error(lib: Any, mode: str, x_shape: tuple[int, ...], h_shapes: list[tuple[int, ...]]) -> str:
    lib.manual_seed(0)
    module = getattr(lib.nn, mode)(3, 4, 2)
    states = [lib.zeros(*s) for s in h_shapes]
    with pytest.raises(RuntimeError) as info:
        module(lib.randn(*x_shape), tuple(states) if mode == "LSTM" else states[0])
    return str(info.value)


_HIDDEN_CASES = {
    "batch": ((5, 2, 3), [(2, 3, 4), (2, 3, 4)]),  # the last, smaller batch of a DataLoader
    "layers": ((5, 2, 3), [(1, 2, 4), (1, 2, 4)]),
    "cell only": ((5, 2, 3), [(2, 2, 4), (2, 3, 4)]),
    "unbatched size": ((5, 3), [(2, 5), (2, 5)]),
    "unbatched rank": ((5, 3), [(2, 3, 4), (2, 3, 4)]),
    "batched rank": ((5, 2, 3), [(2, 4), (2, 2, 4)]),
}


_RNN_CASES = [(m, c) for m in ("LSTM", "GRU", "RNN") for c in sorted(_HIDDEN_CASES)
              if m == "LSTM" or c != "cell only"]  # (a cell state: LSTM's only)


@pytest.mark.parametrize(("mode", "case"), _RNN_CASES)
def test_rnn_initial_state_errors_in_pytorch_words(mode: str, case: str) -> None:
    """A wrong h_0/c_0 raises PyTorch's message ("Expected hidden[0] size (2, 20, 24), got [2, 21, 24]",
    the error a Sentiment_RNN notebook hits on its last, smaller batch). minigrad said it its own way."""
    x_shape, h_shapes = _HIDDEN_CASES[case]
    if mode != "LSTM":
        h_shapes = h_shapes[:1]
    want = _rnn_error(torch, mode, x_shape, h_shapes)
    got = _rnn_error(mg, mode, x_shape, h_shapes)
    assert got == want
