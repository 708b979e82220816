"""torch.nn.functional and nn layers against PyTorch 2.13: the disagreements fuzz57's differential fuzzer
(random argument combinations of convolutions, pooling, padding, resampling, losses and normalizations,
values, gradients, dtypes and error classes compared) found."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import outcome, require_torch

torch = pytest.importorskip("torch")


def _same(form: Any, rtol: float = 1e-10) -> None:
    """``form`` on both libraries: both raise (minigrad's error an instance of torch's class) or give equal
    arrays (NaN where torch's are)."""
    require_torch()
    theirs, ours = outcome(form, torch), outcome(form, mg)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
        return
    assert not isinstance(ours, Exception), ours
    for a, e in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, e, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("call", [
    "F.binary_cross_entropy_with_logits(x, t, weight=w)",
    "F.binary_cross_entropy_with_logits(x, t, pos_weight=w)",
    "F.binary_cross_entropy_with_logits(x.detach(), t, pos_weight=w)",
    "F.binary_cross_entropy(x.sigmoid(), t, weight=w)",
    "F.multi_margin_loss(x, L.tensor([0, 2]), weight=w)",
    "F.multi_margin_loss(x, L.tensor([0, 2]), p=2, weight=w, reduction='none')",
    "F.binary_cross_entropy_with_logits(x, t, weight=w.detach(), pos_weight=w.detach())",
])
@pytest.mark.parametrize("grad_mode", [True, False])
def test_loss_weights_without_a_gradient(call: str, grad_mode: bool) -> None:
    # PyTorch's kernels have no gradient for these weights: one that requires grad raises its RuntimeError
    # (in grad mode, whether or not the input needs one); minigrad gave it a gradient
    def run(lib: Any) -> Any:
        x = lib.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([0.5, 2.0, 1.0], dtype=lib.float64, requires_grad=True)
        t = lib.tensor([[1.0, 0.0, 0.5], [0.25, 1.0, 0.0]], dtype=lib.float64)
        with lib.set_grad_enabled(grad_mode):
            loss = eval(call, {"F": lib.nn.functional, "L": lib, "x": x, "w": w, "t": t})
        return (loss.detach().numpy(),)

    _same(run)


@pytest.mark.parametrize("kernel", [(2,), [3], 2, (2, 1)])
@pytest.mark.parametrize("p", [2.0, 1.5, float("inf")])
def test_lp_pool1d_kernel_size_must_be_an_int(kernel: Any, p: float) -> None:
    # PyTorch's lp_pool1d multiplies the window mean by kernel_size itself: a sequence is its TypeError
    # (after the avg_pool1d checks), except for p = inf (a max pool)
    def run(lib: Any) -> Any:
        x = lib.tensor(np.arange(1.0, 13.0).reshape(2, 6), requires_grad=True)
        y = lib.nn.functional.lp_pool1d(x, p, kernel)
        z = lib.nn.LPPool1d(p, kernel)(x)
        return y.detach().numpy(), z.detach().numpy()

    _same(run)


@pytest.mark.parametrize("shape", [(2, 3), (3,), (2, 3, 1), (2, 3, 4), (0, 3), (2, 3, 0)])
@pytest.mark.parametrize("use_input_stats", [True, False])
@pytest.mark.parametrize("stats", [True, False])
def test_instance_norm_of_a_2d_input(shape: tuple[int, ...], use_input_stats: bool, stats: bool) -> None:
    # PyTorch's instance_norm takes an (N, C) input with the running statistics (use_input_stats=False); a
    # 1-D input is its IndexError; minigrad refused anything below 3 dims with a ShapeError
    def run(lib: Any) -> Any:
        x = lib.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
        rm = lib.tensor([0.5, -1.0, 0.0], dtype=lib.float64) if stats else None
        rv = lib.tensor([2.0, 0.5, 1.0], dtype=lib.float64) if stats else None
        y = lib.nn.functional.instance_norm(x, rm, rv, use_input_stats=use_input_stats, momentum=0.5)
        (y * lib.arange(float(y.numel()), dtype=lib.float64).reshape(y.shape)).sum().backward()
        return (y.detach().numpy(), x.grad.numpy()) + ((rm.numpy(), rv.numpy()) if stats else ())

    _same(run)


@pytest.mark.parametrize("shape", [(3,), (1,), ()])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_of_a_1d_input_is_an_index_error(shape: tuple[int, ...], training: bool) -> None:
    # PyTorch's kernel reads the channel count at dim 1: an IndexError (after the training batch-size check,
    # a ValueError for one value); minigrad raised its ShapeError, a ValueError
    def run(lib: Any) -> Any:
        x = lib.ones(shape, dtype=lib.float64)
        rm, rv = lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)
        return (lib.nn.functional.batch_norm(x, rm, rv, training=training).numpy(),)

    _same(run)


