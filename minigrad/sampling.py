"""Random sampling beyond the basic factories: permutations, categorical and Bernoulli draws,
normal draws with tensor parameters, the ``*_like`` factories and the in-place samplers
(``normal_``, ``uniform_``, ...).

Every draw comes from a :class:`minigrad.Generator` (the global one unless
``generator=`` names another), so ``mg.manual_seed`` makes a program's draws
reproducible; the samplers are PyTorch's (:mod:`minigrad._draws`), so a seeded
program draws the numbers PyTorch draws.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from minigrad import _draws
from minigrad._leaf_rules import leaf_requires_grad
from minigrad._tensor_methods import provide
from minigrad.device import check_pin_memory
from minigrad.dtypes import c_type_name, kernel_error, require_float_kernel, resolve_dtype, scalar_type_name
from minigrad.errors import (
    InvalidParameterError,
    MinigradError,
    _ArgumentTypeError,
    bool_args,
    int_error,
    python_type_name,
)
from minigrad.factories import _size_arg, check_random_bounds, float_random_bounds
from minigrad.random import Generator, resolve
from minigrad.shapes import check_broadcast
from minigrad.tensor import Array, DTypeLike, Tensor, float32, from_numpy, int64

__all__ = ["_sample_dirichlet", "_standard_gamma", "bernoulli", "binomial", "multinomial", "normal",
           "poisson", "randperm"]


def _made(a: Array, requires_grad: bool) -> Tensor:
    t = from_numpy(a)
    return leaf_requires_grad(t) if requires_grad else t


def _sampled(draws: Array, params: list[Tensor], name: str, missing: str = "") -> Tensor:
    """``draws`` as a tensor; recorded when a parameter requires grad, as PyTorch records a sample: zero
    gradients, or a backward that raises for ``missing`` (:class:`minigrad.ops.Recorded`)."""
    from minigrad import ops

    return ops.recorded(draws, params, name, missing)


def randperm(n: int, *, generator: Generator | None = None, dtype: DTypeLike = None,
             requires_grad: bool = False, **_: Any) -> Tensor:
    """A random permutation of 0..n-1 (int64 unless ``dtype``)."""
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n < 0:  # (PyTorch's words)
        raise InvalidParameterError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):  # (PyTorch's parser: a TypeError)
        words = int_error("randperm", "n", 1, n)
        raise _ArgumentTypeError(f"{words} (randperm: n must be a non-negative int, got {n!r})")
    check_pin_memory("randperm", _.get("pin_memory"))
    dt = np.dtype(int64 if dtype is None else resolve_dtype(dtype))
    _check_permutation_dtype(int(n), dt)
    perm = _draws.randperm(resolve(generator), int(n))
    return _made(perm.astype(dt), requires_grad)


def _check_permutation_dtype(n: int, dt: np.dtype[Any]) -> None:
    """PyTorch's checks that ``dt`` holds 0..n-1 exactly, before any draw.

    Raises:
        UnsupportedError: a bool dtype (PyTorch's NotImplementedError).
        MinigradError: n - 1 overflows an integer ``dt``, or n exceeds the integers a float ``dt`` holds
            exactly, plus one (PyTorch's words).
    """
    if dt.kind == "b":
        raise kernel_error("randperm", dt, "")
    if dt.kind in "iu" and n - 1 > np.iinfo(dt).max:
        raise MinigradError(f"value cannot be converted to type {dt.name}_t without overflow")
    if dt.kind == "f" and n > 2 ** (np.finfo(dt).nmant + 1) + 1:
        name = {"float16": "Half", "float32": "Float"}.get(dt.name, "Double")
        raise MinigradError(f"n cannot be greater than {2 ** (np.finfo(dt).nmant + 1) + 1} for {name} type.")


@bool_args("replacement")
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
        raise MinigradError("multinomial only supports floating-point dtypes for input, got: "
                            f"{scalar_type_name(input.dtype)}")
    if input.ndim not in (1, 2):  # (PyTorch's first check)
        raise MinigradError(f"prob_dist must be 1 or 2 dim (multinomial: got shape {input.shape})")
    if num_samples <= 0:
        raise MinigradError(f"cannot sample n_sample <= 0 samples (multinomial: got {num_samples})")
    w = input.numpy(force=True).astype(np.float64)
    if not replacement and num_samples > w.shape[-1]:  # (checked before the weights, as PyTorch)
        raise MinigradError("cannot sample n_sample > prob_dist.size(-1) samples without replacement "
                            f"(multinomial: {num_samples} samples, {w.shape[-1]} categories)")
    if w.size == 0 and w.ndim == 2 and w.shape[0] == 0:  # no distributions: no draws (no more checks then)
        return from_numpy(np.empty((0, num_samples), dtype=np.int64))
    if w.shape[-1] == 0:  # no categories (PyTorch's one-draw path takes the extrema of the empty rows)
        raise MinigradError("aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                            "no identity." if num_samples == 1 else
                            "invalid multinomial distribution (sum of probabilities <= 0) (multinomial)")
    rows = w.reshape(-1, w.shape[-1])
    if w.shape[-1] > 2**24:
        raise MinigradError(f"number of categories cannot exceed 2^24 (multinomial: got {w.shape[-1]})")
    src = input.numpy(force=True)
    src_rows = src.reshape(rows.shape) if src.dtype.kind == "f" else rows
    bad_entry = ~np.isfinite(rows) | (rows < 0)
    bad_row = bad_entry.any(axis=1) | ~(rows.sum(axis=1) > 0)
    if bad_row.any():
        if not replacement or num_samples == 1:  # (the kernel that checks every row before it draws)
            if bad_entry.any():
                raise MinigradError(
                    "probability tensor contains either `inf`, `nan` or element < 0 (multinomial)")
            raise MinigradError("invalid multinomial distribution (sum of probabilities <= 0) (multinomial)")
        # PyTorch's kernel for several draws with replacement checks and draws row by row: the rows
        # before the first bad one have drawn when it fails
        k = int(np.argmax(bad_row))
        if k:
            _draws.multinomial(resolve(generator), src_rows[:k], int(num_samples), True)
        if not bad_entry[k].any():
            raise MinigradError("invalid multinomial distribution (sum of probabilities <= 0) (multinomial)")
        bad = rows[k][bad_entry[k]][0]
        raise MinigradError("invalid multinomial distribution (encountering probability entry "
                            + ("< 0)" if bad < 0 else "= infinity or NaN)") + " (multinomial)")
    # (without replacement, more draws than non-zero weights take the zero ones last, as PyTorch's CPU kernel)
    out = _draws.multinomial(resolve(generator), src_rows, int(num_samples), bool(replacement))
    return from_numpy(out.reshape((*w.shape[:-1], num_samples)))


def _check_probs(probs: Array, p: float | None) -> None:
    """Raise PyTorch's error unless every probability is in [0, 1]: its tensor kernel's words, or (for the
    number ``p``) the scalar overload's."""
    if probs.size and (np.isnan(probs).any() or probs.min() < 0 or probs.max() > 1):
        raise MinigradError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
            "improved?  If so, please report an enhancement request to PyTorch.)" if p is None else
            f"bernoulli_ expects p to be in [0, 1], but got p={p}")


def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None) -> Tensor:  # noqa: A002
    """1 with probability ``input`` (or the number ``p``) elementwise, else 0; input's dtype.

    Raises:
        MinigradError: a probability outside [0, 1].
        UnsupportedError: probabilities ``input`` not floating (PyTorch's NotImplementedError).
    """
    if p is None:
        require_float_kernel("bernoulli_tensor_cpu_p_", input.dtype)
    probs = input.numpy(force=True) if p is None else np.full(input.shape, p, dtype=np.float64)
    # (a bad p fails even with no draws)
    _check_probs(probs if p is None else np.full(1, p, dtype=np.float64), p)
    gen = resolve(generator)
    draws = _draws.bernoulli(gen, input.shape, p) if p is not None else _draws.bernoulli_tensor(gen, probs)
    dt = input.dtype if input.dtype.kind == "f" else float32
    return _sampled(draws.astype(dt), [input], "BernoulliBackward0", "" if p is None else "aten::bernoulli")


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:  # noqa: A002
    """Poisson counts with rates ``input`` elementwise, in input's dtype (PyTorch's sampler).

    Raises:
        MinigradError: a negative or NaN rate.
        UnsupportedError: rates not floating (PyTorch's NotImplementedError).
    """
    require_float_kernel("poisson_cpu", input.dtype)
    rates = input.numpy(force=True)
    if rates.size and not (rates >= 0).all():
        raise MinigradError("invalid Poisson rate, expected rate to be non-negative (poisson)")
    return _sampled(_draws.poisson(resolve(generator), np.array(rates)), [input], "PoissonBackward0")


