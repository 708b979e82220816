"""In-place parameter initialisers, PyTorch's ``torch.nn.init`` on minigrad's seeded generator.

Each function fills the tensor in place (recording nothing) and returns it.
Random draws come from ``generator`` or the global generator, so
``mg.manual_seed`` makes initialisation reproducible. The formulas (gains,
fans, bounds) are PyTorch's, and so are the draws: the same seed fills the
same values.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

from minigrad import _draws
from minigrad.autograd import no_grad
from minigrad.dtypes import require_float_kernel
from minigrad.errors import (
    InvalidParameterError,
    ShapeError,
    _NotTensorAttributeError,
    _ZeroDivisorParameterError,
    python_type_name,
)
from minigrad.nn import _checks
from minigrad.random import Generator, resolve
from minigrad.sampling import check_uniform_bounds, float_args
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = [
    "calculate_gain", "constant", "constant_", "dirac", "dirac_", "eye", "eye_", "kaiming_normal",
    "kaiming_normal_", "kaiming_uniform", "kaiming_uniform_", "normal", "normal_", "ones_", "orthogonal",
    "orthogonal_", "sparse", "sparse_", "trunc_normal_", "uniform", "uniform_", "xavier_normal",
    "xavier_normal_", "xavier_uniform", "xavier_uniform_", "zeros_",
]  # fmt: skip

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid")  # fmt: skip


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for an activation (PyTorch's table): 1 for linear/conv/sigmoid, 5/3 for tanh,
    sqrt(2) for relu, sqrt(2 / (1 + slope**2)) for leaky_relu (slope ``param``, default 0.01), 3/4 for selu.

    Raises:
        InvalidParameterError: unknown ``nonlinearity`` or a bad leaky_relu slope.
    """
    if nonlinearity in _LINEAR:
        return 1  # (an int, as PyTorch's: scripts print it)
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise InvalidParameterError(f"negative_slope {slope} not a valid number")  # (PyTorch's words)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise InvalidParameterError(f"Unsupported nonlinearity {nonlinearity}")


def _fans(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ShapeError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
            f"(got shape {tensor.shape})"
        )
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """PyTorch's private helper, which custom layers' ``reset_parameters`` call: (fan_in, fan_out) of a
    weight of shape (out, in, *kernel), each times the kernel's size.

    Raises:
        ShapeError: ``tensor`` has fewer than 2 dims (a ValueError, as PyTorch's).
    """
    return _fans(tensor)


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    """The fan ``mode`` ('fan_in' or 'fan_out') names, as PyTorch's private helper.

    Raises:
        ValueError: another ``mode``; ShapeError: ``tensor`` has fewer than 2 dims.
    """
    if not isinstance(mode, str) or mode.lower() not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _fans(tensor)
    return fan_in if mode.lower() == "fan_in" else fan_out


def _fill(tensor: Tensor, values: Array | float) -> Tensor:
    with no_grad():  # initialising a parameter is not part of any graph
        tensor[...] = from_numpy(np.asarray(values))
    return tensor


_F = TypeVar("_F", bound=Callable[..., Tensor])


def _takes_tensor(init: _F) -> _F:
    """``init`` refusing what is no Tensor (a numpy array, a list, None) with PyTorch's class: its
    initialisers are Python code that calls a Tensor method on it, an AttributeError there (minigrad's
    error is also a TypeError)."""
    @functools.wraps(init)
    def checked(tensor: Any, *args: Any, **kwargs: Any) -> Tensor:
        if not isinstance(tensor, Tensor):
            raise _NotTensorAttributeError(f"{init.__name__}(): argument 'tensor' must be a Tensor, not "
                                           f"{python_type_name(tensor)}")
        return init(tensor, *args, **kwargs)

    return cast("_F", checked)


def _gen(generator: Generator | None, fn: str = "normal_") -> Generator:
    """``generator`` or the global one; PyTorch's TypeError (the words of ``fn``, the Tensor method that
    draws) for what is no Generator."""
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"{fn}(): argument 'generator' must be torch.Generator, not "
                        f"{python_type_name(generator)}")
    return resolve(generator)


def _uniform(gen: Generator, tensor: Tensor, a: float, b: float) -> Array:
    float_args("uniform_", ("from", a), ("to", b))
    require_float_kernel("check_uniform_bounds", tensor.dtype)
    # (numpy would draw from a reversed interval, or make inf/nan of an infinite one: PyTorch's RuntimeError)
    check_uniform_bounds(float(a), float(b), tensor.dtype)
    return _draws.uniform(gen, tensor.shape, float(a), float(b), tensor.dtype)


def _normal(gen: Generator, tensor: Tensor, mean: float, std: float) -> Array:
    float_args("normal_", ("mean", mean), ("std", std))
    require_float_kernel("normal_kernel_cpu", tensor.dtype)
    return _draws.normal(gen, tensor.shape, float(mean), float(std), tensor.dtype)


