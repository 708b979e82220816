"""Module.get_parameter / get_buffer / cpu / cuda / half against torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DeviceError
from tests.helpers import require_torch

torch = require_torch()


def _net(lib: Any) -> Any:
    return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3))


def test_get_parameter_and_buffer_match_torch() -> None:
    ours, theirs = _net(mg), _net(torch)
    assert ours.get_parameter("0.weight") is ours[0].weight
    assert ours.get_buffer("1.running_mean") is ours[1].running_mean
    assert ours.get_parameter("1.bias").shape == tuple(theirs.get_parameter("1.bias").shape)
    for getter, target in [("get_parameter", "1.running_mean"), ("get_parameter", "0.nope"),
                           ("get_buffer", "0.weight")]:
        with pytest.raises(AttributeError) as want:
            getattr(theirs, getter)(target)
        with pytest.raises(AttributeError) as got:
            getattr(ours, getter)(target)
        assert str(got.value) == str(want.value)
    with pytest.raises(AttributeError):
        ours.get_parameter("5.weight")


def test_cpu_half_and_cuda() -> None:
    net = _net(mg)
    assert net.cpu() is net
    assert net.half() is net and net[0].weight.dtype == np.float16 and net[1].running_mean.dtype == np.float16
    assert net[1].num_batches_tracked.dtype == np.int64
    assert str(_net(torch).half()[0].weight.dtype) == "torch.float16"
    with pytest.raises(DeviceError):
        net.cuda()
    with pytest.raises(AssertionError):  # torch without a GPU raises AssertionError too
        mg.nn.Linear(1, 1).cuda(0)
