"""autograd.grad hands back gradients laid out as PyTorch's: a convolution's weight gradient comes out of
minigrad's GEMM channels-last, and a script drawing noise like it (randn_like draws in memory order, as
PyTorch's) must draw what PyTorch draws (DP-SGD's per-sample noise)."""

from __future__ import annotations

from typing import Any

import numpy as np

import minigrad as mg
from tests.helpers import require_torch


def _conv_grads(lib: Any) -> list[Any]:
    lib.manual_seed(0)
    conv = lib.nn.Conv2d(3, 4, 3)
    x = lib.randn(2, 3, 6, 6, requires_grad=True)
    return list(lib.autograd.grad(conv(x).square().sum(), [conv.weight, conv.bias, x]))


def test_grad_results_are_laid_out_and_drawn_like_as_torch() -> None:
    torch = require_torch()
    ours, theirs = _conv_grads(mg), _conv_grads(torch)
    for g, tg in zip(ours, theirs):
        assert g.is_contiguous() == tg.is_contiguous() and g.stride() == tg.stride()
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-4, atol=1e-5)
    mg.manual_seed(1)
    torch.manual_seed(1)
    np.testing.assert_array_equal(mg.randn_like(ours[0]).numpy(), torch.randn_like(theirs[0]).numpy())
