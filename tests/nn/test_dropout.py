"""Dropout: mask statistics, scaling, eval identity, reproducibility, gradients."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_fraction_zeroed_near_p(p: float) -> None:
    mg.manual_seed(0)
    n = 200_000
    y = nn.Dropout(p)(mg.ones(n, dtype=mg.float64)).numpy()
    frac = np.mean(y == 0)
    # binomial standard error sqrt(p(1-p)/n) <= 0.0012; 5 sigma
    assert abs(frac - p) < 5 * np.sqrt(p * (1 - p) / n)
    # inverted dropout keeps the mean
    assert abs(y.mean() - 1.0) < 5 * np.sqrt(p / (1 - p) / n)


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64])
def test_survivors_scaled_by_inverse_keep_probability(dtype: np.dtype) -> None:
    mg.manual_seed(1)
    p = 0.3
    x = mg.randn(100, 50, dtype=dtype)
    y = F.dropout(x, p, training=True)
    assert y.dtype == dtype and y.shape == x.shape
    kept = y.numpy() != 0
    expected = x.numpy()[kept] * (np.ones(1, dtype=dtype) / dtype.type(1 - p))
    np.testing.assert_array_equal(y.numpy()[kept], expected)


def test_eval_returns_input_unchanged_without_randomness() -> None:
    d = nn.Dropout(0.5).eval()
    x = mg.randn(10, 10)
    mg.manual_seed(3)
    state = mg.random.default_generator.get_state()
    y = d(x)
    assert y is x
    assert mg.random.default_generator.get_state() == state  # no draw was made
    assert F.dropout(x, 0.5, training=False) is x


def test_p_zero_is_identity() -> None:
    x = mg.randn(5, 5)
    assert np.array_equal(nn.Dropout(0.0)(x).numpy(), x.numpy())
    assert np.array_equal(F.dropout(x, 0.0).numpy(), x.numpy())


def test_reproducible_under_manual_seed() -> None:
    x = mg.ones(64, 32)
    d = nn.Dropout(0.4)
    mg.manual_seed(123)
    a = d(x).numpy()
    b = d(x).numpy()
    mg.manual_seed(123)
    c = d(x).numpy()
    assert np.array_equal(a, c)
    assert not np.array_equal(a, b)


def test_gradient_is_the_scaled_mask() -> None:
    mg.manual_seed(4)
    p = 0.25
    x = mg.randn(20, 30, dtype=mg.float64, requires_grad=True)
    y = F.dropout(x, p)
    g = np.random.default_rng(0).normal(size=x.shape)
    y.backward(mg.tensor(g))
    mask = (y.numpy() != 0).astype(np.float64) / (1 - p)
    np.testing.assert_array_equal(x.grad.numpy(), g * mask)


def test_train_eval_switch_on_a_model() -> None:
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    x = mg.randn(8, 4)
    model.eval()
    np.testing.assert_array_equal(model(x).numpy(), model(x).numpy())
    model.train()
    mg.manual_seed(0)
    assert np.mean(model(mg.ones(1000, 4)).numpy() == 0) > 0.3
