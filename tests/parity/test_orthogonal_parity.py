"""nn.utils.parametrizations.orthogonal against torch's, in float64: every map, both trivializations.

The registered weight (torch's QR-based projection of the initial weight),
the state_dict keys, and then, from the same original (and, when
trivialized, torch's base loaded through the state_dict: a non-square base
is completed by random columns), the weight, the outputs and the gradients
of the original must agree, also after a few SGD steps.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn.utils import parametrizations
from tests.helpers import require_torch

torch = require_torch()

RTOL, ATOL = 1e-10, 1e-12
SHAPES = [(4, 4), (5, 3), (3, 5), (2, 4, 3)]
MAPS = [None, "matrix_exp", "cayley", "householder"]


class _Holder:
    """A module with one parameter ``weight`` of any shape, in either library."""

    @staticmethod
    def make(lib: Any, weight: np.ndarray) -> Any:
        module = lib.nn.Module()
        module.weight = lib.nn.Parameter(lib.tensor(weight.copy()))
        return module


def _original(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Small random entries, the diagonal near +-1 (householder keeps only its truncated signs)."""
    x = rng.standard_normal(shape) * 0.4
    k = min(shape[-2:])
    x[..., np.arange(k), np.arange(k)] = rng.choice([-1.0, 1.0], size=(*shape[:-2], k)) * 1.2
    return x


@pytest.mark.parametrize(("shape", "orthogonal_map", "use_trivialization"),
                         list(itertools.product(SHAPES, MAPS, [True, False])))
def test_orthogonal_matches_torch(shape: tuple[int, ...], orthogonal_map: str | None,
                                  use_trivialization: bool) -> None:
    rng = np.random.default_rng(sum(shape))
    weight = rng.standard_normal(shape)
    ours, theirs = _Holder.make(mg, weight), _Holder.make(torch, weight)
    kw = {"orthogonal_map": orthogonal_map, "use_trivialization": use_trivialization}
    parametrizations.orthogonal(ours, **kw)
    torch.nn.utils.parametrizations.orthogonal(theirs, **kw)
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(state)
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(),
                               rtol=RTOL, atol=ATOL)
    ours.load_state_dict(state)
    start = _original(shape, rng)
    for module, lib in ((ours, mg), (theirs, torch)):
        with lib.no_grad():
            module.parametrizations.weight.original.copy_(lib.tensor(start))
    opt, topt = mg.optim.SGD(ours.parameters(), lr=0.05), torch.optim.SGD(theirs.parameters(), lr=0.05)
    x = rng.standard_normal((*shape[:-2], 3, shape[-2]))
    for step in range(4):
        out = mg.tensor(x) @ ours.weight
        tout = torch.tensor(x) @ theirs.weight
        np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=f"step {step}: values")
        out.sin().sum().backward()
        tout.sin().sum().backward()
        grad = ours.parametrizations.weight.original.grad.numpy()
        np.testing.assert_allclose(grad, theirs.parametrizations.weight.original.grad.numpy(), rtol=1e-9,
                                   atol=1e-11, err_msg=f"step {step}: gradient of the original")
        for o in (opt, topt):
            o.step()
            o.zero_grad()
    w = ours.weight.detach().numpy()
    w = np.swapaxes(w, -1, -2) if shape[-2] < shape[-1] else w
    gram = np.swapaxes(w, -1, -2) @ w
    if orthogonal_map != "householder" or shape[-2] == shape[-1] or use_trivialization:
        np.testing.assert_allclose(gram, np.broadcast_to(np.eye(gram.shape[-1]), gram.shape), atol=1e-12)


@pytest.mark.parametrize("use_trivialization", [True, False])
def test_assigning_a_weight_like_torch(use_trivialization: bool) -> None:
    """Assigning an orthogonal or any matrix: torch's stored originals and weight (QR-projected)."""
    rng = np.random.default_rng(7)
    ours, theirs = mg.nn.Linear(3, 5, dtype=mg.float64), torch.nn.Linear(3, 5).double()
    for module, p in ((ours, parametrizations), (theirs, torch.nn.utils.parametrizations)):
        p.orthogonal(module, orthogonal_map="householder", use_trivialization=use_trivialization)
    q = np.linalg.qr(rng.standard_normal((5, 3)))[0]
    for value in (q, rng.standard_normal((5, 3))):
        ours.weight = mg.tensor(value)
        theirs.weight = torch.tensor(value)
        if use_trivialization:  # the random completion of a tall base: load torch's
            ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
        mine, want = ours.state_dict(), theirs.state_dict()
        assert list(mine) == list(want)
        for k in [k for k in want if k.startswith("parametrizations.")]:
            np.testing.assert_allclose(np.asarray(mine[k]), want[k].numpy(), rtol=RTOL, atol=ATOL, err_msg=k)
        np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(),
                                   rtol=RTOL, atol=ATOL)


def test_errors_like_torch() -> None:
    for lib, p in ((mg, parametrizations), (torch, torch.nn.utils.parametrizations)):
        with pytest.raises(ValueError, match="Expected a matrix"):
            p.orthogonal(lib.nn.Linear(3, 2), "bias")
        with pytest.raises(ValueError, match="orthogonal_map has to be one of"):
            p.orthogonal(lib.nn.Linear(3, 2), orthogonal_map="qr")
        with pytest.raises(ValueError, match="no parameter or buffer"):
            p.orthogonal(lib.nn.Linear(3, 2), "kernel")
        m = p.orthogonal(lib.nn.Linear(3, 3))
        with pytest.raises(ValueError, match="Expected a matrix or batch of matrices of shape"):
            m.weight = lib.zeros(2, 2)
        m = p.orthogonal(lib.nn.Linear(3, 3), use_trivialization=False)
        with pytest.raises(NotImplementedError):
            m.weight = lib.eye(3)
