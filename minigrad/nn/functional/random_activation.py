"""Activations that draw random numbers: ``rrelu`` (random negative slopes) and ``gumbel_softmax``.

The draws come from minigrad's seeded generator (``mg.manual_seed``), so a run
is reproducible; they are constants of the graph, and the gradient flows
through the composition around them.
"""

from __future__ import annotations

import warnings

import numpy as np

from minigrad import _draws
from minigrad.dtypes import scalar_type_name
from minigrad.errors import DTypeError, InvalidParameterError, _KernelParameterError, public_stacklevel
from minigrad.nn import _checks
from minigrad.nn.functional._constant import constant
from minigrad.nn.functional._grad_names import named
from minigrad.nn.functional.activation import _into, leaky_relu
from minigrad.ops import LeakyReluInplace
from minigrad.random import default_generator
from minigrad.tensor import Tensor

__all__ = ["gumbel_softmax", "rrelu"]

_INPLACE_NAME = "RreluWithNoiseBackward1"  # PyTorch's grad_fn of rrelu_, in training and evaluation
_NAME = "RreluWithNoiseBackward0"  # (and of rrelu)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
          training: bool = False, inplace: bool = False) -> Tensor:
    """Randomized leaky ReLU: x if x > 0, else a * x.

    In training each element x <= 0 gets its own slope a ~ U(lower, upper);
    in evaluation a = (lower + upper) / 2 for all (``leaky_relu``), as PyTorch.
    ``inplace=True`` writes the result into ``input`` and returns it, recorded as PyTorch's
    ``rrelu_`` (see ``F.relu``'s ``inplace``).

    Raises:
        InvalidParameterError: lower or upper not a number, or upper < lower.
    """
    lo, hi = _checks.number("lower", lower), _checks.number("upper", upper)
    if hi < lo:
        raise InvalidParameterError(f"rrelu: Lower bound should be less than or equal to the upper bound, "
                                    f"got lower={lower!r}, upper={upper!r}")
    x = _checks.tensor("rrelu", input)
    inplace = _checks.flag("inplace", inplace)
    if _checks.strict_flag("training", training):
        if x.dtype.kind != "f":
            raise _KernelParameterError(  # (PyTorch's NotImplementedError)
                f'"rrelu_with_noise_out_cpu" not implemented for \'{scalar_type_name(x.dtype)}\' (rrelu: '
                f"training needs a floating-point input, got {x.dtype})")
        # PyTorch draws a float64 slope for each entry <= 0 only, in order, between the bounds
        # rounded to the input's precision (float32 for half inputs)
        negative = ~(x.numpy(force=True) > 0)
        noise = np.ones(x.shape)
        count = int(negative.sum())
        op = np.float64 if x.dtype == np.float64 else np.float32
        bounds = float(op(lo)), float(op(hi))
        slopes = _draws.uniform(default_generator, (count,), *bounds, np.dtype(np.float64), fused=False)
        noise[negative] = slopes
        if not inplace:
            return named(x * constant(noise, x.dtype), _NAME)
        # PyTorch's in-place form: x *= noise, named as its rrelu_with_noise_ node
        return _into("rrelu_", x, lambda t: named(t * constant(noise, t.dtype), _INPLACE_NAME))
    mean = (lo + hi) / 2
    if not inplace:
        return named(leaky_relu(x, mean), _NAME)
    # (leaky_relu_'s op, whose backward raises for a negative mean slope, as PyTorch's rrelu_)
    return _into("rrelu_", x, lambda t: named(LeakyReluInplace.apply(t, slope=float(mean)), _INPLACE_NAME)
                 if t.dtype.kind == "f" else leaky_relu(t, mean))


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """A sample from the Gumbel-softmax (concrete) distribution: softmax((logits + g) / tau) along ``dim``,
    g ~ Gumbel(0, 1).

    ``hard=True`` returns the one-hot of the sample's argmax in value, with the
    soft sample's gradient (straight-through: y_hard - y_soft.detach() + y_soft).
    ``eps`` is deprecated in PyTorch and unused (a value other than 1e-10 warns).

    Raises:
        InvalidParameterError: tau not a number.
        DTypeError: integer or bool logits (PyTorch's RuntimeError from its Gumbel draw).
    """
    if isinstance(logits, Tensor) and logits.dtype.kind != "f":  # (the Gumbel draw comes first in PyTorch)
        raise DTypeError("Exponential distribution is a continuous probability distribution. dtype must be a "
                         f"floating point but you specified {scalar_type_name(logits.dtype)}")
    t = _checks.number("tau", tau)
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", UserWarning,
                      stacklevel=public_stacklevel(2))
    x = _checks.tensor("gumbel_softmax", logits, "logits")
    gumbels = -np.log(_draws.exponential(default_generator, x.shape, 1.0, x.dtype))
    y_soft = ((x + constant(gumbels, x.dtype)) / t).softmax(dim)
    if not _checks.flag("hard", hard):
        return y_soft
    soft = y_soft.numpy(force=True)
    # (Tensor.argmax: an empty dim is PyTorch's IndexError, not numpy's ValueError)
    index = y_soft.detach().argmax(dim, keepdim=True).numpy(force=True)
    y_hard = np.zeros_like(soft)
    np.put_along_axis(y_hard, index, 1.0, axis=dim)
    return constant(y_hard, x.dtype) - y_soft.detach() + y_soft
