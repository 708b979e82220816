"""errs30: bad input raises PyTorch's exception class with PyTorch's words, found by sweeping every nn
module's constructor arguments, call-time inputs, optimizers, schedulers, data utilities and functions
against PyTorch.

Each case runs under real torch and under minigrad (the same lambda, given the library): minigrad's error
must be an instance of PyTorch's class (and of :class:`InvalidParameterError` for a bad argument, where the
project's rule asks for it) and its message must start with PyTorch's first line.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch


def _f(t: Any) -> Any:
    return t.nn.functional


def _sgd(t: Any) -> Any:
    return t.optim.SGD([t.nn.Parameter(t.ones(2))], lr=0.1, momentum=0.9)



_BAD = mg.InvalidParameterError  # (a bad argument: the project's rule)

# case: (what raises, the minigrad class it must also be, or None)
_CASES: dict[str, tuple[Any, Any]] = {
    # a string option given a non-string: PyTorch's TypeError (its string handling), still a bad argument
    "Conv2d padding_mode=int": (lambda t: t.nn.Conv2d(1, 1, 3, padding_mode=1), _BAD),
    "PoissonNLLLoss reduction=None": (lambda t: t.nn.PoissonNLLLoss(reduction=None)(t.ones(2), t.ones(2)),
                                      _BAD),
    "GaussianNLLLoss reduction=0": (lambda t: t.nn.GaussianNLLLoss(reduction=0)(t.ones(2), t.ones(2),
                                                                                 t.ones(2)), _BAD),
    "MultiLabelSoftMarginLoss reduction=1.5": (
        lambda t: t.nn.MultiLabelSoftMarginLoss(reduction=1.5)(t.ones(2, 2), t.ones(2, 2)), _BAD),
    "ReduceLROnPlateau mode=None": (lambda t: t.optim.lr_scheduler.ReduceLROnPlateau(_sgd(t), mode=None),
                                    _BAD),
    "ReduceLROnPlateau mode='bad'": (lambda t: t.optim.lr_scheduler.ReduceLROnPlateau(_sgd(t), mode="bad"),
                                     _BAD),
    "ReduceLROnPlateau threshold_mode=0": (
        lambda t: t.optim.lr_scheduler.ReduceLROnPlateau(_sgd(t), threshold_mode=0), _BAD),
    "TransformerEncoderLayer activation=1": (
        lambda t: t.nn.TransformerEncoderLayer(8, 2, 16, 0.0, activation=1)(t.ones(3, 2, 8)),
        _BAD),
    "TransformerEncoder layer=int": (lambda t: t.nn.TransformerEncoder(3, 2), _BAD),
    "TransformerEncoder num_layers=-1": (
        lambda t: t.nn.TransformerEncoder(t.nn.TransformerEncoderLayer(8, 2, 16, 0.0, batch_first=True), -1,
                                          enable_nested_tensor=False)(t.ones(3, 2, 8)), _BAD),
    "TransformerEncoder num_layers=0": (
        lambda t: t.nn.TransformerEncoder(t.nn.TransformerEncoderLayer(8, 2, 16, 0.0, batch_first=True), 0,
                                          enable_nested_tensor=False)(t.ones(3, 2, 8)), None),
    "TransformerDecoder num_layers=0": (
        lambda t: t.nn.TransformerDecoder(t.nn.TransformerDecoderLayer(8, 2, 16, 0.0), 0)(
            t.ones(3, 2, 8), t.ones(4, 2, 8)), None),
    # integer inputs where PyTorch has float kernels only
    "BatchNorm1d long": (lambda t: t.nn.BatchNorm1d(3)(t.ones(4, 3, dtype=t.int64)), None),
    "BatchNorm2d long (eval)": (lambda t: t.nn.BatchNorm2d(3).eval()(t.ones(4, 3, 2, 2, dtype=t.int64)),
                                None),
    "InstanceNorm1d long": (lambda t: t.nn.InstanceNorm1d(3)(t.ones(4, 3, 5, dtype=t.int64)), None),
    "RMSNorm long": (lambda t: t.nn.RMSNorm(3)(t.ones(4, 3, dtype=t.int64)), None),
    "nll_loss long input": (lambda t: _f(t).nll_loss(t.ones(3, 4, dtype=t.int64), t.tensor([0, 1, 2])), None),
    "nll_loss long 3-D input": (
        lambda t: _f(t).nll_loss(t.ones(3, 4, 2, dtype=t.int64), t.zeros(3, 2, dtype=t.int64)), None),
    "bce_with_logits long input": (
        lambda t: _f(t).binary_cross_entropy_with_logits(t.ones(3, dtype=t.int64), t.ones(3)), None),
    "bce_with_logits pos_weight size": (
        lambda t: _f(t).binary_cross_entropy_with_logits(t.ones(3, 2), t.ones(3, 2), pos_weight=t.ones(3)),
        mg.ShapeError),
    "dropout long": (lambda t: _f(t).dropout(t.ones(3, dtype=t.int64), 0.5), None),
    "Dropout2d long": (lambda t: t.nn.Dropout2d()(t.ones(1, 3, 2, 2, dtype=t.int64)), None),
    "alpha_dropout long": (lambda t: _f(t).alpha_dropout(t.ones(3, dtype=t.int64), 0.5, True), None),
    "dropout bool": (lambda t: _f(t).dropout(t.ones(3, dtype=t.bool), 0.5), None),
    "Bilinear float64 input2": (lambda t: t.nn.Bilinear(3, 4, 5)(t.ones(2, 3), t.ones(2, 4, dtype=t.float64)),
                                None),
    "bilinear int32 input2, float64 bias": (
        lambda t: _f(t).bilinear(t.ones(2, 3), t.ones(2, 4, dtype=t.int32), t.ones(5, 3, 4), t.ones(5)),
        None),
    "CosineSimilarity eps=-1": (lambda t: t.nn.CosineSimilarity(eps=-1)(t.ones(2, 3), t.ones(2, 3)),
                                _BAD),
    "cosine_similarity eps=-0.5": (lambda t: _f(t).cosine_similarity(t.ones(2, 3), t.ones(2, 3), eps=-0.5),
                                   _BAD),
    "CrossEntropyLoss ignore_index=1.5": (
        lambda t: t.nn.CrossEntropyLoss(ignore_index=1.5)(t.ones(3, 4), t.tensor([0, 1, 2])),
        _BAD),
    "CrossEntropyLoss ignore_index=None": (
        lambda t: t.nn.CrossEntropyLoss(ignore_index=None)(t.ones(3, 4), t.tensor([0, 1, 2])),
        _BAD),
    "NLLLoss ignore_index=-0.5": (
        lambda t: t.nn.NLLLoss(ignore_index=-0.5)(t.ones(3, 4), t.tensor([0, 1, 2])), _BAD),
    "nll_loss ignore_index=1.5": (
        lambda t: _f(t).nll_loss(t.ones(3, 4), t.tensor([0, 1, 2]), ignore_index=1.5), _BAD),
    # an argument of the wrong type: PyTorch's TypeError (from the functional form its forward calls)
    "AdaptiveAvgPool1d output_size=1.5": (lambda t: t.nn.AdaptiveAvgPool1d(1.5)(t.ones(1, 2, 4)), _BAD),
    "AdaptiveAvgPool2d output_size='a'": (lambda t: t.nn.AdaptiveAvgPool2d("a")(t.ones(1, 2, 4, 4)), _BAD),
    "AdaptiveMaxPool2d output_size=None": (lambda t: t.nn.AdaptiveMaxPool2d(None)(t.ones(1, 2, 4, 4)), _BAD),
    "AdaptiveMaxPool3d output_size=1.5": (lambda t: t.nn.AdaptiveMaxPool3d(1.5)(t.ones(1, 2, 4, 4, 4)), _BAD),
    "AvgPool2d divisor_override=1.5": (lambda t: t.nn.AvgPool2d(2, divisor_override=1.5)(t.ones(1, 2, 4, 4)),
                                       _BAD),
    "AvgPool3d divisor_override=(2, 3)": (
        lambda t: t.nn.AvgPool3d(2, divisor_override=(2, 3))(t.ones(1, 2, 4, 4, 4)), _BAD),
    "PixelShuffle upscale_factor=1.5": (lambda t: t.nn.PixelShuffle(1.5)(t.ones(1, 4, 2, 2)), _BAD),
    "PixelUnshuffle downscale_factor='a'": (lambda t: t.nn.PixelUnshuffle("a")(t.ones(1, 1, 4, 4)), _BAD),
    "ChannelShuffle groups=None": (lambda t: t.nn.ChannelShuffle(None)(t.ones(1, 4, 2, 2)), _BAD),
    "pixel_shuffle upscale_factor=2.0": (lambda t: _f(t).pixel_shuffle(t.ones(1, 4, 2, 2), 2.0), _BAD),
    "Unflatten dim=1.5": (lambda t: t.nn.Unflatten(1.5, (2, 2))(t.ones(2, 4)), _BAD),
    "ReflectionPad2d padding=(2, 3)": (lambda t: t.nn.ReflectionPad2d((2, 3))(t.ones(1, 1, 4, 4)), _BAD),
    "ReplicationPad3d padding=(1, 1, 1, 1)": (
        lambda t: t.nn.ReplicationPad3d((1, 1, 1, 1))(t.ones(1, 1, 4, 4, 4)), _BAD),
    "CircularPad2d padding=(1, 1)": (lambda t: t.nn.CircularPad2d((1, 1))(t.ones(1, 1, 4, 4)), _BAD),
    # a zero PyTorch divides by
    "StepLR step_size=0": (lambda t: t.optim.lr_scheduler.StepLR(_sgd(t), 0).step(), _BAD),
    "CosineAnnealingLR T_max=0": (lambda t: t.optim.lr_scheduler.CosineAnnealingLR(_sgd(t), 0).step(), _BAD),
    "OneCycleLR div_factor=0": (
        lambda t: t.optim.lr_scheduler.OneCycleLR(_sgd(t), 0.1, total_steps=10, div_factor=0), _BAD),
    "OneCycleLR final_div_factor=0": (
        lambda t: t.optim.lr_scheduler.OneCycleLR(_sgd(t), 0.1, total_steps=10, final_div_factor=0), _BAD),
    "CyclicLR step_size_up=0": (lambda t: t.optim.lr_scheduler.CyclicLR(_sgd(t), 0.01, 0.1, step_size_up=0),
                                _BAD),
    # a pair of the wrong length
    "Rprop step_sizes=(1e-6,)": (
        lambda t: t.optim.Rprop([t.nn.Parameter(t.ones(2))], step_sizes=(1e-6,)).step(), _BAD),
    "Rprop step_sizes of 3": (
        lambda t: t.optim.Rprop([t.nn.Parameter(t.ones(2))], step_sizes=(1, 2, 3)).step(), _BAD),
    "Adafactor eps=(0.9,)": (
        lambda t: t.optim.Adafactor([t.nn.Parameter(t.ones(2))], eps=(0.9,)).step(), _BAD),
    "random_split generator=3": (lambda t: t.utils.data.random_split(range(10), [5, 5], generator=3), None),
    # functions and tensor methods
    "triu diagonal='a'": (lambda t: t.triu(t.ones(2, 2), "a"), None),
    "Tensor.triu diagonal=1.5": (lambda t: t.ones(2, 2).triu(1.5), None),
    "Tensor.tril diagonal=None": (lambda t: t.ones(2, 2).tril(None), None),
    "kron None": (lambda t: t.kron(t.ones(2), None), None),
    "Tensor.kron list": (lambda t: t.ones(2).kron([1.0]), None),
    "Tensor.type_as int": (lambda t: t.ones(2).type_as(3), None),
    "Tensor.random_ from >= to": (lambda t: t.ones(2).random_(5, 2), _BAD),
    "Tensor.random_ negative to": (lambda t: t.ones(2).random_(-3), _BAD),
    "Tensor.fill_ 1-D value": (lambda t: t.ones(3).fill_(t.ones(1)), None),
    "init.uniform_ a > b": (lambda t: t.nn.init.uniform_(t.ones(3), 2, 1), _BAD),
    "init.trunc_normal_ a > b": (lambda t: t.nn.init.trunc_normal_(t.ones(3), a=2.5, b=1.5), _BAD),
    "init.constant_ str": (lambda t: t.nn.init.constant_(t.ones(3), "a"), None),
    # shapes that do not broadcast: PyTorch's sentence first (minigrad's named the op and shapes first)
    "add sizes": (lambda t: t.ones(2, 3) + t.ones(4, 5), mg.ShapeError),
    "lt sizes": (lambda t: t.ones(2, 3) < t.ones(4, 5), mg.ShapeError),
    "atan2 sizes": (lambda t: t.atan2(t.ones(2, 3), t.ones(4, 5)), mg.ShapeError),
    "logical_and sizes": (lambda t: t.logical_and(t.ones(2, 3), t.ones(2, 5)), mg.ShapeError),
    "maximum sizes": (lambda t: t.maximum(t.ones(2, 3), t.ones(3, 2)), mg.ShapeError),
    "floor_divide sizes": (lambda t: t.ones(2, 3) // t.ones(4, 5), mg.ShapeError),
    "mul_ sizes": (lambda t: t.ones(2, 3).mul_(t.ones(4, 5)), mg.ShapeError),
    "add_ growing the tensor": (lambda t: t.ones(3).add_(t.ones(2, 3)), mg.ShapeError),
    "matmul batch sizes": (lambda t: t.matmul(t.ones(2, 3, 4), t.ones(3, 4, 5)), mg.ShapeError),
    # matrix products of the wrong rank, reductions over a dim twice, cdist
    "mm 1-D": (lambda t: t.mm(t.ones(3), t.ones(3, 3)), mg.ShapeError),
    "mm 1-D mat2": (lambda t: t.mm(t.ones(3, 3), t.ones(3)), mg.ShapeError),
    "bmm 2-D": (lambda t: t.bmm(t.ones(3, 3), t.ones(2, 3, 3)), mg.ShapeError),
    "mv 1-D": (lambda t: t.mv(t.ones(3), t.ones(3)), mg.ShapeError),
    "outer 2-D": (lambda t: t.outer(t.ones(3), t.ones(3, 3)), mg.ShapeError),
    "addmm 1-D mat1": (lambda t: t.addmm(t.ones(3, 3), t.ones(3), t.ones(3, 3)), mg.ShapeError),
    "dot 2-D": (lambda t: t.dot(t.ones(3, 3), t.ones(3, 3)), mg.ShapeError),
    "vdot sizes": (lambda t: t.vdot(t.ones(3), t.ones(4)), mg.ShapeError),
    "sum dim twice": (lambda t: t.ones(2, 3).sum(dim=(1, -1)), None),
    "amax dim twice": (lambda t: t.ones(2, 3).amax(dim=(0, 1, -2)), None),
    "cdist columns": (lambda t: t.cdist(t.ones(3, 4), t.ones(5, 6)), mg.ShapeError),
    "cdist columns before dtypes": (lambda t: t.cdist(t.ones(3, 4).double(), t.ones(5, 6)), mg.ShapeError),
    "cdist long": (lambda t: t.cdist(t.ones(3, 4), t.ones(5, 4, dtype=t.int64)), None),
    "cdist 1-D": (lambda t: t.cdist(t.ones(4), t.ones(5, 4)), None),
    # the common call-time mistakes with a layer: PyTorch's sentence first
    "BatchNorm1d 1-D input": (lambda t: t.nn.BatchNorm1d(4)(t.ones(4)), mg.ShapeError),
    "BatchNorm2d 3-D input": (lambda t: t.nn.BatchNorm2d(4)(t.ones(4, 6, 6)), mg.ShapeError),
    "InstanceNorm1d 4-D input": (lambda t: t.nn.InstanceNorm1d(2)(t.ones(1, 2, 4, 6)), mg.ShapeError),
    "LSTM input_size": (lambda t: t.nn.LSTM(4, 5)(t.ones(3, 2, 8)), mg.ShapeError),
    "GRU empty sequence": (lambda t: t.nn.GRU(4, 5)(t.ones(0, 2, 4)), mg.ShapeError),
    "RNNCell float64 input": (lambda t: t.nn.RNNCell(4, 5)(t.ones(2, 4, dtype=t.float64)), None),
    "LSTMCell long input": (lambda t: t.nn.LSTMCell(4, 5)(t.ones(2, 4, dtype=t.int64)), None),
    "CrossEntropyLoss 1-D input": (lambda t: t.nn.CrossEntropyLoss()(t.ones(4), t.tensor([0, 1, 2])),
                                   mg.ShapeError),
    "nll_loss 1-D input": (lambda t: _f(t).nll_loss(t.ones(4), t.tensor([0, 1])), mg.ShapeError),
    "CosineSimilarity sizes": (lambda t: t.nn.CosineSimilarity()(t.ones(3, 8), t.ones(3, 4)), mg.ShapeError),
    "PairwiseDistance sizes": (lambda t: t.nn.PairwiseDistance()(t.ones(3, 4), t.ones(2, 4)), mg.ShapeError),
    "PReLU float64 input": (lambda t: t.nn.PReLU()(t.ones(2, 4, dtype=t.float64)), None),
    "KLDivLoss long target": (lambda t: t.nn.KLDivLoss()(t.ones(3, 4), t.ones(3, 4, dtype=t.int64)), None),
    "MultiMarginLoss float target": (
        lambda t: t.nn.MultiMarginLoss()(t.ones(3, 4), t.tensor([0.0, 1.0, 2.0])), None),
    "LayerNorm sizes": (lambda t: t.nn.LayerNorm(4)(t.ones(2, 8)), mg.ShapeError),
    "layer_norm two dims": (lambda t: _f(t).layer_norm(t.ones(8), (2, 4)), mg.ShapeError),
    "RMSNorm sizes": (lambda t: t.nn.RMSNorm([2, 4])(t.ones(2, 8)), mg.ShapeError),
    "GroupNorm channels": (lambda t: t.nn.GroupNorm(2, 4)(t.ones(2, 8, 6)), mg.ShapeError),
    "MultiLabelSoftMarginLoss sizes": (
        lambda t: t.nn.MultiLabelSoftMarginLoss()(t.ones(3, 8), t.ones(3, 4)), mg.ShapeError),
    "HingeEmbeddingLoss sizes": (
        lambda t: t.nn.HingeEmbeddingLoss()(t.ones(3, 8), t.ones(3, 4)), mg.ShapeError),
    # silently accepted before
    "meshgrid 2-D": (lambda t: t.meshgrid(t.ones(2, 2), indexing="ij"), mg.ShapeError),
    "TripletMarginWithDistanceLoss distance_function=0": (
        lambda t: t.nn.TripletMarginWithDistanceLoss(distance_function=0)(*[t.ones(3, 4)] * 3), _BAD),
    # PyTorch's class for the rest the sweep found
    "MultiMarginLoss weight=1.5": (lambda t: t.nn.MultiMarginLoss(weight=1.5), _BAD),
    "Unflatten dim out of range": (lambda t: t.nn.Unflatten(1, (2, 2))(t.ones(4)), None),
    "RReLU long (training)": (lambda t: t.nn.RReLU()(t.ones(2, 4, dtype=t.int64)), _BAD),
    "UpsamplingBilinear2d long": (lambda t: t.nn.UpsamplingBilinear2d(scale_factor=2)(
        t.ones(1, 1, 3, 3, dtype=t.int64)), _BAD),
    "interpolate linear long": (lambda t: _f(t).interpolate(t.ones(1, 1, 3, dtype=t.int64), scale_factor=2,
                                                            mode="linear"), _BAD),
    # tensor methods: PyTorch's words first, no longer behind minigrad's op-name prefix
    "view size": (lambda t: t.ones(2, 3).view(4, -1), mg.ShapeError),
    "reshape size": (lambda t: t.ones(2, 3).reshape(5), mg.ShapeError),
    "view two -1": (lambda t: t.ones(2, 3).view(-1, -1), mg.ShapeError),
    "view_as size": (lambda t: t.ones(2, 3).view_as(t.ones(5)), mg.ShapeError),
    "item of many": (lambda t: t.ones(2, 3).item(), mg.ShapeError),
    "float() of many": (lambda t: float(t.ones(2, 3)), mg.ShapeError),
    "int() of many": (lambda t: int(t.ones(2)), mg.ShapeError),
    "sigmoid_ of long": (lambda t: t.ones(3, dtype=t.int64).sigmoid_(), None),
    "div_ of long": (lambda t: t.ones(3, dtype=t.int64).div_(2), None),
    "t() of 3-D": (lambda t: t.ones(2, 3, 4).t(), mg.ShapeError),
    "narrow too long": (lambda t: t.ones(2, 3).narrow(0, 1, 5), _BAD),
    "multinomial negative": (lambda t: t.multinomial(t.tensor([-1.0, 2.0]), 1), None),
    "arange step sign": (lambda t: t.arange(0, 5, -1), _BAD),
    # optimizers, schedulers and data: PyTorch's words first
    "SGD empty parameter list": (lambda t: t.optim.SGD([], lr=0.1), _BAD),
    "Adam non-leaf parameter": (lambda t: t.optim.Adam([t.ones(2, requires_grad=True) * 2]), _BAD),
    "OneCycleLR pct_start=1.5": (
        lambda t: t.optim.lr_scheduler.OneCycleLR(_sgd(t), 0.1, total_steps=10, pct_start=1.5), _BAD),
    "OneCycleLR anneal_strategy='bad'": (
        lambda t: t.optim.lr_scheduler.OneCycleLR(_sgd(t), 0.1, total_steps=10, anneal_strategy="bad"), _BAD),
    "DataLoader num_workers=-1": (lambda t: t.utils.data.DataLoader([1, 2], num_workers=-1), _BAD),
    "DataLoader prefetch_factor without workers": (
        lambda t: t.utils.data.DataLoader([1, 2], prefetch_factor=2), _BAD),
    "RandomSampler replacement='x'": (lambda t: t.utils.data.RandomSampler(range(4), replacement="x"), None),
    "random_split fraction 1.5": (lambda t: t.utils.data.random_split(range(10), [1.5, -0.5]), _BAD),
    "TensorDataset index": (lambda t: t.utils.data.TensorDataset(t.ones(3))[5], None),
    "ConcatDataset empty": (lambda t: t.utils.data.ConcatDataset([]), _BAD),
    "ConcatDataset index": (lambda t: t.utils.data.ConcatDataset([[1], [2]])[5], None),
    # an in-place write into a leaf through an index: PyTorch's words name the view a basic index makes
    "leaf[0] = 1.0": (lambda t: t.ones(3, requires_grad=True).__setitem__(0, 1.0), None),
    "leaf[:2] = 1.0": (lambda t: t.ones(3, requires_grad=True).__setitem__(slice(0, 2), 1.0), None),
    "leaf[...] = 1.0": (lambda t: t.ones(3, requires_grad=True).__setitem__(Ellipsis, 1.0), None),
    "leaf[[0, 1]] = 1.0": (lambda t: t.ones(3, requires_grad=True).__setitem__([0, 1], 1.0), None),
}


# PyTorch's message there is Python's own about its code (``'int' and 'str'``, a set in hash order): the class
# is compared, not the words
_INCIDENTAL = {"Conv2d padding_mode=int", "PoissonNLLLoss reduction=None", "GaussianNLLLoss reduction=0",
               "MultiLabelSoftMarginLoss reduction=1.5", "ReduceLROnPlateau mode=None",
               "ReduceLROnPlateau threshold_mode=0", "TransformerEncoder num_layers=-1",
               "AdaptiveAvgPool2d output_size='a'", "AdaptiveMaxPool2d output_size=None",
               "AdaptiveMaxPool3d output_size=1.5", "ReflectionPad2d padding=(2, 3)",
               "ReplicationPad3d padding=(1, 1, 1, 1)", "CircularPad2d padding=(1, 1)", "StepLR step_size=0",
               "CosineAnnealingLR T_max=0", "OneCycleLR div_factor=0", "OneCycleLR final_div_factor=0",
               "CyclicLR step_size_up=0", "random_split generator=3", "meshgrid 2-D"}


def _words(message: str) -> str:
    # (minigrad code prints a shape as the tuple it is; under the torch alias it prints torch.Size([...]))
    return re.sub(r"torch\.Size\(\[([^]]*)\]\)", lambda m: str(tuple(int(v) for v in m[1].split(", ") if v)),
                  message.split("\n")[0])


@pytest.mark.parametrize("case", sorted(_CASES))
def test_bad_input_raises_pytorchs_class_with_its_words(case: str) -> None:
    torch = require_torch()
    run, also = _CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the layers' own construction warnings, the same in both)
        with pytest.raises(Exception) as theirs:
            run(torch)
        with pytest.raises(Exception) as ours:
            run(mg)
    assert isinstance(ours.value, type(theirs.value)), (type(ours.value).__mro__, type(theirs.value))
    assert isinstance(ours.value, mg.MinigradError) or type(ours.value) is type(theirs.value)
    if also is not None:
        assert isinstance(ours.value, also)
    if case not in _INCIDENTAL:
        assert str(ours.value).startswith(_words(str(theirs.value))), (str(ours.value), str(theirs.value))


def test_poisson_nll_loss_broadcasts_without_a_warning() -> None:
    """PyTorch's poisson_nll_loss broadcasts a target of another shape silently (the other pointwise losses
    warn); minigrad warned."""
    torch = require_torch()
    for lib in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loss = lib.nn.PoissonNLLLoss()(lib.ones(4), lib.ones(3, 4))
        assert float(loss) == pytest.approx(float(torch.nn.PoissonNLLLoss()(torch.ones(4), torch.ones(3, 4))))


def test_rms_norm_of_another_dtype_than_its_weight_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyTorch warns (once per process) that a float64 input cannot use the fused kernel of a float32
    RMSNorm; minigrad was silent."""
    torch = require_torch()
    from minigrad import settings

    monkeypatch.setattr(settings, "_warned_once", set())  # (the once-per-process flags, fresh for this test)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        nn_out = mg.nn.RMSNorm(4)(mg.ones(2, 4, dtype=mg.float64))
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        torch.nn.RMSNorm(4)(torch.ones(2, 4, dtype=torch.float64))
    assert nn_out.dtype == mg.float64
    assert [w.category for w in ours] == [UserWarning]
    if theirs:  # (PyTorch's flag may be spent by an earlier test in this process)
        assert str(theirs[0].message).startswith(str(ours[0].message))
    else:
        assert str(ours[0].message).startswith("Mismatch dtype between input and weight: input dtype = ")
