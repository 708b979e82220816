"""nn layers and functionals against PyTorch 2.13: the disagreements fuzz50nn's differential fuzzer found."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")


def _both(lib: Any, fn: Any, *arrays: np.ndarray) -> list[np.ndarray]:
    """fn(lib, *tensors) and the gradients of sum(out * g) for every input (float64)."""
    ts = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(lib, *ts)
    g = np.random.default_rng(0).standard_normal(tuple(out.shape))
    (out * lib.tensor(g)).sum().backward()
    return [out.detach().numpy(), *[t.grad.numpy() for t in ts]]


@pytest.mark.parametrize(("nd", "x_shape", "w_shape", "kwargs"), [
    # output_padding >= stride and dilation: PyTorch checks nothing for an empty batch
    (1, (0, 1, 4), (1, 2, 3), {"stride": 2, "output_padding": 2, "dilation": 2}),
    # a zero output size ("too small" for a batch of one)
    (2, (0, 1, 2, 3), (1, 2, 1, 1),
     {"stride": (3, 2), "padding": 2, "output_padding": (0, 1), "dilation": (1, 2)}),
    (1, (0, 2, 1), (2, 2, 3), {"stride": 2, "padding": 2, "output_padding": 1}),
    (3, (0, 2, 2, 1, 1), (2, 1, 1, 2, 1), {"groups": 2, "padding": (0, 1, 0)}),
])
def test_conv_transpose_of_an_empty_batch(nd: int, x_shape: tuple[int, ...], w_shape: tuple[int, ...],
                                          kwargs: dict[str, Any]) -> None:
    require_torch()
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[1] * kwargs.get("groups", 1))

    def fn(lib: Any, x: Any, w: Any, b: Any) -> Any:
        return getattr(lib.nn.functional, f"conv_transpose{nd}d")(x, w, b, **kwargs)

    theirs, ours = _both(torch, fn, x, w, b), _both(mg, fn, x, w, b)
    for t, o in zip(theirs, ours):
        assert o.shape == t.shape
        np.testing.assert_array_equal(o, t)


def test_conv_transpose_module_output_size_of_an_empty_batch() -> None:
    require_torch()
    x = np.zeros((0, 1, 2, 3))
    outs = []
    for lib in (torch, mg):
        lib.manual_seed(0)
        m = lib.nn.ConvTranspose2d(1, 2, 1, stride=(3, 2), padding=2, output_padding=(0, 1),
                                   dilation=(1, 2)).double()
        outs.append(tuple(m(lib.tensor(x), output_size=[0, 2]).shape))
    assert outs[0] == outs[1] == (0, 2, 0, 2)


def test_conv_transpose_still_refuses_a_negative_size_or_bad_padding_with_a_batch() -> None:
    require_torch()
    w = np.zeros((1, 2, 1))
    for lib in (torch, mg):
        F = lib.nn.functional
        with pytest.raises(RuntimeError):  # negative: even an empty batch fails
            F.conv_transpose1d(lib.tensor(np.zeros((0, 1, 1))), lib.tensor(w), padding=1)
        with pytest.raises(RuntimeError):  # a zero size fails for a real batch
            F.conv_transpose2d(lib.tensor(np.zeros((1, 1, 2, 3))), lib.tensor(np.zeros((1, 2, 1, 1))),
                               stride=(3, 2), padding=2, dilation=(1, 2))
        with pytest.raises(RuntimeError):
            F.conv_transpose1d(lib.tensor(np.zeros((1, 1, 4))), lib.tensor(np.zeros((1, 2, 3))), stride=2,
                               output_padding=2, dilation=2)


def test_conv_transpose_output_size_range_is_not_checked_for_a_small_default() -> None:
    require_torch()
    # default sizes (-1, 4, 6) for stride 3: [1, 6, 8] lies in range, output_padding (2, 2, 2), empty batch
    x = np.zeros((0, 6, 1, 2, 2))
    outs = []
    for lib in (torch, mg):
        m = lib.nn.ConvTranspose3d(6, 3, (1, 3, 3), stride=3, padding=(1, 1, 0), groups=3).double()
        outs.append(tuple(m(lib.tensor(x), output_size=[1, 6, 8]).shape))
    assert outs[0] == outs[1] == (0, 3, 1, 6, 8)


@pytest.mark.parametrize(("add_bias_kv", "add_zero_attn"), [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_causal_hint_masks_the_added_keys_too(add_bias_kv: bool, add_zero_attn: bool,
                                                   batch_first: bool) -> None:
    # is_causal=True with no key_padding_mask and need_weights=False: PyTorch drops attn_mask and its SDPA
    # applies the causal mask to the keys with bias_k / the zero key appended (S + 1 or S + 2 columns)
    require_torch()
    rng = np.random.default_rng(3)
    q, k, v = rng.standard_normal((3, 2, 4)), rng.standard_normal((2, 2, 4)), rng.standard_normal((2, 2, 4))
    if batch_first:
        q, k, v = (a.transpose(1, 0, 2) for a in (q, k, v))
    mask = np.triu(np.ones((3, 2), dtype=bool), 1)
    results = []
    for lib in (torch, mg):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(4, 2, add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn,
                                      batch_first=batch_first).double()
        if lib is torch:
            state = {key: val.detach().numpy().copy() for key, val in m.state_dict().items()}
        else:
            m.load_state_dict({key: mg.tensor(val) for key, val in state.items()})
        ts = [lib.tensor(a, requires_grad=True) for a in (q, k, v)]
        out, w = m(*ts, attn_mask=lib.tensor(mask), need_weights=False, is_causal=True)
        assert w is None
        out.sum().backward()
        results.append([out.detach().numpy(), *[t.grad.numpy() for t in ts]])
    for theirs, ours in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("use_input_stats", [True, False])
@pytest.mark.parametrize("stats", [True, False])
def test_instance_norm_of_an_empty_batch(use_input_stats: bool, stats: bool) -> None:
    # without weight/bias PyTorch normalizes an empty batch (running statistics: the mean of no instance,
    # NaN); with either it fails (IndexError); minigrad refused every empty batch with input statistics
    require_torch()
    if not use_input_stats and not stats:
        return
    x = np.zeros((0, 3, 4), dtype=np.float32)
    results = []
    for lib in (torch, mg):
        rm, rv = (lib.zeros(3), lib.ones(3)) if stats else (None, None)
        t = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.instance_norm(t, rm, rv, use_input_stats=use_input_stats)
        out.sum().backward()
        results.append((tuple(out.shape), tuple(t.grad.shape), None if rm is None else rm.numpy().copy(),
                        None if rv is None else rv.numpy().copy()))
        for kwargs in ({"weight": lib.ones(3)}, {"bias": lib.zeros(3)}):
            with pytest.raises(IndexError):
                lib.nn.functional.instance_norm(t, rm, rv, use_input_stats=use_input_stats, **kwargs)
    (ts, tg, tm, tv), (ms, mgr, mm, mv) = results
    assert ts == ms and tg == mgr
    for a, b in ((tm, mm), (tv, mv)):
        if a is not None:
            np.testing.assert_array_equal(b, a)


def test_instance_norm_module_of_an_empty_batch() -> None:
    require_torch()
    for lib in (torch, mg):
        m = lib.nn.InstanceNorm1d(3, track_running_stats=True)
        assert tuple(m(lib.zeros(0, 3, 4)).shape) == (0, 3, 4)
        assert np.isnan(m.running_mean.numpy()).all() and np.isnan(m.running_var.numpy()).all()
        assert int(m.num_batches_tracked) == 0
        with pytest.raises(IndexError):
            lib.nn.InstanceNorm1d(3, affine=True)(lib.zeros(0, 3, 4))
        with pytest.raises(ValueError):  # (one spatial element is checked first)
            lib.nn.InstanceNorm1d(3, affine=True)(lib.zeros(0, 3, 1))


@pytest.mark.parametrize("name", ["LayerNorm", "RMSNorm"])
@pytest.mark.parametrize(("normalized_shape", "shape"),
                         [(0, (2, 0)), ((2, 0), (3, 2, 0)), ((0, 3), (2, 0, 3))])
def test_norms_over_a_zero_size(name: str, normalized_shape: Any, shape: tuple[int, ...]) -> None:
    require_torch()
    got = []
    for lib in (torch, mg):
        m = getattr(lib.nn, name)(normalized_shape)
        x = lib.zeros(*shape, requires_grad=True)
        out = m(x)
        out.sum().backward()
        got.append((tuple(m.weight.shape), tuple(out.shape), tuple(x.grad.shape)))
    assert got[0] == got[1]
    with pytest.raises(RuntimeError):
        mg.nn.LayerNorm(-1)


def _outcome(lib: Any, fn: Any) -> Any:
    """('ok', shape) or ('err', the error) of fn(lib)."""
    try:
        out = fn(lib)
    except Exception as e:
        return ("err", e)
    return ("ok", tuple(out.shape))


def _same_outcome(fn: Any) -> None:
    """fn(torch) and fn(minigrad) both give a result of one shape, or both raise (minigrad's error also an
    instance of the builtin class PyTorch's is)."""
    require_torch()
    theirs, ours = _outcome(torch, fn), _outcome(mg, fn)
    assert theirs[0] == ours[0], (theirs, ours)
    if theirs[0] == "ok":
        assert theirs == ours
    else:
        builtin = next(c for c in type(theirs[1]).__mro__ if c.__module__ == "builtins")
        assert isinstance(ours[1], builtin), (theirs, ours)


_EDGE_CASES: dict[str, Any] = {
    # a single bin: PyTorch's 2d/3d adaptive average takes the mean of the last dims before any check
    "adaptive_avg_pool2d 2-D": lambda t: t.nn.functional.adaptive_avg_pool2d(t.ones(3, 4), 1),
    "adaptive_avg_pool2d 5-D": lambda t: t.nn.functional.adaptive_avg_pool2d(t.ones(2, 1, 3, 4, 5), (1, 1)),
    "adaptive_avg_pool2d 1-D": lambda t: t.nn.functional.adaptive_avg_pool2d(t.ones(3), 1),
    "adaptive_avg_pool2d empty": lambda t: t.nn.functional.adaptive_avg_pool2d(t.ones(3, 0, 2), 1),
    "adaptive_avg_pool3d 3-D": lambda t: t.nn.functional.adaptive_avg_pool3d(t.ones(2, 3, 4), 1),
    "adaptive_avg_pool3d 2-D": lambda t: t.nn.functional.adaptive_avg_pool3d(t.ones(2, 3), 1),
    "adaptive_avg_pool1d empty": lambda t: t.nn.functional.adaptive_avg_pool1d(t.ones(2, 0), 1),
    "adaptive_avg_pool1d 1-D": lambda t: t.nn.functional.adaptive_avg_pool1d(t.ones(3), 1),
    "adaptive_avg_pool2d 2 bins 2-D": lambda t: t.nn.functional.adaptive_avg_pool2d(t.ones(3, 4), 2),
    "adaptive_avg_pool2d None 2-D": lambda t: t.nn.functional.adaptive_avg_pool2d(t.ones(3, 4), (1, None)),
    "adaptive_max_pool2d empty batch": lambda t: t.nn.functional.adaptive_max_pool2d(t.ones(0, 2, 3, 4), 2),
    "adaptive_max_pool2d no channels": lambda t: t.nn.functional.adaptive_max_pool2d(t.ones(0, 3, 4), 2),
    "adaptive_max_pool3d empty batch": lambda t: t.nn.AdaptiveMaxPool3d(2, return_indices=True)(
        t.ones(0, 3, 5, 4, 1))[1],
    "adaptive_max_pool2d empty channels": lambda t: t.nn.functional.adaptive_max_pool2d(
        t.ones(2, 0, 3, 4), 2),
    # PyTorch's avg_pool2d wraps dim -3, its unpools index the spatial sizes: IndexErrors for low ranks
    "avg_pool2d 2-D": lambda t: t.nn.functional.avg_pool2d(t.ones(3, 4), 2),
    "lp_pool2d 1-D": lambda t: t.nn.functional.lp_pool2d(t.ones(4), 2, 2),
    "max_unpool2d 1-D": lambda t: t.nn.functional.max_unpool2d(t.ones(4), t.zeros(4, dtype=t.long), 2),
    "max_unpool3d 2-D": lambda t: t.nn.functional.max_unpool3d(t.ones(2, 4), t.zeros(2, 4, dtype=t.long), 2),
    "max_unpool3d 3-D": lambda t: t.nn.functional.max_unpool3d(
        t.ones(2, 2, 4), t.zeros(2, 2, 4, dtype=t.long), 2),
    # a negative default size: ValueError; empty dims after the first: PyTorch's RuntimeError
    "max_unpool2d negative size": lambda t: t.nn.functional.max_unpool2d(
        t.ones(2, 0, 2, 2), t.zeros(2, 0, 2, 2, dtype=t.long), 2, padding=3),
    "max_unpool1d no channels": lambda t: t.nn.functional.max_unpool1d(
        t.ones(2, 0, 2), t.zeros(2, 0, 2, dtype=t.long), 2),
    "max_unpool2d no channels": lambda t: t.nn.functional.max_unpool2d(
        t.ones(0, 0, 1, 1), t.zeros(0, 0, 1, 1, dtype=t.long), 1),
    "max_unpool1d unbatched no channels": lambda t: t.nn.functional.max_unpool1d(
        t.ones(0, 2), t.zeros(0, 2, dtype=t.long), 2),
    # batch_norm of no values: input * weight[0] + bias[0], no shape checked
    "batch_norm empty, other channels": lambda t: t.nn.functional.batch_norm(
        t.ones(0, 5, 4), t.zeros(3), t.ones(3), t.ones(3), t.zeros(3), training=True),
    "batch_norm empty 1-D": lambda t: t.nn.functional.batch_norm(t.ones(0), t.zeros(3), t.ones(3)),
    "batch_norm empty eval, no stats": lambda t: t.nn.functional.batch_norm(t.ones(0, 3), None, None),
    "BatchNorm2d empty, other channels": lambda t: t.nn.BatchNorm2d(3).eval()(t.ones(0, 5, 5, 2)),
    "BatchNorm3d no channels": lambda t: t.nn.BatchNorm3d(3)(t.ones(5, 0, 0, 4, 5)),
    "BatchNorm1d 1-D": lambda t: t.nn.BatchNorm1d(3)(t.ones(0)),
    # instance_norm with no spatial values (the one-element check is for exactly one)
    "InstanceNorm2d no spatial values": lambda t: t.nn.InstanceNorm2d(3, affine=True)(t.ones(3, 0, 0)),
    "InstanceNorm3d no spatial values": lambda t: t.nn.InstanceNorm3d(1)(t.ones(1, 2, 5, 0)),
}


@pytest.mark.parametrize("case", sorted(_EDGE_CASES))
def test_shape_edge_cases(case: str) -> None:
    _same_outcome(_EDGE_CASES[case])


def test_global_average_pool_of_any_rank_is_a_mean() -> None:
    require_torch()
    x = np.random.default_rng(5).standard_normal((2, 1, 3, 4, 5))
    results = []
    for lib in (torch, mg):
        t = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.adaptive_avg_pool2d(t, 1)
        out.sum().backward()
        results.append((out.detach().numpy(), t.grad.numpy(), type(out.grad_fn).__name__))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-12)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-12)
    assert results[0][2] == results[1][2] == "MeanBackward1"


