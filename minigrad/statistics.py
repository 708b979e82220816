"""Variance, standard deviation and covariance as functions: ``var``, ``std``, ``var_mean``, ``std_mean``,
``cov`` and ``corrcoef`` (as torch's).

The first four are thin fronts over ``Tensor.var`` / ``Tensor.std`` (one ``ops.Var``
primitive) accepting PyTorch's spellings: ``correction=`` (keyword), the
older ``unbiased`` flag (positional after ``dim``, or alone in place of
``dim``: ``torch.var(x, False)``), ``dim`` as an int, a tuple or negative.
``cov`` and ``corrcoef`` are compositions of sums, products and a matmul.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence

from minigrad._tensor_methods import dim_aliases, provide
from minigrad.errors import MinigradError
from minigrad.factories import zeros_like
from minigrad.tensor import Tensor, tensor

__all__ = ["corrcoef", "cov", "std", "std_mean", "var", "var_mean"]

Dim = int | Sequence[int] | None


def _args(dim: Dim | bool, unbiased: bool | None, correction: float | None) -> tuple[Dim, float, bool | None]:
    if isinstance(dim, bool):  # torch.var(x, unbiased)
        dim, unbiased = None, dim
    return dim, 1 if correction is None else correction, unbiased


@dim_aliases
def var(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,  # noqa: A002 - PyTorch's name
        keepdim: bool = False, *, correction: float | None = None) -> Tensor:
    """Variance of ``input`` over ``dim`` (see :meth:`Tensor.var`); ``correction`` defaults to 1."""
    d, c, u = _args(dim, unbiased, correction)
    return input.var(d, keepdim, c, unbiased=u)


@dim_aliases
def std(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,  # noqa: A002
        keepdim: bool = False, *, correction: float | None = None) -> Tensor:
    """Standard deviation of ``input`` over ``dim`` (see :meth:`Tensor.std`)."""
    d, c, u = _args(dim, unbiased, correction)
    return input.std(d, keepdim, c, unbiased=u)


@dim_aliases
def var_mean(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,  # noqa: A002
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` of ``input`` over ``dim``, as ``torch.var_mean``."""
    d, c, u = _args(dim, unbiased, correction)
    return input.var(d, keepdim, c, unbiased=u), input.mean(d, keepdim)


@dim_aliases
def std_mean(input: Tensor, dim: Dim | bool = None, unbiased: bool | None = None,  # noqa: A002
             keepdim: bool = False, *, correction: float | None = None) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` of ``input`` over ``dim``, as ``torch.std_mean``."""
    d, c, u = _args(dim, unbiased, correction)
    return input.std(d, keepdim, c, unbiased=u), input.mean(d, keepdim)


def _check_weights(w: Tensor | None, name: str, observations: int) -> None:
    if w is None:
        return
    if w.ndim > 1:
        raise MinigradError(f"cov(): expected {name} to have one or fewer dimensions but got {name} "
                            f"with {w.ndim} dimensions")
    integral = name == "fweights"
    if not (w.dtype.kind in "iu" if integral else w.dtype.kind == "f"):
        kind = "integral" if integral else "floating point"
        raise MinigradError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                            f"{w.dtype} dtype")
    if w.numel() != observations:
        raise MinigradError(f"cov(): expected {name} to have the same numel as there are observations "
                            f"in the input but got {w.numel()} != {observations}")
    if bool((w < 0).any()):
        raise MinigradError(f"cov(): {name} cannot be negative")


def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,  # noqa: A002
        aweights: Tensor | None = None) -> Tensor:
    """The covariance matrix of the variables in ``input``'s rows, observed in its columns.

    ``input`` is ``(variables, observations)``, or 1-D (one variable); the
    result is ``(variables, variables)`` (0-d for one variable).
    ``fweights`` (integer counts) and ``aweights`` (float importances), one per
    observation, weight the mean and the sum of products; the divisor is
    ``sum(w) - correction`` (with aweights: ``sum(w) - correction * sum(w * aweights) / sum(w)``).
    A divisor <= 0 warns and is taken as 0, as PyTorch.

    Raises:
        MinigradError: ``input`` with more than 2 dims; weights that are not 1-D, of
            the wrong kind of dtype, of another length than the observations, or negative.
    """
    if input.ndim > 2:
        raise MinigradError("cov(): expected input to have two or fewer dimensions but got an input "
                            f"with {input.ndim} dimensions")
    observations = input.numel() if input.ndim < 2 else input.shape[1]
    x = input.reshape(1, -1) if input.ndim < 2 else input
    _check_weights(fweights, "fweights", observations)
    _check_weights(aweights, "aweights", observations)
    w = aweights if fweights is None else fweights if aweights is None else fweights * aweights
    w_sum = tensor(observations) if w is None else w.sum()
    avg = (x if w is None else x * w).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if bool(norm <= 0):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "number of observations.", UserWarning, stacklevel=2)
        norm = zeros_like(norm)
    x = x - avg.unsqueeze(1)
    return (x @ (x if w is None else x * w).t()).div(norm).squeeze()


def corrcoef(input: Tensor) -> Tensor:  # noqa: A002
    """Pearson correlation coefficients of ``input``'s rows: ``cov`` scaled by both stds, clipped to [-1, 1].

    Raises:
        MinigradError: as :func:`cov`.
    """
    c = cov(input)
    if c.ndim == 0:
        return c / c
    std = c.diagonal().sqrt()
    return (c / std.reshape(-1, 1) / std.reshape(1, -1)).clip(-1, 1)


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
