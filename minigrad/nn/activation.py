"""Activation layers: stateless wrappers (PReLU holds its slopes) around ``minigrad.nn.functional``.

Every layer takes any input shape and returns the same shape (GLU halves
``dim``). Settings are checked when the layer is built, so a bad one raises
:class:`InvalidParameterError` naming it. ``inplace=True`` (where PyTorch
takes it) writes the result into the input and returns it, as PyTorch's
(see ``minigrad.nn.functional.relu``).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError, ShapeError, _AssertedParameterError
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.functional.activation import legacy_softmax_dim
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import DTypeLike, Tensor

__all__ = [
    "CELU", "ELU", "GELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU",
    "LogSigmoid", "LogSoftmax", "Mish", "PReLU", "ReLU", "ReLU6", "SELU", "SiLU", "Sigmoid", "Softmax",
    "Softmax2d", "Softmin", "Softplus", "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold", "RReLU",
]  # fmt: skip


class _Inplace(Module):
    """An activation whose only setting is PyTorch's ``inplace`` flag (shown in the repr when True)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = _checks.flag("inplace", inplace)

    def extra_repr(self) -> str:
        """``inplace=True`` when set, else nothing."""
        return "inplace=True" if self.inplace else ""


def _inplace_suffix(module: Any) -> str:
    return ", inplace=True" if module.inplace else ""


class ReLU(_Inplace):
    """max(x, 0), elementwise; gradient 0 at 0."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """max(x, 0)."""
        return F.relu(_checks.tensor("ReLU", input), self.inplace)


class SiLU(_Inplace):
    """x * sigmoid(x) (swish), elementwise."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """silu(x)."""
        return F.silu(input, self.inplace)


class Mish(_Inplace):
    """x * tanh(softplus(x)), elementwise."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """mish(x)."""
        return F.mish(input, self.inplace)


class SELU(_Inplace):
    """scale * (x if x > 0 else alpha * (exp(x) - 1)) with SELU's fixed alpha ~ 1.6733, scale ~ 1.0507."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """selu(x)."""
        return F.selu(input, self.inplace)


class Hardswish(_Inplace):
    """x * relu6(x + 3) / 6, elementwise (PyTorch prints no settings for it)."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """hardswish(x)."""
        return F.hardswish(input, self.inplace)

    def extra_repr(self) -> str:
        """Nothing: PyTorch's repr is ``Hardswish()`` whatever ``inplace`` is."""
        return ""


class Hardsigmoid(_Inplace):
    """relu6(x + 3) / 6, elementwise (PyTorch prints no settings for it)."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """hardsigmoid(x)."""
        return F.hardsigmoid(input, self.inplace)

    def extra_repr(self) -> str:
        """Nothing: PyTorch's repr is ``Hardsigmoid()`` whatever ``inplace`` is."""
        return ""


