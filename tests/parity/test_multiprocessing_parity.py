"""``torch.multiprocessing`` as scripts use it around DataLoader workers, against PyTorch's."""

from __future__ import annotations

import multiprocessing

import pytest

import minigrad as mg
import minigrad.multiprocessing as mmp
from tests.helpers import require_torch

torch = require_torch()
tmp = torch.multiprocessing


def test_sharing_strategies_as_pytorch() -> None:
    assert mmp.get_all_sharing_strategies() == tmp.get_all_sharing_strategies()
    assert mmp.get_sharing_strategy() == tmp.get_sharing_strategy()
    mmp.set_sharing_strategy("file_system")
    try:
        assert mmp.get_sharing_strategy() == "file_system"
    finally:
        mmp.set_sharing_strategy("file_descriptor")


def test_unknown_strategy_is_pytorchs_assertion_error() -> None:
    with pytest.raises(AssertionError) as want:
        tmp.set_sharing_strategy("bogus")
    with pytest.raises(AssertionError) as got:
        mmp.set_sharing_strategy("bogus")
    assert isinstance(got.value, mg.InvalidParameterError)
    assert str(got.value) == str(want.value).replace(
        str(tmp.get_all_sharing_strategies()), "{'file_descriptor', 'file_system'}")
    assert mmp.get_sharing_strategy() == "file_descriptor"


@pytest.mark.parametrize("name", ["Process", "Queue", "Pool", "get_context", "set_start_method",
                                  "get_start_method", "get_all_start_methods", "cpu_count", "Event", "Lock"])
def test_process_api_is_the_standard_librarys_as_in_pytorch(name: str) -> None:
    assert getattr(mg.multiprocessing, name) is getattr(multiprocessing, name)
    assert hasattr(tmp, name)
