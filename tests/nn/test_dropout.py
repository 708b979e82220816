"""Dropout: mask statistics, scaling, eval identity, reproducibility, gradients."""

from __future__ import annotations

import math
from typing import Any

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
    assert mg.equal(mg.random.default_generator.get_state(), state)  # no draw was made
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
    mask = (y.detach().numpy() != 0).astype(np.float64) / (1 - p)
    np.testing.assert_array_equal(x.grad.numpy(), g * mask)


def test_train_eval_switch_on_a_model() -> None:
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    x = mg.randn(8, 4)
    model.eval()
    np.testing.assert_array_equal(model(x).detach().numpy(), model(x).detach().numpy())
    model.train()
    mg.manual_seed(0)
    assert np.mean(model(mg.ones(1000, 4)).detach().numpy() == 0) > 0.3


# (layer, input shape, number of leading dims that get one draw each)
CHANNEL_CASES = [(nn.Dropout1d, (40, 30, 7), 2), (nn.Dropout1d, (300, 7), 1),
                 (nn.Dropout2d, (20, 30, 3, 4), 2), (nn.Dropout3d, (10, 40, 2, 2, 3), 2),
                 (nn.Dropout3d, (300, 2, 2, 3), 1)]  # fmt: skip


@pytest.mark.parametrize(("layer", "shape", "drawn"), CHANNEL_CASES)
def test_channel_dropout_zeroes_whole_channels(layer: type[nn.Module], shape: tuple[int, ...],
                                               drawn: int) -> None:
    mg.manual_seed(0)
    p = 0.4
    x = mg.tensor(np.random.default_rng(0).uniform(1, 2, size=shape), requires_grad=True)
    y = layer(p)(x)
    channels = y.detach().numpy().reshape(*shape[:drawn], -1)
    zero, kept = (channels == 0).all(-1), (channels != 0).all(-1)
    assert (zero | kept).all()  # a channel is dropped whole or kept whole
    n = zero.size
    assert abs(zero.mean() - p) < 5 * np.sqrt(p * (1 - p) / n)
    np.testing.assert_allclose(y.detach().numpy()[kept], x.detach().numpy()[kept] / (1 - p), rtol=1e-15)
    g = np.random.default_rng(1).normal(size=shape)
    y.backward(mg.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), g * (y.detach().numpy() != 0) / (1 - p), rtol=1e-15)
    assert layer(p).eval()(x) is x
    assert repr(layer(0.25)) == f"{layer.__name__}(p=0.25, inplace=False)"


def test_dropout2d_on_3d_input_warns_and_drops_1d_channels() -> None:
    x = mg.ones(4, 5, 6)
    with pytest.warns(UserWarning, match="3D input to dropout2d"):
        y = F.dropout2d(x, 0.5).numpy()
    assert ((y == 0).all(-1) | (y != 0).all(-1)).all()
    with pytest.warns(UserWarning, match="2-D input to dropout2d"):
        F.dropout2d(mg.ones(4, 5), 0.5)


@pytest.mark.parametrize(("fn", "shape"), [(F.alpha_dropout, (400, 500)),
                                           (F.feature_alpha_dropout, (400, 500, 1))])
def test_alpha_dropout_keeps_selu_statistics(fn: object, shape: tuple[int, ...]) -> None:
    mg.manual_seed(2)
    p = 0.2
    x = mg.tensor(np.random.default_rng(3).normal(size=shape))  # zero mean, unit variance
    y = fn(x, p, training=True).numpy()  # type: ignore[operator]
    alpha = 1.6732632423543772848170429916717 * 1.0507009873554804934193349852946
    a = 1 / math.sqrt((alpha**2 * p + 1) * (1 - p))
    dropped = np.isclose(y, -alpha * a * (1 - p), rtol=0, atol=1e-12)
    assert abs(dropped.mean() - p) < 0.01
    np.testing.assert_allclose(y[~dropped], a * x.numpy()[~dropped] + alpha * a * p, rtol=1e-12)
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01
    assert fn(x, p) is x  # type: ignore[operator]  # PyTorch's default training=False


def test_alpha_dropout_modules_and_bad_p() -> None:
    assert repr(nn.AlphaDropout(0.1)) == "AlphaDropout(p=0.1, inplace=False)"
    assert repr(nn.FeatureAlphaDropout()) == "FeatureAlphaDropout(p=0.5, inplace=False)"
    x = mg.randn(3, 4)
    assert nn.AlphaDropout(0.3).eval()(x) is x
    for layer in (nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout, nn.FeatureAlphaDropout):
        with pytest.raises(mg.InvalidParameterError, match=r"p=1\.5"):
            layer(1.5)
        # PyTorch's inplace=True is accepted (shown in the repr); in eval the input is returned itself
        assert repr(layer(0.5, inplace=True)) == f"{layer.__name__}(p=0.5, inplace=True)"
        x4 = mg.randn(2, 3, 4) if layer is nn.Dropout1d else mg.randn(2, 3, 4, 5)
        assert layer(0.5, inplace=True).eval()(x4) is x4
    with pytest.raises(mg.ShapeError, match=r"2D.*3D.*4D"):
        nn.Dropout1d()(mg.ones(2, 3, 4, 5))


@pytest.mark.parametrize("fn", [F.dropout, F.dropout2d, F.alpha_dropout, F.feature_alpha_dropout])
def test_p_one_drops_everything_as_pytorch(fn: Any) -> None:
    # PyTorch returns input * 0 for p = 1 (zeros, NaN kept, zero gradient), not 1 / (1 - p); so do the
    # functional forms (the layers refuse p = 1: API.md, see tests/nn/test_errors.py)
    leaf = mg.tensor([[1.0, math.nan], [-2.0, 3.0]], requires_grad=True)
    x = leaf.reshape(1, 2, 2, 1)
    y = fn(x, 1.0, True)
    np.testing.assert_array_equal(y.detach().numpy().ravel(), [0.0, math.nan, 0.0, 0.0])
    y.sum().backward()
    assert leaf.grad is not None and np.array_equal(leaf.grad.numpy(), np.zeros((2, 2)))
    q = mg.randn(1, 2, 3, 4)
    assert not F.scaled_dot_product_attention(q, q, q, dropout_p=1.0).numpy().any()
