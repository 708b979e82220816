"""The categorical distribution over ``{0, ..., K-1}``."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from minigrad import _draws
from minigrad.autograd import enable_grad, no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Distribution, Shape, as_shape
from minigrad.errors import InvalidParameterError
from minigrad.random import default_generator
from minigrad.size import Size
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Categorical"]


class Categorical(Distribution):
    """Categorical(probs=None, logits=None, validate_args=None), as ``torch.distributions.Categorical``.

    Exactly one of ``probs`` (non-negative, normalized along the last dim) and
    ``logits`` (unnormalized log-probabilities, normalized with logsumexp) is
    given; its shape is ``batch_shape + (K,)``. Samples are int64 indices.
    Raises ValueError when both or neither are given, or (validating) when
    ``probs`` has negative entries or ``log_prob`` gets a value outside 0..K-1.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.simplex,
                                                 "logits": constraints.real_vector}

    has_enumerate_support = True

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> constraints.Constraint:
        """The set the samples lie in: the integers 0..K-1."""
        return constraints.integer_interval(0, self._num_events - 1)

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise InvalidParameterError("Either `probs` or `logits` must be specified, but not both.")
        given = probs if probs is not None else logits
        assert given is not None
        if given.ndim < 1:
            raise InvalidParameterError("`probs` / `logits` parameter must be at least one-dimensional.")
        self._probs: Tensor | None = None
        self._logits: Tensor | None = None
        if probs is not None:
            self._probs = probs / probs.sum(-1, keepdim=True)
        else:
            assert logits is not None
            self._logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._num_events = given.shape[-1]
        super().__init__(given.shape[:-1], (), validate_args)

    @property
    def param_shape(self) -> Size:
        """``batch_shape + (K,)``, a ``Size`` as PyTorch's."""
        return Size((*self._batch_shape, self._num_events))

    @property
    def probs(self) -> Tensor:
        """The normalized probabilities, shape ``batch_shape + (K,)``."""
        if self._probs is None:
            assert self._logits is not None
            with enable_grad():  # cached: keep its graph even when first asked for under no_grad
                self._probs = self._logits.softmax(-1)
        return self._probs

    @probs.setter
    def probs(self, value: Tensor) -> None:  # (a lazy property in PyTorch: assignable)
        self._probs = value

    @property
    def logits(self) -> Tensor:
        """The normalized log-probabilities; from ``probs`` clamped to [eps, 1 - eps] (as PyTorch)."""
        if self._logits is None:
            p = self.probs
            eps = float(np.finfo(p.dtype).eps)
            with enable_grad():
                self._logits = p.clamp(min=eps, max=1 - eps).log()
        return self._logits

    @logits.setter
    def logits(self, value: Tensor) -> None:  # (a lazy property in PyTorch: assignable)
        self._logits = value

    @property
    def mean(self) -> Tensor:
        """Undefined for a categorical: nan, as PyTorch."""
        return from_numpy(np.full(self._batch_shape, np.nan, dtype=self.probs.dtype))

    @property
    def variance(self) -> Tensor:
        """Undefined for a categorical: nan, as PyTorch."""
        return self.mean

    @property
    def mode(self) -> Tensor:
        """The most probable category, int64 of shape ``batch_shape``."""
        return self.probs.argmax(dim=-1)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """int64 indices of shape ``sample_shape + batch_shape`` drawn from the global generator."""
        shape = as_shape(sample_shape)
        with no_grad():
            p = np.array(self.probs.numpy(force=True).reshape(-1, self._num_events))
        # PyTorch's: multinomial with replacement, one column per event row, transposed
        n = int(np.prod(shape, dtype=np.int64))
        idx = _draws.multinomial(default_generator, p, n, True).T
        # (np.array, not ascontiguousarray: that makes a 0-d sample 1-d)
        return from_numpy(np.array(idx.reshape(shape + self._batch_shape), dtype=np.int64))

    def log_prob(self, value: Any) -> Tensor:
        """log P(value): ``value`` (integer categories) broadcasts against ``batch_shape``."""
        v = value if isinstance(value, Tensor) else from_numpy(np.asarray(value))
        if self._validate_args:
            self._validate_sample(v)
        # a gather, as PyTorch's: a masked-out category (logit -inf) leaves the others finite
        index = v.long().unsqueeze(-1)
        shape = np.broadcast_shapes(index.shape, self.logits.shape)
        logits = self.logits if self.logits.shape == shape else self.logits.expand(tuple(shape))
        return logits.gather(-1, index.expand(*shape[:-1], 1)).squeeze(-1)

    def entropy(self) -> Tensor:
        """-sum p log p over the last dim (logits clamped at the dtype's lowest value so 0 * -inf is 0)."""
        logits = self.logits.clamp(min=float(np.finfo(self.logits.dtype).min))
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The categories 0..K-1, shape ``(K, 1, ..., 1)``, expanded over the batch if asked."""
        ones = (1,) * len(self._batch_shape)
        values = from_numpy(np.arange(self._num_events, dtype=np.int64).reshape(-1, *ones))
        return values.expand(self._num_events, *self._batch_shape) if expand else values

    def _param_names(self) -> tuple[str, ...]:
        # PyTorch's repr lists the one given and the other once computed (its lazy property caches it)
        return tuple(k for k in ("probs", "logits") if getattr(self, "_" + k) is not None)