def binomial(count: Tensor, prob: Tensor, generator: Generator | None = None) -> Tensor:
    """Binomial(count, prob) draws elementwise (the two broadcast), in prob's dtype; PyTorch's stream
    where ``count * min(prob, 1 - prob) < 10`` (its inversion sampler), the same distribution elsewhere.

    Raises:
        InvalidParameterError: the shapes do not broadcast, or count or prob is not floating (PyTorch's
            ValueError).
    """
    for name, t in (("count", count), ("prob", prob)):
        if t.dtype.kind != "f":
            raise InvalidParameterError(f"binomial only supports floating-point dtypes for {name}, got: "
                                        f"{scalar_type_name(t.dtype)}")
    try:
        n, p = np.broadcast_arrays(count.numpy(force=True), prob.numpy(force=True))
    except ValueError as e:
        raise InvalidParameterError(f"binomial: shapes {tuple(count.shape)} and {tuple(prob.shape)} do not "
                                    "broadcast") from e
    return _sampled(_draws.binomial(resolve(generator), n, np.array(p)), [count, prob], "", "aten::binomial")


def _standard_gamma(input: Tensor, generator: Generator | None = None) -> Tensor:  # noqa: A002
    """Gamma(input, 1) draws (PyTorch's sampler), differentiable in ``input`` by implicit
    reparameterization, as ``torch._standard_gamma``.

    Raises:
        UnsupportedError: ``input`` not floating (PyTorch's NotImplementedError).
    """
    from minigrad import ops

    require_float_kernel("gamma_cpu", input.dtype)
    draws = _draws.gamma(resolve(generator), np.array(input.numpy(force=True)))
    return ops.ReparamGamma.apply(input, from_numpy(draws))


