"""The base class of the distributions and the helpers they share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad.default_dtype import get_default_dtype
from minigrad.errors import InvalidParameterError
from minigrad.size import Size
from minigrad.tensor import Tensor, tensor

__all__ = ["Distribution"]

Shape = Sequence[int]


def as_shape(sample_shape: Shape | int) -> tuple[int, ...]:
    """``sample_shape`` as a tuple (PyTorch also takes a bare int)."""
    return (int(sample_shape),) if isinstance(sample_shape, (int, np.integer)) else tuple(sample_shape)


def as_tensor(value: Any, like: Tensor | None = None) -> Tensor:
    """A Tensor for ``value``; Python numbers get ``like``'s dtype, or the default float dtype."""
    if isinstance(value, Tensor):
        return value
    dtype = like.dtype if like is not None and like.dtype.kind == "f" else get_default_dtype()
    return tensor(value, dtype=dtype)


def broadcast_all(*values: Any) -> list[Tensor]:
    """The values as Tensors expanded to their common broadcast shape, as ``torch.distributions.utils``.

    Numbers take the dtype of the first Tensor argument (else the default float dtype).
    Raises ValueError (a ShapeError) when the shapes do not broadcast.
    """
    like = next((v for v in values if isinstance(v, Tensor)), None)
    ts = [as_tensor(v, like) for v in values]
    shape = np.broadcast_shapes(*(t.shape for t in ts))
    return [t if t.shape == shape else t.expand(*shape) for t in ts]


class Distribution:
    """A batch of probability distributions of shape ``batch_shape``, each over events of ``event_shape``.

    Subclasses set the two shapes and implement what they support; the rest
    raise NotImplementedError as in PyTorch. ``validate_args`` (default: the
    class-wide setting, on) checks parameters at construction and values in
    ``log_prob``, raising ValueError.
    """

    has_rsample = False
    _validate_default = True

    def __init__(self, batch_shape: Shape = (), event_shape: Shape = (),
                 validate_args: bool | None = None) -> None:
        self._batch_shape = tuple(batch_shape)
        self._event_shape = tuple(event_shape)
        self._validate_args = self._validate_default if validate_args is None else bool(validate_args)

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for every distribution made afterwards."""
        if value not in (True, False):
            raise InvalidParameterError(f"set_default_validate_args expects a bool, got {value!r}")
        Distribution._validate_default = value

    @property
    def batch_shape(self) -> Size:
        """The shape over which parameters are batched (a ``Size``, as ``torch.Size``)."""
        return Size(self._batch_shape)

    @property
    def event_shape(self) -> Size:
        """The shape of a single sample (without batching; a ``Size``)."""
        return Size(self._event_shape)

    @property
    def support(self) -> Any:
        """The set the samples lie in, a ``constraints.Constraint``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement support")

    @property
    def mean(self) -> Tensor:
        """The mean of each distribution in the batch."""
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def mode(self) -> Tensor:
        """The mode of each distribution in the batch."""
        raise NotImplementedError(f"{type(self).__name__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        """The variance of each distribution in the batch."""
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def stddev(self) -> Tensor:
        """The standard deviation: the square root of :attr:`variance`."""
        return self.variance.sqrt()

    def sample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape + event_shape``; no gradient flows."""
        raise NotImplementedError(f"{type(self).__name__} does not implement sample")

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Reparameterized samples (gradients flow to the parameters), where supported."""
        raise NotImplementedError(f"{type(self).__name__} does not implement rsample")

    def sample_n(self, n: int) -> Tensor:
        """``n`` samples: ``sample((n,))``."""
        return self.sample((n,))

    def log_prob(self, value: Tensor) -> Tensor:
        """The log of the probability density/mass at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement log_prob")

    def cdf(self, value: Tensor) -> Tensor:
        """The cumulative distribution function at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value: Tensor) -> Tensor:
        """The inverse cumulative distribution function at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf")

    def entropy(self) -> Tensor:
        """The entropy of each distribution in the batch (in nats)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy")

    def perplexity(self) -> Tensor:
        """``exp(entropy())``."""
        return self.entropy().exp()

    def _extended_shape(self, sample_shape: Shape | int = ()) -> tuple[int, ...]:
        return as_shape(sample_shape) + self._batch_shape + self._event_shape

    def _check(self, ok: bool, what: str) -> None:
        if self._validate_args and not ok:
            raise InvalidParameterError(f"{type(self).__name__}: {what}")

    def __repr__(self) -> str:
        params = ", ".join(f"{k}: {getattr(self, k).shape}" for k in self._param_names())
        return f"{type(self).__name__}({params})"

    def _param_names(self) -> tuple[str, ...]:
        return ()
