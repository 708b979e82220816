"""Every bad argument and bad input of issue 3 raises the documented error, naming the culprit."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
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


@pytest.mark.parametrize("shape", [[], (), -2, [4, -1], (2.5,), (True,), "ab"])
def test_layernorm_normalized_shape(shape: Any) -> None:
    # (a 0 size is PyTorch's too: LayerNorm(0) normalizes nothing; tests/parity/test_fuzz50nn_fixes.py)
    with pytest.raises(mg.InvalidParameterError, match=r"normalized_shape") as info:
        nn.LayerNorm(shape)
    assert repr(shape) in str(info.value)
    with pytest.raises(mg.InvalidParameterError, match=r"normalized_shape"):
        F.layer_norm(mg.ones(2, 3), shape)


@pytest.mark.parametrize("p", [1.01, 2, -0.1, 1.5, math.nan, "0.5", None, True])
def test_dropout_p(p: Any) -> None:
    with pytest.raises(mg.InvalidParameterError, match=rf"p.*{re.escape(repr(p))}") as info:
        nn.Dropout(p)
    assert isinstance(info.value, ValueError)
    with pytest.raises(mg.InvalidParameterError, match=r"p="):
        F.dropout(mg.ones(3), p)


@pytest.mark.parametrize("layer", [nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout,
                                   nn.FeatureAlphaDropout])
@pytest.mark.parametrize("p", [1.0, 1])
def test_dropout_layers_refuse_p_one(layer: type[nn.Module], p: float) -> None:
    # API.md: "Dropout accepts 0 <= p < 1"; Dropout(1.0) is its example of a bad argument
    with pytest.raises(mg.InvalidParameterError, match=rf"p=.*{p!r}") as info:
        layer(p)
    assert isinstance(info.value, ValueError)
    d = layer(0.5)
    with pytest.raises(mg.InvalidParameterError, match=r"\[0, 1\)"):
        d.p = p
    assert d.p == 0.5


def test_dropout_rate_read_only() -> None:
    d = nn.Dropout(0.25)
    assert d.dropout_rate == 0.25 and d.p == 0.25
    with pytest.raises(AttributeError):
        d.dropout_rate = 0.5  # type: ignore[misc]
    with pytest.raises(mg.InvalidParameterError, match=r"1\.5"):
        d.p = 1.5
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


@pytest.mark.parametrize("smoothing", [1.5, float("nan"), "0.1"])  # (a negative one is PyTorch's 0: gaps25)
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
        nn.BatchNorm1d(3)(mg.ones(shape))


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
    with pytest.raises(mg.DimensionError, match=r"Target 3 is out of bounds\. \(cross_entropy: 3 classes\)"):
        F.cross_entropy(mg.zeros(2, 3), mg.tensor([0, 3]))
    with pytest.raises(mg.DimensionError, match="Target -1 is out of bounds"):
        F.nll_loss(mg.zeros(2, 3), mg.tensor([-1, 0]))
    with pytest.raises(mg.ShapeError, match=r"weight of shape \(3,\)"):
        F.cross_entropy(mg.zeros(2, 3), mg.tensor([0, 1]), weight=mg.ones(2))
    with pytest.raises(mg.ShapeError, match="Target size"):
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


# (layer, valid keyword arguments, argument, bad value): the error names the argument and the value
BAD_ARGUMENTS: list[tuple[str, dict[str, Any], str, Any]] = [
    ("LeakyReLU", {}, "negative_slope", "0.1"), ("ELU", {}, "alpha", None), ("CELU", {}, "alpha", 0),
    ("Softplus", {}, "beta", "2"), ("Softplus", {}, "threshold", [20]), ("Hardtanh", {}, "max_val", -2.0),
    ("Softshrink", {}, "lambd", -0.5), ("Hardshrink", {}, "lambd", "x"),
    ("Threshold", {"value": 0}, "threshold", None),
    ("PReLU", {}, "num_parameters", 0), ("PReLU", {}, "init", "a"), ("ReLU", {}, "inplace", "yes"),
    ("GELU", {}, "approximate", "fast"), ("BatchNorm2d", {}, "num_features", 0),
    ("BatchNorm3d", {"num_features": 2}, "momentum", 1.5), ("InstanceNorm1d", {"num_features": 3}, "eps", 0),
    ("InstanceNorm2d", {"num_features": 3}, "affine", "no"),
    ("GroupNorm", {"num_channels": 4}, "num_groups", 3),
    ("GroupNorm", {"num_groups": 2}, "num_channels", -4), ("RMSNorm", {}, "normalized_shape", []),
    ("RMSNorm", {"normalized_shape": 3}, "eps", -1.0), ("LocalResponseNorm", {}, "size", 0),
    ("Dropout1d", {}, "p", 1.5), ("Dropout2d", {}, "p", -0.1), ("AlphaDropout", {}, "p", "0.5"),
    ("L1Loss", {}, "reduction", "avg"), ("SmoothL1Loss", {}, "beta", -1.0), ("HuberLoss", {}, "delta", 0.0),
    ("KLDivLoss", {}, "reduction", "batch"), ("BCELoss", {}, "reduction", None),
    ("PoissonNLLLoss", {}, "full", 1),
    ("GaussianNLLLoss", {}, "eps", "1e-6"), ("TripletMarginLoss", {}, "margin", 0.0),
    ("MarginRankingLoss", {}, "margin", None), ("CosineEmbeddingLoss", {}, "reduction", "mean "),
    ("MultiLabelSoftMarginLoss", {}, "reduction", 0), ("Bilinear", {"in1_features": 2, "out_features": 3},
                                                      "in2_features", -1),
    ("EmbeddingBag", {"num_embeddings": 5, "embedding_dim": 2}, "mode", "median"),
    ("EmbeddingBag", {"num_embeddings": 5, "embedding_dim": 2}, "padding_idx", 5),
    ("PairwiseDistance", {}, "p", "2"), ("CosineSimilarity", {}, "eps", None), ("Unflatten", {"dim": 1},
                                                                                "unflattened_size", 6),
]  # fmt: skip


@pytest.mark.parametrize(("layer", "ok", "arg", "bad"), BAD_ARGUMENTS,
                         ids=[f"{c[0]}-{c[2]}={c[3]!r}" for c in BAD_ARGUMENTS])
def test_bad_constructor_argument_names_argument_and_value(layer: str, ok: dict[str, Any], arg: str,
                                                           bad: Any) -> None:
    with pytest.raises(mg.InvalidParameterError) as info:
        getattr(nn, layer)(**ok, **{arg: bad})
    assert isinstance(info.value, ValueError)
    assert arg in str(info.value) and repr(bad) in str(info.value), str(info.value)


# (layer builder, bad input shape, words the message must contain)
BAD_INPUTS: list[tuple[Any, tuple[int, ...], str]] = [
    (lambda: nn.BatchNorm2d(3), (4, 3, 5), "4D"), (lambda: nn.BatchNorm2d(3), (4, 2, 5, 5), "3 channels"),
    (lambda: nn.BatchNorm3d(3), (4, 3, 5, 5), "5D"), (lambda: nn.InstanceNorm1d(3), (2, 3, 4, 5), "2D or 3D"),
    (lambda: nn.InstanceNorm2d(3, affine=True), (2, 4, 4, 5), "num_features"),
    (lambda: nn.InstanceNorm1d(3), (2, 3, 1), "spatial element"),
    (lambda: nn.GroupNorm(2, 4), (3, 6, 2), "4"),
    (lambda: nn.RMSNorm(4), (3, 5), "normalized_shape"), (lambda: nn.LocalResponseNorm(2), (3, 4), "3D"),
    (lambda: nn.PReLU(3), (2, 4, 5), "channel"),
    (lambda: nn.Softmax2d(), (2, 3), "3D or 4D"), (lambda: nn.Dropout1d(), (5,), "2D"),
    (lambda: nn.Unflatten(1, (2, 2)), (3, 5), "(2, 2)"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "shape", "words"), BAD_INPUTS)
def test_bad_input_shape_is_a_shape_error(build: Any, shape: tuple[int, ...], words: str) -> None:
    layer = build().train()
    with pytest.raises(mg.ShapeError) as info:
        layer(mg.ones(*shape))
    assert words in str(info.value) and str(shape) in str(info.value), str(info.value)


def test_glu_of_an_odd_dimension_is_a_shape_error_naming_dim_and_size() -> None:
    """PyTorch's words exactly (scripts print them), which name the dim and its size, not the shape."""
    with pytest.raises(mg.ShapeError, match=r"^Halving dimension must be even, but dimension 1 is size 3$"):
        nn.GLU()(mg.ones(2, 3))


