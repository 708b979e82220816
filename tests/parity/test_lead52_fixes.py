"""Lead session 52: cheaper kernels that must keep PyTorch's values (tanh's and clamp's backward, the
np.clip gates of hardswish / hardsigmoid / huber), and the full backward hook's warning location."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _grads(lib: Any, fn: Any, x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = lib.tensor(x, requires_grad=True)
    y = fn(lib, t)
    y.backward(lib.tensor(g))
    return y.detach().numpy(), t.grad.numpy()


CASES = {
    "clamp both": lambda lib, t: t.clamp(-0.5, 0.7),
    "clamp min": lambda lib, t: t.clamp(min=-0.5),
    "clamp max": lambda lib, t: t.clamp(max=0.25),
    "hardswish": lambda lib, t: lib.nn.functional.hardswish(t),
    "hardsigmoid": lambda lib, t: lib.nn.functional.hardsigmoid(t),
    "huber": lambda lib, t: lib.nn.functional.huber_loss(t, t.detach() * 0.5, reduction="none", delta=0.3),
    "smooth_l1": lambda lib, t: lib.nn.functional.smooth_l1_loss(t, t.detach() * 0.5, reduction="none",
                                                                 beta=0.4),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_value_and_gradient_bits_as_pytorchs(name: str, dtype: str) -> None:
    torch = require_torch()
    rng = np.random.default_rng(7)
    # exact edge values among random ones, long enough for numpy's SIMD loops (and a 0-d case below)
    x = (rng.standard_normal((40, 64)) * 3).astype(dtype)
    x.flat[:8] = [-3.0, 3.0, -0.5, 0.7, 0.0, -0.0, 0.25, -0.3]
    fn = CASES[name]
    y_probe = fn(torch, torch.tensor(x))
    g = rng.standard_normal(tuple(y_probe.shape)).astype(dtype)
    want, got = _grads(torch, fn, x, g), _grads(mg, fn, x, g)
    for w, v in zip(want, got):
        assert w.dtype == v.dtype
        np.testing.assert_array_equal(np.signbit(v), np.signbit(w))
        np.testing.assert_array_equal(v, w)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("broadcast", [False, True])
def test_tanh_gradient_is_its_formula_on_its_own_result(dtype: str, broadcast: bool) -> None:
    # (numpy's tanh and PyTorch's differ by an ulp in a third of float32 values, so the bits are checked
    # against the formula's kernels on minigrad's own result, and the values against PyTorch's)
    torch = require_torch()
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((40, 64)) * 2).astype(dtype)
    g = rng.standard_normal((64,) if broadcast else (40, 64)).astype(dtype)
    t = mg.tensor(x, requires_grad=True)
    y = t.tanh()
    (y * mg.tensor(g)).sum().backward() if broadcast else y.backward(mg.tensor(g))
    yy = y.detach().numpy()
    np.testing.assert_array_equal(t.grad.numpy(), np.broadcast_to(g, x.shape) * (1 - yy * yy))
    tt = torch.tensor(x, requires_grad=True)
    ty = tt.tanh()
    (ty * torch.tensor(g)).sum().backward() if broadcast else ty.backward(torch.tensor(g))
    np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=1e-5 if dtype == "float32" else 1e-12,
                               atol=1e-6 if dtype == "float32" else 1e-14)


@pytest.mark.parametrize("name", ["clamp both", "clamp max", "hardswish", "smooth_l1"])
def test_zero_dim_inputs_as_pytorchs(name: str) -> None:
    # (not huber: on a 0-d input PyTorch's scalar loop rounds g * delta otherwise than its vector loop)
    torch = require_torch()
    x, g = np.array(0.6, np.float32), np.array(1.5, np.float32)
    want, got = _grads(torch, CASES[name], x, g), _grads(mg, CASES[name], x, g)
    for w, v in zip(want, got):
        assert v.shape == () and v.dtype == w.dtype
        np.testing.assert_array_equal(v, w)


def test_clamp_bounds_beyond_float32_still_checked() -> None:
    torch = require_torch()
    # the fast range test must leave the overflow checks to the general path
    for lib in (torch, mg):
        assert lib.ones(2, dtype=lib.float64).clamp(-1e300, 1e300).tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError):
        torch.ones(2).clamp(max=1e300)
    with pytest.raises(RuntimeError):
        mg.ones(2).clamp(max=1e300)


def test_full_backward_hook_warning_names_the_users_line() -> None:
    # PyTorch's warning (no input requires grad) points at the backward() call, so the default filter
    # shows it once per call site; minigrad's pointed into minigrad/utils/hooks.py
    m = mg.nn.Linear(2, 2)
    m.register_full_backward_hook(lambda *a: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m(mg.ones(1, 2)).sum().backward()
    assert [w.filename for w in caught] == [__file__]
    assert "Full backward hook is firing" in str(caught[0].message)


LAYOUT_CASES = {
    "conv2d": lambda lib, x: lib.nn.functional.conv2d(x, lib.ones(4, 8, 3, 3) * 0.1),
    "conv2d groups stride": lambda lib, x: lib.nn.functional.conv2d(x, lib.ones(4, 2, 3, 3), stride=2,
                                                                    groups=4),
    "conv2d 1x1": lambda lib, x: lib.nn.functional.conv2d(x, lib.ones(4, 8, 1, 1)),
    "conv_transpose2d": lambda lib, x: lib.nn.functional.conv_transpose2d(x, lib.ones(8, 3, 3, 3)),
    "group_norm": lambda lib, x: lib.nn.functional.group_norm(x, 2),
    "group_norm affine": lambda lib, x: lib.nn.functional.group_norm(x, 4, lib.ones(8) * 2, lib.ones(8)),
}


@pytest.mark.parametrize("name", sorted(LAYOUT_CASES))
def test_channels_last_input_keeps_its_layout_as_pytorchs(name: str) -> None:
    # PyTorch's convolution and group_norm give a channels-last result for a channels-last input, and a
    # dropout after them draws its mask in memory order (labml's DDPM UNet: its losses differed)
    torch = require_torch()
    x = np.random.default_rng(5).standard_normal((2, 8, 5, 5)).astype(np.float32)
    seen = []
    before = mg.random.pytorch_dropout_masks()
    mg.random.use_pytorch_dropout_masks(True)
    try:
        for lib in (torch, mg):
            t = lib.tensor(x).contiguous(memory_format=lib.channels_last).requires_grad_()
            y = LAYOUT_CASES[name](lib, t)
            lib.manual_seed(0)
            dropped = lib.nn.functional.dropout(y, 0.5)
            dropped.sum().backward()
            seen.append((y.stride(), y.grad_fn.name(), dropped.detach().numpy(), t.grad.numpy()))
    finally:
        mg.random.use_pytorch_dropout_masks(before)
    (ts, tn, td, tg), (ms, mn, md, mg_) = seen
    assert ms == ts and mn == tn
    np.testing.assert_array_equal(md == 0, td == 0)
    np.testing.assert_allclose(md, td, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(mg_, tg, rtol=1e-5, atol=1e-5)


def test_channels_last_weight_gives_a_channels_last_convolution_as_pytorchs() -> None:
    torch = require_torch()
    strides = []
    for lib in (torch, mg):
        w = lib.ones(4, 8, 3, 3).contiguous(memory_format=lib.channels_last)
        strides.append(lib.nn.functional.conv2d(lib.ones(2, 8, 5, 5), w).stride())
    assert strides[0] == strides[1]
