"""What a full run of PyTorch's ModuleInfo database (module_db: every sample, both modes, float64 and
float32, pickle/deepcopy round trips and the error inputs' messages) found different, against torch."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import assert_close, require_torch

torch = require_torch()


def test_module_pickles_after_forward_made_aliases() -> None:
    """A loss whose weight forward viewed or detached pickles and deep-copies, as PyTorch's (the weak
    links to aliases were pickled and raised TypeError)."""
    w = np.array([8.5, 3.7, 0.7])
    rng = np.random.default_rng(0)
    x, target = rng.normal(size=(5, 3, 4, 2)), rng.uniform(size=(5, 3, 4, 2))  # class probabilities
    ours = nn.CrossEntropyLoss(weight=mg.tensor(w))
    theirs = torch.nn.CrossEntropyLoss(weight=torch.tensor(w))
    want = theirs(torch.tensor(x, requires_grad=True), torch.tensor(target))
    assert_close(ours(mg.tensor(x, requires_grad=True), mg.tensor(target)), want)
    for copied in (pickle.loads(pickle.dumps(ours)), copy.deepcopy(ours)):
        assert_close(copied(mg.tensor(x), mg.tensor(target)), want)
        assert repr(copied) == repr(theirs)


@pytest.mark.parametrize("make", [lambda t: t.detach(), lambda t: t[1:], lambda t: t.view(3, 2)])
def test_alias_pickles_with_its_values_and_attributes(make: object) -> None:
    """A detached tensor or a view pickles (the copy owns its memory), values and attributes kept."""
    base = mg.arange(6, dtype=mg.float64)
    alias = make(base)  # type: ignore[operator]
    alias.note = "kept"
    copied = pickle.loads(pickle.dumps(alias))
    t_alias = make(torch.arange(6, dtype=torch.float64))  # type: ignore[operator]
    t_copied = pickle.loads(pickle.dumps(t_alias))
    assert_close(copied, t_copied)
    assert copied.note == "kept" and copied.dtype == mg.float64
    base.add_(1)  # the copy is not an alias of the original's memory
    assert_close(copied, t_copied)
