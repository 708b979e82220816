"""The gamma family, elementwise: ``mg.lgamma``, ``mg.digamma``, ``mg.polygamma``, ``mg.mvlgamma``, and the
regularized incomplete gamma functions ``mg.igamma`` / ``mg.igammac``.

``lgamma`` and ``polygamma`` (with ``digamma`` its n = 0) are primitives of
``minigrad/ops.py`` on the kernels of ``minigrad/_special.py``; each derivative
is the next member of the family (lgamma' = digamma, psi^(n)' = psi^(n+1)), so
gradients of any order come out. Integer and bool inputs give the default float dtype, as in PyTorch.
"""

from __future__ import annotations

import builtins
import math
import sys
from typing import Any

from minigrad import ops
from minigrad._tensor_methods import provide
from minigrad.default_dtype import get_default_dtype
from minigrad.errors import MinigradError
from minigrad.pointwise import _floats
from minigrad.shapes import check_broadcast
from minigrad.tensor import Tensor, _named

__all__ = ["digamma", "igamma", "igammac", "lgamma", "mvlgamma", "polygamma"]


def _floating(input: Any, fn: str) -> Tensor:  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' must be Tensor, not {type(input).__name__}")
    return input if input.dtype.kind == "f" else input.astype(get_default_dtype())


def _tensors(fn: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    for name, v in (("input", a), ("other", b)):
        if not isinstance(v, Tensor):
            raise TypeError(f"{fn}(): argument '{name}' must be Tensor, not {type(v).__name__}")
    check_broadcast(fn, a.shape, b.shape)  # (PyTorch's RuntimeError, not numpy's ValueError)
    return a, b


def igamma(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The regularized lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a), a = input and
    x = other (broadcast; nan for a < 0 or x < 0). Differentiable in ``other`` only (d/dx = x**(a-1)
    exp(-x) / Gamma(a)); the gradient in ``input`` raises UnsupportedError at backward, as PyTorch's.

    Raises:
        TypeError: an argument that is not a Tensor.
        ShapeError: shapes that do not broadcast (PyTorch's RuntimeError).
        UnsupportedError: integer or bool tensors only (their promoted type has no kernel: PyTorch's
            NotImplementedError).
    """
    a, x = _floats(*_tensors("igamma", input, other), int_kernel="igamma")
    return ops.Igamma.apply(a, x, upper=False)


def igammac(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x); see :func:`igamma`."""
    a, x = _floats(*_tensors("igammac", input, other), int_kernel="igammac")
    return ops.Igamma.apply(a, x, upper=True)


def lgamma(input: Tensor) -> Tensor:  # noqa: A002
    """log |Gamma(x)|, elementwise: +inf at 0, the negative integers and +-inf; d/dx = digamma(x)."""
    return ops.Lgamma.apply(_floating(input, "lgamma"))


def digamma(input: Tensor) -> Tensor:  # noqa: A002
    """psi(x) = d/dx lgamma(x): -inf at +0, +inf at -0, nan at negative integers; d/dx = polygamma(1, x)."""
    return ops.Digamma.apply(_floating(input, "digamma"))


def polygamma(n: builtins.int, input: Tensor) -> Tensor:  # noqa: A002
    """psi^(n)(x), the n-th derivative of digamma (n = 0 is digamma itself); d/dx = polygamma(n + 1, x).

    At the poles (0 and the negative integers) +inf for odd n, -inf for even n >= 2.

    Raises:
        TypeError: ``n`` is not an int.
        MinigradError (a RuntimeError): ``n`` is negative.
    """
    if not isinstance(n, builtins.int) or isinstance(n, builtins.bool):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if n < 0:
        raise MinigradError("polygamma(n, x) does not support negative n.")
    return ops.Polygamma.apply(_floating(input, "polygamma"), n=n)


def mvlgamma(input: Tensor, p: builtins.int) -> Tensor:  # noqa: A002
    """The multivariate log-gamma function of dimension p, elementwise:
    sum over i < p of lgamma(x - i/2), plus p (p - 1)/4 log(pi).

    Raises:
        MinigradError (a RuntimeError): ``p`` is below 1, or the input is a bool tensor (as PyTorch).
    """
    if p < 1:
        raise MinigradError("p has to be greater than or equal to 1")
    if isinstance(input, Tensor) and input.dtype.kind == "b":
        raise MinigradError("The input tensor may not be a boolean tensor.")
    x = _floating(input, "mvlgamma")
    out = lgamma(x)
    for i in range(1, p):
        out = out + lgamma(x - i / 2)
    # (PyTorch's one op: its node lists the input alone)
    return _named(out + p * (p - 1) / 4 * math.log(math.pi), x, "MvlgammaBackward0", False, x)


provide(sys.modules[__name__])  # the Tensor methods of these names call these functions
