"""Determinism: the same seed gives bit-identical training, shuffles, dropout masks and checkpoints.

What is and is not deterministic is documented in ``docs/determinism.md``.
Every comparison here is exact (``==`` on floats, ``array_equal`` on arrays);
each also checks that another seed *does* change the result, so that a
comparison cannot pass vacuously.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn
import minigrad.nn.functional as F
import minigrad.optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.random import default_generator

ROOT = Path(__file__).resolve().parents[2]
DIGITS = ROOT / "examples" / "data" / "digits.csv.gz"
CHAR_TRANSFORMER = ROOT / "examples" / "char_transformer.py"


def _digits() -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(DIGITS, "rt", encoding="ascii") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    return (table[:, :-1] / 16.0).astype(np.float32), table[:, -1]


X, Y = _digits()


def _mlp() -> Any:
    return mg.nn.Sequential(
        mg.nn.Linear(64, 64), mg.nn.BatchNorm1d(64), mg.nn.ReLU(), mg.nn.Dropout(0.3),
        mg.nn.Linear(64, 64), mg.nn.BatchNorm1d(64), mg.nn.ReLU(), mg.nn.Dropout(0.3),
        mg.nn.Linear(64, 10),
    )


def _digits_run(seed: int, steps: int = 50) -> tuple[list[float], dict[str, np.ndarray]]:
    """``steps`` AdamW steps of the digits MLP (dropout, shuffled batches): the losses and final weights."""
    mg.manual_seed(seed)  # initialisation and dropout
    model = _mlp()
    opt = mg.optim.AdamW(model.parameters(), lr=1e-2)
    loader = DataLoader(TensorDataset(mg.tensor(X), mg.tensor(Y)), batch_size=32, shuffle=True,
                        drop_last=True, generator=mg.Generator(seed))
    losses: list[float] = []
    while len(losses) < steps:
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    return losses, {k: np.array(v) for k, v in model.state_dict().items()}


def test_digits_mlp_is_bit_identical_across_runs() -> None:
    """Two 50-step runs with seed 0: every loss equal as a float, every weight bit for bit."""
    losses_a, weights_a = _digits_run(0)
    losses_b, weights_b = _digits_run(0)
    assert len(losses_a) == 50
    assert losses_a == losses_b
    for k in weights_a:
        assert np.array_equal(weights_a[k], weights_b[k]), k
    losses_c, _ = _digits_run(1)
    assert losses_c != losses_a  # the comparison is not vacuous


def test_resuming_from_a_checkpoint_continues_bit_identically(tmp_path: Path) -> None:
    """Train 1 epoch, checkpoint (model, optimizer, both random streams) through mg.save, reload into
    fresh objects and train another: the same losses and weights as 2 epochs without a break."""
    def setup(seed: int) -> tuple[Any, Any, Any, mg.Generator]:
        mg.manual_seed(seed)
        model = _mlp()
        opt = mg.optim.AdamW(model.parameters(), lr=1e-2)
        gen = mg.Generator(seed)
        data = TensorDataset(mg.tensor(X[:512]), mg.tensor(Y[:512]))
        loader = DataLoader(data, batch_size=64, shuffle=True, drop_last=True, generator=gen)
        return model, opt, loader, gen

    def epoch(model: Any, opt: Any, loader: Any) -> list[float]:
        out = []
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            out.append(loss.item())
        return out

    model, opt, loader, _ = setup(3)
    straight = epoch(model, opt, loader) + epoch(model, opt, loader)
    final = {k: np.array(v) for k, v in model.state_dict().items()}

    model, opt, loader, gen = setup(3)
    first = epoch(model, opt, loader)
    path = tmp_path / "ckpt.npz"
    mg.save({"model": model.state_dict(), "optim": opt.state_dict()}, path)
    states = (default_generator.get_state(), gen.get_state())  # the random streams, kept in memory

    model, opt, loader, gen = setup(99)  # everything different, then restored
    ckpt = mg.load(path)
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optim"])
    default_generator.set_state(states[0])
    gen.set_state(states[1])
    resumed = first + epoch(model, opt, loader)
    assert resumed == straight
    for k, v in model.state_dict().items():
        assert np.array_equal(np.array(v), final[k]), k


def test_save_load_round_trip_is_exact(tmp_path: Path) -> None:
    """Arrays come back bit for bit (dtype, shape, NaN payloads, -0.0), twice in a row."""
    mg.manual_seed(0)
    model = _mlp()
    state = {k: np.array(v) for k, v in model.state_dict().items()}
    special = np.array([np.nan, -0.0, np.inf, -np.inf, 1e-45, 3.4028235e38], np.float32)
    for i in (1, 2):
        path = tmp_path / f"m{i}.npz"
        mg.save({**model.state_dict(), "special": special}, path)
        back = mg.load(path)
        assert set(back) == {*state, "special"}
        for k, v in state.items():
            got = np.asarray(back[k])
            assert got.dtype == v.dtype and got.shape == v.shape and got.tobytes() == v.tobytes(), k
        assert np.asarray(back["special"]).tobytes() == special.tobytes()
    fresh = _mlp()
    loaded = mg.load(tmp_path / "m1.npz")
    del loaded["special"]  # (strict loading: not a key of the model)
    fresh.load_state_dict(loaded)
    model.eval()
    fresh.eval()
    x = mg.tensor(X[:16])
    assert np.array_equal(model(x).detach().numpy(), fresh(x).detach().numpy())


@pytest.mark.parametrize("explicit", [False, True])
def test_dataloader_shuffle_is_reproducible(explicit: bool) -> None:
    """Same seed, same order (epoch after epoch); another seed, another order."""
    ds = TensorDataset(mg.arange(50))

    def orders(seed: int) -> list[list[int]]:
        if explicit:
            loader = DataLoader(ds, batch_size=50, shuffle=True, generator=mg.Generator(seed))
        else:
            mg.manual_seed(seed)
            loader = DataLoader(ds, batch_size=50, shuffle=True)
        return [next(iter(loader))[0].tolist() for _ in range(3)]

    a, b, c = orders(7), orders(7), orders(8)
    assert a == b and a != c
    assert a[0] != a[1]  # a fresh order each epoch
    assert sorted(a[0]) == list(range(50))


def test_explicit_generator_is_independent_of_the_global_stream() -> None:
    ds = TensorDataset(mg.arange(20))
    loader = DataLoader(ds, batch_size=20, shuffle=True, generator=mg.Generator(5))
    first = next(iter(DataLoader(ds, batch_size=20, shuffle=True, generator=mg.Generator(5))))[0].tolist()
    mg.manual_seed(123)
    mg.randn(1000)  # consume the global stream
    assert next(iter(loader))[0].tolist() == first


def test_dropout_masks_are_reproducible() -> None:
    x = mg.ones(64, 64)
    layer = mg.nn.Dropout(0.5)

    def masks(seed: int) -> list[np.ndarray]:
        mg.manual_seed(seed)
        return [layer(x).numpy().copy(), F.dropout(x, 0.25).numpy().copy()]

    a, b, c = masks(0), masks(0), masks(1)
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])
    assert set(np.unique(a[0])) == {0.0, 2.0}


def test_attention_dropout_is_reproducible() -> None:
    def run(seed: int) -> np.ndarray:
        mg.manual_seed(seed)
        layer = mg.nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.3, batch_first=True)
        out: np.ndarray = layer(mg.randn(2, 5, 16)).detach().numpy()
        return out

    assert np.array_equal(run(0), run(0))
    assert not np.array_equal(run(0), run(1))


# ------------------------------------------------------------------ the char transformer example

SMALL = ["--steps", "50", "--layers", "1", "--heads", "2", "--width", "32", "--context", "16",
         "--batch-size", "4", "--dropout", "0.1", "--eval-interval", "25", "--eval-iters", "2",
         "--log-interval", "1", "--sample-len", "40", "--warmup", "5"]  # fmt: skip
_TIMING = re.compile(r"\d+ ms/step|elapsed \S+|eta \S+|training time .*|\d+(\.\d+)?(s|ms)\b")


def _run_char_transformer(out: Path, seed: int) -> list[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    proc = subprocess.run(
        [sys.executable, str(CHAR_TRANSFORMER), *SMALL, "--seed", str(seed), "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # the printed losses (and the sample), with wall-clock times and the output directory blanked
    return [_TIMING.sub("<t>", line).replace(str(out), "<out>") for line in proc.stdout.splitlines()
            if line.strip()]


@pytest.mark.skipif(not CHAR_TRANSFORMER.exists(), reason="examples/char_transformer.py is not there")
def test_char_transformer_example_is_bit_identical_across_runs(tmp_path: Path) -> None:
    """Two subprocess runs of 50 steps (dropout on): the same printed losses and sample, the same weights."""
    a = _run_char_transformer(tmp_path / "a", seed=5)
    b = _run_char_transformer(tmp_path / "b", seed=5)
    loss_lines = [line for line in a if "loss" in line]
    assert len(loss_lines) >= 50, a  # --log-interval 1: one line per step
    assert a == b
    ckpt_a = sorted((tmp_path / "a").glob("*.npz"))
    assert ckpt_a, list((tmp_path / "a").iterdir())
    for path in ckpt_a:
        # the example's checkpoint holds the weights under "model" (beside optimizer, schedule, streams)
        wa, wb = mg.load(path)["model"], mg.load(tmp_path / "b" / path.name)["model"]
        assert wa.keys() == wb.keys()
        for k in wa:
            assert np.array_equal(np.asarray(wa[k]), np.asarray(wb[k])), k
    c = _run_char_transformer(tmp_path / "c", seed=6)
    assert [line for line in c if "loss" in line] != loss_lines
