"""``biject_to`` and ``transform_to``: from a constraint to a transform whose codomain it is, as
``torch.distributions.constraint_registry`` (optimizers then work on unconstrained reals).

``biject_to(c)`` is bijective (log-dets for HMC and flows); ``transform_to(c)`` need not be (the
simplex by softmax, positive-definite matrices by ``L L^T``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minigrad.distributions import constraints
from minigrad.distributions import transforms as T

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]

Factory = Callable[[Any], T.Transform]


class ConstraintRegistry:
    """A map from constraint classes to transform factories, looked up by the constraint's class
    (the nearest registered base class)."""

    def __init__(self) -> None:
        self._registry: dict[type, Factory] = {}

    def register(self, constraint: Any, factory: Factory | None = None) -> Any:
        """Register ``factory(constraint) -> Transform`` for a constraint class or instance (its class);
        usable as a decorator. Raises TypeError for something that is not a Constraint."""
        if factory is None:
            return lambda f: self.register(constraint, f)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        if not (isinstance(constraint, type) and issubclass(constraint, constraints.Constraint)):
            raise TypeError(f"Expected constraint to be either a Constraint subclass or instance, but got "
                            f"{constraint}")
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint: Any) -> T.Transform:
        """The transform for ``constraint``; NotImplementedError when none is registered."""
        for cls in type(constraint).__mro__:
            if cls in self._registry:
                return self._registry[cls](constraint)
        raise NotImplementedError(f"Cannot transform {type(constraint).__name__} constraints")


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _identity(constraint: Any) -> T.Transform:
    return T.identity_transform


def _independent(registry: ConstraintRegistry) -> Factory:
    def make(constraint: Any) -> T.Transform:
        return T.IndependentTransform(registry(constraint.base_constraint),
                                      constraint.reinterpreted_batch_ndims)
    return make


def _positive(constraint: Any) -> T.Transform:
    # positive too: PyTorch's registration for greater_than replaces its ExpTransform for positive
    return T.ComposeTransform([T.ExpTransform(), T.AffineTransform(constraint.lower_bound, 1)])


def _less_than(constraint: Any) -> T.Transform:
    return T.ComposeTransform([T.ExpTransform(), T.AffineTransform(constraint.upper_bound, -1)])


def _interval(constraint: Any) -> T.Transform:
    lo, hi = constraint.lower_bound, constraint.upper_bound
    if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo == 0 and hi == 1:
        return T.SigmoidTransform()
    return T.ComposeTransform([T.SigmoidTransform(), T.AffineTransform(lo, hi - lo)])


def _cat(registry: ConstraintRegistry) -> Factory:
    def make(constraint: Any) -> T.Transform:
        return T.CatTransform([registry(c) for c in constraint.cseq], constraint.dim, constraint.lengths)
    return make


def _stack(registry: ConstraintRegistry) -> Factory:
    def make(constraint: Any) -> T.Transform:
        return T.StackTransform([registry(c) for c in constraint.cseq], constraint.dim)
    return make


for _registry in (biject_to, transform_to):
    _registry.register(constraints._Real, _identity)
    _registry.register(constraints._IndependentConstraint, _independent(_registry))
    _registry.register(constraints._GreaterThan, _positive)
    _registry.register(constraints._LessThan, _less_than)
    _registry.register(constraints._Interval, _interval)
    _registry.register(constraints._Cat, _cat(_registry))
    _registry.register(constraints._Stack, _stack(_registry))
biject_to.register(constraints._Simplex, lambda c: T.StickBreakingTransform())
biject_to.register(constraints.corr_cholesky, lambda c: T.CorrCholeskyTransform())
transform_to.register(constraints._Simplex, lambda c: T.SoftmaxTransform())
transform_to.register(constraints.corr_cholesky, lambda c: T.CorrCholeskyTransform())
transform_to.register(constraints.lower_cholesky, lambda c: T.LowerCholeskyTransform())
transform_to.register(constraints.positive_definite, lambda c: T.PositiveDefiniteTransform())
transform_to.register(constraints.positive_semidefinite, lambda c: T.PositiveDefiniteTransform())