def _sample_dirichlet(input: Tensor, generator: Generator | None = None) -> Tensor:  # noqa: A002
    """Dirichlet draws over the last dim of the concentrations ``input`` (PyTorch's sampler), as
    ``torch._sample_dirichlet`` (no gradient).

    Raises:
        UnsupportedError: ``input`` not floating (PyTorch's NotImplementedError).
    """
    require_float_kernel("dirichlet", input.dtype)
    draws = _draws.dirichlet(resolve(generator), np.array(input.numpy(force=True)))
    return _sampled(draws, [input], "", "aten::_sample_dirichlet")


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: DTypeLike = None, requires_grad: bool = False, **_: Any) -> Tensor:
    """Normal draws with elementwise ``mean`` and ``std`` (tensors broadcast), or of ``size`` for numbers.

    Raises:
        TypeError: number mean and std without a ``size`` (PyTorch has no such overload).
        InvalidParameterError: a negative std.
        ShapeError: tensor mean and std that do not broadcast.
        UnsupportedError: a result dtype (the first tensor's, else ``dtype``) that is not floating.
    """
    if size is None and not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        got = f"{python_type_name(mean)}, {python_type_name(std)}"
        raise TypeError(f"normal() received an invalid combination of arguments - got ({got}), but expected "
                        "one of: (Tensor mean, Tensor std), (Tensor mean, float std), "
                        "(float mean, Tensor std), (float mean, float std, tuple of ints size)")
    gen = resolve(generator)
    m = mean.numpy(force=True) if isinstance(mean, Tensor) else np.asarray(mean, dtype=np.float64)
    s = std.numpy(force=True) if isinstance(std, Tensor) else np.asarray(std, dtype=np.float64)
    shape = _size_arg(size, "normal") if size is not None else check_broadcast("normal", m.shape, s.shape)
    if s.size and s.min() < 0:
        raise InvalidParameterError("normal expects all elements of std >= 0.0" if isinstance(std, Tensor)
                                    else f"normal expects std >= 0.0, but found std {float(s):g}")
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    dt = tensors[0].dtype if tensors else (float32 if dtype is None else resolve_dtype(dtype))
    if np.prod(shape, dtype=np.int64):  # (PyTorch's normal kernel does not run for no elements)
        require_float_kernel("normal_kernel_cpu", np.dtype(dt))
    # As PyTorch: a number std is applied inside the draw (one rounding), a tensor std after it,
    # and a tensor mean is added last
    zdt = np.dtype(dt) if np.dtype(dt).kind == "f" else np.dtype(np.float32)
    std_t, mean_t = isinstance(std, Tensor), isinstance(mean, Tensor)
    inner_mean = 0.0 if mean_t or std_t else float(m)
    z = _draws.normal(gen, tuple(shape), inner_mean, 1.0 if std_t else float(s), zdt)
    if std_t:
        z = z * s.astype(zdt)
    if mean_t or std_t:
        z = z + m.astype(zdt)
        # (PyTorch's overloads: Tensor mean 1, Tensor std 2, both 3)
        return _sampled(z.astype(dt), tensors, f"NormalBackward{1 * mean_t + 2 * std_t}")
    return _made(z.astype(dt), requires_grad)


