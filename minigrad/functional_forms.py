"""The ``torch.*`` forms of ``torch.nn.functional``'s functions: ``torch.conv2d``, ``torch.layer_norm``,
``torch.dropout(x, p, train)``, ``torch.embedding(weight, indices)``, ``torch.kl_div(x, y, 1)``...

PyTorch exposes these ATen functions at top level with signatures of their
own, and scripts and other libraries' op tests call them that way. Where the
signature matches ``minigrad.nn.functional``'s the function is re-exported; the
others are thin adapters onto it (argument order, ``stride=()`` for "the kernel
size", ``train`` without a default, ignored ``cudnn_enabled`` flags, and the
losses' integer ``reduction``: 0 none, 1 mean, 2 sum, default 0 in effect). No math lives here.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad._tensor_methods import provide
from minigrad.errors import UnsupportedError, bool_args
from minigrad.factories import ones, zeros
from minigrad.memory_formats import draw_laid_out
from minigrad.nn import _checks
from minigrad.nn import functional as F

# these are re-exported unchanged: their signatures are PyTorch's top-level ones
from minigrad.nn.functional import (
    adaptive_avg_pool1d,
    bilinear,
    celu_,
    channel_shuffle,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    pixel_shuffle,
    pixel_unshuffle,
    prelu,
    relu_,
    rms_norm,
    rrelu_,
    selu_,
    threshold_,
)
from minigrad.nn.functional.dropout import _channels, _float_dtype, _scaled_mask
from minigrad.random import Generator
from minigrad.tensor import Tensor, from_numpy

bool_ = np.dtype(np.bool_)

__all__ = [
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "alpha_dropout", "alpha_dropout_", "avg_pool1d",
    "batch_norm", "bilinear", "binary_cross_entropy_with_logits", "celu", "celu_", "channel_shuffle",
    "constant_pad_nd", "conv1d", "conv2d", "conv3d", "conv_tbc", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d",
    "cosine_embedding_loss", "ctc_loss", "dropout", "dropout_", "embedding", "feature_alpha_dropout",
    "feature_alpha_dropout_", "feature_dropout", "feature_dropout_", "group_norm", "hardshrink",
    "hinge_embedding_loss", "instance_norm", "kl_div", "layer_norm", "margin_ranking_loss", "max_pool1d",
    "max_pool1d_with_indices", "max_pool2d", "max_pool3d", "native_channel_shuffle", "native_layer_norm",
    "pixel_shuffle", "pixel_unshuffle", "poisson_nll_loss",
    "affine_grid_generator", "convolution", "embedding_bag", "grid_sampler", "grid_sampler_2d", "gru_cell",
    "lstm_cell",
    "native_batch_norm", "native_dropout", "native_group_norm", "rnn_relu_cell", "rnn_tanh_cell", "prelu",
    "relu_", "rms_norm", "rrelu",
    "rrelu_", "selu", "selu_", "threshold", "threshold_", "triplet_margin_loss",
]  # fmt: skip

Size = int | Sequence[int]
_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(value: Any) -> str:
    """ATen's integer reduction as F's name; as in PyTorch, an int other than 1 or 2 reduces nothing.

    Raises:
        TypeError: ``value`` is not an int (PyTorch's class for a str such as 'mean' here).
    """
    if isinstance(value, bool) or not isinstance(value, int):
        # PyTorch's argument parser refuses a str here with a TypeError
        raise TypeError(f"reduction must be an int (0 none, 1 mean, 2 sum), got reduction={value!r}")
    return _REDUCTIONS.get(value, "none")


def _stride(stride: Size | None) -> Size | None:
    """ATen's pooling ``stride=()`` (empty) means "the kernel size", which F spells None."""
    if stride is None or (not isinstance(stride, int) and len(stride) == 0):
        return None
    return stride


# -- activations --------------------------------------------------------------------------------------

def constant_pad_nd(input: Tensor, pad: Sequence[int], value: float = 0) -> Tensor:  # noqa: A002
    """``F.pad(input, pad, 'constant', value)``: (left, right) amounts for the last dim, then the one
    before...; negative amounts crop."""
    return F.pad(input, list(pad), "constant", value)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)), elementwise; see ``F.celu``."""
    return F.celu(input, alpha)


def selu(input: Tensor) -> Tensor:  # noqa: A002
    """scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), elementwise; see ``F.selu``."""
    return F.selu(input)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x where |x| > lambd, else 0 (takes ``out=`` at top level); see ``F.hardshrink``."""
    return F.hardshrink(input, lambd)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """x where x > threshold, else ``value`` (takes ``out=`` at top level); see ``F.threshold``."""
    return F.threshold(input, threshold, value)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
          training: bool = False, generator: Generator | None = None) -> Tensor:
    """Randomized leaky ReLU; see ``F.rrelu``. Slopes come from minigrad's default generator.

    Raises:
        UnsupportedError: a ``generator`` is given (the draws use the default one).
    """
    if generator is not None:
        raise UnsupportedError("rrelu: generator= is not supported; seed with minigrad.manual_seed")
    return F.rrelu(input, lower, upper, training)


