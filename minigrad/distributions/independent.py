"""Independent: reinterpret batch dims of a distribution as event dims."""

from __future__ import annotations

from typing import Any, ClassVar

from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape
from minigrad.distributions.utils import _sum_rightmost
from minigrad.errors import InvalidParameterError
from minigrad.tensor import Tensor

__all__ = ["Independent"]


class Independent(Distribution):
    """Independent(base_distribution, reinterpreted_batch_ndims, validate_args=None), as PyTorch's.

    The rightmost ``reinterpreted_batch_ndims`` batch dims of the base become
    event dims: ``log_prob`` and ``entropy`` sum over them (so
    ``Independent(Normal(mu, sigma), 1)`` is a diagonal Gaussian over vectors).
    Raises ValueError when ``reinterpreted_batch_ndims`` exceeds the base's batch rank.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {}  # (its own: no parameters to check, no warning)

    @property
    def support(self) -> constraints.Constraint:
        """The set the samples lie in: the base's, its reinterpreted dims joined into the event."""
        return constraints.independent(self.base_dist.support, self.reinterpreted_batch_ndims)

    def __init__(self, base_distribution: Distribution, reinterpreted_batch_ndims: int,
                 validate_args: bool | None = None) -> None:
        n = reinterpreted_batch_ndims
        batch = base_distribution.batch_shape
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= len(batch):
            raise InvalidParameterError(
                f"Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), "
                f"actual {n} vs {len(batch)}")
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = n
        cut = len(batch) - n
        super().__init__(batch[:cut], batch[cut:] + base_distribution.event_shape, validate_args)

    @property
    def has_rsample(self) -> bool:  # type: ignore[override]
        """Whether the base distribution has rsample."""
        return self.base_dist.has_rsample

    @property
    def mean(self) -> Tensor:
        """The base distribution's mean."""
        return self.base_dist.mean

    @property
    def mode(self) -> Tensor:
        """The base distribution's mode."""
        return self.base_dist.mode

    @property
    def variance(self) -> Tensor:
        """The base distribution's variance."""
        return self.base_dist.variance

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """The base distribution's samples."""
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """The base distribution's reparameterized samples."""
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value: Any) -> Tensor:
        """The base log_prob summed over the reinterpreted dims."""
        result: Tensor = _sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)
        return result

    def entropy(self) -> Tensor:
        """The base entropy summed over the reinterpreted dims."""
        result: Tensor = _sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)
        return result

    def __repr__(self) -> str:
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"
