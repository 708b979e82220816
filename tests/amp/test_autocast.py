"""autocast: accepted everywhere PyTorch accepts it; warns, then computes in full precision."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg


def test_enabled_autocast_warns_and_keeps_full_precision() -> None:
    x = mg.from_numpy(np.linspace(0.1, 1.0, 6, dtype=np.float32).reshape(2, 3))
    with pytest.warns(UserWarning, match="no mixed precision"):
        ctx = mg.autocast(device_type="cpu", dtype=None)
    with ctx:
        y = x @ x.T
        assert not mg.is_autocast_enabled()
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.numpy(), x.numpy() @ x.numpy().T)


def test_disabled_autocast_is_silent_and_works_as_decorator() -> None:
    @mg.amp.autocast("cpu", enabled=False)
    def double(t: mg.Tensor) -> mg.Tensor:
        return t * 2

    assert double(mg.tensor(3.0)).item() == 6.0


def test_bad_device_type() -> None:
    with pytest.raises(ValueError, match="device_type"):
        mg.autocast(device_type=0)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="unsupported autocast device_type 'tpu'"):
        mg.autocast("tpu")


def test_deprecated_spellings_warn() -> None:
    with pytest.warns(FutureWarning, match="deprecated"), pytest.warns(UserWarning):
        mg.cuda.amp.autocast()
    with pytest.warns(FutureWarning, match="deprecated"), pytest.warns(UserWarning):
        mg.cpu.amp.autocast()
    with mg.autocast("cuda", enabled=False):  # silent: nothing was asked of CUDA
        pass
