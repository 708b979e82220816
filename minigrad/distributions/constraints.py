"""The value sets a distribution or transform lives on, as ``torch.distributions.constraints``.

A constraint has ``event_dim`` (how many rightmost dims form one event), ``is_discrete`` and
``check(value)``, a bool Tensor over the batch dims saying which events lie in the set. The
transforms use them as their ``domain`` / ``codomain``; ``TransformedDistribution`` checks values
against its ``support``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.tensor import Tensor

__all__ = [
    "Constraint", "boolean", "cat", "corr_cholesky", "dependent", "dependent_property", "greater_than",
    "greater_than_eq", "half_open_interval", "independent", "integer_interval", "interval", "is_dependent",
    "less_than", "lower_cholesky", "lower_triangular", "multinomial", "nonnegative", "nonnegative_integer",
    "one_hot", "positive", "positive_definite", "positive_integer", "positive_semidefinite", "real",
    "real_vector", "simplex", "square", "stack", "symmetric", "unit_interval",
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


class _GreaterThanEq(_GreaterThan):
    """``value >= lower_bound``."""

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor: True where ``value`` is at least the bound."""
        above: Tensor = value >= self.lower_bound
        return above


def _is_integer(value: Tensor) -> Tensor:
    whole: Tensor = value % 1 == 0
    return whole


class _Boolean(Constraint):
    """The values 0 and 1."""

    is_discrete = True

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor: True where ``value`` is 0 or 1."""
        zero_or_one: Tensor = (value == 0) | (value == 1)
        return zero_or_one


class _IntegerInterval(_Interval):
    """The integers ``lower_bound, ..., upper_bound``."""

    is_discrete = True

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor: True where ``value`` is a whole number within the bounds."""
        return _is_integer(value) & super().check(value)


class _IntegerGreaterThan(_GreaterThan):
    """The integers ``lower_bound, lower_bound + 1, ...``."""

    is_discrete = True

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor: True where ``value`` is a whole number at least the bound."""
        at_least: Tensor = value >= self.lower_bound
        return _is_integer(value) & at_least


class _Simplex(Constraint):
    """Vectors (event_dim 1) of non-negative entries summing to one (within 1e-6)."""

    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor over the batch dims: True where the last dim is a probability vector."""
        nonneg: Tensor = (value >= 0).all(-1)
        sums_to_one: Tensor = (value.sum(-1) - 1).abs() < 1e-6
        return nonneg & sums_to_one


class _OneHot(Constraint):
    """One-hot vectors (event_dim 1): entries 0 or 1 with exactly one 1."""

    is_discrete = True
    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor over the batch dims: True where the last dim is one-hot."""
        binary: Tensor = ((value == 0) | (value == 1)).all(-1)
        single: Tensor = value.sum(-1) == 1
        return binary & single


class MixtureSameFamilyConstraint(Constraint):
    """A mixture's support: its component's, checked per mixture (the component dim reduced)."""

    def __init__(self, base_constraint: Constraint) -> None:
        self.base_constraint = base_constraint
        self.is_discrete = base_constraint.is_discrete
        self.event_dim = base_constraint.event_dim

    def check(self, value: Tensor) -> Tensor:
        """The component check of ``value`` (which carries the component dim) all-reduced over that dim."""
        result = self.base_constraint.check(value)
        return result.all(-1) if result.ndim else result

    def __repr__(self) -> str:
        return f"MixtureSameFamilyConstraint({self.base_constraint!r})"


class _Dependent(Constraint):
    """A placeholder for a support that depends on other parameters (it cannot be checked)."""

    is_dependent = True

    def __init__(self, *, is_discrete: bool = False, event_dim: int = 0) -> None:
        self.is_discrete, self.event_dim = is_discrete, event_dim

    def __call__(self, *, is_discrete: bool | None = None, event_dim: int | None = None) -> _Dependent:
        return _Dependent(is_discrete=self.is_discrete if is_discrete is None else is_discrete,
                          event_dim=self.event_dim if event_dim is None else event_dim)

    def check(self, value: Tensor) -> Tensor:
        """Raises ValueError: a dependent constraint cannot be checked."""
        raise ValueError("Cannot determine validity of dependent constraint")


class dependent_property(property):  # noqa: N801 (PyTorch's name)
    """A property that is also a dependent constraint (``support`` of a distribution whose support
    depends on its parameters)."""

    def __init__(self, fn: Any = None, *, is_discrete: bool = False, event_dim: int = 0) -> None:
        super().__init__(fn)
        self.is_discrete, self.event_dim = is_discrete, event_dim

    def __call__(self, fn: Any) -> dependent_property:
        return dependent_property(fn, is_discrete=self.is_discrete, event_dim=self.event_dim)


def is_dependent(constraint: Any) -> bool:
    """Whether ``constraint`` is a dependent (uncheckable) constraint."""
    return isinstance(constraint, _Dependent)


class _HalfOpenInterval(_Interval):
    """``lower_bound <= value < upper_bound``."""

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor: True where ``value`` lies in the half-open interval."""
        inside: Tensor = (value >= self.lower_bound) & (value < self.upper_bound)
        return inside


