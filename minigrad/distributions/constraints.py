"""The value sets a distribution or transform lives on, as ``torch.distributions.constraints``.

A constraint has ``event_dim`` (how many rightmost dims form one event), ``is_discrete`` and
``check(value)``, a bool Tensor over the batch dims saying which events lie in the set. The
transforms use them as their ``domain`` / ``codomain``; ``TransformedDistribution`` checks values
against its ``support``.
"""

from __future__ import annotations

from typing import Any

from minigrad.tensor import Tensor

__all__ = [
    "Constraint", "independent", "interval", "positive", "real", "real_vector", "unit_interval",
]  # fmt: skip


class Constraint:
    """The set of all values (a base class): ``check`` is elementwise, ``event_dim`` 0."""

    is_discrete = False
    event_dim = 0

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor: True where ``value`` lies in the set."""
        return value == value  # False exactly at nan

    def __repr__(self) -> str:
        return type(self).__name__[1:] + "()"


class _Real(Constraint):
    """The extended real line, without nan."""


class _Interval(Constraint):
    """``lower_bound <= value <= upper_bound``."""

    def __init__(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor: True where ``value`` lies in the closed interval."""
        inside: Tensor = (value >= self.lower_bound) & (value <= self.upper_bound)
        return inside

    def __repr__(self) -> str:
        return f"{type(self).__name__[1:]}(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _GreaterThan(Constraint):
    """``value > lower_bound``."""

    def __init__(self, lower_bound: Any) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor: True where ``value`` exceeds the bound."""
        above: Tensor = value > self.lower_bound
        return above

    def __repr__(self) -> str:
        return f"{type(self).__name__[1:]}(lower_bound={self.lower_bound})"


class _IndependentConstraint(Constraint):
    """A constraint whose rightmost ``reinterpreted_batch_ndims`` batch dims form part of one event."""

    def __init__(self, base_constraint: Constraint, reinterpreted_batch_ndims: int) -> None:
        self.base_constraint = base_constraint
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        self.is_discrete = base_constraint.is_discrete
        self.event_dim = base_constraint.event_dim + reinterpreted_batch_ndims

    def check(self, value: Tensor) -> Tensor:
        """The base check, all-reduced over the reinterpreted dims."""
        result = self.base_constraint.check(value)
        n = self.reinterpreted_batch_ndims
        return result.reshape(*result.shape[:result.ndim - n], -1).all(-1) if n else result

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


independent = _IndependentConstraint
interval = _Interval
real = _Real()
real_vector = independent(real, 1)
positive = _GreaterThan(0.0)
unit_interval = _Interval(0.0, 1.0)
