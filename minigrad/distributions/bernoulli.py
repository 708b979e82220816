"""The Bernoulli distribution over {0, 1}."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from minigrad import _draws
from minigrad.autograd import enable_grad, no_grad
from minigrad.distributions import constraints
from minigrad.distributions.distribution import Shape, broadcast_all
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.dtypes import require_float_kernel
from minigrad.errors import InvalidParameterError
from minigrad.nn.functional import binary_cross_entropy_with_logits
from minigrad.random import default_generator
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Bernoulli"]


class Bernoulli(ExponentialFamily):
    """Bernoulli(probs=None, logits=None, validate_args=None), as ``torch.distributions.Bernoulli``.

    Exactly one of ``probs`` (in [0, 1]) and ``logits`` (log-odds) is given.
    Samples are 0./1. in the parameter's dtype. Raises ValueError when both or
    neither are given, or (validating) for probs outside [0, 1] or a
    ``log_prob`` value that is not 0 or 1.
    """

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.unit_interval,
                                                 "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise InvalidParameterError("Either `probs` or `logits` must be specified, but not both.")
        self._probs: Tensor | None = None
        self._logits: Tensor | None = None
        if probs is not None:
            (self._probs,) = broadcast_all(probs)
            given = self._probs
        else:
            (self._logits,) = broadcast_all(logits)
            given = self._logits
        super().__init__(given.shape, (), validate_args)

    @property
    def probs(self) -> Tensor:
        """P(1), shape ``batch_shape``."""
        if self._probs is None:
            assert self._logits is not None
            with enable_grad():  # cached: keep its graph even when first asked for under no_grad
                self._probs = self._logits.sigmoid()
        return self._probs

    @probs.setter
    def probs(self, value: Tensor) -> None:  # (a lazy property in PyTorch: assignable)
        self._probs = value

    @property
    def logits(self) -> Tensor:
        """The log-odds; from ``probs``, clamped to [eps, 1 - eps] first as PyTorch does."""
        if self._logits is None:
            eps = float(np.finfo(self.probs.dtype).eps)
            with enable_grad():
                p = self.probs.clamp(min=eps, max=1 - eps)
                self._logits = p.log() - (1 - p).log()
        return self._logits

    @logits.setter
    def logits(self, value: Tensor) -> None:  # (a lazy property in PyTorch: assignable)
        self._logits = value

    @property
    def mean(self) -> Tensor:
        """``probs``."""
        return self.probs

    @property
    def mode(self) -> Tensor:
        """1 where probs > 1/2, 0 where below, nan at exactly 1/2 (as PyTorch)."""
        with no_grad():
            p = self.probs.numpy(force=True)
        out = np.asarray(p > 0.5).astype(p.dtype)  # (an array even for 0-d probs)
        out[p == 0.5] = np.nan
        return from_numpy(out)

    @property
    def variance(self) -> Tensor:
        """``probs * (1 - probs)``."""
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """0./1. samples of shape ``sample_shape + batch_shape`` from the global generator."""
        shape = self._extended_shape(sample_shape)
        # integer probs: PyTorch's NotImplementedError (torch.bernoulli has float kernels only)
        require_float_kernel("bernoulli_tensor_cpu_p_", self.probs.dtype)
        with no_grad():
            p = np.broadcast_to(self.probs.numpy(force=True), shape)
        return from_numpy(_draws.bernoulli_tensor(default_generator, np.array(p)).astype(p.dtype))

    def log_prob(self, value: Any) -> Tensor:
        """``value * log p + (1 - value) * log(1 - p)``, computed stably from the logits."""
        v = self._checked(value, self._probs if self._probs is not None else self._logits)  # (checked before
        logits, v = broadcast_all(self.logits, v)  # the logits are cached: PyTorch's error names probs alone)
        return -binary_cross_entropy_with_logits(logits, v.to(logits.dtype), reduction="none")

    def entropy(self) -> Tensor:
        """``-(p log p + (1 - p) log(1 - p))``."""
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """``[0., 1.]`` shaped ``(2, 1, ..., 1)``, expanded over the batch if asked."""
        ones = (1,) * len(self._batch_shape)
        values = from_numpy(np.array([0.0, 1.0], dtype=self.probs.dtype).reshape(-1, *ones))
        return values.expand(2, *self._batch_shape) if expand else values

    def _param_names(self) -> tuple[str, ...]:
        # PyTorch's repr lists the one given and the other once computed (its lazy property caches it)
        return tuple(k for k in ("probs", "logits") if getattr(self, "_" + k) is not None)

    _mean_carrier_measure = 0.0

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.probs.logit(),)

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        (x,) = natural_params
        out: Tensor = x.exp().log1p()
        return out
