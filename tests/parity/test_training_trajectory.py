"""Whole training runs, step by step, against PyTorch from identical float64 weights.

Each step compares the loss to 1e-8 relative; at the end the whole state_dict
(parameters and BatchNorm's running statistics) must agree as well. These
tests exercise the engine, the composed layers, the losses, the optimizers,
the schedulers and gradient clipping together.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn, optim
from tests.helpers import assert_close, require_torch

RTOL = 1e-8


def _copy_weights(ours: nn.Module, theirs: Any) -> None:
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def _compare_state(ours: nn.Module, theirs: Any) -> None:
    mine = ours.state_dict()
    for key, value in theirs.state_dict().items():
        assert_close(mine[key], value.detach().numpy().astype(mine[key].dtype), rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("optimizer", ["sgd", "adamw"])
def test_mlp_with_batchnorm_trains_like_torch(optimizer: str) -> None:
    torch = require_torch()
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(8, 16), torch.nn.BatchNorm1d(16), torch.nn.ReLU(),
        torch.nn.Linear(16, 16), torch.nn.BatchNorm1d(16), torch.nn.ReLU(),
        torch.nn.Linear(16, 4),
    ).double()
    ours = nn.Sequential(
        nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(),
        nn.Linear(16, 16), nn.BatchNorm1d(16), nn.ReLU(),
        nn.Linear(16, 4),
    ).double()
    _copy_weights(ours, theirs)
    if optimizer == "sgd":
        opt: Any = optim.SGD(ours.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)
        topt: Any = torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=0.9, nesterov=True,
                                    weight_decay=1e-3)
    else:
        opt = optim.AdamW(ours.parameters(), lr=1e-2, weight_decay=0.05)
        topt = torch.optim.AdamW(theirs.parameters(), lr=1e-2, weight_decay=0.05)
    rng = np.random.default_rng(7)
    for step in range(30):
        x = rng.standard_normal((32, 8))
        y = rng.integers(0, 4, 32)
        opt.zero_grad()
        topt.zero_grad()
        loss = F.cross_entropy(ours(mg.tensor(x)), mg.tensor(y), label_smoothing=0.1)
        tloss = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y),
                                                  label_smoothing=0.1)
        assert loss.item() == pytest.approx(tloss.item(), rel=RTOL), f"step {step}"
        loss.backward()
        tloss.backward()
        opt.step()
        topt.step()
    _compare_state(ours, theirs)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((5, 8))
    assert_close(ours(mg.tensor(x)), theirs(torch.tensor(x)), rtol=1e-7, atol=1e-10)


class _TinyGPT(nn.Module):
    def __init__(self, vocab: int, width: int, context: int) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Embedding(context, width)
        self.block = nn.TransformerEncoderLayer(width, 2, dim_feedforward=2 * width, dropout=0.0,
                                                activation="gelu", batch_first=True, norm_first=True)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)

    def forward(self, idx: mg.Tensor) -> mg.Tensor:
        t = idx.shape[1]
        h = self.tok(idx) + self.pos(mg.arange(t))
        mask = nn.Transformer.generate_square_subsequent_mask(t, dtype=mg.float64)
        h = self.block(h, src_mask=mask, is_causal=True)
        return self.head(self.norm(h))


def _torch_tiny_gpt(torch: Any, vocab: int, width: int, context: int) -> Any:
    class TinyGPT(torch.nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.tok = torch.nn.Embedding(vocab, width)
            self.pos = torch.nn.Embedding(context, width)
            self.block = torch.nn.TransformerEncoderLayer(
                width, 2, dim_feedforward=2 * width, dropout=0.0, activation="gelu",
                batch_first=True, norm_first=True)
            self.norm = torch.nn.LayerNorm(width)
            self.head = torch.nn.Linear(width, vocab)

        def forward(self, idx: Any) -> Any:
            t = idx.shape[1]
            h = self.tok(idx) + self.pos(torch.arange(t))
            mask = torch.nn.Transformer.generate_square_subsequent_mask(t, dtype=torch.float64)
            h = self.block(h, src_mask=mask, is_causal=True)
            return self.head(self.norm(h))

    return TinyGPT().double()


def test_one_layer_transformer_trains_like_torch() -> None:
    torch = require_torch()
    torch.manual_seed(1)
    vocab, width, context = 11, 16, 8
    theirs = _torch_tiny_gpt(torch, vocab, width, context)
    ours = _TinyGPT(vocab, width, context).double()
    _copy_weights(ours, theirs)
    opt = optim.AdamW(ours.parameters(), lr=3e-3, weight_decay=0.1)
    topt = torch.optim.AdamW(theirs.parameters(), lr=3e-3, weight_decay=0.1)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20, eta_min=1e-4)
    tsched = torch.optim.lr_scheduler.CosineAnnealingLR(topt, T_max=20, eta_min=1e-4)
    rng = np.random.default_rng(3)
    for step in range(20):
        idx = rng.integers(0, vocab, (4, context + 1))
        x, y = idx[:, :-1], idx[:, 1:]
        opt.zero_grad()
        topt.zero_grad()
        logits = ours(mg.tensor(x))
        tlogits = theirs(torch.tensor(x))
        loss = F.cross_entropy(logits.reshape(-1, vocab), mg.tensor(y.reshape(-1)))
        tloss = torch.nn.functional.cross_entropy(tlogits.reshape(-1, vocab), torch.tensor(y.reshape(-1)))
        assert loss.item() == pytest.approx(tloss.item(), rel=RTOL), f"step {step}"
        loss.backward()
        tloss.backward()
        norm = nn.utils.clip_grad_norm_(ours.parameters(), 0.5)
        tnorm = torch.nn.utils.clip_grad_norm_(theirs.parameters(), 0.5)
        assert float(norm.item()) == pytest.approx(float(tnorm), rel=1e-7)
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
    _compare_state(ours, theirs)
