"""Invertible maps with a log-det-Jacobian, as ``torch.distributions.transforms``.

A Transform ``t`` maps ``x`` to ``y = t(x)``; ``t.inv`` maps back, and ``log_abs_det_jacobian(x, y)``
is log |dy/dx| (summed over ``domain.event_dim`` rightmost dims). ``TransformedDistribution`` builds
flows from them; SAC's squashed Gaussian is ``TransformedDistribution(Normal(mu, std),
[TanhTransform(cache_size=1)])``: with ``cache_size=1`` a transform remembers its last (x, y) pair, so
``log_prob`` of the sample just drawn inverts nothing (atanh(+-1) would be infinite). Every formula is
PyTorch's, written with Tensor ops, so all of it is differentiable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad.distributions import constraints
from minigrad.distributions.constraints import Constraint
from minigrad.distributions.distribution import as_tensor
from minigrad.distributions.utils import _sum_rightmost
from minigrad.dtypes import finfo
from minigrad.errors import InvalidParameterError
from minigrad.nn.functional import softplus
from minigrad.tensor import Tensor

__all__ = [
    "AbsTransform", "AffineTransform", "CatTransform", "ComposeTransform", "CorrCholeskyTransform",
    "CumulativeDistributionTransform", "ExpTransform", "IndependentTransform", "LowerCholeskyTransform",
    "PositiveDefiniteTransform", "PowerTransform", "ReshapeTransform", "SigmoidTransform", "SoftmaxTransform",
    "SoftplusTransform", "StackTransform", "StickBreakingTransform", "TanhTransform", "Transform",
    "identity_transform",
]  # fmt: skip


def _shape_of(value: Any) -> tuple[int, ...]:
    return tuple(value.shape) if isinstance(value, Tensor) else ()


class Transform:
    """The base class: ``__call__`` (cached with ``cache_size=1``), ``inv``, ``log_abs_det_jacobian``,
    ``domain``/``codomain`` constraints, ``bijective``, ``sign``, ``forward_shape``/``inverse_shape``.

    Raises:
        InvalidParameterError: ``cache_size`` is not 0 or 1 (PyTorch's ValueError).
    """

    bijective = False
    domain: Constraint = constraints.real
    codomain: Constraint = constraints.real

    def __init__(self, cache_size: int = 0) -> None:
        if cache_size not in (0, 1):
            raise InvalidParameterError("cache_size must be 0 or 1")
        self._cache_size = cache_size
        self._inv: Transform | None = None
        self._cached_x_y: tuple[Any, Any] = (None, None)

    @property
    def event_dim(self) -> int:
        """The event dims of domain and codomain, when they agree (else ValueError)."""
        if self.domain.event_dim == self.codomain.event_dim:
            return self.domain.event_dim
        raise InvalidParameterError("Please use either .domain.event_dim or .codomain.event_dim")

    @property
    def inv(self) -> Transform:
        """The inverse transform (one object per transform, sharing the cache)."""
        if self._inv is None:
            self._inv = _InverseTransform(self)
        return self._inv

    @property
    def sign(self) -> Any:
        """+1 or -1 for a monotone transform (elementwise, for a Tensor parameter)."""
        raise NotImplementedError

    def with_cache(self, cache_size: int = 1) -> Transform:
        """This transform with the given cache size (a new one when it differs)."""
        if self._cache_size == cache_size:
            return self
        if type(self).__init__ is Transform.__init__:
            return type(self)(cache_size=cache_size)
        raise NotImplementedError(f"{type(self)}.with_cache is not implemented")

    def __eq__(self, other: object) -> bool:
        return self is other

    def __call__(self, x: Tensor) -> Tensor:
        if self._cache_size == 0:
            return self._call(x)
        x_old, y_old = self._cached_x_y
        if x is x_old:
            return y_old  # type: ignore[no-any-return]
        y = self._call(x)
        self._cached_x_y = x, y
        return y

    def _inv_call(self, y: Tensor) -> Tensor:
        if self._cache_size == 0:
            return self._inverse(y)
        x_old, y_old = self._cached_x_y
        if y is y_old:
            return x_old  # type: ignore[no-any-return]
        x = self._inverse(y)
        self._cached_x_y = x, y
        return x

    def _call(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def _inverse(self, y: Tensor) -> Tensor:
        raise NotImplementedError

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """log |dy/dx| at the pair (x, y = self(x))."""
        raise NotImplementedError

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """The output shape for an input of ``shape``."""
        return tuple(shape)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """The input shape for an output of ``shape``."""
        return tuple(shape)

    def __repr__(self) -> str:
        return type(self).__name__ + "()"


class _InverseTransform(Transform):
    """The inverse of a transform: calls its ``_inv_call``; the log-det is the negated forward one."""

    def __init__(self, transform: Transform) -> None:
        super().__init__(cache_size=transform._cache_size)
        self._inv = transform

    @property
    def _forward(self) -> Transform:
        assert self._inv is not None
        return self._inv

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        """The forward transform's codomain."""
        return self._forward.codomain

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        """The forward transform's domain."""
        return self._forward.domain

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        """Whether the forward transform is bijective."""
        return self._forward.bijective

    @property
    def sign(self) -> Any:
        """The forward transform's sign."""
        return self._forward.sign

    @property
    def inv(self) -> Transform:
        """The forward transform."""
        return self._forward

    def with_cache(self, cache_size: int = 1) -> Transform:
        """The inverse of the forward transform with that cache size."""
        return self._forward.with_cache(cache_size).inv

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _InverseTransform) and self._forward == other._forward

    def __call__(self, x: Tensor) -> Tensor:
        return self._forward._inv_call(x)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """Minus the forward log-det at (y, x)."""
        return -self._forward.log_abs_det_jacobian(y, x)

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """The forward transform's inverse_shape."""
        return self._forward.inverse_shape(shape)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """The forward transform's forward_shape."""
        return self._forward.forward_shape(shape)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._forward!r})"


