"""Convolution, pooling, padding and resampling layers against torch.nn, in float64.

Each configuration builds the layer in both libraries, copies PyTorch's weights into
minigrad (``load_state_dict``), runs the same input, backpropagates the same random
upstream gradient and compares the output and the gradients of the input, the
weight and the bias. Reprs and state_dict keys must equal PyTorch's.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = pytest.importorskip("torch")
RTOL, ATOL = 1e-10, 1e-12


def _compare_layer(ours: Any, theirs: Any, shape: tuple[int, ...], seed: int = 0, call: Any = None,
                   rtol: float = RTOL, atol: float = ATOL, dtype: Any = np.float64) -> None:
    """Same weights, same input, same upstream gradient: outputs and all gradients agree."""
    require_torch()
    theirs = theirs.to(torch.float64 if dtype == np.float64 else torch.float32)
    ours = ours.to(mg.float64 if dtype == np.float64 else mg.float32)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    call = call or (lambda layer, inp: layer(inp))
    with warnings.catch_warnings():  # PyTorch's note that 'same' with an even kernel copies the input
        warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)  # (minigrad's too)
        ty = call(theirs, tx)
        my = call(ours, mx)
    assert_close(my, ty, rtol=rtol, atol=atol)
    g = rng.standard_normal(tuple(ty.shape)).astype(dtype)
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad, rtol=rtol, atol=atol)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        assert p.grad is not None, name
        assert_close(p.grad, tp.grad, rtol=rtol, atol=atol)


CONVS = [
    ("Conv1d", (3, 4, 3), {}, (2, 3, 9)),
    ("Conv1d", (3, 4, 4), {"padding": "same", "dilation": 2}, (2, 3, 9)),
    ("Conv1d", (4, 6, 3), {"stride": 2, "padding": 2, "groups": 2, "bias": False}, (2, 4, 10)),
    ("Conv1d", (3, 3, 3), {"padding": 2, "padding_mode": "circular"}, (2, 3, 6)),
    ("Conv2d", (3, 5, 3), {"padding": 1}, (2, 3, 7, 6)),
    ("Conv2d", (3, 5, (3, 2)), {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2)}, (2, 3, 8, 7)),
    ("Conv2d", (4, 8, 3), {"groups": 4, "padding": "same"}, (2, 4, 6, 6)),  # depthwise, multiplier 2
    ("Conv2d", (4, 6, 2), {"groups": 2, "padding": "same", "dilation": (1, 3)}, (1, 4, 7, 8)),
    ("Conv2d", (3, 4, 3), {"padding": "valid", "stride": 3}, (2, 3, 10, 11)),
    ("Conv2d", (3, 4, 3), {"padding": (2, 1), "padding_mode": "reflect"}, (2, 3, 6, 5)),
    ("Conv2d", (3, 4, 3), {"padding": 1, "padding_mode": "replicate", "stride": 2}, (2, 3, 6, 5)),
    ("Conv2d", (3, 4, 4), {"padding": "same", "padding_mode": "circular"}, (2, 3, 6, 5)),
    ("Conv2d", (2, 3, 1), {}, (3, 2, 4, 4)),  # 1x1: the input is its own im2col
    ("Conv2d", (6, 16, 5), {}, (16, 6, 14, 14)),  # LeNet's second layer: col2im planes-last
    ("Conv2d", (3, 4, 3), {"padding": 1}, (3, 5, 4)),  # unbatched
    ("Conv3d", (2, 3, 2), {"padding": 1, "stride": (1, 2, 1)}, (2, 2, 4, 3, 5)),
    ("Conv3d", (2, 4, (1, 2, 3)), {"groups": 2, "padding": "same", "padding_mode": "reflect"},
     (1, 2, 3, 4, 5)),
]
TRANSPOSED = [
    ("ConvTranspose1d", (3, 4, 3), {"stride": 2, "padding": 1, "output_padding": 1}, (2, 3, 5)),
    ("ConvTranspose1d", (4, 2, 2), {"groups": 2, "dilation": 3, "output_padding": 2}, (2, 4, 4)),
    ("ConvTranspose2d", (3, 4, 3), {}, (2, 3, 4, 5)),
    ("ConvTranspose2d", (4, 6, (3, 2)), {"stride": (2, 3), "padding": (1, 0), "groups": 2, "bias": False},
     (2, 4, 3, 4)),
    ("ConvTranspose2d", (3, 2, 3), {"stride": 2, "padding": 2, "output_padding": 1, "dilation": 2},
     (2, 3, 5, 4)),
    ("ConvTranspose2d", (3, 2, 3), {"stride": 2}, (3, 4, 4)),  # unbatched
    ("ConvTranspose3d", (2, 3, 2), {"stride": 2, "padding": 1, "output_padding": 1}, (1, 2, 3, 2, 3)),
]


@pytest.mark.parametrize(("cls", "args", "kwargs", "shape"), CONVS + TRANSPOSED,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CONVS + TRANSPOSED)])
def test_conv_layers_match_torch(cls: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                                 shape: tuple[int, ...]) -> None:
    ours, theirs = getattr(mg.nn, cls)(*args, **kwargs), getattr(torch.nn, cls)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [v.shape for v in ours.state_dict().values()] == [tuple(v.shape) for v in
                                                            theirs.state_dict().values()]
    _compare_layer(ours, theirs, shape, seed=len(shape))


def test_conv_transpose_output_size_picks_output_padding() -> None:
    ours = mg.nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1)
    theirs = torch.nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1)
    for size in ([8, 9], [1, 3, 9, 7]):
        _compare_layer(ours, theirs, (1, 2, 3, 3), call=lambda layer, x, s=size: layer(x, output_size=s))


def test_conv_float32_matches_torch() -> None:
    _compare_layer(mg.nn.Conv2d(3, 8, 3, padding=1), torch.nn.Conv2d(3, 8, 3, padding=1), (4, 3, 9, 9),
                   rtol=2e-5, atol=2e-5, dtype=np.float32)


def _pool_call(layer: Any, x: Any) -> Any:
    out = layer(x)
    return out[0] if isinstance(out, tuple) else out


POOLS = [
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 8)),
    ("MaxPool2d", (2,), {}, (2, 3, 6, 7)),
    ("MaxPool2d", ((3, 2),), {"stride": (2, 1), "padding": 1, "dilation": (2, 1), "ceil_mode": True},
     (2, 3, 7, 6)),
    ("MaxPool3d", (2,), {"stride": 1, "padding": (1, 0, 1)}, (1, 2, 3, 4, 3)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False, "ceil_mode": True},
     (2, 3, 8)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1}, (2, 3, 7, 6)),
    ("AvgPool2d", (2,), {"ceil_mode": True, "divisor_override": 3}, (2, 3, 5, 5)),
    ("AvgPool2d", (2,), {}, (2, 3, 6, 5)),  # windows that tile the input: no im2col
    ("AvgPool3d", (2,), {"stride": (1, 2, 2), "padding": 1, "count_include_pad": False}, (1, 2, 3, 4, 5)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 10)),
    ("AdaptiveAvgPool2d", ((3, None),), {}, (2, 3, 7, 5)),
    ("AdaptiveAvgPool2d", (1,), {}, (2, 3, 7, 5)),
    ("AdaptiveAvgPool3d", ((2, 3, 1),), {}, (1, 2, 5, 4, 3)),
    ("AdaptiveMaxPool1d", (3,), {}, (2, 3, 10)),
    ("AdaptiveMaxPool2d", ((4, 3),), {"return_indices": True}, (2, 3, 7, 5)),
    ("AdaptiveMaxPool3d", (2,), {}, (1, 2, 5, 4, 3)),
    ("Upsample", (), {"scale_factor": 2}, (2, 3, 4, 5)),
    ("Upsample", (), {"size": (7, 3), "mode": "bilinear"}, (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": 1.5, "mode": "bicubic", "align_corners": True}, (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": (2, 0.5, 1.5), "mode": "trilinear"}, (1, 2, 3, 4, 2)),
    ("Upsample", (), {"size": 7, "mode": "linear", "recompute_scale_factor": None}, (2, 3, 4)),
    ("UpsamplingNearest2d", (), {"scale_factor": 3}, (1, 2, 3, 2)),
    ("UpsamplingBilinear2d", (), {"size": (5, 6)}, (1, 2, 3, 2)),
    ("PixelShuffle", (2,), {}, (2, 8, 3, 2)),
    ("PixelUnshuffle", (2,), {}, (2, 2, 4, 6)),
    ("Unfold", ((2, 3),), {"dilation": (1, 2), "padding": 1, "stride": 2}, (2, 3, 6, 7)),
    ("Fold", ((5, 6), 2), {"stride": (1, 2), "padding": 1}, (2, 8, 24)),
    ("Unflatten", (1, (2, -1)), {}, (3, 6, 2)),
    ("ZeroPad2d", ((1, 2, 0, 1),), {}, (2, 3, 3, 4)),
    ("ConstantPad1d", (2, -1.5), {}, (2, 3)),
    ("ConstantPad3d", ((1, 0, 0, 1, 2, 0), 0.5), {}, (1, 2, 2, 3)),
    ("ReflectionPad1d", ((2, 1),), {}, (2, 3, 4)),
    ("ReflectionPad2d", (1,), {}, (2, 3, 3, 4)),
    ("ReflectionPad3d", (1,), {}, (1, 2, 3, 2, 3)),
    ("ReplicationPad2d", ((3, 0, 1, 2),), {}, (2, 3, 3, 4)),
    ("CircularPad2d", ((2, 1, 1, 3),), {}, (3, 3, 4)),
    ("CircularPad1d", (2,), {}, (2, 3, 4)),
]


@pytest.mark.parametrize(("cls", "args", "kwargs", "shape"), POOLS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(POOLS)])
def test_pooling_and_resampling_layers_match_torch(cls: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                                                   shape: tuple[int, ...]) -> None:
    ours, theirs = getattr(mg.nn, cls)(*args, **kwargs), getattr(torch.nn, cls)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    _compare_layer(ours, theirs, shape, seed=len(POOLS), call=_pool_call)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_max_pool_indices_and_unpool_match_torch(nd: int) -> None:
    rng = np.random.default_rng(nd)
    x = rng.permutation(2 * 3 * 6**nd).reshape(2, 3, *(6,) * nd).astype(np.float64)
    args: dict[str, Any] = {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}
    pool_m, pool_t = getattr(mg.nn, f"MaxPool{nd}d"), getattr(torch.nn, f"MaxPool{nd}d")
    ym, im = pool_m(**args, return_indices=True)(mg.tensor(x))
    yt, it = pool_t(**args, return_indices=True)(torch.tensor(x))
    assert_close(ym, yt)
    np.testing.assert_array_equal(im.numpy(), it.numpy())
    assert im.dtype == np.int64
    # non-overlapping windows: every index once, so unpooling is exact
    ym, im = pool_m(2, return_indices=True)(mg.tensor(x))
    yt, it = pool_t(2, return_indices=True)(torch.tensor(x))
    unpool_m, unpool_t = getattr(mg.nn, f"MaxUnpool{nd}d")(2), getattr(torch.nn, f"MaxUnpool{nd}d")(2)
    src = rng.standard_normal(ym.shape)
    sm, st = mg.tensor(src, requires_grad=True), torch.tensor(src, requires_grad=True)
    out_m, out_t = unpool_m(sm, im, output_size=x.shape), unpool_t(st, it, output_size=x.shape)
    assert_close(out_m, out_t)
    g = rng.standard_normal(x.shape)
    out_m.backward(mg.tensor(g))
    out_t.backward(torch.tensor(g))
    assert_close(sm.grad, st.grad)


def test_pooling_ties_and_nan_route_the_gradient_as_torch() -> None:
    x = np.zeros((1, 2, 4, 4))
    x[0, 0, 0, 1] = np.nan
    x[0, 0, 2:, 2:] = [[1, 1], [1, 0]]
    x[0, 1] = 3.0  # every window tied
    for kwargs in ({"kernel_size": 2}, {"kernel_size": 3, "stride": 1, "padding": 1}):
        mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        (ym, im), (yt, it) = (mg.nn.functional.max_pool2d(mx, return_indices=True, **kwargs),
                              torch.nn.functional.max_pool2d(tx, return_indices=True, **kwargs))
        np.testing.assert_array_equal(ym.detach().numpy(), yt.detach().numpy())
        np.testing.assert_array_equal(im.numpy(), it.numpy())
        g = np.arange(ym.numel(), dtype=np.float64).reshape(ym.shape) + 1
        ym.backward(mg.tensor(g))
        yt.backward(torch.tensor(g))
        np.testing.assert_array_equal(mx.grad.numpy(), tx.grad.numpy())


def _nonfinite_planes() -> np.ndarray:
    """(1, 3, 5, 5): two NaNs in one window, a plane of -inf (padding must not win it), an inf."""
    x = np.random.default_rng(3).standard_normal((1, 3, 5, 5))
    x[0, 0, 0, 1] = x[0, 0, 1, 0] = np.nan
    x[0, 1] = -np.inf
    x[0, 2, 3, 3] = np.inf
    return x


@pytest.mark.parametrize(("fn", "kwargs"), [
    ("max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("max_pool2d", {"kernel_size": 2, "dilation": 2, "padding": 1}),
    ("adaptive_max_pool2d", {"output_size": (2, 3)}),
])
def test_max_pooling_picks_the_nan_and_index_torch_picks(fn: str, kwargs: dict[str, Any]) -> None:
    """PyTorch's kernels keep the last NaN of a window, and a real element over padding on ties."""
    x = _nonfinite_planes()
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ym, im) = getattr(mg.nn.functional, fn)(mx, return_indices=True, **kwargs)
    (yt, it) = getattr(torch.nn.functional, fn)(tx, return_indices=True, **kwargs)
    np.testing.assert_array_equal(ym.detach().numpy(), yt.detach().numpy())
    np.testing.assert_array_equal(im.numpy(), it.numpy())
    g = np.arange(ym.numel(), dtype=np.float64).reshape(ym.shape) + 1
    ym.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(mx.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize(("fn", "kwargs"), [
    ("adaptive_avg_pool2d", {"output_size": (3, 2)}),
    ("avg_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("interpolate", {"size": (5, 5), "mode": "bilinear"}),
    ("interpolate", {"size": (7, 3), "mode": "bilinear"}),
    ("interpolate", {"size": (3, 4), "mode": "area"}),
])
def test_averages_keep_nan_and_inf_where_torch_does(fn: str, kwargs: dict[str, Any]) -> None:
    """A NaN or inf reaches exactly the outputs (and gradients) whose windows hold it, as in PyTorch."""
    x = _nonfinite_planes()
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ym = getattr(mg.nn.functional, fn)(mx, **kwargs)
    yt = getattr(torch.nn.functional, fn)(tx, **kwargs)
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=RTOL, atol=ATOL)
    g = np.random.default_rng(4).standard_normal(ym.shape)
    ym.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=RTOL, atol=ATOL)


