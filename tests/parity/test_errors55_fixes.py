"""errors55: bad input raises PyTorch's exception class, found by driving the same bad call through PyTorch
and minigrad: Module API misuse, state_dict loading, hooks, parametrizations, rnn utilities, distributions,
optimizers' and schedulers' misuse, in-place and version-counter errors, autograd.Function misuse.

Each case runs under real torch and under minigrad (the same lambda, given the library): minigrad's error
must be an instance of PyTorch's class, and of the minigrad class named with the case.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

_BAD = mg.InvalidParameterError

# case: (what raises, the class minigrad's error must also be)
_CASES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    # a plain dict is no OrderedDict: PyTorch's Sequential registers it as a module, its TypeError
    "Sequential(dict)": (lambda t: t.nn.Sequential({"a": t.nn.ReLU()}), TypeError),
    # Parameter's requires_grad goes through _make_subclass's parser: a bool only
    "Parameter(requires_grad='x')": (lambda t: t.nn.Parameter(t.ones(2), requires_grad="x"), TypeError),
    "Parameter(requires_grad=None)": (lambda t: t.nn.Parameter(t.ones(2), requires_grad=None), TypeError),
    "Parameter(requires_grad=1)": (lambda t: t.nn.Parameter(t.ones(2), requires_grad=1), TypeError),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_bad_input_raises_pytorchs_class(case: str) -> None:
    torch = require_torch()
    run, also = _CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (construction warnings, the same in both)
        with pytest.raises(Exception) as theirs:
            run(torch)
        with pytest.raises(Exception) as ours:
            run(mg)
    assert isinstance(ours.value, type(theirs.value)), (type(ours.value).__mro__, type(theirs.value))
    assert isinstance(ours.value, also), type(ours.value).__mro__
    assert str(ours.value).split(":")[0] == str(theirs.value).split(":")[0], (str(ours.value), str(theirs.value))