class ComposeTransform(Transform):
    """ComposeTransform(parts, cache_size=0): the parts applied in order; the log-dets add up, each summed
    to the composition's event dims."""

    def __init__(self, parts: list[Transform], cache_size: int = 0) -> None:
        if cache_size:
            parts = [part.with_cache(cache_size) for part in parts]
        super().__init__(cache_size=cache_size)
        self.parts = parts

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ComposeTransform) and self.parts == other.parts


    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        """The first part's domain, widened to the event dims the later parts need."""
        if not self.parts:
            return constraints.real
        domain = self.parts[0].domain
        event_dim = self.parts[-1].codomain.event_dim
        for part in reversed(self.parts):
            event_dim = max(event_dim + part.domain.event_dim - part.codomain.event_dim,
                            part.domain.event_dim)
        return constraints.independent(domain, event_dim - domain.event_dim) if event_dim > domain.event_dim \
            else domain

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        """The last part's codomain, widened to the event dims the earlier parts produce."""
        if not self.parts:
            return constraints.real
        codomain = self.parts[-1].codomain
        event_dim = self.parts[0].domain.event_dim
        for part in self.parts:
            event_dim = max(event_dim + part.codomain.event_dim - part.domain.event_dim,
                            part.codomain.event_dim)
        return constraints.independent(codomain, event_dim - codomain.event_dim) \
            if event_dim > codomain.event_dim else codomain

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        """Whether every part is."""
        return all(p.bijective for p in self.parts)

    @property
    def sign(self) -> Any:
        """The product of the parts' signs."""
        sign: Any = 1
        for p in self.parts:
            sign = sign * p.sign
        return sign

    @property
    def inv(self) -> Transform:
        """The composition of the parts' inverses, in reverse order."""
        if self._inv is None:
            inv = ComposeTransform([p.inv for p in reversed(self.parts)])
            inv._inv = self
            self._inv = inv
        return self._inv

    def with_cache(self, cache_size: int = 1) -> Transform:
        """The composition with every part cached."""
        return self if self._cache_size == cache_size else ComposeTransform(self.parts, cache_size=cache_size)

    def __call__(self, x: Tensor) -> Tensor:
        for part in self.parts:
            x = part(x)
        return x

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """The parts' log-dets along the way from x to y, each summed to the composition's event dims."""
        if not self.parts:
            return x.new_zeros(x.shape) if isinstance(x, Tensor) else x * 0
        xs = [x]
        for part in self.parts[:-1]:
            xs.append(part(xs[-1]))
        xs.append(y)
        total: Any = 0
        event_dim = self.domain.event_dim
        for part, a, b in zip(self.parts, xs[:-1], xs[1:]):
            total = total + _sum_rightmost(part.log_abs_det_jacobian(a, b), event_dim - part.domain.event_dim)
            event_dim += part.codomain.event_dim - part.domain.event_dim
        return total  # type: ignore[no-any-return]

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """The parts' forward shapes in order."""
        for part in self.parts:
            shape = part.forward_shape(shape)
        return tuple(shape)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """The parts' inverse shapes in reverse order."""
        for part in reversed(self.parts):
            shape = part.inverse_shape(shape)
        return tuple(shape)

    def __repr__(self) -> str:
        return type(self).__name__ + "(\n    " + ",\n    ".join(repr(p) for p in self.parts) + "\n)"