@pytest.mark.parametrize("p", [-1.0, -2.5, -0.5])
def test_normalize_with_a_negative_p_and_a_zero_entry(p: float) -> None:
    # a vector holding a 0 has negative-p norm 0 (0 ** p is inf), so normalize divides it by eps; minigrad
    # left the zeros out of the sum (the norm of the other entries)
    def run(lib: Any) -> Any:
        x = lib.tensor([[0.0, 2.0, -3.0], [1.0, 2.0, 4.0]], dtype=lib.float64, requires_grad=True)
        y = lib.nn.functional.normalize(x, p, 1, eps=1e-3)
        y.backward(lib.tensor([[1.0, 2, 3], [4, 5, 6]], dtype=lib.float64))
        d = lib.nn.functional.pairwise_distance(x.detach(), x.detach() * 0.5, p)
        return y.detach().numpy(), x.grad.numpy(), d.numpy()

    _same(run)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("concat", [True, False])
def test_ctc_gradient_of_an_impossible_alignment_is_nan(reduction: str, concat: bool) -> None:
    # PyTorch's gradient of a sample's infinite loss (targets too long for its frames, zero_infinity off) is
    # NaN on the frames it uses, the other samples' as usual; minigrad's was zero
    def run(lib: Any) -> Any:
        x = lib.tensor(np.random.default_rng(1).standard_normal((4, 3, 3)), requires_grad=True)
        targets = lib.tensor([[1, 2, 1], [1, 1, 0], [2, 2, 0]])
        lengths = lib.tensor([3, 2, 1])
        if concat:
            targets = lib.tensor([1, 2, 1, 1, 1, 2])
        loss = lib.nn.functional.ctc_loss(x.log_softmax(-1), targets, lib.tensor([4, 1, 2]), lengths,
                                          reduction=reduction)
        loss.sum().backward()
        return loss.detach().numpy(), x.grad.numpy()

    _same(run, rtol=1e-9)


@pytest.mark.parametrize("shape", [(2, 2), (3,), (1, 2, 2, 2, 2, 2)])
@pytest.mark.parametrize("mode", ["nearest", "bilinear", "area"])
def test_recompute_scale_factor_with_a_size_before_the_rank(shape: tuple[int, ...], mode: str) -> None:
    # PyTorch's interpolate refuses recompute_scale_factor with an explicit size (ValueError) before it looks
    # at the input's rank (NotImplementedError); minigrad checked the rank first for an int size
    def run(lib: Any) -> Any:
        x = lib.ones(shape)
        return (lib.nn.Upsample(size=2, mode=mode, recompute_scale_factor=True)(x).numpy(),)

    _same(run)


