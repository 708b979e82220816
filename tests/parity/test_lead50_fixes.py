"""Lead session 50: fixes found by differential fuzzers (data loading, random streams), a battery of common
misuses, and checkpoints a PyTorch script writes under the torch alias, read by PyTorch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _empty_sampler_then_draw(lib: Any) -> list[float]:
    """A replacement sampler over an empty dataset fails its pass; the global stream moved as PyTorch's."""
    lib.manual_seed(200)
    sampler = lib.utils.data.RandomSampler([], replacement=True, num_samples=3)
    loader = lib.utils.data.DataLoader([], sampler=sampler)
    with pytest.raises(RuntimeError):  # (PyTorch's: random_ from an empty range)
        list(loader)
    return lib.rand(2).tolist()  # type: ignore[no-any-return]


def test_random_sampler_seeds_its_pass_before_failing_on_an_empty_dataset() -> None:
    torch = require_torch()
    assert _empty_sampler_then_draw(mg) == _empty_sampler_then_draw(torch)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_loss_of_shapes_that_do_not_broadcast_warns_before_it_fails(name: str) -> None:
    """PyTorch's pointwise losses warn about the target size, then fail to broadcast: both, in that order."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.warns(UserWarning, match="target size"), pytest.raises(RuntimeError):
            getattr(lib.nn.functional, name)(lib.ones(4, 2), lib.ones(3))


def test_sequential_takes_its_input_as_pytorch_names_it() -> None:
    """Sequential.forward(input): a keyword of another name is PyTorch's TypeError."""
    torch = require_torch()
    for lib in (torch, mg):
        model = lib.nn.Sequential(lib.nn.Identity())
        assert model(input=lib.ones(2)).tolist() == [1.0, 1.0]
        with pytest.raises(TypeError):
            model(x=lib.ones(2))


_SAVING_SCRIPT = """
import sys, torch, torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
x = torch.randn(8, 3)
for _ in range(3):
    opt.zero_grad()
    model(x).pow(2).mean().backward()
    opt.step()
torch.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3, "x": x,
            "dtype": x.dtype, "shape": x.shape}, sys.argv[1])
model.eval()
print(repr(model(x).tolist()))
"""


def test_a_pytorch_script_checkpoint_loads_in_pytorch(tmp_path: Path) -> None:
    """What a PyTorch script saves under ``python -m minigrad.compat`` is PyTorch's format: PyTorch loads it
    weights-only into the same model and optimizer, and the model computes what it computed under minigrad."""
    torch = require_torch()
    script, ckpt = tmp_path / "train.py", tmp_path / "ckpt.pt"
    script.write_text(_SAVING_SCRIPT)
    command = [sys.executable, "-m", "minigrad.compat", str(script), str(ckpt)]
    run = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tmp_path)
    printed = ast.literal_eval(run.stdout.strip().splitlines()[-1])
    state = torch.load(ckpt)  # (weights-only, PyTorch's default)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    model.load_state_dict(state["model"])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    opt.load_state_dict(state["optim"])
    assert state["epoch"] == 3 and state["dtype"] is torch.float32 and state["shape"] == torch.Size([8, 3])
    assert int(state["model"]["1.num_batches_tracked"]) == 3 and opt.state_dict()["state"][0]["step"] == 3
    model.eval()
    with torch.no_grad():
        np.testing.assert_allclose(model(state["x"]).numpy(), np.array(printed, np.float32), rtol=1e-6)
    assert mg.load(ckpt)["epoch"] == 3  # (and minigrad reads it back)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sinc_gradient_where_x_squared_underflows(dtype: str) -> None:
    """sinc's gradient is 0 (PyTorch's) where x * x * pi underflows to 0, not the formula's 0/0."""
    torch = require_torch()
    tiny = [1e-310, -1e-200] if dtype == "float64" else [1e-40, -1e-30]
    values = [0.0, *tiny, 0.3, 2.0]
    grads = []
    for lib in (torch, mg):
        x = lib.tensor(values, dtype=getattr(lib, dtype), requires_grad=True)
        y = lib.sinc(x)
        y.sum().backward()
        assert y.tolist()[:3] == [1.0, 1.0, 1.0]
        grads.append(x.grad.tolist())
    assert grads[1][:3] == grads[0][:3] == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6)
