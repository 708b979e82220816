"""Small real models that the inspection tools (viz, profiler, anomaly) are tested on.

An MLP with BatchNorm1d and a transformer encoder block, built from
``minigrad.nn`` layers when they exist, otherwise composed here from
parameters and ``minigrad.nn.functional`` with the same parameter names, so
the tests' expectations hold either way.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the usual alias


def _uniform(shape: tuple[int, ...], bound: float) -> Any:
    return nn.Parameter(mg.rand(*shape) * (2 * bound) - bound)


class _Linear(nn.Module):
    def __init__(self, fan_in: int, fan_out: int) -> None:
        super().__init__()
        self.weight = _uniform((fan_out, fan_in), 1 / math.sqrt(fan_in))
        self.bias = _uniform((fan_out,), 1 / math.sqrt(fan_in))

    def forward(self, x: Any) -> Any:
        return F.linear(x, self.weight, self.bias)


class _BatchNorm1d(nn.Module):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(mg.ones(n))
        self.bias = nn.Parameter(mg.zeros(n))
        self.register_buffer("running_mean", mg.zeros(n))
        self.register_buffer("running_var", mg.ones(n))

    def forward(self, x: Any) -> Any:
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            training=self.training)


class _ReLU(nn.Module):
    def forward(self, x: Any) -> Any:
        return x.relu()


def mlp_with_batchnorm(n_in: int = 4, hidden: int = 8, n_out: int = 3) -> Any:
    """Sequential(Linear, BatchNorm1d, ReLU, Linear): parameters ``0.weight`` ... ``3.bias``."""
    if hasattr(nn, "Linear") and hasattr(nn, "BatchNorm1d") and hasattr(nn, "ReLU"):
        return nn.Sequential(nn.Linear(n_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
                             nn.Linear(hidden, n_out))
    return nn.Sequential(_Linear(n_in, hidden), _BatchNorm1d(hidden), _ReLU(), _Linear(hidden, n_out))


class _LayerNorm(nn.Module):
    def __init__(self, d: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(mg.ones(d))
        self.bias = nn.Parameter(mg.zeros(d))

    def forward(self, x: Any) -> Any:
        return F.layer_norm(x, (x.shape[-1],), self.weight, self.bias)


class _SelfAttention(nn.Module):
    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.in_proj_weight = _uniform((3 * d, d), math.sqrt(6 / (4 * d)))
        self.in_proj_bias = nn.Parameter(mg.zeros(3 * d))
        self.out_proj = _Linear(d, d)

    def forward(self, x: Any) -> Any:
        b, s, d = x.shape
        h = self.heads
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
        q, k, v = (qkv[..., i * d:(i + 1) * d].reshape(b, s, h, d // h).transpose(1, 2)
                   for i in range(3))
        att = F.scaled_dot_product_attention(q, k, v)
        return self.out_proj(att.transpose(1, 2).reshape(b, s, d))


class _EncoderLayer(nn.Module):
    """Post-norm encoder layer, ReLU feed-forward, no dropout (PyTorch's layout)."""

    def __init__(self, d: int, heads: int, ff: int) -> None:
        super().__init__()
        self.self_attn = _SelfAttention(d, heads)
        self.linear1 = _Linear(d, ff)
        self.linear2 = _Linear(ff, d)
        self.norm1 = _LayerNorm(d)
        self.norm2 = _LayerNorm(d)

    def forward(self, x: Any) -> Any:
        x = self.norm1(x + self.self_attn(x))
        return self.norm2(x + self.linear2(self.linear1(x).relu()))


def transformer_block(d_model: int = 8, nhead: int = 2, dim_feedforward: int = 16) -> Any:
    """A TransformerEncoderLayer (batch_first, dropout 0) with PyTorch's parameter names."""
    if hasattr(nn, "TransformerEncoderLayer"):
        return nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=dim_feedforward,
                                          dropout=0.0, batch_first=True)
    return _EncoderLayer(d_model, nhead, dim_feedforward)


def batch(*shape: int, seed: int = 0) -> Any:
    """A float32 input of ``shape`` from a fixed numpy generator."""
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))
