"""Dropout layers: module state (p, training mode) around the ``F.*dropout*`` functions."""

from __future__ import annotations

from collections.abc import Callable

from minigrad.nn import _checks
from minigrad.nn import functional as F
from minigrad.nn.module import Module
from minigrad.tensor import Tensor

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    """The dropout family's shared state: ``p`` in [0, 1) and PyTorch's ``inplace`` flag.

    Masks come from minigrad's seeded generator (``mg.manual_seed`` reproduces
    them); in eval the input is returned unchanged. ``dropout_rate``
    (read-only) is p. ``inplace=True`` (shown in the repr) multiplies the mask
    into the input in training and returns it, as PyTorch's; the alpha dropouts
    accept it but, as PyTorch's, return a new tensor.

    Raises:
        InvalidParameterError: p not a number in [0, 1) (API.md's rule: ``F.dropout`` and PyTorch's
            layers also take p = 1, all zeros), or a non-bool inplace.
    """

    _fn: Callable[..., Tensor]
    #: False for the alpha dropouts: PyTorch's forward does not pass their ``inplace`` on (a new tensor)
    _passes_inplace = True

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self._p = _checks.layer_probability("p", p)
        self.inplace = _checks.flag("inplace", inplace)

    @property
    def p(self) -> float:
        """The drop probability."""
        return self._p

    @p.setter
    def p(self, value: float) -> None:
        self._p = _checks.layer_probability("p", value)

    @property
    def dropout_rate(self) -> float:
        """The drop probability p (read-only)."""
        return self._p

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        """Masked and rescaled input in training, the input itself in eval (``inplace``: into the input)."""
        if self.inplace and self._passes_inplace:
            return type(self)._fn(input, self._p, self.training, True)
        return type(self)._fn(input, self._p, self.training)

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr."""
        return f"p={self._p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Inverted dropout: in training, zero each element with probability p, scale the rest by 1/(1-p).

    Any shape; the output has the input's shape.

    Args:
        p: drop probability, a number with 0 <= p < 1.
        inplace: in training, multiply the mask into the input and return it (``F.dropout``'s).

    Raises:
        InvalidParameterError: p not a number in [0, 1), or a non-bool inplace.
    """

    _fn = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """In training, zero whole channels of (N, C, L) or (C, L) inputs with probability p; scale the rest.

    Raises:
        InvalidParameterError: p not a number in [0, 1), or a non-bool inplace.
        ShapeError (call): the input is not 2-D or 3-D.
    """

    _fn = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """In training, zero whole channels of (N, C, H, W) inputs with probability p; scale the rest.

    A 3-D input is read as (N, C, L), with PyTorch's warning.

    Raises:
        InvalidParameterError: p not a number in [0, 1), or a non-bool inplace.
    """

    _fn = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """In training, zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability p.

    Raises:
        InvalidParameterError: p not a number in [0, 1), or a non-bool inplace.
    """

    _fn = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Alpha dropout for SELU networks: dropped elements take SELU's saturation value and an
    affine map keeps zero mean and unit variance. Any shape.

    Raises:
        InvalidParameterError: p not a number in [0, 1), or a non-bool inplace.
    """

    _fn = staticmethod(F.alpha_dropout)
    _passes_inplace = False


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels of (N, C, *) inputs.

    Raises:
        InvalidParameterError: p not a number in [0, 1), or a non-bool inplace.
        ShapeError (call): the input has fewer than 2 dims.
    """

    _fn = staticmethod(F.feature_alpha_dropout)
    _passes_inplace = False
