"""SparseAdam (on sparse embedding gradients) and Muon (on 2-D weights) against torch, in float64.

Each run trains the same model in both libraries for 20 steps; half-way the
state dicts go through ``mg.save``/``mg.load`` into fresh optimizers (torch's
own state dict into torch's), and the runs must go on together: parameters
and every state entry agree to 1e-10 after every step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from tests.helpers import require_torch
from tests.parity.test_optim_trajectories import _assert_same_state, _to_torch

torch = require_torch()

STEPS, RTOL, ATOL = 20, 1e-10, 1e-12


class _Embedder:
    """An Embedding(sparse=True) (padding row 1) read twice, by a weighted sum and a square."""

    def __init__(self, lib: Any, weight: np.ndarray, kw: dict[str, Any]) -> None:
        self.lib = lib
        self.model = lib.nn.Embedding(*weight.shape, padding_idx=1, sparse=True, dtype=lib.float64)
        with lib.no_grad():
            self.model.weight.copy_(lib.tensor(weight))
        self.params = list(self.model.parameters())
        self.optimizer = lib.optim.SparseAdam(self.params, **kw)

    def loss(self, rng: np.random.Generator, step: int) -> Any:
        idx = self.lib.tensor(rng.integers(0, self.params[0].shape[0], size=(3, 4)))
        coef = self.lib.tensor(rng.standard_normal((3, 4, self.params[0].shape[1])))
        loss = (self.model(idx) * coef).sum()
        return loss + (self.model(idx[:, :1]) ** 2).sum() if step % 3 == 0 else loss


class _Matrices:
    """Two bias-free linear layers in two parameter groups (the second with its own options)."""

    def __init__(self, lib: Any, weights: list[np.ndarray], kw: dict[str, Any]) -> None:
        self.lib = lib
        self.params = [lib.nn.Parameter(lib.tensor(w.copy())) for w in weights]
        other = {"params": self.params[1:], "weight_decay": 0.02, "nesterov": False, "lr": 0.03}
        self.optimizer = lib.optim.Muon([{"params": self.params[:1]}, other], **kw)

    def loss(self, rng: np.random.Generator, step: int) -> Any:
        x = self.lib.tensor(rng.standard_normal((8, self.params[0].shape[1])))
        y = self.lib.tensor(rng.standard_normal((8, self.params[1].shape[0])))
        return ((self.lib.tanh(x @ self.params[0].T) @ self.params[1].T - y) ** 2).mean()


def _train(runs: list[Any], seed: int, steps: range) -> None:
    for step in steps:
        for run in runs:
            rng = np.random.default_rng(seed + step)
            run.optimizer.zero_grad()
            run.loss(rng, step).backward()
            run.optimizer.step()
        for other in runs[1:]:
            _compare(runs[0], other, step)


def _compare(ours: Any, theirs: Any, step: int) -> None:
    for i, (p, tp) in enumerate(zip(ours.params, theirs.params, strict=True)):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=f"step {step}: parameter {i}")
        mine, want = ours.optimizer.state.get(p, {}), theirs.optimizer.state.get(tp, {})
        assert sorted(mine) == sorted(want), f"step {step}: state keys of parameter {i}"
        for key in want:
            _assert_same_state(mine[key], want[key], f"step {step}: state[{i}][{key!r}]", RTOL, ATOL)


def _round_trip(make: Any, init: Any, kw: dict[str, Any], tmp_path: Path, seed: int) -> None:
    ours, theirs = make(mg, init, kw), make(torch, init, kw)
    _train([ours, theirs], seed, range(STEPS // 2))
    mg.save(ours.optimizer.state_dict(), tmp_path / "optim.npz")
    saved = mg.load(tmp_path / "optim.npz")
    tsd = theirs.optimizer.state_dict()
    resumed, torch_resumed = make(mg, init, kw), make(torch, init, kw)
    torch_from_ours = make(torch, init, kw)
    for run, source in ((resumed, ours), (torch_resumed, theirs), (torch_from_ours, theirs)):
        with run.lib.no_grad():
            for p, q in zip(run.params, source.params, strict=True):
                p.copy_(q.detach())
    resumed.optimizer.load_state_dict(saved)
    torch_resumed.optimizer.load_state_dict(tsd)
    torch_from_ours.optimizer.load_state_dict(_to_torch(saved))
    _train([resumed, torch_resumed, torch_from_ours], seed, range(STEPS // 2, STEPS))


@pytest.mark.parametrize("kw", [{"lr": 0.1},
                                {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-6, "maximize": True}])
def test_sparse_adam_trajectory_and_state_dict_match_torch(kw: dict[str, Any], tmp_path: Path) -> None:
    weight = np.random.default_rng(0).standard_normal((12, 3))
    _round_trip(_Embedder, weight, kw, tmp_path, seed=10)


@pytest.mark.parametrize("kw", [{}, {"lr": 0.02, "momentum": 0.9, "adjust_lr_fn": "match_rms_adamw"},
                                {"lr": 0.01, "weight_decay": 0.0, "ns_steps": 3, "eps": 1e-5,
                                 "ns_coefficients": (2.0, -1.5, 0.5), "adjust_lr_fn": "original"}])
def test_muon_trajectory_and_state_dict_match_torch(kw: dict[str, Any], tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal((7, 4)), rng.standard_normal((3, 7))]  # a tall and a wide matrix
    _round_trip(_Matrices, weights, kw, tmp_path, seed=20)


def test_sparse_adam_refuses_dense_gradients_like_torch() -> None:
    """A Linear's gradient, and an Embedding without sparse=True: torch's RuntimeError and message."""
    for lib in (mg, torch):
        for module in (lib.nn.Linear(3, 2), lib.nn.Embedding(5, 2)):
            opt = lib.optim.SparseAdam(module.parameters())
            x = lib.randn(4, 3) if isinstance(module, lib.nn.Linear) else lib.tensor([0, 3])
            module(x).sum().backward()
            with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
                opt.step()


def test_sparse_adam_refuses_a_sparse_weight_also_used_densely() -> None:
    """Weight tying: torch's gradient turns dense (sparse + dense), and minigrad sees the dense part."""
    for lib in (mg, torch):
        emb = lib.nn.Embedding(5, 2, sparse=True)
        opt = lib.optim.SparseAdam(emb.parameters())
        (emb(lib.tensor([0, 3])).sum() + (lib.ones(1, 2) @ emb.weight.T).sum()).backward()
        with pytest.raises(RuntimeError, match="dense gradients"):
            opt.step()


