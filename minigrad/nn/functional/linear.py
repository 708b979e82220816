"""The linear map of ``nn.Linear`` as a function: ``linear``."""

from __future__ import annotations

from minigrad.nn import _checks
from minigrad.tensor import Tensor, matmul

__all__ = ["linear"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """y = input @ weight.T + bias; input (*, in), weight (out, in), bias (out,) -> (*, out).

    Raises:
        ShapeError: the last dim of input differs from weight's in_features.
        TypeError: input, weight or bias is not a Tensor.
    """
    _checks.tensor("linear", input)
    _checks.tensor("linear", weight, "weight")
    if bias is not None:
        _checks.tensor("linear", bias, "bias")
    out = matmul(input, weight.T)
    return out if bias is None else out + bias

