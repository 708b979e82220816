"""``torch.nn.modules``: minigrad's layers under PyTorch's submodule names.

``from torch.nn.modules.linear import Linear`` and
``torch.nn.modules.loss.CrossEntropyLoss`` work under the launcher because each
submodule of PyTorch's layout below (``module``, ``container``, ``linear``,
``activation``, ``loss``, ...) exists here and holds the classes of that name
that ``minigrad.nn`` has. The table lists PyTorch's classes; the ones minigrad
lacks are simply absent, so using one fails as a missing attribute. Layers
added to ``minigrad.nn`` later appear here without an edit.
"""

from __future__ import annotations

import sys
import types

from minigrad import nn as _nn
from minigrad.nn import _module_hooks, _module_state
from minigrad.nn import batchnorm as _batchnorm
from minigrad.nn import conv as _conv
from minigrad.nn import dropout as _dropout
from minigrad.nn import instancenorm as _instancenorm
from minigrad.nn import linear as _linear
from minigrad.nn import loss as _loss
from minigrad.nn import padding as _padding
from minigrad.nn import pooling as _pooling
from minigrad.nn import transformer as _transformer
from minigrad.nn.module import Module as _Module
from minigrad.nn.module import _addindent
from minigrad.nn.modules import utils as utils

# PyTorch's file for each public layer class (torch/nn/modules/*.py).
_LAYOUT: dict[str, tuple[str, ...]] = {
    "module": ("Module",),
    "container": ("ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "Sequential"),
    "linear": ("Bilinear", "Identity", "LazyLinear", "Linear"),
    "activation": (
        "CELU", "ELU", "GELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU",
        "LogSigmoid", "LogSoftmax", "Mish", "MultiheadAttention", "PReLU", "RReLU", "ReLU", "ReLU6", "SELU",
        "SiLU", "Sigmoid", "Softmax", "Softmax2d", "Softmin", "Softplus", "Softshrink", "Softsign", "Tanh",
        "Tanhshrink", "Threshold",
    ),
    "loss": (
        "BCELoss", "BCEWithLogitsLoss", "CTCLoss", "CosineEmbeddingLoss", "CrossEntropyLoss",
        "GaussianNLLLoss", "HingeEmbeddingLoss", "HuberLoss", "KLDivLoss", "L1Loss", "MSELoss",
        "MarginRankingLoss", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss", "NLLLoss",
        "NLLLoss2d", "PoissonNLLLoss", "SmoothL1Loss", "SoftMarginLoss", "TripletMarginLoss",
        "TripletMarginWithDistanceLoss",
    ),
    "linear_cross_entropy": ("LinearCrossEntropyLoss",),
    "dropout": ("AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"),
    "normalization": ("CrossMapLRN2d", "GroupNorm", "LayerNorm", "LocalResponseNorm", "RMSNorm"),
    "batchnorm": (
        "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
        "SyncBatchNorm",
    ),
    "instancenorm": (
        "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
        "LazyInstanceNorm3d",
    ),
    "sparse": ("Embedding", "EmbeddingBag"),
    "flatten": ("Flatten", "Unflatten"),
    "transformer": (
        "Transformer", "TransformerDecoder", "TransformerDecoderLayer", "TransformerEncoder",
        "TransformerEncoderLayer",
    ),
    "conv": (
        "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d",
        "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
    ),
    "pooling": (
        "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
        "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "LPPool1d",
        "LPPool2d", "LPPool3d", "MaxPool1d", "MaxPool2d", "MaxPool3d",
    ),
    "rnn": ("GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"),
    "padding": (
        "CircularPad1d", "CircularPad2d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
        "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "ZeroPad1d",
        "ZeroPad2d",
    ),
    "pixelshuffle": ("PixelShuffle", "PixelUnshuffle"),
    "channelshuffle": ("ChannelShuffle",),
    "upsampling": ("Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"),
    "distance": ("CosineSimilarity", "PairwiseDistance"),
    "fold": ("Fold", "Unfold"),
    "adaptive": ("AdaptiveLogSoftmaxWithLoss",),
}  # fmt: skip


def _submodule(name: str, classes: tuple[str, ...]) -> types.ModuleType:
    """``minigrad.nn.modules.<name>`` holding the classes of ``classes`` that minigrad.nn has."""
    doc = f"``torch.nn.modules.{name}``: minigrad's layers of that file."
    mod = types.ModuleType(f"{__name__}.{name}", doc)
    present = [c for c in classes if isinstance(getattr(_nn, c, None), type)]
    for c in present:
        setattr(mod, c, getattr(_nn, c))
    mod.__all__ = present  # type: ignore[attr-defined]
    sys.modules[mod.__name__] = mod  # so `import minigrad.nn.modules.linear` finds it
    return mod


for _name, _classes in _LAYOUT.items():
    globals()[_name] = _submodule(_name, _classes)

# torch/nn/modules/module.py also holds the global hooks, their registries and the state-dict helpers
for _attr in dir(_module_hooks):
    if _attr.startswith(("register_module_", "_global_")):
        setattr(globals()["module"], _attr, getattr(_module_hooks, _attr))
globals()["module"]._IncompatibleKeys = _module_state.IncompatibleKeys
globals()["module"]._EXTRA_STATE_KEY_SUFFIX = _module_state.EXTRA_STATE_KEY_SUFFIX
globals()["module"]._WrappedHook = _module_hooks._WrappedHook
globals()["module"]._addindent = _addindent  # (summary and repr helpers import it)
# (DETR-style transformers import these two helpers from PyTorch's transformer file)
globals()["transformer"]._get_clones = _transformer._get_clones
globals()["transformer"]._get_activation_fn = _transformer._get_activation_fn

# The private base classes under PyTorch's names where minigrad's hierarchy is PyTorch's (the same layers
# below each): scripts test isinstance(m, nn.modules.batchnorm._BatchNorm) to freeze BatchNorm, loop on
# _ConvNd to initialize, and subclass _Loss / _WeightedLoss / _DropoutNd (PyTorch's constructor arguments).
# MultiheadAttention's out_proj class is named here too (not public in torch.nn): the word-language-model
# example lists it in torch.serialization.safe_globals to load a pickled Transformer.
_PRIVATE: dict[str, dict[str, type]] = {
    "linear": {"NonDynamicallyQuantizableLinear": _linear.NonDynamicallyQuantizableLinear},
    "batchnorm": {"_NormBase": _batchnorm._NormBase, "_BatchNorm": _batchnorm._BatchNorm},
    "instancenorm": {"_InstanceNorm": _instancenorm._InstanceNorm},
    "conv": {"_ConvNd": _conv._ConvNd, "_ConvTransposeNd": _conv._ConvTranspose},
    "pooling": {
        "_MaxPoolNd": _pooling._MaxPoolNd, "_AvgPoolNd": _pooling._AvgPoolNd, "_LPPoolNd": _pooling._LPPoolNd,
        "_AdaptiveAvgPoolNd": _pooling._AdaptiveAvgPool, "_AdaptiveMaxPoolNd": _pooling._AdaptiveMaxPool,
        "_MaxUnpoolNd": _pooling._MaxUnpoolNd,
    },
    "loss": {"_Loss": _loss._Loss, "_WeightedLoss": _loss._WeightedLoss},
    "dropout": {"_DropoutNd": _dropout._DropoutNd},
    "padding": {"_ConstantPadNd": _padding._ConstantPadNd, "_CircularPadNd": _padding._CircularPadNd},
}  # fmt: skip
for _name, _bases in _PRIVATE.items():
    for _attr, _base in _bases.items():
        setattr(globals()[_name], _attr, _base)

# The package itself holds every layer class, as torch.nn.modules does.
for _cls_name in dir(_nn):
    _obj = getattr(_nn, _cls_name)
    if isinstance(_obj, type) and issubclass(_obj, _Module):
        globals()[_cls_name] = _obj

del _name, _classes, _cls_name, _obj, _attr, _bases, _base
__all__ = sorted(
    n for n, v in globals().items()
    if not n.startswith("_") and isinstance(v, type) and issubclass(v, _Module)
)