def test_sparse_adam_gradient_rows_reset_by_zero_grad_and_accumulate_across_backwards() -> None:
    """Two backwards accumulate both passes' rows; zero_grad (either form) starts afresh, as torch's."""
    weight = np.random.default_rng(2).standard_normal((6, 2))
    runs = []
    for lib in (mg, torch):
        emb = lib.nn.Embedding(6, 2, sparse=True, dtype=lib.float64)
        with lib.no_grad():
            emb.weight.copy_(lib.tensor(weight))
        opt = lib.optim.SparseAdam(emb.parameters(), lr=0.5)
        emb(lib.tensor([0, 2])).sum().backward()
        emb(lib.tensor([4])).pow(2).sum().backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
        emb(lib.tensor([5])).sum().backward()
        opt.step()
        runs.append(emb.weight.detach().numpy())
    np.testing.assert_allclose(runs[0], runs[1], rtol=RTOL, atol=ATOL)
    assert (runs[0][[1, 3]] == weight[[1, 3]]).all()  # never looked up: untouched


@pytest.mark.parametrize(("kw", "word"), [({"lr": 0.0}, "lr"), ({"eps": 0.0}, "eps"),
                                          ({"betas": (1.0, 0.9)}, "beta"), ({"lr": -1.0}, "lr")])
def test_sparse_adam_bad_arguments_raise_value_error_like_torch(kw: dict[str, Any], word: str) -> None:
    for lib in (mg, torch):
        with pytest.raises(ValueError, match=word if lib is mg else None):
            lib.optim.SparseAdam([lib.nn.Parameter(lib.zeros(2, 2))], **kw)


@pytest.mark.parametrize("kw", [{"lr": -0.1}, {"momentum": -0.5}, {"weight_decay": -1.0},
                                {"adjust_lr_fn": "other"}])
def test_muon_bad_arguments_raise_value_error_like_torch(kw: dict[str, Any]) -> None:
    for lib in (mg, torch):
        with pytest.raises(ValueError):
            lib.optim.Muon([lib.nn.Parameter(lib.zeros(2, 2))], **kw)


def test_muon_takes_only_2d_parameters_and_checks_its_iteration_like_torch() -> None:
    for lib in (mg, torch):
        with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
            lib.optim.Muon([lib.nn.Parameter(lib.zeros(3))])
        for kw, message in (({"ns_steps": 100}, "less than 100"),
                            ({"ns_coefficients": (1.0, 2.0)}, "exactly 3")):
            p = lib.nn.Parameter(lib.ones(2, 3))
            opt = lib.optim.Muon([p], **kw)
            p.grad = lib.ones(2, 3)
            with pytest.raises(ValueError, match=message):
                opt.step()
    defaults = optim.Muon([nn.Parameter(mg.zeros(2, 2))]).defaults
    assert defaults == torch.optim.Muon([torch.nn.Parameter(torch.zeros(2, 2))]).defaults


def test_sparse_adam_defaults_and_embedding_repr_match_torch() -> None:
    ours = optim.SparseAdam([nn.Parameter(mg.zeros(2, 2))]).defaults
    assert ours == torch.optim.SparseAdam([torch.nn.Parameter(torch.zeros(2, 2))]).defaults
    kw = {"padding_idx": 0, "max_norm": 1.5, "norm_type": 1.0, "sparse": True}
    assert repr(nn.Embedding(4, 2, **kw)) == repr(torch.nn.Embedding(4, 2, **kw))


def test_bfloat16_rounding_matches_torch() -> None:
    """Muon's emulated bfloat16: ties to even, tiny, huge (to inf), NaN, and float64 via float32."""
    from minigrad._kernels import round_to_bfloat16

    rng = np.random.default_rng(3)
    values = np.concatenate([rng.standard_normal(500) * 10.0 ** rng.uniform(-40, 38, 500),
                             [1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-8 + 2**-30, 3.3895e38, -3.4e38, 1e-45,
                              0.0, -0.0, np.inf, -np.inf, np.nan]])
    want = torch.tensor(values).bfloat16().float().numpy()
    np.testing.assert_array_equal(round_to_bfloat16(values), want)