identity_transform = ComposeTransform([])


class IndependentTransform(Transform):
    """IndependentTransform(base_transform, reinterpreted_batch_ndims, cache_size=0): the base transform
    with its rightmost ``reinterpreted_batch_ndims`` dims part of the event (its log-det summed over them)."""

    def __init__(self, base_transform: Transform, reinterpreted_batch_ndims: int,
                 cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.base_transform = base_transform.with_cache(cache_size)
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    def with_cache(self, cache_size: int = 1) -> Transform:
        """The same transform with that cache size."""
        return self if self._cache_size == cache_size else \
            IndependentTransform(self.base_transform, self.reinterpreted_batch_ndims, cache_size)

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        """The base domain with the reinterpreted dims added to its event."""
        return constraints.independent(self.base_transform.domain, self.reinterpreted_batch_ndims)

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        """The base codomain with the reinterpreted dims added to its event."""
        return constraints.independent(self.base_transform.codomain, self.reinterpreted_batch_ndims)

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        """Whether the base transform is."""
        return self.base_transform.bijective

    @property
    def sign(self) -> Any:
        """The base transform's sign."""
        return self.base_transform.sign

    def _call(self, x: Tensor) -> Tensor:
        if x.ndim < self.domain.event_dim:
            raise InvalidParameterError("Too few dimensions on input")
        return self.base_transform(x)

    def _inverse(self, y: Tensor) -> Tensor:
        if y.ndim < self.codomain.event_dim:
            raise InvalidParameterError("Too few dimensions on input")
        return self.base_transform.inv(y)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """The base log-det summed over the reinterpreted dims."""
        result: Tensor = _sum_rightmost(self.base_transform.log_abs_det_jacobian(x, y),
                                        self.reinterpreted_batch_ndims)
        return result

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """The base transform's."""
        return self.base_transform.forward_shape(shape)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """The base transform's."""
        return self.base_transform.inverse_shape(shape)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_transform!r}, {self.reinterpreted_batch_ndims})"


class ExpTransform(Transform):
    """``y = exp(x)``; log-det ``x``."""

    domain, codomain, bijective, sign = constraints.real, constraints.positive, True, 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExpTransform)

    def _call(self, x: Tensor) -> Tensor:
        return x.exp()

    def _inverse(self, y: Tensor) -> Tensor:
        return y.log()

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """``x``."""
        return x


