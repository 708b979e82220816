"""Checkpoints cross over: a minigrad checkpoint loads into the equivalent torch module and back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import assert_close, require_torch


def _mlp_pair() -> tuple[nn.Module, Any]:
    torch = require_torch()
    ours = nn.Sequential(nn.Linear(6, 8, dtype=mg.float64), nn.BatchNorm1d(8, dtype=mg.float64), nn.ReLU(),
                         nn.Dropout(0.2), nn.Linear(8, 3, dtype=mg.float64))
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
                                 torch.nn.Dropout(0.2), torch.nn.Linear(8, 3)).double()
    return ours, theirs


def _transformer_pair() -> tuple[nn.Module, Any]:
    torch = require_torch()

    class Ours(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(11, 16, dtype=mg.float64)
            self.block = nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.0, activation="gelu",
                                                    batch_first=True, norm_first=True, dtype=mg.float64)
            self.head = nn.Linear(16, 11, dtype=mg.float64)

        def forward(self, idx: mg.Tensor) -> mg.Tensor:
            return self.head(self.block(self.embed(idx)))

    class Theirs(torch.nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.embed = torch.nn.Embedding(11, 16)
            self.block = torch.nn.TransformerEncoderLayer(
                16, 4, dim_feedforward=32, dropout=0.0, activation="gelu", batch_first=True, norm_first=True
            )
            self.head = torch.nn.Linear(16, 11)

        def forward(self, idx: Any) -> Any:
            return self.head(self.block(self.embed(idx)))

    return Ours(), Theirs().double()


def test_minigrad_mlp_checkpoint_loads_into_torch_with_the_same_outputs(tmp_path: Path) -> None:
    torch = require_torch()
    mg.manual_seed(0)
    ours, theirs = _mlp_pair()
    x = np.random.default_rng(0).standard_normal((16, 6))
    ours.train()
    ours(mg.Tensor(x))  # moves BatchNorm's running statistics away from their initial values
    path = tmp_path / "mlp.npz"
    mg.save(ours.state_dict(), path)
    with np.load(path, allow_pickle=False) as f:
        state = {k: torch.from_numpy(f[k]) for k in f.files}
    assert list(state) == list(theirs.state_dict())
    theirs.load_state_dict(state)  # strict: same key names and shapes
    ours.eval()
    theirs.eval()
    assert_close(ours(mg.Tensor(x)), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12, atol=1e-12)


def test_minigrad_transformer_checkpoint_loads_into_torch_with_the_same_outputs(tmp_path: Path) -> None:
    torch = require_torch()
    mg.manual_seed(1)
    ours, theirs = _transformer_pair()
    path = tmp_path / "gpt.npz"
    mg.save(ours.state_dict(), path)
    with np.load(path, allow_pickle=False) as f:
        theirs.load_state_dict({k: torch.from_numpy(f[k]) for k in f.files})
    idx = np.random.default_rng(1).integers(0, 11, size=(2, 5))
    assert_close(ours(mg.Tensor(idx)), theirs(torch.tensor(idx)).detach().numpy(), rtol=1e-10, atol=1e-12)


def test_torch_checkpoint_saved_as_npz_loads_into_minigrad(tmp_path: Path) -> None:
    torch = require_torch()
    torch.manual_seed(0)
    ours, theirs = _mlp_pair()
    path = tmp_path / "from_torch.npz"
    np.savez(path, **{k: v.numpy() for k, v in theirs.state_dict().items()})
    ours.load_state_dict(mg.load(path))
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(2).standard_normal((4, 6))
    assert_close(ours(mg.Tensor(x)), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12, atol=1e-12)


def test_wrong_model_checkpoint_raises_and_loads_nothing(tmp_path: Path) -> None:
    mg.manual_seed(0)
    small = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3))
    mg.save(small.state_dict(), tmp_path / "small.npz")
    other = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 4))
    before = {k: v.copy() for k, v in other.state_dict().items()}
    with pytest.raises(mg.MinigradError, match=r"size mismatch for 2\.weight"):
        other.load_state_dict(mg.load(tmp_path / "small.npz"))
    for k, v in other.state_dict().items():  # 0.weight matched, but was not loaded either
        np.testing.assert_array_equal(v, before[k])
