"""``quantile`` and ``nanquantile``, computed as PyTorch computes them.

Along the reduced dim each slice of n values is stably sorted, nan last. The
q-th quantile sits at rank ``q * (n - 1)`` in it (``nanquantile``: ``q *
(count of non-nan - 1)``, and rank 0 when all are nan; ``quantile``: the last
rank, a nan, when a nan is present), in the input's dtype. The interpolation
turns the rank into the sorted values it reads: ``lower``/``higher``/``nearest``
one (floor, ceil, round half to even), ``linear``/``midpoint`` the two around
it, mixed with ``lerp`` (weight rank - floor(rank), or 0.5).

The ranks and positions are numpy index work; the values are gathered from
the input and mixed with ``lerp``, so gradients come from the Gather and Lerp
primitives: to the one or two elements read (ties go to the element the
stable sort puts there, as in PyTorch), and through the linear weight to a
``q`` tensor that requires grad.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from minigrad import reductions
from minigrad._tensor_methods import dim_aliases, provide
from minigrad.errors import DTypeError, InvalidParameterError, MinigradError, ShapeError
from minigrad.pointwise import lerp
from minigrad.selection import gather
from minigrad.shapes import norm_dim
from minigrad.tensor import Tensor, _named, float32, float64, from_numpy, int64, where

__all__ = ["nanquantile", "quantile"]

INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


@dim_aliases
def quantile(input: Tensor, q: float | Tensor, dim: int | None = None, keepdim: bool = False, *,  # noqa: A002
             interpolation: str = "linear") -> Tensor:
    """The ``q``-th quantiles of ``input`` along ``dim`` (of all elements when None), as ``torch.quantile``.

    ``q`` is a number or a 0-d/1-D tensor of ``input``'s dtype, in [0, 1]; a
    1-D ``q`` puts a leading dim of ``len(q)`` on the result. ``keepdim`` keeps
    the reduced dim (every dim when ``dim`` is None) with size 1.
    ``interpolation`` is ``'linear'``, ``'lower'``, ``'higher'``, ``'midpoint'``
    or ``'nearest'`` (round half to even). A slice holding a nan gives nan.

    Raises:
        InvalidParameterError: q outside [0, 1], or an unknown interpolation.
        MinigradError: ``input`` is empty.
        ShapeError: ``q`` has more than one dim.
        DTypeError: ``input`` is not float32/float64, or ``q`` has another dtype.
        DimensionError: ``dim`` out of range.
        TypeError: arguments of the wrong type (a list as ``q``, a tuple as ``dim``).
    """
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)


@dim_aliases
def nanquantile(input: Tensor, q: float | Tensor, dim: int | None = None, keepdim: bool = False, *,  # noqa: A002
                interpolation: str = "linear") -> Tensor:
    """:func:`quantile` ignoring nan: each slice's quantiles of its non-nan values (nan if all are nan).

    Raises:
        As :func:`quantile`.
    """
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)


def _check(input: Any, q: Any, dim: Any, keepdim: Any, interpolation: Any) -> None:  # noqa: A002
    """PyTorch's argument checks, in its order."""
    if not isinstance(input, Tensor):
        raise TypeError(f"quantile(): argument 'input' must be Tensor, not {type(input).__name__}")
    if not isinstance(q, (Tensor, int, float, np.integer, np.floating)):
        raise TypeError(f"quantile(): argument 'q' must be a float or a Tensor, not {type(q).__name__}")
    if dim is not None and (not isinstance(dim, (int, np.integer)) or isinstance(dim, bool)):
        raise TypeError(f"quantile(): argument 'dim' must be int, not {type(dim).__name__}")
    if not isinstance(keepdim, bool):
        raise TypeError(f"quantile(): argument 'keepdim' must be bool, not {type(keepdim).__name__}")
    if not isinstance(interpolation, str):
        raise TypeError("quantile(): argument 'interpolation' must be str, not "
                        f"{type(interpolation).__name__}")
    if not isinstance(q, Tensor) and not 0 <= float(q) <= 1:
        raise InvalidParameterError(f"quantile() q must be in the range [0, 1] but got {float(q)}")
    if interpolation not in INTERPOLATIONS:
        raise InvalidParameterError("quantile() interpolation must be one of linear, lower, higher, midpoint "
                                    f"or nearest, but got {interpolation}")
    if input.numel() == 0:
        raise MinigradError("quantile() input tensor must be non-empty")
    if isinstance(q, Tensor) and q.ndim > 1:
        raise ShapeError(f"quantile() q must be a scalar or 1D tensor, got shape {q.shape}")
    if input.dtype not in (float32, float64):
        raise DTypeError(f"quantile() input tensor must be either float or double dtype (got {input.dtype})")
    if isinstance(q, Tensor) and q.dtype != input.dtype:
        raise DTypeError(f"quantile() q tensor must be same dtype as the input tensor ({input.dtype}), got "
                         f"{q.dtype}")
    if dim is not None:
        norm_dim(int(dim), input.ndim)
    if isinstance(q, Tensor) and not np.all((q.numpy(force=True) >= 0) & (q.numpy(force=True) <= 1)):
        raise InvalidParameterError("quantile() q values must be in the range [0, 1]")


