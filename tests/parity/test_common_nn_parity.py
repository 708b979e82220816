"""Forms that PyTorch's own module and loss test tables (torch.testing._internal.common_nn) use and
minigrad got wrong, against torch in float64: unbatched margin losses, the deprecated size_average /
reduce arguments in their positional places, Hardtanh's old keyword names."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from tests.helpers import assert_close, require_torch

torch = require_torch()
tf = torch.nn.functional


def _both(x: np.ndarray) -> tuple[object, mg.Tensor]:
    return torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)


def _check(theirs: object, ours: mg.Tensor, tx: object, mx: mg.Tensor, seed: int = 0) -> None:
    """Same value and shape, and the same input gradient under a random upstream gradient."""
    assert tuple(ours.shape) == tuple(theirs.shape)  # type: ignore[attr-defined]
    assert_close(ours, theirs)
    g = np.random.default_rng(seed).normal(size=tuple(ours.shape))
    theirs.backward(torch.tensor(g))  # type: ignore[attr-defined]
    ours.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad)  # type: ignore[attr-defined]


@pytest.mark.parametrize("target_shape", [(), (1,)])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_multi_margin_loss_unbatched_keeps_target_shape(target_shape: tuple[int, ...],
                                                        reduction: str) -> None:
    """A (C,) input with a (1,) target gives a (1,) loss under 'none', a 0-d one with a 0-d target
    (common_nn's MultiMarginLoss_1d_no_reduce and its 0-d target twin)."""
    x = np.random.default_rng(1).normal(size=10)
    y = np.full(target_shape, 3)
    tx, mx = _both(x)
    _check(tf.multi_margin_loss(tx, torch.tensor(y), reduction=reduction),
           F.multi_margin_loss(mx, mg.tensor(y), reduction=reduction), tx, mx)


@pytest.mark.parametrize("fn", ["multi_margin_loss", "multilabel_margin_loss"])
@pytest.mark.parametrize("target_shape", [(), (1,)])
def test_margin_losses_take_a_0d_input_as_one_class(fn: str, target_shape: tuple[int, ...]) -> None:
    """A 0-d score is one class: the loss is 0 with a zero gradient (MultiLabelMarginLoss_0d_no_reduce)."""
    tx, mx = _both(np.array(0.7))
    y = np.zeros(target_shape, dtype=np.int64)
    for reduction in ("none", "mean"):
        tx.grad, mx.grad = None, None
        _check(getattr(tf, fn)(tx, torch.tensor(y), reduction=reduction),
               getattr(F, fn)(mx, mg.tensor(y), reduction=reduction), tx, mx)
    with pytest.raises(RuntimeError):  # torch's class, and minigrad's ShapeError is one
        tf.multilabel_margin_loss(torch.randn(3), torch.tensor(0))
    with pytest.raises(RuntimeError):
        F.multilabel_margin_loss(mg.randn(3), mg.tensor(0))


def test_bce_with_logits_takes_the_deprecated_reduce() -> None:
    """size_average / reduce sit between weight and reduction, as PyTorch's (BCEWithLogitsLoss_legacy_enum);
    reduce=False means 'none', with PyTorch's warning."""
    rng = np.random.default_rng(2)
    x, t, w = rng.normal(size=(5, 3)), (rng.random((5, 3)) > 0.5) * 1.0, rng.random(3) + 0.1
    tx, mx = _both(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = tf.binary_cross_entropy_with_logits(tx, torch.tensor(t), reduce=False)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        ours = F.binary_cross_entropy_with_logits(mx, mg.tensor(t), reduce=False)
    _check(theirs, ours, tx, mx)
    tx, mx = _both(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = tf.binary_cross_entropy_with_logits(tx, torch.tensor(t), torch.tensor(w), None, None, "sum")
        ours = F.binary_cross_entropy_with_logits(mx, mg.tensor(t), mg.tensor(w), None, None, "sum")
    _check(theirs, ours, tx, mx)


def test_nll_loss_takes_pytorchs_positional_order() -> None:
    """nll_loss(input, target, weight, size_average, ignore_index, reduce, reduction)."""
    rng = np.random.default_rng(3)
    x, y, w = rng.normal(size=(6, 4)), np.array([0, 3, 1, 1, 2, 3]), rng.random(4) + 0.1
    for args in ((None, 1, None, "sum"), (None, -100, False, "mean"), (True, 3, None, "mean")):
        tx, mx = _both(x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = tf.nll_loss(tx, torch.tensor(y), torch.tensor(w), *args)
            ours = F.nll_loss(mx, mg.tensor(y), mg.tensor(w), *args)
        _check(theirs, ours, tx, mx)


def test_hardtanh_takes_the_deprecated_min_value_and_max_value() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = nn.Hardtanh(min_value=-0.5, max_value=2.0)
    assert [(w.category, str(w.message)) for w in caught] == [
        (FutureWarning, "keyword argument `min_value` is deprecated and renamed to `min_val`"),
        (FutureWarning, "keyword argument `max_value` is deprecated and renamed to `max_val`")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.Hardtanh(min_value=-0.5, max_value=2.0)
    assert repr(ours) == repr(theirs)
    tx, mx = _both(np.linspace(-3, 3, 13))
    _check(theirs(tx), ours(mx), tx, mx)


@pytest.mark.parametrize(("channels", "size"), [(3, 5), (7, 3), (12, 5), (12, 2)])
def test_cross_map_lrn2d_matches_torch_forward_and_gradient(channels: int, size: int) -> None:
    """nn.CrossMapLRN2d (common_nn's module_tests): PyTorch's values, including its running channel window
    that never drops channel 0 (C=12), and PyTorch's gradient: its hand-written backward sums over a window
    of its own, so it is not the derivative of that forward (its own gradcheck fails for beta=0.75), and
    minigrad's follows it (progs35)."""
    x = np.random.default_rng(channels).normal(size=(2, channels, 3, 4))
    ours, theirs = nn.CrossMapLRN2d(size, 5e-3, 0.75, 2), torch.nn.CrossMapLRN2d(size, 5e-3, 0.75, 2)
    assert repr(ours) == repr(theirs)
    assert_close(ours(mg.tensor(x)), theirs(torch.tensor(x)), rtol=1e-12, atol=1e-14)
    tx, mx = _both(x)
    ours(mx).backward(mg.tensor(np.cos(x)))
    theirs(tx).backward(torch.tensor(np.cos(x)))
    assert_close(mx.grad, tx.grad, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="Expected input to be 4D, got 3D instead"):
        ours(mg.tensor(x[0]))


@pytest.mark.parametrize(("nd", "shape", "kernel", "output_size", "output_ratio"), [
    (2, (2, 3, 10, 9), 2, (4, 5), None), (2, (3, 7, 7), (2, 3), None, (0.5, 0.5)),
    (2, (1, 3, 5, 5), 2, None, 0.5), (3, (2, 2, 7, 8, 6), 2, (3, 4, 2), None),
    (3, (2, 6, 7, 5), (1, 2, 2), None, (0.5, 0.4, 0.6))])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fractional_max_pool_matches_torch(nd: int, shape: tuple[int, ...], kernel: object,
                                           output_size: object, output_ratio: object, dtype: type) -> None:
    """nn.FractionalMaxPool2d/3d (common_nn's FractionalMaxPool*_ratio/_size entries): with the same
    _random_samples, PyTorch's windows (its float rounding, its sample-to-dim order), values, indices and
    the gradient to each window's first maximum (ties made on purpose)."""
    rng = np.random.default_rng(nd)
    x = rng.normal(size=shape).astype(dtype)
    x[..., 0] = x[..., 1]
    samples = rng.random((shape[0] if len(shape) == nd + 2 else 1, shape[-nd - 1], nd)).astype(dtype)
    name = f"FractionalMaxPool{nd}d"
    theirs = getattr(torch.nn, name)(kernel, output_size, output_ratio, True, torch.tensor(samples))
    ours = getattr(nn, name)(kernel, output_size, output_ratio, True, mg.tensor(samples))
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    (ty, ti), (my, mi) = theirs(tx), ours(mx)
    assert my.dtype == np.dtype(dtype) and mi.dtype == np.int64
    assert_close(my, ty, rtol=0, atol=0)
    np.testing.assert_array_equal(mi.numpy(), ti.numpy())
    g = rng.normal(size=tuple(ty.shape)).astype(dtype)
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    assert_close(mx.grad, tx.grad, rtol=0, atol=0)


def test_fractional_max_pool_errors_and_draws_match_torch() -> None:
    for kwargs, message in (({}, "requires specifying either an output size, or a pooling ratio"),
                            ({"output_size": 2, "output_ratio": 0.5},
                             "only one of output_size and output_ratio"),
                            ({"output_ratio": 1.5}, r"output_ratio must be between 0 and 1 \(got 1.5\)")):
        for module in (torch.nn, nn):
            with pytest.raises(ValueError, match=message):
                module.FractionalMaxPool2d(2, **kwargs)
    x = np.random.default_rng(0).normal(size=(2, 3, 6, 6))
    for samples, message in (((1, 3, 2), "size\\(0\\) no less then input batch size"),
                             ((2, 4, 2), "size\\(1\\) equals to input channel size"),
                             ((2, 3, 3), "size\\(2\\) equals to 2; got 3"), ((6, 2), "to have 3 dimensions")):
        for f, t in ((tf, torch), (F, mg)):
            with pytest.raises(RuntimeError, match=message):
                f.fractional_max_pool2d(t.tensor(x), 2, output_size=3,
                                        _random_samples=t.rand(*samples, dtype=t.float64))
    for f, t in ((tf, torch), (F, mg)):
        with pytest.raises(RuntimeError, match="pool height 2 too large relative to input height 6"):
            f.fractional_max_pool2d(t.tensor(x), 2, output_size=6)
        with pytest.raises(RuntimeError, match="Expect _random_samples to have the same dtype as input"):
            f.fractional_max_pool2d(t.tensor(x), 2, output_size=3, _random_samples=t.rand(2, 3, 2))
    # without samples each (sample, channel) draws its own windows: every output is the max of a
    # kernel-sized window, and the last window ends at the input's edge
    mg.manual_seed(0)
    y, idx = F.fractional_max_pool2d(mg.tensor(x), 2, output_size=3, return_indices=True)
    assert y.shape == (2, 3, 3, 3)
    flat = x.reshape(2, 3, 36)
    np.testing.assert_array_equal(y.numpy(), np.take_along_axis(flat, idx.numpy().reshape(2, 3, 9), 2)
                                  .reshape(2, 3, 3, 3))
    assert (idx.numpy()[..., -1, -1] // 6 >= 4).all() and (idx.numpy()[..., -1, -1] % 6 >= 4).all()


def test_get_device_is_pytorchs_cpu_index() -> None:
    """common_nn's harness reads p.get_device() of parameters; a CPU tensor answers -1."""
    assert mg.randn(2).get_device() == torch.randn(2).get_device() == -1
    assert nn.Linear(2, 2).weight.get_device() == -1


def test_cross_entropy_takes_pytorchs_spellings() -> None:
    """F.cross_entropy(input, target, weight, size_average, ignore_index, reduce, reduction, label_smoothing)
    positionally (a Tensor or None third, where minigrad's own order has the int ignore_index), input=,
    and the deprecated size_average / reduce, next to minigrad's order, which keeps working."""
    rng = np.random.default_rng(5)
    x, y, w = rng.normal(size=(6, 4)), np.array([0, 3, 1, 1, 2, 3]), rng.random(4) + 0.1
    forms: list[tuple[tuple[object, ...], dict[str, object]]] = [
        (("W",), {}), ((None,), {}), (("W", None, 1), {}), (("W", None, -100, None, "sum"), {}),
        (("W", None, 3, None, "none", 0.2), {}), (("W", True, -100, False), {}),
        ((), {"size_average": False}), ((), {"weight": "W", "reduce": False}),
    ]
    for args, kwargs in forms:
        tx, mx = _both(x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = tf.cross_entropy(tx, torch.tensor(y),
                                      *[torch.tensor(w) if a == "W" else a for a in args],
                                      **{k: torch.tensor(w) if v == "W" else v for k, v in kwargs.items()})
            ours = F.cross_entropy(mx, mg.tensor(y), *[mg.tensor(w) if a == "W" else a for a in args],
                                   **{k: mg.tensor(w) if v == "W" else v for k, v in kwargs.items()})
        _check(theirs, ours, tx, mx)
    tx, mx = _both(x)
    _check(tf.cross_entropy(input=tx, target=torch.tensor(y), label_smoothing=0.1),
           F.cross_entropy(input=mx, target=mg.tensor(y), label_smoothing=0.1), tx, mx)
    tx, mx = _both(x)  # minigrad's documented order: ignore_index, reduction, label_smoothing
    _check(tf.cross_entropy(tx, torch.tensor(y), ignore_index=1, reduction="sum", label_smoothing=0.1),
           F.cross_entropy(mx, mg.tensor(y), 1, "sum", 0.1), tx, mx)
    with pytest.raises(TypeError, match="multiple values for argument 'input'"):
        F.cross_entropy(mg.tensor(x), mg.tensor(y), input=mg.tensor(x))
    with pytest.raises(TypeError, match="multiple values for argument 'weight'"):
        F.cross_entropy(mg.tensor(x), mg.tensor(y), mg.tensor(w), weight=mg.tensor(w))
