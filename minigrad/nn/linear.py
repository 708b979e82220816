"""Linear, Bilinear and Identity layers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DTypeLike, Tensor

__all__ = ["Bilinear", "Identity", "Linear", "NonDynamicallyQuantizableLinear"]


class Linear(Module):
    """y = x @ weight.T + bias.

    Args:
        in_features: size of the input's last dim (int >= 0).
        out_features: size of the output's last dim (int >= 0).
        bias: learn an additive bias.
        device: None or the CPU (PyTorch's positional slot before dtype).
        dtype: float32 (default) or float64.

    Parameters ``weight`` (out_features, in_features) and ``bias``
    (out_features,) start as U(-1/sqrt(in_features), 1/sqrt(in_features)),
    PyTorch's default, drawn from the seeded generator.
    Input (*, in_features) -> output (*, out_features).

    Raises:
        InvalidParameterError: a feature count that is not a non-negative int, a non-float dtype,
            a device other than the CPU.
        ShapeError (call): the input's last dim is not in_features.
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        self.in_features = _checks.nonnegative_int("in_features", in_features)
        self.out_features = _checks.nonnegative_int("out_features", out_features)
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dt))
        if _checks.flag("bias", bias):
            self.bias = Parameter(np.empty(self.out_features, dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw weight and bias from PyTorch's default distribution."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0  # (an int: -0 is +0.0)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """x @ weight.T + bias over the last dim."""
        shape = _checks.tensor("Linear", input)._array.shape
        if not shape or shape[-1] != self.in_features:
            rows = math.prod(shape[:-1]) if shape else 1
            raise ShapeError(  # PyTorch's words first: scripts and notebooks look for them
                f"mat1 and mat2 shapes cannot be multiplied ({rows}x{shape[-1] if shape else 1} and "
                f"{self.in_features}x{self.out_features}): Linear expected input with last dim "
                f"{self.in_features} (in_features), got shape {input.shape}"
            )
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        has_bias = self.bias is not None
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={has_bias}"


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under PyTorch's name for MultiheadAttention's ``out_proj`` (the name is in its repr)."""


class Bilinear(Module):
    """y = x1^T A x2 + b: y_o = sum_ij x1_i * weight_oij * x2_j + bias_o.

    Args:
        in1_features, in2_features: sizes of the two inputs' last dims (ints >= 0).
        out_features: size of the output's last dim (int >= 0).
        bias: learn an additive bias.
        device: None or 'cpu'.
        dtype: float32 (default) or float64.

    ``weight`` (out, in1, in2) and ``bias`` (out,) start as
    U(-1/sqrt(in1_features), 1/sqrt(in1_features)), PyTorch's default.
    Inputs (*, in1), (*, in2) with equal leading dims -> (*, out).

    Raises:
        InvalidParameterError: a feature count that is not a non-negative int, a non-float dtype.
        ShapeError (call): an input's last dim differs from its feature count, or the leading dims differ.
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        self.in1_features = _checks.nonnegative_int("in1_features", in1_features)
        if not self.in1_features:  # (PyTorch's init divides by sqrt(in1_features): it refuses 0)
            raise InvalidParameterError(f"in1_features must be > 0, but got (in1_features={in1_features})")
        self.in2_features = _checks.nonnegative_int("in2_features", in2_features)
        self.out_features = _checks.nonnegative_int("out_features", out_features)
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        shape = (self.out_features, self.in1_features, self.in2_features)
        self.weight = Parameter(np.empty(shape, dtype=dt))
        with_bias = _checks.flag("bias", bias)
        self.register_parameter("bias", Parameter(np.empty(shape[0], dtype=dt)) if with_bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw weight and bias from U(-1/sqrt(in1_features), 1/sqrt(in1_features))."""
        bound = 1 / math.sqrt(self.in1_features) if self.in1_features > 0 else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        """bilinear(input1, input2, weight, bias)."""
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored (as in PyTorch)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The input itself."""
        return input