# -- dropout: ``train`` is positional and has no default ------------------------------------------------

def dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``F.dropout(input, p, training=train)``.

    Raises:
        InvalidParameterError: ``p`` is not in [0, 1).
    """
    return F.dropout(input, p, train)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``F.alpha_dropout(input, p, training=train)``."""
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``F.feature_alpha_dropout(input, p, training=train)``: one draw per (sample, channel) of (N, C, *)."""
    return F.feature_alpha_dropout(input, p, train)


@bool_args("train")
def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """Dropout of whole channels of an (N, C, *) input (what ``F.dropout1d/2d/3d`` do), any rank >= 2.

    Raises:
        InvalidParameterError: ``p`` is not in [0, 1).
        ShapeError: training with p > 0 and the input has fewer than 2 dims.
    """
    return _channels(input, _checks.probability("p", p), train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``F.dropout(input, p, train, inplace=True)``: the mask multiplied into ``input``; returns ``input``."""
    return F.dropout(input, p, train, inplace=True)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``F.alpha_dropout(input, p, train, inplace=True)``; returns ``input``."""
    return F.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``F.feature_alpha_dropout(input, p, train, inplace=True)``; returns ``input``."""
    return F.feature_alpha_dropout(input, p, train, inplace=True)


@bool_args("train")
def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``feature_dropout`` multiplied into ``input``; returns ``input``."""
    return _channels(input, _checks.probability("p", p), train, inplace=True)


# -- convolution, pooling, shuffles ---------------------------------------------------------------------

def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:  # noqa: A002
    """1-D convolution in time-batch-channel layout: input (T, B, C_in), weight (K, C_in, C_out),
    bias (C_out,), zero padding ``pad`` on both ends of T; returns (T + 2 pad - K + 1, B, C_out).
    """
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)


def avg_pool1d(input: Tensor, kernel_size: Size, stride: Size = (), padding: Size = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """``F.avg_pool1d``; an empty ``stride`` means the kernel size."""
    return F.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad)


def max_pool1d(input: Tensor, kernel_size: Size, stride: Size = (), padding: Size = 0,  # noqa: A002
               dilation: Size = 1, ceil_mode: bool = False) -> Tensor:
    """``F.max_pool1d``; an empty ``stride`` means the kernel size."""
    out: Tensor = F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)
    return out


def max_pool1d_with_indices(input: Tensor, kernel_size: Size, stride: Size = (),  # noqa: A002
                            padding: Size = 0, dilation: Size = 1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    """``F.max_pool1d(..., return_indices=True)``: (values, int64 argmax positions along L)."""
    values, indices = F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode, True)
    return values, indices


def max_pool2d(input: Tensor, kernel_size: Size, stride: Size = (), padding: Size = 0,  # noqa: A002
               dilation: Size = 1, ceil_mode: bool = False) -> Tensor:
    """``F.max_pool2d``; an empty ``stride`` means the kernel size."""
    out: Tensor = F.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)
    return out


def max_pool3d(input: Tensor, kernel_size: Size, stride: Size = (), padding: Size = 0,  # noqa: A002
               dilation: Size = 1, ceil_mode: bool = False) -> Tensor:
    """``F.max_pool3d``; an empty ``stride`` means the kernel size."""
    out: Tensor = F.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)
    return out


def adaptive_max_pool1d(input: Tensor, output_size: Size) -> tuple[Tensor, Tensor]:  # noqa: A002
    """``F.adaptive_max_pool1d(..., return_indices=True)``: PyTorch's top-level form returns both."""
    size = output_size if isinstance(output_size, int) else output_size[0]
    values, indices = F.adaptive_max_pool1d(input, size, True)
    return values, indices


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """The same as :func:`channel_shuffle`."""
    return channel_shuffle(input, groups)


