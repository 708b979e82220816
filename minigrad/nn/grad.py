"""``torch.nn.grad``: the gradients of a convolution with respect to its input or its weight.

A convolution is linear in its input and in its weight, so each gradient is the
vector-Jacobian product of ``F.conv{n}d`` at any point (zeros here) with
``grad_output``. It is taken by the autograd engine with ``create_graph=True``, so
the results are differentiable again, as PyTorch's are (the "fusing convolution and
batch norm" tutorial calls these from a custom ``autograd.Function``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from minigrad.autograd.engine import grad
from minigrad.errors import ShapeError
from minigrad.factories import zeros
from minigrad.grad_mode import enable_grad
from minigrad.nn.functional import conv1d, conv2d, conv3d
from minigrad.tensor import Tensor

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input", "conv3d_weight"]

_Conv = Callable[..., Tensor]


def _conv_gradient(name: str, conv: _Conv, wrt_input: bool, input: Tensor | None, weight: Tensor | None,  # noqa: A002
         size: Sequence[int], grad_output: Tensor, conv_args: tuple[Any, ...]) -> Tensor:
    other = weight if wrt_input else input
    assert other is not None
    with enable_grad():
        point = zeros(tuple(size), dtype=grad_output.dtype, requires_grad=True)
        out = conv(point, other, None, *conv_args) if wrt_input else conv(other, point, None, *conv_args)
        if tuple(out.shape) != tuple(grad_output.shape):
            raise ShapeError(f"{name}: grad_output has shape {tuple(grad_output.shape)} but the convolution "
                             f"gives {tuple(out.shape)}")
        (result,) = grad(out, point, grad_output, create_graph=True)
    assert result is not None  # the convolution always depends on both operands
    return result


def _pair_of(name: str, conv: _Conv) -> tuple[Callable[..., Tensor], Callable[..., Tensor]]:
    def wrt_input(input_size: Sequence[int], weight: Tensor, grad_output: Tensor,
                  stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
        return _conv_gradient(f"{name}_input", conv, True, None, weight, input_size, grad_output,
                    (stride, padding, dilation, groups))

    def wrt_weight(input: Tensor, weight_size: Sequence[int], grad_output: Tensor,  # noqa: A002
                   stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
        return _conv_gradient(f"{name}_weight", conv, False, input, None, weight_size, grad_output,
                    (stride, padding, dilation, groups))

    wrt_input.__name__, wrt_weight.__name__ = f"{name}_input", f"{name}_weight"
    wrt_input.__doc__ = (
        f"The gradient of ``F.{name}(x, weight, None, stride, padding, dilation, groups)`` with respect "
        "to an input x of shape ``input_size``, given ``grad_output`` (the output's shape).\n\n"
        "Raises:\n    ShapeError: grad_output's shape is not the convolution's output shape; and as the "
        "convolution raises for bad arguments.")
    wrt_weight.__doc__ = (
        f"The gradient of ``F.{name}(input, w, None, stride, padding, dilation, groups)`` with respect to a "
        "weight w of shape ``weight_size``, given ``grad_output``.\n\n"
        "Raises:\n    ShapeError: grad_output's shape is not the convolution's output shape; and as the "
        "convolution raises for bad arguments.")
    return wrt_input, wrt_weight


conv1d_input, conv1d_weight = _pair_of("conv1d", conv1d)
conv2d_input, conv2d_weight = _pair_of("conv2d", conv2d)
conv3d_input, conv3d_weight = _pair_of("conv3d", conv3d)
