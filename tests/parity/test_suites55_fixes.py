"""Regressions found by running other projects' PyTorch-based test suites under minigrad (blitz's bayesian
layers, ...) and comparing with real torch: each test runs the same calls on both libraries and compares
values, or error classes and words."""

from __future__ import annotations

import copy
import importlib
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

# ------------------------------------------------------------------ torch.functional (blitz)


def test_torch_functional_is_a_module_with_pytorchs_names() -> None:
    """blitz's weight sampler does ``import torch.functional as F``: PyTorch's module that defines
    ``torch.norm``, ``torch.einsum``, ``torch.split``...; minigrad had no ``minigrad.functional`` (blitz's
    every test failed to import). Its names are the top-level ones and compute the same."""
    torch = require_torch()
    tf, mf = importlib.import_module("torch.functional"), importlib.import_module("minigrad.functional")
    assert sorted(mf.__all__) == sorted(set(tf.__all__) - {"stft", "istft"})  # (complex results)
    for name in mf.__all__:
        assert getattr(mf, name) is getattr(mg, name)
    got = []
    for lib, f in ((torch, tf), (mg, mf)):
        x = lib.arange(6.0).reshape(2, 3)
        got.append((f.norm(x).item(), f.einsum("ij->j", x).tolist(), [t.tolist() for t in f.split(x, 2, 1)]))
    assert got[1] == got[0]


# ------------------------------------------------------------------ log_ndtr's far lower tail (botorch)


def test_log_ndtr_far_lower_tail_rounds_and_differentiates_as_pytorch() -> None:
    """botorch's probability tests check that ``torch.special.log_ndtr``'s gradient overflows to inf far in
    the lower tail (x = -1e3 .. -1e100): PyTorch computes log(erfcx(-t) / 2) - t * t with t = x / sqrt(2) in
    the input's dtype, so the gradient exp(-x**2/2 - y) / sqrt(2 pi) sees t * t's rounding. minigrad's
    asymptotic series rounded the value once, its gradient stayed 1/sqrt(2 pi) there (no inf)."""
    torch = require_torch()
    for name in ("float32", "float64"):
        digits = 20 if name == "float32" else 100
        got = []
        for lib in (torch, mg):
            tail = [-(10.0**k) for k in range(digits - 1, -1, -1)] + [10.0**k for k in range(digits)]
            x = lib.tensor([*tail, -3.5, -1.5], dtype=getattr(lib, name))  # (not 10 ** d: pow's last bit)
            x.requires_grad_(True)
            y = lib.special.log_ndtr(x)
            y.sum().backward()
            got.append((y.tolist(), x.grad.tolist()))
        assert got[1][0][: digits - 1] == got[0][0][: digits - 1]  # x <= -10: t * t's rounding
        np.testing.assert_allclose(got[1][0], got[0][0], rtol=1e-6 if name == "float32" else 1e-13)
        assert [math.isinf(g) for g in got[1][1]] == [math.isinf(g) for g in got[0][1]]
        np.testing.assert_allclose(got[1][1], got[0][1], rtol=1e-6 if name == "float32" else 1e-13)


# ------------------------------------------------------------------ 0-d tensors as Scalar arguments (botorch)

_SCALAR_ARGS: dict[str, Callable[[Any, Any, Callable[[float], Any]], Any]] = {
    "softplus beta": lambda f, x, s: f.softplus(x, beta=s(100.0)),
    "softplus threshold": lambda f, x, s: f.softplus(x, threshold=s(0.2)),
    "elu": lambda f, x, s: f.elu(x, alpha=s(0.5)), "celu": lambda f, x, s: f.celu(x, s(0.5)),
    "leaky_relu": lambda f, x, s: f.leaky_relu(x, s(0.2)),
    "hardtanh": lambda f, x, s: f.hardtanh(x, s(-0.2), s(0.2)),
    "threshold": lambda f, x, s: f.threshold(x, s(0.2), s(1.0)),
    "hardshrink": lambda f, x, s: f.hardshrink(x, s(0.2)),
    "softshrink": lambda f, x, s: f.softshrink(x, s(0.2)),
    "rrelu eval": lambda f, x, s: f.rrelu(x, s(0.1), s(0.3)),
    "normalize p": lambda f, x, s: f.normalize(x, p=s(2.0), dim=0),
    "pdist p": lambda f, x, s: f.pdist(x.reshape(3, 2), p=s(2.0)),
    "dropout p": lambda f, x, s: f.dropout(x, p=s(0.0)),
    "huber delta": lambda f, x, s: f.huber_loss(x, x * 2, delta=s(0.5)),
    "smooth_l1 beta": lambda f, x, s: f.smooth_l1_loss(x, x * 2, beta=s(0.5)),
    "hinge margin": lambda f, x, s: f.hinge_embedding_loss(x, x.sign(), margin=s(0.5)),
    "margin_ranking": lambda f, x, s: f.margin_ranking_loss(x, x * 2, x.sign(), margin=s(0.5)),
}


