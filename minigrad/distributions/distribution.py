"""The base class of the distributions and the helpers they share."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Sequence
from numbers import Number
from typing import Any, ClassVar

import numpy as np

from minigrad.default_dtype import get_default_dtype
from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.grad_mode import no_grad
from minigrad.size import Size
from minigrad.tensor import Tensor, from_numpy, tensor

__all__ = ["Distribution"]

Shape = Sequence[int]


def as_shape(sample_shape: Shape | int) -> tuple[int, ...]:
    """``sample_shape`` as a tuple (PyTorch also takes a bare int).

    Raises:
        InvalidParameterError: a negative size (PyTorch's RuntimeError, its words for the empty tensor it
            would make).
    """
    shape = (int(sample_shape),) if isinstance(sample_shape, (int, np.integer)) else tuple(sample_shape)
    for n in shape:
        if n < 0:
            raise InvalidParameterError(f"Trying to create tensor with negative dimension {n}: {list(shape)} "
                                        "(sample_shape)")
    return shape


def as_tensor(value: Any, like: Tensor | None = None) -> Tensor:
    """A Tensor for ``value``; Python numbers get ``like``'s dtype, or the default float dtype."""
    if isinstance(value, Tensor):
        return value
    dtype = like.dtype if like is not None and like.dtype.kind == "f" else get_default_dtype()
    return tensor(value, dtype=dtype)


def broadcast_all(*values: Any) -> list[Tensor]:
    """The values as Tensors expanded to their common broadcast shape, as ``torch.distributions.utils``.

    Numbers take the dtype of the first Tensor argument (else the default float dtype).
    Raises ValueError (a ShapeError) when the shapes do not broadcast, and an InvalidParameterError (a
    ValueError, as PyTorch's) for a value that is neither a Tensor nor a number.
    """
    if not all(isinstance(v, (Tensor, Number)) for v in values):  # (a list, a string, None: PyTorch's check)
        raise InvalidParameterError("Input arguments must all be instances of Number, torch.Tensor or "
                                    "objects implementing __torch_function__.")
    like = next((v for v in values if isinstance(v, Tensor)), None)
    ts = [as_tensor(v, like) for v in values]
    shape: tuple[int, ...] = ()
    for t in ts:  # pairwise, naming the first mismatch as PyTorch's broadcast does
        shape = _broadcast_pair(shape, tuple(t.shape))
    return [t if t.shape == shape else t.expand(tuple(shape)) for t in ts]