def test_integer_average_pooling_truncates_exactly_as_torch() -> None:
    """int64 means round toward zero in integer arithmetic (no float detour, exact near 2**63)."""
    x = np.array([[[[-7, 5, 3, -2, 9, 2**62, 2**62 - 1, 3]]]], dtype=np.int64)
    for kwargs in ({"kernel_size": (1, 2), "stride": 1}, {"kernel_size": (1, 3), "padding": (0, 1)},
                   {"kernel_size": (1, 2), "divisor_override": -3}, {"kernel_size": (1, 3), "ceil_mode": True,
                                                                     "count_include_pad": False}):
        ours = mg.nn.functional.avg_pool2d(mg.tensor(x), **kwargs)
        theirs = torch.nn.functional.avg_pool2d(torch.tensor(x), **kwargs)
        assert ours.dtype == np.int64
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_interpolate_float32_index_rules_match_torch() -> None:
    """Nearest's scale is a float32 in PyTorch: sizes where float64 would pick other pixels."""
    x = np.arange(2 * 3 * 13 * 17, dtype=np.float32).reshape(2, 3, 13, 17)
    for kwargs in ({"size": (29, 7)}, {"scale_factor": 1.7}, {"scale_factor": (0.3, 2.9)},
                   {"size": (26, 34)}, {"size": (5, 9), "mode": "nearest-exact"}):
        for dt in (np.float32, np.float64):
            ours = mg.nn.functional.interpolate(mg.tensor(x.astype(dt)), **kwargs)
            theirs = torch.nn.functional.interpolate(torch.tensor(x.astype(dt)), **kwargs)
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("size", [5, 14, 24])  # 1, 100 and 400 windows: both ways of summing the batch
@pytest.mark.parametrize("upstream", ["random", "sum"])  # sum: a broadcast gradient (stride 0)
def test_conv_weight_gradient_few_and_many_windows(size: int, upstream: str) -> None:
    """The weight's gradient sums products over the batch either per image or as one product."""
    require_torch()
    rng = np.random.default_rng(size)
    x, w = rng.standard_normal((6, 3, size, size)), rng.standard_normal((4, 3, 5, 5))
    grads = []
    for lib in (mg, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt)
        if upstream == "sum":
            y.sum().backward()
        else:
            y.backward(lib.tensor(np.random.default_rng(1).standard_normal(tuple(y.shape))))
        grads.append((wt.grad, xt.grad))
    assert_close(grads[0][0], grads[1][0], rtol=RTOL, atol=ATOL)
    assert_close(grads[0][1], grads[1][1], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("bias", [True, False])
def test_linear_on_a_batch_of_sequences_weight_gradient(bias: bool) -> None:
    """(B, T, in) input: the weight's gradient is one product over all B * T rows, C-ordered like w."""
    require_torch()
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((4, 7, 5)), rng.standard_normal((3, 5)), rng.standard_normal(3)
    out = []
    for lib in (mg, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.linear(xt, wt, lib.tensor(b) if bias else None)
        (y * y).sum().backward()
        out.append((wt.grad, xt.grad))
    assert_close(out[0][0], out[1][0], rtol=RTOL, atol=ATOL)
    assert_close(out[0][1], out[1][1], rtol=RTOL, atol=ATOL)
    assert out[0][0].numpy().flags.c_contiguous


@pytest.mark.parametrize(("nd", "shape", "out"), [
    (2, (4, 16, 7, 7), 1), (2, (16, 7, 7), (1, 1)), (1, (4, 8, 30), 1), (3, (2, 3, 4, 6, 8), 1),  # global
    (2, (4, 8, 14, 14), 7), (2, (4, 8, 14, 14), (7, 2)), (2, (4, 8, 14, 14), (None, 7)),  # equal bins
    (1, (4, 8, 30), 10), (3, (2, 3, 4, 6, 8), (2, 3, 4)), (2, (4, 8, 14, 14), 5),  # (uneven: gathered)
])
def test_adaptive_average_pooling_takes_torchs_path(nd: int, shape: tuple[int, ...], out: Any) -> None:
    # global pooling is PyTorch's mean (MeanBackward1); equal bins its kernel's sum / kh / kw; a gather
    # per dim made a ResNet's global pool on (16, 64, 7, 7) 9x slower than PyTorch
    torch = require_torch()
    rng = np.random.default_rng(5)
    x = rng.standard_normal(shape)
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours = getattr(mg.nn.functional, f"adaptive_avg_pool{nd}d")(mx, out)
    theirs = getattr(torch.nn.functional, f"adaptive_avg_pool{nd}d")(tx, out)
    assert ours.grad_fn is not None and ours.grad_fn.name() == theirs.grad_fn.name()
    g = rng.standard_normal(tuple(theirs.shape))
    ours.backward(mg.tensor(g))
    theirs.backward(torch.tensor(g))
    assert_close(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert mx.grad is not None and tx.grad is not None
    assert_close(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("shape", "k"), [
    ((16, 16, 28, 28), 2), ((4, 8, 12, 12), 3), ((4, 8, 12, 12), (2, 3)), ((8, 4, 30), 3),
])
def test_tiling_average_pools_add_each_window_as_torch(shape: tuple[int, ...], k: Any) -> None:
    # each window summed term by term in row-major order (PyTorch's kernel), not by numpy's reduce per
    # output (13x slower on 2 x 2 windows): the float32 outputs and gradients equal PyTorch's bit for bit
    torch = require_torch()
    x = np.random.default_rng(8).standard_normal(shape).astype(np.float32) * 3
    nd = len(shape) - 2
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours = getattr(mg.nn.functional, f"avg_pool{nd}d")(mx, k)
    theirs = getattr(torch.nn.functional, f"avg_pool{nd}d")(tx, k)
    assert ours.detach().numpy().tobytes() == theirs.detach().numpy().tobytes()
    g = np.random.default_rng(9).standard_normal(tuple(theirs.shape)).astype(np.float32)
    ours.backward(mg.tensor(g))
    theirs.backward(torch.tensor(g))
    assert mx.grad is not None and tx.grad is not None
    assert mx.grad.numpy().tobytes() == tx.grad.numpy().tobytes()