@pytest.mark.parametrize("case", list(_SCALAR_ARGS))
def test_functionals_take_a_0d_tensor_for_a_number_argument(case: str) -> None:
    """botorch's ``log_softplus`` calls ``softplus(x, beta=1 / tau)`` with a 0-d tensor tau: PyTorch's
    argument parser takes a 0-d tensor that needs no grad for a Scalar or float argument (the Python-level
    functionals just compute with it); minigrad's checks refused it as not a number."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):
        x = lib.tensor([0.1, 0.5, -0.3, 1.5, -2.0, 0.25])
        got.append(_SCALAR_ARGS[case](lib.nn.functional, x, lib.tensor).tolist())
    np.testing.assert_allclose(got[1], got[0], rtol=1e-6)


@pytest.mark.parametrize("arg", ["requires_grad", "1-d"])
def test_a_tensor_that_is_no_scalar_stays_a_type_error(arg: str) -> None:
    """A 1-element 1-d tensor, or a 0-d one that requires grad, is no Scalar: PyTorch's TypeError."""
    torch = require_torch()
    for lib in (torch, mg):
        beta = lib.tensor(2.0, requires_grad=True) if arg == "requires_grad" else lib.tensor([2.0])
        with pytest.raises(TypeError):
            lib.nn.functional.softplus(lib.ones(2), beta=beta)


# ------------------------------------------------------------- assert_close's tolerances as tensors (botorch)


@pytest.mark.parametrize("tol", [("atol", 0.15), ("rtol", 0.2), ("atol", 0.05)])
def test_assert_close_takes_0d_tensor_tolerances(tol: tuple[str, float]) -> None:
    """botorch's USN tests pass ``atol=mc_atol_multiplier * (n ** -0.5 + ...)``, a 0-d tensor, to
    ``torch.testing.assert_close``: PyTorch compares with it as its number (pass or AssertionError);
    minigrad's comparison raised TypeError (ndarray <= Tensor)."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):
        kwargs = {"rtol": 0.0, "atol": 0.0, tol[0]: lib.tensor(tol[1])}
        try:
            lib.testing.assert_close(lib.ones(3), lib.ones(3) + 0.1, **kwargs)
            got.append("close")
        except AssertionError as e:
            got.append(str(e).split("\n")[3])  # (the greatest absolute difference and what was allowed)
    assert got[1] == got[0]


# ---------------------------------------------------------- distributions' lazy properties assigned (botorch)


def test_a_multivariate_normals_matrices_can_be_assigned() -> None:
    """botorch's unified-skew-normal test does ``gauss.covariance_matrix *= -1`` on a deep copy: PyTorch's
    matrices are lazy properties cached on the instance, so the in-place product is assigned back and read
    from then on (nothing else changes); minigrad's read-only properties raised AttributeError."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):
        cov = lib.tensor([[2.0, 0.5], [0.5, 1.0]])
        g = copy.deepcopy(lib.distributions.MultivariateNormal(lib.zeros(2), cov))
        g.covariance_matrix *= -1
        h = lib.distributions.MultivariateNormal(lib.zeros(2), scale_tril=lib.linalg.cholesky(cov))
        h.covariance_matrix = lib.eye(2)
        h.scale_tril = lib.eye(2) * 3
        low = lib.distributions.LowRankMultivariateNormal(lib.zeros(2), lib.ones(2, 1), lib.ones(2))
        low.covariance_matrix, low.variance = lib.eye(2), lib.ones(2) * 7
        mats = (g.covariance_matrix, g.scale_tril, h.covariance_matrix, h.scale_tril, low.covariance_matrix,
                low.variance, low.scale_tril)
        got.append([t.tolist() for t in mats] + [repr(d).replace("minigrad.", "torch.") for d in (g, h)])
        got[-1].append([round(t.item(), 5) for t in (g.log_prob(lib.ones(2)), h.log_prob(lib.ones(2)))])
        got[-1].append(np.round(h.precision_matrix.tolist(), 5).tolist())
    assert got[1] == got[0]


