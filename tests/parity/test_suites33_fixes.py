"""Regressions found by running other projects' PyTorch-based test suites under minigrad (nflows,
pytorch-metric-learning, vector-quantize-pytorch, x-transformers, torchdiffeq, einops, entmax, ...) and
comparing with real torch: each test runs the same calls on both libraries and compares values, dtypes,
warnings or error classes."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import settings
from tests.helpers import require_torch

_A = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
_B = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.25]])


def _qr(lib: Any) -> Any:
    return lib.qr(lib.tensor(_A)).Q


def _qr_method(lib: Any) -> Any:
    return lib.tensor(_A).qr(False).R


def _lu_solve(lib: Any) -> Any:
    return lib.lu_solve(lib.tensor(_B), *lib.linalg.lu_factor(lib.tensor(_A)))


def _lu_solve_method(lib: Any) -> Any:
    return lib.tensor(_B).lu_solve(*lib.linalg.lu_factor(lib.tensor(_A)))


@pytest.mark.parametrize(("name", "call"), [("qr", _qr), ("qr", _qr_method), ("lu_solve", _lu_solve),
                                            ("lu_solve", _lu_solve_method)])
def test_qr_and_lu_solve_warn_their_deprecation_once_as_pytorch(name: str,
                                                               call: Callable[[Any], Any]) -> None:
    """nflows' QR-based orthogonal transforms call ``torch.qr`` and its LULinear ``torch.lu_solve``: PyTorch
    warns once per process that each is deprecated (a script run with warnings as errors stopped there
    under PyTorch only). The function and the Tensor method share the one warning, at the user's line."""
    torch = require_torch()
    messages, values = [], []
    for lib in (torch, mg):
        if lib is mg:
            settings._warned_once.discard(name)  # (another test may have warned already)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            values.append([np.asarray(call(lib).tolist()) for _ in range(2)])
        deprecations = [w for w in caught if "deprecated" in str(w.message)]
        messages.append([str(w.message) for w in deprecations])
        if lib is mg:
            assert [w.filename for w in deprecations] == [__file__]
    theirs, ours = messages
    assert len(theirs) <= 1 and len(ours) == 1  # (PyTorch's may have warned before this test)
    assert ours[0].startswith(f"torch.{name} is deprecated in favor of torch.linalg.{name}")
    if theirs:
        assert theirs[0].startswith(ours[0] + " (Triggered internally")
    np.testing.assert_allclose(values[1][0], values[0][0], rtol=1e-12, atol=1e-12)


def test_orgqr_is_householder_product_as_pytorch() -> None:
    """``torch.orgqr`` (and ``Tensor.orgqr``), the older name of linalg.householder_product, was missing:
    code that rebuilds Q from ``geqrf`` with it failed under the alias."""
    torch = require_torch()
    a = np.random.default_rng(0).standard_normal((2, 4, 3))
    results = []
    for lib in (torch, mg):
        x = lib.tensor(a, requires_grad=True)
        h, tau = lib.geqrf(x.detach())
        q = lib.orgqr(h.requires_grad_(), tau)
        q.pow(3).sum().backward()
        out = lib.empty(0)
        lib.orgqr(h.detach(), tau, out=out)
        results.append((q.detach().numpy(), h.detach().orgqr(tau).numpy(), h.grad.numpy(),
                        out.dtype == lib.float32))
    for ours, theirs in zip(results[1][:3], results[0][:3], strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    assert results[1][3] and results[0][3]  # (an out= of another dtype takes the result cast)


@pytest.mark.parametrize(("shape", "tau_shape", "dtype", "tau_dtype"), [
    ((3,), (1,), "float64", "float64"),  # input not a matrix
    ((2, 3, 2), (3, 2), "float64", "float64"),  # tau's batch dims differ
    ((2, 3, 2), (2,), "float64", "float64"),  # tau not one dim fewer than input
    ((3, 2), (3,), "float64", "float64"),  # more reflectors than columns
    ((2, 3), (2,), "float64", "float64"),  # more columns than rows
    ((3, 2), (2,), "float64", "float32"),  # tau's dtype differs
    ((3, 2), (2,), "int32", "int32"),  # no integer kernel
    ((3, 2), (2,), "float16", "float16"),  # no half kernel
])
def test_householder_product_errors_as_pytorch(shape: tuple[int, ...], tau_shape: tuple[int, ...], dtype: str,
                                               tau_dtype: str) -> None:
    """The checks and words of PyTorch's householder_product (orgqr): a tau of another dtype was computed
    in A's, an integer A gave integer results, and every shape error had one combined message."""
    torch = require_torch()
    errors = []
    for lib in (torch, mg):
        a = lib.ones(shape, dtype=getattr(lib, dtype))
        tau = lib.ones(tau_shape, dtype=getattr(lib, tau_dtype))
        with pytest.raises(Exception) as info:
            lib.linalg.householder_product(a, tau)
        errors.append(info.value)
    theirs, ours = errors
    assert isinstance(ours, type(theirs)) and isinstance(ours, mg.MinigradError)
    assert str(ours) == str(theirs)


def test_serialization_map_location_type_alias_exists() -> None:
    """pyro's ParamStore does ``from torch.serialization import MAP_LOCATION`` (an annotation): the whole
    package failed to import under the alias."""
    torch = require_torch()
    from minigrad import serialization

    ours, theirs = serialization.MAP_LOCATION, torch.serialization.MAP_LOCATION
    assert {getattr(t, "__name__", None) for t in ours.__args__} >= {"str", "dict", "NoneType"}
    assert len(ours.__args__) == len(theirs.__args__)


def _validate_probe(lib: Any) -> list[Any]:
    dist = lib.distributions
    before = dist.Distribution._validate_args  # (other tests may have left either library's off)
    try:
        dist.Distribution.set_default_validate_args(True)
        return _validate_steps(lib, dist)
    finally:
        dist.Distribution.set_default_validate_args(before)


def _validate_steps(lib: Any, dist: Any) -> list[Any]:
    default = dist.Distribution._validate_args
    a, b = dist.Normal(0., 1.), dist.Normal(0., 1., validate_args=False)
    c = dist.Normal(0., 1., validate_args=True)
    m = dist.MultivariateNormal(lib.zeros(2), lib.eye(2))
    given = [x.__dict__.get("_validate_args") for x in (a, b, c, m, a.expand((3,)), c.expand((2,)))]
    expanded = a.expand((3,))
    poisson = dist.Poisson(lib.tensor(2.))
    try:
        dist.Distribution.set_default_validate_args(False)
        after = [dist.Distribution._validate_args, a._validate_args, m._validate_args, c._validate_args,
                 expanded._validate_args]
        unchecked = dist.Normal(0., -1.).scale.item()
        lenient = round(poisson.log_prob(lib.tensor(0.5)).item(), 4)
    finally:
        dist.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError, match="Expected value argument"):
        poisson.log_prob(lib.tensor(0.5))
    return [default, given, after, unchecked, lenient]


def test_distribution_validate_args_is_pytorchs_class_attribute() -> None:
    """pyro reads ``Distribution._validate_args`` (its settings registry) and an instance's
    ``__dict__.get('_validate_args')`` (None unless given): minigrad kept the default under another name
    and stored a bool on every instance, so a later set_default_validate_args did not reach distributions
    made before it, as it does in PyTorch (an expanded one keeps the setting it had)."""
    torch = require_torch()
    theirs, ours = _validate_probe(torch), _validate_probe(mg)
    assert ours == theirs == [True, [None, False, True, None, True, True], [False, False, False, True, True],
                              -1.0, -1.5326]