class PowerTransform(Transform):
    """PowerTransform(exponent, cache_size=0): ``y = x ** exponent`` on positive x; log-det
    ``log |exponent * y / x|``."""

    domain, codomain, bijective = constraints.positive, constraints.positive, True

    def __init__(self, exponent: Any, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.exponent = as_tensor(exponent)

    def with_cache(self, cache_size: int = 1) -> Transform:
        """The same transform with that cache size."""
        return self if self._cache_size == cache_size else PowerTransform(self.exponent, cache_size)

    def __eq__(self, other: object) -> bool:
        # equal exponents make equal transforms (KL of two InverseGammas compares their transforms)
        if not isinstance(other, PowerTransform):
            return False
        return bool(np.all(self.exponent.numpy(force=True) == other.exponent.numpy(force=True)))

    @property
    def sign(self) -> Any:
        """The exponent's sign."""
        return self.exponent.sign()

    def _call(self, x: Tensor) -> Tensor:
        return x.pow(self.exponent)

    def _inverse(self, y: Tensor) -> Tensor:
        return y.pow(1 / self.exponent)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """``log |exponent * y / x|``."""
        return (self.exponent * y / x).abs().log()

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """``shape`` broadcast with the exponent's."""
        return tuple(np.broadcast_shapes(tuple(shape), _shape_of(self.exponent)))

    inverse_shape = forward_shape


class SigmoidTransform(Transform):
    """``y = sigmoid(x)`` clipped into [tiny, 1 - eps]; log-det ``-softplus(-x) - softplus(x)``."""

    domain, codomain, bijective, sign = constraints.real, constraints.unit_interval, True, 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SigmoidTransform)

    def _call(self, x: Tensor) -> Tensor:
        info = finfo(x.dtype)
        return x.sigmoid().clamp(min=info.tiny, max=1.0 - info.eps)

    def _inverse(self, y: Tensor) -> Tensor:
        info = finfo(y.dtype)
        y = y.clamp(min=info.tiny, max=1.0 - info.eps)
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """``-softplus(-x) - softplus(x)``."""
        return -softplus(-x) - softplus(x)


class SoftplusTransform(Transform):
    """``y = softplus(x)``; inverse ``log(-expm1(-y)) + y``; log-det ``-softplus(-x)``."""

    domain, codomain, bijective, sign = constraints.real, constraints.positive, True, 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SoftplusTransform)

    def _call(self, x: Tensor) -> Tensor:
        return softplus(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return (-y).expm1().neg().log() + y

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """``-softplus(-x)``."""
        return -softplus(-x)


class TanhTransform(Transform):
    """``y = tanh(x)``; inverse ``atanh(y)``; log-det ``2 (log 2 - x - softplus(-2x))``, stable for large
    |x| (SAC's tanh-squashed Gaussian policy uses it)."""

    domain, codomain, bijective, sign = constraints.real, constraints.interval(-1.0, 1.0), True, 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TanhTransform)

    def _call(self, x: Tensor) -> Tensor:
        return x.tanh()

    def _inverse(self, y: Tensor) -> Tensor:
        return y.atanh()

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """``2 (log 2 - x - softplus(-2x))``."""
        return 2.0 * (math.log(2.0) - x - softplus(-2.0 * x))


class AbsTransform(Transform):
    """``y = |x|`` (not bijective: its inverse is the identity on the positive half)."""

    domain, codomain = constraints.real, constraints.positive

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AbsTransform)

    def _call(self, x: Tensor) -> Tensor:
        return x.abs()

    def _inverse(self, y: Tensor) -> Tensor:
        return y