# -- normalization: the ``cudnn_enabled`` flags choose a backend, so they are accepted and ignored ------

@bool_args("cudnn_enable")
def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5, cudnn_enable: bool = True) -> Tensor:
    """``F.layer_norm``."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def native_layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None,  # noqa: A002
                      bias: Tensor | None, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(``layer_norm``'s output, mean, 1/sqrt(var + eps)); the statistics have the input's leading dims
    and size 1 in the normalized ones (biased variance, as the normalization uses).
    """
    dims = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    mean = input.mean(dim=dims, keepdim=True)
    rstd = ((input - mean) ** 2).mean(dim=dims, keepdim=True).add(eps).rsqrt()
    return F.layer_norm(input, normalized_shape, weight, bias, eps), mean, rstd


@bool_args("cudnn_enabled")
def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5, cudnn_enabled: bool = True) -> Tensor:
    """``F.group_norm``."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,  # noqa: A002
               running_mean: Tensor | None, running_var: Tensor | None, training: bool, momentum: float,
               eps: float, cudnn_enabled: bool) -> Tensor:
    """``F.batch_norm`` with ATen's argument order (weight and bias first, every argument required)."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,  # noqa: A002
                  running_mean: Tensor | None, running_var: Tensor | None, use_input_stats: bool,
                  momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:
    """``F.instance_norm`` with ATen's argument order (weight and bias first, every argument required)."""
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """``F.embedding(indices, weight, ...)``: the rows of ``weight`` at ``indices``. A negative
    ``padding_idx`` means none (ATen's convention); row ``padding_idx`` otherwise gets no gradient.
    """
    pad = None if padding_idx < 0 else padding_idx
    return F.embedding(indices, weight, pad, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


# -- losses: ``reduction`` is ATen's int (0 none, 1 mean, 2 sum) ------------------------------------------
# Its default is 0: PyTorch's stubs say Mean, but its argument parser reads that default as 0, so
# torch.kl_div(x, y) is unreduced in PyTorch 2.13; scripts that rely on it get the same here.

def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,  # noqa: A002
                                     weight: Tensor | None = None, pos_weight: Tensor | None = None,
                                     reduction: int = 0) -> Tensor:
    """``F.binary_cross_entropy_with_logits``."""
    return F.binary_cross_entropy_with_logits(input, target, weight, pos_weight=pos_weight,
                                              reduction=_reduction(reduction))


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:
    """``F.cosine_embedding_loss``."""
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,  # noqa: A002
                         reduction: int = 0) -> Tensor:
    """``F.hinge_embedding_loss``."""
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:
    """``F.margin_ranking_loss``."""
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *, log_target: bool = False) -> Tensor:  # noqa: A002
    """``F.kl_div``; reduction 1 is the plain mean over all elements, without F's 'batchmean' warning."""
    name = _reduction(reduction)
    if name == "mean":
        return F.kl_div(input, target, reduction="none", log_target=log_target).mean()
    return F.kl_div(input, target, reduction=name, log_target=log_target)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool,  # noqa: A002
                     eps: float, reduction: int) -> Tensor:
    """``F.poisson_nll_loss`` (every argument required)."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction(reduction))


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False, reduction: int = 0) -> Tensor:
    """``F.triplet_margin_loss``."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction(reduction))


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: int = 0, zero_infinity: bool = False) -> Tensor:
    """``F.ctc_loss``; the lengths are int sequences or tensors."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _reduction(reduction),
                      zero_infinity)


# -- ATen's own forms: native_* return the statistics backward would save; the RNN cells; convolution --

def native_dropout(input: Tensor, p: float, train: bool | None) -> tuple[Tensor, Tensor]:  # noqa: A002
    """(dropout's output, the bool mask of kept elements); ``train`` False (not None) keeps everything.

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1].
    """
    p = _checks.probability("p", p)
    _checks.tensor("native_dropout", input)
    if train is False or p == 0.0:
        return input.clone(), ones(input.shape, dtype=bool_)
    if p == 1.0:
        return input * 0.0, zeros(input.shape, dtype=bool_)
    scaled = draw_laid_out(input.numpy(force=True), lambda shape: _scaled_mask(shape, p, _float_dtype(input)))
    return input * from_numpy(scaled), from_numpy(scaled != 0)


def native_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,  # noqa: A002
                      running_mean: Tensor | None, running_var: Tensor | None, training: bool,
                      momentum: float, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(``F.batch_norm``'s output, the batch mean, 1/sqrt(biased batch var + eps)) per channel (dim 1);
    in eval mode the two statistics are empty tensors, as PyTorch's."""
    out = F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        return out, input.new_empty((0,)), input.new_empty((0,))
    dims = (0, *range(2, input.ndim))
    mean = input.detach().mean(dim=dims)
    var = input.detach().var(dim=dims, correction=0)
    return out, mean, var.add(eps).rsqrt()


