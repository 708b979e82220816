"""Dropout as functions: elementwise (``dropout``), whole channels (``dropout1d/2d/3d``) and SELU-preserving
(``alpha_dropout``, ``feature_alpha_dropout``).

Masks are drawn from minigrad's seeded generator (``mg.manual_seed``
reproduces them) and multiply the input as constants, so the gradient is the
same mask. With ``training=False`` or ``p == 0`` the input is returned as it is.
``inplace=True`` multiplies the input in place (``mul_``, then ``add_`` for alpha
dropout) and returns it, as PyTorch's ``dropout_``: recorded in the graph as those
in-place ops, an error on a leaf that requires grad outside ``no_grad``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from minigrad import _draws
from minigrad.dtypes import scalar_type_name
from minigrad.errors import DTypeError, ShapeError, bool_args, public_stacklevel
from minigrad.memory_formats import draw_laid_out
from minigrad.nn import _checks
from minigrad.nn.functional.activation import SELU_ALPHA, SELU_SCALE
from minigrad.random import default_generator, pytorch_dropout_masks
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["alpha_dropout", "dropout", "dropout1d", "dropout2d", "dropout3d", "feature_alpha_dropout"]

# alpha' = -scale * alpha: the value SELU tends to for very negative inputs, which alpha dropout sets
_ALPHA_PRIME = SELU_ALPHA * SELU_SCALE


def _keep(shape: tuple[int, ...], p: float) -> Array:
    """Keep mask of ``shape``: each entry kept with probability 1 - p.

    From the generator's fast mask stream: an entry is kept when 32 random bits reach p * 2**32
    (P(keep) = 1 - p to within 2**-32), two masks per 64-bit draw. With
    ``minigrad.random.use_pytorch_dropout_masks()`` PyTorch's ``bernoulli_(1 - p)`` on the main
    stream instead, so a seeded run drops what PyTorch drops.
    """
    if pytorch_dropout_masks():
        return _draws.bernoulli(default_generator, shape, 1.0 - p)
    n = math.prod(shape)
    bits = default_generator.masks.np.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]
    return (bits >= np.uint32(min(round(p * 2.0**32), 2**32 - 1))).reshape(shape)  # type: ignore[no-any-return]


def _scaled_mask(shape: tuple[int, ...], p: float, dt: np.dtype[np.floating]) -> Array:
    """keep / (1 - p) in ``dt``, as PyTorch computes it."""
    return np.divide(_keep(shape, p), dt.type(1.0 - p), dtype=dt)  # type: ignore[no-any-return]


def _float_dtype(input: Tensor) -> np.dtype[np.floating]:  # noqa: A002
    return input.dtype if input.dtype.kind == "f" else np.dtype(np.float32)


def _mask_dtype(input: Tensor) -> np.dtype[np.floating]:  # noqa: A002
    """The dtype of the scaled mask for ``input``: PyTorch's float mask cannot be multiplied into an integer
    or bool input in its dtype, its RuntimeError (numpy would promote silently to a float result)."""
    if input.dtype.kind not in "fc":
        raise DTypeError(f"result type Float can't be cast to the desired output type "
                         f"{scalar_type_name(input.dtype)}")
    return _float_dtype(input)


def _all_dropped(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """p = 1: input * 0, as PyTorch (zeros, NaN kept, a zero gradient), with no 1 / (1 - p); the zero is of
    the input's dtype, so an integer or bool input keeps its dtype."""
    zero = from_numpy(np.zeros((), input._array.dtype))
    return input.mul_(zero) if inplace else input * zero


@bool_args("training")
def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1-p).

    Output has the input's shape and dtype; ``inplace=True``: ``input.mul_(mask)``, returning input.

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1].
    """
    p = _checks.probability("p", p)
    _checks.tensor("dropout", input)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _all_dropped(input, inplace)
    dt = _mask_dtype(input)
    # PyTorch's mask is laid out as the input and drawn in memory order (a transposed input's is transposed)
    mask = from_numpy(draw_laid_out(input.numpy(force=True), lambda shape: _scaled_mask(shape, p, dt)))
    return input.mul_(mask) if inplace else input * mask


def dropout_row_major(input: Tensor, p: float) -> Tensor:  # noqa: A002
    """Training-mode :func:`dropout` (0 < p <= 1) whose mask is drawn in row-major order whatever the layout
    of ``input``: for internal results that PyTorch holds in a fresh row-major tensor."""
    if p == 1.0:
        return _all_dropped(input)
    return input * from_numpy(_scaled_mask(input.shape, p, _float_dtype(input)))


def _channel_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The mask shape of feature dropout: one draw per (sample, channel), broadcast over the rest."""
    return shape[:2] + (1,) * (len(shape) - 2)