class _LessThan(Constraint):
    """``value < upper_bound``."""

    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor: True where ``value`` is below the bound."""
        below: Tensor = value < self.upper_bound
        return below

    def __repr__(self) -> str:
        return f"LessThan(upper_bound={self.upper_bound})"


class _Multinomial(Constraint):
    """Non-negative integer vectors (event_dim 1) summing to at most ``upper_bound``."""

    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor over the batch dims: True where the counts are valid."""
        ok: Tensor = (value >= 0).all(-1) & (value.sum(-1) <= self.upper_bound)
        return ok


class _Matrix(Constraint):
    """Square matrices (event_dim 2) with a property, named by the subclass's ``kind``: square, symmetric,
    lower_triangular, lower_cholesky, corr_cholesky, positive_definite, positive_semidefinite."""

    event_dim = 2
    kind = "square"

    def check(self, value: Tensor) -> Tensor:
        """A bool Tensor over the batch dims: True where the matrix has the property."""
        from minigrad.tensor import from_numpy

        v = value.detach().numpy()
        batch = v.shape[:-2]
        square = v.shape[-1] == v.shape[-2]
        if self.kind == "square":
            return from_numpy(np.asarray(np.full(batch, square)))
        sym = square
        if self.kind in ("symmetric", "positive_definite", "positive_semidefinite"):
            sym_ok = np.isclose(v, np.swapaxes(v, -1, -2), atol=1e-6).all((-2, -1)) if square \
                else np.zeros(batch, bool)
            if self.kind == "symmetric" or not sym:
                return from_numpy(np.asarray(sym_ok))
            eig = np.linalg.eigvalsh(v)
            pos = (eig > 0) if self.kind == "positive_definite" else (eig >= 0)
            return from_numpy(np.asarray(sym_ok & pos.all(-1)))
        lower = (np.triu(v, 1) == 0).all((-2, -1))
        if self.kind == "lower_triangular":
            return from_numpy(np.asarray(lower))
        diag = np.diagonal(v, axis1=-2, axis2=-1)
        ok = lower & (diag > 0).all(-1)
        if self.kind == "corr_cholesky":
            ok = ok & (np.abs(np.linalg.norm(v, axis=-1) - 1) <= 1e-6 * 10).all(-1)
        return from_numpy(np.asarray(ok))

    def __repr__(self) -> str:
        return "".join(w.capitalize() for w in self.kind.split("_")) + "()"


class _Square(_Matrix):
    kind = "square"


class _Symmetric(_Matrix):
    kind = "symmetric"


class _LowerTriangular(_Matrix):
    kind = "lower_triangular"


class _LowerCholesky(_Matrix):
    kind = "lower_cholesky"


class _CorrCholesky(_Matrix):
    kind = "corr_cholesky"


class _PositiveDefinite(_Matrix):
    kind = "positive_definite"


class _PositiveSemidefinite(_Matrix):
    kind = "positive_semidefinite"


independent = _IndependentConstraint
dependent = _Dependent()
half_open_interval = _HalfOpenInterval
less_than = _LessThan
multinomial = _Multinomial
square, symmetric, lower_triangular = _Square(), _Symmetric(), _LowerTriangular()
lower_cholesky, corr_cholesky = _LowerCholesky(), _CorrCholesky()
positive_definite, positive_semidefinite = _PositiveDefinite(), _PositiveSemidefinite()
interval = _Interval
integer_interval = _IntegerInterval
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
boolean = _Boolean()
nonnegative = _GreaterThanEq(0.0)
nonnegative_integer = _IntegerGreaterThan(0)
positive_integer = _IntegerGreaterThan(1)
one_hot = _OneHot()
simplex = _Simplex()
real = _Real()
real_vector = independent(real, 1)
positive = _GreaterThan(0.0)
unit_interval = _Interval(0.0, 1.0)


class _Cat(Constraint):
    """Constraints applied to consecutive slices (of ``lengths``) along ``dim``."""

    def __init__(self, cseq: list[Constraint], dim: int = 0, lengths: list[int] | None = None) -> None:
        self.cseq, self.dim = list(cseq), dim
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.cseq)
        self.is_discrete = any(c.is_discrete for c in self.cseq)
        self.event_dim = max(c.event_dim for c in self.cseq)

    def check(self, value: Tensor) -> Tensor:
        """Each slice checked by its constraint, the results joined along ``dim``."""
        from minigrad.tensor import cat

        checks, start = [], 0
        for c, n in zip(self.cseq, self.lengths):
            checks.append(c.check(value.narrow(self.dim, start, n)))
            start += n
        return cat(checks, self.dim)


class _Stack(Constraint):
    """Constraints applied to the successive indices of ``dim``."""

    def __init__(self, cseq: list[Constraint], dim: int = 0) -> None:
        self.cseq, self.dim = list(cseq), dim
        self.is_discrete = any(c.is_discrete for c in self.cseq)
        self.event_dim = max(c.event_dim for c in self.cseq)

    def check(self, value: Tensor) -> Tensor:
        """Each index checked by its constraint, the results stacked along ``dim``."""
        from minigrad.tensor import stack

        return stack([c.check(value.select(self.dim, i)) for i, c in enumerate(self.cseq)], self.dim)


cat = _Cat
stack = _Stack
