"""Random sampling beyond the basic factories: permutations, categorical and Bernoulli draws,
normal draws with tensor parameters, the ``*_like`` factories and the in-place samplers
(``normal_``, ``uniform_``, ...).

Every draw comes from a :class:`minigrad.Generator` (the global one unless
``generator=`` names another), so ``mg.manual_seed`` makes a program's draws
reproducible. The streams are numpy's, not PyTorch's: same distributions,
different numbers.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from minigrad._tensor_methods import provide
from minigrad.dtypes import resolve_dtype
from minigrad.errors import InvalidParameterError, MinigradError
from minigrad.factories import _size_arg
from minigrad.random import Generator, numpy_generator
from minigrad.tensor import Array, DTypeLike, Tensor, float32, from_numpy, int64

__all__ = ["bernoulli", "multinomial", "normal", "randperm"]


def _made(a: Array, requires_grad: bool) -> Tensor:
    t = from_numpy(a)
    return t.requires_grad_(True) if requires_grad else t


def randperm(n: int, *, generator: Generator | None = None, dtype: DTypeLike = None,
             requires_grad: bool = False, **_: Any) -> Tensor:
    """A random permutation of 0..n-1 (int64 unless ``dtype``)."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise InvalidParameterError(f"randperm: n must be a non-negative int, got {n!r}")
    perm = numpy_generator(generator).permutation(int(n))
    return _made(perm.astype(int64 if dtype is None else resolve_dtype(dtype)), requires_grad)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator: Generator | None = None) -> Tensor:
    """Category indices drawn with probabilities proportional to each row of ``input`` (1-D or 2-D).

    Without replacement a category is drawn at most once per row (weights
    renormalized after each draw), as PyTorch.

    Raises:
        MinigradError: integer weights, num_samples <= 0, negative, non-finite or all-zero weights, or
            more draws without replacement than categories with weight (PyTorch's RuntimeErrors).
    """
    if input.dtype.kind != "f":
        raise MinigradError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if num_samples <= 0:
        raise MinigradError(f"multinomial: cannot sample n_sample <= 0 samples (got {num_samples})")
    w = input.numpy().astype(np.float64)
    if w.ndim not in (1, 2):
        raise MinigradError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {input.shape}")
    rows = w.reshape(-1, w.shape[-1])
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise MinigradError("multinomial: probability tensor contains either inf, nan or element < 0")
    if (rows.sum(axis=1) <= 0).any():
        raise MinigradError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > int((rows > 0).sum(axis=1).min()):
        raise MinigradError("multinomial: cannot sample n_sample > prob_dist.size(-1) samples without "
                            "replacement")
    gen = numpy_generator(generator)
    out = np.empty((rows.shape[0], num_samples), dtype=int64)
    for r, row in enumerate(rows):
        p = row / row.sum()
        if replacement:
            out[r] = np.minimum(np.searchsorted(np.cumsum(p), gen.random(num_samples), side="right"),
                                p.size - 1)
        else:  # Gumbel top-k: the same law as drawing one by one and renormalizing
            keys = np.where(p > 0, np.log(np.where(p > 0, p, 1)) - np.log(-np.log(gen.random(p.size))),
                            -np.inf)
            out[r] = np.argsort(-keys, kind="stable")[:num_samples]
    return from_numpy(out.reshape((*w.shape[:-1], num_samples)))


def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None) -> Tensor:  # noqa: A002
    """1 with probability ``input`` (or the number ``p``) elementwise, else 0; input's dtype.

    Raises:
        MinigradError: a probability outside [0, 1].
    """
    probs = input.numpy() if p is None else np.full(input.shape, p, dtype=np.float64)
    if probs.size and (np.isnan(probs).any() or probs.min() < 0 or probs.max() > 1):
        raise MinigradError("bernoulli: all probabilities must be in [0, 1]")
    draws = numpy_generator(generator).random(input.shape) < probs
    dt = input.dtype if input.dtype.kind == "f" else float32
    return from_numpy(draws.astype(dt))


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: DTypeLike = None, requires_grad: bool = False, **_: Any) -> Tensor:
    """Normal draws with elementwise ``mean`` and ``std`` (tensors broadcast), or of ``size`` for numbers.

    Raises:
        InvalidParameterError: a negative std.
    """
    gen = numpy_generator(generator)
    m = mean.numpy() if isinstance(mean, Tensor) else np.asarray(mean, dtype=np.float64)
    s = std.numpy() if isinstance(std, Tensor) else np.asarray(std, dtype=np.float64)
    if s.size and s.min() < 0:
        raise InvalidParameterError(f"normal: std must be non-negative, got {std!r}")
    shape = _size_arg(size, "normal") if size is not None else np.broadcast_shapes(m.shape, s.shape)
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    dt = tensors[0].dtype if tensors else (float32 if dtype is None else resolve_dtype(dtype))
    return _made((m + s * gen.standard_normal(shape)).astype(dt), requires_grad)


