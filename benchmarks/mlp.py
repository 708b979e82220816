"""``mlp``: one SGD-momentum training step of a BatchNorm/Dropout MLP on a batch of 128.

784 -> 256 -> 256 -> 10, each hidden block Linear -> BatchNorm1d -> ReLU ->
Dropout(0.1), cross-entropy loss, SGD(lr=0.01, momentum=0.9). ``scale`` reuses
this with other hidden widths.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.frameworks import Framework, TrainRunner, load_params, make_builders
from benchmarks.harness import TORCH_MISSING, Array, Case, load_torch
from benchmarks.numpy_ref import NumpyMLP

BATCH = 128
IN_FEATURES = 784
CLASSES = 10
DROPOUT = 0.1
LR = 0.01
MOMENTUM = 0.9
SEED = 0


def mlp_weights(widths: tuple[int, ...], seed: int = SEED) -> dict[str, Array]:
    """Float32 weights under ``nn.Sequential`` names: PyTorch's Linear init, perturbed BN affine.

    BatchNorm's weight/bias are drawn near (1, 0) rather than exactly there, so
    the agreement check exercises their gradients' paths too.
    """
    rng = np.random.default_rng(seed)
    w: dict[str, Array] = {}
    n_hidden = len(widths) - 2
    for i in range(n_hidden + 1):
        fan_in, fan_out = widths[i], widths[i + 1]
        bound = 1.0 / np.sqrt(fan_in)
        w[f"{4 * i}.weight"] = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
        w[f"{4 * i}.bias"] = rng.uniform(-bound, bound, fan_out).astype(np.float32)
        if i < n_hidden:
            w[f"{4 * i + 1}.weight"] = (1 + 0.1 * rng.standard_normal(fan_out)).astype(np.float32)
            w[f"{4 * i + 1}.bias"] = (0.1 * rng.standard_normal(fan_out)).astype(np.float32)
    return w


#: the smallest distance from 0 allowed for a pre-ReLU activation of the check batch
#: (float64 forward pass). Closer than this, float32 rounding in any framework's matmul
#: can flip the ReLU mask: one flipped element moves BatchNorm's gradients by ~1e-2
#: and fails the 1e-4 agreement check although every implementation is right.
TIE_MARGIN = 2e-6


def mlp_data(seed: int = SEED, weights: dict[str, Array] | None = None) -> tuple[Array, Array]:
    """A fixed batch: (128, 784) float32 inputs and (128,) int64 labels.

    With ``weights``, the batch is the first one drawn from ``seed``, ``seed + 1``, ...
    whose activations all stay :data:`TIE_MARGIN` away from ReLU's kink, as a gradient
    check keeps its inputs away from non-differentiable points.
    """
    while True:
        rng = np.random.default_rng(seed + 1)
        x = rng.standard_normal((BATCH, IN_FEATURES), dtype=np.float32)
        y = rng.integers(0, CLASSES, BATCH, dtype=np.int64)
        if weights is None or _tie_free(weights, x):
            return x, y
        seed += 1


def _tie_free(weights: dict[str, Array], x: Array) -> bool:
    """Whether every pre-ReLU activation of the train-mode forward pass is away from 0."""
    h = x.astype(np.float64)
    i = 0
    while f"{i + 1}.weight" in weights:  # a hidden block: Linear at i, BatchNorm1d at i + 1
        h = h @ weights[f"{i}.weight"].T.astype(np.float64) + weights[f"{i}.bias"]
        h = (h - h.mean(0)) / np.sqrt(h.var(0) + 1e-5) * weights[f"{i + 1}.weight"] + weights[f"{i + 1}.bias"]
        if np.abs(h).min() < TIE_MARGIN:
            return False
        h = np.maximum(h, 0)
        i += 4
    return True


def build_mlp(fw: Framework, widths: tuple[int, ...], p: float) -> Any:
    """The model in either framework: ``[Linear, BatchNorm1d, ReLU, Dropout(p)] * n + [Linear]``."""
    nn = fw.nn
    layers: list[Any] = []
    for i in range(len(widths) - 2):
        n = widths[i + 1]
        layers += [nn.Linear(widths[i], n), nn.BatchNorm1d(n), nn.ReLU(), nn.Dropout(p)]
    layers.append(nn.Linear(widths[-2], widths[-1]))
    return nn.Sequential(*layers)


def mlp_case(name: str, hidden: int) -> Case:
    """The MLP training step with two hidden layers of width ``hidden``."""
    widths = (IN_FEATURES, hidden, hidden, CLASSES)
    weights = mlp_weights(widths)
    x, y = mlp_data(weights=weights)

    def build(fw: Framework, check: bool) -> TrainRunner:
        model = build_mlp(fw, widths, 0.0 if check else DROPOUT)
        model.train()
        load_params(fw, model, weights)
        opt = fw.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
        xt, yt, functional = fw.tensor(x), fw.tensor(y), fw.F
        return TrainRunner(fw, model, lambda: functional.cross_entropy(model(xt), yt), opt)

    builders: dict[str, Any] = make_builders(("minigrad", "pytorch"), build)
    builders["numpy"] = lambda check: NumpyMLP(
        weights, x, y, 0.0 if check else DROPOUT, lr=LR, momentum=MOMENTUM
    )
    return Case(
        name=name,
        description=f"MLP {'-'.join(map(str, widths))} (Linear-BN-ReLU-Dropout), batch {BATCH}: "
        "forward + cross-entropy + backward + SGD momentum",
        builders=builders,
        skipped={} if load_torch() is not None else {"pytorch": TORCH_MISSING},
    )


def cases() -> list[Case]:
    """The ``mlp`` workload: hidden width 256."""
    return [mlp_case("mlp", 256)]
