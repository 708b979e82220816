"""The kernels that run large arrays a cache-sized block at a time give the bits of their one-pass forms
(and the row scatter-add the bits of np.add.at, one row after another).

log_softmax over rows (a language model's logits), its gradient, and float32 GELU forward and backward
are blocked only above a size the op tests' small shapes never reach; these shapes cross the blocks'
edges (a last partial block, rows longer than a block, several leading dims).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from minigrad import _kernels, _special, ops

ROW_SHAPES = [(700, 1000), (3, 1 << 17), (9, 8, 4099), (33, 8000)]


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(np.uint8)


@pytest.mark.parametrize("shape", ROW_SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_rows_match_the_one_pass_form(shape: tuple[int, ...], dtype: type) -> None:
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    assert _kernels.row_blocks(x, -1)
    shifted = x - _kernels.row_max(x, -1)
    shifted -= np.log(np.add.reduce(np.exp(shifted), axis=-1, keepdims=True))
    y = _kernels.log_softmax(x, x.ndim - 1)
    assert np.array_equal(_bits(y), _bits(shifted))
    expected = g - np.exp(y) * _kernels.sum_over(g, (x.ndim - 1,), True)
    assert np.array_equal(_bits(_kernels.log_softmax_grad(g, y, x.ndim - 1)), _bits(expected))


def test_log_softmax_grad_of_a_strided_upstream_takes_the_one_pass_form() -> None:
    rng = np.random.default_rng(1)
    y = _kernels.log_softmax(rng.standard_normal((400, 1000)).astype(np.float32), 1)
    g = np.asfortranarray(rng.standard_normal((400, 1000)).astype(np.float32))
    expected = g - np.exp(y) * _kernels.sum_over(g, (1,), True)
    assert np.array_equal(_bits(_kernels.log_softmax_grad(g, y, 1)), _bits(expected))


@pytest.mark.parametrize("n", [1, _special.CHUNK - 1, 3 * _special.CHUNK + 17])
def test_gelu32_forward_and_backward_match_the_one_pass_form(n: int) -> None:
    rng = np.random.default_rng(2)
    a = (rng.standard_normal(n) * 3).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    xc = np.clip(a, -_special._GELU32_LIMIT, _special._GELU32_LIMIT)  # erf's tanh form on the whole array
    y = xc * xc
    p = y * np.float32(_special._GELU32_Q[0]) + np.float32(_special._GELU32_Q[1])
    for c in _special._GELU32_Q[2:]:
        p = p * y + np.float32(c)
    half = np.tanh(p * xc)
    half += 1
    half *= 0.5
    out, got_half = _special.gelu32(a)
    assert np.array_equal(_bits(got_half), _bits(half))
    assert np.array_equal(_bits(out), _bits(a * half))
    d = np.exp(a * a * -0.5) * (1 / math.sqrt(2 * math.pi))
    d = ((d * a) + half) * g  # the Tensor form's order: g * (half + a * pdf)
    fn = ops.Gelu()
    fn.forward(a, "none")
    assert fn.half is not None
    assert np.array_equal(_bits(fn._plain_backward(g, a, fn.half)), _bits(d.astype(np.float32)))


@pytest.mark.parametrize(("rows_shape", "out_shape"), [
    ((16, 64), (65, 128)),  # a char-level embedding's gradient: many repeats
    ((5,), (3, 70000)),  # rows wider than a block: one row per block
    ((300, 2), (7, 3, 100)),  # several leading dims of the index, several trailing of the rows
    ((0,), (4, 5)),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_add_rows_gives_the_sums_of_add_at_in_order(rows_shape: tuple[int, ...], out_shape: tuple[int, ...],
                                                    dtype: type) -> None:
    rng = np.random.default_rng(2)
    rows = rng.integers(-out_shape[0], out_shape[0], rows_shape)  # negative rows count from the end
    # magnitudes spread over 20 binades, so any other summation order changes bits
    scale = np.exp(rng.uniform(-7, 7, rows_shape + (1,) * (len(out_shape) - 1)))
    a = (rng.standard_normal(rows_shape + out_shape[1:]) * scale).astype(dtype)
    expected = np.zeros(out_shape, dtype)
    for i, r in enumerate(rows.reshape(-1)):  # one row after another, as PyTorch's index_add_
        expected[r] += a.reshape(-1, *out_shape[1:])[i]
    out = np.zeros(out_shape, dtype)
    _kernels.add_rows(out, rows, a)
    assert np.array_equal(_bits(out), _bits(expected))
    via_op = ops.IndexAdd().forward(a, index=(rows,), shape=out_shape)
    assert np.array_equal(_bits(via_op), _bits(expected))


def test_add_rows_refuses_a_row_out_of_range() -> None:
    with pytest.raises(IndexError):
        _kernels.add_rows(np.zeros((3, 4)), np.array([0, 3]), np.ones((2, 4)))
    with pytest.raises(IndexError):
        _kernels.add_rows(np.zeros((3, 4)), np.array([-4]), np.ones((1, 4)))


def _ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    spacing = np.spacing(np.abs(want).astype(np.float32)).astype(np.float64)
    return np.abs(got.astype(np.float64) - want) / spacing


def test_float32_erf_is_within_four_ulps() -> None:
    """erf's tanh form: at most 3.7 ulps from the true erf over [-6, 6] (exactly 1 from the clamp on), the
    sign of zero kept, NaN kept."""
    rng = np.random.default_rng(3)
    x = np.concatenate([np.linspace(-6, 6, 60001), rng.uniform(-4, 4, 40000), rng.uniform(-1e-3, 1e-3, 5000),
                        [1e-30, 1e-42, 3.8325, 3.92, 4.1, 4.2, 100.0]]).astype(np.float32)
    want = np.array([math.erf(float(v)) for v in x])
    got = _special.erf(x)
    assert _ulps(got, want).max() <= 4
    assert np.mean(_ulps(got, want)) < 0.8
    assert np.array_equal(_special.erf(np.array([np.inf, -np.inf], np.float32)), [1, -1])
    zero = _special.erf(np.array([-0.0], np.float32))
    assert zero[0] == 0 and np.signbit(zero[0])
    assert np.isnan(_special.erf(np.array([np.nan], np.float32))[0])


def test_float32_gelu_phi_is_within_two_ulps_of_one() -> None:
    """GELU's Phi(x) = (1 + erf(x / sqrt(2))) / 2: absolute error at most two ulps of 1 (the cancellation
    in 1 + erf of float32, as in PyTorch's kernel), and x * Phi(x) 0 from where erf is -1 in float32."""
    x = np.linspace(-8, 8, 80001).astype(np.float32)
    want = np.array([(1 + math.erf(float(v) / math.sqrt(2))) / 2 for v in x])
    out, half = _special.gelu32(x)
    assert np.abs(half - want).max() <= 2 * 2.0**-24 * 2
    assert np.all(out[x < -5.8] == 0)