# ------------------------------------------------------------------ in-place samplers (Tensor methods)


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise InvalidParameterError(message)


def fill_normal(t: Tensor, mean: float, std: float, generator: Generator | None) -> Array:
    """Draws for ``t.normal_(mean, std)``.

    Raises:
        InvalidParameterError: std < 0 (a RuntimeError, as PyTorch's).
    """
    _check(std >= 0, f"normal expects std >= 0.0, but found std {std}")
    return numpy_generator(generator).normal(mean, std, t.shape)


def fill_uniform(t: Tensor, low: float, high: float, generator: Generator | None) -> Array:
    """Draws for ``t.uniform_(low, high)``: uniform in [low, high).

    Raises:
        InvalidParameterError: low > high (a RuntimeError, as PyTorch's).
    """
    _check(low <= high, f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")
    return low + (high - low) * numpy_generator(generator).random(t.shape)


def fill_bernoulli(t: Tensor, p: Any, generator: Generator | None) -> Array:
    """Draws for ``t.bernoulli_(p)``: 1 with probability p (a number or a broadcastable tensor)."""
    probs = p.numpy() if isinstance(p, Tensor) else p
    return (numpy_generator(generator).random(t.shape) < probs).astype(t.dtype)


def fill_exponential(t: Tensor, lambd: float, generator: Generator | None) -> Array:
    """Draws for ``t.exponential_(lambd)``: exponential with rate ``lambd``.

    Raises:
        InvalidParameterError: lambd <= 0 (a RuntimeError, as PyTorch's).
    """
    _check(lambd > 0, f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return numpy_generator(generator).exponential(1 / lambd, t.shape)


def fill_geometric(t: Tensor, p: float, generator: Generator | None) -> Array:
    """Draws for ``t.geometric_(p)``: the number of Bernoulli(p) trials up to the first success (>= 1).

    Raises:
        InvalidParameterError: p outside (0, 1) (a RuntimeError, as PyTorch's).
    """
    _check(0 < p < 1, f"geometric_ expects p to be in (0, 1), but got p={p}")
    return numpy_generator(generator).geometric(p, t.shape)


def fill_log_normal(t: Tensor, mean: float, std: float, generator: Generator | None) -> Array:
    """Draws for ``t.log_normal_(mean, std)``: exp of normal draws of ``mean``, ``std``.

    Raises:
        InvalidParameterError: std <= 0 (a RuntimeError, as PyTorch's).
    """
    _check(std > 0, f"log_normal_ expects std > 0.0, but found std={std}")
    return numpy_generator(generator).lognormal(mean, std, t.shape)


def fill_cauchy(t: Tensor, median: float, sigma: float, generator: Generator | None) -> Array:
    """Draws for ``t.cauchy_(median, sigma)``: median + sigma * tan(pi * (u - 1/2)), u uniform.

    Raises:
        InvalidParameterError: sigma <= 0 (a RuntimeError, as PyTorch's).
    """
    _check(sigma > 0, f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    return median + sigma * np.tan(np.pi * (numpy_generator(generator).random(t.shape) - 0.5))


def fill_random(t: Tensor, low: int, high: int | None, generator: Generator | None) -> Array:
    """Draws for ``t.random_(low, high)`` (``random_(high)``: [0, high))."""
    if high is None:
        low, high = 0, low
    return numpy_generator(generator).integers(low, high, t.shape)


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