class AffineTransform(Transform):
    """AffineTransform(loc, scale, event_dim=0, cache_size=0): ``y = loc + scale * x``; log-det
    ``log |scale|``, summed over ``event_dim`` rightmost dims. ``loc``/``scale`` are numbers or Tensors
    (gradients reach them)."""

    bijective = True

    def __init__(self, loc: Any, scale: Any, event_dim: int = 0, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.loc, self.scale, self._event_dim = loc, scale, event_dim

    @property
    def event_dim(self) -> int:
        """The number of rightmost dims that form one event."""
        return self._event_dim

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        """The reals, over ``event_dim`` dims."""
        return constraints.independent(constraints.real, self._event_dim) if self._event_dim \
            else constraints.real

    codomain = domain

    def with_cache(self, cache_size: int = 1) -> Transform:
        """The same transform with that cache size."""
        return self if self._cache_size == cache_size else \
            AffineTransform(self.loc, self.scale, self._event_dim, cache_size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AffineTransform):
            return False
        return all(bool(np.all(np.asarray(a.numpy(force=True) if isinstance(a, Tensor) else a)
                               == np.asarray(b.numpy(force=True) if isinstance(b, Tensor) else b)))
                   for a, b in ((self.loc, other.loc), (self.scale, other.scale)))


    @property
    def sign(self) -> Any:
        """The sign of ``scale`` (an int for a number, else a Tensor)."""
        if isinstance(self.scale, Tensor):
            return self.scale.sign()
        s = float(self.scale)
        return 1 if s > 0 else -1 if s < 0 else 0

    def _call(self, x: Tensor) -> Tensor:
        return self.loc + self.scale * x  # type: ignore[no-any-return]

    def _inverse(self, y: Tensor) -> Tensor:
        return (y - self.loc) / self.scale  # type: ignore[no-any-return]

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """``log |scale|`` expanded to x's shape (without its event dims), summed over the event dims."""
        shape = tuple(x.shape)
        if isinstance(self.scale, Tensor):
            result = self.scale.abs().log()
        else:
            result = x.new_full(shape, math.log(abs(float(self.scale))))
        if self._event_dim:
            result = result.reshape(*result.shape[:result.ndim - self._event_dim], -1).sum(-1)
            shape = shape[:len(shape) - self._event_dim]
        return result.expand(tuple(shape))

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """``shape`` broadcast with loc's and scale's."""
        return tuple(np.broadcast_shapes(tuple(shape), _shape_of(self.loc), _shape_of(self.scale)))

    inverse_shape = forward_shape


def _vector_shape(shape: Sequence[int], change: int = 0) -> tuple[int, ...]:
    if len(shape) < 1:
        raise InvalidParameterError("Too few dimensions on input")
    return (*shape[:-1], shape[-1] + change)


class SoftmaxTransform(Transform):
    """``y = softmax(x)`` over the last dim (real vectors to the simplex; not bijective: the inverse
    is ``log y``, one of the preimages)."""

    domain, codomain = constraints.real_vector, constraints.simplex

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SoftmaxTransform)

    def _call(self, x: Tensor) -> Tensor:
        e = (x - x.amax(-1, keepdim=True).detach()).exp()
        return e / e.sum(-1, keepdim=True)

    def _inverse(self, y: Tensor) -> Tensor:
        return y.log()

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """``shape`` (ValueError for a 0-d shape)."""
        return _vector_shape(shape)

    inverse_shape = forward_shape


def _stick_offset(k: int, like: Tensor) -> Tensor:
    # log(K - i) for i = 0..K-1: centres the sigmoids so x = 0 maps to the uniform vector
    return like.new_tensor(np.log(np.arange(k, 0, -1, dtype=np.float64)))


class StickBreakingTransform(Transform):
    """Real vectors of length K-1 to the K-simplex by stick breaking: ``z_i = sigmoid(x_i - log(K-1-i))``,
    ``y_i = z_i prod_{j<i} (1 - z_j)``, the last entry taking the rest. Bijective; log-det
    ``sum(-x' + logsigmoid(x') + log y_i)`` with ``x' = x - offset``."""

    domain, codomain, bijective = constraints.real_vector, constraints.simplex, True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StickBreakingTransform)

    def _call(self, x: Tensor) -> Tensor:
        from minigrad.nn.functional import pad

        info = finfo(x.dtype)
        z = (x - _stick_offset(x.shape[-1], x)).sigmoid().clamp(min=info.tiny, max=1.0 - info.eps)
        rest = (1 - z).cumprod(-1)
        return pad(z, [0, 1], value=1.0) * pad(rest, [1, 0], value=1.0)

    def _inverse(self, y: Tensor) -> Tensor:
        head = y[..., :-1]
        rest = (1 - head.cumsum(-1)).clamp(min=finfo(y.dtype).tiny)
        return head.log() - rest.log() + _stick_offset(head.shape[-1], y)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """``sum(-x' + logsigmoid(x') + log y[..., :-1])`` over the last dim."""
        from minigrad.nn.functional import logsigmoid

        x = x - _stick_offset(x.shape[-1], x)
        return (-x + logsigmoid(x) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """One more entry in the last dim."""
        return _vector_shape(shape, 1)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """One fewer entry in the last dim."""
        return _vector_shape(shape, -1)


class LowerCholeskyTransform(Transform):
    """Square matrices to lower-triangular ones with a positive diagonal: the strict lower triangle kept,
    the diagonal exponentiated (no log-det, as PyTorch)."""

    domain, codomain = constraints.independent(constraints.real, 2), constraints.lower_cholesky

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LowerCholeskyTransform)

    def _call(self, x: Tensor) -> Tensor:
        return x.tril(-1) + x.diagonal(dim1=-2, dim2=-1).exp().diag_embed()

    def _inverse(self, y: Tensor) -> Tensor:
        return y.tril(-1) + y.diagonal(dim1=-2, dim2=-1).log().diag_embed()