def native_group_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, N: int, C: int,  # noqa: A002, N803
                      HxW: int, group: int, eps: float) -> tuple[Tensor, Tensor, Tensor]:  # noqa: N803
    """(``F.group_norm``'s output, each (sample, group)'s mean and 1/sqrt(biased var + eps), both of shape
    (N, group))."""
    out = F.group_norm(input, group, weight, bias, eps)
    grouped = input.detach().reshape(N, group, -1)
    mean = grouped.mean(dim=2)
    return out, mean, grouped.var(dim=2, correction=0).add(eps).rsqrt()


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Size, padding: Size,  # noqa: A002
                dilation: Size, transposed: bool, output_padding: Size, groups: int) -> Tensor:
    """ATen's generic convolution: ``conv{1,2,3}d`` or ``conv_transpose{1,2,3}d`` by weight's rank."""
    nd = weight.ndim - 2
    if nd not in (1, 2, 3):
        raise UnsupportedError(f"convolution: expected a weight of 3 to 5 dims, got {weight.ndim}")
    if transposed:
        up = (conv_transpose1d, conv_transpose2d, conv_transpose3d)[nd - 1]
        result: Tensor = up(input, weight, bias, stride, padding, output_padding, groups, dilation)
        return result
    down = (conv1d, conv2d, conv3d)[nd - 1]
    result = down(input, weight, bias, stride, padding, dilation, groups)
    return result


def _gates(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,  # noqa: A002
           b_ih: Tensor | None, b_hh: Tensor | None) -> tuple[Tensor, Tensor]:
    return F.linear(input, w_ih, b_ih), F.linear(hx, w_hh, b_hh)


