"""Regressions found by running other projects' PyTorch-based test suites under minigrad (gpytorch's
distributions and likelihoods, ...) and comparing with real torch: each test runs the same calls on both
libraries and compares values, or error classes and words."""

from __future__ import annotations

from typing import Any

import numpy as np

import minigrad as mg
from tests.helpers import require_torch

# ------------------------------------------------------------------ MultivariateNormal subclasses (gpytorch)


def _task_mvn(base: Any) -> Any:
    """A subclass whose public event_shape is a reshaped view (gpytorch's MultitaskMultivariateNormal: the
    base works on n*t flat events and reports (n, t)); the base class must use its stored shapes."""

    class TaskMVN(base):  # type: ignore[misc, valid-type]
        @property
        def event_shape(self) -> Any:
            return (*self._event_shape[:-1], self._event_shape[-1] // 2, 2)

    return TaskMVN


def test_multivariate_normal_uses_stored_shapes_under_an_overridden_event_shape() -> None:
    """gpytorch's MultitaskMultivariateNormal.variance calls the base variance, which expands to
    _batch_shape + _event_shape in PyTorch (minigrad used the public properties and raised)."""
    torch = require_torch()
    loc = np.arange(6.0)
    cov = np.diag(np.arange(1.0, 7.0))
    for lib, dist in ((torch, torch.distributions), (mg, mg.distributions)):
        d = _task_mvn(dist.MultivariateNormal)(lib.tensor(loc), covariance_matrix=lib.tensor(cov))
        np.testing.assert_allclose(d.variance.numpy(), np.arange(1.0, 7.0))
        assert tuple(d.scale_tril.shape) == (6, 6) and tuple(d.covariance_matrix.shape) == (6, 6)
        assert tuple(d.precision_matrix.shape) == (6, 6)
        np.testing.assert_allclose(d.entropy().item(), torch.distributions.MultivariateNormal(
            torch.tensor(loc), covariance_matrix=torch.tensor(cov)).entropy().item(), rtol=1e-12)
        assert tuple(d.event_shape) == (3, 2)


def test_multivariate_normal_subclass_that_skips_its_init() -> None:
    """gpytorch's lazy MultivariateNormal calls Distribution.__init__ directly and sets loc and
    _unbroadcasted_scale_tril itself; scale_tril, variance and repr then work in PyTorch."""
    torch = require_torch()
    lt = np.array([[1.0, 0.0], [0.5, 2.0]])
    out = []
    for lib, dist in ((torch, torch.distributions), (mg, mg.distributions)):

        class Lazy(dist.MultivariateNormal):  # type: ignore[misc, name-defined]
            def __init__(self, loc: Any, lt: Any, base: Any = dist.Distribution) -> None:
                self.loc = loc
                self._unbroadcasted_scale_tril = lt
                base.__init__(self, loc.shape[:-1], loc.shape[-1:], validate_args=False)

        d = Lazy(lib.zeros(3, 2, dtype=lib.float64), lib.tensor(lt))
        x = lib.ones(3, 2, dtype=lib.float64)
        out.append((d.scale_tril.numpy(), d.variance.numpy(), d.log_prob(x).numpy(), repr(d)))
    for a, b in zip(out[0][:3], out[1][:3], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert out[1][3].replace("minigrad.", "torch.") == out[0][3]


# ------------------------------------------------------------ one-element tensors as sizes (torch-struct)


def test_one_element_integer_tensors_as_size_entries() -> None:
    """torch-struct calls torch.rand(b, N, C, C) with one-element 1-d int64 tensors (from randint(..., (1,)));
    PyTorch takes any one-element integer tensor as its int in a size, only 0-d numpy arrays."""
    torch = require_torch()
    cases: list[tuple[str, Any]] = [
        ("rand", lambda lib, t: lib.rand(t([3]), t([[2]]), t(4, dtype=lib.int32)).shape),
        ("zeros", lambda lib, t: lib.zeros((t([3]), 2)).shape),
        ("full", lambda lib, t: lib.full([t([2]), 1], 1.0).shape),
        ("reshape", lambda lib, t: lib.arange(6.0).reshape(t([3]), -1).shape),
        ("view", lambda lib, t: lib.arange(6.0).view(t([6])).shape),
        ("expand", lambda lib, t: lib.ones(3).expand(t([2]), 3).shape),
        ("ndarray0", lambda lib, t: lib.rand(np.array(3), 2).shape),
    ]
    for name, f in cases:
        assert tuple(f(mg, mg.tensor)) == tuple(f(torch, torch.tensor)), name
    for bad in (lambda lib, t: lib.rand(t([3.0])), lambda lib, t: lib.rand(t([2, 3])),
                lambda lib, t: lib.rand(np.array([3]), 2)):
        try:
            bad(torch, torch.tensor)
        except TypeError:
            pass
        else:
            raise AssertionError("PyTorch accepted it")
        try:
            bad(mg, mg.tensor)
        except TypeError:
            continue
        raise AssertionError("minigrad accepted it")


# ------------------------------------------------------------------ register_kl's checks (pyro, via gpytorch)


def test_register_kl_takes_any_class_and_raises_for_non_classes() -> None:
    """pyro registers KL(Delta || pyro Distribution), whose base is a plain abstract class, at import time
    (gpytorch and botorch import pyro): PyTorch's register_kl fails only for arguments that aren't classes."""
    torch = require_torch()

    class Plain:
        pass

    for dist in (torch.distributions, mg.distributions):
        dist.register_kl(dist.Normal, Plain)(lambda p, q: p.loc)
        del dist.kl._KL_REGISTRY[dist.Normal, Plain]  # (the registries are process-wide)
        for bad in ((3, dist.Normal), (dist.Normal, "x")):
            try:
                dist.register_kl(*bad)
            except TypeError as e:
                assert "must be a class" in str(e)
            else:
                raise AssertionError(f"{dist.__name__} accepted {bad}")