class CumulativeDistributionTransform(Transform):
    """CumulativeDistributionTransform(distribution, cache_size=0): ``y = distribution.cdf(x)`` onto the
    unit interval; inverse ``icdf``; log-det ``distribution.log_prob(x)``."""

    bijective, codomain, sign = True, constraints.unit_interval, 1

    def __init__(self, distribution: Any, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.distribution = distribution

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        """The distribution's support."""
        return self.distribution.support  # type: ignore[no-any-return]

    def with_cache(self, cache_size: int = 1) -> Transform:
        """The same transform with that cache size."""
        return self if self._cache_size == cache_size else \
            CumulativeDistributionTransform(self.distribution, cache_size)

    def _call(self, x: Tensor) -> Tensor:
        return self.distribution.cdf(x)  # type: ignore[no-any-return]

    def _inverse(self, y: Tensor) -> Tensor:
        return self.distribution.icdf(y)  # type: ignore[no-any-return]

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """``distribution.log_prob(x)``."""
        return self.distribution.log_prob(x)  # type: ignore[no-any-return]


class ReshapeTransform(Transform):
    """ReshapeTransform(in_shape, out_shape, cache_size=0): reshapes the rightmost ``in_shape`` dims to
    ``out_shape`` (log-det 0). Raises ValueError when the two hold different numbers of elements."""

    bijective = True

    def __init__(self, in_shape: Sequence[int], out_shape: Sequence[int], cache_size: int = 0) -> None:
        self.in_shape, self.out_shape = tuple(in_shape), tuple(out_shape)
        if math.prod(self.in_shape) != math.prod(self.out_shape):
            raise InvalidParameterError("in_shape, out_shape have different numbers of elements")
        super().__init__(cache_size=cache_size)

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        """The reals over ``len(in_shape)`` dims."""
        return constraints.independent(constraints.real, len(self.in_shape))

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        """The reals over ``len(out_shape)`` dims."""
        return constraints.independent(constraints.real, len(self.out_shape))

    def with_cache(self, cache_size: int = 1) -> Transform:
        """The same transform with that cache size."""
        return self if self._cache_size == cache_size else \
            ReshapeTransform(self.in_shape, self.out_shape, cache_size)

    def _call(self, x: Tensor) -> Tensor:
        return x.reshape((*x.shape[:x.ndim - len(self.in_shape)], *self.out_shape))

    def _inverse(self, y: Tensor) -> Tensor:
        return y.reshape((*y.shape[:y.ndim - len(self.out_shape)], *self.in_shape))

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """Zeros over the batch dims."""
        return x.new_zeros(x.shape[:x.ndim - len(self.in_shape)])

    @staticmethod
    def _swap(shape: Sequence[int], src: tuple[int, ...], dst: tuple[int, ...]) -> tuple[int, ...]:
        if len(shape) < len(src):
            raise InvalidParameterError("Too few dimensions on input")
        cut = len(shape) - len(src)
        if tuple(shape[cut:]) != src:
            raise InvalidParameterError(f"Shape mismatch: expected {tuple(shape[cut:])} but got {src}")
        return (*shape[:cut], *dst)

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """``shape`` with its trailing ``in_shape`` replaced by ``out_shape`` (ValueError otherwise)."""
        return self._swap(shape, self.in_shape, self.out_shape)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """``shape`` with its trailing ``out_shape`` replaced by ``in_shape`` (ValueError otherwise)."""
        return self._swap(shape, self.out_shape, self.in_shape)


class CorrCholeskyTransform(Transform):
    """Real vectors of length D(D-1)/2 to Cholesky factors of D x D correlation matrices (unit-norm rows,
    positive diagonal): tanh to (-1, 1), then stick breaking along each row, as PyTorch's."""

    domain, codomain, bijective = constraints.real_vector, constraints.corr_cholesky, True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CorrCholeskyTransform)

    def _call(self, x: Tensor) -> Tensor:
        from minigrad.distributions.utils import vec_to_tril_matrix
        from minigrad.nn.functional import pad

        eps = finfo(x.dtype).eps
        r = vec_to_tril_matrix(x.tanh().clamp(min=-1 + eps, max=1 - eps), diag=-1)
        rest = (1 - r**2).sqrt().cumprod(-1)
        eye = x.new_tensor(np.eye(r.shape[-1]))
        return (r + eye) * pad(rest[..., :-1], [1, 0], value=1.0)

    def _inverse(self, y: Tensor) -> Tensor:
        from minigrad.distributions.utils import tril_matrix_to_vec
        from minigrad.nn.functional import pad

        left = 1 - (y * y).cumsum(-1)
        shifted = pad(left[..., :-1], [1, 0], value=1.0)
        t = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(shifted, diag=-1).sqrt()
        return (t.log1p() - (-t).log1p()) / 2

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """The stick-breaking part ``sum(log(1 - cumsum(y^2)))/2`` below the first subdiagonal plus the
        tanh part ``-2 sum(x + softplus(-2x) - log 2)``."""
        from minigrad.distributions.utils import tril_matrix_to_vec

        left = tril_matrix_to_vec(1 - (y * y).cumsum(-1), diag=-2)
        return 0.5 * left.log().sum(-1) - 2 * (x + softplus(-2 * x) - math.log(2.0)).sum(-1)

    def forward_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """(..., D(D-1)/2) to (..., D, D); ValueError for a length that is no such number."""
        if len(shape) < 1:
            raise InvalidParameterError("Too few dimensions on input")
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise InvalidParameterError("Input is not a flattened lower-diagonal number")
        return (*shape[:-1], d, d)

    def inverse_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """(..., D, D) to (..., D(D-1)/2); ValueError unless square."""
        if len(shape) < 2:
            raise InvalidParameterError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise InvalidParameterError("Input is not square")
        return (*shape[:-2], shape[-1] * (shape[-1] - 1) // 2)


class PositiveDefiniteTransform(Transform):
    """Square matrices to positive-definite ones: ``L L^T`` for L = LowerCholeskyTransform()(x)."""

    domain, codomain = constraints.independent(constraints.real, 2), constraints.positive_definite

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PositiveDefiniteTransform)

    def _call(self, x: Tensor) -> Tensor:
        low = LowerCholeskyTransform()(x)
        return low @ low.mT

    def _inverse(self, y: Tensor) -> Tensor:
        from minigrad import linalg

        return LowerCholeskyTransform().inv(linalg.cholesky(y))