def _after_size_warning(call: Callable[[], object]) -> None:
    """Run ``call``, which raises, and check that PyTorch's target-size warning came first."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            call()
        finally:
            assert any("target size" in str(w.message) for w in seen)


def test_bad_functional_inputs() -> None:
    x = mg.ones(3, 4)
    cases = [
        (lambda: F.group_norm(x, 3), mg.ShapeError, "divisible"),
        (lambda: F.bilinear(x, mg.ones(2, 4), mg.ones(5, 4, 4)), mg.ShapeError, "batch dimensions"),
        (lambda: F.bilinear(x, x, mg.ones(5, 4)), mg.ShapeError, "(out, in1, in2)"),
        (lambda: F.cosine_similarity(x, mg.ones(2, 4)), mg.ShapeError, "broadcast"),
        (lambda: F.binary_cross_entropy(x * 2, x), mg.DomainError, "between 0 and 1"),
        (lambda: F.binary_cross_entropy(x * 0.5, mg.ones(4)), mg.ShapeError, "target size"),
        (lambda: F.gaussian_nll_loss(x, x, mg.ones(2)), mg.ShapeError, "var"),
        (lambda: F.gaussian_nll_loss(x, x, -mg.ones(3, 4)), mg.InvalidParameterError, "negative"),
        (lambda: F.margin_ranking_loss(mg.ones(3), mg.ones(3), mg.ones(3, 1)), mg.ShapeError, "dims"),
        (lambda: F.cosine_embedding_loss(x, x, mg.ones(3, 1)), mg.ShapeError, "target"),
        (lambda: F.triplet_margin_loss(x, x, mg.ones(4)), mg.ShapeError, "dimensions"),
        (lambda: F.embedding_bag(mg.tensor([1, 2]), x, mg.tensor([1])), mg.ShapeError, "offsets[0]"),
        (lambda: F.embedding_bag(mg.tensor([1, 7]), x, mg.tensor([0])), mg.DimensionError, "7"),
        (lambda: F.embedding_bag(mg.tensor([[1]]), x, mg.tensor([0])), mg.InvalidParameterError, "offsets"),
        (lambda: F.embedding_bag(mg.tensor([1]), x, mg.tensor([0]), mode="max",
                                 per_sample_weights=mg.ones(1)), mg.InvalidParameterError, "per_sample"),
        (lambda: F.huber_loss(x, x, weight=mg.ones(4)), mg.ShapeError, "weight"),
        (lambda: F.prelu(x, mg.ones(3)), mg.ShapeError, "slopes"),
        (lambda: _after_size_warning(lambda: F.smooth_l1_loss(x, mg.ones(2, 3))), mg.ShapeError, "broadcast"),
    ]
    for fn, error, words in cases:
        with pytest.raises(error) as info:
            fn()
        assert words in str(info.value), str(info.value)
    assert isinstance(mg.DomainError("x"), RuntimeError)
