"""Every bad argument and bad input of issue 3 raises the documented error, naming the culprit."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F


@pytest.mark.parametrize("value", [0, -3, 2.5, True, False, None, "4", np.float64(4.0)])
def test_batchnorm_num_features(value: Any) -> None:
    with pytest.raises(mg.InvalidParameterError, match=rf"num_features.*{re.escape(repr(value))}") as info:
        nn.BatchNorm1d(value)
    assert isinstance(info.value, ValueError)


def test_batchnorm_accepts_numpy_int() -> None:
    assert nn.BatchNorm1d(np.int64(3)).num_features == 3


@pytest.mark.parametrize("eps", [0, -1e-5, 0.0, math.nan, math.inf, "1e-5", True])
def test_eps_must_be_positive(eps: Any) -> None:
    with pytest.raises(mg.InvalidParameterError, match=rf"eps.*{re.escape(repr(eps))}"):
        nn.BatchNorm1d(3, eps=eps)
    with pytest.raises(mg.InvalidParameterError, match=rf"eps.*{re.escape(repr(eps))}"):
        nn.LayerNorm(3, eps=eps)


@pytest.mark.parametrize("momentum", [-0.1, 1.5, math.nan, "0.1", True])
def test_momentum_in_unit_interval(momentum: Any) -> None:
    with pytest.raises(mg.InvalidParameterError, match=rf"momentum.*{re.escape(repr(momentum))}"):
        nn.BatchNorm1d(3, momentum=momentum)


@pytest.mark.parametrize("momentum", [0, 0.0, 1, 1.0, None, 0.5])
def test_momentum_accepted(momentum: Any) -> None:
    assert nn.BatchNorm1d(3, momentum=momentum).momentum == momentum


@pytest.mark.parametrize("shape", [[], (), 0, -2, (3, 0), [4, -1], (2.5,), (True,), "ab"])
def test_layernorm_normalized_shape(shape: Any) -> None:
    with pytest.raises(mg.InvalidParameterError, match=r"normalized_shape") as info:
        nn.LayerNorm(shape)
    assert repr(shape) in str(info.value)
    with pytest.raises(mg.InvalidParameterError, match=r"normalized_shape"):
        F.layer_norm(mg.ones(2, 3), shape)


@pytest.mark.parametrize("p", [1.0, 1, -0.1, 1.5, math.nan, "0.5", None, True])
def test_dropout_p(p: Any) -> None:
    with pytest.raises(mg.InvalidParameterError, match=rf"p.*{re.escape(repr(p))}") as info:
        nn.Dropout(p)
    assert isinstance(info.value, ValueError)
    with pytest.raises(mg.InvalidParameterError, match=r"p="):
        F.dropout(mg.ones(3), p)


def test_dropout_rate_read_only() -> None:
    d = nn.Dropout(0.25)
    assert d.dropout_rate == 0.25 and d.p == 0.25
    with pytest.raises(AttributeError):
        d.dropout_rate = 0.5  # type: ignore[misc]
    with pytest.raises(mg.InvalidParameterError, match=r"1\.0"):
        d.p = 1.0
    assert d.dropout_rate == 0.25


@pytest.mark.parametrize(("args", "name"), [((0.5, 3), "in_features"), ((-1, 3), "in_features"),
                                            ((3, -2), "out_features"), ((True, 3), "in_features")])
def test_linear_features(args: tuple[Any, ...], name: str) -> None:
    with pytest.raises(mg.InvalidParameterError, match=name):
        nn.Linear(*args)


def test_dtype_must_be_float() -> None:
    with pytest.raises(mg.InvalidParameterError, match="dtype"):
        nn.Linear(2, 2, dtype=mg.int64)
    with pytest.raises(mg.InvalidParameterError, match="dtype"):
        nn.BatchNorm1d(2, dtype="int64")
    assert nn.LayerNorm(2, dtype=mg.float64).weight.dtype == np.float64


@pytest.mark.parametrize("reduction", ["avg", "", None, "MEAN"])
def test_reduction(reduction: Any) -> None:
    for make in (nn.MSELoss, nn.CrossEntropyLoss, nn.NLLLoss, nn.BCEWithLogitsLoss):
        with pytest.raises(mg.InvalidParameterError, match=rf"reduction.*{re.escape(repr(reduction))}"):
            make(reduction=reduction)
    with pytest.raises(mg.InvalidParameterError, match="reduction"):
        F.cross_entropy(mg.zeros(2, 3), mg.tensor([0, 1]), reduction=reduction)


@pytest.mark.parametrize("smoothing", [-0.1, 1.5, "0.1"])
def test_label_smoothing(smoothing: Any) -> None:
    with pytest.raises(mg.InvalidParameterError, match=rf"label_smoothing.*{re.escape(repr(smoothing))}"):
        nn.CrossEntropyLoss(label_smoothing=smoothing)


def test_gelu_approximate() -> None:
    with pytest.raises(mg.InvalidParameterError, match=r"approximate.*'fast'"):
        nn.GELU("fast")


# ----------------------------------------------------------------- call-time shape errors


@pytest.mark.parametrize("shape", [(4,), (2, 3, 4, 5), ()])
def test_batchnorm_rank(shape: tuple[int, ...]) -> None:
    with pytest.raises(mg.ShapeError, match=rf"2D.*3D.*{len(shape)}D"):
        nn.BatchNorm1d(3)(mg.ones(*shape))


@pytest.mark.parametrize("shape", [(4, 5), (4, 2, 7)])
def test_batchnorm_channels(shape: tuple[int, ...]) -> None:
    with pytest.raises(mg.ShapeError, match=rf"expected 3 channels.*{shape}"):
        nn.BatchNorm1d(3)(mg.ones(*shape))


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1)])
def test_batchnorm_one_value_per_channel_in_training(shape: tuple[int, ...]) -> None:
    bn = nn.BatchNorm1d(3)
    with pytest.raises(mg.ShapeError, match=r"more than 1 value per channel.*\(1, 3"):
        bn(mg.ones(*shape))
    assert bn.num_batches_tracked is not None and bn.num_batches_tracked.item() == 0
    with pytest.raises(mg.ShapeError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3, track_running_stats=False).eval()(mg.ones(*shape))
    bn.eval()
    assert bn(mg.ones(*shape)).shape == shape  # eval uses the running statistics
    assert nn.BatchNorm1d(3)(mg.randn(1, 3, 2)).shape == (1, 3, 2)  # N=1 but 2 values per channel


def test_functional_batch_norm_errors() -> None:
    with pytest.raises(mg.MinigradError, match="running_mean"):
        F.batch_norm(mg.ones(2, 3), None, None, training=False)
    with pytest.raises(mg.ShapeError, match=r"weight of shape \(3,\), got \(4,\)"):
        F.batch_norm(mg.ones(2, 3), None, None, weight=mg.ones(4), training=True)


@pytest.mark.parametrize(("normalized", "shape"), [(4, (2, 3)), ((3, 4), (3, 5, 4)), ((2, 3), (3,))])
def test_layernorm_trailing_dims(normalized: Any, shape: tuple[int, ...]) -> None:
    with pytest.raises(mg.ShapeError, match=rf"expected input with shape.*got {re_shape(shape)}"):
        nn.LayerNorm(normalized)(mg.ones(*shape))


def re_shape(shape: tuple[int, ...]) -> str:
    return str(shape).replace("(", r"\(").replace(")", r"\)")


def test_linear_input_features() -> None:
    with pytest.raises(mg.ShapeError, match=r"last dim 3.*\(2, 4\)"):
        nn.Linear(3, 2)(mg.ones(2, 4))


def test_loss_shape_errors() -> None:
    with pytest.raises(mg.ShapeError, match=r"target of shape \(4,\), got \(3,\)"):
        F.cross_entropy(mg.zeros(4, 3), mg.tensor([0, 1, 2]))
    with pytest.raises(mg.ShapeError, match=r"\(4, 3\)"):
        F.cross_entropy(mg.zeros(4, 3), mg.zeros(4, 2))
    with pytest.raises(mg.DimensionError, match="target 3 is out of bounds for 3 classes"):
        F.cross_entropy(mg.zeros(2, 3), mg.tensor([0, 3]))
    with pytest.raises(mg.DimensionError, match="target -1"):
        F.nll_loss(mg.zeros(2, 3), mg.tensor([-1, 0]))
    with pytest.raises(mg.ShapeError, match=r"weight of shape \(3,\)"):
        F.cross_entropy(mg.zeros(2, 3), mg.tensor([0, 1]), weight=mg.ones(2))
    with pytest.raises(mg.ShapeError, match="target size"):
        F.binary_cross_entropy_with_logits(mg.zeros(2, 3), mg.zeros(3))


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
@pytest.mark.parametrize("shape", [(3, 4), (2, 4, 5)])
def test_float_class_labels_say_integers_expected(fn: Any, shape: tuple[int, ...]) -> None:
    """Float labels where class indices belong: PyTorch's RuntimeError, saying what to pass instead."""
    logits = mg.randn(*shape)
    labels = mg.zeros(shape[0], *shape[2:])  # float32 zeros: labels of the right shape, wrong dtype
    with pytest.raises(RuntimeError, match=r"integer class indices.*float32") as info:
        fn(logits, labels)
    assert isinstance(info.value, mg.MinigradError)
    msg = str(info.value)
    assert "long()" in msg and "probabilities" in msg and str(tuple(shape)) in msg, msg


def test_float_targets_of_the_logits_shape_are_probabilities() -> None:
    logits = mg.randn(3, 4, dtype=mg.float64)
    probs = F.softmax(mg.randn(3, 4, dtype=mg.float64), dim=1)
    expected = -(F.log_softmax(logits, 1) * probs).sum(1).mean()
    assert F.cross_entropy(logits, probs).item() == pytest.approx(expected.item(), rel=1e-12)
