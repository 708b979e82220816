"""Dropout: module state around ``F.dropout``."""

from __future__ import annotations

from minigrad.errors import InvalidParameterError
from minigrad.nn import _checks
from minigrad.nn import functional as F
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability p, scale the rest by 1/(1-p).

    The mask comes from minigrad's seeded generator (``mg.manual_seed``
    reproduces it); in eval the input is returned unchanged. Any shape; the
    output has the input's shape. ``dropout_rate`` (read-only) is p.

    Args:
        p: drop probability, a number with 0 <= p < 1.
        inplace: accepted for PyTorch compatibility; must be False (minigrad
            records every op out of place).

    Raises:
        InvalidParameterError: p not a number in [0, 1), or inplace=True.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self._p = _checks.probability("p", p)
        if inplace:
            raise InvalidParameterError(
                "Dropout(inplace=True) is not supported: got inplace=True; use inplace=False"
            )
        self.inplace = False

    @property
    def p(self) -> float:
        """The drop probability."""
        return self._p

    @p.setter
    def p(self, value: float) -> None:
        self._p = _checks.probability("p", value)

    @property
    def dropout_rate(self) -> float:
        """The drop probability p (read-only)."""
        return self._p

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Masked and rescaled input in training, the input itself in eval."""
        return F.dropout(input, self._p, self.training)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"p={self._p}, inplace={self.inplace}"
