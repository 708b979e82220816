"""The in-place activations of ``torch.nn.functional``: ``relu_``, ``elu_``, ``leaky_relu_``, ``hardtanh_``,
``threshold_``, ``celu_``, ``selu_``, ``rrelu_``.

Each is its out-of-place twin called with ``inplace=True``: ``input`` takes the
result's values and is returned, its version bumped, recorded in the graph as
PyTorch's in-place op (``F.elu_`` on a non-leaf shows ``EluBackward1`` and
backpropagates). As in PyTorch, this is an error on a leaf that requires grad
while grad mode is on (use the out-of-place form there), and fine under
``no_grad`` or on plain data.
"""

from __future__ import annotations

from minigrad.nn.functional import activation
from minigrad.nn.functional.activation import celu, elu, hardtanh, leaky_relu, relu, selu
from minigrad.nn.functional.random_activation import rrelu
from minigrad.tensor import Tensor

__all__ = ["celu_", "elu_", "hardtanh_", "leaky_relu_", "relu_", "rrelu_", "selu_", "threshold_"]


def relu_(input: Tensor) -> Tensor:  # noqa: A002
    """``relu`` written into ``input``; returns ``input``."""
    return relu(input, inplace=True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """``elu`` written into ``input``; returns ``input`` (backward raises for alpha < 0, as PyTorch)."""
    return elu(input, alpha, inplace=True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """``celu`` written into ``input``; returns ``input`` (backward raises for alpha < 0, as PyTorch)."""
    return celu(input, alpha, inplace=True)


def selu_(input: Tensor) -> Tensor:  # noqa: A002
    """``selu`` written into ``input``; returns ``input``."""
    return selu(input, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:  # noqa: A002
    """``leaky_relu`` written into ``input``; returns ``input`` (backward raises for a negative slope, as
    PyTorch)."""
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:  # noqa: A002
    """``hardtanh`` written into ``input``; returns ``input``."""
    return hardtanh(input, min_val, max_val, inplace=True)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """``threshold`` written into ``input``; returns ``input``."""
    return activation.threshold(input, threshold, value, inplace=True)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
           training: bool = False) -> Tensor:
    """``rrelu`` written into ``input``; returns ``input``."""
    return rrelu(input, lower, upper, training, inplace=True)
