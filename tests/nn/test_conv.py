"""Convolution, pooling, padding and resampling layers without an oracle: arguments, errors, init, shapes."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F

_K = {"in_channels": 3, "out_channels": 4, "kernel_size": 3}


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({**_K, "groups": 2}, r"in_channels.*groups.*in_channels=3"),
    ({**_K, "in_channels": 4, "out_channels": 6, "groups": 4}, r"out_channels.*groups.*out_channels=6"),
    ({**_K, "groups": 0}, r"groups.*groups=0"),
    ({**_K, "in_channels": 0}, r"in_channels=0"),
    ({**_K, "kernel_size": 0}, r"kernel_size.*kernel_size=0"),
    ({**_K, "kernel_size": (3, 3, 3)}, r"kernel_size.*tuple of 2"),
    ({**_K, "stride": 0}, r"stride.*stride=0"),
    ({**_K, "padding": -1}, r"padding.*non-negative.*padding=-1"),
    ({**_K, "dilation": 0}, r"dilation.*dilation=0"),
    ({**_K, "padding": "full"}, r"padding='full'"),
    ({**_K, "padding": "same", "stride": 2},
     r"padding='same' is not supported for strided convolutions"),
    ({**_K, "padding_mode": "mirror"},
     r"padding_mode.*padding_mode='mirror'"),
    ({**_K, "bias": "yes"}, r"bias=.yes."),  # (an int is a setting, as PyTorch reads it)
    ({**_K, "dtype": mg.int64}, r"dtype"),
])
def test_conv2d_bad_arguments_name_the_argument(kwargs: dict[str, Any], pattern: str) -> None:
    with pytest.raises(mg.InvalidParameterError, match=pattern) as info:
        nn.Conv2d(**kwargs)
    assert isinstance(info.value, ValueError)


def test_conv_transpose_bad_arguments() -> None:
    with pytest.raises(mg.InvalidParameterError, match=r'only "zeros" padding mode.*reflect'):
        nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")
    with pytest.raises(mg.InvalidParameterError, match=r"padding='same'"):
        nn.ConvTranspose2d(2, 2, 3, padding="same")
    with pytest.raises(mg.InvalidParameterError, match=r"output padding must be smaller than either"):
        nn.ConvTranspose2d(2, 2, 3, stride=2, output_padding=2)(mg.zeros(1, 2, 3, 3))
    with pytest.raises(mg.InvalidParameterError, match=r"requested an output size of \(12, 12\), but valid"):
        nn.ConvTranspose2d(2, 2, 3, stride=2)(mg.zeros(1, 2, 3, 3), output_size=(12, 12))


def test_conv_bad_inputs_name_expected_and_got() -> None:
    conv = nn.Conv2d(3, 8, 3)
    with pytest.raises(mg.ShapeError, match=r"to have 3 channels, but got 4 channels instead") as info:
        conv(mg.zeros(2, 4, 5, 5))
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)
    with pytest.raises(mg.ShapeError, match=r"expected 3D \(unbatched\) or 4D \(batched\) input.*\(2, 3\)"):
        conv(mg.zeros(2, 3))
    words = "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3)."
    with pytest.raises(mg.ShapeError, match=re.escape(words)):
        conv(mg.zeros(1, 3, 2, 2))
    with pytest.raises(mg.ShapeError, match=r"\(5 x 5\)"):  # the dilated kernel counts
        nn.Conv2d(3, 8, 3, dilation=2)(mg.zeros(1, 3, 4, 4))
    with pytest.raises(mg.MinigradError, match=r"^Input type \(double\) and bias type \(float\) should be"):
        conv(mg.zeros(1, 3, 5, 5, dtype=mg.float64))
    with pytest.raises(mg.ShapeError, match=r"to have 4 channels, but got 3"):
        nn.ConvTranspose2d(4, 2, 3)(mg.zeros(1, 3, 5, 5))
    with pytest.raises(TypeError, match=r"must be (a )?Tensor"):  # (F.conv2d's: PyTorch's parser words)
        conv(np.zeros((1, 3, 5, 5)))


def test_functional_conv_checks_weight_groups_and_bias() -> None:
    x, w = mg.zeros(1, 4, 5, 5), mg.zeros(6, 2, 3, 3)
    with pytest.raises(mg.ShapeError, match=r"groups=4.*divisible by 4 at dim 0"):
        F.conv2d(x, w, groups=4)
    with pytest.raises(mg.ShapeError, match=r"expected bias of shape \(6,\), got \(5,\)"):
        F.conv2d(x, w, mg.zeros(5), groups=2)
    with pytest.raises(mg.ShapeError, match=r"expected a 4D weight"):
        F.conv2d(x, mg.zeros(6, 4, 3))
    with pytest.raises(mg.InvalidParameterError, match=r"invalid padding string 'half'"):
        F.conv2d(x, w, padding="half", groups=2)


def test_conv_init_is_pytorch_default_and_seeded() -> None:
    mg.manual_seed(0)
    a = nn.Conv2d(4, 64, (3, 5), groups=2)
    mg.manual_seed(0)
    b = nn.Conv2d(4, 64, (3, 5), groups=2)
    np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
    fan_in = 2 * 3 * 5
    bound = 1 / math.sqrt(fan_in)
    for p in (a.weight, a.bias):
        assert p is not None
        values = p.detach().numpy()
        assert values.min() >= -bound and values.max() <= bound
        assert values.max() > 0.8 * bound and values.min() < -0.8 * bound  # uniform over the whole range
    assert a.weight.shape == (64, 2, 3, 5) and a.weight.dtype == np.float32
    t = nn.ConvTranspose1d(6, 4, 3, groups=2, dtype=mg.float64)
    assert t.weight.shape == (6, 2, 3) and t.weight.dtype == np.float64
    assert np.abs(t.weight.detach().numpy()).max() <= 1 / math.sqrt(2 * 3)


def test_conv_keeps_the_dtype_and_accepts_unbatched_input() -> None:
    conv = nn.Conv1d(2, 3, 3, padding="same").double()
    x = mg.randn(2, 7, dtype=mg.float64)
    y = conv(x)
    assert y.shape == (3, 7) and y.dtype == np.float64
    np.testing.assert_allclose(y.detach().numpy(), conv(x.unsqueeze(0)).detach().numpy()[0], rtol=1e-14)


@pytest.mark.parametrize(("call", "error", "pattern"), [
    (lambda: F.max_pool2d(mg.zeros(1, 1, 5, 5), 3, padding=2), mg.InvalidParameterError, r"at most half of"),
    (lambda: F.avg_pool2d(mg.zeros(1, 1, 5, 5), 2, padding=2), mg.InvalidParameterError, r"at most half of"),
    (lambda: F.max_pool2d(mg.zeros(1, 1, 2, 2), 3), mg.ShapeError, r"output size \(0 x 0\) is too small"),
    (lambda: F.max_pool2d(mg.zeros(5, 5), 2), mg.ShapeError, r"3D \(unbatched\) or 4D"),
    (lambda: F.avg_pool2d(mg.zeros(1, 1, 4, 4), 2, divisor_override=0), mg.InvalidParameterError, "divisor"),
    (lambda: F.adaptive_avg_pool2d(mg.zeros(1, 1, 4, 4), (2, -1)), mg.InvalidParameterError, "output_size"),
    (lambda: F.max_unpool2d(mg.zeros(1, 1, 2, 2), mg.tensor([[[[0, 1], [2, 16]]]]), 2), mg.DimensionError,
     r"invalid max index 16"),
    (lambda: F.pad(mg.zeros(2, 3), (1,)), mg.InvalidParameterError, "divisible by 2"),
    (lambda: F.pad(mg.zeros(2, 3, 4), (4, 0), mode="reflect"), mg.ShapeError, r"less than the size"),
    (lambda: F.pad(mg.zeros(2, 3, 4), (5, 0), mode="circular"), mg.ShapeError,
     "wrapping around more than once"),
    (lambda: F.pad(mg.zeros(2, 3), (-2, -2)), mg.ShapeError, r"remove more than the 3 elements of dim 1"),
    (lambda: F.pad(mg.zeros(0, 2), (1, 0, -1, 1)), mg.ShapeError, r"more than the 0 elements of dim 0"),
    (lambda: F.pad(mg.zeros(2, 3), (4, -5), mode="circular"), mg.ShapeError, r"negative padding \(4, -5\)"),
    (lambda: F.pad(mg.zeros(2, 0), (1, 1), mode="reflect"), mg.ShapeError, r"non-empty channel and padded"),
    (lambda: F.max_pool1d(mg.zeros(1, 1, 4, dtype=mg.bool_), 2), NotImplementedError, r"bool"),
    (lambda: F.avg_pool1d(mg.zeros(1, 1, 4, dtype=mg.bool_), 2), NotImplementedError, r"bool"),
    (lambda: F.adaptive_avg_pool1d(mg.zeros(1, 1, 4, dtype=mg.int64), 2), NotImplementedError, r"floating"),
    (lambda: F.pad(mg.zeros(3), (1, 1), mode="reflect"), NotImplementedError, r"needs a 2D or 3D input"),
    (lambda: F.pad(mg.zeros(2, 3), (1, 1), mode="edge"), NotImplementedError,
     "Unrecognised padding mode edge"),
    (lambda: F.interpolate(mg.zeros(1, 1, 4), size=3, scale_factor=2), mg.InvalidParameterError, "only one"),
    (lambda: F.interpolate(mg.zeros(1, 1, 4), mode="nearest", size=3, align_corners=True),
     mg.InvalidParameterError, "align_corners"),
    (lambda: F.interpolate(mg.zeros(1, 1, 4), size=3, mode="bilinear"), NotImplementedError, "4D input"),
    (lambda: F.interpolate(mg.zeros(1, 1, 4), size=0), mg.ShapeError, "greater than 0"),
    (lambda: F.pixel_shuffle(mg.zeros(1, 5, 2, 2), 2), mg.ShapeError, r"upscale_factor\*\*2 = 4"),
    (lambda: F.fold(mg.zeros(1, 5, 4), (3, 3), 2), mg.ShapeError, "divisible"),
    (lambda: F.unfold(mg.zeros(1, 1, 2, 2), 3), mg.ShapeError, r"array of sliding blocks as \(0, 0\)"),
])
def test_pooling_padding_resampling_errors(call: Any, error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        call()


def test_pool_layer_arguments_are_checked_at_construction() -> None:
    with pytest.raises(mg.InvalidParameterError, match=r"kernel_size.*kernel_size=0"):
        nn.MaxPool2d(0)
    with pytest.raises(mg.InvalidParameterError, match=r"stride.*stride=\(1, 0\)"):
        nn.AvgPool2d(2, stride=(1, 0))
    with pytest.raises(mg.InvalidParameterError, match=r"upscale_factor=0"):
        nn.PixelShuffle(0)


def test_selection_errors() -> None:
    x = mg.zeros(2, 3)
    with pytest.raises(mg.DimensionError, match=r"index 3 is out of bounds for dimension 1 with size 3") as e:
        x.gather(1, mg.tensor([[0, 3]]))
    assert isinstance(e.value, IndexError)
    with pytest.raises(mg.InvalidParameterError, match="int64"):
        x.gather(0, mg.tensor([[0.0]]))
    with pytest.raises(mg.ShapeError, match="same number of dims"):
        x.gather(0, mg.tensor([0]))
    with pytest.raises(mg.ShapeError, match=r"no larger than input"):
        x.gather(0, mg.tensor([[0, 0, 0, 0]]))
    with pytest.raises(mg.ShapeError, match=r"no larger than src"):
        x.scatter_add(0, mg.tensor([[0, 1]]), mg.zeros(1, 1))
    with pytest.raises(mg.InvalidParameterError, match=r"k=4 is out of range"):
        x.topk(4)
    with pytest.raises(mg.ShapeError, match="size 4 is larger"):
        x.unfold(1, 4, 1)


def test_sort_is_stable_and_puts_nan_last() -> None:
    x = mg.tensor([2.0, math.nan, 1.0, 2.0, -math.inf, math.nan])
    values, indices = x.sort()
    np.testing.assert_array_equal(indices.numpy(), [4, 2, 0, 3, 1, 5])
    values, indices = x.sort(descending=True)
    np.testing.assert_array_equal(indices.numpy(), [1, 5, 0, 3, 2, 4])
    assert values.dtype == np.float32 and indices.dtype == np.int64
    top = mg.tensor([[3.0, 1.0, 2.0]]).topk(2)
    np.testing.assert_array_equal(top.values.numpy(), [[3.0, 2.0]])
    np.testing.assert_array_equal(top.indices.numpy(), [[0, 2]])


def test_cumsum_and_scatter_add_dtypes() -> None:
    assert mg.tensor([True, True]).cumsum(0).tolist() == [1, 2]
    assert mg.tensor([1, 2, 3]).cumsum(0, dtype=mg.float64).dtype == np.float64
    out = mg.zeros(3).scatter_add(0, mg.tensor([0, 0, 2]), mg.tensor([1.0, 2.0, 3.0]))
    assert out.tolist() == [3.0, 0.0, 3.0]


def test_windows_pair_is_twice_differentiable_through_a_conv() -> None:
    """d/dx of ||grad_w conv(x, w)||^2 exists: Fold's backward is Unfold and back again."""
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((3, 2, 2, 2)), requires_grad=True)

    def fn(x: mg.Tensor, w: mg.Tensor) -> mg.Tensor:
        return F.max_pool2d(F.conv2d(x, w, stride=1, padding=1).tanh(), 2, stride=1)

    assert mg.gradgradcheck(fn, (x, w))
