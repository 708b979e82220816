"""Regressions found by running PyTorch tutorial and training scripts (Udacity's deep-learning-v2-pytorch,
aladdinpersson's Machine-Learning-Collection, L1aoXingyu's pytorch-beginner, labml.ai's annotated
implementations, ...) under ``python -m minigrad.compat`` and diffing their output with real torch: each
test makes the same calls on both libraries and compares values, warnings, or error classes and words."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
torch.set_num_threads(1)


def _warning_words(call: Any) -> list[str]:
    """The messages of the warnings ``call()`` gives under the 'always' filter."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in seen]


@pytest.mark.parametrize(("fn", "shape"), [("dropout2d", (2, 3, 4)), ("dropout2d", (2, 3)),
                                           ("dropout2d", (1, 2, 3, 4, 5)), ("dropout3d", (2, 3, 4)),
                                           ("dropout3d", (1, 2, 3, 4, 5, 6))])
def test_channel_dropout_rank_warnings_say_torchs_words(fn: str, shape: tuple[int, ...]) -> None:
    """A seeded script calling F.dropout2d on an (N, C, L) batch printed minigrad's shortened warning
    ('...; use dropout1d for that') where PyTorch's says what will change and what to switch to; the
    deprecated-rank warnings of dropout2d/dropout3d were shortened too."""
    got = _warning_words(lambda: getattr(mg.nn.functional, fn)(mg.ones(*shape), 0.5))
    want = _warning_words(lambda: getattr(torch.nn.functional, fn)(torch.ones(*shape), 0.5))
    assert got == want and want