@pytest.mark.parametrize("name", ["Bernoulli", "Categorical", "Binomial", "Geometric", "NegativeBinomial",
                                  "ContinuousBernoulli"])
def test_probs_and_logits_can_be_assigned(name: str) -> None:
    """PyTorch's probs and logits are lazy properties too: assigning one replaces it, and the other (not
    yet computed) follows from it."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):
        cls = getattr(lib.distributions, name)
        kw = {"total_count": 5} if name in ("Binomial", "NegativeBinomial") else {}
        d = cls(probs=lib.tensor([0.3, 0.6]), **kw)
        d.probs = lib.tensor([0.1, 0.9])
        e = cls(logits=lib.tensor([0.3, -0.6]), **kw)
        e.logits = lib.tensor([2.0, 1.0])
        values = (d.probs, d.logits, d.log_prob(lib.tensor(1.0)), e.logits, e.probs)
        got.append(np.concatenate([t.reshape(-1).tolist() for t in values]))
    np.testing.assert_allclose(got[1], got[0], rtol=1e-6)


# ------------------------------------------------------------------ torch.dsmm (linear_operator, via botorch)


def test_dsmm_is_the_sparse_dense_product() -> None:
    """linear_operator's ``left_interp`` calls ``torch.dsmm(sparse, dense)`` (botorch's cached-Cholesky
    tests): PyTorch's dense product of a sparse and a dense matrix, as ``torch.spmm``; minigrad had no
    ``dsmm``. Its gradient reaches the dense operand."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):
        s = lib.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3), check_invariants=True)
        d = lib.arange(6.0).reshape(3, 2).requires_grad_(True)
        out = lib.dsmm(s, d)
        out.pow(2).sum().backward()
        got.append((out.tolist(), d.grad.tolist(), out.layout == lib.strided))
    assert got[1] == got[0]


def test_extended_shape_is_a_size() -> None:
    """botorch's ``sample_all_priors`` asks ``prior._extended_shape().numel()`` (a gpytorch LogNormalPrior):
    PyTorch's ``_extended_shape`` is a ``torch.Size``; minigrad's was a plain tuple (no ``numel``)."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):
        d = lib.distributions.Normal(lib.zeros(3), 1.0)
        e = lib.distributions.LogNormal(0.0, 1.0)
        shapes = (d._extended_shape(), d._extended_shape((2,)), e._extended_shape())
        got.append([(type(s).__name__, tuple(s), s.numel()) for s in shapes])
    assert got[1] == got[0]


def test_distribution_init_runs_the_next_classs_init() -> None:
    """gpytorch's ``Prior(Distribution, Module)`` subclasses that define no ``__init__`` (botorch's
    DummyPrior) get their module state from ``Distribution.__init__``, whose last step in PyTorch is
    ``super().__init__()``; minigrad's stopped there, so ``named_modules`` found no ``_modules``."""
    torch = require_torch()
    got = []
    for lib in (torch, mg):

        class Prior(lib.distributions.Distribution, lib.nn.Module):  # type: ignore[misc]
            arg_constraints: dict[str, Any] = {}  # noqa: RUF012

        holder = lib.nn.Module()
        holder.prior = Prior()
        names = [n for n, _ in holder.named_modules()]
        got.append((names, list(holder.prior.state_dict()), repr(holder.prior)))
    assert got[1] == got[0]