# ------------------------------------------------------------------ in-place samplers (Tensor methods)


def check_continuous(name: str, dt: np.dtype[Any]) -> None:
    """PyTorch's RuntimeError for exponential or Cauchy draws of a non-float dtype (``name``: which).

    Raises:
        InvalidParameterError: ``dt`` is not floating (a RuntimeError, as PyTorch's).
    """
    kind = scalar_type_name(dt) if name == "Exponential" else c_type_name(dt)  # (PyTorch's two wordings)
    _check(dt.kind == "f", f"{name} distribution is a continuous probability distribution. dtype must be a "
           f"floating point but you specified {kind}")


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise InvalidParameterError(message)


def _memory_order(t: Tensor) -> tuple[int, ...] | None:
    """The dims of ``t`` outermost first as PyTorch's kernels walk its memory (by decreasing stride), when
    that is not their own order (a transposed or permuted view); None otherwise."""
    if t.ndim < 2 or t.is_contiguous():
        return None
    strides = t.stride()
    dims = tuple(sorted((d for d in range(t.ndim) if t.shape[d] != 1), key=lambda d: -strides[d]))
    order = (*(d for d in range(t.ndim) if t.shape[d] == 1), *dims)  # (size-1 dims: anywhere)
    return None if dims == tuple(d for d in range(t.ndim) if t.shape[d] != 1) else order


def _in_memory_order(t: Tensor, draw: Any, *params: Array) -> Array:
    """``draw(shape, *params)``'s values laid out as PyTorch's element-by-element kernels lay them: one per
    element in memory order (so a transposed tensor takes them down its columns). ``params``: arrays of
    per-element parameters (broadcast to ``t``'s shape)."""
    order = _memory_order(t)
    if order is None:
        return draw(t.shape, *params)  # type: ignore[no-any-return]
    moved = [np.broadcast_to(p, t.shape).transpose(order) for p in params]
    values = draw(tuple(t.shape[d] for d in order), *moved)
    return values.transpose(np.argsort(order))  # type: ignore[no-any-return]