def test_batch_norm_module_counts_an_empty_batch_and_keeps_its_statistics() -> None:
    require_torch()
    for lib in (torch, mg):
        m = lib.nn.BatchNorm1d(3)
        out = m(lib.ones(0, 4, 2))  # another channel count: not checked for no values
        assert tuple(out.shape) == (0, 4, 2)
        assert int(m.num_batches_tracked) == 1
        np.testing.assert_array_equal(m.running_mean.numpy(), np.zeros(3))


_MORE_EDGE_CASES: dict[str, Any] = {
    # circular padding checks only the wrap (reflect and replicate refuse empty channel dims)
    "circular pad, no channels": lambda t: t.nn.functional.pad(t.ones(2, 0, 4), (1, 1), mode="circular"),
    "circular pad, unbatched no channels": lambda t: t.nn.functional.pad(t.ones(0, 2), (1, 1),
                                                                         mode="circular"),
    "circular pad 3d, no channels": lambda t: t.nn.CircularPad3d((1, 1, 1, 1, 2, 2))(t.ones(1, 0, 2, 2, 2)),
    "circular pad, empty padded dim": lambda t: t.nn.functional.pad(t.ones(2, 3, 0), (1, 0), mode="circular"),
    "reflect pad, no channels": lambda t: t.nn.functional.pad(t.ones(2, 0, 4), (1, 1), mode="reflect"),
    # pixel_shuffle of no values: PyTorch's forward gives the shuffled shape
    "pixel_shuffle empty": lambda t: t.nn.functional.pixel_shuffle(t.zeros(0, 4, 2, 2), 2),
    "PixelShuffle 5-D empty": lambda t: t.nn.PixelShuffle(2)(t.zeros(3, 4, 0, 1, 1)),
    # bilinear of a 0-d input: PyTorch's size(-1), an IndexError
    "bilinear 0-d": lambda t: t.nn.functional.bilinear(t.ones(()), t.ones(()), t.ones(4, 3, 2)),
}