def _empty(tensor: Tensor) -> bool:
    """PyTorch's no-op (with its warning) for a tensor with a zero-size dim."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return True
    return False


@_takes_tensor
def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with U(a, b) samples."""
    return _fill(tensor, _uniform(_gen(generator, "uniform_"), tensor, a, b))


@_takes_tensor
def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Generator | None = None) -> Tensor:
    """Fill with N(mean, std**2) samples.

    Raises:
        InvalidParameterError: ``std`` is negative or NaN (PyTorch's RuntimeError, as ``Tensor.normal_``).
    """
    float_args("normal_", ("mean", mean), ("std", std))
    if not std >= 0:  # (NaN too)
        raise InvalidParameterError(f"normal expects std >= 0.0, but found std {std:g} (got std={std!r})")
    return _fill(tensor, _normal(_gen(generator), tensor, mean, std))


def _norm_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


@_takes_tensor
def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Generator | None = None) -> Tensor:
    """Fill with samples of N(mean, std**2) truncated to [a, b] (PyTorch's samplers: redraw the samples
    outside [a, b] when that is likely to end soon, else accept uniform proposals on [a, b] by the density).

    Warns (as PyTorch) when mean is more than 2 std outside [a, b].

    Raises:
        UnsupportedError: a tensor that is not floating (PyTorch's NotImplementedError).
    """
    require_float_kernel("normal_kernel_cpu", tensor.dtype)  # before the bounds are cast to its dtype
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            UserWarning,
            stacklevel=2,
        )
    # PyTorch's two samplers, draw for draw: redraw every value when the bounds hold most of the mass
    # (a whole fresh tensor each round, kept where the old value fell outside), else uniform proposals
    # on [a, b] accepted by the density (fresh proposals and acceptance draws each round)
    gen, dt = _gen(generator), tensor.dtype
    lo, hi = float(np.asarray(a, dtype=dt)), float(np.asarray(b, dtype=dt))
    if _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std) > 0.3:
        out = _normal(gen, tensor, mean, std)
        outside = (out < lo) | (out > hi)
        while outside.any():
            out = np.where(outside, _normal(gen, tensor, mean, std), out)
            outside = (out < lo) | (out > hi)
    else:
        log_peak = -0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2

        def log_density(v: Array) -> Array:
            return ((v - dt.type(mean)) / dt.type(std)) ** 2 * dt.type(-0.5) - dt.type(log_peak)  # type: ignore[no-any-return]

        out = _uniform(gen, tensor, a, b)
        pending = np.log(_uniform(gen, tensor, 0.0, 1.0)) > log_density(out)
        while pending.any():
            fresh = _uniform(gen, tensor, a, b)
            out = np.where(pending, fresh, out)
            pending = np.where(pending, np.log(_uniform(gen, tensor, 0.0, 1.0)) > log_density(fresh), pending)
    return _fill(tensor, out)


@_takes_tensor
def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val`` (a number).

    Raises:
        TypeError: ``val`` is not a number or a tensor (PyTorch's fill_ overloads refuse it).
    """
    if not isinstance(val, (int, float, np.integer, np.floating, np.bool_, Tensor)):
        raise TypeError(f"fill_() received an invalid combination of arguments - got "
                        f"({python_type_name(val)}), but expected one of: (Tensor value), (Number value)")
    return _fill(tensor, val)


@_takes_tensor
def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    return constant_(tensor, 1.0)


@_takes_tensor
def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    return constant_(tensor, 0.0)


# PyTorch's private no_grad helpers under its initializers, which libraries (mup's width-scaled
# initializers) import and call with a scaled bound: each is the public initializer here.
def _no_grad_uniform_(tensor: Tensor, a: float, b: float, generator: Generator | None = None) -> Tensor:
    """:func:`uniform_`, as PyTorch's helper of that name."""
    return uniform_(tensor, a, b, generator)


def _no_grad_normal_(tensor: Tensor, mean: float, std: float, generator: Generator | None = None) -> Tensor:
    """:func:`normal_`, as PyTorch's helper of that name."""
    return normal_(tensor, mean, std, generator)


def _no_grad_trunc_normal_(tensor: Tensor, mean: float, std: float, a: float, b: float,
                           generator: Generator | None = None) -> Tensor:
    """:func:`trunc_normal_`, as PyTorch's helper of that name."""
    return trunc_normal_(tensor, mean, std, a, b, generator)


def _no_grad_fill_(tensor: Tensor, val: float) -> Tensor:
    """:func:`constant_`, as PyTorch's helper of that name."""
    return constant_(tensor, val)


def _no_grad_zero_(tensor: Tensor) -> Tensor:
    """:func:`zeros_`, as PyTorch's helper of that name."""
    return zeros_(tensor)


@_takes_tensor
def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal of a rectangular one).

    Raises:
        ShapeError: the tensor is not 2-D.
    """
    if tensor.ndim != 2:
        raise ShapeError(f"Only tensors with 2 dimensions are supported (eye_: got shape {tensor.shape})")
    rows, cols = tensor.shape
    return _fill(tensor, np.eye(rows, cols))


@_takes_tensor
def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight with the Dirac delta: the convolution then passes as many
    input channels through unchanged as it can (per group of output channels).

    Raises:
        ShapeError: the tensor is not 3-, 4- or 5-D, or dim 0 is not divisible by ``groups``.
        InvalidParameterError: ``groups`` is not a positive int.
    """
    if groups == 0 and not isinstance(groups, bool):  # (PyTorch's size(0) % groups first: ZeroDivisionError)
        raise _ZeroDivisorParameterError("integer modulo by zero (groups must be a positive int, got 0)")
    g = _checks.positive_int("groups", groups)
    if tensor.ndim not in (3, 4, 5):
        raise ShapeError("Only tensors with 3, 4, or 5 dimensions are supported "
                         f"(dirac_: got shape {tensor.shape})")
    if tensor.shape[0] % g:
        raise ShapeError(f"dim 0 must be divisible by groups (dirac_: shape {tensor.shape}, groups={g})")
    per_group = tensor.shape[0] // g
    values = np.zeros(tensor.shape)
    centre = tuple(s // 2 for s in tensor.shape[2:])
    for k in range(g):
        for d in range(min(per_group, tensor.shape[1])):
            index = (k * per_group + d, d, *centre)
            values[index] = 1
    return _fill(tensor, values)


@_takes_tensor
def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)) (Glorot)."""
    fan_in, fan_out = _fans(tensor)
    # as sqrt(3) * std, PyTorch's roundings (gain * sqrt(6 / fans) is an ulp off: other float64 draws)
    bound = math.sqrt(3.0) * (gain * math.sqrt(2.0 / (fan_in + fan_out)))
    return uniform_(tensor, -bound, bound, generator)


@_takes_tensor
def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out)) (Glorot)."""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    mode = _checks.one_of("mode", mode.lower() if isinstance(mode, str) else mode, ("fan_in", "fan_out"))
    fan_in, fan_out = _fans(tensor)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