def lstm_cell(input: Tensor, hx: Sequence[Tensor], w_ih: Tensor, w_hh: Tensor,  # noqa: A002
              b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """One LSTM step (gates i, f, g, o): (h', c') from hx = (h, c)."""
    h, c = hx
    gi, gh = _gates(input, h, w_ih, w_hh, b_ih, b_hh)
    i, f, g, o = (gi + gh).chunk(4, 1)
    cy = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * cy.tanh(), cy


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,  # noqa: A002
             b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """One GRU step (gates r, z, n; r scales W_hn h + b_hn): h' = n + z (h - n)."""
    gi, gh = _gates(input, hx, w_ih, w_hh, b_ih, b_hh)
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.chunk(3, 1)
    r, z = (i_r + h_r).sigmoid(), (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return n + z * (hx - n)


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,  # noqa: A002
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """One Elman step tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    gi, gh = _gates(input, hx, w_ih, w_hh, b_ih, b_hh)
    return (gi + gh).tanh()


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,  # noqa: A002
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """One Elman step relu(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    gi, gh = _gates(input, hx, w_ih, w_hh, b_ih, b_hh)
    return (gi + gh).relu()


def embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor, scale_grad_by_freq: bool = False,
                  mode: int = 0, sparse: bool = False, per_sample_weights: Tensor | None = None,
                  include_last_offset: bool = False, padding_idx: int | None = None,
                  ) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """ATen's embedding_bag (mode 0 sum, 1 mean, 2 max): (``F.embedding_bag``'s output, offset2bag,
    bag_size, max_indices), the bookkeeping PyTorch's CPU kernel returns for its backward, in indices'
    dtype: offset2bag is each index's bag (empty for sum without ``padding_idx``); bag_size each bag's
    count of non-padding indices (zeros for sum); max_indices, for max, the row of each bag's maximum
    per feature (0 for an empty bag), else bag_size (zeros for sum).
    """
    if not isinstance(offsets, Tensor):
        raise TypeError("embedding_bag(): argument 'offsets' (position 3) must be Tensor, not "
                        f"{type(offsets).__name__}")
    out = F.embedding_bag(indices, weight, offsets, None, 2, scale_grad_by_freq, ("sum", "mean", "max")[mode],
                          sparse, per_sample_weights, include_last_offset, padding_idx)
    idx, starts = indices.numpy(force=True).reshape(-1), offsets.numpy(force=True).reshape(-1)
    itype, n_off = idx.dtype, starts.size
    bags = n_off - 1 if include_last_offset else n_off
    # each index's bag: the last offset at or before it (past a last offset: the last bag)
    owner = np.clip(np.searchsorted(starts, np.arange(idx.size), side="right") - 1, 0, max(bags - 1, 0))
    kept = np.ones(idx.size, dtype=bool) if padding_idx is None else idx != padding_idx % weight.shape[0]
    if mode == 0:
        offset2bag = owner if padding_idx is not None else np.zeros(0, dtype=itype)
        # PyTorch's forward-only kernel (nothing requires grad) sizes these by the offsets, its autograd
        # one by the bags
        recorded = weight.requires_grad or (per_sample_weights is not None
                                            and per_sample_weights.requires_grad)
        zeros_ = np.zeros(bags if recorded else n_off, dtype=itype)
        return out, from_numpy(offset2bag.astype(itype)), from_numpy(zeros_), from_numpy(zeros_.copy())
    bag_size = np.bincount(owner[kept], minlength=bags)[:bags].astype(itype)
    if mode == 1:
        return out, from_numpy(owner.astype(itype)), from_numpy(bag_size), from_numpy(bag_size.copy())
    rows = weight.numpy(force=True)
    arg = np.zeros((bags, rows.shape[1]), dtype=itype)
    for b in range(bags):
        members = idx[(owner == b) & kept]
        if members.size:
            arg[b] = members[np.argmax(rows[members], axis=0)]  # the first maximum, as PyTorch's kernel
    return out, from_numpy(owner.astype(itype)), from_numpy(bag_size), from_numpy(arg)


_INTERPOLATION = ("bilinear", "nearest", "bicubic")
_PADDING = ("zeros", "border", "reflection")


def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,  # noqa: A002
                 align_corners: bool) -> Tensor:
    """``F.grid_sample`` with ATen's integer modes: interpolation 0 bilinear, 1 nearest, 2 bicubic;
    padding 0 zeros, 1 border, 2 reflection."""
    mode, padding = _INTERPOLATION[interpolation_mode], _PADDING[padding_mode]
    return F.grid_sample(input, grid, mode, padding, align_corners)


def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,  # noqa: A002
                    align_corners: bool) -> Tensor:
    """:func:`grid_sampler` of a 4-d input."""
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def affine_grid_generator(theta: Tensor, size: Sequence[int], align_corners: bool) -> Tensor:
    """``F.affine_grid`` (``align_corners`` required)."""
    return F.affine_grid(theta, size, align_corners)


provide(sys.modules[__name__])  # the Tensor methods prelu and hardshrink call these functions
