"""Optimizer state dicts against PyTorch's: what they share with the optimizer, and steps after loading.

PyTorch's ``Optimizer.state_dict()`` holds the optimizer's own per-parameter state dicts (their
tensors are the live buffers), and ``load_state_dict`` keeps a saved tensor itself when it needs no
cast to the parameter's dtype. So a state dict kept without ``copy.deepcopy`` follows training, and two
optimizers loaded from one dict step the same buffers. minigrad must give the same numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

CASES = [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.01}),
         ("AdamW", {"lr": 0.01, "amsgrad": True}), ("Adagrad", {"lr": 0.1}),
         ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
         ("ASGD", {"lr": 0.01, "t0": 1}), ("NAdam", {"lr": 0.01}), ("Rprop", {"lr": 0.01}),
         ("Adamax", {"lr": 0.01}), ("Adadelta", {"lr": 0.5}), ("RAdam", {"lr": 0.01})]
SHAPES = [((3, 2), "float32"), ((4,), "float64"), ((), "float32")]


def _params(lib: Any) -> list[Any]:
    rng = np.random.default_rng(0)
    return [lib.nn.Parameter(lib.tensor(rng.standard_normal(s), dtype=getattr(lib, d))) for s, d in SHAPES]


def _grads(lib: Any, ps: list[Any], k: int) -> None:
    rng = np.random.default_rng(100 + k)
    for p in ps:
        p.grad = lib.tensor(rng.standard_normal(tuple(p.shape)), dtype=p.dtype)


def _arrays(state: dict[Any, Any]) -> dict[str, np.ndarray]:
    return {f"{i}.{k}": np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)
            for i, s in state.items() for k, v in s.items()}


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[c[0] for c in CASES])
def test_a_kept_state_dict_follows_training_as_pytorchs(name: str, kwargs: dict[str, Any]) -> None:
    """A state dict taken at step 2 and read at step 5 holds step 5's buffers, as PyTorch's does."""
    kept = []
    for lib in (torch, mg):
        ps = _params(lib)
        opt = getattr(lib.optim, name)(ps, **kwargs)
        for k in range(5):
            _grads(lib, ps, k)
            opt.step()
            if k == 1:
                sd = opt.state_dict()
                assert sd["state"][0] is opt.state[ps[0]]
        kept.append(_arrays(sd["state"]))
    want, got = kept
    assert sorted(got) == sorted(want)
    for key, w in want.items():
        np.testing.assert_allclose(got[key], w, rtol=1e-5, atol=1e-7, err_msg=f"{name} {key}")


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[c[0] for c in CASES])
def test_two_optimizers_loaded_from_one_dict_share_buffers_as_pytorchs(name: str,
                                                                       kwargs: dict[str, Any]) -> None:
    """``opt2.load_state_dict(opt.state_dict())`` then stepping both: the shared buffers advance twice
    per step in both libraries, and the parameters follow PyTorch's."""
    finals = []
    for lib in (torch, mg):
        ps, qs = _params(lib), _params(lib)
        opt = getattr(lib.optim, name)(ps, **kwargs)
        for k in range(3):
            _grads(lib, ps, k)
            opt.step()
        with lib.no_grad():
            for q, p in zip(qs, ps, strict=True):
                q.copy_(p)
        opt2 = getattr(lib.optim, name)(qs, **kwargs)
        opt2.load_state_dict(opt.state_dict())
        shared = {k: opt2.state[qs[0]][k] is v for k, v in opt.state[ps[0]].items()}
        for k in range(3, 6):
            _grads(lib, ps, k)
            _grads(lib, qs, k)
            opt.step()
            opt2.step()
        finals.append((shared, [p.detach().numpy().copy() for p in ps + qs]))
    (tshared, want), (mshared, got) = finals
    assert mshared == tshared
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7, err_msg=f"{name} parameter {i}")


def test_a_loaded_float64_buffer_is_cast_for_a_float32_parameter_not_shared() -> None:
    """A saved buffer of another dtype is converted (a new tensor), as PyTorch's ``Tensor.to`` makes one."""
    for lib in (torch, mg):
        p = lib.nn.Parameter(lib.zeros(3))
        opt = lib.optim.SGD([p], lr=0.1, momentum=0.9)
        buf = lib.ones(3, dtype=lib.float64)
        step = lib.tensor(4.0)
        sd = {"state": {0: {"momentum_buffer": buf}}, "param_groups": opt.state_dict()["param_groups"]}
        opt.load_state_dict(sd)
        loaded = opt.state[p]["momentum_buffer"]
        assert loaded is not buf and loaded.dtype == lib.float32, lib.__name__
        adam = lib.optim.Adam([p])
        state = {"step": step, "exp_avg": lib.zeros(3), "exp_avg_sq": lib.zeros(3)}
        adam.load_state_dict({"state": {0: state}, "param_groups": adam.state_dict()["param_groups"]})
        assert adam.state[p]["step"] is step, lib.__name__
