"""Variance and standard deviation as functions: ``var``, ``std``, ``var_mean``, ``std_mean`` (as torch's),
and the covariance and correlation matrices ``cov`` and ``corrcoef``.

Each is a thin front over ``Tensor.var`` / ``Tensor.std`` (one ``ops.Var``
primitive) accepting PyTorch's spellings: ``correction=`` (keyword), the
older ``unbiased`` flag (positional after ``dim``, or alone in place of
``dim``: ``torch.var(x, False)``), ``dim`` as an int, a tuple or negative.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence

from minigrad._tensor_methods import dim_aliases, provide
from minigrad.default_dtype import get_default_dtype
from minigrad.dtypes import scalar_type_name
from minigrad.errors import NOT_GIVEN, MinigradError, NotGiven, ShapeError, public_stacklevel
from minigrad.tensor import Tensor, _named

__all__ = ["corrcoef", "cov", "std", "std_mean", "var", "var_mean"]

Dim = int | Sequence[int] | None


@dim_aliases
def var(input: Tensor, dim: Dim | bool = None, unbiased: bool | NotGiven = NOT_GIVEN,  # noqa: A002 - PyTorch's name
        keepdim: bool | NotGiven = NOT_GIVEN, *, correction: float | NotGiven | None = NOT_GIVEN) -> Tensor:
    """Variance of ``input`` over ``dim`` (see :meth:`Tensor.var`: its arguments and errors)."""
    return input._var("var", dim, unbiased, keepdim, correction, True)


@dim_aliases
def std(input: Tensor, dim: Dim | bool = None, unbiased: bool | NotGiven = NOT_GIVEN,  # noqa: A002
        keepdim: bool | NotGiven = NOT_GIVEN, *, correction: float | NotGiven | None = NOT_GIVEN) -> Tensor:
    """Standard deviation of ``input`` over ``dim`` (see :meth:`Tensor.std`)."""
    return input._std("std", dim, unbiased, keepdim, correction, True)


@dim_aliases
def var_mean(input: Tensor, dim: Dim | bool = None, unbiased: bool | NotGiven = NOT_GIVEN,  # noqa: A002
             keepdim: bool | NotGiven = NOT_GIVEN, *,
             correction: float | NotGiven | None = NOT_GIVEN) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` of ``input`` over ``dim``, as ``torch.var_mean``."""
    var = input._var("var_mean", dim, unbiased, keepdim, correction, True)
    mean = input.mean(None if isinstance(dim, bool) else dim, keepdim is True)  # (the arguments passed _var)
    return _named(var, input, "VarMeanBackward0"), _named(mean, input, "VarMeanBackward0")


@dim_aliases
def std_mean(input: Tensor, dim: Dim | bool = None, unbiased: bool | NotGiven = NOT_GIVEN,  # noqa: A002
             keepdim: bool | NotGiven = NOT_GIVEN, *,
             correction: float | NotGiven | None = NOT_GIVEN) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` of ``input`` over ``dim``, as ``torch.std_mean``."""
    std = input._std("std_mean", dim, unbiased, keepdim, correction, True)
    mean = input.mean(None if isinstance(dim, bool) else dim, keepdim is True)
    return _named(std, input, "StdMeanBackward0"), _named(mean, input, "StdMeanBackward0")


def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,  # noqa: A002
        aweights: Tensor | None = None) -> Tensor:
    """The covariance matrix of the variables in ``input``'s rows (observations in columns; a 1-D
    input is one variable; one variable gives a 0-d result), as ``torch.cov`` / ``numpy.cov``:
    optional integer frequency weights and float observation weights per column, ``correction``
    subtracted from the (weighted) count. Integer inputs give the default float dtype. Differentiable.

    Raises:
        ShapeError: more than 2 dims, or weights that are not 1-D of the observation count.
        MinigradError: integer aweights, non-integer fweights, or negative weights (as PyTorch).
    """
    if input.ndim > 2:
        raise ShapeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                         f"{input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if x.dtype.kind == "b":
        raise MinigradError("cov(): bool dtype is not supported for input")
    if x.dtype.kind not in "fc":
        x = x.astype(get_default_dtype())
    n = x.shape[1]
    w: Tensor | None = None
    for name, wt in (("fweights", fweights), ("aweights", aweights)):
        if wt is not None:
            # PyTorch's checks, order and words: rank, dtype, then size
            if wt.ndim > 1:
                raise ShapeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} "
                                 f"with {wt.ndim} dimensions")
            if not (wt.dtype.kind in "iu" if name == "fweights" else wt.dtype.kind == "f"):
                kind = "integral" if name == "fweights" else "floating point"
                raise MinigradError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                                    f"{scalar_type_name(wt.dtype)} dtype")
            if wt.numel() != n:
                raise ShapeError(f"cov(): expected {name} to have the same numel as there are observations "
                                 f"in the input but got {wt.numel()} != {n}")
            if bool((wt < 0).any()):
                raise MinigradError(f"cov(): {name} cannot be negative")
            w = wt if w is None else w * wt
    fact: Tensor | int
    if w is None:
        avg, fact = x.sum(1) / n, n - correction
    else:
        w_sum = w.sum()  # in the weights' own dtype (float32 aweights round there), as PyTorch
        avg = (x * w).sum(1) / w_sum
        fact = w_sum - (correction * (w * aweights).sum() / w_sum if aweights is not None and correction
                        else correction)
    if (bool(fact.item() <= 0) if isinstance(fact, Tensor) else fact <= 0):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number "
                      "of observations.", UserWarning, stacklevel=public_stacklevel(2))
        fact = fact.clamp(min=0) if isinstance(fact, Tensor) else 0  # PyTorch divides by +0 (inf or nan)
    centred = x - avg.unsqueeze(1)
    weighted = centred if w is None else centred * w
    # (PyTorch's composition, so its nodes: mm(centred, weighted.t()) / fact, squeezed; one variable: 0-d)
    return ((centred @ weighted.t()) / fact).squeeze()


def corrcoef(input: Tensor) -> Tensor:  # noqa: A002
    """The Pearson correlation matrix of the variables in ``input``'s rows (see :func:`cov`), clipped to
    [-1, 1]; a 1-D input gives 1 (0-d). Differentiable.

    Raises:
        ShapeError: more than 2 dims.
    """
    c = cov(input)
    if c.ndim == 0:
        return c / c
    sd = c.diagonal().sqrt()
    return (c / sd.view(-1, 1) / sd.view(1, -1)).clamp(-1, 1)  # (PyTorch's views, so its nodes)


provide(sys.modules[__name__])  # the Tensor methods cov and corrcoef call these functions