class CatTransform(Transform):
    """CatTransform(tseq, dim=0, lengths=None, cache_size=0): each transform applied to its slice
    (``lengths[i]`` long, default 1) along ``dim``, the results concatenated."""

    def __init__(self, tseq: Sequence[Transform], dim: int = 0, lengths: Sequence[int] | None = None,
                 cache_size: int = 0) -> None:
        if not all(isinstance(t, Transform) for t in tseq):
            raise InvalidParameterError("All elements of tseq must be Transform instances")
        super().__init__(cache_size=cache_size)
        self.transforms = [t.with_cache(cache_size) for t in tseq] if cache_size else list(tseq)
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.transforms)
        if len(self.lengths) != len(self.transforms):
            raise InvalidParameterError(f"lengths ({len(self.lengths)}) must match transforms "
                                        f"({len(self.transforms)})")
        self.dim = dim

    @property
    def event_dim(self) -> int:
        """The largest event dim of the parts."""
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self) -> int:
        """The total length along ``dim``."""
        return sum(self.lengths)

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        """Whether every part is."""
        return all(t.bijective for t in self.transforms)

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        """The parts' domains, concatenated."""
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        """The parts' codomains, concatenated."""
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)

    def with_cache(self, cache_size: int = 1) -> Transform:
        """The same transform with that cache size."""
        return self if self._cache_size == cache_size else \
            CatTransform(self.transforms, self.dim, self.lengths, cache_size)

    def _pieces(self, t: Tensor) -> list[Tensor]:
        if t.shape[self.dim] != self.length:
            raise InvalidParameterError(f"size {t.shape[self.dim]} along dim {self.dim} must equal length "
                                        f"{self.length}")
        out, start = [], 0
        for n in self.lengths:
            out.append(t.narrow(self.dim, start, n))
            start += n
        return out

    def _call(self, x: Tensor) -> Tensor:
        from minigrad.tensor import cat

        return cat([t(p) for t, p in zip(self.transforms, self._pieces(x))], self.dim)

    def _inverse(self, y: Tensor) -> Tensor:
        from minigrad.tensor import cat

        return cat([t.inv(p) for t, p in zip(self.transforms, self._pieces(y))], self.dim)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """The parts' log-dets, concatenated along ``dim`` (summed when ``dim`` is inside the event)."""
        from minigrad.tensor import cat

        parts = [_sum_rightmost(t.log_abs_det_jacobian(a, b), self.event_dim - t.event_dim)
                 for t, a, b in zip(self.transforms, self._pieces(x), self._pieces(y))]
        dim = (self.dim - x.ndim if self.dim >= 0 else self.dim) + self.event_dim
        if dim < 0:
            return cat(parts, dim)
        total: Tensor = parts[0]
        for p in parts[1:]:
            total = total + p
        return total


