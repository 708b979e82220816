"""TransformedDistribution: a base distribution pushed through a sequence of transforms."""

from __future__ import annotations

from typing import Any, ClassVar

from minigrad.autograd import no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape, as_tensor
from minigrad.distributions.independent import Independent
from minigrad.distributions.transforms import ComposeTransform, Transform
from minigrad.distributions.utils import _sum_rightmost
from minigrad.errors import InvalidParameterError
from minigrad.tensor import Tensor

__all__ = ["TransformedDistribution"]


class TransformedDistribution(Distribution):
    """TransformedDistribution(base_distribution, transforms, validate_args=None), as PyTorch's:
    ``Y = f(X)`` for X from the base and f the transforms applied in order, with
    ``log p(y) = log p_base(f^-1(y)) - sum log |det df/dx|``.

    The event shape is the larger of the base's and the transforms' (a transform over vectors
    makes the base Independent). ``sample``/``rsample`` transform the base's draws; ``cdf``/``icdf``
    need monotone transforms. Validating, ``log_prob`` raises ValueError for a value outside the
    last transform's codomain.

    Raises:
        InvalidParameterError: transforms is not a Transform or a list of them, or the base has too
            few dims for the transforms' domain.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {}  # (its own: no parameters to check, no warning)

    def __init__(self, base_distribution: Distribution, transforms: Transform | list[Transform],
                 validate_args: bool | None = None) -> None:
        if isinstance(transforms, Transform):
            self.transforms = [transforms]
        elif isinstance(transforms, list) and all(isinstance(t, Transform) for t in transforms):
            self.transforms = transforms
        else:
            raise InvalidParameterError(f"transforms must be a Transform or a list of Transforms, but was "
                                        f"{transforms}")
        base_shape = tuple(base_distribution.batch_shape) + tuple(base_distribution.event_shape)
        base_event_dim = len(base_distribution.event_shape)
        transform = ComposeTransform(self.transforms)
        if len(base_shape) < transform.domain.event_dim:
            raise InvalidParameterError(f"base_distribution needs to have shape with size at least "
                                        f"{transform.domain.event_dim}, but got {base_shape}.")
        forward_shape = transform.forward_shape(base_shape)
        expanded_base_shape = transform.inverse_shape(forward_shape)
        if expanded_base_shape != base_shape:  # the transforms' parameters broadcast the base: expand it
            cut_base = len(expanded_base_shape) - base_event_dim
            base_distribution = base_distribution.expand(expanded_base_shape[:cut_base])
        reinterpreted = transform.domain.event_dim - base_event_dim
        self.base_dist = (Independent(base_distribution, reinterpreted) if reinterpreted > 0
                          else base_distribution)
        event_dim = max(transform.codomain.event_dim,
                        base_event_dim + transform.codomain.event_dim - transform.domain.event_dim)
        cut = len(forward_shape) - event_dim
        super().__init__(forward_shape[:cut], forward_shape[cut:], validate_args)

    @property
    def support(self) -> constraints.Constraint:
        """The last transform's codomain, over the event dims."""
        support = self.transforms[-1].codomain if self.transforms else constraints.real
        extra = len(self.event_shape) - support.event_dim
        return constraints.independent(support, extra) if extra > 0 else support

    @property
    def has_rsample(self) -> bool:  # type: ignore[override]
        """Whether the base distribution has rsample."""
        return self.base_dist.has_rsample

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """The base distribution's samples through the transforms, without gradient."""
        with no_grad():
            x = self.base_dist.sample(sample_shape)
            for transform in self.transforms:
                x = transform(x)
            return x

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """The base distribution's reparameterized samples through the transforms (differentiable)."""
        x = self.base_dist.rsample(sample_shape)
        for transform in self.transforms:
            x = transform(x)
        return x

    def log_prob(self, value: Any) -> Tensor:
        """The base log_prob of the inverted value minus each transform's log-det on the way back."""
        value = as_tensor(value)
        if self._validate_args and self.transforms:
            self._validate_sample(value)
        event_dim = len(self.event_shape)
        log_prob: Any = 0.0
        y = value
        for transform in reversed(self.transforms):
            x = transform.inv(y)
            event_dim += transform.domain.event_dim - transform.codomain.event_dim
            log_prob = log_prob - _sum_rightmost(transform.log_abs_det_jacobian(x, y),
                                                 event_dim - transform.domain.event_dim)
            y = x
        base = _sum_rightmost(self.base_dist.log_prob(y), event_dim - len(self.base_dist.event_shape))
        return log_prob + base  # type: ignore[no-any-return]

    def _monotonize_cdf(self, value: Tensor) -> Tensor:
        sign: Any = 1
        for transform in self.transforms:
            sign = sign * transform.sign
        if isinstance(sign, int) and sign == 1:
            return value
        return sign * (value - 0.5) + 0.5  # type: ignore[no-any-return]

    def cdf(self, value: Any) -> Tensor:
        """The base cdf of the inverted value (flipped for a decreasing transform); validating, the
        inverted value is checked against the base's support (as PyTorch: cdf(0) of a LogNormal is 0)."""
        value = as_tensor(value)
        for transform in reversed(self.transforms):
            value = transform.inv(value)
        if self._validate_args:
            self.base_dist._validate_sample(value)
        return self._monotonize_cdf(self.base_dist.cdf(value))

    def icdf(self, value: Any) -> Tensor:
        """The base icdf pushed through the transforms."""
        value = self.base_dist.icdf(self._monotonize_cdf(as_tensor(value)))
        for transform in self.transforms:
            value = transform(value)
        return value  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
