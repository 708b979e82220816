"""Behaviours real public PyTorch scripts (run unmodified under minigrad.compat) showed to differ, compared
with PyTorch itself."""

from __future__ import annotations

import os
import warnings

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_rnn_dropout_warning_names_the_library_line(cls: str) -> None:
    # PyTorch's warning names its own subclass's super().__init__ line (stacklevel=2), so a script building
    # two one-layer recurrent layers with dropout sees it once under the default filter, not once per layer.
    names = []
    for lib in (mg, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(lib.nn, cls)(2, 3, dropout=0.5)
        assert len(caught) == 1 and caught[0].category is UserWarning
        names.append(os.path.basename(caught[0].filename))
    assert names == ["rnn.py", "rnn.py"]