class StackTransform(Transform):
    """StackTransform(tseq, dim=0, cache_size=0): the i-th transform applied to index i along ``dim``,
    the results stacked."""

    def __init__(self, tseq: Sequence[Transform], dim: int = 0, cache_size: int = 0) -> None:
        if not all(isinstance(t, Transform) for t in tseq):
            raise InvalidParameterError("All elements of tseq must be Transform instances")
        super().__init__(cache_size=cache_size)
        self.transforms = [t.with_cache(cache_size) for t in tseq] if cache_size else list(tseq)
        self.dim = dim

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        """Whether every part is."""
        return all(t.bijective for t in self.transforms)

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        """The parts' domains, stacked."""
        return constraints.stack([t.domain for t in self.transforms], self.dim)

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        """The parts' codomains, stacked."""
        return constraints.stack([t.codomain for t in self.transforms], self.dim)

    def with_cache(self, cache_size: int = 1) -> Transform:
        """The same transform with that cache size."""
        return self if self._cache_size == cache_size else \
            StackTransform(self.transforms, self.dim, cache_size)

    def _slices(self, t: Tensor) -> list[Tensor]:
        if t.shape[self.dim] != len(self.transforms):
            raise InvalidParameterError(f"size {t.shape[self.dim]} along dim {self.dim} must equal "
                                        f"len(transforms) {len(self.transforms)}")
        return [t.select(self.dim, i) for i in range(t.shape[self.dim])]

    def _call(self, x: Tensor) -> Tensor:
        from minigrad.tensor import stack

        return stack([t(p) for t, p in zip(self.transforms, self._slices(x))], self.dim)

    def _inverse(self, y: Tensor) -> Tensor:
        from minigrad.tensor import stack

        return stack([t.inv(p) for t, p in zip(self.transforms, self._slices(y))], self.dim)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """The parts' log-dets, stacked along ``dim``."""
        from minigrad.tensor import stack

        return stack([t.log_abs_det_jacobian(a, b) for t, a, b in
                      zip(self.transforms, self._slices(x), self._slices(y))], self.dim)
