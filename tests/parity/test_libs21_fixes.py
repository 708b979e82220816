"""Regressions found by running third-party libraries written against the torch API on minigrad
(zuko normalizing flows, torchmetrics) and comparing with real torch. The libraries are not needed
here: each test reproduces the torch-API pattern the library relied on and compares it with torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=np.float32)


def test_sum_rightmost_is_importable_from_distributions_utils() -> None:
    """zuko: ``from torch.distributions.utils import _sum_rightmost``."""
    torch = require_torch()
    from torch.distributions.utils import _sum_rightmost as theirs

    from minigrad.distributions.utils import _sum_rightmost as ours
    for dim in (0, 1, 2):
        expected = theirs(torch.tensor(X), dim).numpy()
        np.testing.assert_allclose(ours(mg.tensor(X), dim).numpy(), expected, rtol=1e-6)


def _diag_normal_class(lib: Any) -> type:
    """zuko's DiagNormal pattern: an Independent subclass with its own __init__ whose expand hands
    ``_get_checked_instance``'s bare object up to ``Independent.expand``."""
    independent, normal = lib.distributions.Independent, lib.distributions.Normal

    class DiagNormal(independent):  # type: ignore[misc, valid-type]
        def __init__(self, loc: Any, scale: Any, ndims: int = 1) -> None:
            super().__init__(normal(loc, scale), ndims)

        def expand(self, batch_shape: Any, new: Any = None) -> Any:
            new = self._get_checked_instance(DiagNormal, new)
            return super().expand(batch_shape, new)

    return DiagNormal


def test_independent_subclass_expand_with_bare_instance() -> None:
    torch = require_torch()
    out = []
    for lib in (torch, mg):
        d = _diag_normal_class(lib)(lib.zeros(3), lib.ones(3)).expand((4,))
        value = lib.tensor(np.tile(X[:1], (4, 1)))
        out.append((tuple(d.batch_shape), tuple(d.event_shape), d.reinterpreted_batch_ndims,
                    d.log_prob(value).numpy(), tuple(d.sample().shape)))
    assert out[0][:3] == out[1][:3] and out[0][4] == out[1][4]
    np.testing.assert_allclose(out[1][3], out[0][3], rtol=1e-6)


class _Nested(tuple):  # type: ignore[type-arg]
    """zuko's NestedTensor: a tuple of tensors that scales by ``dt * nested``."""

    def __rmul__(self, other: Any) -> _Nested:
        return _Nested(other * x for x in self)

    def __radd__(self, other: Any) -> _Nested:
        return _Nested(other + x for x in self)


def test_tensor_operator_defers_to_a_sequence_reflected_method() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        dt = lib.tensor(0.5)
        scaled = dt * _Nested((lib.tensor(X[0]), lib.tensor(X[1])))
        assert isinstance(scaled, _Nested)
        np.testing.assert_allclose(scaled[1].numpy(), 0.5 * X[1])
        shifted = dt + _Nested((lib.tensor(X[0]),))
        assert isinstance(shifted, _Nested)


@pytest.mark.parametrize("expr", ["t + [1.0, 2.0]", "t - (1.0, 2.0)", "(1.0, 2.0) / t", "t ** [1, 2]",
                                  "[1, 2] ** t", "t.maximum([1.0, 2.0])", "t.minimum((1.0, 2.0))"])
def test_tensor_with_a_plain_sequence_raises_type_error(expr: str) -> None:
    torch = require_torch()
    messages = []
    for lib in (torch, mg):
        with pytest.raises(TypeError) as info:
            eval(expr, {"t": lib.ones(2)})
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("name", ["log10", "log2"])
def test_float32_log10_log2_round_like_pytorch(name: str) -> None:
    """torchmetrics' binary_logauc finds its fpr bounds by ``log10(fpr) == log10(bound)``: numpy's
    float32 log10 gave -3.0000002 for 0.001f (PyTorch -3.0) and was an ulp off on ~40% of inputs."""
    torch = require_torch()
    x = np.concatenate([np.array([0.001, 0.1, 1e-5, 3.0, 7.0, 0.0, -1.0, np.inf], dtype=np.float32),
                        np.random.default_rng(0).random(4000).astype(np.float32) * 10])
    ours = getattr(mg, name)(mg.tensor(x)).numpy()
    theirs = getattr(torch, name)(torch.tensor(x)).numpy()
    assert ours.dtype == theirs.dtype == np.float32
    np.testing.assert_array_equal(ours[:8], theirs[:8])
    assert np.count_nonzero(ours != theirs) <= 10  # was ~1600 (log10) and ~250 (log2) of 4000
    t = mg.tensor(x[:3]).log10_() if name == "log10" else mg.tensor(x[:3]).log2_()
    np.testing.assert_array_equal(t.numpy(), theirs[:3])


@pytest.mark.parametrize("make", ["randint(0, 3, (-34,))", "empty(-1)", "randn(-2)", "ones(2, -1)",
                                  "rand(-5)"])
def test_negative_dimension_message(make: str) -> None:
    """pytorch_metric_learning's ManifoldLoss with more meta classes than samples draws
    ``randint(0, K, (N - K,))``: PyTorch's RuntimeError names the dimension and the shape."""
    torch = require_torch()
    messages = []
    for lib in (torch, mg):
        with pytest.raises(RuntimeError) as info:
            eval(f"lib.{make}", {"lib": lib})
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_log_api_usage_once() -> None:
    """torchmetrics' Metric.__init__ calls ``torch._C._log_api_usage_once(name)``: None, and a
    TypeError for a non-str."""
    torch = require_torch()
    import minigrad._torch_c as ours
    for c in (torch._C, ours):
        assert c._log_api_usage_once("torchmetrics.metric.Accuracy") is None
    messages = []
    for c in (torch._C, ours):
        with pytest.raises(TypeError) as info:
            c._log_api_usage_once(3)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