@pytest.mark.parametrize("case", sorted(_MORE_EDGE_CASES))
def test_more_shape_edge_cases(case: str) -> None:
    _same_outcome(_MORE_EDGE_CASES[case])


_LOSS_EDGE_CASES: dict[str, Any] = {
    # cross_entropy of 0-d logits reads their class dim 1 (PyTorch's IndexError)
    "cross_entropy 0-d logits": lambda t: t.nn.functional.cross_entropy(
        t.ones(()), t.zeros((), dtype=t.long)),
    "cross_entropy 0-d logits, 1-D target": lambda t: t.nn.functional.cross_entropy(
        t.ones(()), t.zeros(2, dtype=t.long)),
    # no classes: an index is out of bounds (IndexError); probabilities sum to 0, their mean 0 / 0
    "cross_entropy no classes, indices": lambda t: t.nn.functional.cross_entropy(
        t.ones(2, 0), t.zeros(2, dtype=t.long)),
    "cross_entropy no classes, probabilities": lambda t: t.nn.functional.cross_entropy(
        t.ones(2, 0), t.zeros(2, 0), reduction="none"),
    "cross_entropy no classes, smoothed": lambda t: t.nn.functional.cross_entropy(
        t.ones(2, 0, 3), t.zeros(2, 0, 3), label_smoothing=0.5, reduction="sum"),
    "cross_entropy unbatched no classes": lambda t: t.nn.functional.cross_entropy(
        t.ones(0), t.zeros(0), label_smoothing=0.1, reduction="none"),
    # an empty batch with a 0-d target: PyTorch's target.size(0), an IndexError
    "cross_entropy empty batch, 0-d target": lambda t: t.nn.functional.cross_entropy(
        t.ones(0, 3), t.zeros((), dtype=t.long)),
    "nll_loss empty batch, 0-d target": lambda t: t.nn.functional.nll_loss(
        t.ones(0, 3), t.zeros((), dtype=t.long)),
    # multi_margin_loss: one sample's target may be 0-d (its 'none' loss is 0-d then)
    "multi_margin_loss (1, C) with 0-d target": lambda t: t.nn.functional.multi_margin_loss(
        t.ones(1, 3), t.ones((), dtype=t.long), reduction="none"),
    "multi_margin_loss (2, C) with 0-d target": lambda t: t.nn.functional.multi_margin_loss(
        t.ones(2, 3), t.ones((), dtype=t.long)),
}


