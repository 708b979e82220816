"""Anomaly mode: the first op whose gradient is NaN/inf, with the user's line that created it."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import _instrument, ops
from minigrad.anomaly import is_anomaly_enabled, set_detect_anomaly
from minigrad.tensor import Array
from tests.tool_models import batch, mlp_with_batchnorm, transformer_block

THIS_FILE = __file__

# detect_anomaly() warns when created, as PyTorch's does; test_detect_anomaly_warns checks that
pytestmark = pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled:UserWarning")


def line_of(text: str) -> int:
    """Line number in this file of the first line containing ``text``."""
    with open(THIS_FILE) as f:
        for i, line in enumerate(f, 1):
            if text in line and "line_of(" not in line:
                return i
    raise AssertionError(text)


def test_sqrt_of_zero_names_op_and_line() -> None:
    x = mg.tensor([4.0, 0.0, 1.0], requires_grad=True)
    with mg.detect_anomaly():
        y = (x * 1.0).sqrt()  # anomaly: sqrt site
        loss = (y * 2.0).sum()
        with pytest.raises(mg.MinigradError) as info:
            loss.backward()
    msg = str(info.value)
    assert msg.startswith("Function 'SqrtBackward0' returned inf values in its gradient for input 0")
    assert "(shape (3,))" in msg and "1 of 3 elements" in msg
    assert f"{THIS_FILE}:{line_of('# anomaly: sqrt site')}, in test_sqrt_of_zero_names_op_and_line" in msg
    assert "y = (x * 1.0).sqrt()" in msg
    assert x.grad is None  # nothing reached the leaf


def test_without_anomaly_mode_the_nan_propagates_silently() -> None:
    x = mg.tensor([4.0, 0.0, 1.0], requires_grad=True)
    (x.sqrt() * 2.0).sum().backward()
    assert x.grad is not None and np.isinf(x.grad.numpy()[1])


def test_sqrt_of_relu_zeros_in_mlp() -> None:
    mg.manual_seed(0)
    model = mlp_with_batchnorm()
    x = batch(8, 4)
    with mg.detect_anomaly():
        out = model(x)
        loss = out.relu().sqrt().mean()  # anomaly: sqrt of ReLU's exact zeros
        with pytest.raises(mg.MinigradError) as info:
            loss.backward()
    msg = str(info.value)
    zeros = int((out.detach().numpy() <= 0).sum())
    assert zeros > 0
    assert msg.startswith("Function 'SqrtBackward0' returned inf values in its gradient for input 0 "
                          f"(shape (8, 3)): {zeros} of 24 elements are not finite.")
    assert f":{line_of('# anomaly: sqrt of ReLU')}, in test_sqrt_of_relu_zeros_in_mlp" in msg
    assert all(p.grad is None for p in model.parameters())


def test_healthy_backward_in_anomaly_mode_matches_plain() -> None:
    mg.manual_seed(0)
    block = transformer_block()
    x = batch(2, 5, 8)
    block(x).pow(2).mean().backward()
    plain = {n: p.grad.numpy().copy() for n, p in block.named_parameters()}  # type: ignore[union-attr]
    block.zero_grad()
    with mg.detect_anomaly():
        block(x).pow(2).mean().backward()
    for n, p in block.named_parameters():
        assert p.grad is not None
        np.testing.assert_array_equal(p.grad.numpy(), plain[n])


def test_log_of_zero_in_transformer_block() -> None:
    mg.manual_seed(0)
    block = transformer_block()
    x = batch(2, 5, 8)
    with mg.detect_anomaly():
        out = block(x)
        bad = out.relu().log()  # anomaly: log of zeros
        with pytest.raises(mg.MinigradError, match=r"Function 'LogBackward0' returned inf") as info:
            bad.sum().backward()
    assert f":{line_of('# anomaly: log of zeros')}," in str(info.value)


def test_grad_function_is_checked_too() -> None:
    x = mg.tensor([0.0, 1.0], requires_grad=True)
    with mg.detect_anomaly():
        y = x.abs().sqrt().sum()
        with pytest.raises(mg.MinigradError, match="SqrtBackward0"):
            mg.grad(y, x)


def test_upstream_nan_is_reported() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.detect_anomaly():
        y = x * 3.0
        with pytest.raises(mg.MinigradError, match="already contained nan/inf"):
            y.backward(mg.tensor([float("nan"), 1.0]))


def test_forward_outside_mode_gives_unknown_site() -> None:
    x = mg.tensor([0.0], requires_grad=True)
    y = x.sqrt().sum()
    with mg.detect_anomaly(), pytest.raises(mg.MinigradError, match="creation site is unknown"):
        y.backward()


def test_check_nan_false_records_but_does_not_raise() -> None:
    x = mg.tensor([0.0], requires_grad=True)
    with mg.detect_anomaly(check_nan=False):
        assert is_anomaly_enabled()
        x.sqrt().sum().backward()
    assert x.grad is not None and np.isinf(x.grad.numpy()[0])


class BrokenOp(ops.Function):
    """y = x, whose backward formula has a bug."""

    __slots__ = ()

    def forward(self, a: Array) -> Array:
        return a.copy()

    def backward(self, g: mg.Tensor, out: mg.Tensor) -> tuple[mg.Tensor | None, ...]:
        raise ValueError("formula bug")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes need Python 3.11")
def test_errors_inside_backward_get_the_creation_site() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.detect_anomaly():
        y = BrokenOp.apply(x)  # anomaly: broken op site
        with pytest.raises(ValueError, match="formula bug") as info:
            y.sum().backward()
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "BrokenOpBackward" in notes
    assert f":{line_of('# anomaly: broken op site')}, in test_errors_inside" in notes


def test_decorator_nesting_and_restore() -> None:
    @mg.detect_anomaly()
    def run() -> bool:
        with mg.detect_anomaly(check_nan=False):
            pass
        return is_anomaly_enabled()

    assert not is_anomaly_enabled()
    assert run() is True
    assert not is_anomaly_enabled()
    assert not _instrument.is_active()


def test_set_detect_anomaly() -> None:
    set_detect_anomaly(True)
    try:
        assert is_anomaly_enabled()
        x = mg.tensor([0.0], requires_grad=True)
        with pytest.raises(mg.MinigradError, match="SqrtBackward0"):
            x.sqrt().sum().backward()
    finally:
        set_detect_anomaly(False)
    assert not is_anomaly_enabled() and not _instrument.is_active()
    with set_detect_anomaly(True):
        assert is_anomaly_enabled()
    assert not is_anomaly_enabled()


def test_sites_are_dropped_with_their_graph() -> None:
    from minigrad.anomaly import _observer

    with mg.detect_anomaly():
        x = mg.tensor([1.0], requires_grad=True)
        y = (x * 2.0).exp()
        assert len(_observer.sites) >= 2
        del y
        assert len(_observer.sites) == 0
    assert _observer.sites == {}


def test_detect_anomaly_warns_once_when_created() -> None:
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled") as record:
        wrapped = mg.detect_anomaly()(is_anomaly_enabled)
    assert len(record) == 1 and record[0].filename == THIS_FILE
    assert wrapped() and wrapped() and not is_anomaly_enabled()  # the decorator's calls do not warn


def test_check_nan_flag_and_torch_spellings() -> None:
    assert mg.autograd.detect_anomaly is mg.detect_anomaly is mg.autograd.anomaly_mode.detect_anomaly
    assert mg.autograd.set_detect_anomaly is set_detect_anomaly
    assert mg.is_anomaly_check_nan_enabled()
    with mg.autograd.set_detect_anomaly(True, check_nan=False):
        assert mg.is_anomaly_enabled() and not mg.is_anomaly_check_nan_enabled()
        with mg.autograd.detect_anomaly():
            assert mg.is_anomaly_check_nan_enabled()
        assert not mg.is_anomaly_check_nan_enabled()
    assert not mg.is_anomaly_enabled() and mg.is_anomaly_check_nan_enabled()
    mg.set_anomaly_enabled(False, check_nan=False)
    try:
        assert not mg.is_anomaly_check_nan_enabled()  # PyTorch keeps the flag while off
        with mg.autograd.detect_anomaly():
            assert mg.is_anomaly_check_nan_enabled()
        assert not mg.is_anomaly_check_nan_enabled()
    finally:
        mg.set_anomaly_enabled(False)
    assert mg.is_anomaly_check_nan_enabled() and not _instrument.is_active()


def test_torch_autograd_spellings() -> None:
    """The spellings scripts use: torch.autograd.(set_)detect_anomaly, torch.is_anomaly_enabled."""
    assert mg.autograd.detect_anomaly is mg.detect_anomaly
    mg.autograd.set_detect_anomaly(True)
    try:
        assert mg.is_anomaly_enabled()
    finally:
        mg.autograd.set_detect_anomaly(False)
    assert not mg.is_anomaly_enabled()
    with mg.autograd.detect_anomaly():
        assert mg.is_anomaly_enabled()