def float_args(fn: str, *named: tuple[str, Any]) -> None:
    """PyTorch's argument-parser TypeError for a value that is no real number where a float goes (a string,
    None, a list: ``normal_(): argument 'mean' (position 1) must be float, not str``); a one-element tensor
    passes, as there. ``named``: (name, value) in positional order, from position 1."""
    for position, (name, value) in enumerate(named, 1):
        if not (isinstance(value, (int, float, np.integer, np.floating))
                or (isinstance(value, Tensor) and value.numel() == 1)):
            raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be float, not "
                            f"{python_type_name(value)}")


def check_uniform_bounds(low: float, high: float, dtype: np.dtype[Any]) -> None:
    """PyTorch's ``check_uniform_bounds`` for draws of ``dtype`` (floating) in [low, high): each bound within
    the dtype's finite range (not NaN, not inf), low <= high, and high - low finite.

    Raises:
        InvalidParameterError: (a RuntimeError, as PyTorch's) in its words.
    """
    top = float(np.finfo(dtype).max)  # (as a Python float: comparing with a numpy float32 casts to it)
    for name, value in (("from", low), ("to", high)):
        _check(-top <= value <= top, f"{name} is out of bounds for {c_type_name(dtype)}")
    # (the bounds as C++ streams a double: 2, 0.1, 3e+38)
    _check(low <= high,
           f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}")
    _check(high - low <= top, f"uniform_ expects to-from <= std::numeric_limits<{scalar_type_name(dtype)}>::"
           f"max(), but found to={high:g} and from={low:g} which result in to-from to exceed the limit")


def fill_normal(t: Tensor, mean: float, std: float, generator: Generator | None) -> Array:
    """Draws for ``t.normal_(mean, std)``.

    Raises:
        TypeError: ``mean`` or ``std`` is no number (PyTorch's parser).
        InvalidParameterError: std < 0 (a RuntimeError, as PyTorch's).
        UnsupportedError: ``t`` is not floating (PyTorch's NotImplementedError).
    """
    float_args("normal_", ("mean", mean), ("std", std))
    _check(std >= 0, f"normal expects std >= 0.0, but found std {std}")
    if t.numel():  # (PyTorch's normal kernel does not run for no elements)
        require_float_kernel("normal_kernel_cpu", t.dtype)
    gen, contiguous = resolve(generator), t.is_contiguous()
    return _in_memory_order(t, lambda shape: _draws.normal(gen, shape, mean, std, t.dtype, contiguous))


def fill_uniform(t: Tensor, low: float, high: float, generator: Generator | None) -> Array:
    """Draws for ``t.uniform_(low, high)``: uniform in [low, high).

    Raises:
        TypeError: ``low`` or ``high`` is no number (PyTorch's parser).
        InvalidParameterError: low > high, or a bound outside the dtype's finite range (NaN, inf, 1e39 for
            float32) (a RuntimeError, as PyTorch's).
        UnsupportedError: ``t`` is not floating (PyTorch's NotImplementedError, checked first).
    """
    float_args("uniform_", ("from", low), ("to", high))
    require_float_kernel("check_uniform_bounds", t.dtype)
    check_uniform_bounds(float(low), float(high), t.dtype)
    gen = resolve(generator)
    return _in_memory_order(t, lambda shape: _draws.uniform(gen, shape, low, high, t.dtype))


def fill_bernoulli(t: Tensor, p: Any, generator: Generator | None) -> Array:
    """Draws for ``t.bernoulli_(p)``: 1 with probability p (a number or a broadcastable tensor)."""
    gen = resolve(generator)
    if isinstance(p, Tensor):
        probs = np.broadcast_to(p.numpy(force=True), t.shape)
        if probs.size and (np.isnan(probs).any() or probs.min() < 0 or probs.max() > 1):
            _check_probs(probs, None)
        draws = _in_memory_order(t, lambda _, probs: _draws.bernoulli_tensor(gen, probs), probs)
        return draws.astype(t.dtype)
    if not 0 <= float(p) <= 1:  # (nan too)
        _check_probs(np.full(1, float(p)), float(p))
    return _in_memory_order(t, lambda shape: _draws.bernoulli(gen, shape, float(p))).astype(t.dtype)


