"""``torch.nn.utils.fusion``: fold an eval-mode BatchNorm into the convolution or Linear before it.

In eval mode BatchNorm is an affine map per channel, y = (x - mean) * g / sqrt(var + eps) + b, so the
layer before it can absorb it: its weight is scaled per output channel and its bias shifted. The fused
layer gives the same output with one op fewer (inference deployments do this).
"""

from __future__ import annotations

import copy
from typing import TypeVar

from minigrad.factories import ones_like, zeros_like
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import Tensor

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]

L = TypeVar("L", bound=Module)


def _stats(bn: Module) -> tuple[Tensor, Tensor]:
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("fusion needs the BatchNorm's running statistics (track_running_stats=True)")
    return bn.running_mean, bn.running_var


def fuse_conv_bn_weights(conv_w: Tensor, conv_b: Tensor | None, bn_rm: Tensor, bn_rv: Tensor, bn_eps: float,
                         bn_w: Tensor | None, bn_b: Tensor | None,
                         transpose: bool = False) -> tuple[Parameter, Parameter]:
    """The (weight, bias) Parameters of a convolution with the BatchNorm after it folded in.

    ``conv_w`` is (C_out, C_in/groups, *k) (``transpose``: (C_in, C_out/groups, *k)); the statistics and
    affine terms are (C_out,); a None bias or affine term counts as zeros/ones. Each result keeps its
    input's dtype and requires_grad.
    """
    bias_dtype = conv_b.dtype if conv_b is not None else conv_w.dtype
    b = conv_b if conv_b is not None else zeros_like(bn_rm)
    gain = (bn_w if bn_w is not None else ones_like(bn_rm)) * (bn_rv + bn_eps).rsqrt()
    shift = bn_b if bn_b is not None else zeros_like(bn_rm)
    shape = [1, -1] if transpose else [-1, 1]
    w = (conv_w * gain.reshape(shape + [1] * (conv_w.ndim - 2))).to(conv_w.dtype)
    new_b = ((b - bn_rm) * gain + shift).to(bias_dtype)
    return Parameter(w.detach(), conv_w.requires_grad), Parameter(new_b.detach(), b.requires_grad)


def fuse_conv_bn_eval(conv: L, bn: Module, transpose: bool = False) -> L:
    """A copy of ``conv`` computing ``bn(conv(x))`` of the eval-mode pair (``transpose`` for ConvTranspose).

    Raises:
        AssertionError: either module is in training mode, or ``bn`` keeps no running statistics.
    """
    if conv.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(conv)
    rm, rv = _stats(bn)
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, rm, rv, bn.eps, bn.weight,
                                                    bn.bias, transpose)
    return fused


def fuse_linear_bn_weights(linear_w: Tensor, linear_b: Tensor | None, bn_rm: Tensor, bn_rv: Tensor,
                           bn_eps: float, bn_w: Tensor, bn_b: Tensor) -> tuple[Parameter, Parameter]:
    """The (weight, bias) Parameters of a Linear (weight (out, in)) with the BatchNorm1d after it folded
    in; each keeps its input's dtype and requires_grad."""
    bias_dtype = linear_b.dtype if linear_b is not None else linear_w.dtype
    b = linear_b if linear_b is not None else zeros_like(bn_rm)
    gain = bn_w * (bn_rv + bn_eps).rsqrt()
    w = linear_w * gain.unsqueeze(-1).to(linear_w.dtype)
    new_b = ((b - bn_rm) * gain + bn_b).to(bias_dtype)
    return Parameter(w.detach(), linear_w.requires_grad), Parameter(new_b.detach(), b.requires_grad)


def fuse_linear_bn_eval(linear: L, bn: Module) -> L:
    """A copy of ``linear`` computing ``bn(linear(x))`` of the eval-mode pair.

    Raises:
        AssertionError: either module is training, the sizes differ (bn.num_features must equal
            out_features, or be 1), or ``bn`` keeps no running statistics.
    """
    if linear.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    if not (linear.out_features == bn.num_features or bn.num_features == 1):
        raise AssertionError("To fuse, linear.out_features == bn.num_features or bn.num_features == 1")
    fused = copy.deepcopy(linear)
    rm, rv = _stats(bn)
    fused.weight, fused.bias = fuse_linear_bn_weights(fused.weight, fused.bias, rm, rv, bn.eps, bn.weight,
                                                      bn.bias)
    return fused
