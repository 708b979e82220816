"""torch.nn.functional corners against PyTorch 2.13: convolution, pooling, resampling, losses (hunt24)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_adaptive_avg_pool_of_an_empty_spatial_dim_raises(nd: int) -> None:
    require_torch()
    shape = (1, 1, 0) + (4,) * (nd - 1)
    name = f"adaptive_avg_pool{nd}d"
    with pytest.raises(RuntimeError, match="non-zero size for non-batch dimensions"):
        getattr(torch.nn.functional, name)(torch.zeros(shape), 2)
    with pytest.raises(RuntimeError, match="non-zero size for non-batch dimensions"):
        getattr(mg.nn.functional, name)(mg.zeros(shape), 2)
    # an empty batch still pools, as PyTorch's
    theirs = getattr(torch.nn.functional, name)(torch.zeros((0, 2) + (4,) * nd), 2)
    ours = getattr(mg.nn.functional, name)(mg.zeros((0, 2) + (4,) * nd), 2)
    assert tuple(ours.shape) == tuple(theirs.shape)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("shape", "scale"), [((1, 2, 3), 1.3), ((1, 2, 5), 2.1), ((2, 1, 3, 3, 5), 1.3),
                                              ((1, 2, 5, 5, 5), (2.1, 1.3, 1.0)), ((1, 2, 3, 3), 1.3),
                                              ((1, 2, 5, 5), 2.1)])
def test_nearest_1d_and_3d_take_no_copy_shortcut(shape: tuple[int, ...], scale: object, dtype: str) -> None:
    require_torch()
    # PyTorch's 1-d and 3-d 'nearest' kernels floor dst / scale even when the size is kept or doubled
    # (only the 2-d kernel copies), so 3 elements scaled by 1.3 read [0, 0, 1]
    x = np.random.default_rng(0).standard_normal(shape)
    theirs = torch.nn.functional.interpolate(torch.tensor(x, dtype=getattr(torch, dtype)), scale_factor=scale)
    ours = mg.nn.functional.interpolate(mg.tensor(x, dtype=getattr(mg, dtype)), scale_factor=scale)
    assert_close(ours, theirs.numpy(), rtol=0, atol=0)


def test_nearest_1d_float64_floors_a_double_product() -> None:
    require_torch()
    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(1, 30))
        s = float(np.round(rng.uniform(0.3, 4), int(rng.integers(1, 4))))
        if int(n * s) < 1:
            continue
        x = np.arange(n, dtype=np.float64).reshape(1, 1, n)
        theirs = torch.nn.functional.interpolate(torch.tensor(x), scale_factor=s)
        ours = mg.nn.functional.interpolate(mg.tensor(x), scale_factor=s)
        assert_close(ours, theirs.numpy(), rtol=0, atol=0)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_grid_sample_of_an_empty_batch(mode: str) -> None:
    require_torch()
    x, grid = np.zeros((0, 2, 3, 3)), np.zeros((0, 2, 2, 2))
    theirs = torch.nn.functional.grid_sample(torch.tensor(x, requires_grad=True), torch.tensor(grid),
                                             mode=mode, align_corners=False)
    mx = mg.tensor(x, requires_grad=True)
    ours = mg.nn.functional.grid_sample(mx, mg.tensor(grid), mode=mode, align_corners=False)
    assert tuple(ours.shape) == tuple(theirs.shape)
    ours.sum().backward()
    assert mx.grad is not None and tuple(mx.grad.shape) == (0, 2, 3, 3)


def _both_raise(cls: type[BaseException], call: object) -> None:
    """call(lib) raises cls for torch and for minigrad."""
    for lib in (torch, mg):
        with pytest.raises(cls):
            call(lib)  # type: ignore[operator]


def test_argument_errors_are_torch_classes() -> None:
    require_torch()
    x = np.zeros((1, 4, 4, 4), dtype=np.float32)
    # a float pad, a float upscale factor, a None or float size, a string padding of a transposed conv:
    # PyTorch's argument parser raises TypeError
    _both_raise(TypeError, lambda lib: lib.nn.functional.pad(lib.tensor(x), (2.0, 1)))
    _both_raise(TypeError, lambda lib: lib.nn.functional.pixel_shuffle(lib.tensor(x), 2.0))
    _both_raise(TypeError, lambda lib: lib.nn.functional.pixel_unshuffle(lib.tensor(x), 2.0))
    _both_raise(TypeError, lambda lib: lib.nn.functional.interpolate(lib.tensor(x), size=(3, None)))
    _both_raise(TypeError, lambda lib: lib.nn.functional.interpolate(lib.tensor(x), size=3.0))
    w = np.zeros((4, 2, 3, 3), dtype=np.float32)
    _both_raise(TypeError, lambda lib: lib.nn.functional.conv_transpose2d(lib.tensor(x), lib.tensor(w),
                                                                          padding="same"))
    _both_raise(TypeError, lambda lib: lib.nn.ConvTranspose2d(4, 4, 3, padding="same")(lib.tensor(x)))
    # an unknown cdist compute_mode is a ValueError; normalize of integers a RuntimeError
    a = np.zeros((3, 2), dtype=np.float32)
    _both_raise(ValueError, lambda lib: lib.cdist(lib.tensor(a), lib.tensor(a), compute_mode="foo"))
    _both_raise(RuntimeError, lambda lib: lib.nn.functional.normalize(lib.arange(6).reshape(2, 3)))
    # per_sample_weights outside mode 'sum' is a feature PyTorch lacks: NotImplementedError
    idx, table = np.array([[0, 2], [1, 1]]), np.zeros((3, 2), dtype=np.float32)
    _both_raise(NotImplementedError, lambda lib: lib.nn.functional.embedding_bag(
        lib.tensor(idx), lib.tensor(table), mode="mean", per_sample_weights=lib.ones(2, 2)))


@pytest.mark.parametrize(("fn", "shape", "kwargs"), [
    ("fold", (12, 9), {"output_size": (4,), "kernel_size": 2}),
    ("fold", (2, 12, 9), {"output_size": (4, 4, 4), "kernel_size": 2}),
    ("fold", (2, 12, 9), {"output_size": (4, 4), "kernel_size": (2,)}),
    ("unfold", (1, 3, 4, 4), {"kernel_size": [2]}),
    ("unfold", (1, 3, 4, 4), {"kernel_size": 2, "stride": (1,)}),
    ("unfold", (1, 3, 4, 4), {"kernel_size": 2, "padding": (1,)}),
])
def test_fold_sizes_must_hold_two_ints(fn: str, shape: tuple[int, ...], kwargs: dict[str, object]) -> None:
    require_torch()
    # unlike conv and pooling, fold/unfold do not repeat a one-element size
    x = np.zeros(shape, dtype=np.float32)
    with pytest.raises(RuntimeError, match="It is expected"):
        getattr(torch.nn.functional, fn)(torch.tensor(x), **kwargs)
    with pytest.raises(RuntimeError, match="It is expected"):
        getattr(mg.nn.functional, fn)(mg.tensor(x), **kwargs)


@pytest.mark.parametrize("train", [True, False])
def test_instance_norm_statistics_may_differ_in_dtype_but_not_weights(train: bool) -> None:
    require_torch()
    x = np.random.default_rng(2).random((2, 3, 4))
    stats = (np.array([0.1, 0.0, -0.2], dtype=np.float32), np.array([1.5, 0.7, 1.0], dtype=np.float32))
    # float32 running statistics with a float64 input: PyTorch casts them (eval) or updates them (train)
    theirs = torch.nn.InstanceNorm1d(3, track_running_stats=True)
    ours = mg.nn.InstanceNorm1d(3, track_running_stats=True)
    for m, lib in ((theirs, torch), (ours, mg)):
        m.running_mean.copy_(lib.tensor(stats[0]))
        m.running_var.copy_(lib.tensor(stats[1]))
        m.train(train)
    assert_close(ours(mg.tensor(x)), theirs(torch.tensor(x)).detach().numpy())
    assert_close(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-6)  # (float32 rounding)
    assert ours.running_mean.dtype == mg.float32
    # float32 affine weights with a float64 input: PyTorch's mixed dtype error
    with pytest.raises(RuntimeError, match="mixed dtype"):
        torch.nn.InstanceNorm1d(3, affine=True).train(train)(torch.tensor(x))
    with pytest.raises(RuntimeError, match="mixed dtype"):
        mg.nn.InstanceNorm1d(3, affine=True).train(train)(mg.tensor(x))


@pytest.mark.parametrize("smoothing", [-0.1, -5.0])
@pytest.mark.parametrize("probabilities", [False, True])
def test_cross_entropy_negative_label_smoothing_is_none(smoothing: float, probabilities: bool) -> None:
    require_torch()
    logits = np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 3.0]])
    target = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]) if probabilities else np.array([1, 0])
    tx, mx = torch.tensor(logits, requires_grad=True), mg.tensor(logits, requires_grad=True)
    theirs = torch.nn.functional.cross_entropy(tx, torch.tensor(target), label_smoothing=smoothing)
    ours = mg.nn.functional.cross_entropy(mx, mg.tensor(target), label_smoothing=smoothing)
    assert_close(ours, theirs.detach().numpy())
    theirs.backward()
    ours.backward()
    assert_close(mx.grad, tx.grad.numpy())


@pytest.mark.parametrize(("mode", "shape", "size"), [
    ("linear", (1, 1, 4), (20,)), ("linear", (1, 1, 3), (9,)), ("bilinear", (1, 2, 3, 4), (9, 20)),
    ("bicubic", (1, 1, 4, 3), (20, 9)), ("trilinear", (1, 1, 2, 3, 4), (5, 9, 20))])
def test_float64_linear_source_index_is_floored_as_a_float(mode: str, shape: tuple[int, ...],
                                                           size: tuple[int, ...]) -> None:
    require_torch()
    # PyTorch floors a double source position with floorf (1 - 2e-16 becomes 1): an inf next to an output
    # that sits on a pixel reaches it (inf) or not (finite), never as 0 * inf (nan)
    rng = np.random.default_rng(3)
    for flat in range(int(np.prod(shape))):
        x = rng.random(shape)
        x.flat[flat] = np.inf
        theirs = torch.nn.functional.interpolate(torch.tensor(x), size=size, mode=mode)
        ours = mg.nn.functional.interpolate(mg.tensor(x), size=size, mode=mode)
        assert_close(ours, theirs.numpy())


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize(("n", "o"), [(11, 5), (2, 5), (16, 3), (5, 8)])
def test_antialias_ignores_what_lies_past_a_window(mode: str, n: int, o: int) -> None:
    require_torch()
    rng = np.random.default_rng(4)
    for pos in range(n):
        x = rng.random((1, 1, 2, n))
        x[..., pos] = np.inf
        if (n, o, pos, mode) == (11, 5, 5, "bicubic"):
            continue  # (a filter weight PyTorch rounds to a tiny number and numpy to 0 there)
        theirs = torch.nn.functional.interpolate(torch.tensor(x), size=(2, o), mode=mode, antialias=True)
        ours = mg.nn.functional.interpolate(mg.tensor(x), size=(2, o), mode=mode, antialias=True)
        assert_close(ours, theirs.numpy())


def test_loss_weights_of_another_dtype() -> None:
    require_torch()
    rng = np.random.default_rng(5)
    x, t, w = rng.random((4, 3)), rng.random((4, 3)), np.array([1.0, 0.0, 3.0])
    # binary_cross_entropy multiplies a float64 weight into a float32 loss in place: float32 out
    theirs = torch.nn.functional.binary_cross_entropy(torch.tensor(x, dtype=torch.float32),
                                                      torch.tensor(t, dtype=torch.float32), torch.tensor(w))
    ours = mg.nn.functional.binary_cross_entropy(mg.tensor(x, dtype=mg.float32),
                                                 mg.tensor(t, dtype=mg.float32), mg.tensor(w))
    assert ours.dtype == mg.float32 and theirs.dtype == torch.float32
    assert_close(ours, theirs.numpy(), rtol=1e-6)
    # multi_margin_loss reads the weight in the input's dtype: another one is PyTorch's RuntimeError
    y = np.array([0, 2, 1, 2])
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Double"):
        torch.nn.functional.multi_margin_loss(torch.tensor(x, dtype=torch.float32), torch.tensor(y),
                                              weight=torch.tensor(w))
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Double"):
        mg.nn.functional.multi_margin_loss(mg.tensor(x, dtype=mg.float32), mg.tensor(y), weight=mg.tensor(w))