def _broadcast_pair(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    n = max(len(a), len(b))
    a1, b1 = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    for i in reversed(range(n)):
        if a1[i] != b1[i] and a1[i] != 1 and b1[i] != 1:
            raise ShapeError(f"The size of tensor a ({a1[i]}) must match the size of tensor b ({b1[i]}) at "
                             f"non-singleton dimension {i}")
    return tuple(x if x != 1 else y for x, y in zip(a1, b1))


def _batched(shape: Sequence[int], batch: tuple[int, ...]) -> bool:
    return len(shape) >= len(batch) and tuple(shape[:len(batch)]) == batch


class Distribution:
    """A batch of probability distributions of shape ``batch_shape``, each over events of ``event_shape``.

    Subclasses set the two shapes and implement what they support; the rest
    raise NotImplementedError as in PyTorch. ``validate_args`` (default: the
    class-wide setting, on) checks parameters at construction and values in
    ``log_prob``, raising ValueError.
    """

    has_rsample = False
    has_enumerate_support = False
    # the class-wide default (PyTorch's name and place: libraries such as pyro read and patch it); an
    # instance given validate_args= holds its own
    _validate_args: bool = __debug__
    _lazy_params: ClassVar[tuple[str, ...]] = ()  # parameters computed on first use, not validated before
    arg_constraints: ClassVar[dict[str, Any]] = {}

    def __init__(self, batch_shape: Shape = (), event_shape: Shape = (),
                 validate_args: bool | None = None) -> None:
        self._batch_shape = tuple(batch_shape)
        self._event_shape = tuple(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            # a subclass that set none: PyTorch's base raises NotImplementedError there, its constructor warns
            if type(self).arg_constraints is Distribution.arg_constraints:
                warnings.warn(f"{type(self)} does not define `arg_constraints`. Please set "
                              "`arg_constraints = {}` or initialize the distribution with "
                              "`validate_args=False` to turn off validation.", UserWarning, stacklevel=2)
            self._validate_params()
        # (PyTorch's last step: the next class's __init__, so a Distribution + Module class such as gpytorch's
        # Prior gets its module state from Distribution.__init__ alone)
        super().__init__()

    def _validate_params(self) -> None:
        # parameters given (stored in __dict__, or as ``_name`` behind a lazy property) are checked
        # against ``arg_constraints``; dependent constraints cannot be checked, as in PyTorch
        for name, constraint in self.arg_constraints.items():
            if getattr(constraint, "is_dependent", False):
                continue
            if name in self.__dict__:
                value = self.__dict__[name]
            elif "_" + name in self.__dict__:
                value = self.__dict__["_" + name]  # None: a lazy parameter not given
            elif name in self._lazy_params:
                continue  # not computed yet: PyTorch skips a lazy property it has not cached
            else:
                value = getattr(self, name, None)
            if not isinstance(value, Tensor):
                continue
            with no_grad():
                valid = bool(constraint.check(value).all().item())
            if not valid:
                raise InvalidParameterError(
                    f"Expected parameter {name} ({type(value).__name__} of shape {tuple(value.shape)}) of "
                    f"distribution {self!r} to satisfy the constraint {constraint!r}, but found invalid "
                    f"values:\n{value}")

    def _validate_sample(self, value: Any) -> None:
        """Raise ValueError (as PyTorch) when ``value`` is not a Tensor, does not broadcast with
        ``batch_shape + event_shape`` or lies outside the support."""
        if not isinstance(value, Tensor):
            raise InvalidParameterError("The value argument to log_prob must be a Tensor")
        n = len(self._event_shape)
        if tuple(value.shape[value.ndim - n:]) != self._event_shape:
            raise InvalidParameterError(f"The right-most size of value must match event_shape: "
                                        f"{Size(value.shape)} vs {Size(self._event_shape)}.")
        expected = self._batch_shape + self._event_shape
        for i, j in zip(reversed(value.shape), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise InvalidParameterError(f"Value is not broadcastable with batch_shape+event_shape: "
                                            f"{Size(value.shape)} vs {Size(expected)}.")
        support = self.support
        with no_grad():
            valid = bool(support.check(value).all().item())
        if not valid:
            raise InvalidParameterError(
                f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be "
                f"within the support ({support!r}) of the distribution {self!r}, but found invalid "
                f"values:\n{value}")

    def _checked(self, value: Any, like: Tensor | None = None) -> Tensor:
        """``value`` as a Tensor (numbers in ``like``'s dtype), checked by :meth:`_validate_sample` when
        this distribution validates (which refuses what is no Tensor, a Python number too, as PyTorch's)."""
        if self._validate_args:
            self._validate_sample(value)
        return as_tensor(value, like)

    def expand(self, batch_shape: Shape, _instance: Any = None) -> Distribution:
        """This distribution with its parameters expanded (broadcast, no copy) to ``batch_shape``.

        Every Tensor attribute whose leading dims are the batch shape, and every inner distribution
        batched like this one, is expanded; the new distribution shares the validation setting.
        Raises ValueError (a ShapeError) when the batch shape does not broadcast to ``batch_shape``.
        """
        new_batch = tuple(int(n) for n in batch_shape)
        old, k = self._batch_shape, len(self._batch_shape)
        if len(new_batch) < k or any(o != 1 and o != n for o, n in zip(reversed(old), reversed(new_batch))):
            from_numpy(np.zeros(old)).expand(new_batch)  # raises PyTorch's words for the parameters' expand
            raise ShapeError(f"{type(self).__name__}.expand: batch shape {Size(old)} cannot be expanded to "
                             f"{Size(new_batch)}")
        new = copy.copy(self) if _instance is None else _instance
        # A subclass's expand may hand a bare instance (zuko's DiagNormal.expand passes
        # _get_checked_instance's object up): it gets this one's attributes, as copy.copy would
        # give, except those the subclass already set on it.
        preset = set() if _instance is None else set(new.__dict__)
        for name, value in self.__dict__.items():
            new.__dict__.setdefault(name, value)
        for name, value in self.__dict__.items():
            if name.startswith("_unbroadcasted") or name in preset:
                continue  # kept unbroadcasted on purpose (MultivariateNormal's factor)
            if isinstance(value, Tensor) and _batched(value.shape, self._batch_shape):
                new.__dict__[name] = value.expand((*new_batch, *value.shape[len(self._batch_shape):]))
            elif isinstance(value, Distribution) and _batched(value._batch_shape, self._batch_shape):
                new.__dict__[name] = value.expand(new_batch + value._batch_shape[len(self._batch_shape):])
        new._batch_shape = new_batch
        new._validate_args = self._validate_args  # (its own from now on, as PyTorch's expands set it)
        return new

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for every distribution not given its own ``validate_args``
        (those made before too, as PyTorch: they read the class-wide ``Distribution._validate_args``).

        Raises:
            InvalidParameterError: ``value`` is not a bool (PyTorch's ValueError).
        """
        if value not in (True, False):
            raise InvalidParameterError(f"set_default_validate_args expects a bool, got {value!r}")
        Distribution._validate_args = value

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
        """Samples of shape ``sample_shape + batch_shape + event_shape``; no gradient flows. As PyTorch's
        base class: :meth:`rsample` without recording (a subclass giving only rsample can sample)."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Shape | int = ()) -> Tensor:
        """Reparameterized samples (gradients flow to the parameters), where supported."""
        raise NotImplementedError(f"{type(self).__name__} does not implement rsample")

    def sample_n(self, n: int) -> Tensor:
        """``n`` samples: ``sample((n,))``, with PyTorch's FutureWarning."""
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.", FutureWarning,
                      stacklevel=2)
        return self.sample((n,))

    def _get_checked_instance(self, cls: type, _instance: Any = None) -> Any:
        """The instance a subclass's ``expand`` fills (PyTorch's helper): ``_instance``, else a bare new
        object of this class. Raises NotImplementedError for a subclass with its own ``__init__`` that
        left ``expand`` to ``cls``."""
        if _instance is None and type(self).__init__ != cls.__init__:  # type: ignore[misc]
            raise NotImplementedError(
                f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom __init__ method "
                "must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def log_prob(self, value: Tensor) -> Tensor:
        """The log of the probability density/mass at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement log_prob")

    def cdf(self, value: Tensor) -> Tensor:
        """The cumulative distribution function at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value: Tensor) -> Tensor:
        """The inverse cumulative distribution function at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """Every value of a discrete support, along a new leading dim (``has_enumerate_support``)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement enumerate_support")

    def entropy(self) -> Tensor:
        """The entropy of each distribution in the batch (in nats)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy")

    def perplexity(self) -> Tensor:
        """``exp(entropy())``."""
        return self.entropy().exp()

    def _extended_shape(self, sample_shape: Shape | int = ()) -> Size:
        # (a Size, as PyTorch's: botorch's sample_all_priors asks it for numel())
        return Size(as_shape(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _check(self, ok: bool, what: str) -> None:
        if self._validate_args and not ok:
            raise InvalidParameterError(f"{type(self).__name__}: {what}")

    def __repr__(self) -> str:
        # PyTorch's: a one-element parameter by value (a 0-d one as a number), a larger one by shape
        values = [(k, getattr(self, k)) for k in self._param_names()]
        params = ", ".join(f"{k}: {(v.item() if v.ndim == 0 else v) if v.numel() == 1 else v.shape}"
                           for k, v in values)
        return f"{type(self).__name__}({params})"

    def _param_names(self) -> tuple[str, ...]:
        return tuple(k for k in self.arg_constraints if isinstance(self.__dict__.get(k), Tensor))