class GELU(Module):
    """x * Phi(x) with Phi the standard normal CDF, or its tanh approximation.

    Args:
        approximate: 'none' (exact, erf) or 'tanh'.

    Raises:
        InvalidParameterError: another ``approximate``.
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = _checks.one_of("approximate", approximate, ("none", "tanh"))

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """GELU of each element."""
        return F.gelu(_checks.tensor("GELU", input), approximate=self.approximate)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"approximate={self.approximate!r}"


class Tanh(Module):
    """Hyperbolic tangent, elementwise."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """tanh(x)."""
        return F.tanh(_checks.tensor("Tanh", input))


class Sigmoid(Module):
    """1 / (1 + exp(-x)), elementwise and overflow-free."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """sigmoid(x)."""
        return F.sigmoid(_checks.tensor("Sigmoid", input))


class LogSigmoid(Module):
    """log(sigmoid(x)) = -softplus(-x), elementwise, finite for any x."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """logsigmoid(x)."""
        return F.logsigmoid(input)


class Softsign(Module):
    """x / (1 + |x|), elementwise."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """softsign(x)."""
        return F.softsign(input)


class Tanhshrink(Module):
    """x - tanh(x), elementwise."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """tanhshrink(x)."""
        return F.tanhshrink(input)


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x; gradient negative_slope at 0 (PyTorch's).

    Raises:
        InvalidParameterError: ``negative_slope`` is not a number.
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = _checks.number("negative_slope", negative_slope)
        self.inplace = _checks.flag("inplace", inplace)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """leaky_relu(x)."""
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        """``negative_slope=...[, inplace=True]``."""
        return f"negative_slope={self.negative_slope}{_inplace_suffix(self)}"


class ELU(Module):
    """x if x > 0 else alpha * (exp(x) - 1); gradient alpha at 0 (PyTorch's).

    Raises:
        InvalidParameterError: ``alpha`` is not a number.
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = _checks.number("alpha", alpha)
        self.inplace = _checks.flag("inplace", inplace)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """elu(x)."""
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        """``alpha=...[, inplace=True]``."""
        return f"alpha={self.alpha}{_inplace_suffix(self)}"


class CELU(ELU):
    """x if x > 0 else alpha * (exp(x / alpha) - 1): continuously differentiable ELU.

    Raises:
        InvalidParameterError: ``alpha`` is not a number, or is 0.
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(alpha, inplace)
        if self.alpha == 0:
            raise InvalidParameterError(f"CELU: alpha must not be 0 (it divides x), got alpha={alpha!r}")

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """celu(x)."""
        return F.celu(input, self.alpha, self.inplace)


class Softplus(Module):
    """log(1 + exp(beta * x)) / beta, reverting to x where beta * x > threshold.

    Raises:
        InvalidParameterError: ``beta`` or ``threshold`` is not a number.
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = _checks.number("beta", beta)
        self.threshold = _checks.number("threshold", threshold)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """softplus(x)."""
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        """``beta=..., threshold=...``."""
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """x clipped to [min_val, max_val]; gradient 1 strictly inside, 0 at the ends and beyond.

    Raises:
        InvalidParameterError: a bound is not a number, or ``max_val <= min_val``.
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        # PyTorch's deprecated spellings still win over min_val/max_val, with its FutureWarning
        for old, new in (("min_value", "min_val"), ("max_value", "max_val")):
            if (min_value if old == "min_value" else max_value) is not None:
                warnings.warn(f"keyword argument `{old}` is deprecated and renamed to `{new}`", FutureWarning,
                              stacklevel=2)
        min_val = min_val if min_value is None else min_value
        max_val = max_val if max_value is None else max_value
        self.min_val = _checks.number("min_val", min_val)
        self.max_val = _checks.number("max_val", max_val)
        if not self.max_val > self.min_val:  # (the layer asserts it in PyTorch: an AssertionError too)
            raise _AssertedParameterError(
                f"max_val must be greater than min_val, got min_val={min_val!r}, max_val={max_val!r}"
            )
        self.inplace = _checks.flag("inplace", inplace)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """hardtanh(x)."""
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        """``min_val=..., max_val=...[, inplace=True]``."""
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self)}"


class ReLU6(Hardtanh):
    """min(max(x, 0), 6), elementwise; gradient 0 at 0 and at 6 (PyTorch's hardtanh rule).

    A Hardtanh with ``min_val=0.0`` and ``max_val=6.0``, as PyTorch's (the attributes scripts read).
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """relu6(x)."""
        return F.relu6(input, self.inplace)

    def extra_repr(self) -> str:
        """``inplace=True`` when set, else nothing."""
        return "inplace=True" if self.inplace else ""


class Softshrink(Module):
    """x - lambd above lambd, x + lambd below -lambd, 0 between.

    Raises:
        InvalidParameterError: ``lambd`` is not a number >= 0.
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = _checks.nonnegative("lambd", lambd)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """softshrink(x)."""
        return F.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        """The lambda, bare (PyTorch's repr)."""
        return str(self.lambd)


class Hardshrink(Module):
    """x where |x| > lambd, else 0.

    Raises:
        InvalidParameterError: ``lambd`` is not a number.
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = _checks.number("lambd", lambd)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """hardshrink(x)."""
        return F.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        """The lambda, bare (PyTorch's repr)."""
        return str(self.lambd)


class Threshold(Module):
    """x where x > threshold, else ``value``.

    Raises:
        InvalidParameterError: ``threshold`` or ``value`` is not a number.
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = _checks.number("threshold", threshold)
        self.value = _checks.number("value", value)
        self.inplace = _checks.flag("inplace", inplace)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """threshold(x)."""
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        """``threshold=..., value=...[, inplace=True]``."""
        return f"threshold={self.threshold}, value={self.value}{_inplace_suffix(self)}"


class PReLU(Module):
    """x if x > 0 else a * x with learned slopes ``weight`` (num_parameters,), one per channel or one for all.

    Args:
        num_parameters: 1, or the number of channels (dim 1) of the input.
        init: the slopes' initial value.
        dtype: float32 (default) or float64.

    Raises:
        InvalidParameterError: ``num_parameters`` not a positive int, ``init`` not a number.
        ShapeError (call): num_parameters is neither 1 nor the input's channel count.
    """

    weight: Parameter

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        self.num_parameters = _checks.positive_int("num_parameters", num_parameters)
        self.init = _checks.number("init", init)
        self.weight = Parameter(np.empty(self.num_parameters, dtype=_checks.float_dtype(dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every slope to ``init``."""
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """prelu(x, weight)."""
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        """``num_parameters=...``."""
        return f"num_parameters={self.num_parameters}"


class GLU(Module):
    """a * sigmoid(b) where a, b are the halves of the input along ``dim``; (*, 2n, *) -> (*, n, *).

    Raises:
        ShapeError (call): the size along ``dim`` is odd.
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """glu(x, dim)."""
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        """``dim=...``."""
        return f"dim={self.dim}"


class _SoftmaxFamily(Module):
    """Softmax, LogSoftmax and Softmin: one ``dim``; None picks PyTorch's legacy implicit dim, warning."""

    _name = ""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def _dim(self, input: Tensor) -> int:  # noqa: A002
        if self.dim is not None:
            return self.dim
        return legacy_softmax_dim(self._name, _checks.tensor(type(self).__name__, input).ndim, 4)

    def extra_repr(self) -> str:
        """``dim=...``."""
        return f"dim={self.dim}"


class Softmax(_SoftmaxFamily):
    """exp(x) / sum(exp(x)) along ``dim``; rows along ``dim`` sum to 1.

    ``dim=None`` picks PyTorch's legacy implicit dim (0 for 0-, 1- and 3-D
    inputs, else 1) with a UserWarning, as PyTorch does.
    """

    _name = "softmax"

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Softmax along ``dim``."""
        return F.softmax(input, self._dim(input))


class LogSoftmax(_SoftmaxFamily):
    """x - logsumexp(x) along ``dim`` (``dim=None`` as in :class:`Softmax`)."""

    _name = "log_softmax"

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Log-softmax along ``dim``."""
        return F.log_softmax(input, self._dim(input))


class Softmin(_SoftmaxFamily):
    """softmax(-x) along ``dim`` (``dim=None`` as in :class:`Softmax`)."""

    _name = "softmin"

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Softmin along ``dim``."""
        return F.softmin(input, self._dim(input))


class Softmax2d(Module):
    """Softmax over the channels at every spatial location: (N, C, H, W) or (C, H, W), along dim -3.

    Raises:
        ShapeError (call): the input is not 3-D or 4-D.
    """

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Softmax along dim -3."""
        if _checks.tensor("Softmax2d", input).ndim not in (3, 4):
            raise ShapeError(f"Softmax2d: expected a 3D or 4D input, got shape {input.shape}")
        return F.softmax(input, -3)


class RReLU(Module):
    """Randomized leaky ReLU: in training, slopes ~ U(lower, upper) per element x <= 0 (drawn from
    minigrad's generator); in evaluation, the mean slope (lower + upper) / 2. See ``F.rrelu``.

    Raises:
        InvalidParameterError: lower or upper not a number.
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower = _checks.number("lower", lower)
        self.upper = _checks.number("upper", upper)
        self.inplace = _checks.flag("inplace", inplace)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """rrelu(x) with this module's training flag."""
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        """``lower=..., upper=...[, inplace=True]``."""
        return f"lower={self.lower}, upper={self.upper}{_inplace_suffix(self)}"