def _quantile(input: Tensor, q: float | Tensor, dim: int | None, keepdim: bool,  # noqa: A002
              interpolation: str, ignore_nan: bool) -> Tensor:
    _check(input, q, dim, keepdim, interpolation)
    dt = input.dtype
    d = None if dim is None else norm_dim(int(dim), input.ndim)
    x = input.reshape(-1) if d is None or input.ndim == 0 else input.movedim(d, -1)
    n = x.shape[-1]
    rows = x.reshape(-1, n)  # one slice per row
    a = rows.numpy(force=True)
    order = np.argsort(a, axis=1, kind="stable")  # nan sorts last, as in PyTorch
    if n > 16:  # PyTorch sorts unstably: which of tied values gets the gradient is std::sort's order
        order = reductions._tied_sorted_as_torch(a, order, 1, False)
    nan = np.isnan(a)
    q_t = q if isinstance(q, Tensor) else from_numpy(np.asarray(q, dtype=dt))
    # ranks in the input's dtype, as a tensor so a linear weight carries q's gradient
    if ignore_nan:
        last = (n - 1 - nan.sum(axis=1, keepdims=True)).astype(dt)
        ranks_t = q_t.reshape(1, -1) * from_numpy(last)
        ranks_t = where(ranks_t.numpy(force=True) < 0, 0.0, ranks_t)  # all nan: read the first (a nan)
    else:
        ranks_t = q_t.reshape(1, -1) * from_numpy(np.asarray(n - 1, dtype=dt))
        has_nan = np.asarray(nan.any(axis=1, keepdims=True))
        ranks_t = where(has_nan, float(n - 1), ranks_t)  # a nan: read the last (a nan)
    ranks = np.broadcast_to(ranks_t.numpy(force=True), (a.shape[0], ranks_t.shape[1]))
    rounding: dict[str, Any] = {"lower": np.floor, "higher": np.ceil, "nearest": np.round}  # half to even
    pos = rounding[interpolation](ranks) if interpolation in rounding else ranks
    below = pos.astype(int64)  # ranks are >= 0: truncation is floor
    values = gather(rows, 1, np.take_along_axis(order, below, axis=1))
    if interpolation in ("linear", "midpoint"):
        above = gather(rows, 1, np.take_along_axis(order, np.ceil(ranks).astype(int64), axis=1))
        weight = (ranks_t - from_numpy(below.astype(dt)) if interpolation == "linear"
                  else from_numpy(np.full(ranks.shape, 0.5, dtype=dt)))
        values = lerp(values, above, weight)
    if d is None:
        kept: tuple[int, ...] = (1,) * input.ndim if keepdim else ()
    else:
        kept = tuple(1 if keepdim and i == d else s for i, s in enumerate(input.shape) if keepdim or i != d)
    q_dims = (q_t.numel(),) if q_t.ndim == 1 else ()
    # (PyTorch's quantile ends in a squeeze of the dim its sort kept, whatever keepdim: SqueezeBackward4)
    return _named(values.permute(1, 0).reshape(q_dims + kept), input, "SqueezeBackward4")


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
