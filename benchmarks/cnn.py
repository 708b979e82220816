"""``cnn``: one SGD-momentum training step of a LeNet-5-sized CNN on a batch of 64 random 1 x 28 x 28 images.

Conv2d(1, 6, 5, padding=2) -> ReLU -> MaxPool2d(2) -> Conv2d(6, 16, 5) -> ReLU ->
MaxPool2d(2) -> Flatten -> Linear(400, 120) -> ReLU -> Linear(120, 84) -> ReLU ->
Linear(84, 10), cross-entropy, SGD(lr=0.01, momentum=0.9). The model is written once
(:func:`build_lenet`) and instantiated in minigrad and PyTorch; the numpy baseline
is :class:`benchmarks.numpy_conv.NumpyLeNet`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.frameworks import Framework, TrainRunner, load_params, make_builders
from benchmarks.harness import TORCH_MISSING, Array, Case, load_torch
from benchmarks.numpy_conv import NumpyLeNet

BATCH = 64
CLASSES = 10
LR = 0.01
MOMENTUM = 0.9
SEED = 21
#: (name, shape) of every parameter, PyTorch's names in the ``nn.Sequential`` below
PARAMS = (
    ("0.weight", (6, 1, 5, 5)), ("0.bias", (6,)), ("3.weight", (16, 6, 5, 5)), ("3.bias", (16,)),
    ("7.weight", (120, 400)), ("7.bias", (120,)), ("9.weight", (84, 120)), ("9.bias", (84,)),
    ("11.weight", (10, 84)), ("11.bias", (10,)),
)


def build_lenet(fw: Framework) -> Any:
    """The CNN in either framework."""
    nn = fw.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, CLASSES),
    )


def lenet_weights(seed: int = SEED) -> dict[str, Array]:
    """Float32 weights drawn as PyTorch's default init (U(+-1/sqrt(fan_in)) for weights and biases)."""
    rng = np.random.default_rng(seed)
    weights: dict[str, Array] = {}
    fan_in = 1
    for name, shape in PARAMS:
        if name.endswith("weight"):
            fan_in = int(np.prod(shape[1:]))
        bound = 1 / np.sqrt(fan_in)
        weights[name] = rng.uniform(-bound, bound, shape).astype(np.float32)
    return weights


def lenet_data(seed: int = SEED) -> tuple[Array, Array]:
    """A fixed batch: (64, 1, 28, 28) float32 images and (64,) int64 labels."""
    rng = np.random.default_rng(seed + 1)
    return rng.standard_normal((BATCH, 1, 28, 28), dtype=np.float32), rng.integers(0, CLASSES, BATCH)


def cases() -> list[Case]:
    """The ``cnn`` row."""
    weights = lenet_weights()
    x, y = lenet_data()

    def build(fw: Framework, check: bool) -> TrainRunner:
        model = build_lenet(fw)
        load_params(fw, model, weights)
        opt = fw.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
        xt, yt, functional = fw.tensor(x), fw.tensor(y), fw.F
        return TrainRunner(fw, model, lambda: functional.cross_entropy(model(xt), yt), opt)

    builders: dict[str, Any] = make_builders(("minigrad", "pytorch"), build)
    builders["numpy"] = lambda check: NumpyLeNet(weights, x, y, lr=LR, momentum=MOMENTUM)
    return [Case(
        name="cnn",
        description=f"LeNet-5-sized CNN (2 conv + 2 max-pool + 3 linear), batch {BATCH} of 1x28x28: "
        "forward + cross-entropy + backward + SGD momentum",
        builders=builders,
        skipped={} if load_torch() is not None else {"pytorch": TORCH_MISSING},
    )]
