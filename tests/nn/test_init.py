"""nn.init: PyTorch's formulas (bounds, standard deviations, gains, fans) checked on large samples drawn
from minigrad's seeded generator, and the deterministic fillers checked exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import init


def _t(*shape: int) -> mg.Tensor:
    return mg.zeros(*shape, dtype=mg.float64)


@pytest.mark.parametrize(("fn", "kwargs", "fan", "gain"), [
    (init.kaiming_uniform_, {}, 300, math.sqrt(2)),  # a=0: leaky_relu with slope 0
    (init.kaiming_uniform_, {"a": math.sqrt(5)}, 300, math.sqrt(2 / 6)),
    (init.kaiming_uniform_, {"mode": "fan_out", "nonlinearity": "relu"}, 200, math.sqrt(2)),
    (init.kaiming_normal_, {"nonlinearity": "tanh"}, 300, 5 / 3),
    (init.kaiming_normal_, {"mode": "FAN_OUT", "nonlinearity": "selu"}, 200, 0.75),
])  # fmt: skip
def test_kaiming(fn: object, kwargs: dict[str, object], fan: int, gain: float) -> None:
    w = fn(_t(200, 300), **kwargs)  # type: ignore[operator]
    a = w.numpy()
    std = gain / math.sqrt(fan)
    assert a.std() == pytest.approx(std, rel=0.02)
    if fn is init.kaiming_uniform_:
        bound = math.sqrt(3) * std
        assert np.abs(a).max() <= bound and np.abs(a).max() > 0.99 * bound


def test_xavier_uses_both_fans_and_the_receptive_field() -> None:
    w = init.xavier_uniform_(_t(64, 32, 3, 3), gain=2.0).numpy()
    bound = 2.0 * math.sqrt(6 / (32 * 9 + 64 * 9))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    w = init.xavier_normal_(_t(300, 200), gain=0.5).numpy()
    assert w.std() == pytest.approx(0.5 * math.sqrt(2 / 500), rel=0.02)


@pytest.mark.parametrize("shape", [(30, 50), (50, 30), (8, 3, 2, 2)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape: tuple[int, ...]) -> None:
    q = init.orthogonal_(_t(*shape), gain=1.5).numpy().reshape(shape[0], -1) / 1.5
    small = q @ q.T if q.shape[0] <= q.shape[1] else q.T @ q
    np.testing.assert_allclose(small, np.eye(len(small)), atol=1e-12)


def _truncated_moments(mean: float, std: float, a: float, b: float) -> tuple[float, float]:
    def pdf(z: float) -> float:
        return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)

    def cdf(z: float) -> float:
        return (1 + math.erf(z / math.sqrt(2))) / 2

    al, be = (a - mean) / std, (b - mean) / std
    z = cdf(be) - cdf(al)
    m = mean + std * (pdf(al) - pdf(be)) / z
    var = std**2 * (1 + (al * pdf(al) - be * pdf(be)) / z - ((pdf(al) - pdf(be)) / z) ** 2)
    return m, var


@pytest.mark.parametrize(("mean", "std", "a", "b"), [(0.0, 1.0, -2.0, 2.0), (0.5, 2.0, -1.0, 4.0),
                                                     (0.0, 1.0, 1.5, 3.0)])  # the last: a tail, p < 0.3
def test_trunc_normal_is_the_truncated_distribution(mean: float, std: float, a: float, b: float) -> None:
    x = init.trunc_normal_(_t(200, 200), mean, std, a, b).numpy()
    assert x.min() >= a and x.max() <= b
    m, var = _truncated_moments(mean, std, a, b)
    assert x.mean() == pytest.approx(m, abs=0.02 * std)
    assert x.var() == pytest.approx(var, rel=0.03)


def test_trunc_normal_warns_when_the_mean_is_far_outside() -> None:
    with pytest.warns(UserWarning, match="more than 2 std"):
        x = init.trunc_normal_(_t(50), mean=10.0, a=-1.0, b=1.0).numpy()
    assert x.min() >= -1.0 and x.max() <= 1.0


def test_deterministic_fillers() -> None:
    assert init.eye_(_t(2, 3)).numpy().tolist() == [[1, 0, 0], [0, 1, 0]]
    assert (init.constant_(_t(2, 2), 0.25).numpy() == 0.25).all()
    assert (init.ones_(_t(3)).numpy() == 1).all() and not init.zeros_(mg.ones(3)).numpy().any()
    d = init.dirac_(_t(4, 2, 3), groups=2).numpy()
    expected = np.zeros((4, 2, 3))
    expected[0, 0, 1] = expected[2, 0, 1] = expected[1, 1, 1] = expected[3, 1, 1] = 1
    np.testing.assert_array_equal(d, expected)


def test_sparse_zeroes_a_fraction_of_each_column() -> None:
    x = init.sparse_(_t(10, 40), sparsity=0.3).numpy()
    # the 280 entries left are N(0, 0.01**2) draws (the zeroed ones are not)
    assert ((x == 0).sum(0) == 3).all() and x[x != 0].std() == pytest.approx(0.01, rel=0.2)


def test_seeded_and_generator_streams_are_reproducible() -> None:
    mg.manual_seed(3)
    a = init.kaiming_normal_(_t(5, 4)).numpy().copy()
    mg.manual_seed(3)
    assert np.array_equal(init.kaiming_normal_(_t(5, 4)).numpy(), a)
    g1, g2 = mg.Generator(9), mg.Generator(9)
    assert np.array_equal(init.orthogonal_(_t(4, 4), generator=g1).numpy(),
                          init.orthogonal_(_t(4, 4), generator=g2).numpy())


def test_bad_arguments() -> None:
    with pytest.raises(mg.InvalidParameterError, match=r"mode.*'fan'"):
        init.kaiming_uniform_(_t(2, 2), mode="fan")
    with pytest.raises(mg.InvalidParameterError, match="nonlinearity"):
        init.kaiming_normal_(_t(2, 2), nonlinearity="swish")
    with pytest.raises(mg.ShapeError, match="fewer than 2"):
        init.xavier_uniform_(_t(3))
    for fn in (init.eye_, init.dirac_, init.orthogonal_):
        with pytest.raises(mg.ShapeError):
            fn(_t(3))
    with pytest.raises(mg.ShapeError, match="groups"):
        init.dirac_(_t(3, 2, 3), groups=2)
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(_t(0, 3))
