"""Geometric, Binomial, Multinomial and NegativeBinomial: counting distributions parameterized by
``probs`` or ``logits`` (exactly one), as ``torch.distributions``."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from minigrad import _draws
from minigrad.autograd import enable_grad, no_grad
from minigrad.distributions import constraints
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.distribution import Distribution, Shape, as_shape, as_tensor, broadcast_all
from minigrad.distributions.gamma import Gamma
from minigrad.dtypes import finfo, scalar_type_name
from minigrad.errors import InvalidParameterError
from minigrad.factories import arange, zeros_like
from minigrad.nn.functional import binary_cross_entropy_with_logits, logsigmoid
from minigrad.random import default_generator
from minigrad.size import Size
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Binomial", "Geometric", "Multinomial", "NegativeBinomial"]


def _one_of(probs: Any, logits: Any) -> None:
    if (probs is None) == (logits is None):
        raise InvalidParameterError("Either `probs` or `logits` must be specified, but not both.")


class _Binary(Distribution):
    """A distribution with a success probability given as ``probs`` or as ``logits`` (log-odds); the
    other is computed on first use, as PyTorch's lazy properties (probs clamped to [eps, 1 - eps]
    before the log-odds)."""

    _probs: Tensor | None
    _logits: Tensor | None

    def _set(self, probs: Any, logits: Any, *others: Any) -> list[Tensor]:
        _one_of(probs, logits)
        given = probs if probs is not None else logits
        out = broadcast_all(given, *others)
        self._probs, self._logits = (out[0], None) if probs is not None else (None, out[0])
        self._param = out[0]
        return [t.to(out[0].dtype) for t in out[1:]]

    @property
    def probs(self) -> Tensor:
        """The success probability."""
        if self._probs is None:
            assert self._logits is not None
            with enable_grad():  # cached, so never computed without its graph (PyTorch's lazy_property)
                self._probs = self._logits.sigmoid()
        return self._probs

    @probs.setter
    def probs(self, value: Tensor) -> None:  # (a lazy property in PyTorch: assignable)
        self._probs = value

    @property
    def logits(self) -> Tensor:
        """The log-odds of success."""
        if self._logits is None:
            eps = finfo(self.probs.dtype).eps  # (a TypeError for integer probs, as PyTorch's)
            with enable_grad():
                p = self.probs.clamp(min=eps, max=1 - eps)
                self._logits = p.log() - (-p).log1p()
        return self._logits

    @logits.setter
    def logits(self, value: Tensor) -> None:  # (a lazy property in PyTorch: assignable)
        self._logits = value

    @property
    def param_shape(self) -> Size:
        """The shape of the parameter given, a ``Size`` as PyTorch's."""
        return Size(self._param.shape)

    def _param_names(self) -> tuple[str, ...]:
        # PyTorch's repr lists the one given and the other once computed (its lazy property caches it)
        return tuple(k for k in ("probs", "logits") if getattr(self, "_" + k) is not None)