@pytest.mark.parametrize(("shape", "d", "rows_shape"), [
    ((8, 8, 32, 64), 2, (64,)), ((8, 8, 32, 64), 3, (64,)),  # an upsampling's taps along H and along W
    ((5, 7, 3), 1, (4, 6)), ((2, 3), 1, (0,)), ((3, 4, 5), 0, (9,)),
])
def test_add_rows_along_a_dim_gives_the_sums_of_add_at(shape: tuple[int, ...], d: int,
                                                        rows_shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(6)
    rows = rng.integers(-shape[d], shape[d], rows_shape)
    a_shape = shape[:d] + rows_shape + shape[d + 1 :]
    a = (rng.standard_normal(a_shape) * np.exp(rng.uniform(-7, 7, a_shape))).astype(np.float32)
    expected = np.zeros(shape, np.float32)
    np.add.at(expected, (slice(None),) * d + (rows,), a)  # (element by element, in a's order)
    out = np.zeros(shape, np.float32)
    _kernels.add_rows_along(out, d, rows, a)
    assert np.array_equal(_bits(out), _bits(expected))
    via_op = ops.IndexAdd().forward(a, index=(slice(None),) * d + (rows,), shape=shape)
    assert np.array_equal(_bits(via_op), _bits(expected))


def test_add_at_with_an_array_per_dim_gives_the_sums_of_add_at() -> None:
    rng = np.random.default_rng(7)
    out_shape = (32, 64)
    rows = rng.integers(-32, 32, (256, 64))
    index = (rows, np.arange(64)[None, :])  # scatter_add's index along dim 0 (the other dim counts up)
    a = (rng.standard_normal((256, 64)) * np.exp(rng.uniform(-7, 7, (256, 64)))).astype(np.float32)
    expected = np.zeros(out_shape, np.float32)
    np.add.at(expected, index, a)
    out = np.zeros(out_shape, np.float32)
    _kernels.add_at(out, index, a)
    assert np.array_equal(_bits(out), _bits(expected))
    scalar = np.zeros(out_shape, np.float32)  # values broadcast against the index
    _kernels.add_at(scalar, index, np.float32(0.1))
    expected = np.zeros(out_shape, np.float32)
    np.add.at(expected, index, np.float32(0.1))
    assert np.array_equal(_bits(scalar), _bits(expected))
    with pytest.raises(IndexError):  # (out of range: numpy's error)
        _kernels.add_at(np.zeros(out_shape), (np.array([32]), np.array([0])), np.ones(1))


@pytest.mark.parametrize(("shape", "dims"), [((50, 32, 2, 2, 2, 2), (3, 5)), ((50, 16, 4, 16), (2,)),
                                             ((16, 8, 7, 7, 2, 2), (4, 5)), ((8, 10, 32, 32), (1,)),
                                             ((64, 3, 9), (1,))])
def test_sums_over_a_few_non_leading_dims_add_term_by_term(shape: tuple[int, ...],
                                                            dims: tuple[int, ...]) -> None:
    # (adaptive pooling's equal bins sum a reshaped input over its interleaved window dims: numpy's reduce
    # looped per output there, 10x slower); row-major over the summed dims, as PyTorch's pooling kernels
    a = np.random.default_rng(9).standard_normal(shape).astype(np.float32)
    a[a < -1.5] = -0.0  # (a sum of -0.0s is +0.0, as a sum from 0)
    if dims == (4, 5):
        a = np.ascontiguousarray(a.transpose(0, 1, 2, 4, 3, 5)).transpose(0, 1, 2, 4, 3, 5)  # a strided view
    expected = None
    for at in np.ndindex(*[shape[d] for d in dims]):
        index: list[object] = [slice(None)] * len(shape)
        for d, i in zip(dims, at):
            index[d] = i
        term = a[tuple(index)]
        expected = term + np.float32(0) if expected is None else expected + term
    assert expected is not None
    assert np.array_equal(_bits(_kernels.sum_over(a, dims, False)), _bits(expected))
    assert _kernels.sum_over(a, dims, True).shape == tuple(1 if d in dims else n for d, n in enumerate(shape))
