"""Small real models that the inspection tools (viz, profiler, anomaly) are tested on."""

from __future__ import annotations

from typing import Any

import numpy as np

import minigrad as mg
import minigrad.nn as nn


def mlp_with_batchnorm(n_in: int = 4, hidden: int = 8, n_out: int = 3) -> Any:
    """Sequential(Linear, BatchNorm1d, ReLU, Linear): parameters ``0.weight`` ... ``3.bias``."""
    return nn.Sequential(nn.Linear(n_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
                         nn.Linear(hidden, n_out))


def transformer_block(d_model: int = 8, nhead: int = 2, dim_feedforward: int = 16) -> Any:
    """A TransformerEncoderLayer (batch_first, no dropout) with PyTorch's parameter names."""
    return nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=dim_feedforward,
                                      dropout=0.0, batch_first=True)


def batch(*shape: int, seed: int = 0) -> Any:
    """A float32 input of ``shape`` from a fixed numpy generator."""
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))