@_takes_tensor
def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: Generator | None = None) -> Tensor:
    """U(-b, b) with b = gain * sqrt(3 / fan) (He); ``a`` is leaky_relu's slope, fan is fan_in or fan_out.

    ``a=sqrt(5)`` gives Linear's U(-1/sqrt(in_features), 1/sqrt(in_features)).
    A tensor with a zero-size dim is left as it is, with PyTorch's warning.

    Raises:
        InvalidParameterError: unknown ``mode`` or ``nonlinearity``.
        ShapeError: the tensor has fewer than 2 dims.
    """
    if _empty(tensor):
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


@_takes_tensor
def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: Generator | None = None) -> Tensor:
    """N(0, std**2) with std = gain / sqrt(fan) (He); arguments as :func:`kaiming_uniform_`."""
    if _empty(tensor):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


@_takes_tensor
def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix times ``gain``: the Q of a Gaussian matrix's QR, signs fixed by
    R's diagonal so Q is uniformly distributed (Mezzadri). Dims after the first are flattened.

    Raises:
        ShapeError: the tensor has fewer than 2 dims.
    """
    if tensor.ndim < 2:
        raise ShapeError("Only tensors with 2 or more dimensions are supported "
                         f"(orthogonal_: got shape {tensor.shape})")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    require_float_kernel("normal_kernel_cpu", tensor.dtype)
    flat = _draws.normal(_gen(generator), (rows, cols), 0.0, 1.0, tensor.dtype)
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (q * gain).reshape(tensor.shape))


@_takes_tensor
def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Generator | None = None) -> Tensor:
    """Fill a 2-D tensor from N(0, std**2) (drawn from ``generator``), then zero ceil(sparsity * rows) random
    entries of each column (chosen by the global generator, as PyTorch's).

    Raises:
        ShapeError: the tensor is not 2-D.
    """
    if tensor.ndim != 2:
        raise ShapeError(f"Only tensors with 2 dimensions are supported (sparse_: got shape {tensor.shape})")
    rows, cols = tensor.shape
    values = _normal(_gen(generator), tensor, 0.0, std)
    zeros = math.ceil(sparsity * rows)
    shuffle = _gen(None)  # PyTorch's randperm here draws from the global generator, even given ``generator``
    for col in range(cols):
        values[_draws.randperm(shuffle, rows)[:zeros], col] = 0
    return _fill(tensor, values)


def _deprecated(init: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """PyTorch's old spelling of ``init`` (``xavier_uniform`` for ``xavier_uniform_``, which code written
    before PyTorch 0.4 calls): the same fill, after PyTorch's FutureWarning."""
    old = init.__name__[:-1]

    @functools.wraps(init)
    def deprecated_init(*args: Any, **kwargs: Any) -> Tensor:
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{init.__name__}`.",
                      FutureWarning, stacklevel=2)
        return init(*args, **kwargs)

    deprecated_init.__name__ = deprecated_init.__qualname__ = old
    deprecated_init.__doc__ = (f"The deprecated spelling of :func:`{init.__name__}`: the same fill, after "
                               "PyTorch's FutureWarning.")
    return deprecated_init


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)
