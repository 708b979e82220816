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
