"""The categorical distribution with one-hot samples."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from minigrad.distributions import constraints
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.distribution import Distribution, Shape
from minigrad.nn.functional import one_hot
from minigrad.tensor import Tensor, from_numpy

__all__ = ["OneHotCategorical", "OneHotCategoricalStraightThrough"]


class OneHotCategorical(Distribution):
    """OneHotCategorical(probs=None, logits=None, validate_args=None), as PyTorch's.

    A :class:`Categorical` whose samples are one-hot vectors of length K in the
    parameter's dtype (event shape ``(K,)``). ``log_prob`` takes one-hot
    values. Raises ValueError as Categorical does, and (validating) for a
    ``log_prob`` value that is not one-hot.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.simplex,
                                                 "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits, validate_args)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:], validate_args)

    @property
    def probs(self) -> Tensor:
        """The normalized probabilities, shape ``batch_shape + (K,)``."""
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        """The normalized log-probabilities, shape ``batch_shape + (K,)``."""
        return self._categorical.logits

    @property
    def mean(self) -> Tensor:
        """``probs``."""
        return self.probs

    @property
    def mode(self) -> Tensor:
        """The one-hot vector of the most probable category."""
        return one_hot(self._categorical.mode, self.event_shape[0]).to(self.probs.dtype)

    @property
    def variance(self) -> Tensor:
        """``probs * (1 - probs)``."""
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """One-hot samples of shape ``sample_shape + batch_shape + (K,)``."""
        return one_hot(self._categorical.sample(sample_shape), self.event_shape[0]).to(self.probs.dtype)

    def log_prob(self, value: Any) -> Tensor:
        """log P of the category that ``value`` (one-hot, last dim K) marks."""
        v = value if isinstance(value, Tensor) else from_numpy(np.asarray(value))
        if self._validate_args:
            self._validate_sample(v)
        return self._categorical.log_prob(v.argmax(dim=-1))

    def entropy(self) -> Tensor:
        """The entropy of the underlying categorical."""
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The K one-hot vectors, shape ``(K, 1, ..., 1, K)``, expanded over the batch if asked."""
        k = self.event_shape[0]
        values = from_numpy(np.eye(k, dtype=self.probs.dtype).reshape(k, *(1,) * len(self.batch_shape), k))
        return values.expand(k, *self.batch_shape, k) if expand else values

    def __repr__(self) -> str:
        # PyTorch's: its parameters live in the inner Categorical, so none are listed
        return f"{type(self).__name__}()"


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """OneHotCategoricalStraightThrough(probs=None, logits=None, validate_args=None): a OneHotCategorical
    whose ``rsample`` is the one-hot sample in the forward pass with the gradient of ``probs`` (the
    straight-through estimator)."""

    has_rsample = True

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """``sample + (probs - probs.detach())``."""
        probs = self._categorical.probs
        return self.sample(sample_shape) + (probs - probs.detach())
