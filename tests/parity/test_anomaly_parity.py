"""Anomaly-mode switches against PyTorch: the same calls give the same on/off and check_nan flags."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

pytestmark = pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled:UserWarning")


def _script(lib: ModuleType) -> list[tuple[bool, bool]]:
    """Nest PyTorch's anomaly switches; the (enabled, check_nan) flags after every step."""
    seen: list[tuple[bool, bool]] = []

    def note() -> None:
        seen.append((lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()))

    note()
    with lib.autograd.detect_anomaly(check_nan=False):
        note()
        with lib.autograd.set_detect_anomaly(True):
            note()
            with lib.autograd.set_detect_anomaly(mode=False, check_nan=False):
                note()
            note()
        note()
    note()
    lib.autograd.set_detect_anomaly(True, False)
    note()
    lib.set_anomaly_enabled(False, check_nan=False)
    note()
    with lib.autograd.anomaly_mode.detect_anomaly():
        note()
    note()
    lib.set_anomaly_enabled(True)
    note()
    lib.autograd.set_detect_anomaly(False)
    note()
    return seen


def test_switches_follow_pytorch() -> None:
    want = _script(torch)
    assert _script(mg) == want
    assert want[-1] == (False, True)


@pytest.mark.parametrize("make", [lambda lib: lib.autograd.detect_anomaly(),
                                  lambda lib: lib.autograd.detect_anomaly(check_nan=False)])
def test_detect_anomaly_warns_like_pytorch(make: Callable[[ModuleType], object]) -> None:
    messages = []
    for lib in (torch, mg):
        with pytest.warns(UserWarning) as record:
            make(lib)
        messages.append([str(w.message) for w in record])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_nan_gradient_raises_runtime_error_in_both() -> None:
    for lib in (torch, mg):
        x = lib.tensor([-1.0, 4.0], dtype=lib.float64, requires_grad=True)
        with lib.autograd.detect_anomaly(), pytest.raises(RuntimeError, match="'SqrtBackward0' returned nan"):
            x.sqrt().sum().backward()
        assert x.grad is None
