"""Activation layers and Flatten: stateless wrappers around Tensor operations."""

from __future__ import annotations

import warnings

from minigrad.nn import _checks
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = ["GELU", "Flatten", "LogSoftmax", "ReLU", "Sigmoid", "Softmax", "Tanh"]


def _tensor(layer: Module, value: object) -> Tensor:
    if not isinstance(value, Tensor):  # PyTorch's TypeError, not an AttributeError on the next line
        raise TypeError(f"{type(layer).__name__}: input must be a Tensor, not {type(value).__name__}")
    return value


class ReLU(Module):
    """max(x, 0), elementwise; any shape."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """max(x, 0)."""
        return _tensor(self, input).relu()


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
        return _tensor(self, input).gelu(self.approximate)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"approximate={self.approximate!r}"


class Tanh(Module):
    """Hyperbolic tangent, elementwise."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """tanh(x)."""
        return _tensor(self, input).tanh()


class Sigmoid(Module):
    """1 / (1 + exp(-x)), elementwise and overflow-free."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """sigmoid(x)."""
        return _tensor(self, input).sigmoid()


def _legacy_dim(ndim: int, name: str) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


class Softmax(Module):
    """exp(x) / sum(exp(x)) along ``dim``; rows along ``dim`` sum to 1.

    ``dim=None`` picks PyTorch's legacy implicit dim (0 for 0-, 1- and 3-D
    inputs, else 1) with a UserWarning, as PyTorch does.
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Softmax along ``dim``."""
        dim = _legacy_dim(_tensor(self, input).ndim, "softmax") if self.dim is None else self.dim
        return _tensor(self, input).softmax(dim)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """x - logsumexp(x) along ``dim`` (``dim=None`` as in :class:`Softmax`)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Log-softmax along ``dim``."""
        dim = _legacy_dim(_tensor(self, input).ndim, "log_softmax") if self.dim is None else self.dim
        return _tensor(self, input).log_softmax(dim)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"dim={self.dim}"


class Flatten(Module):
    """Merge dims ``start_dim..end_dim`` into one: (N, C, L) -> (N, C * L) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """The input with the dims merged."""
        return _tensor(self, input).flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