def _channels(input: Tensor, p: float, training: bool, alpha: bool = False,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """Feature dropout of an (N, C, *) input: one draw per sample and channel (``inplace``: into input)."""
    if not training or p == 0.0:
        return input
    if p == 1.0:  # (before the shape check, as PyTorch's)
        return _all_dropped(input, inplace)
    if input.ndim < 2:
        raise ShapeError(f"Feature dropout requires at least 2 dimensions in the input (feature dropout: "
                         f"expected an input of shape (N, C, *), got {input.shape})")
    shape = _channel_shape(input.shape)
    if alpha:
        return _alpha(input, p, training, shape, inplace)
    mask = from_numpy(_scaled_mask(shape, p, _mask_dtype(input)))
    return input.mul_(mask) if inplace else input * mask


def _batched(input: Tensor, p: float, training: bool, batched_rank: int,  # noqa: A002
             inplace: bool = False) -> Tensor:
    """Channel dropout; an input of a rank other than ``batched_rank`` is one sample (gets a batch dim)."""
    if inplace:
        if input.ndim == batched_rank:
            return _channels(input, p, training, inplace=True)
        # PyTorch's steps, each in place (and counted in the version) even when nothing is dropped:
        # unsqueeze_(0), the dropout, squeeze_(0)
        return _channels(input.unsqueeze_(0), p, training, inplace=True).squeeze_(0)
    if input.ndim != batched_rank and training and p > 0:
        return _channels(input.unsqueeze(0), p, training).squeeze(0)
    return _channels(input, p, training)


@bool_args("training")
def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero whole channels of an (N, C, L) or (C, L) input with probability ``p``, scale the rest by 1/(1-p).

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1].
        ShapeError: the input is not 2-D or 3-D.
    """
    p = _checks.probability("p", p)
    if _checks.tensor("dropout1d", input).ndim not in (2, 3):
        raise ShapeError(  # (PyTorch's words)
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that dropout1d "
            "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, "
            "and an optional batch dimension (i.e. 2D or 3D inputs). "
            f"(got shape {input.shape})"
        )
    return _batched(input, p, training, 3, inplace)


@bool_args("training")
def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero whole channels of an (N, C, H, W) input with probability ``p``, scale the rest by 1/(1-p).

    As in PyTorch, a 3-D input is read as (N, C, L) (1-D channel dropout) with a
    warning, and other ranks warn that they are deprecated.

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1].
        ShapeError: the input has fewer than 2 dims.
    """
    p = _checks.probability("p", p)
    ndim = _checks.tensor("dropout2d", input).ndim
    if ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout "
            "instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            UserWarning,
            stacklevel=public_stacklevel(3),  # (the caller, past bool_args's frame: PyTorch's names it)
        )
    if ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
            "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This "
            "behavior will change in a future release to interpret the input as one without a batch "
            "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
            "switch to using dropout1d instead.",
            UserWarning,
            stacklevel=public_stacklevel(3),  # (the caller, past bool_args's frame: PyTorch's names it)
        )
    return _channels(input, p, training, inplace=inplace)


@bool_args("training")
def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero whole channels of an (N, C, D, H, W) or (C, D, H, W) input with probability ``p``.

    Other ranks warn that they are deprecated, as in PyTorch.

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1].
        ShapeError: the input is 0-d.
    """
    p = _checks.probability("p", p)
    ndim = _checks.tensor("dropout3d", input).ndim
    if ndim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {ndim}-D input to dropout3d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout "
            "instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).",
            UserWarning,
            stacklevel=public_stacklevel(3),  # (the caller, past bool_args's frame: PyTorch's names it)
        )
    return _batched(input, p, training, 5, inplace)


def _alpha(input: Tensor, p: float, training: bool, shape: tuple[int, ...],  # noqa: A002
           inplace: bool = False) -> Tensor:
    """x * a * keep + b(keep): dropped entries become SELU's negative saturation, mean and variance kept
    (``inplace``: ``input.mul_(a * keep).add_(b)``, as PyTorch's alpha_dropout_)."""
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _all_dropped(input, inplace)
    dt = _mask_dtype(input)
    keep = _keep(shape, p).astype(dt)
    a = 1.0 / math.sqrt((_ALPHA_PRIME**2 * p + 1) * (1 - p))
    # (in the input's dtype, each step rounded, as PyTorch's (keep - 1) * (alpha * a) + alpha * a * p)
    b = (keep - 1) * dt.type(_ALPHA_PRIME * a) + dt.type(_ALPHA_PRIME * a * p)
    noise = from_numpy(keep * dt.type(a))
    if inplace:
        return input.mul_(noise).add_(from_numpy(b))
    return input * noise + from_numpy(b)


@bool_args("training")
def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:  # noqa: A002
    """Alpha dropout (for SELU networks): dropped elements take SELU's saturation value, then an
    affine map restores zero mean and unit variance. Note PyTorch's default ``training=False``.

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1].
    """
    p = _checks.probability("p", p)
    return _alpha(_checks.tensor("alpha_dropout", input), p, training, input.shape, inplace)


@bool_args("training")
def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,  # noqa: A002
                          inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels of an (N, C, *) input (one draw per sample and channel).

    Raises:
        InvalidParameterError: ``p`` is not a number in [0, 1].
        ShapeError: the input has fewer than 2 dims.
    """
    p = _checks.probability("p", p)
    return _channels(_checks.tensor("feature_alpha_dropout", input), p, training, alpha=True,
                     inplace=inplace)
