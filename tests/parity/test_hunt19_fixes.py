"""Regressions found by the hunt19 differential fuzzer (minigrad.nn modules and losses built as a training
script builds them, against torch.nn): each test fails before its fix and compares numbers, gradients or error
classes with torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch, same_error_or_value


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("concatenated", [True, False])
def test_ctc_loss_with_every_target_empty(reduction: str, concatenated: bool) -> None:
    """CTCLoss where every target is empty (target_lengths all 0): the extended label sequence is one blank,
    and minigrad indexed its second column (IndexError); PyTorch gives -sum(log p(blank)) per sequence."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    lp = rng.standard_normal((5, 3, 4))
    lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
    targets = np.zeros((0,) if concatenated else (3, 2), dtype=np.int64)
    lengths = np.array([5, 3, 1])

    def run(lib: Any) -> tuple[Any, Any]:
        x = lib.tensor(lp, requires_grad=True)
        loss = lib.nn.CTCLoss(blank=1, reduction=reduction)(x, lib.tensor(targets), lib.tensor(lengths),
                                                            lib.tensor(np.zeros(3, dtype=np.int64)))
        loss.sum().backward()
        return loss, x.grad

    (tl, tg), (ml, mgrad) = run(torch), run(mg)
    np.testing.assert_allclose(ml.detach().numpy(), tl.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(mgrad.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_of_empty_bags_stays_on_the_graph(mode: str) -> None:
    """EmbeddingBag(mode='max') with every bag empty returned zeros cut off from the weight (no grad_fn), so
    loss.backward() raised; PyTorch's zeros require grad and give the weight a zero gradient."""
    torch = require_torch()

    def run(lib: Any) -> tuple[Any, Any]:
        bag = lib.nn.EmbeddingBag(5, 3, mode=mode)
        out = bag(lib.zeros(0, dtype=lib.int64), lib.tensor([0, 0]))
        out.sum().backward()
        return out, bag.weight.grad

    (to, tg), (mo, mgrad) = run(torch), run(mg)
    assert mo.requires_grad == to.requires_grad
    np.testing.assert_array_equal(mo.detach().numpy(), to.detach().numpy())
    np.testing.assert_array_equal(mgrad.numpy(), tg.numpy())


@pytest.mark.parametrize(("shape", "kernel", "out"), [
    ((1, 1, 6, 6, 7), 3, (4, 4, 4)),      # time: 4 + 3 - 1 == 6, refused in 3-D
    ((1, 1, 6, 6, 7), (1, 3, 1), (6, 3, 7)),
    ((1, 1, 6, 6, 7), (1, 1, 1), (6, 6, 7)),
    ((1, 1, 6, 6, 7), 3, (3, 3, 4)),      # fits
    ((1, 1, 6, 6), 3, (4, 4)),            # 2-D allows equality
    ((1, 1, 6, 6), 3, (5, 4)),
])
def test_fractional_max_pool3d_window_must_end_before_the_input(shape: Any, kernel: Any, out: Any) -> None:
    """PyTorch's 3-D fractional max pool requires output + pool - 1 < input (strictly; the 2-D one allows
    equality); minigrad used the 2-D bound for both and pooled where PyTorch raises a RuntimeError."""
    x = np.random.default_rng(1).standard_normal(shape)
    samples = np.full((1, 1, len(shape) - 2), 0.3)
    fn = "fractional_max_pool3d" if len(shape) == 5 else "fractional_max_pool2d"
    same_error_or_value(lambda lib: getattr(lib.nn.functional, fn)(
        lib.tensor(x), kernel, output_size=out, _random_samples=lib.tensor(samples)))


@pytest.mark.parametrize("nd", [1, 3])
def test_max_unpool_to_an_empty_output(nd: int) -> None:
    """MaxUnpool whose default output size is 0 (kernel 2, stride 3, padding 1 over one pooled position):
    PyTorch returns the empty tensor without checking indices; minigrad raised 'invalid max index 0'."""
    x = np.random.default_rng(2).standard_normal((2, 2) + (2,) * nd)

    def form(lib: Any) -> Any:
        pool = getattr(lib.nn, f"MaxPool{nd}d")(2, stride=3, padding=1, return_indices=True)
        y, i = pool(lib.tensor(x))
        return getattr(lib.nn, f"MaxUnpool{nd}d")(2, stride=3, padding=1)(y, i)
    same_error_or_value(form)


@pytest.mark.parametrize("lazy", [True, False])
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_batch_norm_without_weights_or_statistics_takes_any_channel_count(lazy: bool, nd: int) -> None:
    """BatchNorm with affine=False and track_running_stats=False has nothing sized by num_features, and
    PyTorch normalizes any channel count; minigrad insisted on num_features, so a LazyBatchNorm with both
    off (num_features stays 0, as PyTorch's) could not run at all."""
    x = np.random.default_rng(3).standard_normal((4, 3) + (2,) * nd)

    def form(lib: Any) -> Any:
        if lazy:
            bn = getattr(lib.nn, f"LazyBatchNorm{nd}d")(affine=False, track_running_stats=False)
        else:
            bn = getattr(lib.nn, f"BatchNorm{nd}d")(5, affine=False, track_running_stats=False)
        return bn(lib.tensor(x))
    same_error_or_value(form)


@pytest.mark.parametrize(("affine", "tracked"), [(True, False), (False, True)])
def test_batch_norm_channel_mismatch_still_raises(affine: bool, tracked: bool) -> None:
    """With a weight or running statistics the channel count must match (PyTorch's RuntimeError)."""
    same_error_or_value(lambda lib: lib.nn.BatchNorm2d(3, affine=affine, track_running_stats=tracked)(
        lib.ones(2, 5, 2, 2)))


@pytest.mark.parametrize(("x_shape", "t_shape"), [
    ((1, 1, 1), (2,)), ((), (2,)), ((2, 1), (1, 3)), ((3,), (2, 3)),
    ((2, 3), (3,)), ((2, 3), ()), ((2, 3), (4,))])
@pytest.mark.parametrize("reduction", ["none", "mean"])
def test_soft_margin_loss_target_must_broadcast_to_the_input(x_shape: Any, t_shape: Any,
                                                              reduction: str) -> None:
    """soft_margin_loss writes into an output of the input's shape: a target that would grow it is PyTorch's
    RuntimeError ("output with shape [] doesn't match the broadcast shape [2]"); minigrad broadcast both."""
    x = np.random.default_rng(4).standard_normal(x_shape)
    same_error_or_value(lambda lib: lib.nn.SoftMarginLoss(reduction=reduction)(
        lib.tensor(x), lib.ones(t_shape, dtype=lib.float64)))


@pytest.mark.parametrize(("x_dtype", "t_dtype"), [("float32", "float64"), ("float64", "float32"),
                                                  ("float32", "int64"), ("float32", "bool"),
                                                  ("float64", "float16"), ("int64", "float32")])
@pytest.mark.parametrize("delta", [1.0, 0.5])
def test_huber_loss_of_two_dtypes_without_gradient(x_dtype: str, t_dtype: str, delta: float) -> None:
    """HuberLoss of a float32 prediction against a float64 (or int, bool) target, as a validation loop
    computes it: PyTorch's kernel computes in the common dtype into an output of the input's dtype (its
    backward refuses the pair); minigrad refused the forward too."""
    x = np.array([0.3, -1.2, 2.5, 0.25, 0.5000001])
    t = np.array([0.1, 0.5, -3.0, 0.0, 1.0])
    same_error_or_value(lambda lib: lib.nn.HuberLoss(reduction="none", delta=delta)(
        lib.tensor(x, dtype=getattr(lib, x_dtype)), lib.tensor(t).to(getattr(lib, t_dtype))))


def test_huber_loss_of_two_dtypes_has_no_gradient() -> None:
    """With a gradient wanted, both refuse the pair with a RuntimeError (PyTorch in backward)."""
    torch = require_torch()
    errors = []
    for lib in (torch, mg):
        x = lib.tensor([0.3, -1.2], requires_grad=True)
        try:
            lib.nn.HuberLoss()(x, lib.tensor([0.1, 0.5], dtype=lib.float64)).backward()
        except RuntimeError as e:
            errors.append(e)
    assert len(errors) == 2


@pytest.mark.parametrize("loss", ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss"])
@pytest.mark.parametrize(("x_shape", "t_shape", "x_dtype", "t_dtype"), [
    ((), (3,), "float32", "float16"), ((3,), (), "float16", "float32"), ((), (2, 3), "float64", "float32"),
    ((2, 3), (), "float32", "float64"), ((), (3,), "float32", "float32")])
def test_pointwise_loss_of_a_0d_side_takes_the_broadcast_dtype(loss: str, x_shape: Any, t_shape: Any,
                                                                x_dtype: str, t_dtype: str) -> None:
    """mse/l1/smooth_l1/huber broadcast input and target first (torch.broadcast_tensors), so a 0-d float32
    prediction against a float16 (3,) target is float32, not float16 by the 0-d promotion rule."""
    rng = np.random.default_rng(6)
    x, t = rng.standard_normal(x_shape), rng.standard_normal(t_shape)

    def form(lib: Any) -> Any:
        with lib.no_grad():
            return getattr(lib.nn, loss)(reduction="none")(lib.tensor(x, dtype=getattr(lib, x_dtype)),
                                                           lib.tensor(t, dtype=getattr(lib, t_dtype)))
    with pytest.warns(UserWarning):
        same_error_or_value(form)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_ctc_loss_takes_float_targets_as_long(dtype: str) -> None:
    """ctc_loss converts its targets with targets.to(long) (floats truncated); minigrad refused floats."""
    rng = np.random.default_rng(7)
    lp = rng.standard_normal((4, 2, 5))
    lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
    targets = np.array([[1.7, 2.0], [3.2, 3.9]])
    same_error_or_value(lambda lib: lib.nn.functional.ctc_loss(
        lib.tensor(lp), lib.tensor(targets).to(getattr(lib, dtype)), lib.tensor([4, 3]), lib.tensor([2, 2])))


@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [True, False])
def test_poisson_nll_loss_full_refuses_a_bool_target(log_input: bool, full: bool) -> None:
    """PoissonNLLLoss(full=True) subtracts the target in its Stirling term: a bool target is PyTorch's
    RuntimeError ("Subtraction, the `-` operator, with a bool tensor is not supported"); minigrad answered."""
    same_error_or_value(lambda lib: lib.nn.functional.poisson_nll_loss(
        lib.tensor([0.5, 1.5, 2.0]), lib.tensor([True, False, True]), log_input=log_input, full=full))


@pytest.mark.parametrize("args", [(0, 2), (0, 0), (0.0, 4), (3, 2), (2, 4)])
def test_group_norm_with_zero_groups_is_a_zero_division(args: Any) -> None:
    """GroupNorm(0, C): PyTorch computes num_channels % num_groups first (ZeroDivisionError); minigrad's
    InvalidParameterError was not one."""
    torch = require_torch()
    outcomes = []
    for lib in (torch, mg):
        try:
            outcomes.append(lib.nn.GroupNorm(*args).num_groups)
        except Exception as e:  # (the classes are compared)
            outcomes.append(e)
    theirs, ours = outcomes
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
    else:
        assert ours == theirs
