"""``overhead``: 200 elementwise ops on a 16-element tensor, then sum; forward + backward.

The arrays are tiny, so the time is almost all per-op framework cost
(creating tensors and graph nodes, dispatch, the backward walk). The chain
is 40 cycles of ``x * a`` (a tensor), ``+ b`` (a tensor), ``tanh``, ``exp``
(of a value in (-1, 1)), ``* 0.9`` (a Python scalar).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.frameworks import Framework, make_builders
from benchmarks.harness import TORCH_MISSING, Array, Case, load_torch
from benchmarks.numpy_ref import NumpyChain

SIZE = 16
CYCLES = 40
OPS_PER_CYCLE = 5
SCALE = 0.9


def chain(x: Any, a: Any, b: Any, cycles: int = CYCLES) -> Any:
    """The op chain, written once for minigrad and PyTorch tensors."""
    for _ in range(cycles):
        x = (x * a + b).tanh().exp() * SCALE
    return x.sum()


class ChainRunner:
    """Forward and backward of :func:`chain` in one framework."""

    def __init__(self, fw: Framework, x: Array, a: Array, b: Array) -> None:
        self.fw = fw
        self.x = fw.tensor(x, requires_grad=True)
        self.a, self.b = fw.tensor(a), fw.tensor(b)
        self.loss: Any = None
        self._run = fw.stepper(self.chain_step)

    def chain_step(self) -> Any:
        """Reset x.grad, run the chain, backward; returns the sum."""
        self.x.grad = None
        loss = chain(self.x, self.a, self.b)
        loss.backward()
        return loss

    def step(self) -> None:
        """One forward and backward of the chain (replayed, for the compiled rows)."""
        self.loss = self._run()

    def snapshot(self) -> dict[str, Array]:
        """The sum and the gradient of x."""
        return {"loss": self.fw.numpy(self.loss), "grad:x": self.fw.numpy(self.x.grad)}


def cases() -> list[Case]:
    """The ``overhead`` workload."""
    rng = np.random.default_rng(0)
    # a ~ 1 and b ~ -a keep every value near 1 and the gradients finite and
    # normal (a contracting chain would flush them towards denormals)
    x = rng.uniform(-1, 1, SIZE).astype(np.float32)
    a = rng.uniform(0.8, 1.25, SIZE).astype(np.float32)
    b = rng.uniform(-1.0, -0.8, SIZE).astype(np.float32)
    builders: dict[str, Any] = make_builders(
        ("minigrad", "pytorch"), lambda fw, check: ChainRunner(fw, x, a, b)
    )
    builders["numpy"] = lambda check: _numpy_chain(x, a, b)
    return [Case(
        name="overhead",
        description=f"{CYCLES * OPS_PER_CYCLE} elementwise ops on {SIZE} float32 elements, "
        "sum, forward + backward",
        builders=builders,
        skipped={} if load_torch() is not None else {"pytorch": TORCH_MISSING},
        ops_per_step=CYCLES * OPS_PER_CYCLE,
    )]


def _numpy_chain(x: Array, a: Array, b: Array) -> NumpyChain:
    return NumpyChain(x, a, b, CYCLES, SCALE)
