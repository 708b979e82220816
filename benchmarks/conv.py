"""``conv``: forward + backward of one Conv2d(32, 64, 3, padding=1) on a (32, 32, 28, 28) batch.

A fixed random upstream gradient is backpropagated (a ``sum()`` on top would hide
a backward that ignores its input); the input requires grad, so the step computes
the output and the gradients of the input, the weight and the bias. Beside
PyTorch CPU (oneDNN on one thread) and the hand-written numpy im2col baseline.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.frameworks import Framework, LayerRunner, load_params, make_builders
from benchmarks.harness import TORCH_MISSING, Array, Case, load_torch
from benchmarks.numpy_conv import NumpyConv2d

IN_CHANNELS, OUT_CHANNELS, KERNEL, PADDING = 32, 64, 3, 1
SHAPE = (32, IN_CHANNELS, 28, 28)
SEED = 20


def conv_arrays(seed: int = SEED) -> tuple[Array, Array, Array, Array]:
    """x, upstream gradient, and the weight and bias drawn as PyTorch's default init does (float32)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(SHAPE, dtype=np.float32)
    out_hw = SHAPE[2] + 2 * PADDING - KERNEL + 1
    g = rng.standard_normal((SHAPE[0], OUT_CHANNELS, out_hw, out_hw), dtype=np.float32)
    bound = 1 / np.sqrt(IN_CHANNELS * KERNEL * KERNEL)
    w = rng.uniform(-bound, bound, (OUT_CHANNELS, IN_CHANNELS, KERNEL, KERNEL)).astype(np.float32)
    b = rng.uniform(-bound, bound, OUT_CHANNELS).astype(np.float32)
    return x, g, w, b


def cases() -> list[Case]:
    """The ``conv`` row."""
    x, g, w, b = conv_arrays()

    def build(fw: Framework, check: bool) -> LayerRunner:
        layer = fw.nn.Conv2d(IN_CHANNELS, OUT_CHANNELS, KERNEL, padding=PADDING)
        load_params(fw, layer, {"weight": w, "bias": b})
        return LayerRunner(fw, layer, x, g)

    builders: dict[str, Any] = make_builders(("minigrad", "pytorch"), build)
    builders["numpy"] = lambda check: NumpyConv2d(w, b, x, g, PADDING)
    return [Case(
        name="conv",
        description=f"Conv2d({IN_CHANNELS}, {OUT_CHANNELS}, {KERNEL}, padding={PADDING}) on {SHAPE}: "
        "forward + backward (input, weight, bias)",
        builders=builders,
        skipped={} if load_torch() is not None else {"pytorch": TORCH_MISSING},
    )]
