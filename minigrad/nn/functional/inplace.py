"""The in-place activations of ``torch.nn.functional``: ``relu_``, ``elu_``, ``leaky_relu_``, ``hardtanh_``,
``threshold_``, ``celu_``, ``selu_``, ``rrelu_``.

Each computes its out-of-place twin and writes the result into ``input``
with ``Tensor.copy_``, returning ``input``: the same tensor, changed, with its
version bumped, so a graph that saved it notices. As in PyTorch, this is an
error on a tensor that requires grad while grad mode is on (use the
out-of-place form there), and fine under ``no_grad`` or on plain data.
"""

from __future__ import annotations

from minigrad.nn import _checks
from minigrad.nn.functional import activation
from minigrad.nn.functional.activation import celu, elu, hardtanh, leaky_relu, relu, selu
from minigrad.nn.functional.random_activation import rrelu
from minigrad.tensor import Tensor

__all__ = ["celu_", "elu_", "hardtanh_", "leaky_relu_", "relu_", "rrelu_", "selu_", "threshold_"]


def _write(fn: str, input: Tensor, out: Tensor) -> Tensor:  # noqa: A002
    return _checks.tensor(fn, input).copy_(out)


def relu_(input: Tensor) -> Tensor:  # noqa: A002
    """``relu`` written into ``input``; returns ``input``."""
    return _write("relu_", input, relu(input))


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """``elu`` written into ``input``; returns ``input``."""
    return _write("elu_", input, elu(input, alpha))


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """``celu`` written into ``input``; returns ``input``."""
    return _write("celu_", input, celu(input, alpha))


def selu_(input: Tensor) -> Tensor:  # noqa: A002
    """``selu`` written into ``input``; returns ``input``."""
    return _write("selu_", input, selu(input))


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:  # noqa: A002
    """``leaky_relu`` written into ``input``; returns ``input``."""
    return _write("leaky_relu_", input, leaky_relu(input, negative_slope))


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:  # noqa: A002
    """``hardtanh`` written into ``input``; returns ``input``."""
    return _write("hardtanh_", input, hardtanh(input, min_val, max_val))


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """``threshold`` written into ``input``; returns ``input``."""
    return _write("threshold_", input, activation.threshold(input, threshold, value))


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
           training: bool = False) -> Tensor:
    """``rrelu`` written into ``input``; returns ``input``."""
    return rrelu(input, lower, upper, training, inplace=True)