@pytest.mark.parametrize("padding_mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [-1, (-1, 1), (1, -1)])
def test_conv_with_a_padding_mode_takes_a_negative_padding(padding_mode: str, padding: Any) -> None:
    # with a non-zero padding_mode PyTorch's Conv pads with F.pad, which crops for a negative pad: it builds
    # and runs; minigrad's constructor refused any negative padding
    def run(lib: Any) -> Any:
        lib.manual_seed(0)
        conv = lib.nn.Conv2d(2, 3, 2, padding=padding, padding_mode=padding_mode).double()
        x = lib.tensor(np.random.default_rng(2).standard_normal((2, 5, 6)), requires_grad=True)
        y = conv(x)
        (y * y).sum().backward()
        return y.detach().numpy(), x.grad.numpy(), conv.weight.grad.numpy()

    _same(run)


@pytest.mark.parametrize("pad", [(1, -3), (-3, 1), (2, -4), (0, -2), (1, -3, 1, 1), (1, 1, -2, 0), (3, -5)])
def test_circular_pad_to_an_empty_dim(pad: tuple[int, ...]) -> None:
    # PyTorch's circular pad whose negative amount leaves a dim of exactly 0 elements gives an empty result
    # (each positive amount at most the dim's size); minigrad said the crop removed too much
    def run(lib: Any) -> Any:
        x = lib.arange(8.0, dtype=lib.float64).reshape(2, 2, 2).requires_grad_()
        y = lib.nn.functional.pad(x, pad, "circular")
        (y * 2).sum().backward()
        return y.detach().numpy(), np.array(y.shape), x.grad.numpy()

    _same(run)


@pytest.mark.parametrize("shape", [(3, 1), (2, 3, 1), (3, 4)])
@pytest.mark.parametrize("call", ["F.adaptive_avg_pool1d(x, (None,))", "F.adaptive_avg_pool1d(x, [None])",
                                  "L.nn.AdaptiveAvgPool1d((None,))(x)", "F.adaptive_avg_pool1d(x, 1)"])
def test_adaptive_avg_pool1d_of_none_is_a_type_error_for_a_length_of_one(shape: tuple[int, ...],
                                                                        call: str) -> None:
    # PyTorch's adaptive_avg_pool1d takes ints only (None keeps a size for 2d and 3d pools); minigrad's
    # single-bin shortcut read (None,) as one bin when the length was 1
    def run(lib: Any) -> Any:
        x = lib.tensor(np.arange(float(np.prod(shape))).reshape(shape))
        return (eval(call, {"F": lib.nn.functional, "L": lib, "x": x}).numpy(),)

    _same(run)


@pytest.mark.parametrize("call", [
    "F.batch_norm(x, None, None, L.ones(1, 2, dtype=L.float64), L.ones(2, 1, 1, dtype=L.float64), True)",
    "F.batch_norm(x, rm, rv, L.full((2, 1), 2.0, dtype=L.float64), L.ones(1, 2, dtype=L.float64), False)",
    "F.batch_norm(x, rm.reshape(1, 2), rv, None, None, False)",
    "F.batch_norm(x[:1], None, None, L.ones(2), None, True)",  # (one value per channel before the dtypes)
    "F.batch_norm(x[:1].reshape(1, 2, 1), rm, rv, None, None, True)",
    "F.batch_norm(x[:0, :0], None, None, None, None, True)",
])
def test_batch_norm_weight_of_any_shape_holding_c_values(call: str) -> None:
    # PyTorch's batch_norm counts weight's and bias's elements (any shape holding C of them) and checks one
    # value per channel (training) before anything else; minigrad wanted (C,) and checked dtypes first
    # (PyTorch's backward then fails on a weight that is not 1-D: only the forward is compared)
    def run(lib: Any) -> Any:
        x = lib.tensor([[1.0, -2.0], [0.5, 3.0], [2.0, 0.25]], dtype=lib.float64)
        rm, rv = lib.tensor([0.5, -1.0], dtype=lib.float64), lib.tensor([2.0, 0.5], dtype=lib.float64)
        y = eval(call, {"F": lib.nn.functional, "L": lib, "x": x, "rm": rm, "rv": rv})
        return y.numpy(), rm.numpy(), rv.numpy()

    _same(run)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_of_a_half_input_with_float_statistics_is_half(training: bool) -> None:
    # PyTorch takes float32 statistics and weight for a float16 input and returns float16; minigrad
    # returned float32
    require_torch()
    out = []
    for lib in (torch, mg):
        x = lib.tensor(np.linspace(-2, 2, 24).reshape(3, 2, 4)).half().requires_grad_()
        rm, rv = lib.zeros(2), lib.full((2,), 2.0)
        w = lib.ones(2, requires_grad=True)
        y = lib.nn.functional.batch_norm(x, rm, rv, w, lib.zeros(2), training)
        y.float().sum().backward()
        names = tuple(str(t.dtype).split(".")[-1] for t in (y, x.grad, w.grad))
        out.append((*names, y.detach().float().numpy(), rm.numpy()))
    assert out[0][:3] == out[1][:3] == ("float16", "float16", "float32")
    np.testing.assert_allclose(out[1][3], out[0][3], atol=2e-3)
    np.testing.assert_allclose(out[1][4], out[0][4], rtol=1e-3)


@pytest.mark.parametrize("call", [
    "F.unfold(L.ones(2, 2, 3, 3, dtype=L.int64), 2)", "F.unfold(L.ones(1, 2, 3, 3, dtype=L.uint8), 2)",
    "F.fold(L.ones(2, 4, 4, dtype=L.int32), (3, 3), 2)", "F.unfold(L.ones(2, 2, 3, 3, dtype=L.bool), 2)",
    "F.fold(L.ones(1, 4, 4, dtype=L.bool), (3, 3), 2)",
    "F.unfold(L.ones(0, 3, 3), 2)", "F.unfold(L.ones(2, 0, 3, 3), 2)", "F.unfold(L.ones(0, 2, 3, 3), 2)",
    "F.unfold(L.ones(2, 3, 0), 1)", "F.fold(L.ones(0, 4), (3, 3), 2)", "F.fold(L.ones(2, 0, 4), (3, 3), 2)",
    "F.fold(L.ones(0, 4, 4), (3, 3), 2)", "F.unfold(L.ones(0, 2, 3, 3, dtype=L.int64), 2)",
])
def test_unfold_and_fold_dtypes_and_empty_dims(call: str) -> None:
    # PyTorch's im2col/col2im kernels take floats and bool only (NotImplementedError), and refuse an empty
    # dim other than a batch's (RuntimeError); minigrad computed both
    _same(lambda lib: (eval(call, {"F": lib.nn.functional, "L": lib}).numpy(),))


@pytest.mark.parametrize(("input_dtype", "grid_dtype"), [("int64", "float32"), ("int64", "int64"),
                                                         ("bool", "bool"), ("float32", "float64")])
@pytest.mark.parametrize("nd", [2, 3])
def test_grid_sample_of_an_integer_input(input_dtype: str, grid_dtype: str, nd: int) -> None:
    # PyTorch's grid_sampler kernels are float only (NotImplementedError, before the grid's dtype is
    # compared); minigrad sampled two integer tensors and named the dtype mismatch for the others
    def run(lib: Any) -> Any:
        x = lib.ones((1, 1) + (3,) * nd, dtype=getattr(lib, input_dtype))
        grid = lib.zeros((1,) + (2,) * nd + (nd,), dtype=getattr(lib, grid_dtype))
        return (lib.nn.functional.grid_sample(x, grid, align_corners=False).numpy(),)

    _same(run)


@pytest.mark.parametrize("p", [-1.0, float("inf"), float("-inf"), 2.0, -0.5])
@pytest.mark.parametrize("dim", [0, 1, -2])
def test_normalize_over_an_empty_dim(p: float, dim: int) -> None:
    # a negative or infinite p-norm over no elements has no identity: PyTorch's RuntimeError; minigrad gave
    # an empty result or amax's IndexError
    _same(lambda lib: (lib.nn.functional.normalize(lib.ones(0, 2), p, dim).numpy(),))


@pytest.mark.parametrize("dtype", ["int64", "float64"])
@pytest.mark.parametrize("output_size", [(1, 2), (2, 1, 5, 5), [5], (1, 2, 9)])
def test_max_unpool_checks_the_output_size_first(dtype: str, output_size: Any) -> None:
    # PyTorch's Python works out the output size (its ValueErrors) before its kernel looks at the dtype;
    # minigrad named the integer input first
    def run(lib: Any) -> Any:
        x = lib.ones(1, 2, 3, dtype=getattr(lib, dtype))
        return (lib.nn.functional.max_unpool1d(x, lib.zeros(1, 2, 3, dtype=lib.int64), 2,
                                               output_size=output_size).numpy(),)

    _same(run)