def fill_exponential(t: Tensor, lambd: float, generator: Generator | None) -> Array:
    """Draws for ``t.exponential_(lambd)``: exponential with rate ``lambd``.

    Raises:
        InvalidParameterError: lambd <= 0, or ``t`` is not floating (RuntimeErrors, as PyTorch's).
    """
    _check(lambd > 0, f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    check_continuous("Exponential", t.dtype)
    gen = resolve(generator)
    return _in_memory_order(t, lambda shape: _draws.exponential(gen, shape, lambd, t.dtype))


def fill_geometric(t: Tensor, p: float, generator: Generator | None) -> Array:
    """Draws for ``t.geometric_(p)``: the number of Bernoulli(p) trials up to the first success (>= 1).

    Raises:
        InvalidParameterError: p outside (0, 1) (a RuntimeError, as PyTorch's).
        UnsupportedError: a bool ``t`` (PyTorch's NotImplementedError; integers are fine).
    """
    _check(0 < p < 1, f"geometric_ expects p to be in (0, 1), but got p={p}")
    if t.dtype == np.bool_:
        raise kernel_error("geometric", t.dtype)
    gen = resolve(generator)
    return _in_memory_order(t, lambda shape: _draws.geometric(gen, shape, p, t.dtype))


def fill_log_normal(t: Tensor, mean: float, std: float, generator: Generator | None) -> Array:
    """Draws for ``t.log_normal_(mean, std)``: exp of normal draws of ``mean``, ``std``.

    Raises:
        InvalidParameterError: std <= 0 (a RuntimeError, as PyTorch's).
        UnsupportedError: ``t`` is not floating (PyTorch's NotImplementedError).
    """
    _check(std > 0, f"log_normal_ expects std > 0.0, but found std={std}")
    require_float_kernel("log_normal_cpu", t.dtype)
    gen = resolve(generator)
    return _in_memory_order(t, lambda shape: _draws.log_normal(gen, shape, mean, std, t.dtype))


def fill_cauchy(t: Tensor, median: float, sigma: float, generator: Generator | None) -> Array:
    """Draws for ``t.cauchy_(median, sigma)``: median + sigma * tan(pi * (u - 1/2)), u uniform.

    Raises:
        InvalidParameterError: sigma <= 0, or ``t`` is not floating (RuntimeErrors, as PyTorch's).
    """
    _check(sigma > 0, f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    check_continuous("Cauchy", t.dtype)
    gen = resolve(generator)
    return _in_memory_order(t, lambda shape: _draws.cauchy(gen, shape, median, sigma, t.dtype))


def fill_random(t: Tensor, low: int, high: int | None, generator: Generator | None) -> Array:
    """Draws for ``t.random_(low, high)`` (``random_(high)``: [0, high))."""
    gen = resolve(generator)
    if high is None and low == 0:  # random_(): PyTorch's full range of the dtype
        if t.dtype == np.int64:
            return _in_memory_order(t, lambda shape: _draws.random_full(gen, shape))
        spans = {np.dtype(np.float32): 2**24 + 1, np.dtype(np.float64): 2**53 + 1,
                 np.dtype(np.float16): 2**11 + 1, np.dtype(np.bool_): 2}
        span = spans.get(t.dtype, 2 ** (8 * t.dtype.itemsize - (t.dtype.kind == "i")))
        # (a 64-bit pair per value for float64 only: int32's 2**31 values take a word)
        wide = t.dtype == np.float64
        return _in_memory_order(t, lambda shape: _draws.randint(gen, shape, 0, span, wide))
    if high is None:
        low, high = 0, low
    if not low < high:  # (numpy's error otherwise)
        raise InvalidParameterError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    check_random_bounds(int(low), int(high), t.dtype)
    low, high = float_random_bounds(int(low), int(high), t.dtype)
    return _in_memory_order(t, lambda shape: _draws.randint(gen, shape, low, high))


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
