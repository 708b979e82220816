"""Lead session 55: differences found running the Array API test suite (data-apis/array-api-tests, through
array-api-compat's torch namespace) with ``torch`` aliased to minigrad, each compared with PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch, run_aliased


def _outcome(fn: Any) -> Any:
    try:
        return fn()
    except Exception as e:  # (the class is what is compared)
        return e


@pytest.mark.parametrize("device", [None, "cpu", "cpu:0", "CPU_OBJECT"])
@pytest.mark.parametrize("copy", [None, False, True])
def test_from_dlpack_takes_device_and_copy(device: Any, copy: Any) -> None:
    # array-api-compat's torch namespace calls from_dlpack(x, device=..., copy=...), as PyTorch 2.13 takes
    torch = require_torch()
    for lib in (torch, mg):
        dev = lib.device("cpu") if device == "CPU_OBJECT" else device
        a = np.arange(4.0)
        t = lib.from_dlpack(a, device=dev, copy=copy)
        t[0] = 7.0
        assert a[0] == (0.0 if copy else 7.0), (lib.__name__, device, copy)
        src = lib.arange(3.0)
        u = lib.from_dlpack(src, device=dev, copy=copy)
        u[1] = 5.0
        assert src.tolist() == ([0.0, 1.0, 2.0] if copy else [0.0, 5.0, 2.0]), (lib.__name__, device, copy)


@pytest.mark.parametrize("device", ["cuda", 3, 1.5])
def test_from_dlpack_refuses_other_devices_as_pytorch(device: Any) -> None:
    torch = require_torch()
    ref = _outcome(lambda: torch.from_dlpack(np.arange(3), device=device))
    got = _outcome(lambda: mg.from_dlpack(np.arange(3), device=device))
    assert isinstance(ref, Exception) and isinstance(got, type(ref)), (ref, got)
    if isinstance(device, int):
        assert str(got) == str(ref)


_LAZY_CONVERTED = """
import torch
for convert in ("double", "to64"):
    m = torch.nn.LazyBatchNorm1d()
    m = m.double() if convert == "double" else m.to(torch.float64)
    print(*[str(b.dtype) for b in m.buffers()])
    y = m(torch.randn(4, 3, dtype=torch.float64))
    print(y.dtype, m.weight.dtype, m.running_mean.dtype, m.running_var.dtype)
"""


def test_lazy_norm_converted_before_its_first_call_under_the_alias() -> None:
    # Found reviewing fuzz55's fix with a script under the alias: there the placeholder buffer's Tensor
    # constructor took its float64 array as torch.Tensor's legacy data (float32), so the first float64
    # batch met float32 running statistics (PyTorch's mixed-dtype error); PyTorch keeps float64
    torch = require_torch()
    want: list[str] = []
    for convert in ("double", "to64"):
        m = torch.nn.LazyBatchNorm1d()
        m = m.double() if convert == "double" else m.to(torch.float64)
        want += [str(b.dtype) for b in m.buffers()]
        y = m(torch.randn(4, 3, dtype=torch.float64))
        want += [str(t.dtype) for t in (y, m.weight, m.running_mean, m.running_var)]
    assert run_aliased(_LAZY_CONVERTED) == want