@pytest.mark.parametrize("case", sorted(_LOSS_EDGE_CASES))
def test_loss_edge_cases(case: str) -> None:
    _same_outcome(_LOSS_EDGE_CASES[case])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_probabilities_over_no_classes(reduction: str) -> None:
    require_torch()
    got = []
    for lib in (torch, mg):
        x = lib.zeros(2, 0, requires_grad=True)
        out = lib.nn.functional.cross_entropy(x, lib.zeros(2, 0), reduction=reduction)
        out.sum().backward()
        got.append((np.abs(out.detach().numpy()), tuple(x.grad.shape)))
    np.testing.assert_array_equal(got[1][0], got[0][0])  # (nan for the mean)
    assert got[0][1] == got[1][1]


def test_multi_margin_loss_of_one_sample_with_a_0d_target() -> None:
    require_torch()
    got = []
    for lib in (torch, mg):
        x = lib.tensor([[0.1, 0.5, -0.3]], requires_grad=True)
        out = lib.nn.functional.multi_margin_loss(x, lib.tensor(1), reduction="none")
        out.sum().backward()
        got.append((tuple(out.shape), out.detach().numpy(), x.grad.numpy()))
    assert got[0][0] == got[1][0] == ()
    np.testing.assert_allclose(got[1][1], got[0][1], rtol=1e-6)
    np.testing.assert_allclose(got[1][2], got[0][2], rtol=1e-6)


def test_batch_norm_updates_running_statistics_without_a_version_bump() -> None:
    # PyTorch's kernel writes them in place unseen by autograd: an output recorded in eval mode still
    # backpropagates after a training step updated them (minigrad raised the in-place modification error)
    require_torch()
    for lib in (torch, mg):
        rm, rv = lib.zeros(2), lib.ones(2)
        lib.nn.functional.batch_norm(lib.randn(4, 2), rm, rv, training=True)
        assert (rm._version, rv._version) == (0, 0)
        m = lib.nn.BatchNorm1d(2)
        data = np.random.default_rng(0).standard_normal((4, 2))
        x = lib.tensor(data, dtype=lib.float32, requires_grad=True)
        m.eval()
        out = m(x)
        m.train()
        m(x)
        out.sum().backward()
        assert m.weight.grad is not None and x.grad is not None