class Geometric(_Binary):
    """Geometric(probs=None, logits=None, validate_args=None): the number of failures before the first
    success, P(k) = (1 - p)^k p. Samples are ``floor(log(u) / log1p(-p))`` for u uniform on [tiny, 1)
    (PyTorch's stream). Raises ValueError for both/neither parameter or (validating) p outside (0, 1]."""

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.unit_interval,
                                                 "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None) -> None:
        self._set(probs, logits)
        super().__init__(self._param.shape, (), validate_args)
        if self._validate_args and self._probs is not None:
            with no_grad():
                ok = bool(np.all(self._probs.numpy(force=True) > 0))
            if not ok:
                raise InvalidParameterError(
                    f"Expected parameter probs (Tensor of shape {tuple(self._probs.shape)}) of distribution "
                    f"{self!r} to be positive but found invalid values:\n{self._probs}")

    @property
    def mean(self) -> Tensor:
        """``1 / p - 1``."""
        return 1.0 / self.probs - 1.0

    @property
    def mode(self) -> Tensor:
        """Zero."""
        return zeros_like(self.probs)

    @property
    def variance(self) -> Tensor:
        """``(1 / p - 1) / p``."""
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Counts (floats) of shape ``sample_shape + batch_shape``."""
        shape = self._extended_shape(sample_shape)
        dtype = self.probs.dtype
        with no_grad():
            u = from_numpy(_draws.uniform(default_generator, shape, finfo(dtype).tiny, 1.0, dtype))
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value: Any) -> Tensor:
        """``value log1p(-p) + log p`` (0 at p = 1, value = 0)."""
        v = as_tensor(value, self.probs)
        if self._validate_args:
            self._validate_sample(v)
        v, p = broadcast_all(v, self.probs)
        p = p.masked_fill((p == 1) & (v == 0), 0.0)
        return v * (-p).log1p() + self.probs.log()

    def entropy(self) -> Tensor:
        """``BCE(logits, p) / p``."""
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs


def _clamp_by_zero(x: Tensor) -> Tensor:
    # max(x, 0) whose gradient at 0 is 1/2, as PyTorch's
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(_Binary):
    """Binomial(total_count=1, probs=None, logits=None, validate_args=None): successes in
    ``total_count`` trials. Raises ValueError for both/neither parameter or (validating) a non-integer
    or negative count, probs outside [0, 1] or a value outside 0..total_count."""

    arg_constraints: ClassVar[dict[str, Any]] = {"total_count": constraints.nonnegative_integer,
                                                 "probs": constraints.unit_interval,
                                                 "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count: Any = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        (self.total_count,) = self._set(probs, logits, total_count)
        super().__init__(self._param.shape, (), validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self) -> constraints.Constraint:
        """The integers 0..total_count."""
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self) -> Tensor:
        """``n p``."""
        return self.total_count * self.probs

    @property
    def mode(self) -> Tensor:
        """``floor((n + 1) p)``, at most n."""
        return ((self.total_count + 1) * self.probs).floor().minimum(self.total_count)

    @property
    def variance(self) -> Tensor:
        """``n p (1 - p)``."""
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Counts (floats) of shape ``sample_shape + batch_shape`` (PyTorch's stream where
        ``n min(p, 1 - p) < 10``)."""
        shape = self._extended_shape(sample_shape)
        if self.probs.dtype.kind != "f":  # (PyTorch casts the count to probs. dtype)
            raise InvalidParameterError("binomial only supports floating-point dtypes for count, got: "
                                        f"{scalar_type_name(self.probs.dtype)}")
        with no_grad():
            n = np.broadcast_to(self.total_count.numpy(force=True), shape)
            p = np.array(np.broadcast_to(self.probs.numpy(force=True), shape))
        return from_numpy(_draws.binomial(default_generator, n, p))

    def log_prob(self, value: Any) -> Tensor:
        """``k logit - log k! - log (n-k)! + log n! - n log(1 + e^logit)``, computed stably."""
        k = as_tensor(value, self._param)
        if self._validate_args:
            self._validate_sample(k)
        n, logits = self.total_count, self.logits
        normalize = n * _clamp_by_zero(logits) + n * (-logits.abs()).exp().log1p() - (n + 1).lgamma()
        return k * logits - (k + 1).lgamma() - (n - k + 1).lgamma() - normalize

    def _max_count(self, what: str) -> int:
        with no_grad():
            n = self.total_count.numpy(force=True)
        if n.size and n.min() != n.max():
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{what}`.")
        return int(n.max()) if n.size else 0

    def entropy(self) -> Tensor:
        """``-sum_k P(k) log P(k)`` over the support (one total_count for the whole batch)."""
        lp = self.log_prob(self.enumerate_support(False).to(self._param.dtype)) \
            if self._max_count("entropy") >= 0 else self._param
        return -(lp.exp() * lp).sum(0)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """``0..total_count`` shaped ``(n + 1, 1, ..., 1)``, expanded over the batch if asked."""
        n = self._max_count("enumerate_support")
        values = arange(n + 1, dtype=self._param.dtype).reshape(-1, *(1,) * len(self._batch_shape))
        return values.expand(-1, *self._batch_shape) if expand else values

    def _param_names(self) -> tuple[str, ...]:
        return ("total_count", *super()._param_names())


class Multinomial(Distribution):
    """Multinomial(total_count=1, probs=None, logits=None, validate_args=None): counts over K categories
    (``event_shape`` (K,)) of ``total_count`` categorical draws; sampled as PyTorch does (its Categorical
    draws, counted), so seeded samples agree. ``probs`` need not be normalized."""

    arg_constraints: ClassVar[dict[str, Any]] = {"probs": constraints.simplex,
                                                 "logits": constraints.real_vector}

    def __init__(self, total_count: int = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        if not isinstance(total_count, (int, np.integer)):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = int(total_count)
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=self.total_count, probs=self.probs)
        super().__init__(self._categorical.batch_shape, (self._categorical._num_events,), validate_args)

    @property
    def probs(self) -> Tensor:
        """The normalized category probabilities."""
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        """The normalized log-probabilities."""
        return self._categorical.logits

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self) -> constraints.Constraint:
        """Non-negative integer vectors summing to at most total_count."""
        return constraints.multinomial(self.total_count)

    @property
    def mean(self) -> Tensor:
        """``n p``."""
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        """``n p (1 - p)``."""
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Counts of shape ``sample_shape + batch_shape + (K,)`` in the parameter's dtype."""
        shape = as_shape(sample_shape)
        idx = self._categorical.sample((self.total_count, *shape)).numpy(force=True)
        k = self._event_shape[0]
        counts = (idx[..., None] == np.arange(k)).sum(0)
        return from_numpy(counts.astype(self.probs.dtype).reshape(self._extended_shape(shape)))

    def log_prob(self, value: Any) -> Tensor:
        """``log n! - sum log x_k! + sum x_k logit_k`` (a -inf logit with a zero count adds 0)."""
        v = as_tensor(value, self.logits)
        if self._validate_args:
            self._validate_sample(v)
        logits, v = broadcast_all(self.logits, v)
        logits = logits.masked_fill((v == 0) & (logits == -np.inf), 0.0)
        return (v.sum(-1) + 1).lgamma() - (v + 1).lgamma().sum(-1) + (logits * v).sum(-1)

    def entropy(self) -> Tensor:
        """PyTorch's: ``n H(categorical) - log n! + sum_k E[log x_k!]`` with the binomial marginals."""
        n = float(self.total_count)
        # PyTorch takes log n! of an int64 tensor, so in float32; the same rounding keeps the values equal
        term1 = n * self._categorical.entropy() - float(np.float32(math.lgamma(n + 1)))
        support = self._binomial.enumerate_support(expand=False)[1:]
        weights = (support + 1).lgamma()
        term2 = (self._binomial.log_prob(support).exp() * weights).sum(0).sum(-1)
        return term1 + term2

    def _param_names(self) -> tuple[str, ...]:
        return ()  # PyTorch's repr lists none: probs and logits are the inner Categorical's


class NegativeBinomial(_Binary):
    """NegativeBinomial(total_count, probs=None, logits=None, validate_args=None): the number of successes
    before ``total_count`` failures, success probability p. Sampled as PyTorch does: Poisson of a
    Gamma(total_count, exp(-logits)) rate."""

    arg_constraints: ClassVar[dict[str, Any]] = {"total_count": constraints.greater_than_eq(0),
                                                 "probs": constraints.half_open_interval(0.0, 1.0),
                                                 "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None) -> None:
        (self.total_count,) = self._set(probs, logits, total_count)
        super().__init__(self._param.shape, (), validate_args)

    @property
    def mean(self) -> Tensor:
        """``r exp(logits)``."""
        return self.total_count * self.logits.exp()

    @property
    def mode(self) -> Tensor:
        """``floor((r - 1) exp(logits))``, at least 0."""
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self) -> Tensor:
        """``mean / sigmoid(-logits)``."""
        return self.mean / (-self.logits).sigmoid()

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Counts (floats) of shape ``sample_shape + batch_shape``."""
        with no_grad():
            rate = Gamma(self.total_count, (-self.logits).exp(), validate_args=False).sample(sample_shape)
            return from_numpy(_draws.poisson(default_generator, rate.numpy(force=True)))

    def log_prob(self, value: Any) -> Tensor:
        """``r logsigmoid(-logits) + k logsigmoid(logits) + lgamma(r + k) - lgamma(1 + k) - lgamma(r)``."""
        k = as_tensor(value, self._param)
        if self._validate_args:
            self._validate_sample(k)
        r = self.total_count
        unnormalized = r * logsigmoid(-self.logits) + k * logsigmoid(self.logits)
        normalization = -(r + k).lgamma() + (1.0 + k).lgamma() + r.lgamma()
        return unnormalized - normalization.masked_fill(r + k == 0.0, 0.0)

    def _param_names(self) -> tuple[str, ...]:
        return ("total_count", *super()._param_names())
